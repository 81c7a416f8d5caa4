"""CJK line breaking (禁则) for every printed document: one set of rules, one greedy breaker.

Plain text (and a width per character) in, line spans out; no ReportLab, no Flask. The certificate body, the
cells of the sign-in and results sheets and the notes under a results sheet all break lines here.

Rules:

* A line may break between any two CJK characters, and at spaces (a space at a line's edge is dropped).
* A run of Latin letters and digits (``GB/T``, ``2026``, ``12:30``, ``a@b.cn``) is kept together, and so is
  each *keep-together group* the caller marks (e.g. a short placeholder value on a certificate).
* **No line starts with closing punctuation** (:data:`NO_LINE_START`: ，。、；：？！）》」』】〕 closing quotes,
  ellipsis and dash, …) and **no line ends with opening punctuation** (:data:`NO_LINE_END`: （《「『【〔 opening
  quotes, …). The breaker does not "fix up" a bad break afterwards: a closing mark is glued to what precedes
  it and an opening mark to what follows it before any line is filled, so a break can only fall where both
  rules hold. ``……`` and ``——`` are therefore never split either.
* A unit wider than a whole line (a very long Latin run, or a glued unit in a very narrow box) is split by
  characters, as late as it fits; even then no line starts with closing punctuation unless the line would
  otherwise hold nothing. Nothing is ever wider than ``max_width``, except a single character wider than it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

__all__ = ["NO_LINE_END", "NO_LINE_START", "break_ok", "clusters", "wrap", "wrap_text"]

#: Characters that never start a line (行首禁则): closing brackets and quotes, pause and stop marks, the
#: ellipsis and the dash (which also keep their two halves together), the interpunct, and their ASCII kin.
NO_LINE_START = frozenset(
    "，。、；：？！）】》」』〕〉〗〙〛｝］”’…‥—～·・｡､﹐﹑﹒﹔﹕﹖﹗%‰℃°,.;:?!)]}>"
)
#: Characters that never end a line (行尾禁则): opening brackets and quotes.
NO_LINE_END = frozenset("（【《「『〔〈〖〘〚｛［“‘([{<")

_LATIN_EXTRA = frozenset("-_./@:#&+'*")
_EPS = 1e-9


def _is_latin(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch in _LATIN_EXTRA)


def _tokens(text: str, groups: Sequence[int] | None) -> list[tuple[int, int]]:
    """Base units: one CJK character each; a Latin run, a run of spaces or a keep-together group as one."""
    out: list[list[int]] = []
    for i, ch in enumerate(text):
        if out:
            prev = text[i - 1]
            group = groups[i] if groups is not None else 0
            if (
                (_is_latin(ch) and _is_latin(prev))
                or (ch.isspace() and prev.isspace())
                or (group and groups is not None and groups[i - 1] == group)
            ):
                out[-1][1] = i + 1
                continue
        out.append([i, i + 1])
    return [(a, b) for a, b in out]


def break_ok(before: str, after: str) -> bool:
    """May a line end with ``before`` and the next one start with ``after`` (spaces aside)?"""
    before, after = before.rstrip(), after.lstrip()
    if not before or not after:
        return True
    return after[0] not in NO_LINE_START and before[-1] not in NO_LINE_END


def clusters(text: str, groups: Sequence[int] | None = None) -> list[tuple[int, int]]:
    """Spans of ``text`` that a line never breaks inside: base units glued across every forbidden break.

    ``groups`` gives each character a keep-together group (0: none); characters of one non-zero group that
    follow each other form one unit.
    """
    tokens = _tokens(text, groups)
    out: list[tuple[int, int]] = []
    for index, (a, b) in enumerate(tokens):
        if not out:
            out.append((a, b))
            continue
        piece = text[a:b]
        # look through spaces on both sides: "（ 注" and "注 ）" never break at the space either
        k = a - 1
        while k > 0 and text[k].isspace():
            k -= 1
        before = text[k]
        after = piece
        if piece.isspace() and index + 1 < len(tokens):
            after = text[tokens[index + 1][0] : tokens[index + 1][1]]
        if break_ok(before, after):
            out.append((a, b))
        else:
            out[-1] = (out[-1][0], b)
    return out


def _rstrip(text: str, a: int, b: int) -> int:
    while b > a and text[b - 1].isspace():
        b -= 1
    return b


def _lstrip(text: str, a: int, b: int) -> int:
    while a < b and text[a].isspace():
        a += 1
    return a


def wrap(
    text: str,
    max_width: float,
    char_width: Callable[[str], float],
    *,
    groups: Sequence[int] | None = None,
    first_indent: float = 0.0,
) -> list[tuple[int, int]]:
    """Greedy line breaking of one paragraph: the ``(start, end)`` span of each line in ``text``.

    ``char_width`` gives a character's advance in the units of ``max_width``; the first line starts
    ``first_indent`` in. Spaces at the edges of a line are left out of its span.
    """
    def width(a: int, b: int) -> float:
        return sum(char_width(ch) for ch in text[a:b])

    lines: list[tuple[int, int]] = []
    start: int | None = None
    end = 0
    used = first_indent

    def close() -> None:
        nonlocal start, used
        if start is not None:
            stop = _rstrip(text, start, end)
            if stop > start:
                lines.append((start, stop))
        start, used = None, 0.0

    for a, b in clusters(text, groups):
        if start is not None:
            if used + width(a, _rstrip(text, a, b)) <= max_width + _EPS:
                end, used = b, used + width(a, b)
                continue
            close()
        if start is None:
            a = _lstrip(text, a, b)  # no space at the start of a line
            if a == b:
                continue
        if used + width(a, _rstrip(text, a, b)) <= max_width + _EPS:
            start, end, used = a, b, used + width(a, b)
            continue
        # wider than a whole line: split by characters, as late as each line allows
        for i in range(a, b):
            w = char_width(text[i])
            if start is not None and used + w > max_width + _EPS:
                cut = i
                if text[i] in NO_LINE_START:
                    # take the previous character along rather than start a line with a closing mark
                    k = i - 1
                    while k > start and text[k].isspace():
                        k -= 1
                    if k > start:
                        cut = k
                end = cut
                close()
                if cut < i:
                    start, end, used = cut, i, width(cut, i)
            if start is None:
                if text[i].isspace():
                    continue
                start, used = i, 0.0 if lines else used
            end, used = i + 1, used + w
    close()
    return lines


def wrap_text(text: str, max_width: float, size: float, char_width: Callable[[str], float]) -> list[str]:
    """The lines of ``text`` set at ``size`` in a box ``max_width`` wide (``char_width`` at 1 pt)."""
    return [text[a:b] for a, b in wrap(text, max_width / size, char_width)]
