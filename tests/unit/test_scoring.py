"""Unit tests for contest.domain.scoring (no app, no database)."""

from __future__ import annotations

import random
from decimal import Decimal as D
from decimal import localcontext
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contest.domain.errors import DomainError
from contest.domain.scoring import (
    AGGREGATORS,
    SCORING_CONTEXT,
    Component,
    Criterion,
    Mark,
    Rubric,
    ScoringConfig,
    check_mark,
    completeness_report,
    compute_event_results,
    from_hundredths,
    to_hundredths,
)

CONFIG = ScoringConfig()


def agg(name: str, values, criterion=None, config=CONFIG):
    criterion = criterion or Criterion("c", D(10))
    return run(name, [D(v) for v in values], criterion, config)


def run(name, values, criterion, config=CONFIG):
    """Call an aggregator the way compute_event_results does: inside the scoring context."""
    with localcontext(SCORING_CONTEXT):
        return AGGREGATORS[name](list(values), criterion, config)


def single_rubric(aggregation="mean", kind="measurement", max_marks=D(10)) -> Rubric:
    return Rubric((Component("p", D(100), (Criterion("c", max_marks, kind),), aggregation),))


# --------------------------------------------------------------------------- hundredths


@pytest.mark.parametrize(
    ("value", "hundredths"),
    [(D("0"), 0), (D("12.5"), 1250), (D("12.50"), 1250), (D("0.01"), 1), (D("100"), 10000),
     (D("7.000"), 700)],
)
def test_hundredths_round_trip_examples(value, hundredths):
    assert to_hundredths(value) == hundredths
    assert from_hundredths(hundredths) == value


@pytest.mark.parametrize("value", [D("1.001"), D("NaN"), D("Infinity"), 1.5, "1.5"])
def test_to_hundredths_refuses_inexact_or_non_decimal(value):
    with pytest.raises(DomainError):
        to_hundredths(value)


def test_from_hundredths_refuses_non_int():
    with pytest.raises(TypeError):
        from_hundredths(True)
    with pytest.raises(TypeError):
        from_hundredths(1.0)  # type: ignore[arg-type]


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=-(10**9), max_value=10**9))
def test_hundredths_round_trip_property(n):
    assert to_hundredths(from_hundredths(n)) == n
    assert from_hundredths(n) == D(n) / 100


# --------------------------------------------------------------------------- check_mark

MEASURE = Criterion("m", D("20"), "measurement", name="尺寸精度")
JUDGE = Criterion("j", D("6"), "judgement", name="工艺美观")


@pytest.mark.parametrize(
    ("value", "expected"),
    [(D("0"), D("0.00")), (D("20"), D("20.00")), (D("12.34"), D("12.34")), (7, D("7.00")),
     (" 3.5 ", D("3.50")), ("19.990", D("19.99")), (D("-0"), D("0.00"))],
)
def test_check_mark_accepts(value, expected):
    result = check_mark(value, MEASURE)
    assert result == expected
    assert str(result) == str(expected)


@pytest.mark.parametrize(
    ("value", "fragment"),
    [(D("-0.01"), "between 0 and"), (D("20.01"), "between 0 and"), (D("1.234"), "two decimal"),
     ("abc", "not a number"), ("", "not a number"), (D("NaN"), "not a number"),
     (1.5, "not a number"), (True, "not a number"), (None, "not a number")],
)
def test_check_mark_refuses(value, fragment):
    with pytest.raises(DomainError) as info:
        check_mark(value, MEASURE)
    assert fragment in info.value.message
    assert info.value.params["criterion"] == "尺寸精度"


@pytest.mark.parametrize("value", [0, 1, 2, 3, D("2.00"), "3"])
def test_check_mark_judgement_accepts_0_to_3(value):
    assert check_mark(value, JUDGE) == D(value)


@pytest.mark.parametrize("value", [-1, 4, D("2.5"), D("6"), "1.5"])
def test_check_mark_judgement_refuses(value):
    with pytest.raises(DomainError) as info:
        check_mark(value, JUDGE)
    assert "0, 1, 2 or 3" in info.value.message


@settings(max_examples=200, deadline=None)
@given(st.decimals(min_value=-5, max_value=30, places=3, allow_nan=False, allow_infinity=False))
def test_check_mark_property(value):
    ok = 0 <= value <= 20 and value == value.quantize(D("0.01"))
    if ok:
        assert check_mark(value, MEASURE) == value
        assert to_hundredths(check_mark(value, MEASURE)) * 1 == int(value * 100)
    else:
        with pytest.raises(DomainError):
            check_mark(value, MEASURE)


# --------------------------------------------------------------------------- aggregators


@pytest.mark.parametrize(
    ("values", "expected"),
    [(["8"], Fraction(8)), (["8", "9"], Fraction(17, 2)), (["7", "8", "9.5"], Fraction(49, 6))],
)
def test_mean(values, expected):
    value, issue = agg("mean", values)
    assert issue is None
    assert abs(Fraction(value) - expected) < Fraction(1, 10**35)


def test_trimmed_mean_drops_one_highest_and_one_lowest_from_five_judges():
    # drop one 10 and one 2: mean of 5, 6, 10
    assert agg("trimmed_mean", ["10", "2", "5", "6", "10"]) == (D(7), None)


def test_trimmed_mean_drops_only_one_copy_of_repeated_extremes():
    value, _ = agg("trimmed_mean", ["9", "9", "9", "1", "1"])
    assert str(value) == "6." + "3" * 39  # 19/3 to 40 significant digits


def test_trimmed_mean_with_fewer_judges_than_threshold_is_plain_mean():
    assert agg("trimmed_mean", ["10", "2", "6", "6"]) == (D(6), None)


def test_trimmed_mean_threshold_is_configurable():
    config = ScoringConfig(trim_min_judges=3)
    assert agg("trimmed_mean", ["10", "2", "7"], config=config) == (D(7), None)
    assert agg("trimmed_mean", ["10", "2"], config=config) == (D(6), None)


def test_trimmed_mean_threshold_must_leave_marks():
    with pytest.raises(DomainError):
        ScoringConfig(trim_min_judges=2)


@pytest.mark.parametrize(
    ("values", "expected"),
    [(["5"], D(5)), (["9", "1", "5"], D(5)), (["1", "2", "3", "10"], D("2.5")),
     (["4", "4", "8", "8"], D(6))],
)
def test_median(values, expected):
    assert agg("median", values) == (expected, None)


def test_judgement_scales_mean_of_0_to_3_to_max_marks():
    criterion = Criterion("j", D(6), "judgement")
    assert agg("judgement", ["3", "3", "3"], criterion) == (D(6), None)
    assert agg("judgement", ["0", "0"], criterion) == (D(0), None)
    value, issue = agg("judgement", ["2", "3", "2"], criterion)
    assert issue is None  # mean 7/3, scaled: 7/3 / 3 * 6 = 14/3
    assert abs(Fraction(value) - Fraction(14, 3)) < Fraction(1, 10**35)


def test_judgement_spread_of_one_is_not_flagged_but_two_is():
    criterion = Criterion("j", D(3), "judgement", name="美观")
    assert agg("judgement", ["1", "2", "2"], criterion)[1] is None
    value, issue = agg("judgement", ["1", "3", "2"], criterion)
    assert value == D(2)
    assert issue.code == "judgement_spread"
    assert issue.params == {"criterion": "美观", "low": D(1), "high": D(3), "limit": 1}
    assert "range from 1 to 3" in issue.message % issue.params


def test_judgement_spread_limit_configurable():
    criterion = Criterion("j", D(3), "judgement")
    assert agg("judgement", ["1", "2"], criterion, ScoringConfig(judgement_spread_limit=0))[1]


def test_measurement_agreeing_judges():
    assert agg("measurement", ["7.5", "7.50", "7.5"]) == (D("7.5"), None)


def test_measurement_conflict_flagged_with_median_value():
    value, issue = agg("measurement", ["7", "8", "7"])
    assert value == D(7)
    assert issue.code == "measurement_conflict"
    assert issue.params["values"] == "7, 8"


def test_registry_names():
    assert set(AGGREGATORS) == {"mean", "trimmed_mean", "median", "judgement", "measurement"}
    for function in AGGREGATORS.values():
        assert function.__doc__ and len(function.__doc__) > 40


marks_lists = st.lists(
    st.integers(min_value=0, max_value=10000).map(from_hundredths), min_size=1, max_size=9
)


@settings(max_examples=150, deadline=None)
@given(marks_lists, st.sampled_from(["mean", "trimmed_mean", "median", "measurement"]))
def test_aggregates_lie_between_min_and_max_and_are_permutation_invariant(values, name):
    criterion = Criterion("c", D(100))
    value, _ = run(name, values, criterion)
    assert min(values) <= value <= max(values)
    shuffled = list(values)
    random.Random(len(values)).shuffle(shuffled)
    assert run(name, shuffled, criterion)[0] == value


@settings(max_examples=150, deadline=None)
@given(marks_lists)
def test_trimmed_mean_against_reference(values):
    value, _ = run("trimmed_mean", values, Criterion("c", D(100)))
    ordered = sorted(Fraction(v) for v in values)
    kept = ordered[1:-1] if len(ordered) >= 5 else ordered
    assert abs(Fraction(value) - sum(kept) / len(kept)) < Fraction(1, 10**30)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=3), min_size=1, max_size=7))
def test_judgement_property(values):
    criterion = Criterion("j", D("7.5"), "judgement")
    value, issue = run("judgement", [D(v) for v in values], criterion)
    expected = Fraction(sum(values), len(values)) / 3 * Fraction(15, 2)
    assert abs(Fraction(value) - expected) < Fraction(1, 10**30)
    assert (issue is not None) == (max(values) - min(values) > 1)
    assert 0 <= value <= D("7.5")


# --------------------------------------------------------------------------- rubric


def test_rubric_weights_must_sum_to_100():
    with pytest.raises(DomainError, match="sum to 100"):
        Rubric((Component("a", D(30), (Criterion("c", D(1)),)),
                Component("b", D(60), (Criterion("d", D(1)),))))


@pytest.mark.parametrize(
    "components",
    [
        (),
        (Component("a", D(100), ()),),
        (Component("a", D(100), (Criterion("c", D(0)),)),),
        (Component("a", D(100), (Criterion("c", D("1.234")),)),),
        (Component("a", D(100), (Criterion("c", D(1)), Criterion("c", D(1)))),),
        (Component("a", D(50), (Criterion("c", D(1)),)), Component("a", D(50), (Criterion("d", D(1)),))),
        (Component("a", D(100), (Criterion("c", D(1)),), "average"),),
        (Component("a", D(100), (Criterion("c", D(1), "judgement", "mean"),)),),
        (Component("a", D(100), (Criterion("c", D(1), "measurement", "judgement"),)),),
        (Component("a", D(100), (Criterion("c", D(1), "guess"),)),),
        (Component("a", D(100), (Criterion("c", 1.0),)),),  # type: ignore[arg-type]
        (Component("a", 100.0, (Criterion("c", D(1)),)),),  # type: ignore[arg-type]
        (Component("a", D(110), (Criterion("c", D(1)),)), Component("b", D(-10), (Criterion("d", D(1)),))),
    ],
)
def test_rubric_refuses_invalid(components):
    with pytest.raises(DomainError):
        Rubric(components)


# --------------------------------------------------------------------------- event results


def theory_practical() -> Rubric:
    return Rubric((
        Component("theory", D(30), (Criterion("t1", D(60)), Criterion("t2", D(40))), "measurement"),
        Component(
            "practical", D(70),
            (Criterion("p1", D(30)), Criterion("p2", D(10)), Criterion("p3", D(6), "judgement")),
            "trimmed_mean",
        ),
    ))


def test_compute_event_results_worked_example():
    marks = [Mark(j, "E1", "t1", D("51.5")) for j in "ABCDE"]
    marks += [Mark(j, "E1", "t2", D(30)) for j in "ABCDE"]
    marks += [Mark(j, "E1", "p1", D(v)) for j, v in zip("ABCDE", ["20", "25", "22", "28", "21"], strict=True)]
    marks += [Mark(j, "E1", "p2", D(v)) for j, v in zip("ABCDE", ["8", "8", "9", "7", "8"], strict=True)]
    marks += [Mark(j, "E1", "p3", D(v)) for j, v in zip("ABCDE", ["2", "2", "3", "2", "3"], strict=True)]
    result = compute_event_results(theory_practical(), marks)["E1"]
    # theory: 51.5 + 30 = 81.5 / 100 * 30 = 24.45
    # practical: p1 trimmed (20,21,22,25,28 -> 21,22,25) = 68/3; p2 (7,8,8,8,9 -> 8) = 8;
    #            p3 mean 12/5 /3 * 6 = 4.8 ; total = 68/3 + 12.8 = 106.4/3 = 35.4666...
    #            / 46 * 70 = 53.9710...
    assert result.criterion_values["p3"] == D("4.8")
    assert result.component_totals == {"theory": D("81.50"), "practical": D("35.47")}
    exact = Fraction(163, 200) * 30 + (Fraction(68, 3) + Fraction(64, 5)) / 46 * 70
    assert result.total == D("78.42")
    assert abs(Fraction(result.total) - exact) <= Fraction(1, 200)
    assert result.flags == ()


def test_compute_event_results_flags_and_missing_criteria():
    marks = [
        Mark("A", "E1", "t1", D(50)), Mark("B", "E1", "t1", D(51)),  # measurement conflict
        Mark("A", "E1", "p3", D(0)), Mark("B", "E1", "p3", D(3)),  # judgement spread
    ]
    result = compute_event_results(theory_practical(), marks)["E1"]
    codes = {(f.criterion_id, f.code) for f in result.flags}
    assert codes == {
        ("t1", "measurement_conflict"), ("p3", "judgement_spread"),
        ("t2", "no_marks"), ("p1", "no_marks"), ("p2", "no_marks"),
    }
    assert result.criterion_values["t2"] == 0
    assert result.criterion_values["t1"] == D("50.5")


def test_compute_event_results_unknown_criterion_refused():
    with pytest.raises(DomainError, match="not in the rubric"):
        compute_event_results(theory_practical(), [Mark("A", "E1", "zz", D(1))])


def test_compute_event_results_rounds_half_up_with_configurable_places():
    rubric = single_rubric(max_marks=D(100))
    marks = [Mark("A", "E", "c", D("80.12")), Mark("B", "E", "c", D("80.13"))]  # mean 80.125
    assert compute_event_results(rubric, marks)["E"].total == D("80.13")
    assert compute_event_results(rubric, marks, ScoringConfig(places=1))["E"].total == D("80.1")
    assert compute_event_results(rubric, marks, ScoringConfig(places=0))["E"].total == D("80")
    assert str(compute_event_results(rubric, marks, ScoringConfig(places=3))["E"].total) == "80.125"


def test_exact_half_from_non_terminating_quotients_rounds_up():
    # Three criteria with value 0.01/3 each (non-terminating) and one with 0.005: the exact component
    # total is 0.015 and the event total 0.015 / 4 x 100 = 0.375, which must round half-up to 0.38.
    # At 40 digits the thirds sum to 0.00999...9, so without the snap step this would give 0.37.
    rubric = Rubric((Component("a", D(100), tuple(Criterion(c, D(1)) for c in "abcd")),))
    marks = [Mark(j, "E", c, D(v)) for c in "abc" for j, v in zip("ABC", ["0", "0", "0.01"], strict=True)]
    marks += [Mark("A", "E", "d", D("0.01")), Mark("B", "E", "d", D(0))]
    result = compute_event_results(rubric, marks)["E"]
    assert result.total == D("0.38")
    assert result.component_totals["a"] == D("0.02")  # 0.015 half-up
    assert compute_event_results(rubric, marks, ScoringConfig(places=3))["E"].total == D("0.375")


def test_exact_half_with_sevenths_and_ninths_rounds_up():
    # Found by search: the exact total is 0.985; a plain 40-digit computation yields 0.98499...
    rubric = Rubric((
        Component("a", D(30), (Criterion("a1", D(7)), Criterion("a2", D(3)))),
        Component("b", D(70), (Criterion("b1", D(9)),)),
    ))
    hundredths = {"a1": [2, 20, 14, 4, 5, 2], "a2": [10, 5, 8, 6, 0, 0, 6], "b1": [9, 2, 5, 15, 4, 12, 7]}
    marks = [Mark(j, "E", c, from_hundredths(v)) for c, vs in hundredths.items() for j, v in enumerate(vs)]
    exact = (Fraction(47, 600) + Fraction(35, 700)) / 10 * 30 + Fraction(54, 700) / 9 * 70
    assert exact == Fraction(985, 1000)
    assert compute_event_results(rubric, marks)["E"].total == D("0.99")


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 3000), st.integers(0, 700), st.integers(0, 3)),
        min_size=1, max_size=6,
    ),
    st.sampled_from(["mean", "trimmed_mean", "median"]),
    st.integers(0, 3),
)
def test_event_total_against_fraction_reference(judge_marks, aggregation, places):
    rubric = Rubric((
        Component("a", D(35), (Criterion("a1", D(30)), Criterion("a2", D(7))), aggregation),
        Component("b", D(65), (Criterion("b1", D(3), "judgement"),)),
    ))
    marks = []
    for j, (a1, a2, b1) in enumerate(judge_marks):
        marks += [Mark(j, "E", "a1", from_hundredths(a1)), Mark(j, "E", "a2", from_hundredths(a2)),
                  Mark(j, "E", "b1", D(b1))]
    result = compute_event_results(rubric, marks, ScoringConfig(places=places))["E"]

    def reference(values):
        values = sorted(Fraction(v, 100) for v in values)
        n = len(values)
        if aggregation == "mean" or (aggregation == "trimmed_mean" and n < 5):
            return sum(values) / n
        if aggregation == "trimmed_mean":
            return sum(values[1:-1]) / (n - 2)
        return values[n // 2] if n % 2 else (values[n // 2 - 1] + values[n // 2]) / 2

    a = reference([m[0] for m in judge_marks]) + reference([m[1] for m in judge_marks])
    b = Fraction(sum(m[2] for m in judge_marks), len(judge_marks)) / 3 * 3
    exact = a / 37 * 35 + b / 3 * 65
    scale = 10**places
    scaled = exact * scale
    expected = (scaled.numerator * 2 + scaled.denominator) // (2 * scaled.denominator)  # half up
    assert result.total == D(expected).scaleb(-places)


def a_hair_below_half():
    """Marks whose exact event total lies 4.2e-19 below 40.015 (12 criteria marked by 7, 9, 11 … 43 judges,
    so the total's denominator exceeds 10^18): built with the Chinese remainder theorem, checked exactly."""
    judges = [7, 9, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43]
    big = 1
    for j in judges:
        big *= j
    boundary = Fraction(8003, 200)  # 40.015
    target = boundary * 120  # the sum of the criterion means (in hundredths / 100) times 120 / 100
    numerator = -(-target.numerator * big // target.denominator) - 1  # the largest N with N / big < target
    residues = [numerator * pow(big // j, -1, j) % j for j in judges]
    whole = (numerator - sum(r * (big // j) for r, j in zip(residues, judges, strict=True))) // big
    shares = [whole // len(judges)] * len(judges)
    shares[0] += whole - sum(shares)
    rubric = Rubric((Component("a", D(100), tuple(Criterion(f"c{k}", D(10)) for k in range(12))),))
    marks = []
    for k, (r, j, share) in enumerate(zip(residues, judges, shares, strict=True)):
        q, rem = divmod(r + j * share, j)
        marks += [Mark(i, "E", f"c{k}", from_hundredths(q + (1 if i < rem else 0))) for i in range(j)]
    exact = sum(
        (Fraction(sum(to_hundredths(m.value) for m in marks if m.criterion_id == f"c{k}"), 100 * j)
         for k, j in enumerate(judges)), Fraction(0)) * 100 / 120
    return rubric, marks, exact, boundary


def test_total_a_hair_below_half_rounds_down():
    rubric, marks, exact, boundary = a_hair_below_half()
    assert 0 < boundary - exact < Fraction(5, 10**19)
    assert compute_event_results(rubric, marks)["E"].total == D("40.01")
    assert compute_event_results(rubric, marks, ScoringConfig(places=3))["E"].total == D("40.015")


def exact_reference(components, marks_by_criterion, places):
    """Independent reference: the rubric's formula in Fractions, rounded half-up once."""
    total = Fraction(0)
    for weight, maxima, aggregation in components:
        component_total = Fraction(0)
        for key, _ in maxima:
            values = sorted(Fraction(v, 100) for v in marks_by_criterion[key])
            n = len(values)
            if aggregation == "median":
                value = values[n // 2] if n % 2 else (values[n // 2 - 1] + values[n // 2]) / 2
            elif aggregation == "trimmed_mean" and n >= 5:
                value = sum(values[1:-1]) / (n - 2)
            else:
                value = sum(values) / n
            component_total += value
        total += component_total * weight / sum(Fraction(m, 100) for _, m in maxima)
    scaled = total * 10**places
    return D((scaled.numerator * 2 + scaled.denominator) // (2 * scaled.denominator)).scaleb(-places)


@st.composite
def weighted_rubrics(draw):
    count = draw(st.integers(1, 4))
    cuts = sorted(draw(st.lists(st.integers(1, 99), min_size=count - 1, max_size=count - 1, unique=True)))
    weights = [b - a for a, b in zip([0, *cuts], [*cuts, 100], strict=True)]
    components, marks = [], {}
    for c, weight in enumerate(weights):
        maxima = []
        for k in range(draw(st.integers(1, 3))):
            key = f"c{c}-{k}"
            maximum = draw(st.integers(1, 10_000))  # hundredths, e.g. 99.91
            judges = draw(st.sampled_from([1, 2, 3, 4, 5, 6, 7, 9, 11, 13]))
            marks[key] = draw(st.lists(st.integers(0, maximum), min_size=judges, max_size=judges))
            maxima.append((key, maximum))
        components.append((weight, maxima, draw(st.sampled_from(["mean", "trimmed_mean", "median"]))))
    return components, marks


@settings(max_examples=150, deadline=None)
@given(weighted_rubrics(), st.integers(0, 3))
def test_event_total_is_the_exact_total_rounded_half_up_once(case, places):
    components, marks_by_criterion = case
    rubric = Rubric(tuple(
        Component(f"comp{c}", D(weight), tuple(Criterion(key, from_hundredths(m)) for key, m in maxima), aggregation)
        for c, (weight, maxima, aggregation) in enumerate(components)
    ))
    marks = [Mark(j, "E", key, from_hundredths(v)) for key, values in marks_by_criterion.items()
             for j, v in enumerate(values)]
    result = compute_event_results(rubric, marks, ScoringConfig(places=places))["E"]
    assert result.total == exact_reference(components, marks_by_criterion, places)


def synthetic_event(entries=10_000, judges=5, seed=7):
    rnd = random.Random(seed)
    rubric = Rubric((
        Component("theory", D(30), tuple(Criterion(f"t{i}", D(10)) for i in range(4)), "trimmed_mean"),
        Component("practical", D(70), tuple(
            Criterion(f"p{i}", D(10), "judgement" if i < 2 else "measurement") for i in range(6)
        ), "mean"),
    ))
    marks = [
        Mark(j, e, c.id, D(rnd.randint(0, 3)) if c.kind == "judgement"
             else from_hundredths(rnd.randint(0, 1000)))
        for e in range(entries) for j in range(judges) for c in rubric.criteria
    ]
    return rubric, marks


def test_compute_event_results_scale():
    """10,000 entries go through (speed is measured in bench/ranking.py, not asserted here)."""
    rubric, marks = synthetic_event()
    results = compute_event_results(rubric, marks)
    assert len(results) == 10_000
    assert all(len(r.criterion_values) == 10 for r in results.values())
    # Its speed is measured by bench/domain_scale.py, not here.


# --------------------------------------------------------------------------- completeness


def test_completeness_lists_missing_unexpected_and_duplicates():
    rubric = theory_practical()
    criteria = [c.id for c in rubric.criteria]
    marks = [Mark(j, e, c, D(1)) for e in ("E1", "E2") for j in ("A", "B") for c in criteria]
    marks.remove(Mark("B", "E2", "p2", D(1)))
    marks.append(Mark("A", "E1", "t1", D(2)))  # duplicate
    marks.append(Mark("Z", "E1", "t1", D(2)))  # unassigned judge
    marks.append(Mark("A", "E9", "t1", D(2)))  # unknown entry
    report = completeness_report(rubric, ["A", "B"], ["E1", "E2", "E3"], marks)
    assert report.expected == 3 * 2 * 5
    assert report.present == 19
    missing = {(m.judge_id, m.entry_id, m.criterion_id) for m in report.missing}
    assert missing == {("B", "E2", "p2")} | {(j, "E3", c) for j in "AB" for c in criteria}
    assert len(report.unexpected) == 2 and len(report.duplicates) == 1
    assert not report.complete


def test_completeness_respects_conflict_of_interest_exemptions():
    rubric = single_rubric()
    marks = [Mark("A", "E1", "c", D(1)), Mark("B", "E2", "c", D(1)), Mark("B", "E1", "c", D(1))]
    report = completeness_report(rubric, ["A", "B"], ["E1", "E2"], marks, exempt={("A", "E2"), ("B", "E1")})
    assert report.missing == ()
    assert report.unexpected == (Mark("B", "E1", "c", D(1)),)  # an exempt judge must not score
    assert report.expected == 2


def test_completeness_complete():
    rubric = single_rubric()
    report = completeness_report(rubric, ["A"], ["E1"], [Mark("A", "E1", "c", D(1))])
    assert report.complete and report.expected == report.present == 1


def test_completeness_scale():
    rubric, marks = synthetic_event()
    del marks[::997]
    report = completeness_report(rubric, range(5), range(10_000), marks)
    assert len(report.missing) == len(range(0, 500_000, 997))
    # Its speed is measured by bench/domain_scale.py, not here.
