"""安康杯 coverage (issue 14, part 7): how far the Safety Cup reaches the enterprises and teams of a unit's
subtree in one year, with the scores, hazards, proposals and vetoes of those enrolled. Pure: plain numbers in,
rows out (no Flask, no SQLAlchemy); ``contest.services.coverage`` reads the data, the coverage page, its xlsx
export and the dashboard show the same rows.

The rules, exactly:

- **Rows.** One row per unit directly below the viewed unit (the city: its counties and 市直 enterprises; a
  county: its enterprises; an enterprise: its teams), plus a row for the viewed unit itself when it is an
  enterprise or a team (its own entry). Every enterprise and team of the subtree falls in exactly one row
  (``row_of``); the totals row is the sum of the rows.
- **In the tree.** ``enterprises`` and ``teams`` count the active enterprise and team units of the row.
- **Enrolled.** An enterprise (a team) is enrolled when it has at least one live (pending or confirmed) unit
  entry in a 安康杯 contest of the year hosted by the city or a county (the service selects those entries). It
  counts once however many contests and events it entered. Entries of units that are not in the tree (inactive,
  or outside the subtree) are ignored, so enrolled never exceeds the units in the tree.
- **Percentages** (coverage of enterprises and of teams, hazard correction rate, proposal adoption rate):
  ``⌊100 × part ÷ whole⌋`` — a whole number of per cent rounded *down*, so that 100 % means every one and is never
  reached by rounding — or ``None`` (shown "—") when ``whole`` is 0.
- **Average score.** The mean of the totals of the row's unit entries that have a result the service may show
  (published for notice or final), to two decimals rounded half up; ``None`` ("—") without any. A vetoed entry's
  total counts: the veto withholds awards, not the score. The totals row's average is the mean over every
  scored entry of the subtree (from the sums), not a mean of the rows' means.
- **Vetoes.** The number of distinct units of the row with a shown result excluded by a veto (一票否决).
- **Reported figures** (``contest.domain.figures``). A unit's figures are those of its latest submitted
  self-assessment of the year (the entries come in submission order; the last one with figures wins), so a unit
  entered in two contests is not counted twice. ``hazards_found``, ``hazards_corrected``, ``proposals_made`` and
  ``proposals_adopted`` are summed over the row's enrolled units, enterprises and teams alike (each reports its
  own figures); a figure not reported (absent, empty or not a number) adds nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation

__all__ = ["CoverageRow", "CoverageTable", "RowUnit", "TreeUnit", "UnitEntry", "average", "build_table", "percent", "row_of", "totals_of"]

ENTERPRISE, TEAM = "enterprise", "team"
#: The reported figures the table sums (keys of ``contest.domain.figures.FIGURES``).
SUMMED = ("hazards_found", "hazards_corrected", "proposals_made", "proposals_adopted")
ZERO = Decimal(0)


def percent(part: int | Decimal, whole: int | Decimal) -> int | None:
    """``⌊100 × part ÷ whole⌋`` per cent (rounded down: 100 only when ``part`` reaches ``whole``); None when
    ``whole`` is 0."""
    if not whole:
        return None
    return int((Decimal(part) * 100 / Decimal(whole)).to_integral_value(rounding=ROUND_FLOOR))


def average(sum_x100: int, count: int) -> Decimal | None:
    """The mean of ``count`` totals kept in hundredths, to two decimals rounded half up; None when ``count`` is 0."""
    if not count:
        return None
    return (Decimal(sum_x100) / Decimal(count) / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def row_of(path: str, prefix: str, row_ids: Iterable[int], own_row: int | None = None) -> int | None:
    """The row holding the unit at materialised ``path`` under the viewed unit at ``prefix``: the id that follows
    ``prefix`` in ``path`` when it is a row; ``own_row`` for the viewed unit itself; None otherwise."""
    if not path.startswith(prefix):
        return None
    rest = path[len(prefix):].strip("/")
    if not rest:
        return own_row
    head = rest.split("/", 1)[0]
    return int(head) if head.isdigit() and int(head) in set(row_ids) else None


@dataclass(frozen=True)
class RowUnit:
    """A unit that has a row: its id, name and level (and whether it has units below it, for drilling down)."""

    id: int
    name: str
    level: str
    has_children: bool = False


@dataclass(frozen=True)
class TreeUnit:
    """An active enterprise or team of the subtree, and the row it falls in."""

    id: int
    level: str  # "enterprise" or "team"
    row: int


@dataclass(frozen=True)
class UnitEntry:
    """A live unit entry in a 安康杯 contest of the year: the unit, its shown result (total in hundredths, vetoed)
    if any, and the figures of its submitted self-assessment if any (figure key → decimal text)."""

    unit_id: int
    total_x100: int | None = None
    vetoed: bool = False
    figures: Mapping[str, str] | None = None


@dataclass(frozen=True)
class CoverageRow:
    id: int | None  # the row's unit (None: the totals row)
    name: str
    level: str | None = None
    has_children: bool = False
    enterprises: int = 0
    enterprises_enrolled: int = 0
    teams: int = 0
    teams_enrolled: int = 0
    scored: int = 0  # entries with a shown result
    score_sum_x100: int = 0
    vetoes: int = 0
    hazards_found: Decimal = ZERO
    hazards_corrected: Decimal = ZERO
    proposals_made: Decimal = ZERO
    proposals_adopted: Decimal = ZERO

    @property
    def enterprise_coverage(self) -> int | None:
        return percent(self.enterprises_enrolled, self.enterprises)

    @property
    def team_coverage(self) -> int | None:
        return percent(self.teams_enrolled, self.teams)

    @property
    def average_score(self) -> Decimal | None:
        return average(self.score_sum_x100, self.scored)

    @property
    def correction_rate(self) -> int | None:
        return percent(self.hazards_corrected, self.hazards_found)

    @property
    def adoption_rate(self) -> int | None:
        return percent(self.proposals_adopted, self.proposals_made)


#: The whole-number counts of a row; with ``SUMMED``, what the totals row adds up.
COUNTS = ("enterprises", "enterprises_enrolled", "teams", "teams_enrolled", "scored", "score_sum_x100", "vetoes")
ADDED = COUNTS + SUMMED


@dataclass(frozen=True)
class CoverageTable:
    rows: list[CoverageRow]
    totals: CoverageRow = field(default_factory=lambda: CoverageRow(None, ""))


def _figure(figures: Mapping[str, str], key: str) -> Decimal:
    text = figures.get(key)
    if text is None:
        return ZERO
    try:
        value = Decimal(str(text).strip())
    except InvalidOperation:
        return ZERO
    return value if value.is_finite() and value >= 0 else ZERO


def build_table(rows: Sequence[RowUnit], units: Iterable[TreeUnit], entries: Iterable[UnitEntry], totals_name: str = "") -> CoverageTable:
    """The coverage rows (in the order of ``rows``) and their totals, by the rules of the module docstring."""
    tree = {u.id: u for u in units}
    enrolled: set[int] = set()
    vetoed: set[int] = set()
    scores: dict[int, list[int]] = {}  # row → [count, sum]
    figures: dict[int, Mapping[str, str]] = {}  # unit → its latest submitted figures
    for entry in entries:
        unit = tree.get(entry.unit_id)
        if unit is None:
            continue
        enrolled.add(unit.id)
        if entry.total_x100 is not None:
            score = scores.setdefault(unit.row, [0, 0])
            score[0] += 1
            score[1] += entry.total_x100
            if entry.vetoed:
                vetoed.add(unit.id)
        if entry.figures is not None:
            figures[unit.id] = entry.figures
    counts: dict[int, dict[str, object]] = {r.id: {name: 0 for name in COUNTS} | {k: ZERO for k in SUMMED} for r in rows}
    for unit in tree.values():
        row = counts.get(unit.row)
        if row is None:
            continue
        kind = "enterprises" if unit.level == ENTERPRISE else "teams"
        row[kind] += 1
        if unit.id in enrolled:
            row[f"{kind}_enrolled"] += 1
        if unit.id in vetoed:
            row["vetoes"] += 1
        for key in SUMMED:
            if unit.id in figures:
                row[key] += _figure(figures[unit.id], key)
    for row_id, (count, total) in scores.items():
        if row_id in counts:
            counts[row_id]["scored"], counts[row_id]["score_sum_x100"] = count, total
    out = [CoverageRow(r.id, r.name, r.level, r.has_children, **counts[r.id]) for r in rows]
    return CoverageTable(out, totals_of(out, totals_name))


def totals_of(rows: Sequence[CoverageRow], name: str = "") -> CoverageRow:
    """The totals row: every count and sum added up (percentages and the average follow from the sums)."""
    total = CoverageRow(None, name)
    for row in rows:
        total = replace(total, **{f: getattr(total, f) + getattr(row, f) for f in ADDED})
    return total
