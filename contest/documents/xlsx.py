"""The one .xlsx writer of the application: plain values in, workbook bytes out. No Flask, no SQLAlchemy.

Every spreadsheet the application sends (results, score and match audits, people, units, the draw, the
import templates) is written here, so that the rules below hold for all of them:

* **Cells are typed by the Python value**, never by guessing from text:

  - ``str`` → a text cell (``t="inlineStr"``, number format ``@``). Text that a spreadsheet would read as a
    formula or a command — starting with ``=``, ``+``, ``-``, ``@``, a tab or a line break — is also
    given the cell's *quote prefix* (Excel's ``'`` shown in the formula bar): it is displayed exactly as
    stored, and stays text when someone edits the cell. Text is never evaluated, whoever typed it.
  - ``int`` → a number with the format ``0`` (text from 10^15 on: Excel keeps only 15 digits); ``Decimal`` → a number with as many places as the value carries
    (``Decimal("85.50")`` → ``0.00``); ``float`` → a number (``General``). Scores, totals and ranks are
    therefore numbers that sort and sum.
  - ``date`` → a date cell (``yyyy-mm-dd``); ``datetime`` → a date-time cell (``yyyy-mm-dd hh:mm:ss``). A
    timezone-aware datetime is shown in :data:`LOCAL_TIMEZONE`; a naive one is written as it is.
  - ``None`` → an empty cell; ``bool`` → a logical cell; anything else → its ``str()`` as text.

* **Stored data never breaks an export**: characters that XML 1.0 forbids (C0 controls other than tab,
  line feed and carriage return; lone surrogates; U+FFFE/U+FFFF) are removed, CR and CRLF become LF, and text is cut to Excel's
  32,767 characters per cell. Sheet titles lose the characters Excel forbids there.
* The header row is bold, frozen and filtered; columns are sized to their content (CJK characters count
  double) unless the caller gives widths.

Usage: ``write_xlsx(title, headers, rows)`` for one sheet; :class:`Sheet` and :func:`write_workbook` for
several sheets or an import template (highlighted required headers, text-formatted empty rows).
To add a column to an export, add a header and a value: nothing else needs to change.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

__all__ = ["LOCAL_TIMEZONE", "Sheet", "clean_text", "needs_quote_prefix", "sheet_title", "write_workbook", "write_xlsx"]

#: Where timezone-aware datetimes are shown (the federation's clock).
LOCAL_TIMEZONE = ZoneInfo("Asia/Shanghai")
#: Excel's limit of characters in one cell.
MAX_CELL_CHARS = 32_767
#: Leading characters that make a spreadsheet treat text as a formula or a command (OWASP CSV injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")

_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SHEET_TITLE_ILLEGAL = str.maketrans({ch: " " for ch in "[]:*?/\\"})
_BOLD = Font(bold=True)
_HIGHLIGHT = PatternFill("solid", fgColor="FDE9D9")
_WRAP = Alignment(wrap_text=True, vertical="top")
_MIN_WIDTH, _MAX_WIDTH, _SIZED_ROWS = 6, 60, 2000


def clean_text(value: object) -> str:
    """``value`` as text that XML (and so .xlsx) can carry, within Excel's cell limit; line ends become
    ``\n`` (XML readers turn a stored CR into LF anyway)."""
    text = _XML_ILLEGAL.sub("", str(value)).replace("\r\n", "\n").replace("\r", "\n")
    return text[:MAX_CELL_CHARS]


def needs_quote_prefix(text: str) -> bool:
    """True when a spreadsheet would take ``text`` for a formula if the cell were edited or re-typed."""
    return text.startswith(FORMULA_TRIGGERS)


def sheet_title(title: str) -> str:
    """Excel forbids []:*?/\\ in sheet names and allows at most 31 characters."""
    cleaned = clean_text(title).translate(_SHEET_TITLE_ILLEGAL).strip() or "Sheet"
    return cleaned[:31]


@dataclass(frozen=True)
class Sheet:
    """One worksheet: a header row (may be empty) and rows of plain values.

    ``widths`` fixes column widths (characters) instead of sizing them to the content; ``highlight`` lists the
    0-based columns whose header is shaded (required columns of a template); ``text_columns`` lists columns
    whose first ``text_rows`` empty rows are formatted as text (so that a resident ID typed into a template
    stays text); ``wrap`` wraps long text (notes).
    """

    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence[object]] = ()
    widths: Sequence[int] = ()
    highlight: Sequence[int] = ()
    text_columns: Sequence[int] = ()
    text_rows: int = 0
    wrap: bool = False


def write_xlsx(title: str, headers: Sequence[str], rows: Iterable[Sequence[object]], widths: Sequence[int] = ()) -> bytes:
    """A one-sheet workbook; see the module rules for how each value is written."""
    return write_workbook([Sheet(title, headers, rows, widths)])


def write_workbook(sheets: Sequence[Sheet]) -> bytes:
    """A workbook of ``sheets`` in order (written in openpyxl's streaming mode)."""
    workbook = Workbook(write_only=True)
    for spec in sheets:
        _write_sheet(workbook, spec)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _write_sheet(workbook: Workbook, spec: Sheet) -> None:
    sheet = workbook.create_sheet(sheet_title(spec.title))
    rows = [list(row) for row in spec.rows]
    headers = [clean_text(h) for h in spec.headers]
    columns = max([len(headers), *(len(r) for r in rows)] or [0])
    for index in range(columns):
        width = spec.widths[index] if index < len(spec.widths) else _fitted_width(headers, rows, index)
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    if headers:
        sheet.freeze_panes = "A2"
        header_cells = []
        for index, text in enumerate(headers):
            cell = _cell(sheet, text)
            cell.font = _BOLD
            if index in spec.highlight:
                cell.fill = _HIGHLIGHT
            header_cells.append(cell)
        sheet.append(header_cells)
        if rows:
            sheet.auto_filter.ref = f"A1:{get_column_letter(max(columns, 1))}{len(rows) + 1}"
    for values in rows:
        cells = [_cell(sheet, value) for value in values]
        if spec.wrap:
            for cell in cells:
                cell.alignment = _WRAP
        sheet.append(cells)
    if spec.text_columns:
        for _ in range(len(rows), spec.text_rows):
            blank = []
            for index in range(max(spec.text_columns) + 1):
                cell = WriteOnlyCell(sheet)
                if index in spec.text_columns:
                    cell.number_format = "@"
                blank.append(cell)
            sheet.append(blank)


def _cell(sheet, value: object) -> WriteOnlyCell:
    if value is None:
        return WriteOnlyCell(sheet)
    if isinstance(value, bool):
        return WriteOnlyCell(sheet, value)
    if isinstance(value, int):
        if abs(value) >= 10**15:  # Excel keeps 15 significant digits: a longer number would lose its tail
            return _text_cell(sheet, value)
        cell = WriteOnlyCell(sheet, value)
        cell.number_format = "0"
        return cell
    if isinstance(value, Decimal):
        if not value.is_finite():
            return _text_cell(sheet, str(value))
        places = max(0, -int(value.as_tuple().exponent))
        cell = WriteOnlyCell(sheet, value)
        cell.number_format = "0." + "0" * places if places else "0"
        return cell
    if isinstance(value, float):
        return WriteOnlyCell(sheet, value) if value == value and abs(value) != float("inf") else _text_cell(sheet, str(value))
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(LOCAL_TIMEZONE).replace(tzinfo=None)
        cell = WriteOnlyCell(sheet, value)
        cell.number_format = "yyyy-mm-dd hh:mm:ss"
        return cell
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    return _text_cell(sheet, value)


def _text_cell(sheet, value: object) -> WriteOnlyCell:
    text = clean_text(value)
    cell = WriteOnlyCell(sheet)
    cell.value = text  # openpyxl marks text starting with "=" as a formula here …
    cell.data_type = "s"  # … so the type is set explicitly: a string, always
    cell.number_format = "@"
    if needs_quote_prefix(text):
        cell.quotePrefix = True
    return cell


def _display_width(value: object) -> int:
    if value is None:
        return 0
    if isinstance(value, datetime):
        return 19
    if isinstance(value, date):
        return 10
    text = str(value)
    longest = max(text.split("\n"), key=len) if "\n" in text else text
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in longest[: _MAX_WIDTH * 2])


def _fitted_width(headers: Sequence[str], rows: Sequence[Sequence[object]], index: int) -> int:
    widest = _display_width(headers[index]) if index < len(headers) else 0
    for row in rows[:_SIZED_ROWS]:
        if index < len(row):
            widest = max(widest, _display_width(row[index]))
    return min(_MAX_WIDTH, max(_MIN_WIDTH, widest + 2))
