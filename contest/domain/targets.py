"""Yearly targets of the plan and progress against them (pure: no Flask, no SQLAlchemy).

Metrics (``METRICS``), each counted over one calendar year and one unit's subtree:

* ``city_skills_contests``: skills contests (职业技能竞赛) hosted by the city federation, not in draft;
* ``county_contests``: contests of every kind hosted at county level (县市区, which includes township
  contests run by the county), not in draft;
* ``entries``: worker entries (each member of a live or confirmed nomination) in contests of the year, from the
  unit's subtree — preliminaries and selection included, withdrawn and rejected entries excluded;
* ``safety_coverage``: per cent of the subtree's enterprises enrolled in 安康杯 as units (the coverage table's
  totals; the rule, rounded down, is ``contest.domain.coverage``).

Defaults come from the plan and apply to the city unit only (``default_target``): 50 city-level skills
contests, 100 county-level contests, 50,000 entries, 安康杯 in every enterprise (100 %). Other units have no
target until an organiser sets one.

Straight-line target (``straight_line``): the share of a yearly target due by the end of month m is
``target × m / 12``, rounded half up to a whole number; ``cumulative`` adds monthly counts up; ``ratio`` is
progress as a whole percentage (rounded half up), ``None`` without a positive target.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from contest.domain.errors import N_, DomainError, FieldError

METRICS: tuple[str, ...] = ("city_skills_contests", "county_contests", "entries", "safety_coverage")

PLAN_DEFAULTS: Mapping[str, int] = {
    "city_skills_contests": 50,
    "county_contests": 100,
    "entries": 50_000,
    "safety_coverage": 100,
}

MAX_TARGET = 10_000_000


def _half_up(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def default_target(metric: str, unit_depth: int) -> int | None:
    """The plan's default for ``metric``: only the city (depth 0) has one."""
    return PLAN_DEFAULTS.get(metric) if unit_depth == 0 else None


def effective_targets(stored: Mapping[str, int], unit_depth: int) -> dict[str, int | None]:
    """Every metric's target for a unit: the stored value, else the plan's default (city), else ``None``."""
    return {m: stored[m] if m in stored else default_target(m, unit_depth) for m in METRICS}


def check_target(metric: str, value: int) -> int:
    """``value`` if it is a target ``metric`` may have; else a ``FieldError`` on the metric's field."""
    if metric not in METRICS:
        raise DomainError(N_("Unknown target."))
    if value < 0 or value > MAX_TARGET:
        raise FieldError(metric, N_("A target must be a whole number from 0 to %(max)d."), max=MAX_TARGET)
    if metric == "safety_coverage" and value > 100:
        raise FieldError(metric, N_("Safety Cup coverage is a percentage: at most 100."))
    return value


def ratio(done: int, target: int | None) -> int | None:
    """Progress as a whole percentage of ``target`` (may exceed 100), or ``None`` without a positive target."""
    if not target or target <= 0:
        return None
    return _half_up(Decimal(done) * 100 / Decimal(target))


def straight_line(target: int | None, months: int = 12) -> list[int | None]:
    """The cumulative target due by the end of each month: ``target × m / 12``, rounded half up."""
    if target is None:
        return [None] * months
    return [_half_up(Decimal(target) * m / 12) for m in range(1, months + 1)]


def cumulative(monthly: Mapping[int, int], months: int = 12) -> list[int]:
    """Running totals of counts keyed by month 1–12 (missing months count 0)."""
    total, out = 0, []
    for m in range(1, months + 1):
        total += monthly.get(m, 0)
        out.append(total)
    return out


@dataclass(frozen=True)
class MonthProgress:
    month: int
    done: int  # cumulative by the end of the month
    due: int | None  # the straight-line target by the end of the month
    ahead: bool | None  # done >= due (None without a target)


def month_progress(monthly: Mapping[int, int], target: int | None, up_to: int = 12) -> list[MonthProgress]:
    """Month-by-month cumulative progress against the straight line, for months 1…``up_to``."""
    done, due = cumulative(monthly), straight_line(target)
    return [MonthProgress(m, done[m - 1], due[m - 1], None if due[m - 1] is None else done[m - 1] >= due[m - 1])
            for m in range(1, up_to + 1)]


def age_bucket(days: int) -> str:
    """Approvals waiting: ``fresh`` (under 3 days), ``week`` (3–7 days), ``old`` (more than 7 days)."""
    if days < 3:
        return "fresh"
    return "week" if days <= 7 else "old"


def sum_by(rows: Iterable[tuple[object, int]]) -> dict[object, int]:
    out: dict[object, int] = {}
    for key, value in rows:
        out[key] = out.get(key, 0) + value
    return out
