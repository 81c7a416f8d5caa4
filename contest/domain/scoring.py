"""Scoring: mark validation, per-criterion aggregation over judges, component and event totals.

Units and exactness
-------------------
* Every mark and every result in this module is a :class:`~decimal.Decimal`; floats are refused.
* The database stores marks as integer hundredths; convert at the boundary with
  :func:`to_hundredths` and :func:`from_hundredths`. Every function here takes and returns ``Decimal``.
* Intermediate arithmetic runs in a private decimal context with 40 significant digits (independent of
  the caller's thread context). Quotients that do not terminate (a mean of 3 judges, a weight of 30/7)
  therefore carry a representation error far below 10^-30.

Rubric
------
An event's :class:`Rubric` is a tuple of :class:`Component` (e.g. theory, practical), each with a weight
(the weights sum to exactly 100) and a tuple of :class:`Criterion` (each with its max marks and kind).
The aggregation rule of a criterion is chosen from the :data:`AGGREGATORS` registry:

* a ``judgement`` criterion (WorldSkills style, each judge marks an integer 0-3) always uses ``judgement``;
* a ``measurement`` criterion (marks on the scale 0..max marks) uses its own ``aggregation`` when set,
  otherwise its component's ``aggregation`` (``mean``, ``trimmed_mean``, ``median`` or ``measurement``).

Totals
------
* criterion value = the aggregator applied to the marks present for (entry, criterion);
* component total = sum of the component's criterion values;
* event total = sum over components of (component total / component max marks x weight), where
  component max marks = sum of its criteria's max marks;
* exactness and rounding: the event total (and each component total, for display) is the **exact**
  rational value of the formulas above — marks are exact hundredths, a mean of 3 judges is an exact third,
  a weight over a maximum of 99.83 an exact quotient — rounded **once**, **half-up** (away from zero), to
  ``ScoringConfig.places`` decimal places (default 2). A total of exactly x.xx5 becomes x.xx + 0.01; a
  total below x.xx5 by any amount, however small, stays x.xx (39.534999… gives 39.53, never 39.54).
  How: the totals are first computed in a 40-digit Decimal context (fast; each step's error is below
  10^-35 of the value, so the accumulated error is far below 10^-25); whenever such a total lies within
  ``_GUARD`` (10^-20) of a rounding boundary, that entry is recomputed in exact
  :class:`fractions.Fraction` arithmetic and the exact value is rounded instead. The result therefore
  always equals the half-up rounding of the exact rational total (checked against a Fraction reference
  by property tests). Criterion values are returned unrounded (a 40-digit Decimal). The event total is
  computed from the unrounded component totals, never from the rounded ones.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Collection, Hashable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import (
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
    localcontext,
)
from fractions import Fraction
from typing import Literal

from contest.domain.errors import N_, DomainError
from contest.domain.numbers import parse_plain_decimal
from contest.domain.scoring_types import SCORING_TYPES

__all__ = [
    "AGGREGATORS",
    "JUDGEMENT_MAX",
    "Aggregator",
    "CompletenessReport",
    "Component",
    "Criterion",
    "EntryResult",
    "Flag",
    "Issue",
    "Mark",
    "MissingMark",
    "Rubric",
    "SCORING_CONTEXT",
    "ScoringConfig",
    "check_mark",
    "completeness_report",
    "compute_event_results",
    "from_hundredths",
    "to_hundredths",
]

CriterionKind = Literal["measurement", "judgement"]

#: Highest judgement mark (WorldSkills judgement scale 0, 1, 2, 3).
JUDGEMENT_MAX = 3
HUNDREDTH = Decimal("0.01")
ZERO = Decimal(0)
#: Distance from a rounding boundary (in units of the last kept place) below which a Decimal total is
#: recomputed exactly; the 40-digit error is many orders of magnitude smaller.
_GUARD = Decimal("1e-20")
_HALF = Decimal("0.5")
#: Decimal context of every computation here (40 digits, traps on invalid operations).
SCORING_CONTEXT = Context(
    prec=40, rounding=ROUND_HALF_EVEN, traps=[InvalidOperation, DivisionByZero, Overflow]
)


# --------------------------------------------------------------------------- hundredths


def to_hundredths(value: Decimal) -> int:
    """Return ``value`` as an integer number of hundredths (``Decimal("12.5")`` -> ``1250``).

    Raises DomainError when ``value`` is not a finite Decimal or has more than two decimal places
    (a mark is stored exactly, never rounded silently).
    """
    if not isinstance(value, Decimal) or not value.is_finite():
        raise DomainError(N_("%(value)s is not a valid mark."), value=str(value))
    with localcontext(SCORING_CONTEXT):
        scaled = value.scaleb(2)
        if scaled != scaled.to_integral_value():
            raise DomainError(
                N_("A mark has at most two decimal places; got %(value)s."), value=str(value)
            )
        return int(scaled)


def from_hundredths(hundredths: int) -> Decimal:
    """Return the Decimal for an integer number of hundredths (``1250`` -> ``Decimal("12.50")``)."""
    if isinstance(hundredths, bool) or not isinstance(hundredths, int):
        raise TypeError("hundredths must be an int")
    return Decimal(hundredths).scaleb(-2)


# --------------------------------------------------------------------------- rubric


@dataclass(frozen=True, slots=True)
class Criterion:
    """One line of a rubric (评分项). ``max_marks`` > 0 with at most two decimals.

    For a ``judgement`` criterion ``max_marks`` is the weight of the criterion in the component: each
    judge marks 0-3 and the aggregated value is scaled to 0..max_marks.
    """

    id: Hashable
    max_marks: Decimal
    kind: CriterionKind = "measurement"
    aggregation: str | None = None
    name: str = ""

    @property
    def label(self) -> str:
        return self.name or str(self.id)


@dataclass(frozen=True, slots=True)
class Component:
    """A weighted part of an event (e.g. theory 30, practical 70) with its criteria."""

    id: Hashable
    weight: Decimal
    criteria: tuple[Criterion, ...]
    aggregation: str = "mean"
    name: str = ""

    @property
    def max_marks(self) -> Decimal:
        """Sum of the criteria's max marks."""
        return sum((c.max_marks for c in self.criteria), ZERO)


def effective_aggregation(criterion: Criterion, component: Component) -> str:
    """The aggregator name used for ``criterion`` (see the module docstring for the rule): the fixed rule of
    its scoring type (``domain.scoring_types``), else its own, else its component's."""
    kind = SCORING_TYPES.get(criterion.kind)
    if kind is not None and kind.aggregation is not None:
        return kind.aggregation
    return criterion.aggregation or component.aggregation


@dataclass(frozen=True)
class Rubric:
    """An event's components. Validated on construction (raises DomainError):

    * at least one component, each with at least one criterion; component and criterion ids unique;
    * weights are Decimals >= 0 summing to exactly 100;
    * max marks are Decimals > 0 with at most two decimal places;
    * aggregation names exist in :data:`AGGREGATORS`; ``judgement`` is used by, and only by,
      judgement criteria.
    """

    components: tuple[Component, ...]

    def __post_init__(self) -> None:
        if not self.components:
            raise DomainError(N_("A rubric needs at least one component."))
        component_ids: set[Hashable] = set()
        criterion_ids: set[Hashable] = set()
        weight_sum = ZERO
        for component in self.components:
            if component.id in component_ids:
                raise DomainError(N_("Duplicate component %(component)s."), component=component.id)
            component_ids.add(component.id)
            if not component.criteria:
                raise DomainError(
                    N_("Component %(component)s has no criteria."), component=component.id
                )
            if not isinstance(component.weight, Decimal | int) or component.weight < 0:
                raise DomainError(
                    N_("The weight of %(component)s must be a non-negative decimal."),
                    component=component.id,
                )
            weight_sum += component.weight
            for criterion in component.criteria:
                self._check_criterion(criterion, component, criterion_ids)
        if weight_sum != 100:
            raise DomainError(
                N_("Component weights must sum to 100; they sum to %(total)s."), total=weight_sum
            )

    @staticmethod
    def _check_criterion(
        criterion: Criterion, component: Component, seen: set[Hashable]
    ) -> None:
        if criterion.id in seen:
            raise DomainError(N_("Duplicate criterion %(criterion)s."), criterion=criterion.id)
        seen.add(criterion.id)
        m = criterion.max_marks
        if not isinstance(m, Decimal) or not m.is_finite() or m <= 0 or m != m.quantize(HUNDREDTH):
            raise DomainError(
                N_("Max marks of %(criterion)s must be a positive decimal with two places at most."),
                criterion=criterion.label,
            )
        kind = SCORING_TYPES.get(criterion.kind)
        if kind is None:
            raise DomainError(N_("Unknown criterion kind %(kind)s."), kind=criterion.kind)
        name = effective_aggregation(criterion, component)
        if name not in AGGREGATORS or component.aggregation not in AGGREGATORS:
            raise DomainError(N_("Unknown aggregation rule %(rule)s."), rule=name)
        if kind.aggregation is not None and criterion.aggregation not in (None, kind.aggregation):
            raise DomainError(
                N_("Judgement criterion %(criterion)s must use the judgement rule."),
                criterion=criterion.label,
            )
        owned = {t.aggregation for t in SCORING_TYPES.values() if t.owns_aggregation and t is not kind}
        if name in owned:
            raise DomainError(
                N_("The judgement rule applies only to judgement criteria (%(criterion)s)."),
                criterion=criterion.label,
            )

    @property
    def criteria(self) -> tuple[Criterion, ...]:
        """All criteria in rubric order."""
        return tuple(c for component in self.components for c in component.criteria)


@dataclass(frozen=True, slots=True)
class ScoringConfig:
    """Event-level scoring settings.

    * ``places``: decimal places of the rounded totals (half-up), default 2;
    * ``trim_min_judges``: the trimmed mean drops the highest and lowest mark only when at least this
      many judges marked the criterion (default 5, must be >= 3);
    * ``judgement_spread_limit``: a judgement criterion whose marks spread (max - min) is *greater*
      than this is flagged for the chief judge (default 1).
    """

    places: int = 2
    trim_min_judges: int = 5
    judgement_spread_limit: int = 1

    def __post_init__(self) -> None:
        if not 0 <= self.places <= 6:
            raise DomainError(N_("Totals are rounded to 0 to 6 decimal places."))
        if self.trim_min_judges < 3:
            raise DomainError(N_("The trimmed mean needs at least 3 judges."))
        if not 0 <= self.judgement_spread_limit <= JUDGEMENT_MAX:
            raise DomainError(N_("The judgement spread limit must be between 0 and 3."))


# --------------------------------------------------------------------------- marks


@dataclass(frozen=True, slots=True)
class Mark:
    """One judge's mark for one entry on one criterion (a Decimal, see :func:`check_mark`)."""

    judge_id: Hashable
    entry_id: Hashable
    criterion_id: Hashable
    value: Decimal


def check_mark(value: Decimal | int | str, criterion: Criterion) -> Decimal:
    """Validate one mark typed in by a judge and return it as a Decimal with two decimal places.

    Rules: the value is an exact number (Decimal, int or a plain ASCII decimal string as defined by
    :func:`contest.domain.numbers.parse_plain_decimal`: no ``1_0``, ``1e1``, full-width or Arabic-Indic
    digits; floats are refused); 0 <= value <= ``criterion.max_marks``; at most two decimal places; for a judgement criterion the
    value is an integer 0, 1, 2 or 3. (The range and the values offered are the criterion's scoring type's
    control, ``domain.scoring_types``.) Raises DomainError with a message naming the criterion.
    """
    label = criterion.label
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        raise DomainError(N_("The mark for %(criterion)s is not a number."), criterion=label)
    number = parse_plain_decimal(value) if isinstance(value, str) else Decimal(value)
    if number is None:
        raise DomainError(
            N_("The mark for %(criterion)s is not a number: %(value)s."),
            criterion=label,
            value=value[:40],
        )
    if not number.is_finite():
        raise DomainError(
            N_("The mark for %(criterion)s is not a number: %(value)s."),
            criterion=label,
            value=str(value),
        )
    control = SCORING_TYPES[criterion.kind].control
    if control.choices:
        if number not in control.choices:
            raise DomainError(
                N_("The judgement mark for %(criterion)s must be 0, 1, 2 or 3; got %(value)s."),
                criterion=label,
                value=str(value),
            )
    elif not control.minimum <= number <= control.upper(criterion.max_marks):
        raise DomainError(
            N_("The mark for %(criterion)s must be between 0 and %(max)s; got %(value)s."),
            criterion=label,
            max=criterion.max_marks,
            value=str(value),
        )
    if control.input == "integer" and number != number.to_integral_value():
        raise DomainError(
            N_("The mark for %(criterion)s must be a whole number; got %(value)s."),
            criterion=label,
            value=str(value),
        )
    with localcontext(SCORING_CONTEXT):
        rounded = number.quantize(HUNDREDTH)
    if rounded != number:
        raise DomainError(
            N_("The mark for %(criterion)s has at most two decimal places; got %(value)s."),
            criterion=label,
            value=str(value),
        )
    return rounded.copy_abs()  # 0 and -0 are the same mark


# --------------------------------------------------------------------------- aggregators


@dataclass(frozen=True, slots=True)
class Issue:
    """A problem an aggregator found; becomes a :class:`Flag` for the chief judge."""

    code: str
    message: str
    params: Mapping[str, object] = field(default_factory=dict)


Aggregator = Callable[[list[Decimal], Criterion, ScoringConfig], tuple[Decimal, Issue | None]]
"""An aggregator takes the non-empty list of marks for one (entry, criterion), the criterion and the
config, and returns the criterion value and an optional issue. It runs in the 40-digit context."""


def aggregate_mean(values: list[Decimal], criterion: Criterion, config: ScoringConfig):
    """``mean``: the arithmetic mean of all judges' marks (unrounded)."""
    return sum(values) / len(values), None


def aggregate_trimmed_mean(values: list[Decimal], criterion: Criterion, config: ScoringConfig):
    """``trimmed_mean`` (去掉最高分和最低分): when at least ``config.trim_min_judges`` judges marked
    the criterion, drop exactly one highest and one lowest mark (one copy each, even if several judges
    gave that mark) and take the mean of the rest; with fewer judges, the plain mean of all marks."""
    n = len(values)
    if n < config.trim_min_judges:
        return sum(values) / n, None
    return (sum(values) - max(values) - min(values)) / (n - 2), None


def aggregate_median(values: list[Decimal], criterion: Criterion, config: ScoringConfig):
    """``median``: the middle mark; with an even number of marks, the mean of the two middle marks."""
    ordered = sorted(values)
    n = len(ordered)
    middle = n // 2
    if n % 2:
        return ordered[middle], None
    return (ordered[middle - 1] + ordered[middle]) / 2, None


def aggregate_judgement(values: list[Decimal], criterion: Criterion, config: ScoringConfig):
    """``judgement`` (WorldSkills): each judge marks an integer 0-3. The value is
    ``mean(marks) / 3 x criterion.max_marks`` (so all 3s give full marks, all 0s give 0).
    When ``max(marks) - min(marks) > config.judgement_spread_limit`` (default 1) the value is still
    computed and a ``judgement_spread`` issue is raised for the chief judge."""
    n = len(values)
    max_marks = Fraction(criterion.max_marks) if isinstance(values[0], Fraction) else criterion.max_marks
    value = sum(values) * max_marks / (n * JUDGEMENT_MAX)
    high, low = max(values), min(values)
    if high - low > config.judgement_spread_limit:
        return value, Issue(
            "judgement_spread",
            N_("Judgement marks for %(criterion)s range from %(low)s to %(high)s (spread above %(limit)s)."),
            {"criterion": criterion.label, "low": low, "high": high,
             "limit": config.judgement_spread_limit},
        )
    return value, None


def aggregate_measurement(values: list[Decimal], criterion: Criterion, config: ScoringConfig):
    """``measurement``: an objective criterion has one value. When every judge recorded the same value
    that value is used. When judges recorded more than one distinct value, a ``measurement_conflict``
    issue is raised for the chief judge and the provisional value is the median of the marks."""
    first = values[0]
    for v in values:
        if v != first:
            value, _ = aggregate_median(values, criterion, config)
            distinct = sorted(set(values))
            return value, Issue(
                "measurement_conflict",
                N_("Judges recorded different values for %(criterion)s: %(values)s."),
                {"criterion": criterion.label, "values": ", ".join(str(d) for d in distinct)},
            )
    return first, None


#: Aggregation rules by name; the event's configuration stores the name.
AGGREGATORS: dict[str, Aggregator] = {
    "mean": aggregate_mean,
    "trimmed_mean": aggregate_trimmed_mean,
    "median": aggregate_median,
    "judgement": aggregate_judgement,
    "measurement": aggregate_measurement,
}


# --------------------------------------------------------------------------- results


@dataclass(frozen=True, slots=True)
class Flag:
    """Something the chief judge must look at for one (entry, criterion).

    Codes: ``judgement_spread``, ``measurement_conflict``, ``no_marks`` (nobody marked the
    criterion; its value counts as 0).
    """

    entry_id: Hashable
    criterion_id: Hashable
    code: str
    message: str
    params: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class EntryResult:
    """Scores of one entry: unrounded criterion values, rounded component totals, rounded total."""

    entry_id: Hashable
    criterion_values: Mapping[Hashable, Decimal]
    component_totals: Mapping[Hashable, Decimal]
    total: Decimal
    flags: tuple[Flag, ...] = ()


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building ~10^5 small lists and dicts.

    The objects built here hold no reference cycles; letting the collector rescan them every few
    hundred allocations more than doubles the run time at 10,000 entries x 5 judges x 10 criteria.
    The previous state is restored on exit, exceptions included.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _near_boundary(value: Decimal, places: int) -> bool:
    """True when ``value`` lies within ``_GUARD`` of a half-way point between two ``places``-place numbers,
    where the 40-digit approximation could fall on the wrong side."""
    fraction = abs(value.scaleb(places)) % 1
    return abs(fraction - _HALF) < _GUARD


def _round(value: Decimal, exponent: Decimal) -> Decimal:
    return value.quantize(exponent, rounding=ROUND_HALF_UP)


def _round_exact(value: Fraction, places: int) -> Decimal:
    """Round an exact value once, half-up (away from zero), to ``places`` decimal places."""
    scaled = abs(value) * 10**places
    units = (scaled.numerator * 2 + scaled.denominator) // (scaled.denominator * 2)  # floor(scaled + 1/2)
    return Decimal(-units if value < 0 else units).scaleb(-places)


def compute_event_results(
    rubric: Rubric, marks: Iterable[Mark], config: ScoringConfig | None = None
) -> dict[Hashable, EntryResult]:
    """Aggregate all marks of an event into one :class:`EntryResult` per entry.

    * The entries are those that have at least one mark (in order of first appearance).
    * For each criterion of the rubric, the marks present for (entry, criterion) are aggregated with
      the criterion's aggregator (see the module docstring). Missing judges are not filled in: the
      aggregator sees only the marks present (use :func:`completeness_report` as the gate before
      publishing). A criterion with no mark at all counts 0 and is flagged ``no_marks``.
    * Component totals and the event total follow the module docstring (half-up to
      ``config.places``).
    * Uniqueness of (judge, entry, criterion) is the caller's responsibility (a database constraint);
      :func:`completeness_report` reports duplicates.

    Raises DomainError for a mark on a criterion that is not in the rubric.
    """
    with _gc_paused():
        return _aggregate(rubric, _group(marks), config or ScoringConfig())


def compute_grouped_results(
    rubric: Rubric, by_entry: Mapping[Hashable, Mapping[Hashable, list[Decimal]]], config: ScoringConfig | None = None
) -> dict[Hashable, EntryResult]:
    """:func:`compute_event_results` for marks already grouped as ``{entry: {criterion: [values]}}`` — the
    same rules, without building one :class:`Mark` per score (a large event has hundreds of thousands)."""
    with _gc_paused():
        return _aggregate(rubric, by_entry, config or ScoringConfig())


def _group(marks: Iterable[Mark]) -> dict[Hashable, dict[Hashable, list[Decimal]]]:
    by_entry: dict[Hashable, dict[Hashable, list[Decimal]]] = {}
    get_entry = by_entry.get
    for mark in marks:
        per_criterion = get_entry(mark.entry_id)
        if per_criterion is None:
            by_entry[mark.entry_id] = {mark.criterion_id: [mark.value]}
            continue
        values = per_criterion.get(mark.criterion_id)
        if values is None:
            per_criterion[mark.criterion_id] = [mark.value]
        else:
            values.append(mark.value)
    return by_entry


def _aggregate(
    rubric: Rubric, by_entry: Mapping[Hashable, Mapping[Hashable, list[Decimal]]], config: ScoringConfig
) -> dict[Hashable, EntryResult]:
    exponent = Decimal(1).scaleb(-config.places)
    places = config.places
    plan = [
        (
            component.id,
            Decimal(component.weight),
            component.max_marks,
            [(c.id, c, AGGREGATORS[effective_aggregation(c, component)]) for c in component.criteria],
        )
        for component in rubric.components
    ]
    results: dict[Hashable, EntryResult] = {}
    with localcontext(SCORING_CONTEXT):
        for entry_id, per_criterion in by_entry.items():
            criterion_values: dict[Hashable, Decimal] = {}
            component_totals: dict[Hashable, Decimal] = {}
            flags: list[Flag] = []
            total = ZERO
            found = 0
            exact_needed = False
            for component_id, weight, max_marks, criteria in plan:
                component_total = ZERO
                for criterion_id, criterion, aggregator in criteria:
                    values = per_criterion.get(criterion_id)
                    if values is None:
                        value = ZERO
                        flags.append(Flag(
                            entry_id, criterion_id, "no_marks",
                            N_("No judge has marked %(criterion)s."),
                            {"criterion": criterion.label},
                        ))
                    else:
                        found += 1
                        value, issue = aggregator(values, criterion, config)
                        if issue is not None:
                            flags.append(Flag(
                                entry_id, criterion_id, issue.code, issue.message, issue.params
                            ))
                    criterion_values[criterion_id] = value
                    component_total += value
                exact_needed = exact_needed or _near_boundary(component_total, places)
                component_totals[component_id] = _round(component_total, exponent)
                total += component_total * weight / max_marks
            if found != len(per_criterion):
                unknown = next(iter(k for k in per_criterion if k not in criterion_values))
                raise DomainError(
                    N_("Criterion %(criterion)s is not in the rubric."), criterion=unknown
                )
            if exact_needed or _near_boundary(total, places):
                component_totals, rounded = _exact_totals(plan, per_criterion, config)
            else:
                rounded = _round(total, exponent)
            results[entry_id] = EntryResult(entry_id, criterion_values, component_totals, rounded, tuple(flags))
    return results


def _exact_totals(
    plan: list, per_criterion: Mapping[Hashable, list[Decimal]], config: ScoringConfig
) -> tuple[dict[Hashable, Decimal], Decimal]:
    """The rounded component totals and event total of one entry from the exact (Fraction) values; the same
    aggregators run on the marks as Fractions (every aggregator is written for any exact number type)."""
    component_totals: dict[Hashable, Decimal] = {}
    total = Fraction(0)
    for component_id, weight, max_marks, criteria in plan:
        component_total = Fraction(0)
        for criterion_id, criterion, aggregator in criteria:
            values = per_criterion.get(criterion_id)
            if values is not None:
                value, _ = aggregator([Fraction(v) for v in values], criterion, config)
                component_total += value
        component_totals[component_id] = _round_exact(component_total, config.places)
        total += component_total * Fraction(weight) / Fraction(max_marks)
    return component_totals, _round_exact(total, config.places)


# --------------------------------------------------------------------------- completeness


@dataclass(frozen=True, slots=True)
class MissingMark:
    """A mark the completeness report expected and did not find."""

    judge_id: Hashable
    entry_id: Hashable
    criterion_id: Hashable


@dataclass(frozen=True)
class CompletenessReport:
    """Result of :func:`completeness_report`.

    ``missing``: expected (judge, entry, criterion) with no mark, ordered by entry, judge, criterion
    in the order given; ``unexpected``: marks from an unassigned or exempt judge, for an unknown entry
    or an unknown criterion; ``duplicates``: marks whose (judge, entry, criterion) already appeared.
    """

    expected: int
    present: int
    missing: tuple[MissingMark, ...]
    unexpected: tuple[Mark, ...] = ()
    duplicates: tuple[Mark, ...] = ()

    @property
    def complete(self) -> bool:
        return not self.missing and not self.unexpected and not self.duplicates


def completeness_report(
    rubric: Rubric,
    judges: Iterable[Hashable],
    entries: Iterable[Hashable],
    marks: Iterable[Mark],
    exempt: Collection[tuple[Hashable, Hashable]] = (),
) -> CompletenessReport:
    """List every (judge, entry, criterion) that should have a mark and has none.

    Expected marks: every assigned judge x every entry x every rubric criterion, except the
    (judge, entry) pairs in ``exempt`` (conflicts of interest: the judge must not score that entry).
    Runs in O(marks + judges x entries x criteria) time with one hash set: no pairwise scans.
    """
    with _gc_paused():
        return _completeness(rubric, judges, entries, marks, exempt)


def _completeness(
    rubric: Rubric,
    judges: Iterable[Hashable],
    entries: Iterable[Hashable],
    marks: Iterable[Mark],
    exempt: Collection[tuple[Hashable, Hashable]],
) -> CompletenessReport:
    judge_list = list(dict.fromkeys(judges))
    entry_list = list(dict.fromkeys(entries))
    criterion_ids = [c.id for c in rubric.criteria]
    judge_set, entry_set, criterion_set = set(judge_list), set(entry_list), set(criterion_ids)
    exempt_set = set(exempt)

    present: set[tuple[Hashable, Hashable, Hashable]] = set()
    unexpected: list[Mark] = []
    duplicates: list[Mark] = []
    for mark in marks:
        key = (mark.judge_id, mark.entry_id, mark.criterion_id)
        if (
            mark.judge_id not in judge_set
            or mark.entry_id not in entry_set
            or mark.criterion_id not in criterion_set
            or (mark.judge_id, mark.entry_id) in exempt_set
        ):
            unexpected.append(mark)
        elif key in present:
            duplicates.append(mark)
        else:
            present.add(key)

    missing: list[MissingMark] = []
    expected = 0
    for entry_id in entry_list:
        for judge_id in judge_list:
            if (judge_id, entry_id) in exempt_set:
                continue
            expected += len(criterion_ids)
            for criterion_id in criterion_ids:
                if (judge_id, entry_id, criterion_id) not in present:
                    missing.append(MissingMark(judge_id, entry_id, criterion_id))
    return CompletenessReport(expected, len(present), tuple(missing), tuple(unexpected), tuple(duplicates))
