"""安康杯 coverage table (issue 14, part 7): per unit below the viewed one, the enterprises and teams of the tree,
those enrolled in the year's Safety Cup, their average score, hazards, proposals and vetoes. The rules are
``contest.domain.coverage``; this module reads the data in ``QUERIES`` queries whatever the year's size:

1. the units of the viewed subtree that make rows (the units directly below it) or are counted (active
   enterprises and teams);
2. the live unit entries (pending or confirmed) of the subtree's enterprises and teams in 安康杯 contests
   (``ContestKind.SAFETY``) of the year hosted by the city or a county, each with its stored result when the
   contest is published for notice or final (so no score shows before 公示) and its self-assessment's figures
   when submitted.

The coverage page, its xlsx export and the dashboard (headline, chart, sheet) all read ``table_for``.
"""

from __future__ import annotations

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import aliased

from contest import policy
from contest.domain import contests as states
from contest.domain import coverage as rules
from contest.domain.contests import ContestKind, ContestStatus
from contest.domain.entrants import EntrantKind
from contest.domain.nominations import LIVE
from contest.domain.orgtree import OrgLevel
from contest.extensions import db
from contest.models import Contest, Event, EventResult, Nomination, Organisation, SelfAssessment, User
from contest.services import NotFound, PermissionDenied

QUERIES = 2  # the queries ``table_for`` runs, whatever the data (checked by a test)
HOST_LEVELS = (OrgLevel.CITY, OrgLevel.COUNTY)
UNIT_LEVELS = (OrgLevel.ENTERPRISE, OrgLevel.TEAM)
SUBMITTED = "submitted"


def can_view(viewer: User) -> bool:
    """Organisers (city, county, enterprise, team: each his own subtree) and administrators."""
    return policy.is_organiser(viewer)


def coverage_unit(viewer: User, unit_id: int | None) -> Organisation:
    """The unit the viewer asked for (default: his own); refused outside his subtree."""
    if unit_id is None:
        unit = viewer.org
    else:
        unit = db.session.get(Organisation, unit_id) if 0 < unit_id < 2**63 else None  # a database integer
        if unit is None:
            raise NotFound()
    if not (policy.is_organiser(viewer) and policy.in_scope(viewer, unit)):
        raise PermissionDenied()
    return unit


def coverage_table(viewer: User, year: int, unit_id: int | None = None) -> tuple[Organisation, rules.CoverageTable]:
    """The viewed unit (the viewer's own by default) and its coverage table for ``year``."""
    unit = coverage_unit(viewer, unit_id)
    if not 2000 <= year <= 2100:
        raise NotFound()
    return unit, table_for(unit, year)


def table_for(unit: Organisation, year: int) -> rules.CoverageTable:
    """The coverage table of ``unit``'s subtree for ``year`` (the caller has checked the viewer's scope)."""
    prefix = unit.path
    Org = aliased(Organisation, name="org")
    # 1. rows and counted units
    tree = db.session.execute(
        select(Org.id, Org.name, Org.level, Org.path, Org.parent_id)
        .where(Org.path.startswith(prefix), Org.active.is_(True), or_(Org.parent_id == unit.id, Org.level.in_(UNIT_LEVELS)))
        .order_by(Org.position, Org.id)
    ).all()
    parents = {parent for *_, parent in tree}
    rows = [rules.RowUnit(oid, name, _value(level), oid in parents) for oid, name, level, _path, parent in tree if parent == unit.id]
    own = None
    if _value(unit.level) in (OrgLevel.ENTERPRISE.value, OrgLevel.TEAM.value) and unit.active:
        own = unit.id
        rows.insert(0, rules.RowUnit(unit.id, unit.name, _value(unit.level), False))
    row_ids = {r.id for r in rows}
    units = []
    for oid, _name, level, path, _parent in tree:
        if _value(level) in (rules.ENTERPRISE, rules.TEAM) and (row := rules.row_of(path, prefix, row_ids, own)) is not None:
            units.append(rules.TreeUnit(oid, _value(level), row))
    if own is not None:
        units.append(rules.TreeUnit(own, _value(unit.level), own))

    # 2. the live unit entries of the year's 安康杯, with their shown results and submitted figures
    Host = aliased(Organisation, name="host")
    Entrant = aliased(Organisation, name="entrant")
    entries = db.session.execute(
        select(Nomination.unit_id, Contest.status, EventResult.total_x100, EventResult.excluded_reason, SelfAssessment.figures)
        .join(Event, Event.id == Nomination.event_id).join(Contest, Contest.id == Event.contest_id)
        .join(Host, Host.id == Contest.host_id).join(Entrant, Entrant.id == Nomination.unit_id)
        .outerjoin(EventResult, and_(EventResult.nomination_id == Nomination.id, EventResult.event_id == Nomination.event_id))
        .outerjoin(SelfAssessment, and_(SelfAssessment.nomination_id == Nomination.id, SelfAssessment.status == SUBMITTED))
        .where(Contest.year == year, Contest.kind == ContestKind.SAFETY, Contest.status != ContestStatus.DRAFT,
               Host.level.in_(HOST_LEVELS), Nomination.entrant_kind == EntrantKind.UNIT, Nomination.status.in_(LIVE),
               Entrant.path.startswith(prefix))
        .order_by(SelfAssessment.submitted_at, SelfAssessment.id, Nomination.id)
    ).all()
    published = {s.value for s in states.PUBLISHED}
    unit_entries = []
    for unit_id, status, total_x100, excluded, figures in entries:
        shown = _value(status) in published and total_x100 is not None
        unit_entries.append(rules.UnitEntry(unit_id, total_x100 if shown else None, shown and excluded is not None,
                                            figures if isinstance(figures, dict) else None))
    return rules.build_table(rows, units, unit_entries)


def _value(enum_or_str) -> str:
    return getattr(enum_or_str, "value", enum_or_str)
