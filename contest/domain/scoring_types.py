"""Scoring types (评分类型): the kinds of mark a rubric criterion takes, registered in one place.

Pure domain (no Flask, no SQLAlchemy); may be imported by every layer. Each :class:`ScoringType` says

* how a judge enters one mark on the tablet (:class:`Control`: the input kind, the step, the range — the
  upper end either fixed or the criterion's maximum marks — and, for a choice, the values offered);
* how the judges' marks of one (entry, criterion) are combined: a fixed aggregation rule from
  ``domain.scoring.AGGREGATORS`` (``judgement``), or ``None`` for "the criterion's own rule, else its
  component's" (``measurement``).

The registry today:

* ``measurement`` — objective marks on the scale 0 … max marks, any value with at most two decimals, typed in
  a number field; aggregated by the criterion's or the component's rule (mean, trimmed mean, median,
  measurement).
* ``judgement`` — WorldSkills judgement: each judge chooses 0, 1, 2 or 3 (four buttons); always aggregated by
  ``judgement`` (mean / 3 × max marks, spread above the limit flagged).

* ``occurrences`` — (issue 14, indicator sheets) a whole count of occurrences, 0 … 999, typed with a stepper:
  uncorrected hazards for a deduction, adopted proposals for a bonus. The points follow from the sheet
  (``domain.indicators``), not from the count itself.
* ``veto`` — (issue 14) 一票否决: 0 (not hit) or 1 (hit; the reason is the score's note).

For both, the marks of several inspectors of one unit are combined by the indicator sheet itself
(``domain.indicators.combine_marks``: the median count, rounded half up; a veto hit by any inspector), so
the types name no aggregation rule; where a rubric view aggregates them (the judges' scores page) the
component's rule applies.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from contest.domain.errors import N_, DomainError

__all__ = ["SCORING_TYPES", "Control", "ScoringType", "register", "scoring_type"]

InputKind = Literal["decimal", "integer", "choice"]


@dataclass(frozen=True, slots=True)
class Control:
    """The tablet control of one mark: ``input`` is ``decimal`` (a number field, ``step`` 0.01),
    ``integer`` (a number field, ``step`` 1) or ``choice`` (one button per value of ``choices``).
    ``minimum`` is fixed; ``maximum`` is fixed when given, else the criterion's maximum marks."""

    input: InputKind
    step: Decimal
    minimum: Decimal = Decimal(0)
    maximum: Decimal | None = None
    choices: tuple[Decimal, ...] = ()

    def upper(self, max_marks: Decimal) -> Decimal:
        """The highest mark a judge may enter on a criterion of ``max_marks``."""
        return self.maximum if self.maximum is not None else max_marks

    def as_json(self, max_marks: Decimal) -> dict:
        """The control as the score sheet sends it to the tablet (numbers as plain decimal strings)."""
        return {"input": self.input, "step": _text(self.step), "min": _text(self.minimum),
                "max": _text(self.upper(max_marks)), "choices": [_text(c) for c in self.choices]}


def _text(value: Decimal) -> str:
    """``Decimal("0.01")`` → ``"0.01"``, ``Decimal("3")`` → ``"3"``, ``Decimal("10.50")`` → ``"10.50"``."""
    return format(value, "f")


@dataclass(frozen=True, slots=True)
class ScoringType:
    """One kind of mark. ``aggregation`` is the fixed aggregation rule of every criterion of this type, or
    ``None`` when the criterion's (else its component's) rule applies; ``owns_aggregation``: no criterion of
    another type may use that rule. ``label`` is an English msgid."""

    name: str
    label: str
    control: Control
    aggregation: str | None = None
    owns_aggregation: bool = False  # the rule is this type's alone (``judgement``): no other criterion may use it
    options: Mapping[str, object] = field(default_factory=dict)

    @property
    def integral(self) -> bool:
        """Whether every mark is a whole number (the step is 1 or a choice of whole numbers)."""
        return self.control.step == self.control.step.to_integral_value()


#: Every scoring type by name: the one place a new kind of mark is registered.
SCORING_TYPES: dict[str, ScoringType] = {}


def register(kind: ScoringType) -> ScoringType:
    """Add a scoring type (refused when its name is taken); returns it."""
    if kind.name in SCORING_TYPES:
        raise ValueError(f"scoring type {kind.name!r} is already registered")
    SCORING_TYPES[kind.name] = kind
    return kind


def scoring_type(name: str) -> ScoringType:
    """The scoring type called ``name``; DomainError for an unknown one."""
    found = SCORING_TYPES.get(str(name))
    if found is None:
        raise DomainError(N_("Unknown criterion kind %(kind)s."), kind=name)
    return found


MEASUREMENT = register(ScoringType(
    "measurement", N_("Measurement (objective)"),
    Control("decimal", step=Decimal("0.01")),
))
JUDGEMENT = register(ScoringType(
    "judgement", N_("Judgement (0–3 per judge)"),
    Control("choice", step=Decimal(1), maximum=Decimal(3), choices=tuple(Decimal(v) for v in range(4))),
    aggregation="judgement", owns_aggregation=True,
))
OCCURRENCES = register(ScoringType(
    "occurrences", N_("Occurrences (count)"),
    Control("integer", step=Decimal(1), maximum=Decimal(999)),
))
VETO = register(ScoringType(
    "veto", N_("Veto (一票否决)"),
    Control("choice", step=Decimal(1), maximum=Decimal(1), choices=(Decimal(0), Decimal(1))),
))
