"""The public portal's reads, announcements (通知公告) and attachments (announcement files, contest rules documents).

Announcements are posted by organisers of an enterprise or above (``policy.can_post_announcement``) in the name of
their unit, addressed to that unit or one in its subtree (the audience), and are public once posted; withdrawing
one hides it and its files. The portal's list shows by default the announcements addressed to the city or a county
(``FRONT_PAGE_LEVELS``: a team's or an enterprise's notice does not crowd the city's front page); filtered by a unit,
those addressed to that unit or a unit above it. Refusals tied to a field of the form are ``FieldError``s.

Files are checked by content (``contest.domain.attachments``) and stored under the instance folder by their
SHA-256 digest (``contest.services.filestore``).
"""

from __future__ import annotations

import io
import logging
import zipfile
from pathlib import Path

from sqlalchemy import or_, select
from sqlalchemy.orm import aliased, selectinload

from contest import policy
from contest.clock import today
from contest.domain import contests as states
from contest.domain.attachments import clean_filename, sniff
from contest.domain.contests import ContestStatus
from contest.domain.errors import N_, DomainError, FieldError
from contest.domain.orgtree import OrgLevel, path_ids
from contest.extensions import db
from contest.models import Announcement, Attachment, Contest, Organisation, User, utcnow
from contest.services import NotFound, PermissionDenied, audit, filestore, search, transaction
from contest.services.contests import can_manage
from contest.services.filestore import Upload
from contest.services.orgs import subtree

logger = logging.getLogger(__name__)

MAX_TITLE = 200
MAX_BODY = 20_000
MAX_FILES = 5
FRONT_PAGE_LEVELS = (OrgLevel.CITY, OrgLevel.COUNTY)  # audiences listed on the portal without a unit filter
FILTER_LEVELS = (OrgLevel.COUNTY, OrgLevel.ENTERPRISE)  # units a visitor may filter the announcements by


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


def announcements_query(unit: Organisation | None = None):
    """Live announcements, newest first: addressed to the city or a county (``FRONT_PAGE_LEVELS``) when ``unit``
    is None, else those that apply to ``unit``: addressed to it or to a unit above it."""
    query = select(Announcement).where(Announcement.withdrawn_at.is_(None))
    if unit is None:
        audience = aliased(Organisation)
        query = query.join(audience, audience.id == Announcement.audience_id).where(audience.level.in_(FRONT_PAGE_LEVELS))
    else:
        query = query.where(Announcement.audience_id.in_(path_ids(unit.path)))
    return query.order_by(Announcement.published_at.desc(), Announcement.id.desc())


def latest_announcements(limit: int = 5) -> list[Announcement]:
    return list(db.session.scalars(announcements_query().limit(limit)))


def filter_units() -> list[Organisation]:
    """The units a visitor may filter the announcements by (active counties and enterprises), in tree order."""
    units = list(db.session.scalars(select(Organisation).where(Organisation.level.in_(FILTER_LEVELS), Organisation.active.is_(True))))
    by_id = {u.id: u for u in units}
    return sorted(units, key=lambda u: tuple((by_id[i].position, by_id[i].name, i) if i in by_id else (0, "", i) for i in path_ids(u.path)))


def filter_unit(unit_id: int | None) -> Organisation | None:
    """The unit of a portal filter, or None when there is none or it is not one a visitor may filter by."""
    unit = db.session.get(Organisation, unit_id) if unit_id else None
    return unit if unit is not None and unit.active and unit.level in FILTER_LEVELS else None


def public_announcement(announcement_id: int) -> Announcement:
    announcement = db.session.get(Announcement, announcement_id)
    if announcement is None or announcement.withdrawn_at is not None:
        raise NotFound()
    return announcement


def managed_announcements_query(actor: User, text: str = "", unit: Organisation | None = None):
    """The announcements of the actor's subtree (withdrawn ones too), newest first; ``text`` finds a title or the
    posting unit (name or pinyin initials), ``unit`` keeps those posted by it or a unit below it."""
    query = (select(Announcement).join(Organisation, Organisation.id == Announcement.org_id)
             .where(policy.scope_clause(actor)).order_by(Announcement.published_at.desc(), Announcement.id.desc()))
    if search.clean(text):
        query = query.where(or_(search.contains(Announcement.title, text), search.unit_name_clause(text)))
    if unit is not None:
        query = query.where(Organisation.path.startswith(unit.path))
    return query


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


def audience_choices(actor: User) -> list[Organisation]:
    """The units the actor may address an announcement to: his own and the active units below it, in tree order."""
    return subtree(actor, root=actor.org, include_inactive=False)


def _check_files(uploads: list[Upload]) -> None:
    """Every file's content is one that may be attached, before anything is stored: else a ``FieldError`` on
    ``files``."""
    for upload in uploads:
        try:
            sniff(upload.data, clean_filename(upload.filename), _zip_names)
        except DomainError as exc:
            raise FieldError("files", exc.message, **exc.params) from exc


def post_announcement(actor: User, title: str, body: str, uploads: list[Upload] = (), audience_id: int | None = None) -> Announcement:
    """An organiser of an enterprise or above posts a notice in the name of his unit, addressed to ``audience_id``
    (his own unit when None, or one in its subtree); public at once on the portal. Refusals of a value are
    ``FieldError`` on ``title``, ``body``, ``audience`` or ``files``; nothing is written then."""
    if not policy.can_post_announcement(actor):
        raise PermissionDenied()
    title, body = (title or "").strip(), (body or "").strip()
    if not title:
        raise FieldError("title", N_("Give the announcement a title."))
    if len(title) > MAX_TITLE:
        raise FieldError("title", N_("The title or the text is too long."))
    if len(body) > MAX_BODY:
        raise FieldError("body", N_("The title or the text is too long."))
    audience = actor.org if audience_id is None else db.session.get(Organisation, audience_id)
    if audience is None or not audience.active or not policy.can_address_announcement(actor, audience):
        raise FieldError("audience", N_("Choose your own unit or a unit under it."))
    uploads = [u for u in uploads if u.data or u.filename]
    if len(uploads) > MAX_FILES:
        raise FieldError("files", N_("Attach at most %(count)d files."), count=MAX_FILES)
    _check_files(uploads)
    with transaction():
        announcement = Announcement(org_id=actor.org_id, audience_id=audience.id, title=title, body=body,
                                    created_by_id=actor.id, published_at=utcnow())
        db.session.add(announcement)
        db.session.flush()
        for upload in uploads:
            _attachment(upload, actor, announcement_id=announcement.id)
        audit(actor, "announcement.post", "announcement", announcement.id, title=title, files=len(uploads), audience=audience.id)
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


def seed_announcement(org_id: int, actor: User | None, title: str, body: str, published_at, files: list[Upload] = (),
                      audience_id: int | None = None) -> Announcement:
    """Demo data: an announcement with files (addressed to its unit unless ``audience_id``), inside the caller's
    transaction."""
    announcement = Announcement(org_id=org_id, audience_id=audience_id or org_id, title=title, body=body,
                                created_by_id=actor.id if actor else None, published_at=published_at)
    db.session.add(announcement)
    db.session.flush()
    for upload in files:
        _attachment(upload, actor, announcement_id=announcement.id)
    return announcement
