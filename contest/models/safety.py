"""安康杯 and 立功竞赛 unit data: a unit's self-assessment of the figures it reports for one event
(``contest.domain.figures``) and the evidence files behind it.

A self-assessment belongs to one unit entry (a nomination of entrant kind ``unit``) and is written by the unit's
own organisers; it is a draft until the unit submits it, and is locked once inspection of the event starts.
Evidence files are checked by content (PDF, JPEG, PNG; ``contest.domain.attachments``), stored under
``instance/`` by their SHA-256 digest outside the web root, and served only to the unit, its approvers and the
event's inspectors.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from contest.extensions import db
from contest.models.base import utcnow
from contest.models.registration import Nomination


class SelfAssessment(db.Model):
    """One unit entry's reported figures: ``figures`` maps a figure key to its value as exact decimal text
    (``{"workers": "120", "training_hours": "960.5"}``); a figure not reported is absent."""

    __tablename__ = "self_assessments"
    __table_args__ = (
        UniqueConstraint("nomination_id", name="uq_self_assessments_nomination"),
        CheckConstraint("status IN ('draft', 'submitted')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nominations.id", ondelete="CASCADE"))
    figures: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    nomination: Mapped[Nomination] = relationship()
    evidence: Mapped[list[EvidenceFile]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan", order_by="EvidenceFile.id")


class EvidenceFile(db.Model):
    """A file backing a self-assessment, optionally for one figure (``figure``: a key of
    ``domain.figures.FIGURES``; None: the assessment as a whole)."""

    __tablename__ = "evidence_files"
    __table_args__ = (CheckConstraint("size > 0", name="size_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("self_assessments.id", ondelete="CASCADE"), index=True)
    figure: Mapped[str | None] = mapped_column(String(40))
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    assessment: Mapped[SelfAssessment] = relationship(back_populates="evidence")
