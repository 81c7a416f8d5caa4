"""The one xlsx writer (issue 12.5, 11.9): typed cells, inert text, clean XML, read back with openpyxl."""

import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from contest.documents.xlsx import Sheet, clean_text, write_workbook, write_xlsx


def read(data: bytes, index: int = 0):
    return load_workbook(io.BytesIO(data)).worksheets[index]


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\tcmd", "\rcmd", '=HYPERLINK("http://x")'])
def test_formula_like_text_is_a_quote_prefixed_string(text):
    cell = read(write_xlsx("t", ["h"], [[text]]))["A2"]
    assert cell.value == text.replace("\r", "\n") and cell.data_type == "s" and cell.quotePrefix


def test_plain_text_is_text_without_prefix():
    cell = read(write_xlsx("t", ["h"], [["0012"]]))["A2"]
    assert cell.value == "0012" and cell.data_type == "s" and not cell.quotePrefix and cell.number_format == "@"


def test_values_are_typed():
    when = datetime(2026, 3, 1, 2, 30, tzinfo=UTC)
    sheet = read(write_xlsx("t", list("abcdefg"), [[3, Decimal("85.50"), Decimal("7"), date(2026, 3, 1), when,
                                                    None, 330802199001011234]]))
    a, b, c, d, e, f, g = sheet[2]
    assert a.value == 3 and a.number_format == "0"
    assert b.value == 85.5 and b.number_format == "0.00"
    assert c.value == 7 and c.number_format == "0"
    assert d.is_date and d.value == datetime(2026, 3, 1)
    assert e.is_date and e.value == datetime(2026, 3, 1, 10, 30)  # shown in Asia/Shanghai
    assert f.value is None
    assert g.value == "330802199001011234" and g.data_type == "s"  # beyond Excel's 15 digits: text


def test_header_is_bold_frozen_and_columns_sized():
    sheet = read(write_xlsx("电工/焊工[决赛]", ["姓名", "单位"], [["张三", "衢州市总工会 · 柯城区 · 柯城电力 · 运维一班"]]))
    assert sheet.title == "电工 焊工 决赛"
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.b
    assert sheet.column_dimensions["B"].width > sheet.column_dimensions["A"].width >= 6


def test_control_characters_and_surrogates_are_removed():
    sheet = read(write_xlsx("t\x07", ["h\x00"], [["a\x07b\x1bc\ud800d\ufffe", "keep\ttab\nand line"]]))
    assert sheet["A1"].value == "h" and sheet["A2"].value == "abcd" and sheet["B2"].value == "keep\ttab\nand line"


def test_several_sheets_and_template_options():
    data = write_workbook([Sheet("模板", ["姓名*", "身份证号*"], [("张三", "330802199001011234")], highlight=[1],
                                 text_columns=[1], text_rows=5),
                           Sheet("说明", [], [("第一行说明",)], widths=(100,), wrap=True)])
    template, notes = read(data, 0), read(data, 1)
    assert template["B1"].fill.fgColor.rgb.endswith("FDE9D9") and template["B5"].number_format == "@"
    assert notes["A1"].value == "第一行说明" and notes.column_dimensions["A"].width == 100


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.text(max_size=40), st.integers(), st.decimals(allow_nan=False, allow_infinity=False, places=2),
                          st.none()), min_size=1, max_size=6))
def test_any_row_round_trips_as_typed_values(row):
    sheet = read(write_xlsx("t", [f"c{i}" for i in range(len(row))], [row]))
    for cell, value in zip(sheet[2], row, strict=False):
        assert cell.data_type != "f"
        if isinstance(value, str):
            assert (cell.value or "") == clean_text(value)
