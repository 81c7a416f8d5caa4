"""What an attachment (announcement file, contest rules document) may be: decided by its content, not its name.

``sniff(data, filename)`` returns the content type or raises ``DomainError``:

* empty files and files over ``MAX_ATTACHMENT_BYTES`` (10 MB) are refused;
* PDF (starts with ``%PDF-``), PNG, JPEG, Word/Excel 97–2003 (OLE compound file, by the extension
  ``.doc``/``.xls``), Word/Excel 2007+ (a zip holding ``word/document.xml`` or ``xl/workbook.xml``; the
  caller passes the zip's member names), and plain UTF-8 text (``.txt``) are accepted;
* everything else (executables, HTML, scripts, archives of other kinds) is refused, whatever its name says.

``sniff_evidence(data)`` is the narrower rule for a self-assessment's evidence (佐证材料): PDF, PNG or JPEG only,
by content, with the same size limit.

The stored name keeps the uploader's file name (trimmed, path parts and control characters removed) for
the download; the file itself is stored under its SHA-256 digest.
"""

from __future__ import annotations

from collections.abc import Callable

from contest.domain.errors import N_, DomainError

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
DOC = "application/msword"
XLS = "application/vnd.ms-excel"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEXT = "text/plain; charset=utf-8"

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def clean_filename(filename: str) -> str:
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch >= " " and ch != "\x7f").strip().lstrip(".")
    return name[-150:] or "file"


def _extension(filename: str) -> str:
    return filename.rsplit(".", 1)[-1].lower() if "." in filename else ""


def _check_size(data: bytes) -> None:
    if not data:
        raise DomainError(N_("The file is empty."))
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise DomainError(N_("The file is larger than %(limit)d MB."), limit=MAX_ATTACHMENT_BYTES // (1024 * 1024))


def _image_or_pdf(data: bytes) -> str | None:
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    return None


def sniff_evidence(data: bytes) -> str:
    """The content type of an evidence file: PDF, PNG or JPEG by its first bytes (the name is not looked at);
    ``DomainError`` for an empty file, one over the size limit, or any other content."""
    _check_size(data)
    kind = _image_or_pdf(data)
    if kind is None:
        raise DomainError(N_("Evidence must be a PDF, JPG or PNG file."))
    return kind


def sniff(data: bytes, filename: str, zip_names: Callable[[bytes], list[str] | None]) -> str:
    """The content type of an accepted attachment; ``zip_names(data)`` lists a zip's members (None if not a zip)."""
    _check_size(data)
    ext = _extension(filename)
    kind = _image_or_pdf(data)
    if kind is not None:
        return kind
    if data.startswith(OLE) and ext in ("doc", "xls"):
        return DOC if ext == "doc" else XLS
    if data.startswith(b"PK\x03\x04"):
        names = zip_names(data) or []
        if "word/document.xml" in names:
            return DOCX
        if "xl/workbook.xml" in names:
            return XLSX
    if ext == "txt":
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            if "\x00" not in text:
                return TEXT
    raise DomainError(N_("Only PDF, Word, Excel, PNG, JPEG and text files can be attached."))
