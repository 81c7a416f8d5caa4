"""Reading uploaded tables (.xlsx, .csv) and the import templates (written by ``contest.documents.xlsx``).

Rows are returned as text exactly as the user typed them, keyed by column, with the row number the
user sees in the spreadsheet, so that every error can be reported by row and column. Numeric cells are
kept but flagged, because an identity column holding a number means spreadsheet software has already
destroyed digits (see ``contest.domain.identity``). Flask-free: messages are msgids for the web layer.
"""

from __future__ import annotations

import csv
import io
import re
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


#: Limits on an uploaded table, checked before any parser sees it. A genuine import of 20,000 workers is a
#: 1-2 MB workbook whose XML expands about tenfold.
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024  # all parts of an xlsx together, once unzipped
MAX_COMPRESSION_RATIO = 200  # per part: XML compresses well, but not a thousandfold (zip bombs do)
MAX_ZIP_ENTRIES = 500
MAX_COLUMNS = 100
_XLSX_REQUIRED_PART = "[Content_Types].xml"
_DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def _file_error(message: str, **params) -> TableError:
    return TableError([RowError(None, None, message, params)])


def _check_xlsx_container(data: bytes) -> None:
    """Refuse what is not an xlsx package, zip bombs (too many parts, too large or too compressed once
    unzipped) and XML parts declaring a DTD or entities (entity-expansion and external-entity attacks),
    before openpyxl opens anything. openpyxl then parses with defusedxml as a second line."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _file_error(N_("The file is not a readable .xlsx workbook.")) from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ZIP_ENTRIES or _XLSX_REQUIRED_PART not in archive.namelist():
            raise _file_error(N_("The file is not a readable .xlsx workbook."))
        total = 0
        for info in infos:
            total += info.file_size
            ratio = info.file_size / max(info.compress_size, 1)
            if total > MAX_UNCOMPRESSED_BYTES or (info.file_size > 1024 * 1024 and ratio > MAX_COMPRESSION_RATIO):
                raise _file_error(N_("The workbook expands to an implausible size when opened and was refused."))
        for info in infos:
            if info.filename.endswith((".xml", ".rels", ".vml")):
                try:
                    with archive.open(info) as part:
                        head = part.read(8192)
                except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, RuntimeError):
                    raise _file_error(N_("The file is not a readable .xlsx workbook.")) from None
                if _DTD.search(head):
                    raise _file_error(N_("The workbook contains XML declarations that are not allowed (DTD or entities)."))


def _read_xlsx(data: bytes, limit: int) -> list[tuple[int, list[object]]]:
    _check_xlsx_container(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any parser failure of an untrusted file is "not readable", never a 500
        raise _file_error(N_("The file is not a readable .xlsx workbook.")) from None
    try:
        return _non_blank(workbook.worksheets[0].iter_rows(values_only=True, max_col=MAX_COLUMNS), limit)
    except Exception:  # noqa: BLE001 - as above
        raise _file_error(N_("The file is not a readable .xlsx workbook.")) from None
    finally:
        workbook.close()


def _read_csv(data: bytes, limit: int) -> list[tuple[int, list[object]]]:
    if b"\x00" in data:
        raise _file_error(N_("The file is not a CSV text file."))
    # Excel in China saves CSV as GB18030 (GBK); UTF-8 files may carry a BOM.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise _file_error(N_("The CSV file is neither UTF-8 nor GB18030 text."))
    try:
        return _non_blank((row[:MAX_COLUMNS] for row in csv.reader(io.StringIO(text))), limit)
    except csv.Error:
        raise _file_error(N_("The CSV file could not be read; save it again from the spreadsheet program.")) from None


def _non_blank(rows: Iterable[Sequence[object]], limit: int) -> list[tuple[int, list[object]]]:
    """(row number as the spreadsheet shows it, values) of the rows with any content; at most ``limit`` of
    them are kept (one more means the file is too long), so a sheet of a million rows is never held in memory."""
    kept = []
    for number, values in enumerate(rows, start=1):
        if any(_cell_text(v).text for v in values):
            kept.append((number, list(values)))
            if len(kept) > limit:
                break
    return kept


def detect_kind(data: bytes, filename: str) -> str:
    """``"xlsx"`` or ``"csv"``, decided by the file's content and checked against its name; ``TableError``
    for anything else. Only the name's extension is looked at: it never becomes a path."""
    name = (filename or "").lower()
    if len(data) > MAX_UPLOAD_BYTES:
        raise _file_error(N_("The file is larger than %(limit)d MB; split it."), limit=MAX_UPLOAD_BYTES // (1024 * 1024))
    if data.startswith(b"\xd0\xcf\x11\xe0") or name.endswith(".xls"):  # OLE2: old .xls (or an encrypted workbook)
        raise _file_error(N_("Old .xls files are not supported; save the file as .xlsx."))
    is_zip = data.startswith(b"PK\x03\x04")
    if name.endswith(".xlsx"):
        if not is_zip:
            raise _file_error(N_("The file is not a readable .xlsx workbook."))
        return "xlsx"
    if name.endswith(".csv"):
        if is_zip:
            raise _file_error(N_("The file is an Excel workbook saved with the name .csv; rename it to .xlsx."))
        return "csv"
    raise _file_error(N_("Upload an .xlsx or .csv file."))


def read_table(data: bytes, filename: str, columns: Sequence[Column], max_rows: int = 20_000) -> list[Row]:
    """Read the first sheet of an .xlsx or a .csv file into rows keyed by column.

    The first non-empty row is the header; headers are matched to columns by name or alias, ignoring
    spaces and a trailing asterisk. Completely empty rows are skipped. Raises ``TableError`` for an
    unknown file type, an unreadable file, missing required columns, no data rows or too many rows.
    """
    raw_rows = (_read_xlsx if detect_kind(data, filename) == "xlsx" else _read_csv)(data, max_rows + 1)
    if not raw_rows:
        raise TableError([RowError(None, None, N_("The file is empty."))])
    header_number, header_values = raw_rows[0]
    header = [_cell_text(v).text for v in header_values]
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
        errors = [RowError(header_number, None, N_("Required column %(column)s is missing (it may be headed %(accepted)s)."),
                           {"column": c.header, "accepted": c.accepted}) for c in missing]
        errors += [RowError(header_number, None, N_("Column %(header)s is not one this import reads; the columns are: %(columns)s."),
                            {"header": text, "columns": known}) for text in unknown]
        raise TableError(errors)

    rows: list[Row] = []
    for number, values in raw_rows[1:]:
        cells = {
            key: _cell_text(values[index]) if index < len(values) else Cell("") for key, index in positions.items()
        }
        if not any(cell.text for cell in cells.values()):
            continue
        rows.append(Row(number, cells))
        if len(rows) > max_rows:
            raise TableError(
                [RowError(None, None, N_("The file has more than %(limit)d rows; split it."), {"limit": max_rows})]
            )
    if len(raw_rows) > max_rows + 1:
        raise TableError([RowError(None, None, N_("The file has more than %(limit)d rows; split it."), {"limit": max_rows})])
    if not rows:
        raise TableError([RowError(None, None, N_("The file has a header but no data rows."))])
    return rows


def build_template(columns: Sequence[Column], title: str, examples: Iterable[Sequence[str]] = (), notes: Sequence[str] = ()) -> bytes:
    """An .xlsx template: bold headers (required ones marked * and shaded), identity columns formatted as
    text for the first 2,000 rows, the examples; a second sheet 说明 lists every column (its header, whether it
    must be filled, the other headers it accepts, an example) and then the notes."""
    sheets = [Sheet(
        title,
        [column.header + ("*" if column.required else "") for column in columns],
        examples,
        widths=[column.width for column in columns],
        highlight=[i for i, column in enumerate(columns) if column.required],
        text_columns=[i for i, column in enumerate(columns) if column.text],
        text_rows=2000,
    )]
    listing = [(column.header, "是" if column.required else "否",
                "、".join(h for h in column.accepted.split("、") if h != column.header), column.example) for column in columns]
    blank = [("", "", "", "")]
    sheets.append(Sheet("说明", ["列名", "必填", "也可写作", "示例"], [*listing, *blank, *((note, "", "", "") for note in notes)],
                        widths=(16, 8, 40, 100), wrap=True))
    return write_workbook(sheets)
