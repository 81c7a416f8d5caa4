"""The figures a unit reports (``contest.domain.figures``): parsing, pairs, whole forms, missing figures, the
exact stored text, and the shown state of a self-assessment."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contest.domain.errors import DomainError, FieldError, InvalidItems, Msg
from contest.domain.figures import (
    FIGURE_KEYS,
    FIGURES,
    PAIRS,
    AssessmentState,
    assessment_state,
    check_figures,
    figure_text,
    missing_figures,
    parse_figure,
    read_figures,
    stored_figures,
)


@pytest.mark.parametrize("text, value", [("12", Decimal(12)), (" 3 ", Decimal(3)), ("0", Decimal(0)), ("", None), ("  ", None),
                                         (None, None), ("1E+2", Decimal(100)), ("9999999", Decimal(9999999))])
def test_counts_parse(text, value):
    assert parse_figure("workers", text) == value


@pytest.mark.parametrize("text, words", [("abc", "number"), ("1.5", "whole"), ("-1", "between"), ("NaN", "between"),
                                         ("Infinity", "between"), ("10000000", "between"), ("1,000", "number")])
def test_bad_counts_are_refused_naming_the_figure(text, words):
    with pytest.raises(DomainError, match=words) as refused:
        parse_figure("workers", text)
    assert isinstance(refused.value.params["figure"], Msg) and refused.value.params["figure"] == "Number of workers"


def test_hours_take_two_decimals_at_most():
    assert parse_figure("training_hours", "960.50") == Decimal("960.50")
    with pytest.raises(DomainError, match="two decimal places"):
        parse_figure("training_hours", "1.005")


def test_unknown_figures_are_refused():
    with pytest.raises(DomainError, match="Unknown figure"):
        parse_figure("salary", "1")
    with pytest.raises(DomainError, match="Unknown figure"):
        check_figures({"salary": Decimal(1)})


@pytest.mark.parametrize("smaller, larger", PAIRS)
def test_a_pair_whose_first_figure_is_larger_is_refused_beside_it(smaller, larger):
    check_figures({smaller: Decimal(3), larger: Decimal(3)})
    check_figures({smaller: Decimal(4)})  # the other one not reported: nothing to compare
    with pytest.raises(FieldError) as refused:
        check_figures({smaller: Decimal(4), larger: Decimal(3)})
    assert refused.value.field == smaller


def test_a_form_is_read_whole_and_every_bad_field_is_reported():
    with pytest.raises(InvalidItems) as refused:
        read_figures({"workers": "x", "incidents": "0.5", "training_hours": "12.5", "hazards_found": ""})
    assert [d["field"] for d in refused.value.details] == ["workers", "incidents"]
    assert read_figures({"workers": "10", "training_hours": "12.5", "hazards_found": ""}) == {"workers": 10, "training_hours": Decimal("12.5")}
    with pytest.raises(FieldError):  # fields fine one by one, contradicting together
        read_figures({"proposals_made": "2", "proposals_adopted": "3"})


def test_missing_figures_in_catalogue_order():
    assert missing_figures({}) == list(FIGURE_KEYS)
    assert missing_figures({"workers": "1"}, ("violations", "workers", "incidents")) == ["incidents", "violations"]
    assert missing_figures({k: "0" for k in FIGURE_KEYS}) == []


@given(st.decimals(min_value=0, max_value=Decimal("9999999.99"), places=2, allow_nan=False, allow_infinity=False))
def test_stored_text_is_exact_and_reads_back(value):
    text = figure_text(value)
    assert "E" not in text and "e" not in text and not text.startswith("-")
    assert Decimal(text) == value
    assert parse_figure("training_hours", text) == value  # the stored text is valid input
    assert stored_figures({"training_hours": text}) == {"training_hours": value}


def test_stored_text_examples():
    assert [figure_text(Decimal(t)) for t in ("960.50", "100", "1E+2", "0.00", "-0", "7.05")] == ["960.5", "100", "100", "0", "0", "7.05"]
    assert stored_figures({"workers": "3", "retired_figure": "9", "incidents": ""}) == {"workers": Decimal(3)}


def test_every_figure_has_a_label_and_a_unit():
    assert len({f.key for f in FIGURES}) == len(FIGURES) and all(f.label and f.unit for f in FIGURES)


def test_the_shown_state():
    assert assessment_state(None, False) == AssessmentState.NOT_STARTED
    assert assessment_state("draft", False) == AssessmentState.DRAFT
    assert assessment_state("submitted", False) == AssessmentState.SUBMITTED
    assert assessment_state("submitted", True) == assessment_state(None, True) == AssessmentState.LOCKED
