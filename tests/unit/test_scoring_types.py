"""The scoring-type registry: each kind of mark describes its tablet control and its aggregation, and the
scoring rules (mark checks, effective aggregation, rubric validation) read them from there."""

from __future__ import annotations

from decimal import Decimal

import pytest

from contest.domain import scoring, scoring_types
from contest.domain.errors import DomainError
from contest.domain.scoring_types import SCORING_TYPES, Control, ScoringType, register, scoring_type


def test_todays_kinds_are_registered_with_their_controls():
    assert sorted(SCORING_TYPES) == ["judgement", "measurement", "occurrences", "veto"]
    occurrences, veto = scoring_type("occurrences"), scoring_type("veto")
    assert occurrences.control.as_json(Decimal(999)) == {"input": "integer", "step": "1", "min": "0", "max": "999", "choices": []}
    assert veto.control.as_json(Decimal(1)) == {"input": "choice", "step": "1", "min": "0", "max": "1", "choices": ["0", "1"]}
    assert occurrences.integral and veto.integral
    counted = scoring.Criterion(1, Decimal(999), "occurrences", name="隐患")
    assert scoring.check_mark("3", counted) == Decimal(3)
    with pytest.raises(DomainError, match="whole number"):
        scoring.check_mark("1.5", counted)
    measurement, judgement = scoring_type("measurement"), scoring_type("judgement")
    assert measurement.control.as_json(Decimal("10.50")) == {"input": "decimal", "step": "0.01", "min": "0", "max": "10.50", "choices": []}
    assert judgement.control.as_json(Decimal("10.50")) == {"input": "choice", "step": "1", "min": "0", "max": "3",
                                                           "choices": ["0", "1", "2", "3"]}
    assert (measurement.aggregation, judgement.aggregation) == (None, "judgement")
    assert judgement.integral and not measurement.integral


def test_an_unknown_kind_is_refused():
    with pytest.raises(DomainError, match="Unknown criterion kind"):
        scoring_type("deduction")
    with pytest.raises(ValueError, match="already registered"):
        register(ScoringType("judgement", "again", Control("integer", Decimal(1))))


def test_the_effective_aggregation_comes_from_the_type():
    component = scoring.Component("c", Decimal(100), (), "trimmed_mean")
    assert scoring.effective_aggregation(scoring.Criterion(1, Decimal(5), "judgement"), component) == "judgement"
    assert scoring.effective_aggregation(scoring.Criterion(1, Decimal(5), "measurement"), component) == "trimmed_mean"
    assert scoring.effective_aggregation(scoring.Criterion(1, Decimal(5), "measurement", "median"), component) == "median"


def test_marks_are_checked_against_the_control():
    judged = scoring.Criterion(1, Decimal(5), "judgement", name="安全")
    measured = scoring.Criterion(2, Decimal("10.50"), "measurement", name="操作")
    assert scoring.check_mark("2", judged) == Decimal("2.00")
    for bad in ("4", "1.5", "-1"):
        with pytest.raises(DomainError, match="must be 0, 1, 2 or 3"):
            scoring.check_mark(bad, judged)
    assert scoring.check_mark("10.50", measured) == Decimal("10.50")
    with pytest.raises(DomainError, match="between 0 and"):
        scoring.check_mark("10.51", measured)


def test_a_new_type_is_one_registration(monkeypatch):
    """Room for issue 14: a kind registered in one place gets its control, its fixed rule and its checks."""
    monkeypatch.setitem(SCORING_TYPES, "veto", ScoringType(
        "veto", "Veto", Control("choice", Decimal(1), maximum=Decimal(1), choices=(Decimal(0), Decimal(1))), aggregation="median"))
    veto = scoring.Criterion(3, Decimal(1), "veto", name="一票否决")
    assert scoring.check_mark("1", veto) == Decimal("1.00")
    with pytest.raises(DomainError):
        scoring.check_mark("2", veto)
    component = scoring.Component("c", Decimal(100), (veto,), "mean")
    assert scoring.effective_aggregation(veto, component) == "median"
    scoring.Rubric((component,))  # a valid rubric
    scoring.Rubric((scoring.Component("c", Decimal(100), (scoring.Criterion(5, Decimal(1), "measurement"),), "median"),))  # not owned
    with pytest.raises(DomainError, match="judgement rule applies only"):
        scoring.Rubric((scoring.Component("c", Decimal(100), (scoring.Criterion(4, Decimal(1), "measurement", "judgement"),), "mean"),))
    assert scoring_types.scoring_type("veto").control.as_json(Decimal(1))["choices"] == ["0", "1"]
