"""The scoring-type registry: each kind of mark describes its tablet control and its aggregation, and the
scoring rules (mark checks, effective aggregation, rubric validation) read them from there."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contest.domain import scoring, scoring_types
from contest.domain.contests import CriterionKind
from contest.domain.errors import DomainError
from contest.domain.scoring_types import SCORING_TYPES, Control, Note, ScoringType, register, scoring_type


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


# ---------------------------------------------------------------------------------------------- the tablet's description


def plain(message: str, **params) -> str:
    """A stand-in for ``gettext``: the msgid itself, formatted."""
    return message % params if params else message


def test_each_type_describes_its_control_for_the_tablet():
    measurement, judgement, occurrences, veto = (scoring_type(n) for n in ("measurement", "judgement", "occurrences", "veto"))
    assert measurement.control_json(Decimal("40.00"), plain) == {
        "input": "decimal", "step": "0.01", "min": "0", "max": "40.00", "choices": [],
        "widget": "number", "hint": "max. 40.00", "labels": [], "note": None}
    assert judgement.control_json(Decimal(5), plain) == {
        "input": "choice", "step": "1", "min": "0", "max": "3", "choices": ["0", "1", "2", "3"],
        "widget": "buttons", "hint": "Judgement: 0, 1, 2 or 3", "labels": [], "note": None}
    assert occurrences.control_json(Decimal(999), plain) == {
        "input": "integer", "step": "1", "min": "0", "max": "999", "choices": [],
        "widget": "stepper", "hint": "Number of occurrences", "labels": [],
        "note": {"label": "Note (what was found)", "placeholder": "e.g. 2 blocked fire exits", "required_from": None, "missing": ""}}
    assert veto.control_json(Decimal(1), plain) == {
        "input": "choice", "step": "1", "min": "0", "max": "1", "choices": ["0", "1"],
        "widget": "buttons", "hint": "Veto item (一票否决)", "labels": ["Not hit", "Hit"],
        "note": {"label": "Reason for the veto", "placeholder": "e.g. a fatal accident in March", "required_from": "1",
                 "missing": "A veto needs its reason."}}
    # the texts go through the translator given (the web layer's gettext)
    shouted = veto.control_json(Decimal(1), lambda message, **params: plain(message, **params).upper())
    assert shouted["labels"] == ["NOT HIT", "HIT"] and shouted["note"]["missing"] == "A VETO NEEDS ITS REASON."


def test_a_veto_hit_needs_its_reason_and_nothing_else_needs_a_note():
    veto = scoring_type("veto")
    assert veto.note_required(Decimal(1)) and not veto.note_required(Decimal(0))
    assert veto.note_missing == "A veto needs its reason."
    for name in ("measurement", "judgement", "occurrences"):
        kind = scoring_type(name)
        assert not any(kind.note_required(Decimal(v)) for v in range(4)) and kind.note_missing == ""


@settings(max_examples=200, deadline=None)
@given(name=st.sampled_from(sorted(SCORING_TYPES)), max_marks=st.integers(1, 99_999), position=st.integers(0, 10**6))
def test_the_tablet_asks_for_a_note_exactly_when_the_server_does(name, max_marks, position):
    """The tablet reads ``note.required_from`` from the sheet; the server asks ``note_required``: for every mark a
    judge may enter, both say the same."""
    kind = scoring_type(name)
    marks = Decimal(max_marks) / 100
    described = kind.control_json(marks, plain)
    if described["choices"]:
        mark = Decimal(described["choices"][position % len(described["choices"])])
    else:
        top = int(Decimal(described["max"]) / Decimal(described["step"]))
        mark = Decimal(position % (top + 1)) * Decimal(described["step"])
    note = described["note"]
    tablet_asks = note is not None and note["required_from"] is not None and mark >= Decimal(note["required_from"])
    assert tablet_asks == kind.note_required(mark)


def test_a_control_is_described_consistently():
    with pytest.raises(ValueError, match="one each"):
        Control("choice", Decimal(1), choices=(Decimal(0), Decimal(1)), labels=("no",))
    with pytest.raises(ValueError, match="whole numbers"):
        Control("decimal", Decimal("0.01"), stepper=True)
    with pytest.raises(ValueError, match="message"):
        Note("Reason", "e.g.", required_from=Decimal(1))
    assert [Control("decimal", Decimal("0.01")).widget, Control("integer", Decimal(1), stepper=True).widget,
            Control("choice", Decimal(1), choices=(Decimal(0),)).widget] == ["number", "stepper", "buttons"]


def test_every_kind_has_a_label_and_a_stored_value_and_only_rubric_kinds_are_offered_by_hand():
    assert {k.value for k in CriterionKind} == set(SCORING_TYPES)
    assert all(kind.label for kind in SCORING_TYPES.values())
    assert [n for n, kind in SCORING_TYPES.items() if kind.in_rubric_form] == ["measurement", "judgement"]


# ---------------------------------------------------------------------------------------------- one place


TABLET_JS = Path(__file__).resolve().parents[2] / "static" / "js" / "tablet.js"


def test_the_tablet_script_names_no_criterion_kind():
    """tablet.js renders from the control the sheet sends; the kinds live in the registry alone. A string
    literal naming a kind (``"veto"``) or a read of a criterion's ``kind`` would be a second description.
    (``.judgement`` is the style class of every button group, whatever its kind; class names are left out.)"""
    source = TABLET_JS.read_text(encoding="utf-8")
    code = re.sub(r"//[^\n]*", "", source)  # comments may speak of kinds
    code = re.sub(r'className:\s*"[^"]*"', "className: ''", code)
    literals = set(re.findall(r'"([^"\\]*)"', code)) | set(re.findall(r"'([^'\\]*)'", code))
    assert literals & set(SCORING_TYPES) == set()
    assert not re.search(r"\b(c|criterion|crit)\.kind\b", code)
    assert not re.search(r'\[\s*["\']kind["\']\s*\]', code)
