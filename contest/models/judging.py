"""Judging: assignments (with the chief judge), scores with versions, the append-only score audit,
idempotency records for submissions, and the sign-off that locks an event."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from contest.extensions import db
from contest.models.base import utcnow
from contest.models.contest import Criterion, Event
from contest.models.registration import Nomination
from contest.models.user import User


class JudgeAssignment(db.Model):
    __tablename__ = "judge_assignments"
    __table_args__ = (UniqueConstraint("event_id", "judge_id", name="uq_judge_assignments_event_judge"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    judge_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    is_chief: Mapped[bool] = mapped_column(Boolean, default=False)
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    assigned_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    event: Mapped[Event] = relationship()
    judge: Mapped[User] = relationship(foreign_keys=[judge_id], lazy="joined")


# At most one chief judge per event, on SQLite and PostgreSQL alike.
Index(
    "uq_judge_assignments_one_chief",
    JudgeAssignment.event_id,
    unique=True,
    sqlite_where=text("is_chief"),
    postgresql_where=text("is_chief"),
)


class Score(db.Model):
    """One judge's mark for one criterion of one entry, exactly, as integer hundredths; versioned."""

    __tablename__ = "scores"
    __table_args__ = (
        UniqueConstraint("judge_id", "nomination_id", "criterion_id", name="uq_scores_judge_entry_criterion"),
        CheckConstraint("value_x100 >= 0", name="value_non_negative"),
        CheckConstraint("version >= 1", name="version_positive"),
        Index("ix_scores_event", "event_id", "nomination_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    judge_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nominations.id", ondelete="CASCADE"))
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criteria.id", ondelete="CASCADE"))
    value_x100: Mapped[int] = mapped_column(Integer)
    # What the judge noted with the mark: an inspector's deduction occurrences ("2 处消防通道堵塞") or a veto's reason.
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    nomination: Mapped[Nomination] = relationship()
    criterion: Mapped[Criterion] = relationship()


class ScoreAudit(db.Model):
    """Append-only: every creation and change of a score, by whom, when, old and new value, why, client key."""

    __tablename__ = "score_audit"
    __table_args__ = (Index("ix_score_audit_event_at", "event_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nominations.id", ondelete="CASCADE"))
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criteria.id", ondelete="CASCADE"))
    judge_id: Mapped[int] = mapped_column(ForeignKey("users.id"))  # whose score
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))  # who changed it (the chief judge for corrections)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    old_x100: Mapped[int | None] = mapped_column(Integer)
    new_x100: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="", server_default="")  # the score's note as written (an inspector's)
    client_key: Mapped[str | None] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20), default="entry")  # entry, change, correction

    judge: Mapped[User] = relationship(foreign_keys=[judge_id])
    actor: Mapped[User] = relationship(foreign_keys=[actor_id])
    nomination: Mapped[Nomination] = relationship()
    criterion: Mapped[Criterion] = relationship()


class IdempotencyRecord(db.Model):
    """The first answer to a submission, replayed for the same (user, key) and the same request.

    ``fingerprint`` is the SHA-256 of the request (what it writes to and its canonical JSON body); the same
    key sent with another request is refused (422 ``idempotency_key_reused``) instead of answered."""

    __tablename__ = "idempotency_records"
    __table_args__ = (UniqueConstraint("user_id", "key", name="uq_idempotency_records_user_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(100))
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    status_code: Mapped[int] = mapped_column(Integer)
    response: Mapped[dict] = mapped_column(JSON)
    fingerprint: Mapped[str | None] = mapped_column(String(64))  # None for records written before 0011
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class SignOff(db.Model):
    """The chief judge's sign-off of a complete event: scores are locked from then on."""

    __tablename__ = "sign_offs"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), unique=True)
    chief_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    chief: Mapped[User] = relationship()
