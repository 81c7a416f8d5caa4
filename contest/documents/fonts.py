"""The one CJK font of every PDF the application prints, registered with ReportLab once.

WenQuanYi Micro Hei (``contest/documents/fonts/wqy-microhei.ttc``, Apache-2.0; see ``fonts/README.md``) is
registered when this module is imported and embedded as a TrueType subset, so every PDF carries only the
glyphs it uses. The font file is package data (``[tool.setuptools.package-data]`` in ``pyproject.toml``),
so an installed wheel finds it beside this module.

This module also switches ReportLab to binary (Flate only) streams: its default ASCII85 layer makes every
stream 25 % bigger and slower to write, for the sake of 7-bit mail transports. That is a process-wide
ReportLab setting, made here once for every document.
"""

from __future__ import annotations

import functools
from pathlib import Path

from reportlab import rl_config
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

__all__ = ["FONT", "FONT_DIR", "FONT_NAME", "FONT_PATH", "char_width", "text_width"]

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT_PATH = FONT_DIR / "wqy-microhei.ttc"
FONT_NAME = "WenQuanYiMicroHei"

if FONT_NAME not in pdfmetrics.getRegisteredFontNames():
    pdfmetrics.registerFont(TTFont(FONT_NAME, str(FONT_PATH), subfontIndex=0))
FONT = pdfmetrics.getFont(FONT_NAME)

rl_config.useA85 = 0


@functools.lru_cache(maxsize=8192)
def char_width(ch: str) -> float:
    """Advance width of one character at 1 pt (widths scale linearly with the size)."""
    return FONT.stringWidth(ch, 1.0)


def text_width(text: str, size: float) -> float:
    """Width of ``text`` set at ``size`` points (ReportLab applies no kerning: the sum of the advances)."""
    return pdfmetrics.stringWidth(text, FONT_NAME, size)
