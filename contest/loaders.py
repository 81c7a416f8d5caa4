"""Loaders: fetch an object by id for an actor — ``NotFound`` (404) when it does not exist, ``PermissionDenied``
(403) when ``contest.policy`` says the actor may not have it.

Services call these first in a use case, then check state and write. The rules themselves live in
``contest.policy``; this module only pairs "load" with "check", so every service refuses the same way.
Imports: models, the policy, and the access errors of ``contest.services`` (its package module only). Imported by:
services (first thing in a use case) and views that only need an object loaded.
"""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from contest import policy
from contest.domain.errors import N_
from contest.extensions import db
from contest.models import Certificate, Contest, Event, JudgeAssignment, Nomination, Notification, User
from contest.services import NotFound, PermissionDenied

T = TypeVar("T")

MANAGE_CONTEST = N_("Only organisers of %(host)s manage this contest.")


def require(allowed: bool, message: str | None = None, **params: object) -> None:
    """Refuse with ``PermissionDenied`` (403) unless ``allowed``."""
    if not allowed:
        raise PermissionDenied(message, **params) if message else PermissionDenied()


def or_404(model: type[T], object_id: int, message: str = N_("Not found.")) -> T:
    """The row of ``model`` with the primary key ``object_id``, or ``NotFound`` with ``message`` (whoever asks:
    the caller checks the policy that fits)."""
    row = db.session.get(model, object_id)
    if row is None:
        raise NotFound(message)
    return row


def get_contest(user: User, contest_id: int) -> Contest:
    """The contest, if the user may see it (``policy.visible_clause``)."""
    contest = db.session.scalar(select(Contest).join(Contest.host).where(Contest.id == contest_id))
    if contest is None:
        raise NotFound(N_("This contest does not exist."))
    require(db.session.scalar(
        select(Contest.id).join(Contest.host).where(Contest.id == contest_id, policy.visible_clause(user))
    ) is not None)
    return contest


def get_event(user: User, event_id: int) -> Event:
    """The event, if the user may see its contest."""
    event = event_or_404(event_id)
    get_contest(user, event.contest_id)
    return event


def event_or_404(event_id: int) -> Event:
    """The event whoever asks (the caller checks the policy that fits: a judge, a viewer of results …)."""
    return or_404(Event, event_id, N_("This event does not exist."))


def require_host(user: User, contest: Contest, message: str = MANAGE_CONTEST) -> None:
    """Refuse (``PermissionDenied`` with ``message``) unless the user manages the contest (``policy.can_manage``)."""
    require(policy.can_manage(user, contest), message, host=contest.host.name)


def managed_contest(user: User, contest_id: int, message: str = MANAGE_CONTEST) -> Contest:
    """The contest, if the user may see it and manages it."""
    contest = get_contest(user, contest_id)
    require_host(user, contest, message)
    return contest


def managed_event(user: User, event_id: int, message: str = MANAGE_CONTEST) -> Event:
    """The event, if the user may see it and manages its contest."""
    event = get_event(user, event_id)
    require_host(user, event.contest, message)
    return event


def judged_event(judge: User, event_id: int) -> tuple[Event, JudgeAssignment]:
    """The event (with its contest) and the user's assignment as its judge; 403 for anyone not assigned."""
    event = db.session.scalar(select(Event).options(joinedload(Event.contest)).where(Event.id == event_id))
    if event is None:
        raise NotFound(N_("This event does not exist."))
    assignment = policy.judge_assignment(judge, event.id)
    require(assignment is not None, N_("You are not a judge of this event."))
    return event, assignment


def get_nomination(actor: User, nomination_id: int) -> Nomination:
    """The nomination, if the actor may see it (``policy.can_view_nomination``)."""
    nomination = or_404(Nomination, nomination_id, N_("This nomination does not exist."))
    require(policy.can_view_nomination(actor, nomination))
    return nomination


def certificate_or_404(cert_id: int) -> Certificate:
    return or_404(Certificate, cert_id, N_("This certificate does not exist."))


def assignment_or_404(event_id: int, judge_id: int) -> JudgeAssignment:
    """The assignment of ``judge_id`` as a judge of the event (the caller manages the event)."""
    assignment = db.session.scalar(
        select(JudgeAssignment).where(JudgeAssignment.event_id == event_id, JudgeAssignment.judge_id == judge_id))
    if assignment is None:
        raise NotFound(N_("This judge is not assigned to the event."))
    return assignment


def own_notification(user: User, notification_id: int) -> Notification:
    """One of the user's own notifications (``policy.can_read_notification``)."""
    note = or_404(Notification, notification_id, N_("This notification does not exist."))
    require(policy.can_read_notification(user, note))
    return note
