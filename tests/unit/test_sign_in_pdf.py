"""Sign-in sheet renderer, checked with real readers: pdftotext (text and word boxes) and pypdf (pages)."""

from __future__ import annotations

import html
import io
import re
import shutil
import subprocess
from dataclasses import dataclass
from datetime import datetime

import pytest
from pypdf import PdfReader

from contest.documents import sign_in
from contest.documents.sign_in import COLUMN_TITLES, COLUMN_WIDTHS, MARGIN_X, PAD_X, fit_cell, render_sign_in_sheet

needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext is not installed (poppler-utils)")

LONG_UNIT = "衢州市柯城区国网衢州供电公司运维检修分公司变电运维第一班组（含城区配网抢修中心）"
GIANT_UNIT = "浙江省衢州市衢江区某某机械制造股份有限公司" * 12
GENERATED = datetime(2026, 5, 20, 8, 30)


@dataclass(frozen=True)
class Row:
    number: int | None
    names: str
    unit: str
    occupation: str
    resident_id: str


def rows(n: int = 120, unit_of=lambda i: "柯城电力") -> list[Row]:
    return [Row(i, f"选手{i:03d}", unit_of(i), "电工", "3308**********123X") for i in range(1, n + 1)]


def pdftotext(data: bytes, tmp_path, *args: str) -> str:
    path = tmp_path / "sheet.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", *args, str(path), "-"], check=True, capture_output=True, text=True).stdout


def word_boxes(data: bytes, tmp_path) -> list[tuple[str, float, float, float, float]]:
    out = pdftotext(data, tmp_path, "-bbox")
    pattern = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')
    return [(html.unescape(m[5]), float(m[1]), float(m[2]), float(m[3]), float(m[4])) for m in pattern.finditer(out)]


@pytest.fixture(scope="module")
def sheet() -> bytes:
    return render_sign_in_sheet("2026年衢州市职工职业技能竞赛", "电工 · 2026-05-20", rows(unit_of=lambda i: LONG_UNIT if i == 7 else "柯城电力"), GENERATED)


def test_long_unit_name_fits_a_normal_row():
    cell = fit_cell(LONG_UNIT, COLUMN_WIDTHS["unit"] - 2 * PAD_X)
    assert len(cell.lines) > 1 and cell.height + 2 * sign_in.PAD_Y <= sign_in.ROW_HEIGHT


def test_page_count_and_numbering(sheet):
    reader = PdfReader(io.BytesIO(sheet))
    pages = sign_in.expected_pages(120)
    assert pages == -(-120 // sign_in.ROWS_PER_PAGE) > 1
    assert len(reader.pages) == pages
    for index, page in enumerate(reader.pages, start=1):
        compact = "".join(page.extract_text().split())
        assert f"第{index}页共{pages}页" in compact
        assert "2026年衢州市职工职业技能竞赛" in compact  # the header is repeated on every page
        assert "".join(COLUMN_TITLES.values()) in compact


@needs_pdftotext
def test_every_name_and_number_appears_once_in_order(sheet, tmp_path):
    text = pdftotext(sheet, tmp_path, "-layout")
    compact = "".join(text.split())
    for i in range(1, 121):
        assert compact.count(f"选手{i:03d}") == 1
    assert "生成时间：2026-05-2008:30" in compact
    wrapped = fit_cell(LONG_UNIT, COLUMN_WIDTHS["unit"] - 2 * PAD_X).lines
    assert "".join(wrapped) == LONG_UNIT and all(line in compact for line in wrapped)  # wrapped, but complete
    found = [int(m) for m in re.findall(r"^\s*(\d+)\s+选手", text, flags=re.M)]
    assert found == list(range(1, 121))


@needs_pdftotext
def test_text_never_leaves_its_cell(tmp_path):
    data = render_sign_in_sheet("标题", "", rows(30, unit_of=lambda i: GIANT_UNIT if i % 3 == 0 else LONG_UNIT), GENERATED)
    left = MARGIN_X + COLUMN_WIDTHS["number"] + COLUMN_WIDTHS["names"]
    right = left + COLUMN_WIDTHS["unit"]
    unit_words = [w for w in word_boxes(data, tmp_path) if "衢" in w[0] or "公司" in w[0] or "…" in w[0]]
    assert unit_words
    for word, x_min, _y_min, x_max, _y_max in unit_words:
        assert left < x_min and x_max < right, word
    assert "…" in "".join(w[0] for w in unit_words)  # the giant name was cut, not spilled


def test_fit_cell_rules():
    width = 100.0
    assert fit_cell("张三", width).size == sign_in.SIZE_MAX
    shrunk = fit_cell("衢州市柯城区柯城电力", width)  # 10 characters: 105 pt at the largest size
    assert sign_in.SIZE_MIN <= shrunk.size < sign_in.SIZE_MAX and len(shrunk.lines) == 1
    cut = fit_cell("很" * 500, width)
    assert len(cut.lines) == sign_in.MAX_LINES and cut.lines[-1].endswith("…")
    for line in cut.lines:
        assert sign_in.text_width(line, cut.size) <= width
    assert not any(line.startswith("、") for line in fit_cell("张三、" * 20, width).lines)
    assert fit_cell("", width).lines == ()


def test_empty_sheet_has_one_page():
    reader = PdfReader(io.BytesIO(render_sign_in_sheet("标题", "电工", [], GENERATED)))
    assert len(reader.pages) == 1
    assert "第1页共1页" in "".join(reader.pages[0].extract_text().split())
