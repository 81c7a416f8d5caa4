"""Certificates (荣誉证书): one per holder and award or title, numbered per host and year, verifiable by code."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from contest.extensions import db
from contest.models.base import utcnow
from contest.models.contest import Event
from contest.models.org import Organisation
from contest.models.registration import Nomination
from contest.models.user import User


class Certificate(db.Model):
    __tablename__ = "certificates"
    __table_args__ = (
        UniqueConstraint("host_id", "year", "seq", name="uq_certificates_host_year_seq"),
        # One live certificate per holder, entry kind and label: a worker's (user_id) or a unit's (org_id).
        Index("uq_certificates_live", "event_id", "user_id", "kind", "label", unique=True,
              sqlite_where=text("revoked_at IS NULL"), postgresql_where=text("revoked_at IS NULL")),
        Index("uq_certificates_live_unit", "event_id", "org_id", "kind", "label", unique=True,
              sqlite_where=text("revoked_at IS NULL"), postgresql_where=text("revoked_at IS NULL")),
        CheckConstraint("(user_id IS NULL) <> (org_id IS NULL)", name="one_holder"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    host_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    serial: Mapped[str] = mapped_column(String(30), unique=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)  # unguessable, in the QR code's URL
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nominations.id", ondelete="CASCADE"))
    # The holder: a worker, or a unit for a unit entrant's certificate (exactly one of the two).
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # award | title
    label: Mapped[str] = mapped_column(String(40))  # 一等奖, 技术能手 …
    holder_name: Mapped[str] = mapped_column(String(100))
    contest_title: Mapped[str] = mapped_column(String(200))
    event_name: Mapped[str] = mapped_column(String(100))
    issuer: Mapped[str] = mapped_column(String(200))
    issued_on: Mapped[date] = mapped_column(Date)
    issued_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoke_reason: Mapped[str] = mapped_column(Text, default="")
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"))

    event: Mapped[Event] = relationship()
    nomination: Mapped[Nomination] = relationship()
    holder: Mapped[User | None] = relationship(foreign_keys=[user_id])
    holder_unit: Mapped[Organisation | None] = relationship(foreign_keys=[org_id])
    issued_by: Mapped[User | None] = relationship(foreign_keys=[issued_by_id])

    @property
    def names_unit(self) -> bool:
        return self.org_id is not None

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None
