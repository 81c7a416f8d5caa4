"""Brackets of head-to-head events: the generated plan (the domain ``Structure``, serialised), one row per
match with its recorded result and a version, and the append-only match audit.

Who plays in which match is never stored: ``contest.domain.brackets.resolve`` derives it from the plan and
the recorded results, so winners advance and corrections re-flow without derived state to keep in step.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from contest.extensions import db
from contest.models.base import utcnow
from contest.models.contest import Event
from contest.models.user import User


class BracketPlan(db.Model):
    """The bracket of one event: format, options, how the seeds were chosen, and the generated structure."""

    __tablename__ = "brackets"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), unique=True)
    format: Mapped[str] = mapped_column(String(30))
    options: Mapped[dict] = mapped_column(JSON, default=dict)  # third_place, grand_final_reset, rounds, avoid_same_unit
    seeding: Mapped[str] = mapped_column(String(20))  # ranking, manual, draw
    seeding_detail: Mapped[dict] = mapped_column(JSON, default=dict)  # e.g. the ranked event's id
    structure: Mapped[dict] = mapped_column(JSON)  # contest.services.brackets.structure_to_json
    version: Mapped[int] = mapped_column(Integer, default=1)  # bumped when rounds are added (Swiss)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    event: Mapped[Event] = relationship()
    created_by: Mapped[User | None] = relationship()


class Match(db.Model):
    """One match of a bracket and its result. ``has_result`` with ``winner_id`` None is a draw (round robin
    and Swiss only); ``home_id``/``away_id`` are the participants the result was recorded for."""

    __tablename__ = "bracket_matches"
    __table_args__ = (UniqueConstraint("bracket_id", "key", name="uq_bracket_matches_bracket_key"),)

    sign_off_lifted = False  # not stored: set on the row by a correction that lifted the event's sign-off

    id: Mapped[int] = mapped_column(primary_key=True)
    bracket_id: Mapped[int] = mapped_column(ForeignKey("brackets.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(20))
    has_result: Mapped[bool] = mapped_column(Boolean, default=False)
    winner_id: Mapped[int | None] = mapped_column(Integer)  # a nomination id
    home_score: Mapped[int] = mapped_column(Integer, default=0)
    away_score: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[str] = mapped_column(String(20), default="normal")  # normal, walkover, retired
    home_id: Mapped[int | None] = mapped_column(Integer)
    away_id: Mapped[int | None] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer, default=0)  # 0: never recorded; +1 on every write
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime | None] = mapped_column(DateTime)

    bracket: Mapped[BracketPlan] = relationship()
    recorded_by: Mapped[User | None] = relationship()


class MatchAudit(db.Model):
    """Every recording, correction and clearing of a match result (who, when, old, new, reason)."""

    __tablename__ = "match_audits"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("bracket_matches.id", ondelete="CASCADE"))
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    kind: Mapped[str] = mapped_column(String(20))  # entry, correction, cleared
    old: Mapped[dict | None] = mapped_column(JSON)
    new: Mapped[dict | None] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(Text, default="")
    caused_by: Mapped[str | None] = mapped_column(String(20))  # for "cleared": the corrected match's key

    match: Mapped[Match] = relationship()
    actor: Mapped[User] = relationship()
