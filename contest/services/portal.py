"""The public portal's reads, announcements (通知公告) and attachments (announcement files, contest rules documents).

Announcements are posted by organisers for their unit's subtree and are public once posted; withdrawing one
hides it and its files. Files are checked by content (``contest.domain.attachments``) and stored under the
instance folder by their SHA-256 digest (``contest.services.filestore``).
"""

from __future__ import annotations

import io
import logging
import zipfile
from pathlib import Path

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from contest import policy
from contest.clock import today
from contest.domain import contests as states
from contest.domain.attachments import clean_filename, sniff
from contest.domain.contests import ContestStatus
from contest.domain.errors import N_, DomainError
from contest.extensions import db
from contest.models import Announcement, Attachment, Contest, Organisation, User, utcnow
from contest.services import NotFound, PermissionDenied, audit, filestore, transaction
from contest.services.contests import can_manage
from contest.services.filestore import Upload

logger = logging.getLogger(__name__)

MAX_TITLE = 200
MAX_BODY = 20_000
MAX_FILES = 5


# ---------------------------------------------------------------------------------------------- reads


def upcoming_contests(limit: int = 20) -> list[Contest]:
    """Contests taking or about to take place: open, closed for registration, or running; soonest deadline first."""
    return list(db.session.scalars(
        select(Contest).where(Contest.status.in_(states.UPCOMING), or_(Contest.contest_date.is_(None), Contest.contest_date >= today()))
        .order_by(Contest.registration_closes.is_(None), Contest.registration_closes, Contest.contest_date, Contest.id).limit(limit)
    ))


def published_contests(limit: int = 10) -> list[Contest]:
    """Contests whose results are public (公示 or final), newest first, with their events loaded."""
    return list(db.session.scalars(
        select(Contest).options(selectinload(Contest.events))
        .where(Contest.status.in_(states.PUBLISHED))
        .order_by(Contest.year.desc(), Contest.id.desc()).limit(limit)
    ))


def rules_documents(contest_ids: list[int]) -> dict[int, list[Attachment]]:
    out: dict[int, list[Attachment]] = {}
    if contest_ids:
        for a in db.session.scalars(select(Attachment).where(Attachment.contest_id.in_(contest_ids)).order_by(Attachment.id)):
            out.setdefault(a.contest_id, []).append(a)
    return out


def public_contest(contest_id: int) -> Contest:
    contest = db.session.get(Contest, contest_id)
    if contest is None or contest.status not in states.PUBLIC:
        raise NotFound()
    return contest


def announcements_query():
    return select(Announcement).where(Announcement.withdrawn_at.is_(None)).order_by(Announcement.published_at.desc(), Announcement.id.desc())


def latest_announcements(limit: int = 5) -> list[Announcement]:
    return list(db.session.scalars(announcements_query().limit(limit)))


def public_announcement(announcement_id: int) -> Announcement:
    announcement = db.session.get(Announcement, announcement_id)
    if announcement is None or announcement.withdrawn_at is not None:
        raise NotFound()
    return announcement


def managed_announcements_query(actor: User):
    """The announcements of the actor's subtree (withdrawn ones too), newest first."""
    return (select(Announcement).join(Organisation, Organisation.id == Announcement.org_id)
            .where(policy.scope_clause(actor)).order_by(Announcement.published_at.desc(), Announcement.id.desc()))


def public_attachment(attachment_id: int) -> tuple[Attachment, Path]:
    """A file anyone may download: of a live announcement, or a rules document of a contest that is not a draft."""
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None:
        raise NotFound()
    if attachment.announcement_id is not None:
        owner = db.session.get(Announcement, attachment.announcement_id)
        visible = owner is not None and owner.withdrawn_at is None
    else:
        contest = db.session.get(Contest, attachment.contest_id)
        visible = contest is not None and contest.status != ContestStatus.DRAFT
    path = filestore.path_of(attachment.sha256)
    if not visible or not path.exists():
        raise NotFound()
    return attachment, path


# ---------------------------------------------------------------------------------------------- writes


def _zip_names(data: bytes) -> list[str] | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return archive.namelist()[:2000]
    except (zipfile.BadZipFile, ValueError, OSError):
        return None


def _attachment(upload: Upload, actor: User, **owner: int) -> Attachment:
    """Check the file by content and store it (idempotent by digest); the row is added to the session."""
    filename = clean_filename(upload.filename)
    content_type = sniff(upload.data, filename, _zip_names)
    digest = filestore.store(upload.data)
    attachment = Attachment(filename=filename, content_type=content_type, size=len(upload.data), sha256=digest,
                            uploaded_by_id=actor.id if actor else None, **owner)
    db.session.add(attachment)
    return attachment


def post_announcement(actor: User, title: str, body: str, uploads: list[Upload] = ()) -> Announcement:
    """An organiser posts a notice for his unit; public at once on the portal."""
    if not policy.is_organiser(actor):
        raise PermissionDenied()
    title, body = (title or "").strip(), (body or "").strip()
    if not title:
        raise DomainError(N_("Give the announcement a title."))
    if len(title) > MAX_TITLE or len(body) > MAX_BODY:
        raise DomainError(N_("The title or the text is too long."))
    uploads = [u for u in uploads if u.data or u.filename]
    if len(uploads) > MAX_FILES:
        raise DomainError(N_("Attach at most %(count)d files."), count=MAX_FILES)
    with transaction():
        announcement = Announcement(org_id=actor.org_id, title=title, body=body, created_by_id=actor.id, published_at=utcnow())
        db.session.add(announcement)
        db.session.flush()
        for upload in uploads:
            _attachment(upload, actor, announcement_id=announcement.id)
        audit(actor, "announcement.post", "announcement", announcement.id, title=title, files=len(uploads))
    return announcement


def withdraw_announcement(actor: User, announcement_id: int) -> Announcement:
    announcement = db.session.get(Announcement, announcement_id)
    if announcement is None:
        raise NotFound()
    if not (policy.is_organiser(actor) and policy.in_scope(actor, announcement.org)):
        raise PermissionDenied()
    if announcement.withdrawn_at is not None:
        raise DomainError(N_("This announcement has already been withdrawn."))
    with transaction():
        announcement.withdrawn_at = utcnow()
        audit(actor, "announcement.withdraw", "announcement", announcement.id)
    return announcement


def add_rules_document(actor: User, contest_id: int, upload: Upload) -> Attachment:
    """The host attaches a rules document (竞赛规程) to a contest; public once the contest is not a draft."""
    contest = db.session.get(Contest, contest_id)
    if contest is None:
        raise NotFound()
    if not can_manage(actor, contest):
        raise PermissionDenied()
    with transaction():
        attachment = _attachment(upload, actor, contest_id=contest.id)
        db.session.flush()
        audit(actor, "contest.rules_document", "contest", contest.id, filename=attachment.filename, size=attachment.size)
    return attachment


def remove_rules_document(actor: User, attachment_id: int) -> Contest:
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.contest_id is None:
        raise NotFound()
    contest = db.session.get(Contest, attachment.contest_id)
    if not can_manage(actor, contest):
        raise PermissionDenied()
    with transaction():
        db.session.delete(attachment)
        audit(actor, "contest.rules_document_removed", "contest", contest.id, filename=attachment.filename)
    return contest


def seed_announcement(org_id: int, actor: User | None, title: str, body: str, published_at, files: list[Upload] = ()) -> Announcement:
    """Demo data: an announcement with files, inside the caller's transaction."""
    announcement = Announcement(org_id=org_id, title=title, body=body, created_by_id=actor.id if actor else None, published_at=published_at)
    db.session.add(announcement)
    db.session.flush()
    for upload in files:
        _attachment(upload, actor, announcement_id=announcement.id)
    return announcement

