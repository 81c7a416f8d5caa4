"""立功竞赛 periods (``domain.periods``): the next period's label, and the cumulative standing of units over the
periods — the sum of the period totals, a missing period counted as 0 and listed, exclusion in any period kept,
the order of the periods irrelevant. Checked against an independent reading of the rule."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from contest.domain.periods import PeriodResult, cumulative_standings, next_label, series_name


def test_next_labels_of_months_and_quarters():
    assert next_label("2026年9月") == "2026年10月"
    assert next_label("2026年12月") == "2027年1月"
    assert next_label(" 2026年09月 ") == "2026年10月"
    assert next_label("2026年第3季度") == "2026年第4季度"
    assert next_label("2026年第4季度") == "2027年第1季度"
    assert next_label("2026年13月") is None and next_label("第一阶段") is None and next_label("") is None
    assert series_name("月度考核", "2026年9月") == "月度考核（2026年9月）"


@given(st.integers(2000, 2099), st.integers(1, 12), st.integers(1, 40))
def test_months_follow_each_other_without_gaps(year, month, steps):
    label = f"{year}年{month}月"
    for _ in range(steps):
        label = next_label(label)
    index = year * 12 + month - 1 + steps
    assert label == f"{index // 12}年{index % 12 + 1}月"


@given(st.integers(2000, 2099), st.integers(1, 4), st.integers(1, 20))
def test_quarters_follow_each_other_without_gaps(year, quarter, steps):
    label = f"{year}年第{quarter}季度"
    for _ in range(steps):
        label = next_label(label)
    index = year * 4 + quarter - 1 + steps
    assert label == f"{index // 4}年第{index % 4 + 1}季度"


UNITS = ["甲", "乙", "丙", "丁"]
result = st.builds(PeriodResult, st.integers(0, 10_000), st.one_of(st.none(), st.none(), st.sampled_from(["发生亡人事故", "三违记录"])))
# period → unit → result; a unit absent from a period has no result there
series = st.dictionaries(st.sampled_from(["9月", "10月", "11月", "12月"]), st.dictionaries(st.sampled_from(UNITS), result), min_size=1)


@given(series, st.randoms())
def test_the_cumulative_standing_is_the_sum_with_missing_periods_and_exclusions(results, rnd):
    periods = list(results)
    standings = cumulative_standings(periods, UNITS, results)
    assert set(standings) == set(UNITS)
    for unit, standing in standings.items():
        mine = [results[p].get(unit) for p in periods]
        assert standing.total_x100 == sum(r.total_x100 for r in mine if r is not None)
        assert list(standing.missing) == [p for p in periods if unit not in results[p]]
        assert standing.excluded == any(r is not None and r.excluded_reason for r in mine)
        assert [reason for _p, reason in standing.exclusions] == [r.excluded_reason for r in mine if r is not None and r.excluded_reason]
    shuffled = periods[:]
    rnd.shuffle(shuffled)
    again = cumulative_standings(shuffled, list(reversed(UNITS)), results)
    for unit in UNITS:
        assert again[unit].total_x100 == standings[unit].total_x100
        assert again[unit].excluded == standings[unit].excluded
        assert set(again[unit].missing) == set(standings[unit].missing)
        assert set(again[unit].exclusions) == set(standings[unit].exclusions)


def test_a_unit_in_no_period_scores_zero_and_misses_every_period():
    standings = cumulative_standings(["9月", "10月"], ["甲"], {"9月": {"乙": PeriodResult(9000)}, "10月": {}})
    assert standings["甲"].total_x100 == 0 and standings["甲"].missing == ("9月", "10月")
    assert standings["乙"].total_x100 == 9000 and standings["乙"].missing == ("10月",)
