"""Notifications (通知): written in the same transaction as their cause, read in each user's inbox.

``notify``/``notify_many`` only add rows to the session of the caller's transaction (they never commit), so a
notification exists exactly when its cause was committed. The text is rendered when shown, in the reader's
language: a row stores its ``kind`` and plain ``params``; ``KINDS`` maps a kind to its message and the page it
leads to. The same rows are the outbox of an optional e-mail sender (``sent_at``), which is not built yet.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, insert, select, update

from contest.domain.errors import N_
from contest.extensions import db
from contest.models import Notification, User, utcnow
from contest.services import NotFound, PermissionDenied, transaction

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
}


def notify(user_id: int, kind: str, **params: object) -> None:
    """Add one notification to the current transaction."""
    notify_many([user_id], kind, **params)


def notify_many(user_ids: Iterable[int], kind: str, **params: object) -> int:
    """Add the same notification for each of ``user_ids`` (once per user) to the current transaction, in one
    multi-row INSERT; returns how many were written."""
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    now = utcnow()
    rows = [{"user_id": uid, "kind": kind, "params": dict(params), "created_at": now} for uid in dict.fromkeys(user_ids)]
    if rows:
        db.session.execute(insert(Notification), rows)
    return len(rows)


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
        note = db.session.get(Notification, notification_id)
        if note is None:
            raise NotFound(N_("This notification does not exist."))
        if note.user_id != user.id:
            raise PermissionDenied()
        if note.read_at is None:
            note.read_at = utcnow()
    return note


def mark_all_read(user: User) -> int:
    with transaction():
        result = db.session.execute(
            update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None)).values(read_at=utcnow())
        )
    return result.rowcount or 0
