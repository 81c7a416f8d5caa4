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

from contest.domain import figures
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
    numerator: str | None = None  # ratio: the reported figure divided (a key of ``domain.figures``)
    denominator: str | None = None  # ratio: the reported figure it is divided by


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
            if i.method is IndicatorMethod.RATIO and (i.numerator is not None or i.denominator is not None):
                if i.numerator is None or i.denominator is None or i.numerator == i.denominator:
                    raise DomainError(N_("%(name)s needs two different reported figures."), name=i.name)
                figures.figure(i.numerator)
                figures.figure(i.denominator)
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


# ---------------------------------------------------------------------------------------------- storage


def _amount(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def sheet_to_json(sheet: Sheet) -> dict:
    """The sheet as JSON (``events.method_options["sheet"]``): amounts as exact decimal text, never floats."""
    return {"sections": [
        {"name": s.name, "indicators": [
            {k: v for k, v in {
                "key": i.key, "name": i.name, "method": i.method.value, "max": _amount(i.max_points),
                "per": _amount(i.per), "floor": _amount(i.floor), "target": _amount(i.target), "guidance": i.guidance,
                "numerator": i.numerator, "denominator": i.denominator}.items() if v is not None}
            for i in s.indicators]}
        for s in sheet.sections]}


def _decimal(value: object, name: str) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or isinstance(value, float) or not isinstance(value, str | int):
        raise DomainError(N_("%(name)s: points are positive numbers with at most two decimal places."), name=name)
    try:
        number = Decimal(str(value).strip())
    except ArithmeticError:
        raise DomainError(N_("%(name)s: points are positive numbers with at most two decimal places."), name=name) from None
    if not number.is_finite() or number.as_tuple().exponent < -2 or abs(number) > 100000:
        raise DomainError(N_("%(name)s: points are positive numbers with at most two decimal places."), name=name)
    return number


def sheet_from_json(data: object) -> Sheet:
    """A sheet from its JSON (``sheet_to_json``); DomainError for a shape or amount it cannot be (the sheet's
    rules are ``check_sheet``'s, not checked here)."""
    if not isinstance(data, Mapping) or not isinstance(data.get("sections"), list):
        raise DomainError(N_("The indicator sheet cannot be read."))
    sections = []
    for raw in data["sections"]:
        if not isinstance(raw, Mapping) or not isinstance(raw.get("indicators", []), list):
            raise DomainError(N_("The indicator sheet cannot be read."))
        indicators = []
        for item in raw.get("indicators", []):
            if not isinstance(item, Mapping):
                raise DomainError(N_("The indicator sheet cannot be read."))
            name = str(item.get("name") or "")
            try:
                method = IndicatorMethod(item.get("method"))
            except ValueError:
                raise DomainError(N_("%(name)s: unknown method."), name=name) from None
            indicators.append(Indicator(
                key=str(item.get("key") or ""), name=name, method=method,
                max_points=_decimal(item.get("max"), name) or ZERO, per=_decimal(item.get("per"), name),
                floor=_decimal(item.get("floor"), name) or ZERO, target=_decimal(item.get("target"), name),
                guidance=str(item.get("guidance") or ""),
                numerator=item.get("numerator") or None, denominator=item.get("denominator") or None))
        sections.append(Section(str(raw.get("name") or ""), tuple(indicators)))
    return Sheet(tuple(sections))


# ---------------------------------------------------------------------------------------------- building


def add_section(sheet: Sheet, name: str) -> Sheet:
    """The sheet with a new, empty section at the end (a name, not taken yet)."""
    name = " ".join(name.split())
    if not name or len(name) > 50:
        raise DomainError(N_("Every section needs a name (at most 50 characters)."))
    if any(s.name == name for s in sheet.sections):
        raise DomainError(N_("Section %(name)s appears twice."), name=name)
    return Sheet((*sheet.sections, Section(name, ())))


def next_key(sheet: Sheet) -> str:
    """A key no indicator of the sheet has: ``i1``, ``i2`` …"""
    taken = {i.key for i in sheet.indicators}
    n = len(taken) + 1
    while f"i{n}" in taken:
        n += 1
    return f"i{n}"


def put_indicator(sheet: Sheet, section: int, indicator: Indicator) -> Sheet:
    """The sheet with ``indicator`` replacing the one of the same key (where it is), or added at the end of
    section ``section``; the indicator is checked on its own (``check_sheet``'s rules)."""
    if not 0 <= section < len(sheet.sections):
        raise DomainError(N_("Choose a section."))
    check_sheet(Sheet((Section("-", (indicator,)),)))
    if any(i.key == indicator.key for i in sheet.indicators):
        sections = tuple(replace(s, indicators=tuple(indicator if i.key == indicator.key else i for i in s.indicators))
                         for s in sheet.sections)
        return Sheet(sections)
    sections = list(sheet.sections)
    sections[section] = replace(sections[section], indicators=(*sections[section].indicators, indicator))
    return Sheet(tuple(sections))


def _swap(items: tuple, index: int, step: int) -> tuple:
    other = index + step
    if not (0 <= index < len(items) and 0 <= other < len(items)):
        return items
    moved = list(items)
    moved[index], moved[other] = moved[other], moved[index]
    return tuple(moved)


def move(sheet: Sheet, target: str, step: int) -> Sheet:
    """Move a section (``target`` "s<index>") or an indicator (its key) one place up (``step`` −1) or down
    (+1) within its list; at an end nothing moves."""
    if target.startswith("s") and target[1:].isdigit() and not any(i.key == target for i in sheet.indicators):
        return Sheet(_swap(sheet.sections, int(target[1:]), step))
    return Sheet(tuple(
        replace(s, indicators=_swap(s.indicators, [i.key for i in s.indicators].index(target), step))
        if any(i.key == target for i in s.indicators) else s
        for s in sheet.sections))


def remove(sheet: Sheet, target: str) -> Sheet:
    """Remove a section (``target`` "s<index>", with its indicators) or an indicator (its key)."""
    if target.startswith("s") and target[1:].isdigit() and not any(i.key == target for i in sheet.indicators):
        index = int(target[1:])
        return Sheet(tuple(s for n, s in enumerate(sheet.sections) if n != index))
    return Sheet(tuple(replace(s, indicators=tuple(i for i in s.indicators if i.key != target)) for s in sheet.sections))


# ---------------------------------------------------------------------------------------------- inspection


#: Indicators an inspector enters (one mark each per unit); a ratio comes from the unit's reported figures.
ENTERED = (IndicatorMethod.POINTS, IndicatorMethod.DEDUCTION, IndicatorMethod.BONUS, IndicatorMethod.VETO)

#: The criterion kind (``domain.scoring_types``) of each entered indicator.
CRITERION_KINDS = {
    IndicatorMethod.POINTS: "measurement",
    IndicatorMethod.DEDUCTION: "occurrences",
    IndicatorMethod.BONUS: "occurrences",
    IndicatorMethod.VETO: "veto",
}


def combine_marks(indicator: Indicator, marks: list[tuple[Decimal, str]]) -> Assessment | None:
    """One unit's assessment of an entered indicator from its inspectors' marks (value, note); None when no
    inspector has marked it.

    The rule, as an inspection team (检查组) works: each inspector checks the unit and records his own
    finding; the team's finding is

    - ``points``: the mean of the inspectors' points, rounded half up to hundredths;
    - ``deduction``/``bonus``: the median count (the middle one; with an even number, the mean of the two
      middle ones), rounded half up to a whole number — one inspector's miscount does not move it;
    - ``veto``: hit when any inspector recorded it (a fatal accident seen by one is a fatal accident), the
      reason being the hits' notes joined with "；".
    """
    if not marks:
        return None
    values = sorted(v for v, _note in marks)
    m = indicator.method
    if m is IndicatorMethod.POINTS:
        return Assessment(points=_round(Fraction(sum(values, ZERO)) / len(values)))
    if m in (IndicatorMethod.DEDUCTION, IndicatorMethod.BONUS):
        middle = len(values) // 2
        median = Fraction(values[middle]) if len(values) % 2 else (Fraction(values[middle - 1]) + Fraction(values[middle])) / 2
        return Assessment(occurrences=int(_round_fraction(median).to_integral_value(rounding=ROUND_HALF_UP)))
    if m is IndicatorMethod.VETO:
        reasons = list(dict.fromkeys(note.strip() for v, note in marks if v >= 1 and note.strip()))
        hit = any(v >= 1 for v, _note in marks)
        return Assessment(vetoed=hit, reason="；".join(reasons) if hit else "")
    return None


def ratio_assessment(indicator: Indicator, reported: Mapping[str, Decimal | None]) -> Assessment:
    """A ratio indicator's assessment from the unit's reported figures; a figure not reported counts as 0
    (no report, no points)."""
    return Assessment(numerator=reported.get(indicator.numerator or "") or ZERO,
                      denominator=reported.get(indicator.denominator or "") or ZERO)


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
