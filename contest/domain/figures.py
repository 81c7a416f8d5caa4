"""Reported figures (自评数据): what a unit reports about its year in a 安康杯 or 立功竞赛 self-assessment.

One catalogue, shared by the self-assessment (the unit enters each figure, with evidence files), the indicator
sheet (a ``ratio`` indicator names two figures: training hours per worker is ``training_hours`` over
``workers``) and the coverage table (hazards corrected, proposals adopted).

The rules, exactly:

- a figure is a number of at least 0; a figure whose ``integral`` is true is a whole number (a count), the
  others have at most two decimal places (hours);
- a figure the unit left empty is "not reported" (``None``), which is not the same as 0;
- ``corrected`` never exceeds ``found`` and ``adopted`` never exceeds ``made`` (``PAIRS``: a pair whose
  second figure is larger is refused with the names of both).

Labels are English msgids (``N_``), translated where they are shown. Pure Python: no Flask, no SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from contest.domain.errors import N_, DomainError

__all__ = ["FIGURES", "PAIRS", "Figure", "check_figures", "figure", "parse_figure"]

MAX_FIGURE = Decimal("9999999.99")


@dataclass(frozen=True)
class Figure:
    key: str
    label: str  # an English msgid
    unit: str  # an English msgid: "people", "hours", "times" …
    integral: bool = True


#: Every figure a unit may report, in the order the self-assessment form shows them.
FIGURES: tuple[Figure, ...] = (
    Figure("workers", N_("Workers"), N_("people")),
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
        raise DomainError(N_("%(figure)s must be a number."), figure=f.label) from None
    if not value.is_finite() or value < 0 or value > MAX_FIGURE:
        raise DomainError(N_("%(figure)s must be between 0 and 9,999,999.99."), figure=f.label)
    if f.integral and value != value.to_integral_value():
        raise DomainError(N_("%(figure)s must be a whole number."), figure=f.label)
    if value.as_tuple().exponent < -2:
        raise DomainError(N_("%(figure)s has at most two decimal places."), figure=f.label)
    return value


def check_figures(values: Mapping[str, Decimal | None]) -> None:
    """Refuse a set of figures that contradicts itself (``PAIRS``) or names an unknown figure."""
    for key in values:
        figure(key)
    for smaller, larger in PAIRS:
        a, b = values.get(smaller), values.get(larger)
        if a is not None and b is not None and a > b:
            raise DomainError(N_("%(smaller)s cannot be more than %(larger)s."),
                              smaller=_BY_KEY[smaller].label, larger=_BY_KEY[larger].label)
