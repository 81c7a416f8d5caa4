"""Results: the stored ranking of an event (with awards and titles), the contest's publication (公示)
with its notice period, objections (异议) filed during the notice, and promotions into finals."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from contest.extensions import db
from contest.models.base import utcnow
from contest.models.contest import Contest, Event
from contest.models.registration import Nomination
from contest.models.user import User


class EventResult(db.Model):
    """One entry's place in an event: rank, totals (integer hundredths), award tier and titles."""

    __tablename__ = "event_results"
    __table_args__ = (UniqueConstraint("event_id", "nomination_id", name="uq_event_results_event_nomination"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nominations.id", ondelete="CASCADE"))
    rank: Mapped[int] = mapped_column(Integer)
    total_x100: Mapped[int] = mapped_column(Integer)
    components: Mapped[dict] = mapped_column(JSON, default=dict)  # component id → total (string, exact)
    award: Mapped[str | None] = mapped_column(String(20))
    titles: Mapped[list] = mapped_column(JSON, default=list)
    decided_by: Mapped[str | None] = mapped_column(String(100))  # the tie-breaker that separated it from the one above
    # Why the entry may receive no award whatever its total (a 安康杯 veto: "一票否决：发生亡人事故"); None: eligible.
    excluded_reason: Mapped[str | None] = mapped_column(Text)
    computed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    nomination: Mapped[Nomination] = relationship()


class EventResultNote(db.Model):
    """Explanations the award engine gave (e.g. a tie at a tier boundary), shown with the ranking."""

    __tablename__ = "event_result_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    message: Mapped[str] = mapped_column(Text)
    params: Mapped[dict] = mapped_column(JSON, default=dict)


class Publication(db.Model):
    """The public notice (公示) of a contest's results."""

    __tablename__ = "publications"

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id", ondelete="CASCADE"), unique=True)
    published_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    notice_until: Mapped[datetime] = mapped_column(DateTime)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    finalised_at: Mapped[datetime | None] = mapped_column(DateTime)
    finalised_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    contest: Mapped[Contest] = relationship()


class Objection(db.Model):
    """An objection (异议) to a published result, filed during the notice and resolved by the host."""

    __tablename__ = "objections"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    nomination_id: Mapped[int | None] = mapped_column(ForeignKey("nominations.id", ondelete="SET NULL"))
    filed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    filed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="open")  # open, upheld, dismissed
    resolution: Mapped[str] = mapped_column(Text, default="")
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)
    # What an upheld objection changed in the ranking: [{"nomination_id", "before": {rank, award, titles},
    # "after": {...}}], entries whose rank, award or titles moved (shown to the objector, names masked).
    changes: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")

    event: Mapped[Event] = relationship()
    nomination: Mapped[Nomination | None] = relationship()
    filed_by: Mapped[User] = relationship(foreign_keys=[filed_by_id])
    resolved_by: Mapped[User | None] = relationship(foreign_keys=[resolved_by_id])

    @property
    def is_open(self) -> bool:
        """Not answered yet (templates ask this instead of spelling the status)."""
        return self.status == "open"

    @property
    def is_upheld(self) -> bool:
        return self.status == "upheld"
