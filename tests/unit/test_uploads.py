"""Uploaded tables (issue 12.10): type by content, size and row limits, zip bombs and XML entities refused
before openpyxl parses anything."""

import io
import zipfile

import pytest
from openpyxl import Workbook

from contest.spreadsheets import MAX_UPLOAD_BYTES, Column, TableError, read_table

COLUMNS = (Column("name", "姓名"), Column("rid", "身份证号", text=True))


def xlsx(rows) -> bytes:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def rezip(data: bytes, replace: dict[str, bytes], add: dict[str, bytes] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, replace.get(info.filename, source.read(info)))
        for name, content in (add or {}).items():
            target.writestr(name, content)
    return out.getvalue()


def refused(data: bytes, name: str, fragment: str, **kwargs):
    with pytest.raises(TableError) as info:
        read_table(data, name, COLUMNS, **kwargs)
    assert fragment in info.value.errors[0].message, info.value.errors[0].message


GOOD = xlsx([["姓名", "身份证号"], ["张三", "330802199005171786"]])


def test_a_genuine_workbook_is_read():
    assert read_table(GOOD, "a.xlsx", COLUMNS)[0].get("name") == "张三"


def test_zip_bomb_is_refused_before_parsing():
    bomb = rezip(GOOD, {}, {"xl/media/padding.bin": b"\0" * (4 * 1024 * 1024)})  # ~4 KB compressed
    refused(bomb, "a.xlsx", "implausible size")


def test_billion_laughs_and_external_entities_are_refused():
    with zipfile.ZipFile(io.BytesIO(GOOD)) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    sheet = sheet.split("?>", 1)[1] if sheet.startswith("<?xml") else sheet
    laughs = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">'
              ']>' + sheet)
    refused(rezip(GOOD, {"xl/worksheets/sheet1.xml": laughs.encode()}), "a.xlsx", "DTD")
    external = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>' + sheet
    refused(rezip(GOOD, {"xl/workbook.xml": external.encode()}), "a.xlsx", "DTD")


@pytest.mark.parametrize(("data", "name", "fragment"), [
    (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "people.csv", "not a CSV text"),
    ("姓名,身份证号\n张三,1\n".encode(), "people.xlsx", "not a readable .xlsx"),
    (GOOD, "people.csv", "rename it to .xlsx"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "people.xlsx", "Old .xls"),
    (b"PK\x03\x04 not really a zip", "people.xlsx", "not a readable .xlsx"),
    (rezip(GOOD, {}, {}).replace(b"[Content_Types].xml", b"[Content_Typez].xml"), "people.xlsx", "not a readable .xlsx"),
    (GOOD, "people.exe", "Upload an .xlsx or .csv"),
])
def test_the_type_is_checked_by_content(data, name, fragment):
    refused(data, name, fragment)


def test_size_limit():
    refused(b"a" * (MAX_UPLOAD_BYTES + 1), "big.csv", "larger than")


def test_row_limit_counts_rows_with_content_and_stops_reading():
    rows = [["姓名", "身份证号"]] + [[f"人{i}", "330802199005171786"] for i in range(12)]
    refused(xlsx(rows), "a.xlsx", "more than %(limit)d rows", max_rows=10)
    text = "姓名,身份证号\n" + "张三,330802199005171786\n" * 12
    refused(text.encode(), "a.csv", "more than %(limit)d rows", max_rows=10)
    far = Workbook()
    far.active.append(["姓名", "身份证号"])
    far.active.cell(row=3000, column=1, value="张三")
    far.active.cell(row=3000, column=2, value="330802199005171786")
    out = io.BytesIO()
    far.save(out)
    assert [r.number for r in read_table(out.getvalue(), "far.xlsx", COLUMNS)] == [3000]


def test_a_broken_csv_is_a_table_error():
    refused(b"\xef\xbb\xbf\"name" + b"x" * 200_000 + b'\n', "a.csv", "could not be read")
