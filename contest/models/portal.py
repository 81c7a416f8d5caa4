"""Yearly targets for the dashboard, announcements (通知公告) and the files attached to them or to a contest."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from contest.extensions import db
from contest.models.base import utcnow
from contest.models.org import Organisation


class Target(db.Model):
    """A unit's yearly target for one dashboard metric (``contest.domain.targets.METRICS``); a unit without a row
    uses the plan's default where one exists."""

    __tablename__ = "dashboard_targets"
    __table_args__ = (
        UniqueConstraint("year", "org_id", "metric", name="uq_dashboard_targets_year_org_metric"),
        CheckConstraint("value >= 0", name="value_non_negative"),
        CheckConstraint("year BETWEEN 2000 AND 2100", name="year_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    metric: Mapped[str] = mapped_column(String(40))
    value: Mapped[int] = mapped_column(Integer)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class Announcement(db.Model):
    """A notice posted by an organiser of ``org`` (the issuing unit) for ``audience``: that unit or one in its
    subtree. Public on the portal once posted; the portal's front list shows the city's and the counties' notices,
    a unit's list those of the unit and the units above it."""

    __tablename__ = "announcements"
    __table_args__ = (Index("ix_announcements_published", "published_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    audience_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    org: Mapped[Organisation] = relationship(lazy="joined", foreign_keys=[org_id])
    audience: Mapped[Organisation] = relationship(lazy="joined", foreign_keys=[audience_id])
    attachments: Mapped[list[Attachment]] = relationship(
        primaryjoin="and_(Attachment.announcement_id == Announcement.id)", order_by="Attachment.id", lazy="selectin",
        viewonly=True,
    )


class Attachment(db.Model):
    """An uploaded file, checked by its content (``contest.domain.uploads``), stored under ``instance/`` by its
    SHA-256 digest. It belongs to an announcement or is a contest's rules document (exactly one of the two)."""

    __tablename__ = "attachments"
    __table_args__ = (
        CheckConstraint("(announcement_id IS NULL) <> (contest_id IS NULL)", name="one_owner"),
        CheckConstraint("size > 0", name="size_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    announcement_id: Mapped[int | None] = mapped_column(ForeignKey("announcements.id", ondelete="CASCADE"), index=True)
    contest_id: Mapped[int | None] = mapped_column(ForeignKey("contests.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
