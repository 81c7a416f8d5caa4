"""Contests, their events (竞赛项目/工种), components and rubric criteria."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from contest import methods
from contest.domain.contests import Aggregation, ContestKind, ContestStatus, CriterionKind, EventKind, Trade
from contest.domain.entrants import EntrantKind, entrant_kind_of
from contest.extensions import db
from contest.models.base import enum_column, utcnow
from contest.models.org import Organisation
from contest.models.user import User


class Contest(db.Model):
    __tablename__ = "contests"
    __table_args__ = (CheckConstraint("year BETWEEN 2000 AND 2100", name="year_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    year: Mapped[int] = mapped_column(Integer, index=True)
    kind: Mapped[ContestKind] = mapped_column(enum_column(ContestKind, "contest_kind"))
    host_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    status: Mapped[ContestStatus] = mapped_column(enum_column(ContestStatus, "contest_status"), default=ContestStatus.DRAFT, index=True)
    registration_opens: Mapped[date | None] = mapped_column(Date)
    registration_closes: Mapped[date | None] = mapped_column(Date)
    contest_date: Mapped[date | None] = mapped_column(Date)
    venue: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    rules: Mapped[str] = mapped_column(Text, default="")
    # Conflict of interest: a judge never scores entries from his own enterprise, or (county) his own county.
    conflict_scope: Mapped[str] = mapped_column(String(20), default="enterprise", server_default="enterprise")
    notice_days: Mapped[int] = mapped_column(Integer, default=5, server_default="5")  # 公示期 (days)
    # Certificates: issuing organisation's name as printed (default: the host), body template, seal (PNG).
    certificate_issuer: Mapped[str] = mapped_column(String(200), default="", server_default="")
    certificate_template: Mapped[str] = mapped_column(Text, default="", server_default="")
    certificate_seal: Mapped[bytes | None] = mapped_column(LargeBinary)
    copied_from_id: Mapped[int | None] = mapped_column(ForeignKey("contests.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    host: Mapped[Organisation] = relationship(lazy="joined")
    created_by: Mapped[User | None] = relationship()
    copied_from: Mapped[Contest | None] = relationship(remote_side=[id])
    events: Mapped[list[Event]] = relationship(
        back_populates="contest", cascade="all, delete-orphan", order_by="Event.position, Event.id"
    )

    @property
    def level(self):
        return self.host.level

    @property
    def issuer(self) -> str:
        """The issuing organisation as printed on certificates and named as the author of every PDF."""
        return self.certificate_issuer or self.host.name


class Event(db.Model):
    __tablename__ = "events"
    __table_args__ = (
        UniqueConstraint("contest_id", "name", name="uq_events_contest_name"),
        CheckConstraint("team_min >= 1 AND team_min <= team_max", name="team_size"),
        # 立功竞赛 periods: a period event names its series, its label and its place in the series, or none of them.
        CheckConstraint(
            "(period_series IS NULL AND period_label IS NULL AND period_seq IS NULL)"
            " OR (period_series IS NOT NULL AND period_label IS NOT NULL AND period_seq >= 1)",
            name="period_shape",
        ),
        UniqueConstraint("contest_id", "period_series", "period_seq", name="uq_events_period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[EventKind] = mapped_column(enum_column(EventKind, "event_kind"), default=EventKind.INDIVIDUAL)
    team_min: Mapped[int] = mapped_column(Integer, default=1)
    team_max: Mapped[int] = mapped_column(Integer, default=1)
    min_age: Mapped[int | None] = mapped_column(Integer)
    max_age: Mapped[int | None] = mapped_column(Integer)
    min_skill_level: Mapped[str | None] = mapped_column(String(20))
    occupations: Mapped[str] = mapped_column(String(200), default="")  # 、-separated; empty: any occupation
    capacity: Mapped[int | None] = mapped_column(Integer)  # the host's own limit on confirmed entries
    tie_breakers: Mapped[list] = mapped_column(JSON, default=list)  # ordered specs for the ranking engine
    award_scheme: Mapped[dict] = mapped_column(JSON, default=dict)
    bracket_format: Mapped[str | None] = mapped_column(String(30))
    # The decision method (``contest.methods``) by name, and its own settings; NULL: derived from the columns
    # above (a bracket format means ``bracket``, else ``rubric``). Read it as ``event.method``.
    method_name: Mapped[str | None] = mapped_column("method", String(30))
    method_options: Mapped[dict | None] = mapped_column(JSON)
    # A preliminary event feeds a final: its top entries are promoted into ``final_event``.
    final_event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    # 立功竞赛: the event is one period (a month, a quarter) of a series of the contest's events scoring the same
    # units: the series' name, the period's label ("2026年9月") and its place in the series (1, 2 …).
    # ``services.periods`` adds the next period; a ``period_total`` event ranks the series cumulatively.
    period_series: Mapped[str | None] = mapped_column(String(100))
    period_label: Mapped[str | None] = mapped_column(String(40))
    period_seq: Mapped[int | None] = mapped_column(Integer)

    contest: Mapped[Contest] = relationship(back_populates="events")
    components: Mapped[list[Component]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="Component.position, Component.id"
    )

    @property
    def is_team(self) -> bool:
        return self.kind == EventKind.TEAM

    @property
    def entrant_kind(self) -> EntrantKind:
        """The kind of entrant the event takes (``domain.entrants``)."""
        return entrant_kind_of(self.kind)

    @property
    def takes_units(self) -> bool:
        """Units (enterprises and teams, 安康杯) enter, not workers: enrolment replaces nomination."""
        return self.entrant_kind == EntrantKind.UNIT

    @property
    def occupation_list(self) -> tuple[str, ...]:
        return tuple(o.strip() for o in self.occupations.replace(",", "、").replace("，", "、").split("、") if o.strip())

    @property
    def trade(self) -> Trade:
        return Trade(self.name, self.occupation_list, self.kind)

    @property
    def method(self) -> methods.Method:
        """How this event is decided: its entry in the registry of decision methods."""
        return methods.method_of(self)

    @property
    def is_period(self) -> bool:
        """One period of a 立功竞赛 series (``period_series``)."""
        return self.period_series is not None

    @property
    def total_weight(self) -> int:
        return sum(c.weight for c in self.components)


class Component(db.Model):
    __tablename__ = "components"
    __table_args__ = (CheckConstraint("weight > 0 AND weight <= 100", name="weight_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(50))
    weight: Mapped[int] = mapped_column(Integer)
    aggregation: Mapped[Aggregation] = mapped_column(enum_column(Aggregation, "aggregation"), default=Aggregation.MEAN)
    position: Mapped[int] = mapped_column(Integer, default=0)

    event: Mapped[Event] = relationship(back_populates="components")
    criteria: Mapped[list[Criterion]] = relationship(
        back_populates="component", cascade="all, delete-orphan", order_by="Criterion.position, Criterion.id"
    )

    @property
    def max_total(self) -> Decimal:
        return sum((c.max_marks for c in self.criteria), Decimal(0))


class Criterion(db.Model):
    """A rubric line. Marks are stored exactly as integer hundredths (``max_x100`` = 1050 for 10.50)."""

    __tablename__ = "criteria"
    __table_args__ = (CheckConstraint("max_x100 > 0", name="max_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    component_id: Mapped[int] = mapped_column(ForeignKey("components.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    max_x100: Mapped[int] = mapped_column(Integer)
    kind: Mapped[CriterionKind] = mapped_column(enum_column(CriterionKind, "criterion_kind"), default=CriterionKind.MEASUREMENT)
    position: Mapped[int] = mapped_column(Integer, default=0)

    component: Mapped[Component] = relationship(back_populates="criteria")

    @property
    def max_marks(self) -> Decimal:
        return (Decimal(self.max_x100) / 100).quantize(Decimal("0.01"))
