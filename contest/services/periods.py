"""立功竞赛 periods: a series of the contest's events scoring the same units month by month (or quarter by
quarter), the organiser's "add the next period", the cumulative event (decision method ``period_total``) and the
per-period and cumulative ranking table.

- **A series** is the events of a contest with the same ``period_series``, ordered by ``period_seq``; each
  carries its label (``period_label``, "2026年9月"). ``start_series`` makes an existing event the first period.
- **Adding the next period** (``add_next_period``) copies the series' last period in one transaction: every
  column of the event (its method and ``method_options``, award scheme, tie-breakers …, whatever the method),
  its components and criteria, and its judges; and carries its confirmed entries forward, confirmed at once —
  they were approved for the contest — each with a ``carry`` step on its timeline and one audit row.
- **The cumulative event** (method ``period_total``, settings ``{"series": …}``) takes the units of the
  series as its entries (``sync_cumulative_entries``, also run when a period is added) and ranks them by the
  sum of their period totals (``domain.periods.cumulative_standings``); the host confirms it
  (``confirm_cumulative``, the event's sign-off) once every period has results.
"""

from __future__ import annotations

import copy
import logging
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import gettext
from sqlalchemy import func, select, update

from contest import policy
from contest.documents import xlsx
from contest.domain import contests as states
from contest.domain import ranking
from contest.domain.errors import N_, DomainError
from contest.domain.nominations import NominationStatus
from contest.domain.orgtree import path_ids
from contest.domain.periods import PeriodResult, Standing, cumulative_standings, next_label, series_name
from contest.extensions import db
from contest.loaders import get_contest, managed_contest, managed_event, or_404
from contest.models import (
    Component,
    Contest,
    Criterion,
    Event,
    EventResult,
    JudgeAssignment,
    Nomination,
    NominationMember,
    Organisation,
    SignOff,
    User,
)
from contest.services import NotFound, PermissionDenied, audit, nominations, transaction
from contest.services.judging import mark_contest_scored_if_done, sign_off_of
from contest.services.registration import lock_event

logger = logging.getLogger(__name__)

METHOD = "period_total"  # the cumulative decision method's registry name (``contest.methods.period_total``)
MANAGE_PERIODS = N_("Only organisers of %(host)s manage the periods.")
#: While periods may be added or a series started: before the contest is scored.
ADDING = (*states.PREPARING, *states.SCORING)
MAX_LABEL = 40
MAX_SERIES = 50

# Columns of an event that a new period does not copy: its identity, its place and its link to a final.
_NOT_COPIED = {"id", "name", "position", "period_label", "period_seq", "final_event_id"}


# ---------------------------------------------------------------------------------------------- reading


def periods_of(contest_id: int, series: str) -> list[Event]:
    """The periods of a series in order."""
    return list(db.session.scalars(
        select(Event).where(Event.contest_id == contest_id, Event.period_series == series).order_by(Event.period_seq)
    ))


def series_names(contest_id: int) -> list[str]:
    """The contest's series, in the order of their first period."""
    rows = db.session.execute(
        select(Event.period_series, func.min(Event.id)).where(Event.contest_id == contest_id, Event.period_series.is_not(None))
        .group_by(Event.period_series).order_by(func.min(Event.id))
    )
    return [series for series, _first in rows]


def series_of(event: Event) -> str | None:
    """The series a cumulative event adds up (its ``method_options``), or None."""
    return (event.method_options or {}).get("series") if event.method_name == METHOD else None


def cumulative_events(contest_id: int, series: str) -> list[Event]:
    events = db.session.scalars(select(Event).where(Event.contest_id == contest_id, Event.method_name == METHOD))
    return [e for e in events if series_of(e) == series]


def _computed(event_ids: list[int]) -> set[int]:
    if not event_ids:
        return set()
    return set(db.session.scalars(select(EventResult.event_id).where(EventResult.event_id.in_(event_ids)).distinct()))


@dataclass(frozen=True)
class SeriesStandings:
    """A series read for ranking: its periods, which of them have results, each unit's standing and each
    unit's rank in each period (stored results)."""

    periods: list[Event]
    computed: set[int]
    standings: dict[int, Standing]  # unit id → standing over the computed periods
    period_ranks: dict[tuple[int, int], int]  # (period event id, unit id) → rank

    def exclusion_text(self, unit_id: int) -> str:
        labels = {p.id: p.period_label for p in self.periods}
        return "；".join(f"{labels[period]}：{reason}" for period, reason in self.standings[unit_id].exclusions)


def standings_of(contest_id: int, series: str, units: list[int] | None = None) -> SeriesStandings:
    """Every unit's cumulative standing over the periods of ``series`` that have results (``domain.periods``);
    ``units``: units that get a standing even without any result (the cumulative event's entries)."""
    periods = periods_of(contest_id, series)
    computed = _computed([p.id for p in periods])
    rows = db.session.execute(
        select(EventResult.event_id, Nomination.unit_id, EventResult.total_x100, EventResult.excluded_reason, EventResult.rank)
        .join(Nomination, Nomination.id == EventResult.nomination_id)
        .where(EventResult.event_id.in_(list(computed)), Nomination.unit_id.is_not(None))
    ) if computed else []
    results: dict[int, dict[int, PeriodResult]] = defaultdict(dict)
    ranks: dict[tuple[int, int], int] = {}
    for event_id, unit_id, total, reason, rank in rows:
        results[event_id][unit_id] = PeriodResult(total, reason)
        ranks[(event_id, unit_id)] = rank
    order = [p.id for p in periods if p.id in computed]
    entered = units if units is not None else _entered_units([p.id for p in periods])
    return SeriesStandings(periods, computed, cumulative_standings(order, entered, results), ranks)


def _entered_units(event_ids: list[int]) -> list[int]:
    if not event_ids:
        return []
    return list(db.session.scalars(
        select(Nomination.unit_id).where(Nomination.event_id.in_(event_ids), Nomination.status == NominationStatus.CONFIRMED,
                                         Nomination.unit_id.is_not(None)).distinct().order_by(Nomination.unit_id)
    ))


def cumulative_ranking(event: Event) -> ranking.RankingInput:
    """The ranking input of a cumulative event: its entries (units) by the sum of their period totals, higher
    first (ties share a rank); a unit excluded in any period is excluded here, its reasons listed by period."""
    series = series_of(event)
    entries = {n.unit_id: n.id for n in _live_entries(event.id) if n.unit_id is not None}
    read = standings_of(event.contest_id, series, list(entries)) if series else None
    contenders, excluded = [], {}
    for unit_id, nomination_id in sorted(entries.items(), key=lambda item: item[1]):
        standing = read.standings.get(unit_id) if read else None
        total = standing.total_x100 if standing else 0
        contenders.append(ranking.Contender(nomination_id, Decimal(total) / 100))
        if standing is not None and standing.excluded:
            excluded[nomination_id] = read.exclusion_text(unit_id)
    return ranking.RankingInput(ranking.rank_entries(contenders), marks=True, excluded=excluded)


def cumulative_progress(event: Event) -> tuple[int, int]:
    """(periods, periods with results) of the cumulative event's series."""
    series = series_of(event)
    periods = periods_of(event.contest_id, series) if series else []
    return len(periods), len(_computed([p.id for p in periods]))


def _live_entries(event_id: int) -> list[Nomination]:
    return list(db.session.scalars(
        select(Nomination).where(Nomination.event_id == event_id, Nomination.status == NominationStatus.CONFIRMED).order_by(Nomination.id)
    ))


# ---------------------------------------------------------------------------------------------- writing


def _check_label(label: str) -> str:
    label = " ".join((label or "").split())
    if not label or len(label) > MAX_LABEL:
        raise DomainError(N_("Enter the period's label, e.g. 2026年9月 (at most %(max)d characters)."), max=MAX_LABEL)
    return label


def _check_name(contest: Contest, name: str, own_id: int | None = None) -> None:
    if len(name) > 100:
        raise DomainError(N_("The series name and the period label are too long together (at most 100 characters)."))
    if any(e.name == name and e.id != own_id for e in contest.events):
        raise DomainError(N_("This contest already has an event named %(name)s."), name=name)


def _check_adding(contest: Contest) -> None:
    if contest.status not in ADDING:
        raise DomainError(N_("The contest's results are being settled; no period can be added any more."))


def start_series(actor: User, event_id: int, series: str, label: str) -> Event:
    """Make an event the first period of a new series: named "<series>（<label>）"."""
    with transaction():
        event = managed_event(actor, event_id, MANAGE_PERIODS)
        contest = event.contest
        _check_adding(contest)
        if event.is_period:
            raise DomainError(N_("This event is already a period of %(series)s."), series=event.period_series)
        if event.method_name == METHOD:
            raise DomainError(N_("A cumulative ranking cannot be a period itself."))
        series = " ".join((series or "").split())
        if not series or len(series) > MAX_SERIES:
            raise DomainError(N_("Enter the series' name (at most %(max)d characters)."), max=MAX_SERIES)
        if series in series_names(contest.id):
            raise DomainError(N_("This contest already has a series named %(series)s."), series=series)
        label = _check_label(label)
        name = series_name(series, label)
        _check_name(contest, name, event.id)
        event.name, event.period_series, event.period_label, event.period_seq = name, series, label, 1
        audit(actor, "period.start", "event", event.id, series=series, label=label)
    return event


def add_next_period(actor: User, event_id: int, label: str | None = None) -> Event:
    """The next period of the series of ``event_id``: a copy of the series' last period (generic over methods:
    every column, the rubric, the judges) with its confirmed entries carried forward, confirmed without a new
    approval climb (a ``carry`` step each and one audit row). ``label``: the new period's label; by default the
    one after the last period's (``domain.periods.next_label``)."""
    with transaction():
        event = managed_event(actor, event_id, MANAGE_PERIODS)
        contest = event.contest
        if not event.is_period:
            raise DomainError(N_("This event is not a period of a series."))
        _check_adding(contest)
        series = event.period_series
        previous = periods_of(contest.id, series)[-1]
        lock_event(previous)
        for cumulative in cumulative_events(contest.id, series):
            if sign_off_of(cumulative.id) is not None:
                raise DomainError(N_("The cumulative ranking of %(series)s has been confirmed; no period can be added."), series=series)
        label = _check_label(label if label else (next_label(previous.period_label) or ""))
        if any(p.period_label == label for p in periods_of(contest.id, series)):
            raise DomainError(N_("The series already has a period %(label)s."), label=label)
        name = series_name(series, label)
        _check_name(contest, name)
        new = _copy_event(previous, name, label, max(e.position for e in contest.events) + 1)
        db.session.add(new)
        db.session.flush()
        for assignment in db.session.scalars(select(JudgeAssignment).where(JudgeAssignment.event_id == previous.id).order_by(JudgeAssignment.id)):
            db.session.add(JudgeAssignment(event_id=new.id, judge_id=assignment.judge_id, is_chief=assignment.is_chief, assigned_by_id=actor.id))
        carried = _carry_entries(actor, previous, new)
        synced = sum(_sync(actor, c) for c in cumulative_events(contest.id, series))
        db.session.flush()
        audit(actor, "period.add", "event", new.id, series=series, label=label, copied_from=previous.id, carried=carried,
              cumulative_entries_added=synced)
    return new


def _copy_event(source: Event, name: str, label: str, position: int) -> Event:
    """A new event with every column of ``source`` (JSON values deep-copied) but its identity and place, and a
    copy of its components and criteria."""
    values = {attr.key: copy.deepcopy(getattr(source, attr.key)) for attr in Event.__mapper__.column_attrs if attr.key not in _NOT_COPIED}
    new = Event(**values, name=name, period_label=label, period_seq=source.period_seq + 1, position=position)
    for component in source.components:
        c = Component(**_columns(component, Component, {"id", "event_id"}))
        c.criteria = [Criterion(**_columns(k, Criterion, {"id", "component_id"})) for k in component.criteria]
        new.components.append(c)
    return new


def _columns(row, model, skip: set[str]) -> dict:
    return {attr.key: copy.deepcopy(getattr(row, attr.key)) for attr in model.__mapper__.column_attrs if attr.key not in skip}


def _carry_entries(actor: User, source: Event, target: Event) -> int:
    """``source``'s confirmed entries entered in ``target`` (those not there yet), confirmed, with their
    competitor numbers (when free); each with a ``carry`` step naming ``source``. Returns how many."""
    present_units = set(db.session.scalars(select(Nomination.unit_id).where(Nomination.event_id == target.id, Nomination.unit_id.is_not(None))))
    present_members = set(db.session.scalars(select(NominationMember.user_id).where(NominationMember.event_id == target.id, NominationMember.live)))
    taken_numbers = set(db.session.scalars(select(Nomination.competitor_number).where(Nomination.event_id == target.id,
                                                                                     Nomination.competitor_number.is_not(None))))
    plans, numbers = [], []
    for n in _live_entries(source.id):
        members = tuple(m.user_id for m in n.members if m.live)
        if (n.unit_id is not None and n.unit_id in present_units) or present_members & set(members):
            continue
        plans.append(nominations.PlannedNomination(
            event_id=target.id, host_id=target.contest.host_id, kind=n.entrant_kind, member_ids=members, team_name=n.team_name,
            unit_id=n.unit_id, org_id=n.org_id, chain=tuple(path_ids(n.chain)), level=None,
            source=source.name[:200], step_org_id=target.contest.host_id, step_reason=source.name))
        number = n.competitor_number
        numbers.append(number if number is not None and number not in taken_numbers else None)
        if number is not None:
            taken_numbers.add(number)
    ids = nominations.write_nominations(actor, plans, "carry", confirm_step=False)
    for nomination_id, number in zip(ids, numbers, strict=True):
        if number is not None:
            db.session.execute(update(Nomination).where(Nomination.id == nomination_id).values(competitor_number=number))
    return len(ids)


def _sync(actor: User, cumulative: Event) -> int:
    """Enter in the cumulative event every unit confirmed in a period of its series and not entered yet."""
    series = series_of(cumulative)
    if not series or sign_off_of(cumulative.id) is not None:
        return 0
    added = 0
    for period in reversed(periods_of(cumulative.contest_id, series)):  # the latest period's numbers first
        added += _carry_entries(actor, period, cumulative)
    return added


def set_up_cumulative(actor: User, event_id: int, series: str) -> Event:
    """The cumulative event's settings: the series it adds up; its entries follow the series' units."""
    with transaction():
        event = managed_event(actor, event_id, MANAGE_PERIODS)
        if event.method_name != METHOD:
            raise DomainError(N_("This event is not a cumulative ranking."))
        if sign_off_of(event.id) is not None:
            raise DomainError(N_("The cumulative ranking has been confirmed; its settings can no longer change."))
        if event.contest.status not in ADDING:
            raise DomainError(N_("The contest's results are being settled; no period can be added any more."))
        if series not in series_names(event.contest_id):
            raise DomainError(N_("Choose a series of this contest's periods."))
        event.method_options = {**(event.method_options or {}), "series": series}
        added = _sync(actor, event)
        audit(actor, "period.cumulative", "event", event.id, series=series, entries_added=added)
    return event


def confirm_cumulative(actor: User, event_id: int) -> SignOff:
    """The host confirms the cumulative ranking (the event's sign-off): once every period of the series has
    results; entries follow the series up to this moment. When every event is signed off the contest is scored."""
    with transaction():
        event = managed_event(actor, event_id, N_("Only organisers of %(host)s confirm the cumulative ranking."))
        if event.method_name != METHOD or not series_of(event):
            raise DomainError(N_("Choose the series this ranking adds up first."))
        if event.contest.status not in states.SCORING:
            raise DomainError(N_("Scoring is not open for this event."))
        lock_event(event)
        if sign_off_of(event.id) is not None:
            raise DomainError(N_("The cumulative ranking has already been confirmed."))
        expected, done = cumulative_progress(event)
        if expected == 0 or done < expected:
            raise DomainError(N_("%(count)d periods have no results yet; the cumulative ranking cannot be confirmed."),
                              count=expected - done)
        _sync(actor, event)
        record = SignOff(event_id=event.id, chief_id=actor.id)
        db.session.add(record)
        db.session.flush()
        scored = mark_contest_scored_if_done(event)
        audit(actor, "event.sign_off", "event", event.id, cumulative=True, contest_scored=scored)
    return record


# ---------------------------------------------------------------------------------------------- the table


@dataclass(frozen=True)
class Cell:
    total: Decimal | None  # None: no result in a period that has results (counted as 0)
    rank: int | None
    excluded: str | None


@dataclass(frozen=True)
class Row:
    unit: Organisation
    cells: list[Cell | None]  # per period; None: the period has no results yet
    total: Decimal
    rank: int
    missing: list[str]  # labels of the periods the unit has no result in
    exclusions: list[tuple[str, str]]  # (label, reason)
    award: str | None


@dataclass(frozen=True)
class Table:
    series: str
    periods: list[Event]
    computed: list[bool]
    rows: list[Row]
    cumulative: Event | None
    confirmed: bool
    next_label: str | None  # the label "add the next period" takes when none is typed


@dataclass(frozen=True)
class PeriodPage:
    contest: Contest
    tables: list[Table]
    manage: bool  # the host's organisers: exclusion reasons, adding periods
    may_add: bool
    events: list[Event]  # events that could start a series (host only)


def _visible(viewer: User | None, contest_id: int) -> tuple[Contest, bool]:
    contest = or_404(Contest, contest_id, N_("This contest does not exist."))
    if viewer is not None and getattr(viewer, "is_authenticated", False):
        contest = get_contest(viewer, contest_id)
        if policy.can_manage(viewer, contest):
            return contest, True
    if contest.status in states.PUBLISHED:
        return contest, False
    raise PermissionDenied(N_("The ranking is public once the results are published."))


def period_page(viewer: User | None, contest_id: int) -> PeriodPage:
    """Per-period and cumulative ranking of every series of the contest: the host's organisers always (with the
    reasons for exclusions), everyone once the results are published."""
    contest, manage = _visible(viewer, contest_id)
    tables = [_table(contest, series) for series in series_names(contest.id)]
    candidates = [e for e in contest.events if not e.is_period and e.method_name != METHOD] if manage else []
    return PeriodPage(contest, tables, manage, manage and contest.status in ADDING, candidates)


def _marks(x100: int) -> Decimal:
    return (Decimal(x100) / 100).quantize(Decimal("0.01"))


def _table(contest: Contest, series: str) -> Table:
    read = standings_of(contest.id, series)
    cumulative = next(iter(cumulative_events(contest.id, series)), None)
    awards = {}
    if cumulative is not None:
        awards = dict(db.session.execute(
            select(Nomination.unit_id, EventResult.award).join(Nomination, Nomination.id == EventResult.nomination_id)
            .where(EventResult.event_id == cumulative.id)).all())
    units = {o.id: o for o in db.session.scalars(select(Organisation).where(Organisation.id.in_(list(read.standings))))}
    ranked = ranking.rank_entries([ranking.Contender(u, Decimal(s.total_x100) / 100) for u, s in sorted(read.standings.items())])
    labels = {p.id: p.period_label for p in read.periods}
    rows = []
    for entry in ranked:
        unit_id = entry.entry_id
        standing = read.standings[unit_id]
        cells: list[Cell | None] = []
        for period in read.periods:
            if period.id not in read.computed:
                cells.append(None)
                continue
            result = standing.by_period.get(period.id)
            cells.append(Cell(_marks(result.total_x100) if result else None, read.period_ranks.get((period.id, unit_id)),
                              result.excluded_reason if result else None))
        rows.append(Row(units[unit_id], cells, _marks(standing.total_x100), entry.rank,
                        [labels[p] for p in standing.missing], [(labels[p], r) for p, r in standing.exclusions], awards.get(unit_id)))
    confirmed = cumulative is not None and sign_off_of(cumulative.id) is not None
    return Table(series, read.periods, [p.id in read.computed for p in read.periods], rows, cumulative, confirmed,
                 next_label(read.periods[-1].period_label) if read.periods else None)


def managed(actor: User, contest_id: int) -> Contest:
    """The contest, for its host's organisers."""
    return managed_contest(actor, contest_id, MANAGE_PERIODS)


def period_event(actor: User, event_id: int) -> Event:
    """An event for its host's organisers (the "add the next period" form; the service refuses a non-period)."""
    return managed_event(actor, event_id, MANAGE_PERIODS)


@dataclass(frozen=True)
class CumulativeView:
    """The cumulative event's page for its host: the series it adds up, the series to choose from, how many
    periods have results, whether it is confirmed, and its series' table."""

    event: Event
    series: str | None
    choices: list[str]
    periods: int
    computed: int
    confirmed: bool
    table: Table | None
    may_confirm: bool


def cumulative_view(actor: User, event_id: int) -> CumulativeView:
    event = managed_event(actor, event_id, MANAGE_PERIODS)
    if event.method_name != METHOD:
        raise NotFound(N_("This event is not a cumulative ranking."))
    series = series_of(event)
    expected, done = cumulative_progress(event)
    confirmed = sign_off_of(event.id) is not None
    return CumulativeView(event, series, series_names(event.contest_id), expected, done, confirmed,
                          _table(event.contest, series) if series else None,
                          bool(series) and not confirmed and expected > 0 and done == expected and event.contest.status in states.SCORING)


def period_xlsx(viewer: User | None, contest_id: int) -> tuple[str, bytes]:
    """The period page as a workbook: one sheet per series, units × periods (total and rank of each), the
    cumulative total and rank, the award; the host's copy names the reasons for exclusions."""
    page = period_page(viewer, contest_id)
    sheets = []
    for table in page.tables:
        headers = [gettext("Rank"), gettext("Unit")]
        for period in table.periods:
            headers += [gettext("%(period)s total", period=period.period_label), gettext("%(period)s rank", period=period.period_label)]
        headers += [gettext("Cumulative total"), gettext("Award"), gettext("Not counted"), gettext("Excluded from awards")]
        rows = []
        for row in table.rows:
            values: list[object] = [row.rank, row.unit.name]
            for cell in row.cells:
                values += [cell.total if cell else None, cell.rank if cell else None] if cell else [None, None]
            excluded = "；".join(f"{label}：{reason}" for label, reason in row.exclusions) if page.manage else (
                gettext("Not eligible for awards") if row.exclusions else "")
            values += [row.total, row.award or "", "、".join(row.missing), excluded]
            rows.append(values)
        sheets.append(xlsx.Sheet(table.series, headers, rows))
    if not sheets:
        sheets.append(xlsx.Sheet(page.contest.title, [gettext("Unit")], []))
    return page.contest.title, xlsx.write_workbook(sheets)
