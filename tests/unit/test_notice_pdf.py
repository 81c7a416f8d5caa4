"""The plain one-page notice of the documents kit (demo announcements and evidence files)."""

from __future__ import annotations

import io

from pypdf import PdfReader

from contest.documents.notice import render_notice


def test_a_notice_is_one_page_with_its_title_and_the_same_bytes_every_time():
    lines = ["一、参赛对象：全市在职职工。" * 8, "二、竞赛项目：电工、焊工。"]
    first = render_notice("2026年衢州市职工职业技能大赛竞赛规程", lines, author="衢州市总工会")
    assert first == render_notice("2026年衢州市职工职业技能大赛竞赛规程", lines, author="衢州市总工会")
    reader = PdfReader(io.BytesIO(first))
    assert len(reader.pages) == 1
    assert reader.metadata.title == "2026年衢州市职工职业技能大赛竞赛规程" and reader.metadata.author == "衢州市总工会"
    text = reader.pages[0].extract_text()
    assert "竞赛规程" in text and "焊工" in text


def test_lines_past_the_foot_of_the_page_are_left_out():
    data = render_notice("长通知", [f"第{i}行" for i in range(200)])
    assert len(PdfReader(io.BytesIO(data)).pages) == 1
