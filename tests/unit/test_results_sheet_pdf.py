"""Results sheet renderer, checked with real readers: pdftotext (text and word boxes) and pypdf (pages, size)."""

from __future__ import annotations

import html
import io
import re
import shutil
import subprocess
from datetime import datetime

import pytest
from pypdf import PdfReader

from contest.documents.results_sheet import LABELS, ResultRow, render_results_sheet, sheet_layout
from contest.documents.sign_in import PAD_X, fit_cell

needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext is not installed (poppler-utils)")

LONG_UNIT = "衢州市柯城区国网衢州供电公司运维检修分公司变电运维第一班组（含城区配网抢修中心）"
GIANT_UNIT = "浙江省衢州市衢江区某某机械制造股份有限公司" * 12
TITLE = "2026年衢州市职工职业技能竞赛"
GENERATED = datetime(2026, 5, 20, 8, 30)
TWO = ("理论知识", "实际操作")
SIX = ("理论", "安全", "接线", "调试", "排故", "文明")
NOTE = "第3名与第4名总分相同（86.70），按实际操作成绩排序，两人均获二等奖。"


def award(i: int) -> str:
    return "一等奖" if i <= 3 else "二等奖" if i <= 8 else "三等奖" if i <= 15 else ""


def rows(n: int = 80, components: int = 2, unit_of=lambda i: "柯城电力") -> list[ResultRow]:
    return [
        ResultRow(
            rank=i,
            number=100 + i,
            name=f"选手{i:03d}",
            unit=unit_of(i),
            components=tuple(f"{10 + k}.{i % 100:02d}" for k in range(components)),
            total=f"{200 - i}.50",
            award=award(i),
            titles="技术能手、青年岗位能手" if i <= 2 else "",
        )
        for i in range(1, n + 1)
    ]


def render(n=80, components=TWO, notes=(NOTE,), unit_of=lambda i: "柯城电力", title=TITLE, **kw) -> bytes:
    return render_results_sheet(title, "电工 成绩表", components,
                                rows(n, len(components), unit_of), notes, GENERATED, **kw)


def pdftotext(data: bytes, tmp_path, *args: str) -> str:
    path = tmp_path / "results.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", *args, str(path), "-"], check=True, capture_output=True, text=True).stdout


def word_boxes(data: bytes, tmp_path) -> list[tuple[str, float, float, float, float]]:
    out = pdftotext(data, tmp_path, "-bbox")
    pattern = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')
    return [(html.unescape(m[5]), float(m[1]), float(m[2]), float(m[3]), float(m[4])) for m in pattern.finditer(out)]


def compact_pages(data: bytes) -> list[str]:
    return ["".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages]


@pytest.fixture(scope="module")
def sheet() -> bytes:
    return render(unit_of=lambda i: LONG_UNIT if i == 7 else "柯城电力")


@needs_pdftotext
def test_names_awards_notes_and_signatures_are_printed(sheet, tmp_path):
    compact = "".join(pdftotext(sheet, tmp_path, "-layout").split())
    for i in range(1, 81):
        assert compact.count(f"选手{i:03d}") == 1
    for word in ("一等奖", "二等奖", "三等奖", "理论知识", "实际操作", "86.70"):
        assert word in compact
    titles = sheet_layout(TWO).column("titles")
    wrapped = fit_cell("技术能手、青年岗位能手", titles.width - 2 * PAD_X).lines
    assert all(compact.count(line) == 2 for line in wrapped)  # set whole or wrapped, but complete, twice
    assert NOTE.replace(" ", "") in compact
    assert "裁判长（签字）：日期：" in compact and "监审人员（签字）：日期：" in compact
    assert "生成时间：2026-05-2008:30" in compact
    # the notes and the signatures come after the last row, on the last page
    last = pdftotext(sheet, tmp_path, "-layout").split("\f")[-2]
    assert last.index("选手080") < last.index("说明") < last.index("裁判长") < last.index("监审人员")


def test_page_count_header_and_numbering_for_80_rows(sheet):
    layout = sheet_layout(TWO)
    assert not layout.landscape and layout.rows_per_page == 24
    pages = compact_pages(sheet)
    assert len(pages) == 4  # 24 + 24 + 24 + 8 rows, with room left for the notes and signatures
    header = "".join(LABELS[k] for k in ("rank", "number", "name", "unit")) + "".join(TWO)
    for index, text in enumerate(pages, start=1):
        assert f"第{index}页共4页" in text
        assert "2026年衢州市职工职业技能竞赛" in text and header in text  # repeated on every page
    assert "裁判长" not in "".join(pages[:-1])


def test_signatures_never_stand_alone():
    data = render(n=72, notes=())  # exactly three full pages of rows
    pages = compact_pages(data)
    assert len(pages) == 4
    assert "选手072" in pages[3] and "选手072" not in pages[2] and "裁判长（签字）" in pages[3]


def test_six_components_switch_to_landscape():
    portrait = PdfReader(io.BytesIO(render(n=5, components=("理论", "实操", "答辩"))))
    wide = PdfReader(io.BytesIO(render(n=80, components=SIX)))
    box = portrait.pages[0].mediabox
    assert float(box.height) > float(box.width)
    box = wide.pages[0].mediabox
    assert float(box.width) > float(box.height)
    layout = sheet_layout(SIX)
    assert layout.landscape and len(wide.pages) == -(-80 // layout.rows_per_page)
    text = "".join(wide.pages[0].extract_text().split())
    assert "".join(SIX) + "总分奖项称号" in text


@needs_pdftotext
def test_long_unit_names_stay_inside_their_column(tmp_path):
    data = render(n=30, unit_of=lambda i: GIANT_UNIT if i % 3 == 0 else LONG_UNIT, title="成绩")
    unit = sheet_layout(TWO).column("unit")
    unit_words = [w for w in word_boxes(data, tmp_path) if "衢" in w[0] or "公司" in w[0] or "…" in w[0]]
    assert unit_words
    for word, x_min, _y_min, x_max, _y_max in unit_words:
        assert unit.left < x_min and x_max < unit.left + unit.width, word
    assert "…" in "".join(w[0] for w in unit_words)  # the giant name was cut, not spilled


def test_empty_sheet_and_custom_signatures():
    data = render_results_sheet("标题", "", TWO, [], [], GENERATED, signatures=("裁判长",))
    pages = compact_pages(data)
    assert len(pages) == 1
    assert "第1页共1页" in pages[0] and "名次" in pages[0] and "裁判长（签字）" in pages[0]
    assert "监审人员" not in pages[0] and "说明" not in pages[0]
