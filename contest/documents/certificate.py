"""Certificate (证书) PDF rendering: plain data in, PDF bytes out. No Flask, no SQLAlchemy.

Layout (A4 landscape): a red and gold border; the title 荣誉证书 large and centred; the body text built from a
per-contest template; the issuing organisation and the date bottom right with the optional seal drawn over
them; the serial number and a QR code linking to the public verification URL bottom left, with the line
"扫码验证证书真伪".

Text is set in WenQuanYi Micro Hei (``contest.documents.fonts``), embedded as a TrueType subset, so every PDF
carries only the glyphs it uses. Lines break with the CJK rules of ``contest.documents.linebreak``; the
canvas and its metadata come from ``contest.documents.page``. Stored certificate PDFs are kept by
``contest.services.certificates`` (rendered once, then served from storage).

Rules:

* Dates are written with Chinese numerals (二〇二六年十一月二十五日), the customary form on honour
  certificates. ``DATE_NUMERALS = "arabic"`` switches to 2026年11月25日, the form GB/T 9704-2012 prescribes
  for official documents (公文); it saves only ~0.3 KB of glyphs per PDF.
* Text that does not fit is first set smaller, down to a floor size, and then wrapped; at the floor size any
  text still too long for its box is cut with "…". Nothing is ever drawn outside its box, whatever the input.
* The body template may use the placeholders ``{name}``, ``{contest}``, ``{event}``, ``{award}``,
  ``{title}`` (the honorary titles joined with "、") and ``{team}``; a contest's own template is used only
  when every placeholder it names has a value, else the standard text for what the certificate carries
  (award, title, both; as a team member or not: ``standard_body_template``); a newline starts a new paragraph, and every paragraph
  after the first is indented by two characters. Values are set in faux bold.
* The QR code uses error-correction level M and a fixed mask pattern (0): every mask decodes the same, and
  skipping the eight-way mask search makes encoding about eight times faster.
"""

from __future__ import annotations

import calendar
import functools
import hashlib
import io
import itertools
import string
import struct
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import BinaryIO

from reportlab.graphics.barcode import qrencoder
from reportlab.lib.colors import Color
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfdoc
from reportlab.pdfgen.canvas import Canvas

from contest.documents.fonts import FONT as _FONT
from contest.documents.fonts import FONT_NAME, FONT_PATH  # noqa: F401  (FONT_PATH: named by tests and the bench)
from contest.documents.fonts import char_width as _char_width
from contest.documents.linebreak import wrap as _break_lines
from contest.documents.page import new_canvas
from contest.domain.errors import N_, DomainError

__all__ = [
    "CertificateData",
    "DEFAULT_BODY_TEMPLATE",
    "DEFAULT_BODY_TEMPLATE_WITH_TITLE",
    "body_template_of",
    "standard_body_template",
    "PLACEHOLDERS",
    "SEAL_MAX_BYTES",
    "RENDERER_VERSION",
    "fingerprint",
    "format_chinese_date",
    "render_certificate",
    "render_many",
    "validate_body_template",
    "validate_seal_png",
]

# --- page geometry and colours (points; origin bottom left) ----------------------------------------------

PAGE_WIDTH, PAGE_HEIGHT = landscape(A4)
SAFE_MARGIN = 60.0  # nothing but the border is drawn closer than this to the paper's edge

RED = Color(0.70, 0.08, 0.10)
GOLD = Color(0.79, 0.63, 0.27)
PAPER = Color(1.0, 0.985, 0.95)
INK = Color(0.13, 0.11, 0.10)
GREY = Color(0.40, 0.37, 0.35)

TITLE_TEXT = "荣誉证书"
TITLE_SIZE = 54.0
TITLE_BASELINE = PAGE_HEIGHT - 145.0

BODY_LEFT = 115.0
BODY_RIGHT = PAGE_WIDTH - 115.0
BODY_TOP = PAGE_HEIGHT - 190.0  # top of the first line's em box
BODY_BOTTOM = 200.0
BODY_SIZE_MAX = 22.0
BODY_SIZE_MIN = 12.0
BODY_LEADING = 1.75

ISSUER_CENTRE_X = PAGE_WIDTH - 215.0
ISSUER_WIDTH = 280.0
ISSUER_TOP = 178.0  # top of the issuer's em box
ISSUER_SIZE_MAX = 20.0
ISSUER_SIZE_MIN = 12.0
DATE_SIZE = 16.0
DATE_BASELINE = 98.0
SEAL_BOX = 124.0  # the seal is fitted into a square of this side, centred on the issuer block

QR_X = 78.0
QR_Y = 72.0
QR_SIZE = 78.0
LABEL_X = QR_X + QR_SIZE + 12.0
LABEL_WIDTH = ISSUER_CENTRE_X - ISSUER_WIDTH / 2 - 20.0 - LABEL_X

PLACEHOLDERS = ("name", "contest", "event", "award", "title", "team")
DEFAULT_BODY_TEMPLATE = "{name} 同志：\n在{contest}{event}项目中荣获{award}。\n特发此证，以资鼓励。"
DEFAULT_BODY_TEMPLATE_WITH_TITLE = (
    "{name} 同志：\n在{contest}{event}项目中荣获{award}，并被授予“{title}”称号。\n特发此证，以资鼓励。"
)
# The honour clause of the standard text, by what the certificate carries (award?, title?); a team entry's
# member certificate says the award went to his team.
_HONOUR_CLAUSES = {
    (True, False): "荣获{award}",
    (False, True): "被授予“{title}”称号",
    (True, True): "荣获{award}，并被授予“{title}”称号",
}
_TEAM_PREFIX = "作为{team}成员"

DATE_NUMERALS = "hanzi"  # or "arabic" for 2026年11月25日

SEAL_MAX_BYTES = 2 * 1024 * 1024
SEAL_MIN_SIDE = 64
SEAL_MAX_SIDE = 2400
SEAL_RENDER_MAX_SIDE = 300  # bigger seals are scaled down once (see _seal_image)
SEAL_SINGLE_INK_STDDEV = 40.0  # colour spread (per channel, over inked pixels) under which a seal is one ink
SEAL_MAX_ASPECT = 2.0


@dataclass(frozen=True)
class CertificateData:
    """Everything printed on one certificate; ``verify_url`` is the absolute public verification URL."""

    serial: str
    holder_name: str
    contest_title: str
    event_name: str
    award: str
    titles: tuple[str, ...]
    issuer: str
    issued_on: date
    verify_url: str
    body_template: str | None = None
    seal_png: bytes | None = None
    team: str = ""  # the team's name on a team entry's member certificates
    unit: bool = False  # the holder is a unit (an enterprise or a team organisation), not a person


def standard_body_template(has_award: bool, has_title: bool, team: bool = False, unit: bool = False) -> str:
    """The standard text for a certificate carrying an award, a title or both (a certificate carries at least
    one); a team member's says "作为<team>成员" before the honour; a unit is addressed by its name alone (no
    "同志"). Every combination reads as one sentence."""
    clause = _HONOUR_CLAUSES.get((has_award, has_title), _HONOUR_CLAUSES[(True, False)])
    salutation = "{name}：" if unit else "{name} 同志："
    return salutation + "\n在{contest}{event}项目中" + (_TEAM_PREFIX if team else "") + clause + "。\n特发此证，以资鼓励。"


def body_template_of(data: CertificateData) -> str:
    """The contest's own text when it has a value for every placeholder it uses, else the standard text for
    what this certificate carries: a text written around ``{award}`` never prints "荣获，" on a title certificate."""
    values = _values(data)
    if data.body_template:
        validate_body_template(data.body_template)
        used = {field for _l, field, _s, _c in string.Formatter().parse(data.body_template) if field is not None}
        if all(values[field].strip() for field in used):
            return data.body_template
    return standard_body_template(bool(data.award.strip()), bool(data.titles), bool(data.team.strip()), data.unit)


def _values(data: CertificateData) -> dict[str, str]:
    return {
        "name": data.holder_name,
        "contest": data.contest_title,
        "event": data.event_name,
        "award": data.award,
        "title": "、".join(data.titles),
        "team": data.team,
    }


# --- dates ------------------------------------------------------------------------------------------------

_HANZI_DIGITS = "〇一二三四五六七八九"


def _hanzi_number(n: int) -> str:
    """1–31 in Chinese numerals: 一 … 十, 十一 … 十九, 二十, 二十一 … 三十一."""
    tens, units = divmod(n, 10)
    text = ("" if tens <= 1 else _HANZI_DIGITS[tens]) + ("十" if tens else "")
    return text + (_HANZI_DIGITS[units] if units else "")


def format_chinese_date(d: date, numerals: str = "hanzi") -> str:
    """``二〇二六年十一月二十五日`` (``numerals="hanzi"``, the default) or ``2026年11月25日`` (``"arabic"``)."""
    if numerals == "arabic":
        return f"{d.year}年{d.month}月{d.day}日"
    if numerals != "hanzi":
        raise ValueError(f"unknown numerals {numerals!r}")
    year = "".join(_HANZI_DIGITS[int(c)] for c in str(d.year))
    return f"{year}年{_hanzi_number(d.month)}月{_hanzi_number(d.day)}日"


# --- validation -------------------------------------------------------------------------------------------

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def validate_seal_png(data: bytes) -> None:
    """Refuse a seal image unless it is a real PNG of at most 2 MB and of sane dimensions.

    Checks, in order: size (≤ ``SEAL_MAX_BYTES``); the PNG signature and an IHDR chunk first; width and
    height between ``SEAL_MIN_SIDE`` and ``SEAL_MAX_SIDE`` pixels with an aspect ratio of at most 2 (read from
    the header, before anything is decoded); then a full decode with Pillow (CRCs and pixel data).
    """
    if not isinstance(data, (bytes, bytearray)) or not data:
        raise DomainError(N_("The seal image is empty."))
    if len(data) > SEAL_MAX_BYTES:
        raise DomainError(
            N_("The seal image is too large (%(size)d KB); the limit is %(limit)d KB."),
            size=len(data) // 1024,
            limit=SEAL_MAX_BYTES // 1024,
        )
    if not data.startswith(_PNG_SIGNATURE) or len(data) < 33 or data[12:16] != b"IHDR":
        raise DomainError(N_("The seal image must be a PNG file."))
    width, height = struct.unpack(">II", data[16:24])
    if not (SEAL_MIN_SIDE <= width <= SEAL_MAX_SIDE and SEAL_MIN_SIDE <= height <= SEAL_MAX_SIDE):
        raise DomainError(
            N_("The seal image must be %(min)d to %(max)d pixels wide and high (it is %(width)d × %(height)d)."),
            min=SEAL_MIN_SIDE,
            max=SEAL_MAX_SIDE,
            width=width,
            height=height,
        )
    if max(width, height) > SEAL_MAX_ASPECT * min(width, height):
        raise DomainError(N_("The seal image must be roughly square."))
    try:
        from PIL import Image  # a ReportLab dependency

        with Image.open(io.BytesIO(data)) as image:
            if image.format != "PNG":
                raise ValueError("not a PNG")
            image.load()
    except Exception as exc:  # Pillow raises many types for broken files
        raise DomainError(N_("The seal image is not a valid PNG file.")) from exc


def validate_body_template(template: str) -> None:
    """Refuse a body template with unknown placeholders, conversions, format specs or unbalanced braces.

    Only ``{name}``, ``{contest}``, ``{event}``, ``{award}``, ``{title}`` and ``{team}`` are allowed (``{{`` and ``}}``
    print a brace), so a template can never reach attributes or items of the values.
    """
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise DomainError(N_("The certificate text has an unbalanced { or }.")) from exc
    for _literal, field, spec, conversion in parsed:
        if field is None:
            continue
        if field not in PLACEHOLDERS or spec or conversion:
            raise DomainError(
                N_("Unknown placeholder {%(field)s} in the certificate text; use %(allowed)s."),
                field=field,
                allowed=", ".join(f"{{{p}}}" for p in PLACEHOLDERS),
            )


# --- text layout ------------------------------------------------------------------------------------------

# A character to set: (text, faux bold?, keep-together group; 0 = may break anywhere).
_Char = tuple[str, bool, int]
KEEP_TOGETHER_MAX = 8  # placeholder values up to this many characters are never broken across lines

_ELLIPSIS = "…"


def _width(chars: Iterable[_Char]) -> float:
    return sum(_char_width(item[0]) for item in chars)


def _wrap(chars: list[_Char], max_width: float, first_indent: float) -> list[list[_Char]]:
    """Line breaking of one paragraph at 1 pt (widths scale with the size), with the 禁则 rules of
    ``contest.documents.linebreak``; keep-together groups stay on one line when they fit."""
    text = "".join(item[0] for item in chars)
    spans = _break_lines(text, max_width, _char_width, groups=[item[2] for item in chars], first_indent=first_indent)
    return [chars[a:b] for a, b in spans]


@dataclass(frozen=True)
class _Line:
    chars: tuple[_Char, ...]
    indent: float  # at 1 pt
    justify: bool


def _layout(paragraphs: list[list[_Char]], width: float, indent_em: float, size: float) -> list[_Line]:
    max_w = width / size
    out: list[_Line] = []
    for p_index, para in enumerate(paragraphs):
        indent = indent_em if p_index > 0 else 0.0
        wrapped = _wrap(para, max_w, indent) or [[]]
        for i, line in enumerate(wrapped):
            out.append(_Line(tuple(line), indent if i == 0 else 0.0, i < len(wrapped) - 1))
    return out


def _fit(
    paragraphs: list[list[_Char]],
    width: float,
    height: float,
    size_max: float,
    size_min: float,
    leading: float,
    indent_em: float = 0.0,
    max_lines: int | None = None,
) -> tuple[float, list[_Line]]:
    """Largest size (step 0.5 pt, from ``size_max`` down to ``size_min``) whose wrapped lines fit the box.

    At ``size_min`` the lines that still do not fit are dropped and the last kept line ends with "…".
    """
    size = size_max
    while True:
        lines = _layout(paragraphs, width, indent_em, size)
        n_fit = max(1, int((height - size) // (size * leading)) + 1) if height >= size else 1
        if max_lines is not None:
            n_fit = min(n_fit, max_lines)
        if len(lines) <= n_fit:
            return size, lines
        if size <= size_min:
            break
        size = max(size_min, size - 0.5)
    kept = lines[:n_fit]
    last = list(kept[-1].chars)
    max_w = width / size - kept[-1].indent
    while last and _width(last) + _char_width(_ELLIPSIS) > max_w:
        last.pop()
    kept[-1] = _Line(tuple(last) + ((_ELLIPSIS, False, 0),), kept[-1].indent, False)
    return size, kept


def _draw_lines(
    c: Canvas,
    lines: list[_Line],
    size: float,
    leading: float,
    top: float,
    *,
    left: float | None = None,
    width: float,
    centre_x: float | None = None,
    colour: Color = INK,
) -> None:
    """Draw laid-out lines; the first line's em box starts at ``top``. Centred if ``centre_x`` is given."""
    baseline = top - size * 0.88
    c.setLineWidth(size * 0.035)  # faux bold: fill + stroke (render mode 2)
    c.setStrokeColor(colour)
    text = c.beginText()
    text.setFont(FONT_NAME, size)
    text.setFillColor(colour)
    for line in lines:
        chars = line.chars
        natural = _width(chars) * size
        indent = line.indent * size
        char_space = 0.0
        if line.justify and centre_x is None and len(chars) > 1:  # centred lines keep natural spacing
            extra = width - indent - natural
            if 0 < extra <= size * 0.25 * (len(chars) - 1):  # at most a quarter em between characters
                char_space = extra / (len(chars) - 1)
        if centre_x is not None:
            x = centre_x - natural / 2
        else:
            assert left is not None
            x = left + indent
        text.setTextOrigin(x, baseline)
        text.setCharSpace(char_space)
        run: list[str] = []
        run_bold = None
        for ch, bold, _group in chars:
            if bold != run_bold and run:
                text.setTextRenderMode(2 if run_bold else 0)
                text.textOut("".join(run))
                run = []
            run_bold = bold
            run.append(ch)
        if run:
            text.setTextRenderMode(2 if run_bold else 0)
            text.textOut("".join(run))
        baseline -= size * leading
    text.setTextRenderMode(0)
    text.setCharSpace(0)
    c.drawText(text)


def _plain(text: str, keep_words: bool = False) -> list[_Char]:
    """Plain text with runs of whitespace collapsed; with ``keep_words``, the space-separated words (e.g. the
    organisations of a joint issue) are keep-together groups, so lines break between them when they can."""
    words = text.split()
    out: list[_Char] = []
    for i, word in enumerate(words):
        if i:
            out.append((" ", False, 0))
        out.extend((ch, False, i + 1 if keep_words else 0) for ch in word)
    return out


def _body_paragraphs(data: CertificateData) -> list[list[_Char]]:
    template = body_template_of(data)
    values = _values(data)
    paragraphs: list[list[_Char]] = [[]]
    for literal, field, _spec, _conv in string.Formatter().parse(template):
        for i, part in enumerate(literal.split("\n")):
            if i:
                paragraphs.append([])
            paragraphs[-1].extend((ch, False, 0) for ch in part)
        if field is not None:
            value = " ".join(values[field].split())
            group = len(paragraphs[-1]) + 1 if len(value) <= KEEP_TOGETHER_MAX else 0
            paragraphs[-1].extend((ch, True, group) for ch in value)
    return [p for p in paragraphs if p] or [[]]


# --- drawing ----------------------------------------------------------------------------------------------


def _draw_border(c: Canvas) -> None:
    w, h = PAGE_WIDTH, PAGE_HEIGHT
    c.setFillColor(PAPER)
    c.rect(0, 0, w, h, stroke=0, fill=1)
    c.setStrokeColor(RED)
    c.setLineWidth(9)
    c.rect(22, 22, w - 44, h - 44, stroke=1, fill=0)
    c.setStrokeColor(GOLD)
    c.setLineWidth(1.6)
    c.rect(33, 33, w - 66, h - 66, stroke=1, fill=0)
    c.setLineWidth(0.6)
    c.rect(37, 37, w - 74, h - 74, stroke=1, fill=0)
    # corner ornaments: a gold bracket and a red diamond in each corner
    arm, inset = 34.0, 44.0
    c.setLineWidth(2.2)
    c.setFillColor(RED)
    for sx, sy in ((1, 1), (-1, 1), (1, -1), (-1, -1)):
        x0 = inset if sx > 0 else w - inset
        y0 = inset if sy > 0 else h - inset
        p = c.beginPath()
        p.moveTo(x0 + sx * arm, y0)
        p.lineTo(x0, y0)
        p.lineTo(x0, y0 + sy * arm)
        c.drawPath(p, stroke=1, fill=0)
        d = 4.5
        cx, cy = x0 + sx * 9, y0 + sy * 9
        p = c.beginPath()
        p.moveTo(cx - d, cy)
        p.lineTo(cx, cy + d)
        p.lineTo(cx + d, cy)
        p.lineTo(cx, cy - d)
        p.close()
        c.drawPath(p, stroke=0, fill=1)


def _draw_title(c: Canvas) -> None:
    spacing = TITLE_SIZE * 0.45
    width = _FONT.stringWidth(TITLE_TEXT, TITLE_SIZE) + spacing * (len(TITLE_TEXT) - 1)
    x = (PAGE_WIDTH - width) / 2
    c.setFillColor(RED)
    c.setStrokeColor(RED)
    c.setLineWidth(0.9)
    text = c.beginText(x, TITLE_BASELINE)
    text.setFont(FONT_NAME, TITLE_SIZE)
    text.setCharSpace(spacing)
    text.setTextRenderMode(2)
    text.textOut(TITLE_TEXT)
    text.setTextRenderMode(0)
    text.setCharSpace(0)
    c.drawText(text)
    # a thin gold rule with a diamond under the title
    y = TITLE_BASELINE - 20
    c.setStrokeColor(GOLD)
    c.setLineWidth(0.8)
    c.line(PAGE_WIDTH / 2 - 150, y, PAGE_WIDTH / 2 - 8, y)
    c.line(PAGE_WIDTH / 2 + 8, y, PAGE_WIDTH / 2 + 150, y)
    c.setFillColor(GOLD)
    p = c.beginPath()
    p.moveTo(PAGE_WIDTH / 2 - 4, y)
    p.lineTo(PAGE_WIDTH / 2, y + 4)
    p.lineTo(PAGE_WIDTH / 2 + 4, y)
    p.lineTo(PAGE_WIDTH / 2, y - 4)
    p.close()
    c.drawPath(p, stroke=0, fill=1)


@functools.lru_cache(maxsize=64)
def _qr_path(url: str) -> tuple[int, str]:
    """QR module count and PDF path operators (module units) that fill the dark modules of ``url``.

    Dark modules are merged into horizontal runs per row, and runs repeated with the same columns on the
    rows below into one taller rectangle, so a version-4 code takes ~250 ``re`` operators, not ~600 squares.
    """
    qr = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    qr.addData(qrencoder.QR8bitByte(url))
    qr.version = qr.calculate_version()
    qr.makeImpl(False, 0)
    n = qr.getModuleCount()
    open_runs: dict[tuple[int, int], int] = {}  # (first_col, length) -> top row (from the top) of the rect
    rects: list[tuple[int, int, int, int]] = []  # (col, row_from_top, length, height)
    for r, row in enumerate(qr.modules + [[False] * n]):
        runs = set()
        col = 0
        while col < n:
            if row[col]:
                start = col
                while col < n and row[col]:
                    col += 1
                runs.add((start, col - start))
            else:
                col += 1
        for key in [k for k in open_runs if k not in runs]:
            top = open_runs.pop(key)
            rects.append((key[0], top, key[1], r - top))
        for key in runs:
            open_runs.setdefault(key, r)
    ops = "\n".join(f"{col} {n - top - height} {length} {height} re" for col, top, length, height in rects)
    return n, ops + "\nf"


def _draw_qr(c: Canvas, url: str, x: float, y: float, size: float) -> None:
    """Vector QR: one filled path of merged rectangles in module units (drawn under a scaling transform)."""
    n, ops = _qr_path(url)
    c.saveState()
    c.translate(x, y)
    c.scale(size / n, size / n)
    c.setFillColor(INK)
    c.addLiteral(ops)
    c.restoreState()


@functools.lru_cache(maxsize=8)
def _seal_image(png: bytes) -> ImageReader:
    """The validated seal, as RGBA, scaled down to at most ``SEAL_RENDER_MAX_SIDE`` pixels (cached).

    The seal prints about 44 mm wide, so 300 px is ~175 dpi, plenty for a stamp; a bigger upload would only
    make every certificate bigger and slower (unscaled, a 1000 px seal costs ~17 ms and ~18 KB per PDF).
    """
    from PIL import Image, ImageStat

    validate_seal_png(png)
    with Image.open(io.BytesIO(png)) as opened:
        image = opened.convert("RGBA")
    if max(image.size) > SEAL_RENDER_MAX_SIDE:
        image.thumbnail((SEAL_RENDER_MAX_SIDE, SEAL_RENDER_MAX_SIDE), Image.Resampling.LANCZOS)
    alpha = image.getchannel("A")
    inked = alpha.point(lambda v: 255 if v >= 128 else 0)
    if inked.getbbox():
        stat = ImageStat.Stat(image.convert("RGB"), inked)
        if max(stat.stddev) <= SEAL_SINGLE_INK_STDDEV:
            # a single-ink seal: print it in its mean ink colour, with its own alpha as the shape. The colour
            # plane then compresses to almost nothing (edge and scan noise in it costs ~20 KB per PDF).
            # Eight alpha levels keep the stamp's edges smooth in print and compress far better than 256.
            ink = Image.new("RGB", image.size, tuple(round(m) for m in stat.mean))
            image = Image.merge("RGBA", (*ink.split(), alpha.point(lambda v: round(v / 255 * 7) * 255 // 7)))
    return ImageReader(image)


def _draw_certificate(c: Canvas, data: CertificateData) -> None:
    _draw_border(c)
    _draw_title(c)

    size, lines = _fit(
        _body_paragraphs(data),
        BODY_RIGHT - BODY_LEFT,
        BODY_TOP - BODY_BOTTOM,
        BODY_SIZE_MAX,
        BODY_SIZE_MIN,
        BODY_LEADING,
        indent_em=2.0,
    )
    _draw_lines(c, lines, size, BODY_LEADING, BODY_TOP, left=BODY_LEFT, width=BODY_RIGHT - BODY_LEFT)

    # issuer and date, bottom right; the issuer may take two lines
    size, lines = _fit(
        [_plain(data.issuer, keep_words=True)],
        ISSUER_WIDTH,
        ISSUER_SIZE_MAX * 2.6,
        ISSUER_SIZE_MAX,
        ISSUER_SIZE_MIN,
        1.3,
        max_lines=2,
    )
    top = ISSUER_TOP if len(lines) == 1 else ISSUER_TOP + size * 0.65
    _draw_lines(c, lines, size, 1.3, top, width=ISSUER_WIDTH, centre_x=ISSUER_CENTRE_X)
    date_text = format_chinese_date(data.issued_on, DATE_NUMERALS)
    c.setFillColor(INK)
    c.setFont(FONT_NAME, DATE_SIZE)
    c.drawCentredString(ISSUER_CENTRE_X, DATE_BASELINE, date_text)
    if data.seal_png:
        c.drawImage(
            _seal_image(bytes(data.seal_png)),
            ISSUER_CENTRE_X - SEAL_BOX / 2,
            (ISSUER_TOP + DATE_BASELINE) / 2 - SEAL_BOX / 2,
            SEAL_BOX,
            SEAL_BOX,
            mask="auto",
            preserveAspectRatio=True,
            anchor="c",
        )

    # QR, serial and the verification line, bottom left
    _draw_qr(c, data.verify_url, QR_X, QR_Y, QR_SIZE)
    size, lines = _fit([_plain("证书编号：" + data.serial)], LABEL_WIDTH, 14, 12.0, 7.0, 1.2, max_lines=1)
    _draw_lines(c, lines, size, 1.2, QR_Y + 38, left=LABEL_X, width=LABEL_WIDTH)
    _draw_lines(
        c,
        [_Line(tuple(_plain("扫码验证证书真伪")), 0.0, False)],
        10.0,
        1.2,
        QR_Y + 14,
        left=LABEL_X,
        width=LABEL_WIDTH,
        colour=GREY,
    )


def _new_canvas(out: BinaryIO | io.BytesIO, title: str, author: str, invariant: bool = False) -> Canvas:
    return new_canvas(out, (PAGE_WIDTH, PAGE_HEIGHT), title, author, font_size=12, invariant=invariant)


def _pin_timestamp(c: Canvas, on: date) -> None:
    """The document's creation date is ``on`` (midnight UTC), not the moment of rendering."""
    stamp = c._doc._timeStamp
    stamp.t = calendar.timegm(on.timetuple())
    stamp.lt = time.gmtime(stamp.t)
    stamp.YMDhms = tuple(stamp.lt)[:6]


#: Bump whenever the drawing changes: stored certificate PDFs (``contest.services.certificates``) carry the
#: fingerprint of their inputs, this version included, and are drawn again when it no longer matches.
RENDERER_VERSION = "2026.11.1"


def fingerprint(data: CertificateData) -> str:
    """SHA-256 (hex) of everything :func:`render_certificate` draws from, and of the renderer's version: equal
    fingerprints mean byte-identical PDFs, so it serves as a strong ETag."""
    return digest_of(RENDERER_VERSION, (data.body_template or "", data.team), data)


def digest_of(version: str, extra: tuple[str, ...], data: CertificateData) -> str:
    """SHA-256 (hex) of a layout's ``version``, the certificate's fields every layout draws, the layout's
    ``extra`` fields, the date numerals and the seal: the fingerprint of a certificate layout's inputs."""
    h = hashlib.sha256(version.encode())
    for value in (data.serial, data.holder_name, data.contest_title, data.event_name, data.award, "\x1e".join(data.titles),
                  data.issuer, data.issued_on.isoformat(), data.verify_url, *extra, DATE_NUMERALS):
        h.update(b"\x1f" + value.encode())
    h.update(b"\x1f" + (hashlib.sha256(bytes(data.seal_png)).digest() if data.seal_png else b""))
    return h.hexdigest()


def render_certificate(data: CertificateData) -> bytes:
    """One certificate as a one-page PDF. The same data always gives the same bytes: the document's creation
    date is the issue date (midnight UTC) and its file identifier a digest of the content."""
    buf = io.BytesIO()
    c = _new_canvas(buf, f"荣誉证书 {data.serial}", data.issuer, invariant=True)
    _pin_timestamp(c, data.issued_on)
    _draw_certificate(c, data)
    c.showPage()
    c.save()
    return buf.getvalue()


def render_many(certificates: Iterable[CertificateData], out: BinaryIO) -> None:
    """All certificates as one multi-page PDF written to ``out``, streamed page by page.

    Each page's objects (content stream, images) are written to ``out`` as soon as the page is finished and
    dropped from memory; only the font subset (bounded by the number of distinct characters), the image
    XObjects' names and one object offset per object are kept until the end. ``out`` needs only ``write``.
    """
    items = iter(certificates)
    first = next(items, None)
    if first is None:
        raise ValueError("render_many needs at least one certificate")
    c = _new_canvas(io.BytesIO(), "荣誉证书", first.issuer)
    doc = c._doc
    doc.__class__ = _StreamingDocument  # same state, plus incremental writing
    doc._start_streaming(out)
    for data in itertools.chain((first,), items):
        _draw_certificate(c, data)
        c.showPage()  # → _StreamingDocument.addPage writes the page out
    doc._finish(c)


# --- streaming PDF document -------------------------------------------------------------------------------


class _Written(pdfdoc.PDFObject):
    """Stands in for an object already written to the output (keeps the name registered).

    An image keeps its pixel size: ``Canvas.drawImage`` reads it when the image is drawn again.
    """

    def __init__(self, obj: object) -> None:
        self.width = getattr(obj, "width", None)
        self.height = getattr(obj, "height", None)

    def format(self, document):  # pragma: no cover - never formatted again
        raise AssertionError("object already written")


_WRITTEN = _Written(None)


class _StreamingDocument(pdfdoc.PDFDocument):
    """A ReportLab document that writes page objects as pages are added instead of at ``save``.

    PDF allows objects in any order in the file as long as the cross-reference table gives each one's
    offset. Pages, their content streams and images are final once a page is shown, so they are written
    immediately; the shared objects that still change (fonts dictionary, page tree, catalogue, info,
    outlines, font subsets) are written by :meth:`_finish`.
    """

    _out: BinaryIO
    _pos: int
    _written: set[int]

    def _start_streaming(self, out: BinaryIO) -> None:
        self._out = out
        self._written = set()
        self._scan_from = 1
        self.encrypt.prepare(self)
        # the version must be known before the first page: 1.4 covers the soft masks of seal images
        self._pdfVersion = max(self._pdfVersion, (1, 4))
        self._header_version = self._pdfVersion
        header = b"%PDF-" + self._pdfVersion_str() + b"\n%\xe2\xe3\xcf\xd3\n"
        out.write(header)
        self._pos = len(header)

    def _pdfVersion_str(self) -> bytes:
        major, minor = self._pdfVersion
        return f"{major}.{minor}".encode()

    def addPage(self, page):
        super().addPage(page)
        name = page.__InternalName__
        # format the page now: this registers its content stream (and Parent, which stays deferred)
        self._write_object(self.idToObjectNumberAndVersion[name][0])
        self.Pages.pages[-1] = pdfdoc.PDFObjectReference(name)
        counter = self._scan_from  # objects below were written or are deferred to _finish
        while counter in self.numberToId:
            oid = self.numberToId[counter]
            obj = self.idToObject[oid]
            # content streams and images are final; everything else (the page tree, the shared fonts
            # dictionary, catalogue, info, outlines) may still change and waits for _finish
            if counter not in self._written and isinstance(obj, (pdfdoc.PDFStream, pdfdoc.PDFImageXObject)):
                self._write_object(counter)
            counter += 1
        self._scan_from = counter

    def _write_object(self, number: int) -> None:
        oid = self.numberToId[number]
        obj = self.idToObject[oid]
        data = pdfdoc.PDFIndirectObject(oid, obj).format(self)
        self.idToOffset[oid] = self._pos
        self._out.write(data)
        self._pos += len(data)
        self._written.add(number)
        # a shared stand-in unless the object is an image (whose size drawImage needs again)
        self.idToObject[oid] = _Written(obj) if isinstance(obj, pdfdoc.PDFImageXObject) else _WRITTEN

    def _finish(self, canvas: Canvas) -> None:
        if self._pdfVersion > self._header_version:
            raise AssertionError(f"PDF version raised to {self._pdfVersion} after the header was written")
        for font in self.delayedFonts:
            font.addObjects(self)
        self.info.invariant = self.invariant
        self.info.digest(self.signature)
        cat = self.Catalog
        self.Reference(cat)
        self.Reference(self.info)
        self.Outlines.prepare(self, canvas)
        if self.Outlines.ready < 0:
            cat.Outlines = None
        counter = 1
        while counter in self.numberToId:  # formatting may register more objects: loop until none is left
            if counter not in self._written:
                self._write_object(counter)
            counter += 1
        ids = [self.numberToId[i] for i in range(1, counter)]
        xref = pdfdoc.PDFCrossReferenceTable()
        xref.addsection(0, ids)
        xref_offset = self._pos
        xref_data = xref.format(self)
        trailer = pdfdoc.PDFTrailer(
            startxref=xref_offset,
            Size=len(ids) + 1,
            Root=self.Reference(cat),
            Info=self.Reference(self.info),
            Encrypt=None,
            ID=self.ID(),
        )
        self._out.write(xref_data + trailer.format(self))
