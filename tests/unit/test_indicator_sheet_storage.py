"""Indicator sheets as stored and inspected: JSON round trips with exact decimals, the builder's pure edits,
how several inspectors' marks combine, and awards that exclude vetoed entries."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contest.domain import awards, ranking
from contest.domain.errors import DomainError
from contest.domain.indicators import (
    Indicator,
    IndicatorMethod,
    Section,
    Sheet,
    add_section,
    check_sheet,
    combine_marks,
    move,
    next_key,
    put_indicator,
    ratio_assessment,
    remove,
    score_sheet,
    sheet_from_json,
    sheet_to_json,
)

D = Decimal
M = IndicatorMethod

amounts = st.integers(min_value=1, max_value=5000).map(lambda n: D(n) / 100)


@st.composite
def indicators(draw, key: str):
    method = draw(st.sampled_from(list(M)))
    top = D(0) if method is M.VETO else draw(amounts)
    per = draw(amounts) if method in (M.DEDUCTION, M.BONUS) else None
    floor = draw(st.integers(0, int(top * 100)).map(lambda n: D(n) / 100)) if method is M.DEDUCTION else D(0)
    ratio = method is M.RATIO
    return Indicator(key, f"指标{key}", method, top, per=per, floor=floor, target=draw(amounts) if ratio else None,
                     guidance=draw(st.text(max_size=5)), numerator="training_hours" if ratio else None,
                     denominator="workers" if ratio else None)


@st.composite
def sheets(draw):
    sizes = draw(st.lists(st.integers(1, 4), min_size=1, max_size=4))
    sections, n = [], 0
    for s, size in enumerate(sizes):
        items = []
        for _ in range(size):
            n += 1
            items.append(draw(indicators(f"k{n}")))
        sections.append(Section(f"项目{s}", tuple(items)))
    return Sheet(tuple(sections))


@given(sheets())
def test_a_sheet_survives_json_exactly(sheet):
    check_sheet(sheet)
    text = json.dumps(sheet_to_json(sheet))

    def no_floats(number: str):  # amounts travel as exact decimal text, never as JSON numbers
        raise AssertionError(f"a float in the stored sheet: {number}")

    assert sheet_from_json(json.loads(text, parse_float=no_floats, parse_int=no_floats)) == sheet


def test_unreadable_json_is_refused():
    for bad in (None, [], {"sections": "x"}, {"sections": [{"indicators": [{"method": "nope", "name": "x"}]}]},
                {"sections": [{"name": "a", "indicators": [{"method": "points", "name": "x", "max": 1.5}]}]},
                {"sections": [{"name": "a", "indicators": [{"method": "points", "name": "x", "max": "1.234"}]}]}):
        with pytest.raises(DomainError):
            sheet_from_json(bad)


marks_of = st.lists(st.tuples(st.integers(0, 30).map(D), st.sampled_from(["", "消防通道堵塞", "台账缺失"])), min_size=1, max_size=7)


@given(marks_of)
def test_occurrences_combine_to_a_whole_count_between_the_inspectors(marks):
    hazards = Indicator("h", "隐患", M.DEDUCTION, D(20), per=D(2))
    combined = combine_marks(hazards, marks)
    values = [v for v, _ in marks]
    assert isinstance(combined.occurrences, int) and min(values) <= combined.occurrences <= max(values)
    values.sort()
    if len(values) % 2:
        assert combined.occurrences == values[len(values) // 2]  # the median itself


@given(st.lists(st.tuples(st.integers(0, 1).map(D), st.sampled_from(["", "亡人事故"])), min_size=1, max_size=5))
def test_a_veto_is_hit_when_any_inspector_hits_it(marks):
    veto = Indicator("v", "亡人事故", M.VETO)
    combined = combine_marks(veto, marks)
    assert combined.vetoed == any(v == 1 for v, _ in marks)
    assert combined.reason == ("亡人事故" if any(v == 1 and n for v, n in marks) else "")


def test_points_combine_to_their_mean_rounded_half_up_and_nothing_is_none():
    lead = Indicator("l", "组织领导", M.POINTS, D(10))
    assert combine_marks(lead, [(D("9.5"), ""), (D("9.25"), ""), (D(9), "")]).points == D("9.25")
    assert combine_marks(lead, [(D("9.99"), ""), (D("9.98"), "")]).points == D("9.99")  # 9.985 half up
    assert combine_marks(lead, []) is None


@settings(max_examples=60)
@given(sheets(), st.data())
def test_a_combined_inspection_never_scores_above_the_maximum(sheet, data):
    assessments = {}
    for i in sheet.indicators:
        if i.method is M.RATIO:
            assessments[i.key] = ratio_assessment(i, {"training_hours": data.draw(st.integers(0, 10000).map(D)),
                                                      "workers": data.draw(st.integers(0, 500).map(D))})
            continue
        top = int(i.max_points * 100) if i.method is M.POINTS else 3000
        values = data.draw(st.lists(st.integers(0, top), min_size=1, max_size=4))
        if i.method is M.VETO:
            values = [min(v, 1) for v in values]
        elif i.method is not M.POINTS:
            values = [v // 100 for v in values]
        scale = D(100) if i.method is M.POINTS else D(1)
        assessments[i.key] = combine_marks(i, [(D(v) / scale, "原因") for v in values])
    result = score_sheet(sheet, assessments)
    assert D(0) <= result.total <= sheet.max_points and result.total == result.total.quantize(D("0.01"))
    assert result.complete


def test_a_figure_not_reported_counts_as_zero():
    training = Indicator("t", "人均培训学时", M.RATIO, D(15), target=D(8), numerator="training_hours", denominator="workers")
    assert score_sheet(Sheet((Section("培训", (training,)),)), {"t": ratio_assessment(training, {"workers": D(20)})}).total == 0


def test_the_builder_edits_are_pure_and_checked():
    sheet = add_section(add_section(Sheet(()), "组织领导"), "事故情况")
    with pytest.raises(DomainError):
        add_section(sheet, " 组织领导 ")
    with pytest.raises(DomainError):
        put_indicator(sheet, 0, Indicator("x", "责任制", M.BONUS, D(5)))  # no per occurrence
    with pytest.raises(DomainError):
        put_indicator(sheet, 5, Indicator("x", "责任制", M.POINTS, D(5)))
    sheet = put_indicator(sheet, 0, Indicator(next_key(sheet), "责任制", M.POINTS, D(10)))
    sheet = put_indicator(sheet, 0, Indicator(next_key(sheet), "制度", M.POINTS, D(5)))
    sheet = put_indicator(sheet, 1, Indicator(next_key(sheet), "亡人事故", M.VETO))
    assert [i.key for i in sheet.indicators] == ["i1", "i2", "i3"] and sheet.max_points == 15
    sheet = put_indicator(sheet, 0, Indicator("i1", "安全生产责任制", M.POINTS, D(12)))  # changed where it is
    assert [i.name for i in sheet.indicators] == ["安全生产责任制", "制度", "亡人事故"]
    assert [i.key for i in move(sheet, "i2", -1).indicators] == ["i2", "i1", "i3"]
    assert move(sheet, "i1", -1) == sheet  # at the top already
    assert [s.name for s in move(sheet, "s0", 1).sections] == ["事故情况", "组织领导"]
    assert [i.key for i in remove(sheet, "i2").indicators] == ["i1", "i3"]
    assert [s.name for s in remove(sheet, "s0").sections] == ["事故情况"]


@st.composite
def rankings(draw):
    totals = sorted(draw(st.lists(st.integers(0, 100), min_size=1, max_size=12)), reverse=True)
    contenders = [ranking.Contender(n, D(t)) for n, t in enumerate(totals)]
    ranked = ranking.rank_entries(contenders)
    excluded = {r.entry_id: "一票否决" for r in ranked if draw(st.booleans())}
    return ranked, excluded


schemes = st.builds(
    lambda count, minimum: awards.AwardScheme((awards.Tier("优胜企业", count=count),), min_score=minimum),
    st.integers(1, 6), st.one_of(st.none(), st.integers(0, 100).map(D)))


@given(rankings(), schemes)
def test_excluded_entries_get_no_award_and_their_places_pass_on(given_ranking, scheme):
    ranked, excluded = given_ranking
    result = awards.assign_awards(ranked, scheme, {}, excluded)
    by_entry = result.by_entry()
    assert set(by_entry) == {r.entry_id for r in ranked}
    for r in ranked:
        assert by_entry[r.entry_id].rank == r.rank and by_entry[r.entry_id].total == r.total  # rank and total kept
        if r.entry_id in excluded:
            assert by_entry[r.entry_id].tier is None and by_entry[r.entry_id].titles == ()
    eligible = [r for r in ranked if r.entry_id not in excluded]
    alone = awards.assign_awards(ranking.rank_entries([r.contender for r in eligible]), scheme).by_entry() if eligible else {}
    assert {e: o.tier for e, o in alone.items()} == {r.entry_id: by_entry[r.entry_id].tier for r in eligible}
    if not excluded:
        assert result == awards.assign_awards(ranked, scheme)
