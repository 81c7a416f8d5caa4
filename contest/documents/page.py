"""Page furniture shared by every PDF the application prints, and the fitting of text into table cells.

* :func:`new_canvas` — a compressed canvas in the CJK font with the document's metadata: title, author (the
  issuing organisation) and creator "Contest".
* :func:`draw_title_block` — the title (and subtitle) centred at the top of a page, shrunk to the width and
  cut with "…" rather than drawn past the margins.
* :func:`draw_footer` — "第 i 页 共 N 页" centred at the foot of the page and "生成时间：…" on the left.
* :func:`fit_cell` / :func:`draw_cell` — a table cell's text set at ``SIZE_MAX`` if it fits on one line,
  otherwise at the largest size down to ``SIZE_MIN`` at which it does; below that wrapped with the CJK rules of
  :mod:`contest.documents.linebreak`, up to ``max_lines`` lines, the last cut with "…". Nothing is ever drawn
  outside its cell.

The printed words are Chinese whatever the interface language: the fixed ones live here, in one place.
Plain values in; no Flask, no SQLAlchemy.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO

from reportlab.lib.colors import Color
from reportlab.pdfgen.canvas import Canvas

from contest.documents.fonts import FONT_NAME, char_width, text_width
from contest.documents.linebreak import wrap_text as _wrap

__all__ = [
    "ELLIPSIS", "FittedCell", "GENERATED_LABEL", "INK", "PAGE_LABEL", "draw_cell", "draw_footer", "draw_title_block",
    "fit_cell", "new_canvas", "text_width", "wrap_text",
]

PAGE_LABEL = "第 {page} 页 共 {pages} 页"
GENERATED_LABEL = "生成时间：{time}"
ELLIPSIS = "…"

INK = Color(0.1, 0.1, 0.1)
FOOTER_BASELINE = 32.0
FOOTER_SIZE = 9.0

# table cells
PAD_X = 3.0
PAD_Y = 3.0
SIZE_MAX = 10.5
SIZE_MIN = 8.0  # the smallest type that stays readable on a printed sheet
SIZE_STEP = 0.5
LEADING = 1.2
MAX_LINES = 5


def new_canvas(out: BinaryIO, pagesize: tuple[float, float], title: str, author: str = "", font_size: float = 10,
               invariant: bool = False) -> Canvas:
    """A compressed canvas in the CJK font; ``author`` is the issuing organisation (document metadata).
    ``invariant``: the file identifier is a digest of the content, not of the moment (reproducible bytes)."""
    c = Canvas(out, pagesize=pagesize, pageCompression=1, initialFontName=FONT_NAME, initialFontSize=font_size,
               invariant=1 if invariant else None)
    c.setTitle(title)
    c.setAuthor(author)
    c.setCreator("Contest")
    return c


def wrap_text(text: str, width: float, size: float) -> list[str]:
    """``text`` broken into lines no wider than ``width`` at ``size`` (see :mod:`contest.documents.linebreak`)."""
    return _wrap(text, width, size, char_width)


@dataclass(frozen=True)
class FittedCell:
    size: float
    lines: tuple[str, ...]

    @property
    def height(self) -> float:
        return len(self.lines) * self.size * LEADING


def _cut(line: str, width: float, size: float) -> str:
    while line and text_width(line + ELLIPSIS, size) > width:
        line = line[:-1]
    return line + ELLIPSIS


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
        lines = lines[: max_lines - 1] + [_cut(lines[max_lines - 1], width, SIZE_MIN)]
    return FittedCell(SIZE_MIN, tuple(lines))


def draw_cell(c: Canvas, cell: FittedCell, left: float, top: float, width: float, height: float, centre: bool) -> None:
    """Draw a fitted cell's lines, vertically centred in the cell; centred or left-aligned after ``PAD_X``."""
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


def draw_centred_line(c: Canvas, text: str, size: float, baseline: float, centre_x: float, max_width: float) -> None:
    """One line centred on ``centre_x``: shrunk down to ``SIZE_MIN`` to fit ``max_width``, then cut with "…"."""
    while size > SIZE_MIN and text_width(text, size) > max_width:
        size -= SIZE_STEP
    if text_width(text, size) > max_width:
        text = fit_cell(text, max_width, max_lines=1).lines[0]
    c.setFont(FONT_NAME, size)
    c.drawCentredString(centre_x, baseline, text)


def draw_title_block(
    c: Canvas,
    page_width: float,
    max_width: float,
    title: str,
    title_size: float,
    title_baseline: float,
    subtitle: str = "",
    subtitle_size: float = 0.0,
    subtitle_baseline: float = 0.0,
) -> None:
    """The title and (when there is one) the subtitle, centred at the top of the page."""
    c.setFillColor(INK)
    draw_centred_line(c, title, title_size, title_baseline, page_width / 2, max_width)
    if subtitle:
        draw_centred_line(c, subtitle, subtitle_size, subtitle_baseline, page_width / 2, max_width)


def generated_text(generated_at: datetime) -> str:
    return GENERATED_LABEL.format(time=generated_at.strftime("%Y-%m-%d %H:%M"))


def draw_footer(c: Canvas, page_width: float, margin_x: float, page: int, pages: int, generated_at: datetime) -> None:
    """"第 i 页 共 N 页" centred at the foot of the page, the time the document was generated on the left."""
    c.setFillColor(INK)
    c.setFont(FONT_NAME, FOOTER_SIZE)
    c.drawCentredString(page_width / 2, FOOTER_BASELINE, PAGE_LABEL.format(page=page, pages=pages))
    c.drawString(margin_x, FOOTER_BASELINE, generated_text(generated_at))
