"""Notifications (通知): one row per recipient, written in the same transaction as their cause.

The table is both the inbox (a user's rows, ``read_at`` set once read) and the outbox of the e-mail sender
(``email_status`` pending → sent / skipped (no address) / failed (gave up), with ``attempts``, ``next_attempt_at``
and ``last_error``; see ``contest.notifications.delivery``); the text is rendered when shown, in the reader's language, from
``kind`` and ``params`` (see ``contest.services.notifications.KINDS``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from contest.extensions import db
from contest.models.base import utcnow


class Notification(db.Model):
    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_user_unread", "user_id", "read_at"),
        Index("ix_notifications_outbox", "email_status", "next_attempt_at"),
        # A notification that must reach a user once only (registration closing) names itself.
        UniqueConstraint("user_id", "once_key", name="uq_notifications_once"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(DateTime)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)  # e-mailed (or logged by the console backend)
    once_key: Mapped[str | None] = mapped_column(String(80))
    email_status: Mapped[str] = mapped_column(String(10), default="pending", server_default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_error: Mapped[str | None] = mapped_column(String(500))
