"""Names and e-mail addresses (pure): pinyin initials for search, and the e-mail address rule.

**Initials.** ``name_initials("周建华") == "zjh"``: every Chinese character gives the first letter of its most
common reading (pypinyin's phrase-aware ``lazy_pinyin``, ``Style.FIRST_LETTER``); every run of Latin letters or
digits gives its first character (``"Li Lei"`` → ``"ll"``, ``"王2"`` → ``"w2"``); everything else (spaces, dots
such as 阿卜杜·热合曼, brackets) is dropped. Always lower case, at most ``MAX_INITIALS`` characters. Stored with
each user when the name is written, so a search by initials is an indexed prefix ``LIKE``.

**E-mail addresses** (optional on an account): after trimming, at most 254 characters, exactly one ``@``, a
non-empty local part of at most 64 characters without spaces, and a domain of dot-separated labels (letters,
digits, hyphens, not starting or ending with a hyphen, at least two labels). Stored in lower case. This is
deliberately narrower than RFC 5321 (no quoted local parts, no address literals): what a mail server of a
Chinese enterprise gives its staff.
"""

from __future__ import annotations

import re

from pypinyin import Style, lazy_pinyin

from contest.domain.errors import N_, DomainError

MAX_INITIALS = 50
MAX_EMAIL = 254

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[A-Za-z0-9]+")
_LOCAL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}$")
_LABEL = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")


def name_initials(name: str) -> str:
    """The pinyin initials of ``name`` (see the module docstring)."""
    letters: list[str] = []
    for chunk in lazy_pinyin(name or "", style=Style.FIRST_LETTER, errors=lambda text: [text]):
        if not chunk:
            continue
        if _HAN.search(chunk):  # a character pypinyin could not read: nothing to search by
            continue
        if len(chunk) == 1 and chunk.isalpha() and chunk.isascii():
            letters.append(chunk)
        else:
            letters.extend(word[0] for word in _WORD.findall(chunk))
    return "".join(letters).lower()[:MAX_INITIALS]


def looks_like_initials(query: str) -> bool:
    """Whether a search text could be pinyin initials (2–50 Latin letters, nothing else)."""
    text = (query or "").strip()
    return 2 <= len(text) <= MAX_INITIALS and text.isascii() and text.isalpha()


def clean_email(value: str | None) -> str | None:
    """The address to store (lower case), ``None`` for an empty one; ``DomainError`` when it breaks the rule."""
    text = (value or "").strip()
    if not text:
        return None
    if len(text) > MAX_EMAIL or text.count("@") != 1:
        raise DomainError(N_("Enter an e-mail address such as zhang@example.com."))
    local, domain = text.split("@")
    labels = domain.split(".")
    if not _LOCAL.match(local) or local.startswith(".") or local.endswith(".") or ".." in local:
        raise DomainError(N_("Enter an e-mail address such as zhang@example.com."))
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels) or labels[-1].isdigit():
        raise DomainError(N_("Enter an e-mail address such as zhang@example.com."))
    return text.lower()
