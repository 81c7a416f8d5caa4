"""Reported figures (自评数据): what a unit reports about its year in a 安康杯 or 立功竞赛 self-assessment.

One catalogue, shared by the self-assessment (the unit enters each figure, with evidence files), the indicator
sheet (a ``ratio`` indicator names two figures: training hours per worker is ``training_hours`` over
``workers``) and the coverage table (hazards corrected, proposals adopted).

The rules, exactly:

- a figure is a number of at least 0; a figure whose ``integral`` is true is a whole number (a count), the
  others have at most two decimal places (hours);
- a figure the unit left empty is "not reported" (``None``), which is not the same as 0;
- ``corrected`` never exceeds ``found``, ``adopted`` never exceeds ``made`` and health checks never exceed the
  workers (``PAIRS``: a pair whose first figure is larger is refused with the names of both, beside the first);
- a form of figures is read whole (``read_figures``): every field is parsed and every bad one is reported
  (``InvalidItems``, one detail per field), then the pairs are checked; nothing is kept from a refused form;
- a self-assessment is submitted only when every figure the event requires is reported (``missing_figures``;
  by default every figure of ``FIGURES``);
- values are stored as exact decimal text without exponent or trailing zeros (``figure_text``: ``960.50`` is
  ``"960.5"``, ``100`` is ``"100"``) and read back exactly (``stored_figures``).

Labels are English msgids (``N_``), translated where they are shown. Pure Python: no Flask, no SQLAlchemy.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from contest.domain.errors import N_, DomainError, FieldError, InvalidItems, Msg

__all__ = ["FIGURES", "AssessmentState", "assessment_state", "FIGURE_KEYS", "PAIRS", "Figure", "check_figures", "figure", "figure_text", "missing_figures",
           "parse_figure", "read_figures", "stored_figures"]

MAX_FIGURE = Decimal("9999999.99")


@dataclass(frozen=True)
class Figure:
    key: str
    label: str  # an English msgid
    unit: str  # an English msgid: "people", "hours", "times" …
    integral: bool = True


#: Every figure a unit may report, in the order the self-assessment form shows them.
FIGURES: tuple[Figure, ...] = (
    Figure("workers", N_("Number of workers"), N_("people")),
    Figure("training_sessions", N_("Safety training sessions"), N_("sessions")),
    Figure("training_hours", N_("Safety training hours (all workers together)"), N_("hours"), integral=False),
    Figure("hazards_found", N_("Hazards found"), N_("items")),
    Figure("hazards_corrected", N_("Hazards corrected"), N_("items")),
    Figure("proposals_made", N_("Rationalisation proposals made"), N_("items")),
    Figure("proposals_adopted", N_("Rationalisation proposals adopted"), N_("items")),
    Figure("health_checks", N_("Workers given occupational health checks"), N_("people")),
    Figure("incidents", N_("Work accidents"), N_("times")),
    Figure("fatal_accidents", N_("Fatal accidents"), N_("times")),
    Figure("violations", N_("Recorded violations of the three rules (三违)"), N_("times")),
)

_BY_KEY = {f.key: f for f in FIGURES}
FIGURE_KEYS: tuple[str, ...] = tuple(_BY_KEY)

#: (smaller, larger): the first may never exceed the second.
PAIRS: tuple[tuple[str, str], ...] = (
    ("hazards_corrected", "hazards_found"),
    ("proposals_adopted", "proposals_made"),
    ("health_checks", "workers"),
)


def figure(key: str) -> Figure:
    """The figure called ``key``; DomainError for an unknown one."""
    found = _BY_KEY.get(key)
    if found is None:
        raise DomainError(N_("Unknown figure %(key)s."), key=key)
    return found


def parse_figure(key: str, text: str | None) -> Decimal | None:
    """The figure ``key`` as typed (``"12"``, ``" 3.5 "``); ``None`` for an empty field; DomainError for a
    value that is not a number, is negative, is too large, or has a fraction where a count is asked for."""
    f = figure(key)
    if text is None or not str(text).strip():
        return None
    try:
        value = Decimal(str(text).strip())
    except InvalidOperation:
        raise DomainError(N_("%(figure)s must be a number."), figure=Msg(f.label)) from None
    if not value.is_finite() or value < 0 or value > MAX_FIGURE:
        raise DomainError(N_("%(figure)s must be between 0 and 9,999,999.99."), figure=Msg(f.label))
    if f.integral and value != value.to_integral_value():
        raise DomainError(N_("%(figure)s must be a whole number."), figure=Msg(f.label))
    if value.as_tuple().exponent < -2:
        raise DomainError(N_("%(figure)s has at most two decimal places."), figure=Msg(f.label))
    return value


def check_figures(values: Mapping[str, Decimal | None]) -> None:
    """Refuse a set of figures that contradicts itself (``PAIRS``: a ``FieldError`` naming the first figure of
    the pair) or names an unknown figure."""
    for key in values:
        figure(key)
    for smaller, larger in PAIRS:
        a, b = values.get(smaller), values.get(larger)
        if a is not None and b is not None and a > b:
            raise FieldError(smaller, N_("%(smaller)s cannot be more than %(larger)s."),
                             smaller=Msg(_BY_KEY[smaller].label), larger=Msg(_BY_KEY[larger].label))


def read_figures(values: Mapping[str, str | None]) -> dict[str, Decimal]:
    """A whole form of figures as typed (figure key → text): the reported ones as exact decimals (an empty field
    is left out). Every field is parsed first; ``InvalidItems`` lists every bad one (``details``: ``field`` and
    ``message``, a ``DomainError``); then the pairs are checked (``FieldError``). Unknown keys are refused."""
    details: list[dict] = []
    parsed: dict[str, Decimal] = {}
    for key, text in values.items():
        try:
            value = parse_figure(key, text)
        except DomainError as exc:
            details.append({"field": key, "message": exc})
            continue
        if value is not None:
            parsed[key] = value
    if details:
        raise InvalidItems(N_("Some figures are not valid; nothing has been saved."), details)
    check_figures(parsed)
    return parsed


def missing_figures(values: Mapping[str, object], required: tuple[str, ...] = FIGURE_KEYS) -> list[str]:
    """The keys of ``required`` not reported in ``values`` (in catalogue order)."""
    return [f.key for f in FIGURES if f.key in required and values.get(f.key) is None]


def figure_text(value: Decimal) -> str:
    """The stored text of a figure: exact, no exponent, no trailing zeros (``Decimal("960.50")`` → ``"960.5"``)."""
    text = format(abs(value) if value == 0 else value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def stored_figures(stored: Mapping[str, str]) -> dict[str, Decimal]:
    """Figures as stored (key → exact text) read back as decimals; unknown keys are skipped (a figure removed
    from the catalogue after it was reported)."""
    return {key: Decimal(text) for key, text in stored.items() if key in _BY_KEY and text not in (None, "")}


class AssessmentState(str, enum.Enum):
    """Where a unit's self-assessment stands, as shown: nothing reported yet, a draft, submitted, or locked (the
    inspection has started; a locked assessment keeps whatever was submitted, or the unit never submitted)."""

    NOT_STARTED = "not_started"
    DRAFT = "draft"
    SUBMITTED = "submitted"
    LOCKED = "locked"


def assessment_state(status: str | None, locked: bool) -> AssessmentState:
    """The shown state of an assessment whose stored status is ``status`` (None: no row yet)."""
    if locked:
        return AssessmentState.LOCKED
    if status is None:
        return AssessmentState.NOT_STARTED
    return AssessmentState.SUBMITTED if status == "submitted" else AssessmentState.DRAFT
