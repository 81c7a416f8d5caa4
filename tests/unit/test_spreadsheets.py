import io

import pytest
from openpyxl import Workbook, load_workbook

from contest.documents.xlsx import sheet_title, write_xlsx
from contest.spreadsheets import Column, TableError, build_template, read_table

COLUMNS = (Column("name", "姓名"), Column("rid", "身份证号", aliases=("身份证号码",), text=True), Column("note", "备注", required=False))


def xlsx(rows):
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_reads_xlsx_rows_with_spreadsheet_row_numbers_and_flags_numbers():
    data = xlsx([["姓名", "身份证号码 *"], ["张三", "330802199005171786"], [None, None], ["李四", 3.30802199005171e17]])
    rows = read_table(data, "a.xlsx", COLUMNS)
    assert [r.number for r in rows] == [2, 4]
    assert rows[0].get("rid") == "330802199005171786" and not rows[0].cells["rid"].numeric
    assert rows[1].cells["rid"].numeric and isinstance(rows[1].cells["rid"].raw, float)
    assert rows[0].get("note") == ""


def test_reads_gb18030_csv_as_saved_by_excel_in_china():
    data = "姓名,身份证号\n王五,330802199005171786\n".encode("gb18030")
    rows = read_table(data, "people.CSV", COLUMNS)
    assert rows[0].get("name") == "王五"


def test_reads_utf8_csv_with_bom():
    data = "\ufeff姓名,身份证号\n王五,330802199005171786\n".encode()
    assert read_table(data, "p.csv", COLUMNS)[0].get("name") == "王五"


@pytest.mark.parametrize(
    "data, filename, fragment",
    [
        (b"whatever", "a.txt", "Upload an .xlsx or .csv"),
        (b"whatever", "a.xls", "save the file as .xlsx"),
        (b"not a zip", "a.xlsx", "not a readable .xlsx"),
        (b"", "a.csv", "empty"),
        ("姓名,身份证号\n".encode(), "a.csv", "no data rows"),
    ],
)
def test_file_level_errors(data, filename, fragment):
    with pytest.raises(TableError) as info:
        read_table(data, filename, COLUMNS)
    assert fragment in info.value.errors[0].message


def test_missing_required_column_is_named():
    with pytest.raises(TableError) as info:
        read_table("姓名\n张三\n".encode(), "a.csv", COLUMNS)
    assert info.value.errors[0].params == {"column": "身份证号", "accepted": "身份证号、身份证号码"}


def test_row_limit():
    data = ("姓名,身份证号\n" + "张三,1\n" * 6).encode()
    with pytest.raises(TableError) as info:
        read_table(data, "a.csv", COLUMNS, max_rows=5)
    assert info.value.errors[0].params == {"limit": 5}


def test_template_marks_required_columns_and_formats_id_columns_as_text():
    wb = load_workbook(io.BytesIO(build_template(COLUMNS, "人员", [("张三", "330802199005171786", "")], notes=["说明"])))
    sheet = wb["人员"]
    assert [c.value for c in sheet[1]] == ["姓名*", "身份证号*", "备注"]
    assert sheet["B3"].number_format == "@"
    listing = [[c.value for c in row] for row in wb["说明"].iter_rows()]
    assert listing[0] == ["列名", "必填", "也可写作", "示例"]
    assert listing[1][:2] == ["姓名", "是"] and ["说明", None, None, None] in listing  # the columns, then the notes
    rows = read_table(build_template(COLUMNS, "人员", [("张三", "330802199005171786", "")]), "t.xlsx", COLUMNS)
    assert rows[0].get("rid") == "330802199005171786"


def test_write_xlsx_round_trip():
    data = write_xlsx("导出", ["a", "b"], iter([(1, "甲"), (2, "乙")]))
    sheet = load_workbook(io.BytesIO(data)).active
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [["a", "b"], [1, "甲"], [2, "乙"]]


def test_sheet_titles_are_cleaned():

    assert sheet_title("电工/焊工[决赛]") == "电工 焊工 决赛"
    assert sheet_title("?") == "Sheet"
    assert len(sheet_title("长" * 40)) == 31
