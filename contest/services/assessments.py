"""Self-assessments (自评) of unit entries in 安康杯 and 立功竞赛 events: the figures a unit reports
(``contest.domain.figures``) and the evidence files (佐证材料) behind them.

The rules, exactly:

- a self-assessment belongs to one unit entry (a live nomination of entrant kind ``unit``: pending or confirmed);
  it is written by the unit's own organisers, and for a team by its enterprise's (``policy.can_write_assessment``),
  and read by them, the organisers of the units above it up to the host, and the event's inspectors without a
  conflict of interest (``policy.can_read_assessment``); everyone else is refused (403), never shown a file;
- figures are saved whole: every field parsed, every bad one reported beside its field, pairs checked, then one
  write (``domain.figures.read_figures``); changing the figures or the evidence of a submitted assessment returns
  it to a draft, to be submitted again;
- evidence is PDF, JPG or PNG by content (``domain.attachments.sniff_evidence``), at most 10 MB a file and
  ``MAX_EVIDENCE`` files an assessment, stored by digest under ``instance/`` (``services.filestore``); several
  files are checked first and then written together, or none;
- submitting needs every figure the event requires (``required_figures``: the event's ``figures`` option when
  its method sets one, else the whole catalogue) and at least one evidence file;
- once the inspection of the event has started (``inspection_started``: a score exists on the event, it is signed
  off, or the contest is scored or later) the assessment is locked: every write is refused with ``Locked``.
  Writes take the event lock of registration first (``lock_event``: on PostgreSQL ``FOR UPDATE``, which waits
  for a score submission's share lock), so a first score and a change of figures never cross;
- every write is audited (``assessment.*``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from contest import policy
from contest.domain import contests as states
from contest.domain.attachments import MAX_ATTACHMENT_BYTES, clean_filename, sniff_evidence
from contest.domain.entrants import EntrantKind
from contest.domain.errors import N_, DomainError, FieldError, InvalidItems, Locked
from contest.domain.figures import (
    FIGURE_KEYS,
    AssessmentState,
    assessment_state,
    figure,
    figure_text,
    missing_figures,
    read_figures,
    stored_figures,
)
from contest.domain.nominations import NominationStatus
from contest.extensions import db
from contest.loaders import get_event, or_404, require
from contest.models import (
    Contest,
    Event,
    EvidenceFile,
    Nomination,
    Organisation,
    Score,
    SelfAssessment,
    SignOff,
    User,
    utcnow,
)
from contest.services import NotFound, audit, filestore, search, transaction
from contest.services.filestore import Upload
from contest.services.registration import lock_event

logger = logging.getLogger(__name__)

__all__ = [
    "LOCKED", "MAX_EVIDENCE", "AssessmentPage", "AssessmentRow", "Upload", "add_evidence", "add_evidence_files",
    "assessment_page", "event_overview", "evidence_file", "figures_of", "inspection_started", "my_assessments",
    "remove_evidence", "required_figures", "save_figures", "submit",
]

LOCKED = N_("Inspection has started: the self-assessment is locked.")
WRITERS_ONLY = N_("Only the unit's own organisers fill in its self-assessment.")
MAX_EVIDENCE = 30
LIVE = (NominationStatus.PENDING, NominationStatus.CONFIRMED)
#: The figures shown in the lists beside each unit (the overview's "key figures").
KEY_FIGURES = ("workers", "training_hours", "hazards_found", "hazards_corrected", "proposals_adopted", "fatal_accidents")


# ---------------------------------------------------------------------------------------------- rules of the event


def required_figures(event: Event) -> tuple[str, ...]:
    """The figures a unit must report before submitting: the ``figures`` list of the event's method options when
    its decision method sets one (the indicator sheet names the figures its ratios read), else every figure."""
    wanted = (event.method_options or {}).get("figures")
    if isinstance(wanted, list) and wanted:
        return tuple(k for k in FIGURE_KEYS if k in wanted)
    return FIGURE_KEYS


def inspection_started(event: Event) -> bool:
    """True once any score exists on the event, the event is signed off, or the contest is scored or later:
    from then on the event's self-assessments are locked."""
    if event.contest.status in states.SET_BY_SERVICES:
        return True
    return db.session.scalar(select(
        or_(select(Score.id).where(Score.event_id == event.id).exists(), select(SignOff.id).where(SignOff.event_id == event.id).exists())
    )) or False


def _started_events(event_ids: set[int]) -> set[int]:
    """Which of these events have started their inspection (one query for scores, one for sign-offs)."""
    if not event_ids:
        return set()
    started = set(db.session.scalars(select(Score.event_id).where(Score.event_id.in_(event_ids)).distinct()))
    started |= set(db.session.scalars(select(SignOff.event_id).where(SignOff.event_id.in_(event_ids))))
    started |= set(db.session.scalars(select(Event.id).join(Contest).where(Event.id.in_(event_ids), Contest.status.in_(states.SET_BY_SERVICES))))
    return started


# ---------------------------------------------------------------------------------------------- loading


def _nomination(nomination_id: int, event_id: int | None = None) -> Nomination:
    nomination = db.session.scalar(
        select(Nomination).options(joinedload(Nomination.event).joinedload(Event.contest)).where(Nomination.id == nomination_id))
    if nomination is None or nomination.entrant_kind != EntrantKind.UNIT or (event_id is not None and nomination.event_id != event_id):
        raise NotFound(N_("This self-assessment does not exist."))
    return nomination


def _assessment(nomination_id: int) -> SelfAssessment | None:
    return db.session.scalar(select(SelfAssessment).where(SelfAssessment.nomination_id == nomination_id))


def _check_writer(actor: User, nomination_id: int) -> None:
    """Before anything the actor sent is looked at: 404 for an unknown entry, 403 for anyone but its writers."""
    require(policy.can_write_assessment(actor, _nomination(nomination_id)), WRITERS_ONLY)


def _writable(actor: User, nomination_id: int) -> tuple[Nomination, SelfAssessment]:
    """Inside a transaction: the entry and its assessment (created as a draft when there is none), after the
    permission, the entry's status and the inspection lock are checked, under the event lock."""
    nomination = _nomination(nomination_id)
    require(policy.can_write_assessment(actor, nomination), WRITERS_ONLY)
    if nomination.status not in LIVE:
        raise DomainError(N_("This entry has been withdrawn or rejected: its self-assessment can no longer change."))
    lock_event(nomination.event)
    if inspection_started(nomination.event):
        raise Locked(LOCKED)
    assessment = _assessment(nomination.id)
    if assessment is None:
        assessment = SelfAssessment(event_id=nomination.event_id, nomination_id=nomination.id, figures={}, status="draft",
                                    updated_by_id=actor.id)
        db.session.add(assessment)
        db.session.flush()
    return nomination, assessment


def _touch(actor: User, assessment: SelfAssessment) -> bool:
    """Mark a change; a submitted assessment returns to a draft. Returns whether it had been submitted."""
    was_submitted = assessment.status == "submitted"
    assessment.status, assessment.submitted_at, assessment.submitted_by_id = "draft", None, None
    assessment.updated_at, assessment.updated_by_id = utcnow(), actor.id
    return was_submitted


# ---------------------------------------------------------------------------------------------- writes


def save_figures(actor: User, nomination_id: int, values: dict[str, str]) -> SelfAssessment:
    """Save the figures of a unit entry's self-assessment as typed (figure key → text; an empty field is "not
    reported"). Refused whole: ``InvalidItems`` with one detail per bad field (``field``, ``message``), or a
    ``FieldError`` for a contradicting pair; ``Locked`` once the inspection has started."""
    _check_writer(actor, nomination_id)
    parsed = read_figures(values)
    with transaction():
        nomination, assessment = _writable(actor, nomination_id)
        was_submitted = _touch(actor, assessment)
        old = dict(assessment.figures or {})
        assessment.figures = {key: figure_text(value) for key, value in parsed.items()}
        audit(actor, "assessment.figures", "nomination", nomination.id, old=old, new=assessment.figures, reopened=was_submitted)
    return assessment


def add_evidence_files(actor: User, nomination_id: int, uploads: list[Upload], figure_key: str | None = None) -> list[EvidenceFile]:
    """Attach evidence files (for one figure, or the assessment as a whole): every file is checked by content and
    size first (``InvalidItems``, one detail per refused file with its ``name``), then all are stored and recorded
    in one transaction."""
    _check_writer(actor, nomination_id)
    uploads = [u for u in uploads if u.filename or u.data]
    if not uploads:
        raise FieldError("files", N_("Choose at least one file to upload."))
    if figure_key:
        try:
            figure(figure_key)
        except DomainError as exc:
            raise FieldError("figure", exc.message, **exc.params) from None
    checked: list[tuple[str, str, bytes]] = []
    details: list[dict] = []
    for upload in uploads:
        name = clean_filename(upload.filename)
        try:
            checked.append((name, sniff_evidence(upload.data), upload.data))
        except DomainError as exc:
            details.append({"field": "files", "name": name, "message": exc})
    if details:
        raise InvalidItems(N_("Nothing was uploaded: evidence must be a PDF, JPG or PNG file of at most %(limit)d MB."), details,
                           limit=MAX_ATTACHMENT_BYTES // (1024 * 1024))
    with transaction():
        nomination, assessment = _writable(actor, nomination_id)
        if len(assessment.evidence) + len(checked) > MAX_EVIDENCE:
            raise FieldError("files", N_("A self-assessment holds at most %(count)d evidence files."), count=MAX_EVIDENCE)
        was_submitted = _touch(actor, assessment)
        added = []
        for name, content_type, data in checked:
            row = EvidenceFile(assessment_id=assessment.id, figure=figure_key or None, filename=name, content_type=content_type,
                               size=len(data), sha256=filestore.store(data), uploaded_by_id=actor.id)
            db.session.add(row)
            added.append(row)
        db.session.flush()
        audit(actor, "assessment.evidence", "nomination", nomination.id, files=[(r.id, r.filename, r.sha256) for r in added],
              figure=figure_key, reopened=was_submitted)
    return added


def add_evidence(actor: User, nomination_id: int, filename: str, data: bytes, figure: str | None = None) -> EvidenceFile:
    """Attach one evidence file (see ``add_evidence_files``)."""
    return add_evidence_files(actor, nomination_id, [Upload(filename, data)], figure)[0]


def remove_evidence(actor: User, evidence_id: int) -> Nomination:
    """Remove an evidence file from a self-assessment (the stored file stays: another row may share its digest)."""
    with transaction():
        row = or_404(EvidenceFile, evidence_id, N_("This evidence file does not exist."))
        nomination, assessment = _writable(actor, row.assessment.nomination_id)
        was_submitted = _touch(actor, assessment)
        audit(actor, "assessment.evidence_removed", "nomination", nomination.id, file=row.id, filename=row.filename,
              reopened=was_submitted)
        assessment.evidence.remove(row)
    return nomination


def submit(actor: User, nomination_id: int) -> SelfAssessment:
    """Submit the self-assessment: refused (``InvalidItems``, one detail per missing figure) while a figure the
    event requires is not reported, and while no evidence file is attached."""
    with transaction():
        nomination, assessment = _writable(actor, nomination_id)
        missing = missing_figures(assessment.figures or {}, required_figures(nomination.event))
        if missing:
            raise InvalidItems(N_("Report every figure before submitting; %(count)d are missing."),
                               [{"field": key, "message": DomainError(N_("Report this figure before submitting."))} for key in missing],
                               count=len(missing))
        if not assessment.evidence:
            raise FieldError("files", N_("Attach at least one evidence file before submitting."))
        assessment.status, assessment.submitted_at, assessment.submitted_by_id = "submitted", utcnow(), actor.id
        audit(actor, "assessment.submit", "nomination", nomination.id, figures=assessment.figures, files=len(assessment.evidence))
    return assessment


# ---------------------------------------------------------------------------------------------- reads


def figures_of(event_id: int) -> dict[int, dict[str, Decimal]]:
    """The submitted self-assessments of an event: nomination id → figure key → exact value (reported ones only).
    What the indicator sheet's ratios and the inspection tablet read."""
    rows = db.session.execute(select(SelfAssessment.nomination_id, SelfAssessment.figures)
                              .where(SelfAssessment.event_id == event_id, SelfAssessment.status == "submitted"))
    return {nomination_id: stored_figures(figures or {}) for nomination_id, figures in rows}


@dataclass(frozen=True)
class AssessmentPage:
    """What ``assessments.show`` shows: the entry, its figures as text, its evidence, where it stands, and what
    the viewer may do (``may_edit``: a writer while not locked)."""

    event: Event
    nomination: Nomination
    assessment: SelfAssessment | None
    values: dict[str, str]
    evidence: list[EvidenceFile]
    state: AssessmentState
    locked: bool
    may_edit: bool
    required: tuple[str, ...]
    missing: list[str]

    @property
    def submitted(self) -> bool:
        return self.assessment is not None and self.assessment.status == "submitted"


def assessment_page(actor: User, event_id: int, nomination_id: int) -> AssessmentPage:
    nomination = _nomination(nomination_id, event_id)
    require(policy.can_read_assessment(actor, nomination))
    assessment = _assessment(nomination.id)
    locked = inspection_started(nomination.event)
    values = dict(assessment.figures or {}) if assessment else {}
    required = required_figures(nomination.event)
    return AssessmentPage(
        event=nomination.event, nomination=nomination, assessment=assessment, values=values,
        evidence=list(assessment.evidence) if assessment else [],
        state=assessment_state(assessment.status if assessment else None, locked), locked=locked,
        may_edit=not locked and nomination.status in LIVE and policy.can_write_assessment(actor, nomination),
        required=required, missing=missing_figures(values, required),
    )


def evidence_file(actor: User, evidence_id: int) -> tuple[EvidenceFile, Path]:
    """An evidence file and where its bytes are, for a reader of its assessment (403 otherwise; 404 when it does
    not exist or its bytes are gone)."""
    row = or_404(EvidenceFile, evidence_id, N_("This evidence file does not exist."))
    require(policy.can_read_assessment(actor, _nomination(row.assessment.nomination_id)))
    path = filestore.path_of(row.sha256)
    if not path.exists():
        raise NotFound(N_("This evidence file does not exist."))
    return row, path


@dataclass(frozen=True)
class AssessmentRow:
    """One unit entry in a list: the entry, its assessment (or None), the shown state, and its key figures."""

    nomination: Nomination
    assessment: SelfAssessment | None
    state: AssessmentState
    files: int

    @property
    def figures(self) -> dict[str, str]:
        return dict(self.assessment.figures or {}) if self.assessment else {}


def _rows(query, state: AssessmentState | None = None) -> list[AssessmentRow]:
    """Rows for the nominations ``query`` selects (with their assessments and file counts), filtered by state."""
    pairs = db.session.execute(query).unique().all()
    started = _started_events({n.event_id for n, _a in pairs})
    counts: dict[int, int] = {}
    ids = [a.id for _n, a in pairs if a is not None]
    if ids:
        for assessment_id, in db.session.execute(select(EvidenceFile.assessment_id).where(EvidenceFile.assessment_id.in_(ids))):
            counts[assessment_id] = counts.get(assessment_id, 0) + 1
    rows = [AssessmentRow(n, a, assessment_state(a.status if a else None, n.event_id in started), counts.get(a.id, 0) if a else 0)
            for n, a in pairs]
    return [r for r in rows if state is None or r.state == state]


def _entries_query():
    return (select(Nomination, SelfAssessment)
            .join(Organisation, Organisation.id == Nomination.unit_id)
            .outerjoin(SelfAssessment, SelfAssessment.nomination_id == Nomination.id)
            .options(joinedload(Nomination.event).joinedload(Event.contest))
            .where(Nomination.entrant_kind == EntrantKind.UNIT, Nomination.status.in_(LIVE)))


def my_assessments(actor: User) -> list[AssessmentRow]:
    """The unit entries of the actor's own unit and the units below it (an enterprise: itself and its teams),
    newest contest first."""
    query = (_entries_query().where(policy.scope_clause(actor, Organisation.path))
             .order_by(Nomination.event_id.desc(), Organisation.path))
    return _rows(query)


#: The stored statuses of a self-assessment (the ``status_known`` constraint of ``self_assessments``).
STORED_STATUSES = ("draft", "submitted")


def event_overview(actor: User, event_id: int, state: AssessmentState | None = None, text: str = "",
                   unit: Organisation | None = None, page: int = 1,
                   per_page: int | None = None) -> tuple[Event, list[AssessmentRow], int]:
    """Every unit entry of the event the actor may follow, with its state and key figures: all of them for the
    host's organisers (and administrators), the entries of their subtree for other organisers. Filtered by the
    shown state, by the unit's name or pinyin initials and by a unit's subtree; one page (``per_page``; all when
    None) in SQL, with the number of entries found.

    The shown state is ``figures.assessment_state`` of the stored status: the filter asks the rule which stored
    statuses (none yet, draft, submitted) show as ``state`` for this event, and selects those."""
    event = get_event(actor, event_id)
    require(policy.is_organiser(actor))
    query = _entries_query().where(Nomination.event_id == event.id)
    if not policy.can_manage(actor, event.contest):
        query = query.where(policy.scope_clause(actor, Organisation.path))
    if search.clean(text):
        query = query.where(search.unit_name_clause(text))
    if unit is not None:
        query = query.where(Organisation.path.startswith(unit.path))
    if state is not None:
        locked = event.id in _started_events({event.id})
        shown = [status for status in (None, *STORED_STATUSES) if assessment_state(status, locked) == state]
        query = query.where(or_(
            *([SelfAssessment.id.is_(None)] if None in shown else []),
            SelfAssessment.status.in_([status for status in shown if status is not None]),
        ))
    total = None
    if per_page is not None:
        total = db.session.scalar(select(func.count()).select_from(query.with_only_columns(Nomination.id).subquery())) or 0
        query = query.limit(per_page).offset((max(page, 1) - 1) * per_page)
    rows = _rows(query.order_by(Organisation.path, Nomination.id))
    return event, rows, len(rows) if total is None else total


