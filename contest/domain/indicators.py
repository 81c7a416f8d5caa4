"""Indicator sheets (考核指标表): how a unit is scored in 安康杯 and 立功竞赛 contests.

A sheet is a tuple of :class:`Section` (组织领导, 安全教育培训, 隐患排查治理 …), each a tuple of
:class:`Indicator`. Every indicator has a maximum (its share of the sheet's total) and one of five methods:

``points``     direct points: the inspector gives 0..max (at most two decimal places).
``deduction``  per-occurrence deduction with a floor: ``max − occurrences × per``, never below ``floor``
               (−2 per uncorrected hazard, not below 0).
``bonus``      per-occurrence bonus with a cap: ``occurrences × per``, never above ``max``
               (+1 per adopted 合理化建议, at most +5).
``ratio``      a figure computed from reported numbers against a target: ``max × min(1, (a / b) / target)``
               (training hours per worker against 8 hours); ``b = 0`` scores 0.
``veto``       一票否决: worth no points; when it is hit (a fatal accident, a 三违 record) the unit is
               ineligible for any award whatever its score, and the reason is kept.

Exactness: every value is a :class:`~decimal.Decimal`; maxima, per-occurrence amounts and floors have at most
two decimal places. An indicator's points are computed exactly (a ratio as a :class:`~fractions.Fraction`) and
rounded once, half-up, to hundredths; the total is the sum of the rounded indicator points, so the printed
indicator points always add up to the printed total. A total never exceeds the sheet's maximum and no
indicator's points leave ``0..max``.

This module is pure (no Flask, no SQLAlchemy): the decision method that stores sheets and inspections calls it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from fractions import Fraction

from contest.domain.errors import N_, DomainError

HUNDREDTH = Decimal("0.01")
ZERO = Decimal(0)


class IndicatorMethod(StrEnum):
    POINTS = "points"
    DEDUCTION = "deduction"
    BONUS = "bonus"
    RATIO = "ratio"
    VETO = "veto"


@dataclass(frozen=True)
class Indicator:
    key: str
    name: str
    method: IndicatorMethod
    max_points: Decimal = ZERO
    per: Decimal | None = None  # deduction or bonus per occurrence
    floor: Decimal = ZERO  # deduction: the points never fall below it
    target: Decimal | None = None  # ratio: the figure that earns full points
    guidance: str = ""  # what the inspector checks (shown beside the control)


@dataclass(frozen=True)
class Section:
    name: str
    indicators: tuple[Indicator, ...]

    @property
    def max_points(self) -> Decimal:
        return sum((i.max_points for i in self.indicators), ZERO)


@dataclass(frozen=True)
class Sheet:
    sections: tuple[Section, ...]

    @property
    def max_points(self) -> Decimal:
        return sum((s.max_points for s in self.sections), ZERO)

    @property
    def indicators(self) -> tuple[Indicator, ...]:
        return tuple(i for s in self.sections for i in s.indicators)

    def indicator(self, key: str) -> Indicator:
        for i in self.indicators:
            if i.key == key:
                return i
        raise KeyError(key)


@dataclass(frozen=True)
class Assessment:
    """What an inspector recorded for one indicator: points (``points``), a count of occurrences
    (``deduction``/``bonus``, each with an optional note), the two reported figures (``ratio``), or a hit with
    its reason (``veto``)."""

    points: Decimal | None = None
    occurrences: int | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    vetoed: bool = False
    reason: str = ""


@dataclass(frozen=True)
class SheetResult:
    total: Decimal
    points: Mapping[str, Decimal]  # indicator key → points (rounded to hundredths)
    sections: Mapping[str, Decimal]  # section name → points
    vetoes: tuple[tuple[str, str], ...] = ()  # (indicator name, reason)
    missing: tuple[str, ...] = ()  # indicator keys without an assessment

    @property
    def vetoed(self) -> bool:
        return bool(self.vetoes)

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def eligible(self) -> bool:
        """May receive an award: complete and not vetoed."""
        return self.complete and not self.vetoed


def _hundredths(value: Decimal) -> bool:
    return value == value.quantize(HUNDREDTH)


def _round(value: Fraction | Decimal) -> Decimal:
    return _round_fraction(value) if isinstance(value, Fraction) else value.quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


def _round_fraction(value: Fraction) -> Decimal:
    """``value`` rounded half-up (away from zero) to hundredths, exactly."""
    scaled = value * 100
    whole, rest = divmod(abs(scaled.numerator), scaled.denominator)
    if 2 * rest >= scaled.denominator:
        whole += 1
    return (Decimal(whole if scaled >= 0 else -whole) / 100).quantize(HUNDREDTH)


def check_sheet(sheet: Sheet, total: Decimal | None = None) -> None:
    """Refuse a sheet that cannot be scored: no indicators, a duplicate key, a maximum or amount that is not
    a positive number of hundredths, a method without its amount, or (when ``total`` is given) maxima that do
    not add up to it."""
    if not sheet.indicators:
        raise DomainError(N_("The indicator sheet has no indicators."))
    seen: set[str] = set()
    for section in sheet.sections:
        if not section.name.strip():
            raise DomainError(N_("Every section needs a name."))
        for i in section.indicators:
            if i.key in seen:
                raise DomainError(N_("Indicator %(name)s appears twice."), name=i.name)
            seen.add(i.key)
            if not i.name.strip():
                raise DomainError(N_("Every indicator needs a name."))
            amounts = [i.max_points, i.floor] + [a for a in (i.per, i.target) if a is not None]
            if any(a < 0 or not _hundredths(a) for a in amounts):
                raise DomainError(N_("%(name)s: points are positive numbers with at most two decimal places."), name=i.name)
            if i.method is IndicatorMethod.VETO:
                if i.max_points:
                    raise DomainError(N_("%(name)s: a veto item is worth no points."), name=i.name)
                continue
            if i.max_points <= 0:
                raise DomainError(N_("%(name)s needs a maximum above 0."), name=i.name)
            if i.method in (IndicatorMethod.DEDUCTION, IndicatorMethod.BONUS) and not i.per:
                raise DomainError(N_("%(name)s needs the points per occurrence."), name=i.name)
            if i.method is IndicatorMethod.DEDUCTION and i.floor > i.max_points:
                raise DomainError(N_("%(name)s: the floor is above the maximum."), name=i.name)
            if i.method is IndicatorMethod.RATIO and not i.target:
                raise DomainError(N_("%(name)s needs a target above 0."), name=i.name)
    if total is not None and sheet.max_points != total:
        raise DomainError(N_("The indicators' maxima add up to %(sum)s, not %(total)s."), sum=sheet.max_points, total=total)


def check_assessment(indicator: Indicator, a: Assessment) -> None:
    """Refuse an assessment the indicator cannot take (the inspector's input, checked before it is stored)."""
    m = indicator.method
    if m is IndicatorMethod.POINTS:
        if a.points is None or a.points < 0 or a.points > indicator.max_points or not _hundredths(a.points):
            raise DomainError(N_("%(name)s: give 0 to %(max)s points, with at most two decimal places."),
                              name=indicator.name, max=indicator.max_points)
    elif m in (IndicatorMethod.DEDUCTION, IndicatorMethod.BONUS):
        if a.occurrences is None or isinstance(a.occurrences, bool) or a.occurrences < 0:
            raise DomainError(N_("%(name)s: the number of occurrences is a whole number, 0 or more."), name=indicator.name)
    elif m is IndicatorMethod.RATIO:
        if a.numerator is None or a.denominator is None or a.numerator < 0 or a.denominator < 0:
            raise DomainError(N_("%(name)s: both reported figures are needed, 0 or more."), name=indicator.name)
    elif m is IndicatorMethod.VETO:
        if a.vetoed and not a.reason.strip():
            raise DomainError(N_("%(name)s: a veto needs its reason."), name=indicator.name)


def indicator_points(indicator: Indicator, a: Assessment) -> Decimal:
    """The points of one checked assessment, rounded half-up to hundredths, always within 0..max."""
    m, top = indicator.method, indicator.max_points
    if m is IndicatorMethod.POINTS:
        value: Decimal | Fraction = a.points or ZERO
    elif m is IndicatorMethod.DEDUCTION:
        value = max(indicator.floor, top - a.occurrences * indicator.per)
    elif m is IndicatorMethod.BONUS:
        value = min(top, a.occurrences * indicator.per)
    elif m is IndicatorMethod.RATIO:
        if not a.denominator:
            value = ZERO
        else:
            achieved = Fraction(a.numerator) / Fraction(a.denominator) / Fraction(indicator.target)
            value = Fraction(top) * min(Fraction(1), achieved)
    else:
        value = ZERO
    return min(top, max(ZERO, _round(value)))


def score_sheet(sheet: Sheet, assessments: Mapping[str, Assessment]) -> SheetResult:
    """Score a unit: every indicator's points, each section's and the total; vetoes with their reasons;
    indicators still missing (a veto item that was not hit needs no assessment)."""
    points: dict[str, Decimal] = {}
    sections: dict[str, Decimal] = {}
    vetoes: list[tuple[str, str]] = []
    missing: list[str] = []
    for section in sheet.sections:
        subtotal = ZERO
        for i in section.indicators:
            a = assessments.get(i.key)
            if i.method is IndicatorMethod.VETO:
                if a is not None:
                    check_assessment(i, a)
                if a is not None and a.vetoed:
                    vetoes.append((i.name, a.reason.strip()))
                points[i.key] = ZERO
                continue
            if a is None:
                missing.append(i.key)
                points[i.key] = ZERO
                continue
            check_assessment(i, a)
            points[i.key] = indicator_points(i, a)
            subtotal += points[i.key]
        sections[section.name] = subtotal
    total = sum(sections.values(), ZERO)
    return SheetResult(total=total, points=points, sections=sections, vetoes=tuple(vetoes), missing=tuple(missing))


def copy_sheet(sheet: Sheet, **changes) -> Sheet:
    """Last year's sheet as the start of this year's (most hosts reuse it): the same sections and indicators,
    with ``changes`` applied to the sheet (a frozen copy; nothing is shared that could be changed)."""
    return replace(sheet, sections=tuple(replace(s, indicators=tuple(s.indicators)) for s in sheet.sections), **changes)


@dataclass(frozen=True)
class PeriodScore:
    """立功竞赛: a unit's result in one period (a month or a quarter)."""

    period: str
    result: SheetResult


@dataclass(frozen=True)
class Cumulative:
    total: Decimal
    periods: tuple[str, ...]
    vetoes: tuple[tuple[str, str, str], ...] = field(default=())  # (period, indicator, reason)

    @property
    def vetoed(self) -> bool:
        return bool(self.vetoes)


def cumulative(scores: list[PeriodScore]) -> Cumulative:
    """A 立功竞赛 unit over its periods: the sum of the period totals; a veto in any period stays with it."""
    return Cumulative(
        total=sum((p.result.total for p in scores), ZERO),
        periods=tuple(p.period for p in scores),
        vetoes=tuple((p.period, name, reason) for p in scores for name, reason in p.result.vetoes),
    )
