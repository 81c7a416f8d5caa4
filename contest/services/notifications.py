"""Notifications (通知): written in the same transaction as their cause, read in each user's inbox.

``notify``/``notify_many`` only add rows to the session of the caller's transaction (they never commit), so a
notification exists exactly when its cause was committed. The text is rendered when shown, in the reader's
language: a row stores its ``kind`` and plain ``params``; ``KINDS`` maps a kind to its message and the page it
leads to. The same rows are the outbox of the e-mail sender (``contest.notifications.delivery``, run by
``flask --app contest deliver-notifications``): a row is written ``email_status="pending"`` and the worker mails
it after the commit, so a request never waits for a mail server.

Who is told what (the causes call one of the helpers below inside their own transaction):

- ``nominations_waiting`` — the organisers of the unit a nomination now waits at (created, or approved one
  level up), one notification per unit and event and action with the count;
- ``nomination_rejected`` (with the reason) and ``nomination_confirmed`` — the nomination's members; for a unit's
  entry (安康杯), which has no members, ``unit_entry_rejected`` / ``unit_entry_confirmed`` to the unit's own active
  organisers and whoever enrolled it;
- ``quota_allocated`` — the organisers of the unit given places;
- ``objection_answered``, ``results_published``, ``certificates_issued`` — the objector, the entrants, the holders;
- ``registration_closing`` — organisers under the host of an open contest whose registration closes within
  ``CLOSING_NOTICE_DAYS`` days, once per contest and organiser (``once_key``; ``flask --app contest notify-due``).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from types import SimpleNamespace

from sqlalchemy import func, insert, select, update

from contest.domain.contact import clean_email
from contest.domain.contests import ContestStatus
from contest.domain.errors import N_
from contest.domain.nominations import NominationStatus
from contest.domain.orgtree import path_ids
from contest.extensions import db
from contest.loaders import own_notification
from contest.models import (
    Contest,
    Event,
    Nomination,
    NominationMember,
    Notification,
    Organisation,
    Role,
    User,
    UserRole,
    utcnow,
)
from contest.services import audit, transaction

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Kind:
    """A kind of notification: its message (an ``N_`` msgid with the row's params) and the page it opens
    (an endpoint and the params that fill its arguments)."""

    message: str
    endpoint: str
    args: tuple[str, ...] = ()
    anchor: str | None = None  # a params key: the page's #fragment is ``<key>-<value>``


KINDS: dict[str, Kind] = {
    "objection_answered": Kind(
        N_("Your objection to %(event)s of %(contest)s has been answered: %(decision)s."),
        "registration.my_entries", anchor="objection",
    ),
    "results_published": Kind(
        N_("The results of %(event)s of %(contest)s are published for public notice."),
        "results.public_ranking", ("event_id",),
    ),
    "certificates_issued": Kind(
        N_("Your certificate for %(event)s of %(contest)s has been issued."),
        "certificates.mine",
    ),
    "nominations_waiting": Kind(
        N_("%(count)d nomination(s) for %(event)s of %(contest)s wait for the approval of %(unit)s."),
        "registration.waiting",
    ),
    "nomination_rejected": Kind(
        N_("Your nomination for %(event)s of %(contest)s was rejected by %(unit)s. Reason: %(reason)s"),
        "registration.nomination", ("nomination_id",),
    ),
    "nomination_confirmed": Kind(
        N_("Your entry for %(event)s of %(contest)s is confirmed."),
        "registration.nomination", ("nomination_id",),
    ),
    "unit_entry_rejected": Kind(
        N_("The entry of %(entrant)s for %(event)s of %(contest)s was rejected by %(unit)s. Reason: %(reason)s"),
        "registration.nomination", ("nomination_id",),
    ),
    "unit_entry_confirmed": Kind(
        N_("The entry of %(entrant)s for %(event)s of %(contest)s is confirmed."),
        "registration.nomination", ("nomination_id",),
    ),
    "quota_allocated": Kind(
        N_("%(unit)s has been allocated %(places)d place(s) in %(event)s of %(contest)s."),
        "registration.quotas", ("event_id",),
    ),
    "registration_closing": Kind(
        N_("Registration for %(contest)s closes on %(closes)s."),
        "contests.detail", ("contest_id",),
    ),
}

CLOSING_NOTICE_DAYS = 3


def notify(user_id: int, kind: str, **params: object) -> None:
    """Add one notification to the current transaction."""
    notify_many([user_id], kind, **params)


def notify_many(user_ids: Iterable[int], kind: str, **params: object) -> int:
    """Add the same notification for each of ``user_ids`` (once per user) to the current transaction, in one
    multi-row INSERT; returns how many were written."""
    once_key = params.pop("_once_key", None)
    return _insert(_rows(user_ids, kind, params, once_key))


def _rows(user_ids: Iterable[int], kind: str, params: dict, once_key: str | None = None) -> list[dict]:
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    now = utcnow()
    return [{"user_id": uid, "kind": kind, "params": dict(params), "created_at": now, "once_key": once_key,
             "email_status": "pending", "attempts": 0, "next_attempt_at": now}
            for uid in dict.fromkeys(user_ids)]


def _insert(rows: list[dict]) -> int:
    if rows:
        db.session.execute(insert(Notification), rows)
    return len(rows)


def organiser_ids(org_ids: Iterable[int]) -> list[int]:
    """The active organisers of the given units (one query)."""
    ids = list(dict.fromkeys(org_ids))
    if not ids:
        return []
    return list(db.session.scalars(
        select(User.id).join(UserRole, UserRole.user_id == User.id)
        .where(User.org_id.in_(ids), User.active.is_(True), UserRole.role == Role.ORGANISER).order_by(User.id)
    ))


def notify_progress(nominations: Iterable) -> int:
    """After nominations were written or approved: the organisers of each unit they now wait at hear that
    nominations wait for them (one notification per unit and event, with the count) — or, for a unit without
    an active organiser (which never blocks: the units above act for it), the organisers of the nearest unit
    above it, up to the host, that has one; the members of confirmed nominations hear so. Two queries (units,
    organisers) and one multi-row INSERT."""
    items = list(nominations)
    waiting: dict[tuple[int, int], list] = defaultdict(list)
    for nomination in items:
        if nomination.waiting_org_id is not None:
            waiting[(nomination.waiting_org_id, nomination.event_id)].append(nomination)
    rows: list[dict] = []
    if waiting:
        units = {o.id: o for o in db.session.scalars(select(Organisation).where(Organisation.id.in_({k[0] for k in waiting})))}
        above = {i for unit in units.values() for i in path_ids(unit.path)}
        organisers: dict[int, list[int]] = defaultdict(list)
        for user_id, org_id in db.session.execute(
            select(User.id, User.org_id).join(UserRole, UserRole.user_id == User.id)
            .where(User.org_id.in_(above), User.active.is_(True), UserRole.role == Role.ORGANISER).order_by(User.id)
        ):
            organisers[org_id].append(user_id)
        for (org_id, _event_id), group in waiting.items():
            event, unit = group[0].event, units[org_id]
            chain = path_ids(unit.path)[::-1]  # the unit, then up to the root
            chain = chain[:chain.index(event.contest.host_id) + 1] if event.contest.host_id in chain else chain[:1]
            recipients = next((organisers[i] for i in chain if organisers.get(i)), [])
            rows += _rows(recipients, "nominations_waiting", {"count": len(group), "event_id": event.id, "event": event.name,
                                                              "contest": event.contest.title, "unit": unit.name})
    confirmed = [n for n in items if n.waiting_org_id is None and n.status == NominationStatus.CONFIRMED]
    units = _unit_recipients([n for n in confirmed if n.unit_id is not None])
    names = _unit_names(n.unit_id for n in confirmed)
    for nomination in confirmed:
        if nomination.unit_id is not None:
            rows += _rows(units[nomination.id], "unit_entry_confirmed", {**_about(nomination), "entrant": names[nomination.unit_id]})
        else:
            rows += _rows((m.user_id for m in nomination.members), "nomination_confirmed", _about(nomination))
    return _insert(rows)


def _unit_names(unit_ids: Iterable[int | None]) -> dict[int, str]:
    ids = {i for i in unit_ids if i is not None}
    return {i: name for i, name in db.session.execute(select(Organisation.id, Organisation.name).where(Organisation.id.in_(ids)))} if ids else {}


def _unit_recipients(nominations: list) -> dict[int, list[int]]:
    """Who hears about a unit's entry: the unit's own active organisers and the account that enrolled it
    (an enterprise's organiser for its teams, which seldom have organisers). One query."""
    if not nominations:
        return {}
    by_unit = defaultdict(list)
    for user_id, org_id in db.session.execute(
        select(User.id, User.org_id).join(UserRole, UserRole.user_id == User.id)
        .where(User.org_id.in_({n.unit_id for n in nominations}), User.active.is_(True), UserRole.role == Role.ORGANISER)
        .order_by(User.id)
    ):
        by_unit[org_id].append(user_id)
    return {n.id: [*by_unit[n.unit_id], *([n.created_by_id] if n.created_by_id else [])] for n in nominations}


def notify_progress_of(nomination_ids: Iterable[int]) -> int:
    """``notify_progress`` for nominations written with Core INSERTs (bulk import of up to 20,000 rows): three
    plain SELECTs instead of loading every nomination as an object."""
    ids = list(nomination_ids)
    if not ids:
        return 0
    rows = db.session.execute(select(Nomination.id, Nomination.event_id, Nomination.waiting_org_id, Nomination.status,
                                     Nomination.unit_id, Nomination.created_by_id)
                              .where(Nomination.id.in_(ids))).all()
    members: dict[int, list] = defaultdict(list)
    for nomination_id, user_id in db.session.execute(
        select(NominationMember.nomination_id, NominationMember.user_id).where(NominationMember.nomination_id.in_(ids))
    ):
        members[nomination_id].append(SimpleNamespace(user_id=user_id))
    events = {
        event_id: SimpleNamespace(id=event_id, name=name, contest=SimpleNamespace(title=title, host_id=host_id))
        for event_id, name, title, host_id in db.session.execute(
            select(Event.id, Event.name, Contest.title, Contest.host_id).join(Contest, Contest.id == Event.contest_id)
            .where(Event.id.in_({r.event_id for r in rows}))
        )
    }
    return notify_progress(
        SimpleNamespace(id=r.id, event_id=r.event_id, waiting_org_id=r.waiting_org_id, status=r.status,
                        unit_id=r.unit_id, created_by_id=r.created_by_id, event=events[r.event_id], members=members[r.id])
        for r in rows
    )


def _about(nomination) -> dict:
    return {"nomination_id": nomination.id, "event": nomination.event.name, "contest": nomination.event.contest.title}


def notify_nomination(nomination, kind: str, **params: object) -> int:
    """Tell a nomination's members (``nomination_rejected``, with ``unit`` and ``reason``); a unit's entry tells the
    unit's organisers and whoever enrolled it (``unit_entry_rejected``)."""
    if nomination.unit_id is not None:
        kind = {"nomination_rejected": "unit_entry_rejected"}.get(kind, kind)
        return notify_many(_unit_recipients([nomination])[nomination.id], kind, **_about(nomination),
                           entrant=_unit_names([nomination.unit_id])[nomination.unit_id], **params)
    return notify_many((m.user_id for m in nomination.members), kind, **_about(nomination), **params)


def notify_quota(event, org, places: int) -> int:
    """Tell the organisers of a unit that it was allocated places."""
    return notify_many(organiser_ids([org.id]), "quota_allocated", event_id=event.id, event=event.name,
                       contest=event.contest.title, unit=org.name, places=int(places))


def notify_once(user_ids: Iterable[int], kind: str, once_key: str, **params: object) -> int:
    """Like ``notify_many``, but never twice for the same user and ``once_key``: users who already have a
    notification with this key are left out (and a concurrent run that slips past this read is stopped by the
    unique constraint on ``(user_id, once_key)``). Returns how many were written."""
    ids = list(dict.fromkeys(user_ids))
    if not ids:
        return 0
    done = set(db.session.scalars(select(Notification.user_id).where(Notification.once_key == once_key, Notification.user_id.in_(ids))))
    return notify_many([i for i in ids if i not in done], kind, _once_key=once_key, **params)


def closing_soon(on: date, days: int = CLOSING_NOTICE_DAYS):
    """Open contests whose registration closes between ``on`` and ``on + days`` (inclusive)."""
    return list(db.session.scalars(
        select(Contest).where(Contest.status == ContestStatus.OPEN, Contest.registration_closes.is_not(None),
                              Contest.registration_closes >= on, Contest.registration_closes <= on + timedelta(days=days))
        .order_by(Contest.id)
    ))


def notify_due(on: date) -> int:
    """``registration_closing`` for every contest closing within ``CLOSING_NOTICE_DAYS`` days of ``on``, to
    the active organisers of the host's subtree, once per contest and organiser (safe to run every day, or
    twice). One transaction; returns how many notifications were written."""
    written = 0
    with transaction():
        for contest in closing_soon(on):
            users = db.session.scalars(
                select(User.id).join(User.org).join(UserRole, UserRole.user_id == User.id)
                .where(Organisation.path.startswith(contest.host.path), User.active.is_(True), UserRole.role == Role.ORGANISER)
                .order_by(User.id)
            )
            written += notify_once(users, "registration_closing", f"closing:{contest.id}", contest_id=contest.id,
                                   contest=contest.title, closes=contest.registration_closes.isoformat())
    logger.debug("registration closing: %d notification(s)", written)
    return written


def outbox_counts() -> dict[str, int]:
    """Notifications by e-mail status (``pending`` is the queue depth)."""
    rows = db.session.execute(select(Notification.email_status, func.count(Notification.id)).group_by(Notification.email_status))
    return {status: count for status, count in rows}


def set_email(user: User, value: str | None) -> str | None:
    """A user sets (or clears) his own e-mail address; refused with a message when it is not one."""
    email = clean_email(value)
    with transaction():
        target = db.session.get(User, user.id)
        if target.email != email:
            target.email = email
            audit(user, "user.email", "user", user.id, set=email is not None)
    return email


def unread_count(user: User) -> int:
    return db.session.scalar(
        select(func.count(Notification.id)).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    ) or 0


def inbox_query(user: User):
    """The user's notifications, unread first, newest first (for ``contest.web.paginate``)."""
    return (select(Notification).where(Notification.user_id == user.id)
            .order_by(Notification.read_at.is_not(None), Notification.created_at.desc(), Notification.id.desc()))


def mark_read(user: User, notification_id: int) -> Notification:
    """Mark one of the user's own notifications read (reading it again changes nothing)."""
    with transaction():
        note = own_notification(user, notification_id)
        if note.read_at is None:
            note.read_at = utcnow()
    return note


def mark_all_read(user: User) -> int:
    with transaction():
        result = db.session.execute(
            update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None)).values(read_at=utcnow())
        )
    return result.rowcount or 0
