"""Scoring types (评分类型): the kinds of mark a rubric criterion takes, registered in one place.

Pure domain (no Flask, no SQLAlchemy); may be imported by every layer. Each :class:`ScoringType` says

* how a judge enters one mark on the tablet (:class:`Control`: the input kind, the widget — a number field, a
  stepper or one button per value —, the step, the range — the upper end either fixed or the criterion's
  maximum marks —, for a choice the values offered and how each is shown, and the hint beside the control);
* whether the judge writes a note with the mark, and from which mark on it is required (:class:`Note`: a
  veto's reason);
* how the judges' marks of one (entry, criterion) are combined: a fixed aggregation rule from
  ``domain.scoring.AGGREGATORS`` (``judgement``), or ``None`` for "the criterion's own rule, else its
  component's" (``measurement``).

The registry today:

* ``measurement`` — objective marks on the scale 0 … max marks, any value with at most two decimals, typed in
  a number field; aggregated by the criterion's or the component's rule (mean, trimmed mean, median,
  measurement).
* ``judgement`` — WorldSkills judgement: each judge chooses 0, 1, 2 or 3 (four buttons); always aggregated by
  ``judgement`` (mean / 3 × max marks, spread above the limit flagged).

* ``occurrences`` — (issue 14, indicator sheets) a whole count of occurrences, 0 … 999, typed with a stepper,
  with an optional note (what was found): uncorrected hazards for a deduction, adopted proposals for a bonus. The points follow from the sheet
  (``domain.indicators``), not from the count itself.
* ``veto`` — (issue 14) 一票否决: 0 (not hit) or 1 (hit; the reason is the score's note, required for a hit).

For both, the marks of several inspectors of one unit are combined by the indicator sheet itself
(``domain.indicators.combine_marks``: the median count, rounded half up; a veto hit by any inspector), so
the types name no aggregation rule; where a rubric view aggregates them (the judges' scores page) the
component's rule applies. Neither is offered when an organiser adds a criterion to a rubric by hand
(``in_rubric_form``): an indicator sheet creates them.

Every text (labels, hints, notes) is an English msgid marked with ``N_``; :meth:`ScoringType.control_json`
takes the web layer's ``gettext`` to translate them, so the tablet renders the control from data and never
asks which kind it holds.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from contest.domain.errors import N_, DomainError

__all__ = ["SCORING_TYPES", "Control", "Note", "ScoringType", "register", "scoring_type"]

InputKind = Literal["decimal", "integer", "choice"]
Widget = Literal["number", "stepper", "buttons"]
#: ``gettext``-like: ``translate(msgid, **params)`` → the text in the user's language, formatted.
Translate = Callable[..., str]


@dataclass(frozen=True, slots=True)
class Control:
    """The tablet control of one mark: ``input`` is ``decimal`` (a number field, ``step`` 0.01),
    ``integer`` (a number field, ``step`` 1) or ``choice`` (one button per value of ``choices``).
    ``minimum`` is fixed; ``maximum`` is fixed when given, else the criterion's maximum marks.

    How it looks: ``stepper`` puts − and + beside a number field; ``labels`` (msgids, one per choice) are
    what the buttons say instead of the values; ``hint`` (a msgid, ``%(max)s`` the upper end) is shown beside
    the criterion's name and, for a choice, when a value is not one of the choices."""

    input: InputKind
    step: Decimal
    minimum: Decimal = Decimal(0)
    maximum: Decimal | None = None
    choices: tuple[Decimal, ...] = ()
    stepper: bool = False
    labels: tuple[str, ...] = ()
    hint: str = N_("max. %(max)s")

    def __post_init__(self) -> None:
        if self.labels and len(self.labels) != len(self.choices):
            raise ValueError("a control's labels name its choices, one each")
        if self.stepper and self.input != "integer":
            raise ValueError("a stepper counts whole numbers")

    @property
    def widget(self) -> Widget:
        """``buttons`` (a choice), ``stepper`` (− count +) or ``number`` (a number field)."""
        return "buttons" if self.input == "choice" else "stepper" if self.stepper else "number"

    def upper(self, max_marks: Decimal) -> Decimal:
        """The highest mark a judge may enter on a criterion of ``max_marks``."""
        return self.maximum if self.maximum is not None else max_marks

    def as_json(self, max_marks: Decimal) -> dict:
        """The control as the score sheet sends it to the tablet (numbers as plain decimal strings)."""
        return {"input": self.input, "step": _text(self.step), "min": _text(self.minimum),
                "max": _text(self.upper(max_marks)), "choices": [_text(c) for c in self.choices]}


@dataclass(frozen=True, slots=True)
class Note:
    """The note a judge writes with a mark (what was found; a veto's reason), stored as the score's note:
    the field's ``label`` and ``placeholder`` (msgids), and ``required_from``, the lowest mark that needs a
    note (``None``: never required), with ``missing``, the message when it is left out."""

    label: str
    placeholder: str
    required_from: Decimal | None = None
    missing: str = ""

    def __post_init__(self) -> None:
        if self.required_from is not None and not self.missing:
            raise ValueError("a required note needs the message that asks for it")

    def required(self, value: Decimal) -> bool:
        """Whether a mark of ``value`` needs a note: from ``required_from`` on."""
        return self.required_from is not None and value >= self.required_from

    def as_json(self, translate: Translate) -> dict:
        return {"label": translate(self.label), "placeholder": translate(self.placeholder),
                "required_from": None if self.required_from is None else _text(self.required_from),
                "missing": translate(self.missing) if self.missing else ""}


def _text(value: Decimal) -> str:
    """``Decimal("0.01")`` → ``"0.01"``, ``Decimal("3")`` → ``"3"``, ``Decimal("10.50")`` → ``"10.50"``."""
    return format(value, "f")


@dataclass(frozen=True, slots=True)
class ScoringType:
    """One kind of mark. ``aggregation`` is the fixed aggregation rule of every criterion of this type, or
    ``None`` when the criterion's (else its component's) rule applies; ``owns_aggregation``: no criterion of
    another type may use that rule. ``label`` is an English msgid. ``note``: the note written with a mark
    (``None``: none). ``in_rubric_form``: offered when an organiser adds a criterion to a rubric by hand."""

    name: str
    label: str
    control: Control
    aggregation: str | None = None
    owns_aggregation: bool = False  # the rule is this type's alone (``judgement``): no other criterion may use it
    options: Mapping[str, object] = field(default_factory=dict)
    note: Note | None = None
    in_rubric_form: bool = True

    @property
    def integral(self) -> bool:
        """Whether every mark is a whole number (the step is 1 or a choice of whole numbers)."""
        return self.control.step == self.control.step.to_integral_value()

    def note_required(self, value: Decimal) -> bool:
        """Whether a mark of ``value`` must come with a note (a veto hit needs its reason)."""
        return self.note is not None and self.note.required(value)

    @property
    def note_missing(self) -> str:
        """The msgid refusing a mark whose required note is missing."""
        return self.note.missing if self.note is not None else ""

    def control_json(self, max_marks: Decimal, translate: Translate) -> dict:
        """Everything the tablet needs to render and check one mark of a criterion of ``max_marks``, its texts
        translated with ``translate``: :meth:`Control.as_json` and ``widget``, ``hint``, ``labels`` (one per
        choice, empty when the values are shown as they are) and ``note`` (``None``, or its label, placeholder,
        ``required_from`` and ``missing`` message)."""
        control = self.control
        upper = _text(control.upper(max_marks))
        return {**control.as_json(max_marks), "widget": control.widget, "hint": translate(control.hint, max=upper),
                "labels": [translate(label) for label in control.labels],
                "note": self.note.as_json(translate) if self.note is not None else None}


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
    Control("choice", step=Decimal(1), maximum=Decimal(3), choices=tuple(Decimal(v) for v in range(4)),
            hint=N_("Judgement: 0, 1, 2 or 3")),
    aggregation="judgement", owns_aggregation=True,
))
OCCURRENCES = register(ScoringType(
    "occurrences", N_("Occurrences (count)"),
    Control("integer", step=Decimal(1), maximum=Decimal(999), stepper=True, hint=N_("Number of occurrences")),
    note=Note(N_("Note (what was found)"), N_("e.g. 2 blocked fire exits")),
    in_rubric_form=False,
))
VETO = register(ScoringType(
    "veto", N_("Veto (一票否决)"),
    Control("choice", step=Decimal(1), maximum=Decimal(1), choices=(Decimal(0), Decimal(1)),
            labels=(N_("Not hit"), N_("Hit")), hint=N_("Veto item (一票否决)")),
    note=Note(N_("Reason for the veto"), N_("e.g. a fatal accident in March"), required_from=Decimal(1),
              missing=N_("A veto needs its reason.")),
    in_rubric_form=False,
))
