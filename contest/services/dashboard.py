"""The organisers' dashboard: one unit's subtree, one year, against the plan's targets.

Every figure is read with grouped aggregate queries — a fixed number (``QUERIES``) whatever the year's size;
``tests/app/test_dashboard.py`` counts them. Breakdowns "by unit" group by the children of the viewed unit
(the city: its counties and 市直 enterprises; a county: its enterprises): the queries group by unit path and the
rows are folded into the child whose id follows the viewed unit's path, so a row drills down to that child's
own dashboard.

Definitions (see ``contest.domain.targets`` for the metrics):

* a contest counts in the year of ``Contest.year`` unless it is a draft; its level is its host's level; its
  month is that of its registration opening, else its contest date, else its creation;
* an entry is a member of a pending or confirmed nomination in a contest of the year, who belongs to the viewed
  subtree (by the worker's own unit; whoever hosts the contest); its month is the nomination's creation;
* months are local (Asia/Shanghai) months of the chosen year: a date before the year counts in January, after it
  in December, so the month-by-month table ends at the headline's figure; the table runs to the current month
  (the whole year for past years) and further only to show a contest planned for a later month;
* approvals waiting: pending nominations of the year waiting at a unit of the subtree, aged from their last
  step (the moment they reached that unit);
* awards and titles: stored results of published (公示) and final contests of the year, by the entry's unit;
* 安康杯 coverage (headline, chart and table): ``contest.services.coverage.table_for`` — the same table as the
  coverage page and its export (enterprises and teams enrolled as units; rules in ``contest.domain.coverage``).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Text, and_, case, cast, distinct, func, select
from sqlalchemy.orm import aliased, contains_eager, joinedload

from contest import clock, policy
from contest.clock import today
from contest.domain import contests as states
from contest.domain import targets as rules
from contest.domain.awards import award_column_order
from contest.domain.contests import ContestKind, ContestStatus
from contest.domain.coverage import CoverageTable
from contest.domain.errors import N_
from contest.domain.nominations import LIVE, NominationStatus
from contest.domain.orgtree import OrgLevel, path_ids
from contest.extensions import db
from contest.models import (
    Contest,
    Event,
    EventResult,
    Nomination,
    NominationMember,
    NominationStep,
    Organisation,
    Role,
    Target,
    User,
    utcnow,
)
from contest.services import NotFound, PermissionDenied, audit, coverage, transaction
from contest.services.contests import DEFAULT_AWARD_SCHEME

QUERIES = 10 + coverage.QUERIES  # the queries ``build`` runs, whatever the data (checked by a test)


@dataclass(frozen=True)
class UnitRow:
    org_id: int
    name: str
    level: str
    has_children: bool
    contests: int = 0
    entries: int = 0
    workers: int = 0
    awards: dict[str, int] = field(default_factory=dict)
    titles: int = 0

    @property
    def awards_total(self) -> int:
        return sum(self.awards.values())


@dataclass(frozen=True)
class Headline:
    metric: str
    value: int
    target: int | None

    @property
    def ratio(self) -> int | None:
        return rules.ratio(self.value, self.target)


@dataclass(frozen=True)
class Dashboard:
    unit: Organisation
    year: int
    headlines: list[Headline]
    by_level: dict[str, dict[str, int]]  # level → kind → contests
    levels: list[str]
    kinds: list[str]
    units: list[UnitRow]
    trades: list[tuple[str, int, int]]  # trade, entries, workers
    entries: int
    workers: int
    waiting: list[tuple[str, int, int, int, int]]  # level, count, older than 3 days, older than 7 days, oldest age (days)
    months: dict[str, list[rules.MonthProgress]]  # metric → progress
    award_labels: list[str]
    targets: dict[str, int | None]
    stored_targets: dict[str, int]
    coverage: CoverageTable  # 安康杯 coverage: one row per unit below (and the unit itself when it enters)

    @property
    def contests_total(self) -> int:
        return sum(sum(kinds.values()) for kinds in self.by_level.values())

    @property
    def headline(self) -> dict[str, Headline]:
        return {h.metric: h for h in self.headlines}


def dashboard_unit(viewer: User, unit_id: int | None) -> Organisation:
    """The unit the viewer asked for (default: his own); refused outside his subtree."""
    if unit_id is None:
        return viewer.org
    return coverage.coverage_unit(viewer, unit_id)


def can_view(viewer: User) -> bool:
    return policy.is_organiser(viewer)


def build(viewer: User, unit: Organisation, year: int) -> Dashboard:
    if not (policy.is_organiser(viewer) and policy.in_scope(viewer, unit)):
        raise PermissionDenied()
    prefix = unit.path
    Host = aliased(Organisation, name="host")
    NomOrg = aliased(Organisation, name="nom_org")
    Child = aliased(Organisation, name="child")
    MemberOrg = aliased(Organisation, name="member_org")
    Grand = aliased(Organisation, name="grand")
    counted = and_(Contest.year == year, Contest.status != ContestStatus.DRAFT)
    child_of_unit = and_(Child.parent_id == unit.id, Child.active.is_(True))

    # 1. the children, and whether each has children of its own (drill-down)
    has_children = select(Grand.id).where(Grand.parent_id == Child.id, Grand.active.is_(True)).exists()
    children = db.session.execute(
        select(Child.id, Child.name, Child.level, has_children).where(child_of_unit).order_by(Child.position, Child.id)
    ).all()
    child_ids = {cid for cid, *_ in children}

    def child_of(path: str) -> int | None:
        """The child of the viewed unit whose subtree holds ``path`` (None for the unit itself)."""
        rest = path[len(prefix):]
        head = rest.split("/", 1)[0] if rest else ""
        return int(head) if head.isdigit() and int(head) in child_ids else None

    # 2, 3. 安康杯 coverage (``services.coverage``: its own two queries)
    safety = coverage.table_for(unit, year)
    # 4. contests by level and kind
    by_level: dict[str, dict[str, int]] = defaultdict(dict)
    for level, kind, count in db.session.execute(
        select(Host.level, Contest.kind, func.count(Contest.id)).join(Host, Host.id == Contest.host_id)
        .where(counted, Host.path.startswith(prefix)).group_by(Host.level, Contest.kind)
    ):
        by_level[_value(level)][_value(kind)] = count
    # 5. contests by host, folded into the children
    contests_by_child: dict[int, int] = defaultdict(int)
    for host_path, count in db.session.execute(
        select(Host.path, func.count(Contest.id)).join(Contest, Contest.host_id == Host.id)
        .where(counted, Host.path.startswith(prefix)).group_by(Host.path)
    ):
        if (cid := child_of(host_path)) is not None:
            contests_by_child[cid] += count
    # 6. contests by local month within the year, for the contest targets
    is_city_skills = and_(Host.level == OrgLevel.CITY, Contest.kind == ContestKind.SKILLS)
    contest_months: dict[str, dict[int, int]] = {"city_skills_contests": defaultdict(int), "county_contests": defaultdict(int)}
    dated = (
        select(_contest_month(year).label("month"), case((is_city_skills, 1), else_=0).label("city_skills"),
               case((Host.level == OrgLevel.COUNTY, 1), else_=0).label("county"))
        .join(Host, Host.id == Contest.host_id).where(counted, Host.path.startswith(prefix)).subquery()
    )
    for month, city_skills, county, count in db.session.execute(
        select(dated.c.month, dated.c.city_skills, dated.c.county, func.count()).group_by(dated.c.month, dated.c.city_skills, dated.c.county)
    ):
        if city_skills:
            contest_months["city_skills_contests"][int(month)] += count
        if county:
            contest_months["county_contests"][int(month)] += count

    # Entries: members of live nominations in counted contests, by the member's own unit (a worker belongs to
    # one unit, so distinct workers add up across units).
    entry = (
        select().select_from(NominationMember).join(Nomination, Nomination.id == NominationMember.nomination_id)
        .join(Event, Event.id == Nomination.event_id).join(Contest, Contest.id == Event.contest_id)
        .where(counted, Nomination.status.in_(LIVE))
    )
    scoped = entry.join(User, User.id == NominationMember.user_id).join(MemberOrg, MemberOrg.id == User.org_id)
    if unit.parent_id is not None:  # below the root, only the subtree's workers (the root's subtree is everyone)
        entry = scoped = scoped.where(MemberOrg.path.startswith(prefix))
    # 7. entries and distinct workers by unit, folded into the children
    entries = workers = 0
    entries_by_child: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for org_path, n, w in db.session.execute(
        scoped.add_columns(MemberOrg.path, func.count(NominationMember.id), func.count(distinct(NominationMember.user_id)))
        .group_by(MemberOrg.path)
    ):
        entries, workers = entries + n, workers + w
        if (cid := child_of(org_path)) is not None:
            entries_by_child[cid][0] += n
            entries_by_child[cid][1] += w
    # 8. … by trade (the event's name: 电工, 焊工 …)
    trades = [(name, n, w) for name, n, w in db.session.execute(
        entry.add_columns(Event.name, func.count(NominationMember.id), func.count(distinct(NominationMember.user_id)))
        .group_by(Event.name).order_by(func.count(NominationMember.id).desc(), Event.name)
    )]
    # 9. … by local month of the nomination within the year (the headline's entries, month by month)
    entered = entry.add_columns(_local_month(Nomination.created_at, year, instants=True).label("month")).subquery()
    entry_months = {int(m): n for m, n in db.session.execute(select(entered.c.month, func.count()).group_by(entered.c.month))}
    # 10. approvals waiting at units of the subtree, aged from their last step. One join grouped per nomination,
    # then per level: the planner keeps it a hash join even before PostgreSQL has statistics of freshly loaded
    # tables (a separate "last step of every pending nomination" subquery became a 7.5 s nested loop there).
    now = utcnow()
    Waiting = aliased(Organisation, name="waiting")
    pending = (select(Waiting.level.label("level"), Nomination.id.label("id"), func.max(NominationStep.at).label("at"))
               .select_from(Nomination).join(NominationStep, NominationStep.nomination_id == Nomination.id)
               .join(Waiting, Waiting.id == Nomination.waiting_org_id).join(Event, Event.id == Nomination.event_id)
               .join(Contest, Contest.id == Event.contest_id)
               .where(Nomination.status == NominationStatus.PENDING, Contest.year == year, Waiting.path.startswith(prefix))
               .group_by(Waiting.level, Nomination.id).subquery())
    waiting = []
    for level, count, over3, over7, oldest in db.session.execute(
        select(pending.c.level, func.count(pending.c.id), func.sum(case((pending.c.at < now - timedelta(days=3), 1), else_=0)),
               func.sum(case((pending.c.at < now - timedelta(days=7), 1), else_=0)), func.min(pending.c.at))
        .group_by(pending.c.level)
    ):
        waiting.append((_value(level), count, int(over3 or 0), int(over7 or 0), (now - oldest).days if oldest else 0))
    waiting.sort(key=lambda row: OrgLevel(row[0]).rank)
    # 11. awards and titles of published and final contests, by the entry's unit, folded into the children
    awards: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    titles: dict[int, int] = defaultdict(int)
    labels: set[str] = set()
    schemes: set[tuple[str, ...]] = set()  # the tier names of the events' award schemes, for the columns' order
    for org_path, award, title_json, scheme_json, count in db.session.execute(
        select(NomOrg.path, EventResult.award, cast(EventResult.titles, Text), cast(Event.award_scheme, Text), func.count(EventResult.id))
        .join(Nomination, Nomination.id == EventResult.nomination_id).join(Event, Event.id == EventResult.event_id)
        .join(Contest, Contest.id == Event.contest_id).join(NomOrg, NomOrg.id == Nomination.org_id)
        .where(NomOrg.path.startswith(prefix), Contest.year == year, Contest.status.in_(states.PUBLISHED))
        .group_by(NomOrg.path, EventResult.award, cast(EventResult.titles, Text), cast(Event.award_scheme, Text))
    ):
        if award:
            labels.add(award)
            schemes.add(_tier_names(scheme_json))
        if (cid := child_of(org_path)) is None:
            continue
        if award:
            awards[cid][award] += count
        titles[cid] += count * len(json.loads(title_json or "[]") or [])
    # 12. targets stored for the unit and year
    stored = dict(db.session.execute(select(Target.metric, Target.value).where(Target.year == year, Target.org_id == unit.id)).all())
    effective = rules.effective_targets(stored, unit.depth)

    units = [
        UnitRow(cid, name, _value(level), bool(below), contests=contests_by_child.get(cid, 0),
                entries=entries_by_child.get(cid, (0, 0))[0], workers=entries_by_child.get(cid, (0, 0))[1],
                awards=dict(awards.get(cid, {})), titles=titles.get(cid, 0))
        for cid, name, level, below in children
    ]
    values = {
        "city_skills_contests": by_level.get(OrgLevel.CITY.value, {}).get(ContestKind.SKILLS.value, 0),
        "county_contests": sum(by_level.get(OrgLevel.COUNTY.value, {}).values()),
        "entries": entries,
        "safety_coverage": safety.totals.enterprise_coverage or 0,
    }
    headlines = [Headline(m, values[m], effective[m]) for m in rules.METRICS]
    up_to = 12 if year < today().year else (today().month if year == today().year else 0)
    up_to = max(up_to, *entry_months, *contest_months["city_skills_contests"], *contest_months["county_contests"], 0)  # planned contests
    months = {
        "city_skills_contests": rules.month_progress(contest_months["city_skills_contests"], effective["city_skills_contests"], up_to),
        "county_contests": rules.month_progress(contest_months["county_contests"], effective["county_contests"], up_to),
        "entries": rules.month_progress(entry_months, effective["entries"], up_to),
    }
    levels = [lv.value for lv in OrgLevel if lv.value in by_level]
    kinds = [k.value for k in ContestKind if any(k.value in row for row in by_level.values())]
    return Dashboard(unit=unit, year=year, headlines=headlines, by_level=dict(by_level), levels=levels, kinds=kinds, units=units,
                     trades=trades, entries=entries, workers=workers, waiting=waiting, months=months, award_labels=award_column_order(labels, schemes),
                     targets=effective, stored_targets=stored, coverage=safety)


def _local_month(column, year: int, instants: bool):
    """SQL: the local month (1–12) of ``column`` within ``year`` — a ``DateTime`` of naive UTC instants
    (``instants``), compared with the UTC instants of local midnights in Asia/Shanghai (``contest.clock``), or a
    ``Date`` of local days. Before the year counts as January, after it as December (the headline counts by
    ``Contest.year``, so nothing of the year falls outside the twelve months). Comparisons only: the same SQL on
    SQLite and PostgreSQL, whatever the database's time zone."""
    starts = [datetime(year, m, 1) for m in range(2, 13)]
    bounds = [clock.to_utc(s) for s in starts] if instants else [s.date() for s in starts]
    return case(*((column < bound, month) for month, bound in enumerate(bounds, start=1)), else_=12)


def _contest_month(year: int):
    """SQL: a contest's month — its registration opening, else its contest date, else its creation (local time)."""
    return case((Contest.registration_opens.is_not(None), _local_month(Contest.registration_opens, year, instants=False)),
                (Contest.contest_date.is_not(None), _local_month(Contest.contest_date, year, instants=False)),
                else_=_local_month(Contest.created_at, year, instants=True))


def _tier_names(scheme_json: str | None) -> tuple[str, ...]:
    """The tier names of a stored award scheme (JSON text; empty: the default scheme), in order."""
    scheme = {**DEFAULT_AWARD_SCHEME, **(json.loads(scheme_json or "null") or {})}
    return tuple(t["name"] for t in scheme["tiers"] if t.get("name"))


def _value(enum_or_str) -> str:
    return getattr(enum_or_str, "value", enum_or_str)


def stored_targets(viewer: User, unit: Organisation, year: int) -> dict[str, int]:
    if not (policy.is_organiser(viewer) and policy.in_scope(viewer, unit)):
        raise PermissionDenied()
    return dict(db.session.execute(select(Target.metric, Target.value).where(Target.year == year, Target.org_id == unit.id)).all())


def set_targets(actor: User, unit_id: int, year: int, values: dict[str, int | None]) -> dict[str, int]:
    """Store the unit's targets for the year; ``None`` removes a stored target (back to the plan's default).

    Organisers set targets for their own unit and the units below it."""
    unit = dashboard_unit(actor, unit_id)
    if not 2000 <= year <= 2100:
        raise NotFound(N_("Not found."))
    checked = {m: (None if v is None else rules.check_target(m, v)) for m, v in values.items()}
    with transaction():
        rows = {t.metric: t for t in db.session.scalars(select(Target).where(Target.year == year, Target.org_id == unit.id))}
        for metric, value in checked.items():
            row = rows.get(metric)
            if value is None:
                if row is not None:
                    db.session.delete(row)
            elif row is None:
                db.session.add(Target(year=year, org_id=unit.id, metric=metric, value=value, updated_by_id=actor.id))
            else:
                row.value, row.updated_by_id = value, actor.id
        audit(actor, "dashboard.targets", "organisation", unit.id, year=year, values={k: v for k, v in checked.items()})
    return {m: v for m, v in checked.items() if v is not None}


def seed_targets(org: Organisation, year: int, values: dict[str, int], actor: User | None = None) -> None:
    """Demo data: store targets without the permission check (inside the caller's transaction)."""
    for metric, value in values.items():
        db.session.add(Target(year=year, org_id=org.id, metric=metric, value=rules.check_target(metric, value),
                              updated_by_id=actor.id if actor else None))


@dataclass(frozen=True)
class RecordLine:
    nomination: Nomination
    result: EventResult | None  # only once the contest's results are public (公示 or final)


def worker_record(user: User) -> list[RecordLine]:
    """The worker's entries, newest first, each with its result where the results are public: one query."""
    public = and_(EventResult.nomination_id == Nomination.id,
                  Contest.status.in_(states.PUBLISHED))
    rows = db.session.execute(
        select(Nomination, EventResult).join(NominationMember, NominationMember.nomination_id == Nomination.id)
        .join(Event, Event.id == Nomination.event_id).join(Contest, Contest.id == Event.contest_id)
        .outerjoin(EventResult, public)
        .options(contains_eager(Nomination.event).contains_eager(Event.contest), joinedload(Nomination.org))
        .where(NominationMember.user_id == user.id).order_by(Contest.year.desc(), Nomination.created_at.desc(), Nomination.id.desc())
    ).unique().all()
    return [RecordLine(n, r) for n, r in rows]


def breadcrumbs(viewer: User, unit: Organisation) -> list[tuple[int, str]]:
    """The units from the viewer's own down to ``unit`` (the drill-down trail), as (id, name); one query."""
    ids = path_ids(unit.path)
    ids = ids[0 if viewer.has_role(Role.ADMIN) else viewer.org.depth:]
    names = dict(db.session.execute(select(Organisation.id, Organisation.name).where(Organisation.id.in_(ids))).all())
    return [(i, names.get(i, "")) for i in ids]
