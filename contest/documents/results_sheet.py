"""Results sheet (成绩表) of an event: plain data in, PDF bytes out. No Flask, no SQLAlchemy.

Layout: A4 portrait for up to ``PORTRAIT_MAX_COMPONENTS`` (3) components, A4 landscape for more, so the
component columns keep a readable width. On every page the title, the subtitle and the table header; one row
per entry in the order given with the columns 名次 / 参赛号 / 姓名 / 单位 / one per component / 总分 / 奖项 / 称号;
at the foot of every page "第 i 页 共 N 页" centred and the time the sheet was generated on the left. After the
last row come the notes (说明, e.g. how ties at an award boundary were settled) and then, one line per label,
the signature lines "裁判长（签字）：______ 日期：______".

Rules:

* Cell text (header included) follows ``contest.documents.page.fit_cell``: shrink down to the floor size,
  then wrap, then cut with "…"; nothing is drawn outside its cell. A row is ``ROW_HEIGHT`` high or taller
  when a wrapped cell needs it; the header is as tall as its tallest (wrapped) column title.
* Rows and note paragraphs are never split across pages; pages are filled greedily. The signature block is
  never alone on a page: if it does not fit after the last row, the last row (or note) moves down with it,
  so the signatures always sit under part of the results they certify. The column header is drawn only on
  pages that carry rows.

The text is set in the CJK font of ``contest.documents.fonts``; notes break lines with the rules of
``contest.documents.linebreak``; the title block, the footer and the metadata are the page furniture of
``contest.documents.page``.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from reportlab.lib.colors import Color
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen.canvas import Canvas

from contest.documents.fonts import FONT_NAME
from contest.documents.page import (
    ELLIPSIS,
    LEADING,
    PAD_X,
    PAD_Y,
    FittedCell,
    draw_cell,
    draw_footer,
    draw_title_block,
    fit_cell,
    new_canvas,
    text_width,
    wrap_text,
)
from contest.documents.sign_in import ROW_HEIGHT

__all__ = ["LABELS", "PORTRAIT_MAX_COMPONENTS", "ResultRow", "SheetLayout", "render_results_sheet", "sheet_layout"]

# The printed form is Chinese whatever the interface language: its fixed words live here, in one place.
LABELS = {
    "rank": "名次",
    "number": "参赛号",
    "name": "姓名",
    "unit": "单位",
    "total": "总分",
    "award": "奖项",
    "titles": "称号",
    "sheet": "成绩表",
    "notes": "说明：",
    "note_item": "{index}. {text}",
    "signature": "{label}（签字）：",
    "date": "日期：",
}

PORTRAIT_MAX_COMPONENTS = 3

# --- geometry (points; origin bottom left; vertical positions measured from the page's top) ---------------

MARGIN_X = 36.0
TITLE_SIZE = 16.0
TITLE_DROP = 52.0
SUBTITLE_SIZE = 12.0
SUBTITLE_DROP = 74.0
HEADER_DROP = 88.0  # top of the table header
HEADER_MIN_HEIGHT = 24.0
HEADER_SIZE = 10.5
TABLE_BOTTOM = 56.0

# fixed column widths; 姓名 / 单位 / 称号 share what is left in these proportions
NARROW_WIDTHS = {"rank": 32.0, "number": 40.0, "total": 44.0, "award": 46.0}
COMPONENT_WIDTH = 48.0
COMPONENT_MIN_WIDTH = 30.0
FLEX_WEIGHTS = {"name": 0.24, "unit": 0.4, "titles": 0.36}  # titles: "技术能手、青年岗位能手" on one line at 8 pt
FLEX_MIN_TOTAL = 200.0  # component columns narrow (down to COMPONENT_MIN_WIDTH) to leave at least this
CENTRED = {"rank", "number", "total", "award"}  # and every component column

NOTE_SIZE = 9.5
NOTE_GAP = 10.0  # between the table and the notes
SIGNATURE_GAP = 18.0  # between what precedes and the first signature line
SIGNATURE_ROW = 30.0
SIGNATURE_SIZE = 11.0
SIGNATURE_LINE = 120.0  # length of the rule after "（签字）："
DATE_LINE = 90.0

INK = Color(0.1, 0.1, 0.1)
GRID = Color(0.35, 0.35, 0.35)
HEADER_FILL = Color(0.92, 0.92, 0.92)


@dataclass(frozen=True)
class ResultRow:
    rank: int
    number: int | None  # competitor number
    name: str  # entrant (team: "队名（甲、乙）")
    unit: str
    components: tuple[str, ...]  # formatted component totals, e.g. ("25.50", "61.20")
    total: str  # e.g. "86.70"
    award: str  # "" when none
    titles: str  # "" or "技术能手、青年岗位能手"


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    left: float
    width: float

    @property
    def centred(self) -> bool:
        return self.key in CENTRED or self.key.startswith("c")


@dataclass(frozen=True)
class SheetLayout:
    page_width: float
    page_height: float
    columns: tuple[Column, ...]
    header: tuple[FittedCell, ...]
    header_height: float

    @property
    def landscape(self) -> bool:
        return self.page_width > self.page_height

    @property
    def table_width(self) -> float:
        return self.page_width - 2 * MARGIN_X

    @property
    def header_top(self) -> float:
        return self.page_height - HEADER_DROP

    @property
    def room(self) -> float:
        """Height available below the header for rows, notes and signatures."""
        return self.header_top - self.header_height - TABLE_BOTTOM

    @property
    def rows_per_page(self) -> int:
        """Rows per page when every row fits in ``ROW_HEIGHT``."""
        return int(self.room // ROW_HEIGHT)

    def column(self, key: str) -> Column:
        return next(column for column in self.columns if column.key == key)


def sheet_layout(component_names: Sequence[str]) -> SheetLayout:
    """Page size and columns for a sheet with these components (keys ``c0``, ``c1``, … for the components)."""
    size = landscape(A4) if len(component_names) > PORTRAIT_MAX_COMPONENTS else A4
    table_width = size[0] - 2 * MARGIN_X
    narrow = sum(NARROW_WIDTHS.values())
    component_width = COMPONENT_WIDTH
    if component_names:
        spare = (table_width - narrow - FLEX_MIN_TOTAL) / len(component_names)
        component_width = max(COMPONENT_MIN_WIDTH, min(COMPONENT_WIDTH, spare))
    flex = table_width - narrow - component_width * len(component_names)
    spec = [
        ("rank", LABELS["rank"], NARROW_WIDTHS["rank"]),
        ("number", LABELS["number"], NARROW_WIDTHS["number"]),
        ("name", LABELS["name"], flex * FLEX_WEIGHTS["name"]),
        ("unit", LABELS["unit"], flex * FLEX_WEIGHTS["unit"]),
        *((f"c{i}", str(name), component_width) for i, name in enumerate(component_names)),
        ("total", LABELS["total"], NARROW_WIDTHS["total"]),
        ("award", LABELS["award"], NARROW_WIDTHS["award"]),
        ("titles", LABELS["titles"], flex * FLEX_WEIGHTS["titles"]),
    ]
    columns, left = [], MARGIN_X
    for key, title, width in spec:
        columns.append(Column(key, title, left, width))
        left += width
    header = tuple(fit_cell(column.title, column.width - 2 * PAD_X, max_lines=3) for column in columns)
    header_height = max(HEADER_MIN_HEIGHT, max(cell.height for cell in header) + 2 * PAD_Y)
    return SheetLayout(size[0], size[1], tuple(columns), header, header_height)


# --- the flow of blocks: rows, note paragraphs, the signature block ---------------------------------------


@dataclass(frozen=True)
class _Block:
    kind: str  # "row", "note" or "signatures"
    height: float
    cells: tuple[FittedCell, ...] = ()  # a row's cells, or a note's lines in cells[0]
    first_note: bool = False


def _row_block(layout: SheetLayout, row: ResultRow) -> _Block:
    values = {
        "rank": str(row.rank),
        "number": "" if row.number is None else str(row.number),
        "name": row.name,
        "unit": row.unit,
        "total": row.total,
        "award": row.award,
        "titles": row.titles,
    }
    values.update({f"c{i}": value for i, value in enumerate(row.components)})
    cells = tuple(fit_cell(values.get(column.key, ""), column.width - 2 * PAD_X) for column in layout.columns)
    height = max(ROW_HEIGHT, max(cell.height for cell in cells) + 2 * PAD_Y)
    return _Block("row", height, cells)


def _note_blocks(layout: SheetLayout, notes: Sequence[str]) -> list[_Block]:
    notes = [" ".join(str(note).split()) for note in notes if str(note or "").strip()]
    leading = NOTE_SIZE * LEADING
    max_lines = max(1, int((layout.room - NOTE_GAP - leading) // leading))
    blocks = []
    for index, note in enumerate(notes, start=1):
        text = LABELS["note_item"].format(index=index, text=note) if len(notes) > 1 else note
        lines = wrap_text(text, layout.table_width - 2 * PAD_X, NOTE_SIZE)
        if len(lines) > max_lines:  # a paragraph longer than a page: cut, never spilled
            last = lines[max_lines - 1]
            while last and text_width(last + ELLIPSIS, NOTE_SIZE) > layout.table_width - 2 * PAD_X:
                last = last[:-1]
            lines = lines[: max_lines - 1] + [last + ELLIPSIS]
        height = len(lines) * leading
        if index == 1:
            height += NOTE_GAP + leading  # the heading 说明：
        blocks.append(_Block("note", height, (FittedCell(NOTE_SIZE, tuple(lines)),), first_note=index == 1))
    return blocks


def _paginate(blocks: Sequence[_Block], room: float) -> list[list[int]]:
    """Indexes of the blocks on each page, filled greedily; the last block never alone if it can be helped."""
    pages: list[list[int]] = [[]]
    used = 0.0
    for index, block in enumerate(blocks):
        if pages[-1] and used + block.height > room + 1e-6:
            pages.append([])
            used = 0.0
        pages[-1].append(index)
        used += block.height
    if len(pages) > 1 and len(pages[-1]) == 1 and blocks[pages[-1][0]].kind == "signatures" and len(pages[-2]) > 1:
        pages[-1].insert(0, pages[-2].pop())
    return pages


# --- drawing -----------------------------------------------------------------------------------------------


def _draw_titles(c: Canvas, layout: SheetLayout, title: str, subtitle: str) -> None:
    draw_title_block(c, layout.page_width, layout.table_width, title, TITLE_SIZE, layout.page_height - TITLE_DROP,
                     subtitle, SUBTITLE_SIZE, layout.page_height - SUBTITLE_DROP)


def _draw_header(c: Canvas, layout: SheetLayout) -> None:
    top, height = layout.header_top, layout.header_height
    c.setFillColor(HEADER_FILL)
    c.rect(MARGIN_X, top - height, layout.table_width, height, stroke=0, fill=1)
    c.setFillColor(INK)
    for column, cell in zip(layout.columns, layout.header, strict=True):
        draw_cell(c, cell, column.left, top, column.width, height, centre=True)


def _draw_grid(c: Canvas, layout: SheetLayout, bottom: float) -> None:
    top = layout.header_top
    c.setStrokeColor(GRID)
    c.setLineWidth(0.6)
    c.rect(MARGIN_X, bottom, layout.table_width, top - bottom, stroke=1, fill=0)
    c.line(MARGIN_X, top - layout.header_height, MARGIN_X + layout.table_width, top - layout.header_height)
    for column in layout.columns[1:]:
        c.line(column.left, bottom, column.left, top)


def _draw_note(c: Canvas, block: _Block, top: float) -> None:
    leading = NOTE_SIZE * LEADING
    baseline = top - leading + (leading - NOTE_SIZE) / 2 + NOTE_SIZE * 0.2
    c.setFillColor(INK)
    c.setFont(FONT_NAME, NOTE_SIZE)
    if block.first_note:
        baseline -= NOTE_GAP
        c.drawString(MARGIN_X, baseline, LABELS["notes"])
        baseline -= leading
    for line in block.cells[0].lines:
        c.drawString(MARGIN_X + PAD_X, baseline, line)
        baseline -= leading


def _draw_signatures(c: Canvas, layout: SheetLayout, labels: Sequence[str], top: float) -> None:
    c.setFillColor(INK)
    c.setStrokeColor(INK)
    c.setLineWidth(0.6)
    c.setFont(FONT_NAME, SIGNATURE_SIZE)
    texts = [LABELS["signature"].format(label=label) for label in labels]
    label_width = max((text_width(text, SIGNATURE_SIZE) for text in texts), default=0.0)
    date_width = text_width(LABELS["date"], SIGNATURE_SIZE)
    block_width = label_width + SIGNATURE_LINE + 24 + date_width + DATE_LINE
    left = max(MARGIN_X, MARGIN_X + layout.table_width - block_width)  # right-aligned under the table
    baseline = top - SIGNATURE_GAP - SIGNATURE_ROW / 2 - SIGNATURE_SIZE * 0.35
    for text in texts:
        x = left + label_width - text_width(text, SIGNATURE_SIZE)  # labels aligned on their colons
        c.drawString(x, baseline, text)
        x = left + label_width
        c.line(x, baseline - 2, x + SIGNATURE_LINE, baseline - 2)
        x += SIGNATURE_LINE + 24
        c.drawString(x, baseline, LABELS["date"])
        x += date_width
        c.line(x, baseline - 2, x + DATE_LINE, baseline - 2)
        baseline -= SIGNATURE_ROW


def render_results_sheet(
    title: str,
    subtitle: str,
    component_names: Sequence[str],
    rows: Sequence[ResultRow],
    notes: Sequence[str],
    generated_at: datetime,
    signatures: Sequence[str] = ("裁判长", "监审人员"),
    author: str = "",
) -> bytes:
    """The results sheet as PDF bytes; ``rows`` are printed in the order given (the services sort by rank);
    ``author`` (the issuing union) goes into the document's metadata."""
    layout = sheet_layout(component_names)
    blocks = [_row_block(layout, row) for row in rows] + _note_blocks(layout, notes)
    if signatures:
        blocks.append(_Block("signatures", SIGNATURE_GAP + SIGNATURE_ROW * len(signatures)))
    pages = _paginate(blocks, layout.room)

    buf = io.BytesIO()
    c = new_canvas(buf, (layout.page_width, layout.page_height),
                   " ".join(part for part in (title, subtitle, LABELS["sheet"]) if part), author)
    for page_number, indexes in enumerate(pages, start=1):
        _draw_titles(c, layout, title, subtitle)
        # the column header on every page with rows, and on the only page of a sheet without any
        has_rows = any(blocks[i].kind == "row" for i in indexes) or (not rows and page_number == 1)
        top = layout.header_top - layout.header_height if has_rows else layout.header_top
        if has_rows:
            _draw_header(c, layout)
        c.setStrokeColor(GRID)
        c.setLineWidth(0.6)
        table_bottom = top if has_rows else None
        for index in indexes:
            block = blocks[index]
            if block.kind == "row":
                c.setFillColor(INK)
                for column, cell in zip(layout.columns, block.cells, strict=True):
                    draw_cell(c, cell, column.left, top, column.width, block.height, centre=column.centred)
                top -= block.height
                c.setStrokeColor(GRID)
                c.line(MARGIN_X, top, MARGIN_X + layout.table_width, top)
                table_bottom = top
            elif block.kind == "note":
                _draw_note(c, block, top)
                top -= block.height
            else:
                _draw_signatures(c, layout, signatures, top)
                top -= block.height
        if table_bottom is not None:
            _draw_grid(c, layout, table_bottom)
        draw_footer(c, layout.page_width, MARGIN_X, page_number, len(pages), generated_at)
        c.showPage()
    c.save()
    return buf.getvalue()
