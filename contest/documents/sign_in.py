"""Sign-in sheet (签到表) of an event after the draw: plain data in, PDF bytes out. No Flask, no SQLAlchemy.

Layout (A4 portrait): on every page the title, the subtitle with the word 签到表, and the table header; one
row per entry in the order given (the services sort by competitor number) with the columns
号码 / 姓名 / 单位 / 工种 / 身份证号 / 签到, the last an empty box for the signature; at the foot of every
page "第 i 页 共 N 页" centred and the time the sheet was generated on the left.

Rules:

* Every cell's text is set at ``SIZE_MAX`` if it fits on one line, otherwise at the largest size down to
  ``SIZE_MIN`` at which it fits on one line; if it does not fit even at ``SIZE_MIN`` it is wrapped with the
  CJK rules of ``contest.documents.linebreak``, up to ``MAX_LINES`` lines, and the last line is cut with "…"
  beyond that (``contest.documents.page.fit_cell``). Nothing is ever drawn outside its cell.
* A row is ``ROW_HEIGHT`` high, or taller when a wrapped cell needs it (at most ``MAX_LINES`` lines).
  Rows are never split across pages; pages are filled greedily, so a sheet of rows that all fit in
  ``ROW_HEIGHT`` has ``ceil(len(rows) / ROWS_PER_PAGE)`` pages (at least one, even with no rows).

The text is set in the CJK font of ``contest.documents.fonts``; the title block, the footer and the metadata
are the page furniture of ``contest.documents.page``.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from reportlab.lib.colors import Color
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from contest.documents.fonts import FONT_NAME
from contest.documents.page import (  # noqa: F401  (re-exported: the results sheet and tests use them from here)
    LEADING,
    MAX_LINES,
    PAD_X,
    PAD_Y,
    SIZE_MAX,
    SIZE_MIN,
    SIZE_STEP,
    FittedCell,
    draw_cell,
    draw_footer,
    draw_title_block,
    fit_cell,
    new_canvas,
    text_width,
    wrap_text,
)

__all__ = [
    "COLUMN_TITLES", "ROWS_PER_PAGE", "SignInRowLike", "expected_pages", "fit_cell", "paginate", "render_sign_in_sheet",
]

# The printed form is Chinese whatever the interface language: its fixed words live here, in one place.
COLUMN_TITLES = {
    "number": "号码",
    "names": "姓名",
    "unit": "单位",
    "occupation": "工种",
    "resident_id": "身份证号",
    "signature": "签到",
}
SHEET_WORD = "签到表"

# --- geometry (points; origin bottom left) ---------------------------------------------------------------

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_X = 36.0
TABLE_WIDTH = PAGE_WIDTH - 2 * MARGIN_X
COLUMN_WIDTHS = {  # sums to TABLE_WIDTH (523.28); the unit (county · enterprise · team) gets 20 characters a line at 8 pt
    "number": 40.0,
    "names": 86.0,
    "unit": 170.0,
    "occupation": 58.0,
    "resident_id": 105.0,
    "signature": TABLE_WIDTH - (40.0 + 86.0 + 170.0 + 58.0 + 105.0),
}
TITLE_SIZE = 16.0
TITLE_BASELINE = PAGE_HEIGHT - 52.0
SUBTITLE_SIZE = 12.0
SUBTITLE_BASELINE = PAGE_HEIGHT - 74.0
HEADER_TOP = PAGE_HEIGHT - 88.0
HEADER_HEIGHT = 24.0
HEADER_SIZE = 11.0
TABLE_BOTTOM = 56.0  # the lowest row ends at or above this line

ROW_HEIGHT = 28.0

ROWS_PER_PAGE = int((HEADER_TOP - HEADER_HEIGHT - TABLE_BOTTOM) // ROW_HEIGHT)

INK = Color(0.1, 0.1, 0.1)
GRID = Color(0.35, 0.35, 0.35)
HEADER_FILL = Color(0.92, 0.92, 0.92)

class SignInRowLike(Protocol):
    number: int | None
    names: str
    unit: str
    occupation: str
    resident_id: str


def _row_cells(row: SignInRowLike) -> dict[str, FittedCell]:
    values = {
        "number": "" if row.number is None else str(row.number),
        "names": row.names,
        "unit": row.unit,
        "occupation": row.occupation,
        "resident_id": row.resident_id,
        "signature": "",
    }
    return {key: fit_cell(values[key], COLUMN_WIDTHS[key] - 2 * PAD_X) for key in COLUMN_TITLES}


def _row_height(cells: dict[str, FittedCell]) -> float:
    return max(ROW_HEIGHT, max(cell.height for cell in cells.values()) + 2 * PAD_Y)


def paginate(heights: Sequence[float]) -> list[list[int]]:
    """Indexes of the rows on each page, filled greedily top to bottom; always at least one page."""
    room = HEADER_TOP - HEADER_HEIGHT - TABLE_BOTTOM
    pages: list[list[int]] = [[]]
    used = 0.0
    for index, height in enumerate(heights):
        if pages[-1] and used + height > room + 1e-6:
            pages.append([])
            used = 0.0
        pages[-1].append(index)
        used += height
    return pages


# --- drawing -----------------------------------------------------------------------------------------------


def _draw_header(c: Canvas, title: str, subtitle: str) -> None:
    draw_title_block(c, PAGE_WIDTH, TABLE_WIDTH, title, TITLE_SIZE, TITLE_BASELINE,
                     "　".join(part for part in (subtitle, SHEET_WORD) if part), SUBTITLE_SIZE, SUBTITLE_BASELINE)
    c.setFillColor(HEADER_FILL)
    c.rect(MARGIN_X, HEADER_TOP - HEADER_HEIGHT, TABLE_WIDTH, HEADER_HEIGHT, stroke=0, fill=1)
    c.setFillColor(INK)
    left = MARGIN_X
    for key, title_text in COLUMN_TITLES.items():
        width = COLUMN_WIDTHS[key]
        c.setFont(FONT_NAME, HEADER_SIZE)
        c.drawCentredString(left + width / 2, HEADER_TOP - HEADER_HEIGHT / 2 - HEADER_SIZE * 0.35, title_text)
        left += width


def _draw_grid(c: Canvas, bottom: float) -> None:
    c.setStrokeColor(GRID)
    c.setLineWidth(0.6)
    c.rect(MARGIN_X, bottom, TABLE_WIDTH, HEADER_TOP - bottom, stroke=1, fill=0)
    x = MARGIN_X
    for key in list(COLUMN_TITLES)[:-1]:
        x += COLUMN_WIDTHS[key]
        c.line(x, bottom, x, HEADER_TOP)


def render_sign_in_sheet(title: str, subtitle: str, rows: Sequence[SignInRowLike], generated_at: datetime, author: str = "") -> bytes:
    """The sign-in sheet as PDF bytes; ``rows`` are printed in the order given; ``author`` (the issuing union)
    goes into the document's metadata."""
    fitted = [_row_cells(row) for row in rows]
    heights = [_row_height(cells) for cells in fitted]
    pages = paginate(heights)
    buf = io.BytesIO()
    c = new_canvas(buf, A4, " ".join(part for part in (title, subtitle, SHEET_WORD) if part), author)
    for page_number, indexes in enumerate(pages, start=1):
        _draw_header(c, title, subtitle)
        top = HEADER_TOP - HEADER_HEIGHT
        c.setStrokeColor(GRID)
        c.setLineWidth(0.6)
        for index in indexes:
            height = heights[index]
            left = MARGIN_X
            for key, cell in fitted[index].items():
                width = COLUMN_WIDTHS[key]
                draw_cell(c, cell, left, top, width, height, centre=key in ("number", "resident_id"))
                left += width
            top -= height
            c.line(MARGIN_X, top, MARGIN_X + TABLE_WIDTH, top)
        c.line(MARGIN_X, HEADER_TOP - HEADER_HEIGHT, MARGIN_X + TABLE_WIDTH, HEADER_TOP - HEADER_HEIGHT)
        _draw_grid(c, top)
        draw_footer(c, PAGE_WIDTH, MARGIN_X, page_number, len(pages), generated_at)
        c.showPage()
    c.save()
    return buf.getvalue()


def expected_pages(row_count: int) -> int:
    """Pages for ``row_count`` rows that all fit in ``ROW_HEIGHT``."""
    return max(1, math.ceil(row_count / ROWS_PER_PAGE))
