"""Who may do what: the one place for permission rules.

Scope is always the actor's subtree: a unit is in scope when its materialised path starts with the
path of the actor's unit. Administrators see everything. Views declare access with the decorators in
``contest.access``; services call the ``can_*`` functions below (usually through ``contest.loaders``,
which loads an object by id or answers 404, and refuses with 403 when the policy says no) before they
change anything; templates ask ``abilities(user, contest, event)`` ("may.publish") instead of spelling
contest states.

The rules are pure-ish: they read the objects they are given and, for the few relations that are facts
of the database (is the user a judge of the event, a member of a confirmed entry, has the event been
signed off), one small query each (``judge_assignment``, ``is_entrant``, ``is_signed_off``). Which
contest states allow what is defined once in ``contest.domain.contests`` (``PREPARING``, ``SCORING``,
``PUBLISHED`` …). This module imports models, the domain and the clock, never services or views; it is imported
by the loaders, services, views (``may``) and the template globals.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, or_, select, true
from sqlalchemy.orm import lazyload

from contest.clock import today
from contest.domain import contests as states
from contest.domain.contests import ContestStatus, registration_is_open
from contest.domain.judging import in_conflict
from contest.domain.nominations import LIVE, NominationStatus, may_act
from contest.domain.orgtree import OrgLevel, child_levels, path_ids
from contest.extensions import db
from contest.models import (
    Certificate,
    Contest,
    Event,
    JudgeAssignment,
    Nomination,
    NominationMember,
    Notification,
    Organisation,
    Role,
    SignOff,
    User,
)


def is_admin(user: User) -> bool:
    return user.is_authenticated and user.has_role(Role.ADMIN)


def is_organiser(user: User) -> bool:
    return user.is_authenticated and user.has_role(Role.ORGANISER, Role.ADMIN)


def in_scope(user: User, org: Organisation) -> bool:
    """True when ``org`` is the user's own unit or lies below it (always true for administrators)."""
    return is_admin(user) or org.path.startswith(user.org.path)


def scope_clause(user: User, path_column=Organisation.path) -> ColumnElement[bool]:
    """A SQL condition restricting a query on ``path_column`` to the user's subtree."""
    if is_admin(user):
        return true()
    return path_column.startswith(user.org.path)


def can_view_org(user: User, org: Organisation) -> bool:
    return is_organiser(user) and in_scope(user, org)


def can_add_child(user: User, parent: Organisation) -> bool:
    """Organisers add units under their own unit or any unit below it."""
    return is_organiser(user) and in_scope(user, parent) and bool(child_levels(parent.level))


def can_change_org(user: User, org: Organisation) -> bool:
    """Rename, move, deactivate: only units strictly below the organiser's own (admins: any but the root)."""
    if is_admin(user):
        return org.parent_id is not None
    return is_organiser(user) and org.path != user.org.path and org.path.startswith(user.org.path)


def assignable_roles(user: User, org: Organisation) -> set[Role]:
    """The roles ``user`` may give an account in ``org``.

    Administrators give any role anywhere. Organisers give worker and judge in their subtree, and
    organiser only in units strictly below their own (a county appoints its enterprises' organisers).
    """
    if is_admin(user):
        return set(Role)
    if not (is_organiser(user) and in_scope(user, org)):
        return set()
    roles = {Role.WORKER, Role.JUDGE}
    if org.path != user.org.path:
        roles.add(Role.ORGANISER)
    return roles


def can_view_user(user: User, other: User) -> bool:
    return other.id == user.id or (is_organiser(user) and in_scope(user, other.org))


def can_manage_user(user: User, other: User) -> bool:
    """Edit, reset the password of, or deactivate ``other``: every role it holds must be assignable."""
    if other.id == user.id:
        return False
    allowed = assignable_roles(user, other.org)
    return bool(allowed) and other.roles <= allowed


# ---------------------------------------------------------------------------------------------- facts


def _signed_in(user: User | None) -> bool:
    return user is not None and user.is_authenticated


def judge_assignment(user: User | None, event_id: int) -> JudgeAssignment | None:
    """The user's assignment as a judge of the event (``None`` when not assigned)."""
    if not _signed_in(user):
        return None
    return db.session.scalar(
        select(JudgeAssignment).options(lazyload(JudgeAssignment.judge))
        .where(JudgeAssignment.event_id == event_id, JudgeAssignment.judge_id == user.id)
    )


def is_entrant(user: User | None, event_id: int) -> bool:
    """Whether the user is a member of a confirmed entry of the event."""
    if not _signed_in(user):
        return False
    return db.session.scalar(
        select(NominationMember.id).join(Nomination, Nomination.id == NominationMember.nomination_id)
        .where(NominationMember.user_id == user.id, Nomination.event_id == event_id, Nomination.status == NominationStatus.CONFIRMED)
        .limit(1)
    ) is not None


def is_signed_off(event_id: int) -> bool:
    return db.session.scalar(select(SignOff.id).where(SignOff.event_id == event_id)) is not None


# ---------------------------------------------------------------------------------------------- contests


def visible_clause(user: User):
    """Contests a user may see: hosted in the user's subtree (any state), or hosted by the user's own unit
    or a unit above it once no longer a draft (those are the contests the user can enter or approve for)."""
    if is_admin(user):
        return True
    above = path_ids(user.org.path)
    own_subtree = Organisation.path.startswith(user.org.path)
    if not user.has_role(Role.ORGANISER):
        own_subtree = and_(own_subtree, Contest.status != ContestStatus.DRAFT)
    return or_(own_subtree, and_(Contest.host_id.in_(above), Contest.status != ContestStatus.DRAFT))


def can_create_contest(user: User) -> bool:
    """Organisers create contests hosted by their own unit (administrators too)."""
    return user.has_role(Role.ORGANISER, Role.ADMIN)


def can_manage(user: User, contest: Contest) -> bool:
    """Organisers manage the contests hosted by their own unit (administrators: all)."""
    return is_admin(user) or (user.has_role(Role.ORGANISER) and contest.host_id == user.org_id)


def can_copy(user: User, contest: Contest) -> bool:
    """A contest is copied (for next year) by its host's accounts (administrators: any)."""
    return is_admin(user) or contest.host_id == user.org_id


def shows_full_names(viewer: User | None, contest: Contest) -> bool:
    """The one masking rule for entrants' names wherever results and brackets are shown — the HTML ranking and
    bracket pages, the public pages, the API, the xlsx and PDF exports, the match audit export:

    - the host's organisers (and administrators), who ran the contest and hold the nominations, see names
      in full, in every state of the contest;
    - everybody else sees them masked (张*三) with the unit, in every state: the event's judges (who score
      competitor numbers, not names), workers, the public. The contest's state decides who may see the
      results at all (``can_see_results``: before publication only the host and the chief judge),
      never whether names are shown in full;
    - the public pages are the view of a visitor (``viewer=None``), whoever is logged in.
    """
    return _signed_in(viewer) and can_manage(viewer, contest)


# ---------------------------------------------------------------------------------------------- judging and results


def is_chief(assignment: JudgeAssignment | None) -> bool:
    """Whether a judge assignment (``judge_assignment``; ``None``: not a judge of the event) is the chief judge's."""
    return assignment is not None and assignment.is_chief


def can_sign_off(assignment: JudgeAssignment | None) -> bool:
    """Only the event's chief judge (裁判长) signs it off, whatever its decision method (marks or a bracket)."""
    return is_chief(assignment)


def can_correct_signed_off(assignment: JudgeAssignment | None) -> bool:
    """After sign-off only the chief judge corrects a mark or a match result (with a reason; the state decides
    until when)."""
    return is_chief(assignment)


def can_follow_scoring(user: User, event: Event, assignment: JudgeAssignment | None) -> bool:
    """The scoring overview: the event's judges and the host's organisers."""
    return assignment is not None or can_manage(user, event.contest)


def can_see_all_scores(user: User, event: Event) -> bool:
    """Independence: before sign-off only the chief judge and the host's organisers see every judge's scores."""
    if can_manage(user, event.contest):
        return True
    assignment = judge_assignment(user, event.id)
    return assignment is not None and (is_chief(assignment) or is_signed_off(event.id))


def can_see_results(user: User | None, event: Event) -> bool:
    """Published results are public; before that only the host's organisers and the event's chief judge."""
    if event.contest.status in states.PUBLISHED:
        return True
    if not _signed_in(user):
        return False
    if can_manage(user, event.contest):
        return True
    return is_chief(judge_assignment(user, event.id))


def can_view_bracket(user: User | None, event: Event) -> bool:
    """Who may follow a bracket: everyone once the contest's results are published; before that the host's
    organisers and the event's judges (names in full) and the event's own entrants (names masked)."""
    if event.contest.status in states.PUBLISHED:
        return True
    if not _signed_in(user):
        return False
    return can_manage(user, event.contest) or judge_assignment(user, event.id) is not None or is_entrant(user, event.id)


def can_watch_matches(user: User, event: Event) -> bool:
    """The match audit of a bracket: the host's organisers and the event's chief judge."""
    if can_manage(user, event.contest):
        return True
    return is_chief(judge_assignment(user, event.id))


# ---------------------------------------------------------------------------------------------- nominations, certificates


def can_nominate_others(actor: User) -> bool:
    """Organisers (and administrators) nominate other workers, and teams; a worker enters only himself."""
    return actor.has_role(Role.ORGANISER, Role.ADMIN)


def can_enrol_units(actor: User) -> bool:
    """Units (enterprises, teams) are entered in a unit event by organisers (administrators too); which units, is
    ``in_scope``."""
    return actor.has_role(Role.ORGANISER, Role.ADMIN)


def can_import_nominations(actor: User) -> bool:
    """A nomination file (xlsx/CSV) is uploaded by organisers (administrators too); each row is then checked as a
    nomination by that organiser."""
    return actor.has_role(Role.ORGANISER, Role.ADMIN)


def nominating_unit(actor: User, contest: Contest, for_others: bool) -> int | None:
    """The unit whose approval a new nomination carries from the start (its approvals up to that unit count as
    given): an organiser nominating others acts for his own unit, an administrator for the host; nobody's for a
    worker entering himself (``None``). The unit must lie on the nomination's approval chain (the caller's check)."""
    if not for_others:
        return None
    if is_admin(actor):
        return contest.host_id
    return actor.org_id if actor.has_role(Role.ORGANISER) else None


def sees_award_places_of(actor: User, unit: Organisation) -> bool:
    """The award places handed down to ``unit`` are read by the organisers of that unit and of the units below it
    (the host's organisers, who set them, read all: ``can_manage``)."""
    return actor.has_role(Role.ORGANISER) and actor.org.path.startswith(unit.path)


def can_view_nomination(actor: User, nomination: Nomination) -> bool:
    """Members, organisers whose subtree holds the entrants, and the host's organisers."""
    if any(m.user_id == actor.id for m in nomination.members):
        return True
    if not actor.has_role(Role.ORGANISER, Role.ADMIN):
        return False
    return in_scope(actor, nomination.org) or actor.org_id in nomination.chain_ids


def can_review_nomination(actor: User, nomination: Nomination) -> bool:
    """A pending nomination is approved or rejected by organisers of the unit it waits at or a unit above it."""
    return (
        nomination.status == NominationStatus.PENDING
        and nomination.waiting_org is not None
        and (is_admin(actor) or (actor.has_role(Role.ORGANISER) and may_act(actor.org.path, nomination.waiting_org.path)))
    )


def can_allocate_places(actor: User, parent: Organisation) -> bool:
    """A unit's places are handed down by the unit directly above it (its organisers; administrators too)."""
    return is_admin(actor) or (actor.has_role(Role.ORGANISER) and actor.org_id == parent.id)


def may_allocate_places(actor: User, parent: Organisation, contest: Contest) -> bool:
    """The quota form: the unit that hands the places down (``can_allocate_places``) while quotas may change
    (``PREPARING``; the service also refuses once the event's draw is held)."""
    return can_allocate_places(actor, parent) and contest.status in states.PREPARING


def can_withdraw_nomination(actor: User, nomination: Nomination) -> bool:
    """A member of the entry, or an organiser of the entrants' units."""
    return (any(m.user_id == actor.id for m in nomination.members) or is_admin(actor)
            or (actor.has_role(Role.ORGANISER) and in_scope(actor, nomination.org)))


def may_withdraw(actor: User, nomination: Nomination) -> bool:
    """The withdraw button: who (``can_withdraw_nomination``) and when (a live nomination, while registration is
    open: its state and today within the window)."""
    contest = nomination.event.contest
    return (nomination.status in LIVE and can_withdraw_nomination(actor, nomination)
            and registration_is_open(contest.status, contest.registration_opens, contest.registration_closes, today()))


def sees_every_nomination(actor: User, contest: Contest) -> bool:
    """The host's accounts (and administrators) see every nomination of the contest; others their subtree's."""
    return is_admin(actor) or actor.org_id == contest.host_id


def can_download_unit_certificates(user: User, org_id: int) -> bool:
    """A unit's certificates (and plaques) are its own organisers' to download."""
    return user.has_role(Role.ORGANISER) and user.org_id == org_id


def can_download_certificate(user: User, cert: Certificate) -> bool:
    """Holders download their own certificates (a unit's, the unit's own organisers); the host's organisers
    every certificate of the contest."""
    if cert.org_id is not None and can_download_unit_certificates(user, cert.org_id):
        return True
    return (cert.user_id is not None and cert.user_id == user.id) or can_manage(user, cert.event.contest)


def can_read_notification(user: User, note: Notification) -> bool:
    """A notification is its recipient's alone (to read and to mark read)."""
    return note.user_id == user.id


# ---------------------------------------------------------------------------------------------- self-assessments (安康杯)


def can_write_assessment(user: User, nomination: Nomination) -> bool:
    """A unit entry's self-assessment (figures, evidence, submission) is written by the unit's own organisers,
    and for a team by its enterprise's organisers too (administrators: any, as support). Whether it is still
    open (not locked by the inspection) is the service's check."""
    if not _signed_in(user) or nomination.unit_id is None:
        return False
    if is_admin(user):
        return True
    unit = nomination.unit
    writers = {unit.id} | ({unit.parent_id} if unit.level == OrgLevel.TEAM and unit.parent_id else set())
    return user.has_role(Role.ORGANISER) and user.org_id in writers


def inspects_unit(user: User, nomination: Nomination) -> bool:
    """An inspector of a unit entry: a judge assigned to its event who is not in conflict with the unit (his own
    enterprise — or county, with the contest's county scope —, the rule of ``domain.judging.in_conflict``): he
    never scores that unit, so he does not read its self-assessment either."""
    if nomination.unit_id is None or judge_assignment(user, nomination.event_id) is None:
        return False
    judge_path, unit_path = path_ids(user.org.path), path_ids(nomination.unit.path)
    levels = {i: level.value for i, level in db.session.execute(
        select(Organisation.id, Organisation.level).where(Organisation.id.in_(set(judge_path) | set(unit_path))))}
    return not in_conflict(judge_path, [unit_path], levels, nomination.event.contest.conflict_scope)


def can_read_assessment(user: User | None, nomination: Nomination) -> bool:
    """Who reads a unit entry's self-assessment and downloads its evidence: the organisers of the units on its
    approval chain — the unit itself, its enterprise (for a team), the units above it up to the contest's host
    —, the event's inspectors (``inspects_unit``), and administrators. Nobody else: not the unit's workers, not
    organisers of other units, not a judge of another event."""
    if not _signed_in(user) or nomination.unit_id is None:
        return False
    if is_admin(user) or can_write_assessment(user, nomination):
        return True
    if user.has_role(Role.ORGANISER) and user.org_id in nomination.chain_ids:
        return True
    return inspects_unit(user, nomination)


# ---------------------------------------------------------------------------------------------- abilities


@dataclass(frozen=True)
class Abilities:
    """What a user may do with a contest (and one of its events) now: handed to templates as ``may``, so that
    no template spells a contest state. Each attribute combines the policy (who) with a state set of
    ``contest.domain.contests`` (when)."""

    manage: bool = False  # the host's organisers (and administrators)
    edit: bool = False  # change the contest's details, add events and rubrics (before the contest starts)
    delete: bool = False  # delete the draft, remove its events
    import_nominations: bool = False  # upload nominations while registration is open
    enter: bool = False  # a worker enters himself while registration is open
    draw: bool = False  # the draw page (every state but a draft)
    hold_draw: bool = False  # hold the draw now (registration closed, the contest not started)
    results: bool = False  # the ranking page for the host (once the contest has started)
    compute: bool = False  # compute the results again (until they are final)
    rules: bool = False  # change an event's ranking rules: tie-breakers, award scheme (until the results are public)
    publish: bool = False  # start the public notice (every event scored)
    finalise: bool = False  # make the results final (after the notice)
    issue: bool = False  # issue certificates (results final)
    judge: bool = False  # a judge of the event enters marks or match results now (needs the event)
    scoring_open: bool = False  # the contest is in its scoring state (whoever asks)
    object: bool = False  # file an objection (during the notice)
    results_final: bool = False  # the results are final (finals show promoted entries; certificates exist)


def abilities(user: User | None, contest: Contest, event: Event | None = None) -> Abilities:
    """``may`` for templates: ``may.edit``, ``may.draw``, ``may.judge``, ``may.publish``, ``may.object`` …"""
    status = contest.status
    signed_in = _signed_in(user)
    manage = signed_in and can_manage(user, contest)
    judge = bool(signed_in and event is not None and status in states.SCORING and judge_assignment(user, event.id) is not None)
    return Abilities(
        manage=manage,
        edit=manage and status in states.PREPARING,
        delete=manage and status in states.DELETABLE,
        import_nominations=signed_in and can_import_nominations(user) and status in states.REGISTRATION,
        enter=signed_in and user.has_role(Role.WORKER) and status in states.REGISTRATION,
        draw=manage and status in states.DRAWING,
        hold_draw=manage and status in states.DRAW_HELD,
        results=manage and status in states.RESULTS_STAGE,
        compute=manage and status in states.COMPUTING,
        rules=manage and status not in states.PUBLISHED,
        publish=manage and status in states.PUBLISHABLE,
        finalise=manage and status in states.FINALISABLE,
        issue=manage and status in states.FINAL,
        judge=judge,
        scoring_open=status in states.SCORING,
        object=signed_in and status in states.OBJECTIONS,
        results_final=status in states.FINAL,
    )


def can_post_announcement(user: User) -> bool:
    """Organisers of the city, a county or an enterprise (and administrators) post announcements on the public
    portal; a team's (班组) organisers do not."""
    return is_organiser(user) and (is_admin(user) or user.org.level != OrgLevel.TEAM)


def can_address_announcement(user: User, audience: Organisation) -> bool:
    """An announcement is addressed to the poster's own unit or a unit in its subtree (administrators: any unit)."""
    return can_post_announcement(user) and in_scope(user, audience)
