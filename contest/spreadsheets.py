"""Reading uploaded tables (.xlsx, .csv) and the import templates (written by ``contest.documents.xlsx``).

Rows are returned as text exactly as the user typed them, keyed by column, with the row number the
user sees in the spreadsheet, so that every error can be reported by row and column. Numeric cells are
kept but flagged, because an identity column holding a number means spreadsheet software has already
destroyed digits (see ``contest.domain.identity``). Flask-free: messages are msgids for the web layer.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from openpyxl import load_workbook

from contest.documents.xlsx import Sheet, write_workbook, write_xlsx
from contest.domain.errors import N_, DomainError

__all__ = ["Cell", "Column", "Row", "RowError", "TableError", "build_template", "read_table", "write_xlsx"]


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # the header in the downloadable template (Chinese)
    aliases: tuple[str, ...] = ()
    required: bool = True
    example: str = ""
    text: bool = False  # format as text in the template (identity numbers, phone numbers)
    width: int = 16

    def matches(self, header: str) -> bool:
        wanted = _norm_header(header)
        return wanted in {_norm_header(h) for h in (self.header, self.key, *self.aliases)}


@dataclass(frozen=True)
class Cell:
    text: str
    numeric: bool = False  # the spreadsheet stored a number, not text
    raw: object = None


@dataclass(frozen=True)
class Row:
    number: int  # the row number shown by spreadsheet software (header is row 1)
    cells: dict[str, Cell]

    def get(self, key: str) -> str:
        cell = self.cells.get(key)
        return cell.text if cell else ""


@dataclass(frozen=True)
class RowError:
    row: int | None
    column: str | None
    message: str
    params: dict = field(default_factory=dict)


class TableError(DomainError):
    """The file as a whole cannot be read, or some rows are invalid; ``errors`` lists them all."""

    def __init__(self, errors: Sequence[RowError]):
        first = errors[0]
        super().__init__(first.message, **first.params)
        self.errors = list(errors)


def _norm_header(text: str) -> str:
    return "".join(str(text or "").split()).strip("*＊").lower()


def _cell_text(value: object) -> Cell:
    if value is None:
        return Cell("")
    if isinstance(value, bool):
        return Cell("是" if value else "否", raw=value)
    if isinstance(value, int):
        return Cell(str(value), numeric=True, raw=value)
    if isinstance(value, float):
        text = str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
        return Cell(text, numeric=True, raw=value)
    if isinstance(value, datetime):
        return Cell(value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" "), raw=value)
    if isinstance(value, date):
        return Cell(value.isoformat(), raw=value)
    return Cell(str(value).strip(), raw=value)


def _read_xlsx(data: bytes) -> list[list[object]]:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise TableError([RowError(None, None, N_("The file is not a readable .xlsx workbook."))]) from None
    try:
        sheet = workbook.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def _read_csv(data: bytes) -> list[list[object]]:
    # Excel in China saves CSV as GB18030 (GBK); UTF-8 files may carry a BOM.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise TableError([RowError(None, None, N_("The CSV file is neither UTF-8 nor GB18030 text."))])
    return [list(row) for row in csv.reader(io.StringIO(text))]


def read_table(data: bytes, filename: str, columns: Sequence[Column], max_rows: int = 20_000) -> list[Row]:
    """Read the first sheet of an .xlsx or a .csv file into rows keyed by column.

    The first non-empty row is the header; headers are matched to columns by name or alias, ignoring
    spaces and a trailing asterisk. Completely empty rows are skipped. Raises ``TableError`` for an
    unknown file type, an unreadable file, missing required columns, no data rows or too many rows.
    """
    name = (filename or "").lower()
    if name.endswith(".xlsx"):
        raw_rows = _read_xlsx(data)
    elif name.endswith(".csv"):
        raw_rows = _read_csv(data)
    elif name.endswith(".xls"):
        raise TableError([RowError(None, None, N_("Old .xls files are not supported; save the file as .xlsx."))])
    else:
        raise TableError([RowError(None, None, N_("Upload an .xlsx or .csv file."))])

    start = next((i for i, row in enumerate(raw_rows) if any(_cell_text(v).text for v in row)), None)
    if start is None:
        raise TableError([RowError(None, None, N_("The file is empty."))])
    header = [_cell_text(v).text for v in raw_rows[start]]
    positions: dict[str, int] = {}
    for column in columns:
        for index, text in enumerate(header):
            if text and column.matches(text):
                positions[column.key] = index
                break
    missing = [c.header for c in columns if c.required and c.key not in positions]
    if missing:
        raise TableError(
            [RowError(start + 1, None, N_("Required column %(column)s is missing."), {"column": m}) for m in missing]
        )

    rows: list[Row] = []
    for offset, values in enumerate(raw_rows[start + 1 :], start=start + 2):
        cells = {
            key: _cell_text(values[index]) if index < len(values) else Cell("") for key, index in positions.items()
        }
        if not any(cell.text for cell in cells.values()):
            continue
        rows.append(Row(offset, cells))
        if len(rows) > max_rows:
            raise TableError(
                [RowError(None, None, N_("The file has more than %(limit)d rows; split it."), {"limit": max_rows})]
            )
    if not rows:
        raise TableError([RowError(None, None, N_("The file has a header but no data rows."))])
    return rows


def build_template(columns: Sequence[Column], title: str, examples: Iterable[Sequence[str]] = (), notes: Sequence[str] = ()) -> bytes:
    """An .xlsx template: bold headers (required ones marked * and shaded), identity columns formatted as
    text for the first 2,000 rows, the examples, and the notes on a second sheet."""
    sheets = [Sheet(
        title,
        [column.header + ("*" if column.required else "") for column in columns],
        examples,
        widths=[column.width for column in columns],
        highlight=[i for i, column in enumerate(columns) if column.required],
        text_columns=[i for i, column in enumerate(columns) if column.text],
        text_rows=2000,
    )]
    if notes:
        sheets.append(Sheet("说明", [], [(note,) for note in notes], widths=(100,), wrap=True))
    return write_workbook(sheets)
