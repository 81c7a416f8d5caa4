"""Quotas (名额), nominations (报名) with their approval timeline, and draws (抽签)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
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

from contest.domain.entrants import Entrant, EntrantKind, Member, Unit
from contest.domain.nominations import NominationStatus
from contest.domain.orgtree import path_ids
from contest.extensions import db
from contest.models.base import enum_column, utcnow
from contest.models.contest import Event
from contest.models.org import Organisation
from contest.models.user import User


class Quota(db.Model):
    """``places`` entries that ``org`` may send to ``event``, allocated by the unit above it."""

    __tablename__ = "quotas"
    __table_args__ = (
        UniqueConstraint("event_id", "org_id", name="uq_quotas_event_org"),
        CheckConstraint("places >= 0", name="places_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    places: Mapped[int] = mapped_column(Integer)
    allocated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    org: Mapped[Organisation] = relationship()


class AwardPlace(db.Model):
    """名额下达: ``places`` of the award tier named ``tier`` that the host of ``event`` gives the child unit ``org``
    (each county of a city contest); the award engine gives that tier within the unit's entries up to it
    (``domain.awards.assign_awards_by_group``). No row for an event: the tiers are given over the whole event."""

    __tablename__ = "award_places"
    __table_args__ = (
        UniqueConstraint("event_id", "org_id", "tier", name="uq_award_places_event_org_tier"),
        CheckConstraint("places >= 0", name="places_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    tier: Mapped[str] = mapped_column(String(50))
    places: Mapped[int] = mapped_column(Integer)
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    org: Mapped[Organisation] = relationship()


LIVE_UNIT = "unit_id IS NOT NULL AND status IN ('pending', 'confirmed')"


class Nomination(db.Model):
    """An entry on its way up the hierarchy; confirmed entries compete (and get a number in the draw)."""

    __tablename__ = "nominations"
    __table_args__ = (
        UniqueConstraint("event_id", "competitor_number", name="uq_nominations_event_number"),
        Index("ix_nominations_waiting", "waiting_org_id", "status"),
        # The shape of each kind of entrant (``domain.entrants.check_shape``; the member counts are the writer's).
        CheckConstraint(
            "(entrant_kind = 'worker' AND team_name IS NULL AND unit_id IS NULL)"
            " OR (entrant_kind = 'team' AND team_name IS NOT NULL AND unit_id IS NULL)"
            " OR (entrant_kind = 'unit' AND team_name IS NULL AND unit_id IS NOT NULL)",
            name="entrant_shape",
        ),
        # One live entry per unit and event (workers: ``uq_nomination_members_live_entry``).
        Index("uq_nominations_live_unit", "event_id", "unit_id", unique=True,
              sqlite_where=text(LIVE_UNIT), postgresql_where=text(LIVE_UNIT)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    # The lowest unit containing every member: the chain of approvals starts here.
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    # Ids of the approving units bottom-first, "/9/5/2/1/"; ``level`` indexes the unit now waiting.
    chain: Mapped[str] = mapped_column(String(255))
    level: Mapped[int] = mapped_column(Integer, default=0)
    waiting_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    status: Mapped[NominationStatus] = mapped_column(enum_column(NominationStatus, "nomination_status"), default=NominationStatus.PENDING, index=True)
    # Who competes (``domain.entrants``): a worker or a team (its members are the nomination_members rows,
    # a team also has its name), or a unit (an enterprise or a team organisation: ``unit_id``, no members).
    entrant_kind: Mapped[EntrantKind] = mapped_column(enum_column(EntrantKind, "entrant_kind"), default=EntrantKind.WORKER)
    team_name: Mapped[str | None] = mapped_column(String(100))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    competitor_number: Mapped[int | None] = mapped_column(Integer)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # Where it came from when promoted from a preliminary (filled in by the results issue).
    source: Mapped[str | None] = mapped_column(String(200))

    event: Mapped[Event] = relationship()
    org: Mapped[Organisation] = relationship(foreign_keys=[org_id])
    waiting_org: Mapped[Organisation | None] = relationship(foreign_keys=[waiting_org_id])
    unit: Mapped[Organisation | None] = relationship(foreign_keys=[unit_id], lazy="selectin")
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    members: Mapped[list[NominationMember]] = relationship(
        back_populates="nomination", cascade="all, delete-orphan", order_by="NominationMember.position", lazy="selectin"
    )
    steps: Mapped[list[NominationStep]] = relationship(
        back_populates="nomination", cascade="all, delete-orphan", order_by="NominationStep.id"
    )

    @property
    def chain_ids(self) -> list[int]:
        return path_ids(self.chain)

    @property
    def entrant(self) -> Entrant:
        """Who competes, as the domain's value (what results, awards and certificates read)."""
        return Entrant(
            EntrantKind(self.entrant_kind), tuple(Member(m.user_id, m.user.name) for m in self.members), self.team_name,
            Unit(self.unit.id, self.unit.name) if self.unit_id is not None else None,
        )

    @property
    def display_name(self) -> str:
        return self.shown_name()

    def shown_name(self, masked: bool = False) -> str:
        """The team's or unit's name, or the worker's name (partly masked, 张*三, for public pages)."""
        return self.entrant.name(masked)


class NominationMember(db.Model):
    """A worker in a nomination. ``live`` mirrors the nomination's status so that a partial unique index
    enforces one live entry per worker per event, on SQLite and PostgreSQL alike."""

    __tablename__ = "nomination_members"
    __table_args__ = (
        Index(
            "uq_nomination_members_live_entry",
            "event_id",
            "user_id",
            unique=True,
            sqlite_where=text("live"),
            postgresql_where=text("live"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nominations.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    live: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    nomination: Mapped[Nomination] = relationship(back_populates="members")
    user: Mapped[User] = relationship(lazy="joined")


class NominationStep(db.Model):
    """One entry of a nomination's timeline: who did what, when, at which unit, and why."""

    __tablename__ = "nomination_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nominations.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    action: Mapped[str] = mapped_column(String(20))  # submit, approve, confirm, reject, withdraw, import
    reason: Mapped[str] = mapped_column(Text, default="")

    nomination: Mapped[Nomination] = relationship(back_populates="steps")
    actor: Mapped[User | None] = relationship()
    org: Mapped[Organisation | None] = relationship()


class Draw(db.Model):
    """The recorded draw of an event: seed, algorithm and who held it; the numbers are on the nominations."""

    __tablename__ = "draws"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), unique=True)
    seed: Mapped[int] = mapped_column(BigInteger)
    algorithm: Mapped[str] = mapped_column(String(40))
    entries: Mapped[int] = mapped_column(Integer)
    held_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    held_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    held_by: Mapped[User | None] = relationship()
