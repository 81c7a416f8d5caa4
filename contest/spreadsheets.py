"""Reading uploaded tables (.xlsx, .csv) and writing .xlsx files.

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

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from contest.domain.errors import N_, DomainError


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

    @property
    def accepted(self) -> str:
        """The headers this column is recognised by, for messages: "所在单位、单位、班组"."""
        return "、".join(dict.fromkeys(h for h in (self.header, *self.aliases) if not h.isascii()))


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
    missing = [c for c in columns if c.required and c.key not in positions]
    if missing:
        known = "、".join(c.header for c in columns)
        unknown = [text for text in header if text and not any(c.matches(text) for c in columns)]
        errors = [RowError(start + 1, None, N_("Required column %(column)s is missing (it may be headed %(accepted)s)."),
                           {"column": c.header, "accepted": c.accepted}) for c in missing]
        errors += [RowError(start + 1, None, N_("Column %(header)s is not one this import reads; the columns are: %(columns)s."),
                            {"header": text, "columns": known}) for text in unknown]
        raise TableError(errors)

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
    """An .xlsx template: bold headers (required ones marked *), text-formatted identity columns, examples, notes."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title(title)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="FDE9D9")
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index, value=column.header + ("*" if column.required else ""))
        cell.font = bold
        if column.required:
            cell.fill = fill
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column.width
        if column.text:
            for row in range(2, 2001):
                sheet.cell(row=row, column=index).number_format = "@"
    for r, example in enumerate(examples, start=2):
        for c, value in enumerate(example, start=1):
            sheet.cell(row=r, column=c, value=value)
    sheet.freeze_panes = "A2"
    help_sheet = workbook.create_sheet("说明")
    for letter, width in zip("ABCD", (16, 8, 40, 36), strict=True):
        help_sheet.column_dimensions[letter].width = width
    # The columns the import reads: the header, whether it must be filled, other headers it accepts, an example.
    for c, value in enumerate(("列名", "必填", "也可写作", "示例"), start=1):
        help_sheet.cell(row=1, column=c, value=value).font = bold
    for r, column in enumerate(columns, start=2):
        others = "、".join(h for h in column.accepted.split("、") if h != column.header)
        for c, value in enumerate((column.header, "是" if column.required else "否", others, column.example), start=1):
            help_sheet.cell(row=r, column=c, value=value)
    for r, note in enumerate(notes, start=len(columns) + 3):
        help_sheet.merge_cells(start_row=r, start_column=1, end_row=r, end_column=4)
        help_sheet.cell(row=r, column=1, value=note).alignment = Alignment(wrap_text=True)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def sheet_title(title: str) -> str:
    """Excel forbids []:*?/\\ in sheet names and allows at most 31 characters."""
    cleaned = str(title).translate(str.maketrans({ch: " " for ch in "[]:*?/\\"})).strip() or "Sheet"
    return cleaned[:31]


def write_xlsx(title: str, headers: Sequence[str], rows: Iterable[Sequence[object]], widths: Sequence[int] = ()) -> bytes:
    """A streamed (write-only) workbook: memory stays flat for long exports."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title(title))
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
