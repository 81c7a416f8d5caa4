"""立功竞赛 periods: the labels of successive periods and the cumulative standing of the units over them.

A merit contest on a major project scores the same units every month or quarter; each period is an event of
the contest (``events.period_series``, ``period_label``, ``period_seq``) whose results are ordinary stored
results (a total in hundredths and, for an indicator sheet's 一票否决, the reason the unit is excluded).

The cumulative rule (:func:`cumulative_standings`)
---------------------------------------------------
- A unit's cumulative total is the sum of its totals over the periods of the series that have results; a
  period in which the unit has no result counts 0 for it, and the period is listed as missing for that unit.
- A unit excluded in any period (its result there carries a reason) is excluded from the cumulative awards;
  the reasons are listed with their periods, in the order of the periods.
- The order in which periods are given changes nothing but the order of the listed periods.

Labels (:func:`next_label`): "2026年9月" is followed by "2026年10月", "2026年12月" by "2027年1月",
"2026年第4季度" by "2027年第1季度"; any other label has no known successor (the organiser types one).

Pure: no Flask, no SQLAlchemy.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

__all__ = ["PeriodResult", "Standing", "cumulative_standings", "next_label", "series_name"]

_MONTH = re.compile(r"^(\d{4})年(\d{1,2})月$")
_QUARTER = re.compile(r"^(\d{4})年第([1-4])季度$")


def next_label(label: str) -> str | None:
    """The label of the period after ``label`` (a month or a quarter), or None when the label is not one."""
    text = (label or "").strip()
    if m := _MONTH.match(text):
        year, month = int(m[1]), int(m[2])
        if not 1 <= month <= 12:
            return None
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return f"{year}年{month}月"
    if m := _QUARTER.match(text):
        year, quarter = int(m[1]), int(m[2])
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
        return f"{year}年第{quarter}季度"
    return None


def series_name(series: str, label: str) -> str:
    """The event name of one period: "月度考核（2026年9月）"."""
    return f"{series}（{label}）"


@dataclass(frozen=True)
class PeriodResult:
    """A unit's stored result in one period: its total in hundredths and, when excluded, the reason."""

    total_x100: int
    excluded_reason: str | None = None


@dataclass(frozen=True)
class Standing:
    """A unit over the series: the cumulative total (hundredths), each period's result (None: no result in
    a period that has results), the periods it is missing from, and its exclusions as (period, reason)."""

    total_x100: int
    by_period: Mapping[Hashable, PeriodResult | None]
    missing: tuple[Hashable, ...]
    exclusions: tuple[tuple[Hashable, str], ...]

    @property
    def excluded(self) -> bool:
        return bool(self.exclusions)


def cumulative_standings(
    periods: Sequence[Hashable],
    units: Iterable[Hashable],
    results: Mapping[Hashable, Mapping[Hashable, PeriodResult]],
) -> dict[Hashable, Standing]:
    """Every unit's :class:`Standing` over ``periods`` (those with results, in order) from ``results``
    (period → unit → result); a unit appearing in no period still gets a standing (total 0, every period
    missing). The rule is the module's docstring."""
    standings: dict[Hashable, Standing] = {}
    everyone = list(dict.fromkeys([*units, *(u for p in periods for u in results.get(p, {}))]))
    for unit in everyone:
        by_period = {p: results.get(p, {}).get(unit) for p in periods}
        total = sum(r.total_x100 for r in by_period.values() if r is not None)
        missing = tuple(p for p, r in by_period.items() if r is None)
        exclusions = tuple((p, r.excluded_reason) for p, r in by_period.items() if r is not None and r.excluded_reason)
        standings[unit] = Standing(total, by_period, missing, exclusions)
    return standings
