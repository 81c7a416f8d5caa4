"""The one CJK line breaker (issue 13.5): no line starts with closing punctuation nor ends with opening
punctuation, whatever the width; Latin runs and keep-together groups stay whole when they fit; nothing is lost."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contest.documents.fonts import char_width
from contest.documents.linebreak import NO_LINE_END, NO_LINE_START, break_ok, clusters, wrap, wrap_text


def unit(ch: str) -> float:
    return 1.0  # every character one unit wide: widths in characters


def lines_of(text: str, width: float, **kw) -> list[str]:
    return [text[a:b] for a, b in wrap(text, width, unit, **kw)]


CLOSING = "，。、；：？！）》」』】”’"
OPENING = "（《「『【“‘"


def test_the_rule_sets_hold_the_usual_marks():
    assert set(CLOSING) <= NO_LINE_START and set("…—·%,.;:?!)") <= NO_LINE_START
    assert set(OPENING) <= NO_LINE_END and set("([{") <= NO_LINE_END
    assert not NO_LINE_START & NO_LINE_END


def test_a_closing_mark_takes_the_previous_character_along():
    # 4 a line: "一二三四" then "。" would start line two; instead "四。" moves down together
    assert lines_of("一二三四。五六", 4) == ["一二三", "四。五六"]


def test_an_opening_mark_moves_down_with_what_follows():
    assert lines_of("一二三《四五》", 4) == ["一二三", "《四五》"]


def test_runs_of_closing_marks_and_the_ellipsis_stay_together():
    assert lines_of("一二三」。五", 4) == ["一二", "三」。五"]
    assert lines_of("一二三……", 4) == ["一二", "三……"]
    assert lines_of("甲乙丙——丁", 4) == ["甲乙", "丙——丁"]


def test_spaces_are_dropped_at_line_edges_and_never_hide_a_forbidden_break():
    assert lines_of("AB CD EF", 5) == ["AB CD", "EF"]
    assert all(not line.startswith(")") for line in lines_of("一二三四 )", 4))


def test_latin_runs_and_groups_stay_whole_when_they_fit():
    assert lines_of("电工GB50303标准", 8) == ["电工", "GB50303标", "准"]
    text = "荣获一等奖"
    groups = [0, 0, 1, 1, 1]
    assert lines_of(text, 4, groups=groups) == ["荣获", "一等奖"]
    assert [text[a:b] for a, b in clusters(text, groups)] == ["荣", "获", "一等奖"]


def test_a_unit_wider_than_the_line_is_split_and_nothing_is_lost():
    text = "x" * 23
    lines = lines_of(text, 5)
    assert "".join(lines) == text and all(len(line) <= 5 for line in lines)


def test_first_line_indent():
    assert lines_of("一二三四五六", 4, first_indent=2) == ["一二", "三四五六"]


def test_break_ok():
    assert break_ok("一", "二") and not break_ok("一", "。") and not break_ok("《", "二") and break_ok("。", "《")


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("衢州市电工技能ab12 ") + list(CLOSING) + list(OPENING) + ["…"]), max_size=80),
    st.integers(min_value=3, max_value=30),
)
def test_property_no_forbidden_break_and_no_loss(text, width):
    lines = lines_of(text, width)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    for i, line in enumerate(lines):
        assert line == line.strip() and line
        assert len(line) <= width
        if i > 0 and line[0] in NO_LINE_START:
            # only when the glued unit alone is wider than a line (e.g. "」」」」" in 3 characters)
            assert any(b - a > width for a, b in clusters(text))
        if i < len(lines) - 1 and line[-1] in NO_LINE_END:
            assert any(b - a > width for a, b in clusters(text))


@pytest.mark.parametrize("size", [8, 10.5, 14])
def test_real_font_widths(size):
    text = "衢州市柯城区人民政府机关事务服务中心（后勤服务）「技术能手」、青年岗位能手。" * 2
    lines = wrap_text(text, 100, size, char_width)
    assert "".join(lines) == text
    for i, line in enumerate(lines):
        assert sum(char_width(ch) for ch in line) * size <= 100 + 1e-6
        assert i == 0 or line[0] not in NO_LINE_START
        assert i == len(lines) - 1 or line[-1] not in NO_LINE_END
