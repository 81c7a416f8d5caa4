"""Strict reading of numbers typed by people (marks, maximum marks, award thresholds).

``Decimal(text)`` is far too liberal for a score sheet: it accepts ``"1_0"`` (ten), ``"1e1"`` (ten),
``"Infinity"``, full-width ``"１０"`` and Arabic-Indic ``"١٠"`` digits. A judge who typed any of these
made a mistake, and storing a value he did not see is worse than refusing it.

The one rule: optional ASCII spaces around an optional sign, ASCII digits, and optionally a point followed
by ASCII digits (``"7"``, ``"7.5"``, ``".5"``, ``"7."``, ``"-1"``). Nothing else. How many decimal places are
allowed is the caller's rule (a mark has at most two), so that the caller can say so in its own words.
"""

from __future__ import annotations

import re
from decimal import Decimal

__all__ = ["parse_plain_decimal", "parse_plain_int"]

_WHOLE = re.compile(r"[0-9]{1,18}", re.ASCII)
_PLAIN = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)", re.ASCII)


def parse_plain_decimal(text: str) -> Decimal | None:
    """The Decimal written in ``text`` if it is a plain ASCII decimal (see the module rule), else None."""
    if not isinstance(text, str):
        return None
    stripped = text.strip(" \t")
    if len(stripped) > 40 or not _PLAIN.fullmatch(stripped):
        return None
    return Decimal(stripped)


def parse_plain_int(text: object) -> int | None:
    """The whole number >= 0 written in ASCII digits in ``text`` (spaces around allowed), else None.

    ``int()`` would take ``"1_0"``, ``"１０"`` and ``"٣"``, and ``str.isdigit`` accepts ``"²"``, which
    ``int()`` then refuses with an exception."""
    if isinstance(text, bool):
        return None
    if isinstance(text, int):
        return text if text >= 0 else None
    if not isinstance(text, str):
        return None
    stripped = text.strip(" \t")
    return int(stripped) if _WHOLE.fullmatch(stripped) else None
