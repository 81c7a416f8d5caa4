"""Quotas and nominations: allocate places down the tree, nominate, approve level by level, reject, withdraw.

The rules live in ``contest.domain.quotas`` and ``contest.domain.nominations``; this module loads the
facts, applies the rules and writes in one transaction. Approvals of one event are serialised by locking
the event row (``SELECT … FOR UPDATE`` on PostgreSQL), so two organisers approving at once can never
exceed a quota together.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload, selectinload

from contest import policy
from contest.clock import today
from contest.domain import contests as states
from contest.domain.contests import registration_is_open
from contest.domain.entrants import EntrantKind
from contest.domain.errors import N_, DomainError
from contest.domain.nominations import (
    LIVE,
    Candidate,
    Eligibility,
    NominationStatus,
    approval_chain,
    check_eligibility,
    check_no_duplicates,
    check_team_size,
    common_unit_path,
    first_waiting,
)
from contest.domain.orgtree import OrgLevel, path_ids
from contest.domain.quotas import (
    QuotaView,
    check_allocation,
    check_approval,
    check_first_allocation,
    effective_limit,
    places_left,
)
from contest.extensions import db
from contest.loaders import get_event, get_nomination
from contest.models import (
    Contest,
    Event,
    Nomination,
    NominationMember,
    NominationStep,
    Organisation,
    Quota,
    Role,
    User,
    UserRole,
)
from contest.models.org import unit_path_loader
from contest.policy import can_review_nomination as can_review
from contest.services import NotFound, PermissionDenied, audit, nominations, notifications, transaction
from contest.services.contests import draws_held
from contest.services.nominations import PlannedNomination
from contest.services.search import clean, person_clause, unit_clause, unit_name_clause

logger = logging.getLogger(__name__)

MAX_REASON = 500
BEFORE_DRAW = states.PREPARING


# ---------------------------------------------------------------------------------------------- quota facts


@dataclass
class QuotaFacts:
    """Allocations and usage of one event, enough to apply the quota rules anywhere in the tree."""

    event: Event
    allocations: dict[int, int]
    allocating_parents: set[int]
    used: Counter
    orgs: dict[int, Organisation]

    def limit(self, org: Organisation) -> int | None:
        if org.id == self.event.contest.host_id:
            return self.event.capacity
        return effective_limit(org.id, org.parent_id, self.allocations, self.allocating_parents)

    def handed_down(self, org: Organisation) -> int:
        return sum(places for org_id, places in self.allocations.items() if self.orgs[org_id].parent_id == org.id)

    def view(self, org: Organisation) -> QuotaView:
        return QuotaView(org.id, self.limit(org), self.used[org.id], self.handed_down(org))


def quota_facts(event: Event) -> QuotaFacts:
    rows = db.session.execute(select(Quota.org_id, Quota.places).where(Quota.event_id == event.id)).all()
    allocations = dict(rows)
    orgs = {o.id: o for o in db.session.scalars(select(Organisation).where(Organisation.id.in_(allocations)))} if allocations else {}
    allocating_parents = {orgs[o].parent_id for o in allocations}
    used: Counter = Counter()
    live = db.session.execute(
        select(Nomination.chain, Nomination.level, Nomination.status).where(Nomination.event_id == event.id, Nomination.status.in_(LIVE))
    )
    for chain, level, status in live:
        ids = path_ids(chain)
        used.update(ids if status == NominationStatus.CONFIRMED else ids[:level])
    return QuotaFacts(event, allocations, allocating_parents, used, orgs)


def quota_overview(actor: User, event_id: int) -> tuple[Organisation, QuotaView, list[tuple[Organisation, QuotaView]], QuotaFacts]:
    """The actor's own unit (or the host, for units above it) with its places, and each unit directly below it."""
    event = get_event(actor, event_id)
    host = event.contest.host
    unit = actor.org if actor.org.path.startswith(host.path) else host
    facts = quota_facts(event)
    children = list(db.session.scalars(
        select(Organisation).where(Organisation.parent_id == unit.id, Organisation.active.is_(True)).order_by(Organisation.position, Organisation.id)
    ))
    facts.orgs.update({o.id: o for o in children} | {unit.id: unit})
    return unit, facts.view(unit), [(child, facts.view(child)) for child in children], facts


def places_left_to(unit: Organisation, facts: QuotaFacts) -> tuple[int | None, Organisation | None]:
    """How many more entries ``unit`` can send, with the unit whose quota sets that number: the limits of
    the unit and of every unit above it up to the host all apply (``domain.quotas.places_left``)."""
    host = facts.event.contest.host
    ids = [i for i in unit.ancestor_ids if i not in facts.orgs]
    if ids:
        facts.orgs.update({o.id: o for o in db.session.scalars(select(Organisation).where(Organisation.id.in_(ids)))})
    chain = [facts.orgs[i] for i in [*unit.ancestor_ids, unit.id][::-1] if i in facts.orgs and facts.orgs[i].path.startswith(host.path)]
    return places_left([(org, facts.limit(org), facts.used[org.id]) for org in chain])


def set_quota(actor: User, event_id: int, org_id: int, places: int) -> Quota:
    """The unit directly above ``org_id`` (its organiser, or an administrator) allocates its places."""
    with transaction():
        event = get_event(actor, event_id)
        lock_event(event)
        if event.contest.status not in BEFORE_DRAW or draws_held(event.contest_id, event.id):
            raise DomainError(N_("Quotas cannot change after the draw."))
        org = db.session.get(Organisation, org_id)
        host = event.contest.host
        if org is None or org.parent is None or not org.path.startswith(host.path) or org.id == host.id:
            raise NotFound(N_("This unit does not take part in the contest."))
        parent = org.parent
        if not policy.can_allocate_places(actor, parent):
            raise PermissionDenied(N_("Only %(unit)s allocates places to %(child)s."), unit=parent.name, child=org.name)
        facts = quota_facts(event)
        facts.orgs.update({org.id: org, parent.id: parent})
        siblings = sum(p for o, p in facts.allocations.items() if o != org.id and facts.orgs[o].parent_id == parent.id)
        check_allocation(
            unit_name=org.name, new_places=int(places), allocator_limit=facts.limit(parent), sibling_total=siblings,
            used=facts.used[org.id], handed_down=facts.handed_down(org),
        )
        if parent.id not in facts.allocating_parents:
            others = db.session.scalars(select(Organisation).where(Organisation.parent_id == parent.id, Organisation.id != org.id))
            check_first_allocation([(o.name, facts.used[o.id], facts.handed_down(o)) for o in others if o.id not in facts.allocations])
        quota = db.session.scalar(select(Quota).where(Quota.event_id == event.id, Quota.org_id == org.id))
        if quota is None:
            quota = Quota(event_id=event.id, org_id=org.id, places=int(places), allocated_by_id=actor.id)
            db.session.add(quota)
        else:
            quota.places, quota.allocated_by_id = int(places), actor.id
        audit(actor, "quota.set", "event", event.id, org=org.id, places=int(places))
        notifications.notify_quota(event, org, int(places))
    return quota


def lock_event(event: Event) -> None:
    """Serialise quota-changing writes of one event: a row lock on PostgreSQL (``SELECT … FOR UPDATE``);
    on SQLite, which ignores FOR UPDATE and begins transactions lazily, a no-op write that takes the
    database's write lock, so the reads that follow see every earlier commit."""
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(update(Event).where(Event.id == event.id).values(id=Event.id))
    else:
        db.session.execute(select(Event.id).where(Event.id == event.id).with_for_update())


# ---------------------------------------------------------------------------------------------- nominating


def candidate_of(user: User) -> Candidate:
    profile = user.profile
    return Candidate(
        user.id, user.name, profile.resident_id if profile else None,
        profile.skill_level.value if profile else "none", profile.occupation if profile else "", user.org.path,
    )


def eligibility_of(event: Event) -> Eligibility:
    contest = event.contest
    return Eligibility(
        contest_date=contest.contest_date or contest.registration_closes or today(),
        min_age=event.min_age, max_age=event.max_age, min_skill_level=event.min_skill_level,
        occupations=event.occupation_list,
    )


def _check_open(contest: Contest) -> None:
    if not registration_is_open(contest.status, contest.registration_opens, contest.registration_closes, today()):
        raise DomainError(N_("Registration for %(contest)s is not open."), contest=contest.title)


def entered_user_ids(event_id: int, user_ids: Iterable[int] | None = None) -> set[int]:
    query = select(NominationMember.user_id).where(NominationMember.event_id == event_id, NominationMember.live.is_(True))
    if user_ids is not None:
        query = query.where(NominationMember.user_id.in_(list(user_ids)))
    return set(db.session.scalars(query))


def plan_nomination(
    actor: User, event: Event, members: Sequence[User], team_name: str | None, facts: QuotaFacts,
    orgs_by_id: dict[int, Organisation], entered: set[int],
) -> PlannedNomination:
    """Apply every nomination rule; on success record the approvals in ``facts.used`` (for multi-row imports)."""
    contest = event.contest
    if event.entrant_kind == EntrantKind.UNIT:
        raise DomainError(N_("%(event)s is an event for units, not for workers."), event=event.name)
    if not members:
        raise DomainError(N_("Choose who enters."))
    is_self = len(members) == 1 and members[0].id == actor.id
    if not is_self and not policy.can_nominate_others(actor):
        raise PermissionDenied(N_("Workers may only enter themselves."))
    if event.is_team and is_self and not policy.can_nominate_others(actor):
        raise DomainError(N_("Teams are nominated by a team leader or an organiser."))
    for member in members:
        if member.profile is None or not member.has_role(Role.WORKER):
            raise DomainError(N_("%(name)s is not a registered worker with a profile."), name=member.name)
        if not member.active:
            raise DomainError(N_("%(name)s's account is deactivated."), name=member.name)
        if not is_self and not policy.in_scope(actor, member.org):
            raise PermissionDenied(N_("%(name)s is not in your units."), name=member.name)
    check_team_size(event.is_team, len(members), event.team_min, event.team_max)
    candidates = [candidate_of(m) for m in members]
    check_no_duplicates(candidates, entered)
    rules = eligibility_of(event)
    for candidate in candidates:
        check_eligibility(candidate, rules)
    if event.is_team:
        team_name = " ".join((team_name or "").split())
        if not team_name or len(team_name) > 100:
            raise DomainError(N_("Give the team a name (at most 100 characters)."))
    else:
        team_name = None

    chain, level = _climb(actor, contest, common_unit_path([m.org.path for m in members]), is_self, facts, orgs_by_id)
    entered.update(c.user_id for c in candidates)
    kind = EntrantKind.TEAM if event.is_team else EntrantKind.WORKER
    return PlannedNomination(event.id, contest.host_id, kind, tuple(m.id for m in members), team_name, None, chain[0], tuple(chain), level)


def _climb(actor: User, contest: Contest, bottom_path: str, is_self: bool, facts: QuotaFacts,
           orgs_by_id: dict[int, Organisation]) -> tuple[list[int], int | None]:
    """The approval chain from the unit at ``bottom_path`` up to the host, and the index of the unit now waiting
    (None: confirmed). A nominating organiser's own unit and those below count as approved (an administrator
    nominates as the host), each within its quota; the approvals are recorded in ``facts.used``."""
    chain = approval_chain(bottom_path, contest.host.path)
    nominator = policy.nominating_unit(actor, contest, for_others=not is_self)
    if nominator is not None and nominator not in chain:
        raise PermissionDenied(N_("Only organisers of the units between the entrants and the host nominate for this contest."))
    level = first_waiting(chain, nominator)
    approved = chain if level is None else chain[:level]
    for org_id in approved:
        org = orgs_by_id[org_id]
        check_approval(unit_name=org.name, limit=facts.limit(org), used=facts.used[org_id])
    facts.used.update(approved)
    return chain, level


UNIT_LEVELS = (OrgLevel.ENTERPRISE, OrgLevel.TEAM)


def plan_unit_nomination(actor: User, event: Event, unit: Organisation, facts: QuotaFacts, orgs_by_id: dict[int, Organisation],
                         entered_units: set[int]) -> PlannedNomination:
    """The rules for a unit entrant (an enterprise or a team organisation) of a unit event: an organiser of the
    unit or of a unit above it (within the contest's host) nominates it, once per event; the chain starts at the
    unit itself and the nominating organiser's own unit and those below count as approved, as for workers."""
    contest = event.contest
    if event.entrant_kind != EntrantKind.UNIT:
        raise DomainError(N_("%(event)s is not an event for units."), event=event.name)
    if not policy.can_enrol_units(actor):
        raise PermissionDenied(N_("Units are nominated by their organisers."))
    if unit.level not in UNIT_LEVELS or not unit.active:
        raise DomainError(N_("Only active enterprises and teams enter as units."))
    if not policy.in_scope(actor, unit):
        raise PermissionDenied(N_("%(name)s is not in your units."), name=unit.name)
    if unit.id in entered_units:
        raise DomainError(N_("%(name)s is already entered in this event."), name=unit.name)
    chain, level = _climb(actor, contest, unit.path, False, facts, orgs_by_id)
    entered_units.add(unit.id)
    return PlannedNomination(event.id, contest.host_id, EntrantKind.UNIT, (), None, unit.id, unit.id, tuple(chain), level)


def entered_unit_ids(event_id: int) -> set[int]:
    return set(db.session.scalars(
        select(Nomination.unit_id).where(Nomination.event_id == event_id, Nomination.unit_id.is_not(None), Nomination.status.in_(LIVE))
    ))


def nominate_unit(actor: User, event_id: int, unit_id: int) -> Nomination:
    """An organiser enters a unit (an enterprise or a team organisation) in a unit event (安康杯):
    ``enrol_units`` with one unit (its refusal raised as it is)."""
    return enrol_units(actor, event_id, [unit_id])[0]


class UnitsRefused(DomainError):
    """Some of several units enrolled together cannot enter; ``refusals`` holds (unit name, error) for each.
    Nothing was written."""

    def __init__(self, refusals: list[tuple[str, DomainError]]) -> None:
        super().__init__(N_("%(count)d of the chosen units cannot be enrolled; nothing has been submitted."), count=len(refusals))
        self.refusals = refusals


def enrol_units(actor: User, event_id: int, unit_ids: Sequence[int]) -> list[Nomination]:
    """An organiser enrols several units (his enterprise, its teams; a county organiser units of his county) in a
    unit event (安康杯), one entry each, in one transaction.

    Every unit is planned first with ``plan_unit_nomination`` (scope, level, once per event, quotas counted unit by
    unit in the order given); then either every entry is written at once, or none and ``UnitsRefused`` names each
    refused unit with its reason (a lone unit's refusal is raised as it is). A unit outside the actor's units is an
    access refusal (``PermissionDenied``, naming the unit) and also writes nothing."""
    with transaction():
        event = get_event(actor, event_id)
        if event.entrant_kind != EntrantKind.UNIT:
            raise DomainError(N_("%(event)s is not an event for units."), event=event.name)
        _check_open(event.contest)
        lock_event(event)
        ids = list(dict.fromkeys(unit_ids))
        if not ids:
            raise DomainError(N_("Choose the units to enrol."))
        units = {o.id: o for o in db.session.scalars(select(Organisation).where(Organisation.id.in_(ids)))}
        if len(units) != len(ids):
            raise NotFound(N_("This unit does not exist.") if len(ids) == 1 else N_("Some of the chosen units do not exist."))
        facts = quota_facts(event)
        orgs = _orgs_for([u.path for u in units.values()] + [event.contest.host.path])
        entered = entered_unit_ids(event.id)
        plans, refusals = [], []
        for unit_id in ids:
            try:
                plans.append(plan_unit_nomination(actor, event, units[unit_id], facts, orgs, entered))
            except DomainError as exc:
                refusals.append((units[unit_id].name, exc))
        if len(ids) == 1 and refusals:
            raise refusals[0][1]
        if refusals:
            raise UnitsRefused(refusals)
        written = nominations.load(nominations.write_nominations(actor, plans, "submit"))
        for nomination in written:
            audit(actor, "nomination.create", "nomination", nomination.id, event=event.id, unit=nomination.unit_id)
        notifications.notify_progress(written)
        logger.info("%s enrolled %d unit(s) in event %s", actor.username, len(written), event.id)
    return written


@dataclass(frozen=True)
class EnrolmentRow:
    """A unit the actor may enrol, with its latest entry in the event (None: never entered)."""

    unit: Organisation
    nomination: Nomination | None

    @property
    def entered(self) -> bool:
        return self.nomination is not None and self.nomination.status in LIVE


def enrolment_rows(actor: User, event_id: int, search: str = "", unit: Organisation | None = None, page: int = 1,
                   per_page: int | None = None) -> tuple[Event, list[EnrolmentRow]]:
    """The enterprises and teams of the actor's units within the host's (active, tree order), each with its
    latest entry in the unit event: what the enrolment page lists. Three queries. ``enrolment_page`` narrows and
    pages them."""
    event, rows, _total = enrolment_page(actor, event_id, search, unit, page, per_page)
    return event, rows


def enrolment_page(actor: User, event_id: int, search: str = "", unit: Organisation | None = None, page: int = 1,
                   per_page: int | None = None) -> tuple[Event, list[EnrolmentRow], int]:
    """One page (``per_page``; all when None) of ``enrolment_rows`` found by ``search`` (a unit's name or pinyin
    initials) within ``unit``'s subtree, and the number of units found; four queries when paged."""
    event = get_event(actor, event_id)
    if event.entrant_kind != EntrantKind.UNIT:
        raise NotFound(N_("%(event)s is not an event for units."), event=event.name)
    if not policy.can_enrol_units(actor):
        raise PermissionDenied(N_("Units are nominated by their organisers."))
    host = event.contest.host
    query = (
        select(Organisation)
        .where(policy.scope_clause(actor), Organisation.path.startswith(host.path), Organisation.active.is_(True),
               Organisation.level.in_(UNIT_LEVELS))
    )
    if clean(search):
        query = query.where(unit_name_clause(search))
    if unit is not None:
        query = query.where(Organisation.path.startswith(unit.path))
    total = None
    if per_page is not None:
        total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        query = query.limit(per_page).offset((max(page, 1) - 1) * per_page)
    units = list(db.session.scalars(query.order_by(Organisation.path)))
    latest: dict[int, Nomination] = {}
    if units:
        for nomination in db.session.scalars(
            select(Nomination).options(joinedload(Nomination.waiting_org), selectinload(Nomination.steps))
            .where(Nomination.event_id == event.id, Nomination.unit_id.in_([u.id for u in units])).order_by(Nomination.id)
        ):
            latest[nomination.unit_id] = nomination
    return event, [EnrolmentRow(unit, latest.get(unit.id)) for unit in units], len(units) if total is None else total


def _orgs_for(paths: Iterable[str]) -> dict[int, Organisation]:
    ids = {i for path in paths for i in path_ids(path)}
    return {o.id: o for o in db.session.scalars(select(Organisation).where(Organisation.id.in_(ids)))}


def nominate(actor: User, event_id: int, member_ids: Sequence[int], team_name: str | None = None) -> Nomination:
    """A worker applies for himself, or an organiser nominates workers (a team for team events)."""
    with transaction():
        event = get_event(actor, event_id)
        _check_open(event.contest)
        lock_event(event)
        members = list(db.session.scalars(select(User).where(User.id.in_(list(member_ids)))))
        if len(members) != len(set(member_ids)):
            raise NotFound(N_("Some of the chosen workers do not exist."))
        members.sort(key=lambda m: list(member_ids).index(m.id))
        facts = quota_facts(event)
        orgs = _orgs_for([m.org.path for m in members] + [event.contest.host.path])
        plan = plan_nomination(actor, event, members, team_name, facts, orgs, entered_user_ids(event.id, member_ids))
        nomination = nominations.load(nominations.write_nominations(actor, [plan], "submit"))[0]
        audit(actor, "nomination.create", "nomination", nomination.id, event=event.id, members=[m.id for m in members])
        notifications.notify_progress([nomination])
    return nomination


class NominationsRefused(DomainError):
    """Some of several workers nominated together cannot enter; ``refusals`` holds (name, error) for each.
    Nothing was written."""

    def __init__(self, refusals: list[tuple[str, DomainError]]) -> None:
        super().__init__(N_("%(count)d of the chosen workers cannot be nominated; nothing has been submitted."), count=len(refusals))
        self.refusals = refusals


def nominate_each(actor: User, event_id: int, member_ids: Sequence[int]) -> list[Nomination]:
    """An organiser nominates several workers for an individual event, one entry each, in one transaction.

    Every worker is checked with the same rules as a single nomination, in the order given, and each one
    counts against the quotas before the next is checked (so the fourth of four workers is refused when three
    places are left). Either all entries are written, or none and ``NominationsRefused`` lists every
    refused worker's reason (a lone worker's refusal is raised as it is)."""
    with transaction():
        event = get_event(actor, event_id)
        if event.is_team:
            raise DomainError(N_("A team event takes one team: name it and choose its members."))
        _check_open(event.contest)
        lock_event(event)
        ids = list(dict.fromkeys(member_ids))
        if not ids:
            raise DomainError(N_("Choose who enters."))
        members = {m.id: m for m in db.session.scalars(select(User).where(User.id.in_(ids)))}
        if len(members) != len(ids):
            raise NotFound(N_("Some of the chosen workers do not exist."))
        facts = quota_facts(event)
        orgs = _orgs_for([m.org.path for m in members.values()] + [event.contest.host.path])
        entered = entered_user_ids(event.id, ids)
        plans, refusals = [], []
        for user_id in ids:
            member = members[user_id]
            try:
                plans.append(plan_nomination(actor, event, [member], None, facts, orgs, entered))
            except DomainError as exc:
                refusals.append((member.name, exc))
        if len(ids) == 1 and refusals:
            raise refusals[0][1]  # one worker: his reason alone
        if refusals:
            raise NominationsRefused(refusals)
        written = nominations.load(nominations.write_nominations(actor, plans, "submit"))
        for nomination in written:
            audit(actor, "nomination.create", "nomination", nomination.id, event=event.id, members=[m.user_id for m in nomination.members])
        notifications.notify_progress(written)
    return written


# ---------------------------------------------------------------------------------------------- reviewing


# ``get_nomination`` (``contest.loaders``), ``can_view`` and ``can_review`` (``contest.policy``) are imported above.


def approve(actor: User, nomination_id: int) -> Nomination:
    """The waiting unit approves (within its quota); the host's approval confirms the entry."""
    with transaction():
        nomination = get_nomination(actor, nomination_id)
        lock_event(nomination.event)
        db.session.refresh(nomination)
        if nomination.status != NominationStatus.PENDING:
            raise DomainError(N_("This nomination is no longer waiting for approval."))
        if not can_review(actor, nomination):
            raise PermissionDenied(N_("This nomination waits for %(unit)s."), unit=nomination.waiting_org.name)
        if nomination.event.contest.status not in states.REVIEWING or draws_held(
            nomination.event.contest_id, nomination.event_id
        ):
            raise DomainError(N_("Nominations can only be reviewed before the draw."))
        facts = quota_facts(nomination.event)
        unit = nomination.waiting_org
        check_approval(unit_name=unit.name, limit=facts.limit(unit), used=facts.used[unit.id])
        chain = nomination.chain_ids
        nomination.level += 1
        confirmed = nomination.level >= len(chain)
        nomination.status = NominationStatus.CONFIRMED if confirmed else NominationStatus.PENDING
        nomination.waiting_org_id = None if confirmed else chain[nomination.level]
        nomination.steps.append(NominationStep(actor_id=actor.id, org_id=unit.id, action="confirm" if confirmed else "approve"))
        audit(actor, "nomination.approve", "nomination", nomination.id, unit=unit.id, confirmed=confirmed)
        notifications.notify_progress([nomination])
    return nomination


def reject(actor: User, nomination_id: int, reason: str) -> Nomination:
    reason = (reason or "").strip()
    with transaction():
        nomination = get_nomination(actor, nomination_id)
        if nomination.status != NominationStatus.PENDING:
            raise DomainError(N_("This nomination is no longer waiting for approval."))
        if not can_review(actor, nomination):
            raise PermissionDenied(N_("This nomination waits for %(unit)s."), unit=nomination.waiting_org.name)
        if not reason:
            raise DomainError(N_("Give a reason for the rejection; the worker will see it."))
        if len(reason) > MAX_REASON:
            raise DomainError(N_("The reason is longer than %(limit)d characters."), limit=MAX_REASON)
        unit = nomination.waiting_org
        _end(nomination, NominationStatus.REJECTED)
        nomination.steps.append(NominationStep(actor_id=actor.id, org_id=unit.id, action="reject", reason=reason))
        audit(actor, "nomination.reject", "nomination", nomination.id, unit=unit.id)
        notifications.notify_nomination(nomination, "nomination_rejected", unit=unit.name, reason=reason)
    return nomination


def withdraw(actor: User, nomination_id: int, reason: str = "") -> Nomination:
    """A member, or an organiser of the entrants' units, withdraws before the registration deadline."""
    with transaction():
        nomination = get_nomination(actor, nomination_id)
        if nomination.status not in LIVE:
            raise DomainError(N_("This nomination has already ended."))
        if not policy.can_withdraw_nomination(actor, nomination):
            raise PermissionDenied(N_("Only the entrant or an organiser of the entrant's units can withdraw."))
        contest = nomination.event.contest
        if not registration_is_open(contest.status, contest.registration_opens, contest.registration_closes, today()):
            raise DomainError(N_("The registration deadline has passed; withdrawals are closed. Contact the host."))
        _end(nomination, NominationStatus.WITHDRAWN)
        nomination.steps.append(NominationStep(actor_id=actor.id, org_id=actor.org_id, action="withdraw", reason=(reason or "").strip()[:MAX_REASON]))
        audit(actor, "nomination.withdraw", "nomination", nomination.id)
    return nomination


def _end(nomination: Nomination, status: NominationStatus) -> None:
    nomination.status = status
    nomination.waiting_org_id = None
    for member in nomination.members:
        member.live = False


# ---------------------------------------------------------------------------------------------- lists


def waiting_query(actor: User, only_own_unit: bool = False):
    """Pending nominations the actor may review: waiting at its unit (or below, on behalf of units without organisers)."""
    query = (
        select(Nomination)
        .join(Organisation, Organisation.id == Nomination.waiting_org_id)
        .options(joinedload(Nomination.event).joinedload(Event.contest), unit_path_loader(Nomination.org), joinedload(Nomination.waiting_org))
        .where(Nomination.status == NominationStatus.PENDING)
        .order_by(Nomination.created_at, Nomination.id)
    )
    if only_own_unit:
        return query.where(Nomination.waiting_org_id == actor.org_id)
    return query.where(policy.scope_clause(actor))


def event_nominations_query(actor: User, event: Event, status: str | None = None):
    """Nominations of an event visible to the actor: the host's organisers see all, others their subtree's."""
    query = (
        select(Nomination).join(Organisation, Organisation.id == Nomination.org_id)
        .options(unit_path_loader(Nomination.org), joinedload(Nomination.waiting_org))
        .where(Nomination.event_id == event.id)
    )
    if not policy.sees_every_nomination(actor, event.contest):
        query = query.where(policy.scope_clause(actor))
    if status:
        query = query.where(Nomination.status == NominationStatus(status))
    return query.order_by(Nomination.competitor_number.is_(None), Nomination.competitor_number, Nomination.id)


def my_nominations(user: User) -> list[Nomination]:
    return list(db.session.scalars(
        select(Nomination).join(NominationMember).where(NominationMember.user_id == user.id).order_by(Nomination.created_at.desc())
    ))


def nominable_workers_query(actor: User, event: Event, search: str = "", unit: Organisation | None = None):
    """Workers in the actor's subtree under the host who are not yet entered, for the nomination form (a select
    to paginate), found by name, username or pinyin initials and narrowed to ``unit``'s subtree."""
    query = (
        select(User).join(User.org).options(unit_path_loader(User.org))
        .where(policy.scope_clause(actor), Organisation.path.startswith(event.contest.host.path), User.active.is_(True),
               User.role_rows.any(UserRole.role == Role.WORKER),
               User.id.not_in(select(NominationMember.user_id).where(NominationMember.event_id == event.id, NominationMember.live.is_(True))))
        .order_by(Organisation.path, User.name, User.id)
    )
    if clean(search):
        query = query.where(person_clause(search))
    if unit is not None:
        query = query.where(unit_clause(User.org_id, unit))
    return query


def count_by_status(event_ids: Sequence[int]) -> dict[int, Counter]:
    rows = db.session.execute(
        select(Nomination.event_id, Nomination.status, func.count(Nomination.id))
        .where(Nomination.event_id.in_(list(event_ids))).group_by(Nomination.event_id, Nomination.status)
    )
    result: dict[int, Counter] = {}
    for event_id, status, count in rows:
        result.setdefault(event_id, Counter())[status] = count
    return result
