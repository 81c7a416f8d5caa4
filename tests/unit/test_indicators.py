"""Indicator sheets (安康杯, 立功竞赛): the arithmetic of deductions with floors, bonuses with caps, ratios and
vetoes, against an independent reading in integer hundredths."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contest.domain.errors import DomainError
from contest.domain.indicators import (
    Assessment,
    Indicator,
    IndicatorMethod,
    PeriodScore,
    Section,
    Sheet,
    check_sheet,
    copy_sheet,
    cumulative,
    indicator_points,
    score_sheet,
)

D = Decimal
M = IndicatorMethod

HAZARDS = Indicator("hazards", "隐患整改", M.DEDUCTION, D(10), per=D(2), floor=D(0))
PROPOSALS = Indicator("proposals", "合理化建议", M.BONUS, D(5), per=D(1))
TRAINING = Indicator("training", "人均培训学时", M.RATIO, D(10), target=D(8))
LEADERSHIP = Indicator("leadership", "组织领导", M.POINTS, D(75))
FATAL = Indicator("fatal", "生产安全亡人事故", M.VETO)
SHEET = Sheet((
    Section("组织领导", (LEADERSHIP,)),
    Section("安全教育培训", (TRAINING,)),
    Section("隐患排查治理", (HAZARDS,)),
    Section("合理化建议", (PROPOSALS,)),
    Section("事故情况", (FATAL,)),
))


def test_the_examples_of_the_plan():
    assert check_sheet(SHEET, D(100)) is None
    assert indicator_points(HAZARDS, Assessment(occurrences=3)) == D(4)
    assert indicator_points(HAZARDS, Assessment(occurrences=9)) == D(0)  # not below the floor
    assert indicator_points(PROPOSALS, Assessment(occurrences=3)) == D(3)
    assert indicator_points(PROPOSALS, Assessment(occurrences=12)) == D(5)  # at most +5
    assert indicator_points(TRAINING, Assessment(numerator=D(300), denominator=D(50))) == D("7.50")  # 6 h of 8
    assert indicator_points(TRAINING, Assessment(numerator=D(500), denominator=D(50))) == D(10)  # capped
    assert indicator_points(TRAINING, Assessment(numerator=D(10), denominator=D(0))) == D(0)
    assert indicator_points(TRAINING, Assessment(numerator=D(1), denominator=D(3))) == D("0.42")  # 10/24, half-up


def test_a_veto_makes_a_high_score_ineligible_and_keeps_its_reason():
    full = {"leadership": Assessment(points=D(75)), "training": Assessment(numerator=D(8), denominator=D(1)),
            "hazards": Assessment(occurrences=1), "proposals": Assessment(occurrences=4)}
    result = score_sheet(SHEET, full)
    assert result.total == D(97) and result.eligible
    vetoed = score_sheet(SHEET, full | {"fatal": Assessment(vetoed=True, reason="2026年5月发生一起亡人事故")})
    assert vetoed.total == D(97)
    assert vetoed.vetoed and not vetoed.eligible
    assert vetoed.vetoes == (("生产安全亡人事故", "2026年5月发生一起亡人事故"),)
    assert score_sheet(SHEET, full | {"fatal": Assessment(vetoed=False)}).eligible


def test_missing_indicators_are_named_and_make_the_unit_ineligible():
    result = score_sheet(SHEET, {"leadership": Assessment(points=D(70))})
    assert result.missing == ("training", "hazards", "proposals")
    assert not result.complete and not result.eligible
    assert result.total == D(70)


@pytest.mark.parametrize("indicator, assessment", [
    (LEADERSHIP, Assessment(points=D(76))),
    (LEADERSHIP, Assessment(points=D("-1"))),
    (LEADERSHIP, Assessment(points=D("1.005"))),
    (LEADERSHIP, Assessment()),
    (HAZARDS, Assessment(occurrences=-1)),
    (HAZARDS, Assessment(occurrences=True)),
    (PROPOSALS, Assessment()),
    (TRAINING, Assessment(numerator=D(1))),
    (TRAINING, Assessment(numerator=D(-1), denominator=D(2))),
    (FATAL, Assessment(vetoed=True, reason="  ")),
])
def test_bad_assessments_are_refused(indicator, assessment):
    with pytest.raises(DomainError):
        score_sheet(Sheet((Section("s", (indicator,)),)), {indicator.key: assessment})


@pytest.mark.parametrize("sheet", [
    Sheet(()),
    Sheet((Section("a", (LEADERSHIP, LEADERSHIP)),)),
    Sheet((Section("", (LEADERSHIP,)),)),
    Sheet((Section("a", (Indicator("x", "x", M.DEDUCTION, D(5)),)),)),
    Sheet((Section("a", (Indicator("x", "x", M.DEDUCTION, D(5), per=D(1), floor=D(6)),)),)),
    Sheet((Section("a", (Indicator("x", "x", M.BONUS, D(5)),)),)),
    Sheet((Section("a", (Indicator("x", "x", M.RATIO, D(5)),)),)),
    Sheet((Section("a", (Indicator("x", "x", M.POINTS, D("0.001")),)),)),
    Sheet((Section("a", (Indicator("x", "x", M.POINTS, D(0)),)),)),
    Sheet((Section("a", (Indicator("x", "x", M.VETO, D(1)),)),)),
])
def test_bad_sheets_are_refused(sheet):
    with pytest.raises(DomainError):
        check_sheet(sheet)


def test_the_maxima_must_add_up_to_the_sheet_total():
    with pytest.raises(DomainError):
        check_sheet(SHEET, D(99))


def test_a_copy_is_equal_and_shares_nothing_mutable():
    copy = copy_sheet(SHEET)
    assert copy == SHEET and copy is not SHEET


def test_cumulative_periods_keep_their_vetoes():
    ok = score_sheet(SHEET, {"leadership": Assessment(points=D(50))})
    bad = score_sheet(SHEET, {"leadership": Assessment(points=D(60)), "fatal": Assessment(vetoed=True, reason="三违记录")})
    total = cumulative([PeriodScore("2026-09", ok), PeriodScore("2026-10", bad)])
    assert total.total == D(110) and total.periods == ("2026-09", "2026-10")
    assert total.vetoes == (("2026-10", "生产安全亡人事故", "三违记录"),) and total.vetoed


# ------------------------------------------------------------------------------------------ properties

hundredths = st.integers(min_value=1, max_value=5000)


@st.composite
def indicators(draw, key: str):
    method = draw(st.sampled_from(list(M)))
    top = draw(hundredths)
    if method is M.VETO:
        return Indicator(key, key, method)
    if method is M.DEDUCTION:
        return Indicator(key, key, method, D(top) / 100, per=D(draw(hundredths)) / 100,
                         floor=D(draw(st.integers(0, top))) / 100)
    if method is M.BONUS:
        return Indicator(key, key, method, D(top) / 100, per=D(draw(hundredths)) / 100)
    if method is M.RATIO:
        return Indicator(key, key, method, D(top) / 100, target=D(draw(hundredths)) / 100)
    return Indicator(key, key, method, D(top) / 100)


@st.composite
def assessed(draw, indicator: Indicator):
    m = indicator.method
    if m is M.POINTS:
        return Assessment(points=D(draw(st.integers(0, int(indicator.max_points * 100)))) / 100)
    if m in (M.DEDUCTION, M.BONUS):
        return Assessment(occurrences=draw(st.integers(0, 200)))
    if m is M.RATIO:
        return Assessment(numerator=D(draw(st.integers(0, 10**6))) / 100, denominator=D(draw(st.integers(0, 10**5))) / 100)
    return Assessment(vetoed=draw(st.booleans()), reason="原因")


def reference_hundredths(i: Indicator, a: Assessment) -> int:
    """The same rules read independently, in integer hundredths (ratio as exact integer division)."""
    top = int(i.max_points * 100)
    if i.method is M.POINTS:
        return int(a.points * 100)
    if i.method is M.DEDUCTION:
        return max(int(i.floor * 100), top - a.occurrences * int(i.per * 100))
    if i.method is M.BONUS:
        return min(top, a.occurrences * int(i.per * 100))
    if i.method is M.RATIO:
        if a.denominator == 0:
            return 0
        # top × (n / d) / t, in hundredths, half-up: n, d, t are hundredths → integers
        n, d, t = int(a.numerator * 100), int(a.denominator * 100), int(i.target * 100)
        num, den = top * n * 100, d * t  # value in hundredths = top × (n / d) / (t / 100)
        if n * 100 >= d * t:  # the target is reached: full points
            return top
        q, r = divmod(num, den)
        return q + (1 if 2 * r >= den else 0)
    return 0


@st.composite
def sheets_and_assessments(draw):
    count = draw(st.integers(1, 8))
    items = [draw(indicators(f"k{n}")) for n in range(count)]
    cut = draw(st.integers(0, count))
    sheet = Sheet((Section("一", tuple(items[:cut])), Section("二", tuple(items[cut:]))))
    given_ = {i.key: draw(assessed(i)) for i in items if draw(st.booleans()) or i.method is not M.VETO}
    return sheet, given_


@given(sheets_and_assessments())
def test_points_match_the_reference_and_never_leave_their_bounds(case):
    sheet, assessments = case
    check_sheet(sheet)
    result = score_sheet(sheet, assessments)
    for i in sheet.indicators:
        p = result.points[i.key]
        assert D(0) <= p <= i.max_points
        assert p == p.quantize(D("0.01"))
        a = assessments.get(i.key)
        expected = reference_hundredths(i, a) if a is not None else 0
        assert p == D(expected) / 100, (i, a)
    assert result.total == sum(result.points.values(), D(0)) == sum(result.sections.values(), D(0))
    assert result.total <= sheet.max_points
    vetoed = [i for i in sheet.indicators if i.method is M.VETO and assessments.get(i.key, Assessment()).vetoed]
    assert result.vetoed == bool(vetoed) and (not result.eligible if vetoed else True)


@given(st.integers(0, 10**6), st.integers(1, 10**6))
def test_ratio_rounding_is_half_up_of_the_exact_value(n, d):
    indicator = Indicator("r", "r", M.RATIO, D(10), target=D(1))
    got = indicator_points(indicator, Assessment(numerator=D(n), denominator=D(d)))
    exact = min(Fraction(10), Fraction(10 * n, d))
    assert abs(Fraction(got) - exact) <= Fraction(1, 200)
    assert Fraction(got) - exact < Fraction(1, 200) or exact * 200 % 1 == 0
