"""Sign-in sheet (签到表) of an event after the draw: plain data in, PDF bytes out. No Flask, no SQLAlchemy.

Layout (A4 portrait): on every page the title, the subtitle with the word 签到表, and the table header; one
row per entry in the order given (the services sort by competitor number) with the columns
号码 / 姓名 / 单位 / 工种 / 身份证号 / 签到, the last an empty box for the signature; at the foot of every
page "第 i 页 共 N 页" centred and the time the sheet was generated on the left.

Rules:

* Every cell's text is set at ``SIZE_MAX`` if it fits on one line, otherwise at the largest size down to
  ``SIZE_MIN`` at which it fits on one line; if it does not fit even at ``SIZE_MIN`` it is wrapped (line
  breaks between characters, Latin runs kept together when they fit, no line starting with closing
  punctuation), up to ``MAX_LINES`` lines, and the last line is cut with "…" beyond that. Nothing is
  ever drawn outside its cell.
* A row is ``ROW_HEIGHT`` high, or taller when a wrapped cell needs it (at most ``MAX_LINES`` lines).
  Rows are never split across pages; pages are filled greedily, so a sheet of rows that all fit in
  ``ROW_HEIGHT`` has ``ceil(len(rows) / ROWS_PER_PAGE)`` pages (at least one, even with no rows).

The text is set in the CJK font registered by ``contest.certificates.pdf`` and embedded as a subset.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from reportlab.lib.colors import Color
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from contest.certificates.pdf import FONT_NAME

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
PAGE_LABEL = "第 {page} 页 共 {pages} 页"
GENERATED_LABEL = "生成时间：{time}"

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
FOOTER_BASELINE = 32.0
FOOTER_SIZE = 9.0

ROW_HEIGHT = 28.0
PAD_X = 3.0
PAD_Y = 3.0
SIZE_MAX = 10.5
SIZE_MIN = 8.0  # the smallest type that stays readable on a printed sheet
SIZE_STEP = 0.5
LEADING = 1.2
MAX_LINES = 5

ROWS_PER_PAGE = int((HEADER_TOP - HEADER_HEIGHT - TABLE_BOTTOM) // ROW_HEIGHT)

INK = Color(0.1, 0.1, 0.1)
GRID = Color(0.35, 0.35, 0.35)
HEADER_FILL = Color(0.92, 0.92, 0.92)

_NO_LINE_START = set("、，。；：！？）】》」』”’,.;:!?)]}>%")
_ELLIPSIS = "…"


class SignInRowLike(Protocol):
    number: int | None
    names: str
    unit: str
    occupation: str
    resident_id: str


# --- fitting text into a cell ------------------------------------------------------------------------------


def text_width(text: str, size: float) -> float:
    return pdfmetrics.stringWidth(text, FONT_NAME, size)


def _is_latin(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch in "-_./@#&+'*")


def _tokens(text: str) -> list[str]:
    """Break units: a run of Latin letters and digits stays together, anything else is one character."""
    out: list[str] = []
    for ch in text:
        if out and _is_latin(ch) and _is_latin(out[-1][-1]):
            out[-1] += ch
        else:
            out.append(ch)
    return out


def wrap_text(text: str, width: float, size: float) -> list[str]:
    lines: list[str] = [""]
    for token in _tokens(text):
        line = lines[-1]
        if text_width(line + token, size) <= width:
            lines[-1] = line + token
            continue
        if not line.strip():
            # nothing on the line yet: a token wider than the whole cell is split character by character
            for ch in token:
                if lines[-1] and text_width(lines[-1] + ch, size) > width:
                    lines.append("")
                lines[-1] += ch
            continue
        if token == " ":
            lines.append("")
            continue
        carried = ""
        if token[0] in _NO_LINE_START and len(line) > 1:
            carried, lines[-1] = line[-1], line[:-1]  # take the previous character along
        lines.append(carried + token)
        while text_width(lines[-1], size) > width and len(lines[-1]) > 1:  # a Latin run wider than the cell
            cut = len(lines[-1])
            while cut > 1 and text_width(lines[-1][:cut], size) > width:
                cut -= 1
            rest = lines[-1][cut:]
            lines[-1] = lines[-1][:cut]
            lines.append(rest)
    return [line.strip() for line in lines if line.strip()]


@dataclass(frozen=True)
class FittedCell:
    size: float
    lines: tuple[str, ...]

    @property
    def height(self) -> float:
        return len(self.lines) * self.size * LEADING


def fit_cell(text: str, width: float, max_lines: int = MAX_LINES) -> FittedCell:
    """Set ``text`` in a cell ``width`` points wide (padding excluded), following the module's rules."""
    text = " ".join(str(text or "").split())
    if not text:
        return FittedCell(SIZE_MAX, ())
    size = SIZE_MAX
    while size >= SIZE_MIN:
        if text_width(text, size) <= width:
            return FittedCell(size, (text,))
        size -= SIZE_STEP
    lines = wrap_text(text, width, SIZE_MIN)
    if len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and text_width(last + _ELLIPSIS, SIZE_MIN) > width:
            last = last[:-1]
        lines = lines[: max_lines - 1] + [last + _ELLIPSIS]
    return FittedCell(SIZE_MIN, tuple(lines))


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


def _centred(c: Canvas, text: str, size: float, baseline: float, max_width: float) -> None:
    while size > SIZE_MIN and text_width(text, size) > max_width:
        size -= SIZE_STEP
    if text_width(text, size) > max_width:
        text = fit_cell(text, max_width, max_lines=1).lines[0]
    c.setFont(FONT_NAME, size)
    c.drawCentredString(PAGE_WIDTH / 2, baseline, text)


def draw_cell(c: Canvas, cell: FittedCell, left: float, top: float, width: float, height: float, centre: bool) -> None:
    if not cell.lines:
        return
    leading = cell.size * LEADING
    block = len(cell.lines) * leading
    # first baseline: vertically centred block; the font's ascent is about 0.8 em
    baseline = top - (height - block) / 2 - leading + (leading - cell.size) / 2 + cell.size * 0.2
    c.setFont(FONT_NAME, cell.size)
    for line in cell.lines:
        if centre:
            c.drawCentredString(left + width / 2, baseline, line)
        else:
            c.drawString(left + PAD_X, baseline, line)
        baseline -= leading


def _draw_header(c: Canvas, title: str, subtitle: str) -> None:
    c.setFillColor(INK)
    _centred(c, title, TITLE_SIZE, TITLE_BASELINE, TABLE_WIDTH)
    _centred(c, "　".join(part for part in (subtitle, SHEET_WORD) if part), SUBTITLE_SIZE, SUBTITLE_BASELINE, TABLE_WIDTH)
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
    c = Canvas(buf, pagesize=A4, pageCompression=1, initialFontName=FONT_NAME, initialFontSize=10)
    c.setTitle(" ".join(part for part in (title, subtitle, SHEET_WORD) if part))
    c.setAuthor(author)
    c.setCreator("Contest")
    generated = GENERATED_LABEL.format(time=generated_at.strftime("%Y-%m-%d %H:%M"))
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
        c.setFillColor(INK)
        c.setFont(FONT_NAME, FOOTER_SIZE)
        c.drawCentredString(PAGE_WIDTH / 2, FOOTER_BASELINE, PAGE_LABEL.format(page=page_number, pages=len(pages)))
        c.drawString(MARGIN_X, FOOTER_BASELINE, generated)
        c.showPage()
    c.save()
    return buf.getvalue()


def expected_pages(row_count: int) -> int:
    """Pages for ``row_count`` rows that all fit in ``ROW_HEIGHT``."""
    return max(1, math.ceil(row_count / ROWS_PER_PAGE))
