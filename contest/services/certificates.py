"""Certificates: issue one per holder and award or title once results are final; reissue (e.g. after a
name correction) and revoke with a reason; verify by code; render with ``contest.documents.certificate``.

Serial numbers are unique per host and year (``QZ-2026-000123``: a prefix, the year, a sequence taken under
the event lock); the verification code is 128 random bits, so codes cannot be guessed or enumerated.
"""

from __future__ import annotations

import base64
import hashlib
import io
import logging
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from flask import current_app, url_for
from sqlalchemy import delete, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from contest import clock, randomness
from contest.clock import today
from contest.documents.certificate import (
    CertificateData,
    fingerprint,
    render_certificate,
    render_many,
    validate_body_template,
    validate_seal_png,
)
from contest.domain import contests as states
from contest.domain.entrants import Holder
from contest.domain.errors import N_, DomainError
from contest.domain.identity import mask_name
from contest.extensions import db
from contest.loaders import certificate_or_404, get_contest, managed_event, require_host
from contest.models import (
    Certificate,
    CertificateDocument,
    Contest,
    Event,
    EventResult,
    Nomination,
    Organisation,
    User,
    utcnow,
)
from contest.models.org import unit_path_loader
from contest.policy import can_download_certificate as can_download
from contest.services import PermissionDenied, audit, filestore, notifications, search, transaction
from contest.services.registration import lock_event

logger = logging.getLogger(__name__)

MAX_REASON = 500


def serial_prefix(contest: Contest) -> str:
    """``QZ`` for the city's own contests, ``QZ<host id>`` for the others (serials stay unique per host)."""
    base = current_app.config.get("CERTIFICATE_PREFIX", "QZ")
    return base if contest.host.parent_id is None else f"{base}{contest.host_id}"


ISSUE = N_("Only organisers of %(host)s issue its certificates.")


def _managed(actor: User, event_id: int) -> Event:
    return managed_event(actor, event_id, ISSUE)


def _next_seq(host_id: int, year: int) -> int:
    return (db.session.scalar(select(func.max(Certificate.seq)).where(Certificate.host_id == host_id, Certificate.year == year)) or 0) + 1


def _new(event: Event, nomination_id: int, holder: Holder, kind: str, label: str, actor: User, seq: int, replaces: int | None = None) -> Certificate:
    contest = event.contest
    return Certificate(
        host_id=contest.host_id, year=contest.year, seq=seq, serial=f"{serial_prefix(contest)}-{contest.year}-{seq:06d}",
        code=randomness.token_urlsafe(16), event_id=event.id, nomination_id=nomination_id, user_id=holder.user_id,
        org_id=holder.org_id, kind=kind, label=label, holder_name=holder.name, contest_title=contest.title, event_name=event.name,
        issuer=contest.issuer, issued_on=today(), issued_by_id=actor.id, replaces_id=replaces,
    )


def issue_for_event(actor: User, event_id: int) -> list[Certificate]:
    """One certificate per holder of every entry (each member of a worker or team entrant, or the unit of a unit
    entrant: ``Entrant.holders``) for its award and for each of its titles (skipping those already issued); the
    results must be final."""
    with transaction():
        event = _managed(actor, event_id)
        if event.contest.status not in states.FINAL:
            raise DomainError(N_("Certificates are issued once the results are final."))
        lock_event(event)
        existing = set(db.session.execute(
            select(Certificate.user_id, Certificate.org_id, Certificate.kind, Certificate.label)
            .where(Certificate.event_id == event.id, Certificate.revoked_at.is_(None))
        ).all())
        entrants = {n.id: n.entrant for n in db.session.scalars(
            select(Nomination).join(EventResult, EventResult.nomination_id == Nomination.id).where(EventResult.event_id == event.id)
            .options(joinedload(Nomination.unit))
        )}
        seq = _next_seq(event.contest.host_id, event.contest.year)
        created = []
        for result in db.session.scalars(select(EventResult).where(EventResult.event_id == event.id).order_by(EventResult.rank, EventResult.id)):
            honours = ([("award", result.award)] if result.award else []) + [("title", t) for t in result.titles or []]
            for holder in entrants[result.nomination_id].holders:
                for kind, label in honours:
                    if (holder.user_id, holder.org_id, kind, label) in existing:
                        continue
                    created.append(_new(event, result.nomination_id, holder, kind, label, actor, seq))
                    seq += 1
        db.session.add_all(created)
        db.session.flush()
        notifications.notify_many((c.user_id for c in created if c.user_id is not None), "certificates_issued", event=event.name, contest=event.contest.title)
        audit(actor, "certificate.issue", "event", event.id, count=len(created))
    return created


def _certificate(cert_id: int) -> Certificate:
    return certificate_or_404(cert_id)


def revoke(actor: User, cert_id: int, reason: str) -> Certificate:
    reason = (reason or "").strip()
    with transaction():
        cert = _certificate(cert_id)
        _managed(actor, cert.event_id)
        if cert.revoked:
            raise DomainError(N_("This certificate is already revoked."))
        if not reason:
            raise DomainError(N_("Give the reason for revoking the certificate."))
        cert.revoked_at, cert.revoked_by_id, cert.revoke_reason = utcnow(), actor.id, reason[:MAX_REASON]
        _forget_document(cert.id)
        audit(actor, "certificate.revoke", "certificate", cert.id, serial=cert.serial, reason=reason)
    return cert


def reissue(actor: User, cert_id: int, reason: str) -> Certificate:
    """Revoke a certificate and issue a new one (new serial and code) with the holder's current name."""
    reason = (reason or "").strip()
    with transaction():
        cert = _certificate(cert_id)
        event = _managed(actor, cert.event_id)
        if cert.revoked:
            raise DomainError(N_("This certificate is already revoked."))
        if not reason:
            raise DomainError(N_("Give the reason for reissuing the certificate."))
        lock_event(event)
        cert.revoked_at, cert.revoked_by_id, cert.revoke_reason = utcnow(), actor.id, reason[:MAX_REASON]
        _forget_document(cert.id)
        db.session.flush()
        new = _new(event, cert.nomination_id, _current_holder(cert), cert.kind, cert.label, actor,
                   _next_seq(cert.host_id, cert.year), replaces=cert.id)
        db.session.add(new)
        db.session.flush()
        audit(actor, "certificate.reissue", "certificate", new.id, replaces=cert.serial, reason=reason)
    return new


def _current_holder(cert: Certificate) -> Holder:
    """The certificate's holder under its current name (a worker's after a name correction, or a unit's)."""
    if cert.org_id is not None:
        return Holder(db.session.get(Organisation, cert.org_id).name, org_id=cert.org_id)
    return Holder(db.session.get(User, cert.user_id).name, user_id=cert.user_id)


def set_certificate_settings(actor: User, contest_id: int, issuer: str, template: str, seal: bytes | None, remove_seal: bool = False) -> Contest:
    with transaction():
        contest = get_contest(actor, contest_id)
        require_host(actor, contest, ISSUE)
        issuer = " ".join((issuer or "").split())
        if len(issuer) > 200:
            raise DomainError(N_("The issuer's name is longer than 200 characters."))
        template = (template or "").strip()
        if template:
            validate_body_template(template)
        if seal:
            validate_seal_png(seal)
            contest.certificate_seal = seal
        elif remove_seal:
            contest.certificate_seal = None
        contest.certificate_issuer, contest.certificate_template = issuer, template
        audit(actor, "certificate.settings", "contest", contest.id, seal=bool(contest.certificate_seal))
    return contest


# ---------------------------------------------------------------------------------------------- reading and rendering


def verify_url(cert: Certificate) -> str:
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + f"/verify/{cert.code}"


def data_of(cert: Certificate) -> CertificateData:
    contest = cert.event.contest
    team = ""
    if cert.event.is_team:  # the identity map serves the other members' certificates of the same entry
        team = db.session.get(Nomination, cert.nomination_id).entrant.certificate_team if cert.nomination_id else ""
    return CertificateData(
        serial=cert.serial, holder_name=cert.holder_name, contest_title=cert.contest_title, event_name=cert.event_name,
        award=cert.label if cert.kind == "award" else "", titles=(cert.label,) if cert.kind == "title" else (),
        issuer=cert.issuer, issued_on=cert.issued_on, verify_url=verify_url(cert),
        body_template=contest.certificate_template or None, seal_png=contest.certificate_seal, team=team,
        unit=cert.names_unit,
    )


def get_for_organiser(user: User, cert_id: int) -> Certificate:
    cert = _certificate(cert_id)
    _managed(user, cert.event_id)
    return cert


def get_for_download(user: User, cert_id: int) -> Certificate:
    """The certificate with its event and contest in one read (a download needs all three: the permission, the
    document's inputs)."""
    cert = db.session.scalar(select(Certificate).where(Certificate.id == cert_id)
                             .options(joinedload(Certificate.event).joinedload(Event.contest)))
    if cert is None:
        cert = _certificate(cert_id)  # the one "does not exist" answer
    if not can_download(user, cert):
        raise PermissionDenied()
    if cert.revoked:
        raise DomainError(N_("This certificate has been revoked."))
    return cert


def pdf_of(cert: Certificate) -> bytes:
    """The certificate's PDF: the stored document when it is current, else drawn now (and stored)."""
    return stored_pdf(cert).pdf or b""


# ---------------------------------------------------------------------------------------------- stored documents


@dataclass(frozen=True)
class StoredPdf:
    etag: str  # the fingerprint of the document's inputs (a strong ETag: equal tags, equal bytes)
    pdf: bytes | None  # None when the caller's copy is current (``if_none_match``) or nginx sends the file
    accel: str | None = None  # the internal address nginx serves the stored file from (X-Accel-Redirect)


_DIGEST = re.compile(r"^[0-9a-f]{64}$")


def _file_of(etag: str) -> Path:
    """Where the file store keeps the document of fingerprint ``etag``: ``<store>/<first two digits>/<etag>.pdf``."""
    if not _DIGEST.match(etag):
        raise ValueError(f"not a document fingerprint: {etag!r}")
    return Path(current_app.config["CERTIFICATE_FILE_STORE"]) / etag[:2] / f"{etag}.pdf"


def _handed_over() -> bool:
    """nginx is in front and serves stored documents itself (``CERTIFICATE_ACCEL_LOCATION`` set)."""
    return bool(current_app.config.get("CERTIFICATE_ACCEL_LOCATION"))


def _signed_links() -> bool:
    """nginx checks signed download links and serves stored documents without the app (``CERTIFICATE_SIGNED_LINKS``)."""
    return bool(current_app.config.get("CERTIFICATE_SIGNED_LINKS"))


def _keeps_files() -> bool:
    """The file store is kept (a copy of ``certificate_documents`` that nginx serves)."""
    return _handed_over() or _signed_links()


def _write_file(etag: str, pdf: bytes) -> None:
    """The file store's copy of a stored document, written whole (a temporary file renamed into place), so
    nginx never serves half a file. ``certificate_documents`` stays the source of truth: a missing file is
    written again from it on the next download."""
    filestore.write_whole(_file_of(etag), pdf)


def _forget_document(cert_id: int) -> None:
    """Inside the caller's transaction: a revoked certificate keeps no document (nor a file in the store; a
    rolled-back revocation loses nothing, as the file is written again from the row when asked for)."""
    etag = db.session.scalar(select(CertificateDocument.fingerprint).where(CertificateDocument.certificate_id == cert_id))
    db.session.execute(delete(CertificateDocument).where(CertificateDocument.certificate_id == cert_id))
    if etag and _DIGEST.match(etag):
        _file_of(etag).unlink(missing_ok=True)


def _matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    tags = {t.strip().removeprefix("W/").strip('"') for t in if_none_match.split(",")}
    return etag in tags or "*" in tags


def stored_pdf(cert: Certificate, if_none_match: str | None = None, handover: bool = False) -> StoredPdf:
    """The certificate's PDF, rendered once and then read from ``certificate_documents``.

    The stored row is current while its fingerprint equals that of the certificate's inputs now (a changed
    seal or body text, or a new renderer version, draws it again). With ``if_none_match`` naming the current
    fingerprint, no bytes are read at all. Two first downloads at once both draw it; one row is kept.

    ``handover`` (a download, when nginx is in front: ``CERTIFICATE_ACCEL_LOCATION``): a current document is
    not read at all but named by its address in the file store (``accel``), which nginx serves; a file missing
    from the store is written again from the stored row first. A document drawn now is written to the store
    as it is stored. With signed links (``CERTIFICATE_SIGNED_LINKS``) the store is kept the same way, so that
    the next page links to the file.
    """
    data = data_of(cert)
    etag = fingerprint(data)
    current = db.session.scalar(
        select(CertificateDocument.fingerprint).where(CertificateDocument.certificate_id == cert.id)
    )
    if current == etag:
        if _matches(if_none_match, etag):
            return StoredPdf(etag, None)
        if handover and _handed_over() and _file_of(etag).is_file():
            return StoredPdf(etag, None, _accel(etag))
        pdf = db.session.scalar(select(CertificateDocument.pdf).where(CertificateDocument.certificate_id == cert.id))
        if pdf is not None:
            if _keeps_files() and not _file_of(etag).is_file():
                _write_file(etag, bytes(pdf))  # missing from the store: written again (the next page signs a link to it)
            if handover and _handed_over():
                return StoredPdf(etag, None, _accel(etag))
            return StoredPdf(etag, bytes(pdf))
    pdf = render_certificate(data)
    try:
        with transaction():
            row = db.session.get(CertificateDocument, cert.id)
            if row is None:
                db.session.add(CertificateDocument(certificate_id=cert.id, fingerprint=etag, size=len(pdf), pdf=pdf))
            else:
                row.fingerprint, row.size, row.pdf, row.rendered_at = etag, len(pdf), pdf, utcnow()
    except IntegrityError:
        logger.info("certificate %s: stored concurrently by another request", cert.id)
    if _keeps_files():
        _write_file(etag, pdf)  # the same bytes as the row (equal fingerprints, equal bytes), whoever stored it
        if current and current != etag and _DIGEST.match(current):
            _file_of(current).unlink(missing_ok=True)  # the superseded drawing
    return StoredPdf(etag, None if _matches(if_none_match, etag) else pdf)


def _accel(etag: str) -> str:
    return f"{current_app.config['CERTIFICATE_ACCEL_LOCATION'].rstrip('/')}/{etag[:2]}/{etag}.pdf"


# ---------------------------------------------------------------------------------------------- download links


LINK_PREFIX = "/files/certificates/"
LINK_STEP = 300  # seconds: a link's expiry is rounded up to this, so a page shows the same link for a while


def link_signature(expires: int, path: str, name: str, secret: str) -> str:
    """What nginx computes for ``secure_link_md5 "$secure_link_expires$uri$arg_n $secret"``: the MD5 (binary)
    of the expiry, the path, the link's percent-encoded ``n`` (the download name) and the secret, in base64url
    without ``=`` padding. The name is part of it, so the ``Content-Disposition`` nginx sends cannot be forged."""
    digest = hashlib.md5(f"{expires}{path}{name} {secret}".encode(), usedforsecurity=False).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def signed_link(etag: str, download_name: str, at: float | None = None) -> str:
    """``/files/certificates/<fingerprint>.pdf?n=…&expires=…&md5=…``: valid for ``CERTIFICATE_LINK_SECONDS``,
    rounded up to the next ``LINK_STEP``; ``n`` is the download name percent-encoded as RFC 5987 wants it (nginx
    puts it into ``filename*=UTF-8''…`` as it is)."""
    if not _DIGEST.match(etag):
        raise ValueError(f"not a document fingerprint: {etag!r}")
    config = current_app.config
    at = clock.now().timestamp() if at is None else at
    expires = -(-int(at + config["CERTIFICATE_LINK_SECONDS"]) // LINK_STEP) * LINK_STEP
    path = f"{LINK_PREFIX}{etag}.pdf"
    name = quote(download_name, safe="")
    return f"{path}?n={name}&expires={expires}&md5={link_signature(expires, path, name, config['CERTIFICATE_LINK_SECRET'])}"


def download_links(user: User, certs: list[Certificate]) -> dict[int, str]:
    """Where each certificate's PDF is downloaded from, for the pages that offer them (我的证书, a unit's
    certificates, an event's). With ``CERTIFICATE_SIGNED_LINKS`` on: a signed link that nginx serves without
    the app, for a live certificate ``user`` may download whose stored document is current and in the file
    store; otherwise (and always without the setting) the app's download route, which checks the permission,
    draws or stores the document and writes the file for the next page."""
    links = {c.id: url_for("certificates.download", cert_id=c.id) for c in certs}
    if not _signed_links():
        return links
    stored = dict(db.session.execute(
        select(CertificateDocument.certificate_id, CertificateDocument.fingerprint)
        .where(CertificateDocument.certificate_id.in_(list(links)))
    ).all()) if links else {}
    for cert in certs:
        etag = stored.get(cert.id)
        if etag is None or cert.revoked or not can_download(user, cert) or not _DIGEST.match(etag):
            continue
        if fingerprint(data_of(cert)) == etag and _file_of(etag).is_file():
            links[cert.id] = signed_link(etag, file_name(cert))
    return links


def my_certificates(user: User) -> list[Certificate]:
    return list(db.session.scalars(
        select(Certificate).where(Certificate.user_id == user.id, Certificate.revoked_at.is_(None)).order_by(Certificate.issued_at.desc(), Certificate.id)
    ))


def event_certificates(actor: User, event_id: int) -> tuple[Event, list[Certificate]]:
    event = _managed(actor, event_id)
    return event, list(db.session.scalars(
        select(Certificate).options(unit_path_loader(Certificate.nomination, Nomination.org))
        .where(Certificate.event_id == event.id).order_by(Certificate.seq)
    ))


def event_certificates_query(actor: User, event_id: int):
    """``event_certificates`` as a select, for a paginated page (narrow it with ``narrow_certificates``)."""
    event = _managed(actor, event_id)
    return event, (select(Certificate).options(unit_path_loader(Certificate.nomination, Nomination.org))
                   .where(Certificate.event_id == event.id).order_by(Certificate.seq))


def narrow_certificates(query, text: str = "", unit: Organisation | None = None):
    """Certificates whose holder matches ``text`` (name, pinyin initials, username; ``contest.services.search``)
    and whose entry comes from ``unit`` or below."""
    if search.clean(text):
        holders = select(User.id).where(search.person_clause(text))
        query = query.where(or_(Certificate.user_id.in_(holders), Certificate.holder_name.contains(search.clean(text), autoescape=True)))
    if unit is not None:
        query = query.where(Certificate.nomination_id.in_(select(Nomination.id).where(search.unit_clause(Nomination.org_id, unit))))
    return query


def _live(event_id: int) -> Iterator[Certificate]:
    yield from db.session.scalars(
        select(Certificate).where(Certificate.event_id == event_id, Certificate.revoked_at.is_(None)).order_by(Certificate.seq)
        .execution_options(yield_per=100)
    )


def merged_pdf(actor: User, event_id: int, out) -> None:
    """All live certificates of the event as one PDF, written page by page."""
    event = _managed(actor, event_id)
    if not db.session.scalar(select(func.count(Certificate.id)).where(Certificate.event_id == event.id, Certificate.revoked_at.is_(None))):
        raise DomainError(N_("No certificates have been issued for this event yet."))
    render_many((data_of(c) for c in _live(event.id)), out)


def zip_of(actor: User, event_id: int) -> bytes:
    event = _managed(actor, event_id)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        count = 0
        # the stored documents, drawn once (a list: storing one commits, which would end a streaming cursor)
        for cert in list(_live(event.id)):
            archive.writestr(file_name(cert), pdf_of(cert))
            count += 1
    if not count:
        raise DomainError(N_("No certificates have been issued for this event yet."))
    return buffer.getvalue()


def file_name(cert: Certificate) -> str:
    return f"荣誉证书-{cert.holder_name}-{cert.event_name}-{cert.label}-{cert.serial}.pdf".replace("/", "-")


SERIAL_PATTERN = re.compile(r"^[A-Z]{2}\d*-\d{4}-\d{6}$")
_DASHES = str.maketrans({"－": "-", "—": "-", "–": "-", "‐": "-", "―": "-"})


def normalise_serial(text: str) -> str | None:
    """A printed serial as typed (``qz-2024-000010``, full-width letters or dashes, spaces), or None when the text
    is not shaped like a serial."""
    candidate = unicodedata.normalize("NFKC", "".join((text or "").split())).translate(_DASHES).upper()
    return candidate if SERIAL_PATTERN.match(candidate) else None


def look_up(text: str) -> dict:
    """What a person typing into the verification form may know: a printed serial number or the code of the
    QR code's address (the whole address pasted works too)."""
    text = (text or "").strip()
    serial = normalise_serial(text)
    if serial is not None:
        return _public(db.session.scalar(select(Certificate).where(Certificate.serial == serial)))
    return verify(text.rstrip("/").rsplit("/", 1)[-1])


def verify(code: str) -> dict:
    """What the public may know about a code: valid / revoked / unknown, with the holder's name masked."""
    return _public(db.session.scalar(select(Certificate).where(Certificate.code == code)) if code and len(code) <= 40 else None)


def _public(cert: Certificate | None) -> dict:
    if cert is None:
        return {"status": "unknown"}
    body = {
        "status": "revoked" if cert.revoked else "valid",
        "serial": cert.serial, "holder": cert.holder_name if cert.names_unit else mask_name(cert.holder_name), "contest": cert.contest_title, "event": cert.event_name,
        "award": cert.label if cert.kind == "award" else None, "title": cert.label if cert.kind == "title" else None,
        "issuer": cert.issuer, "issued_on": cert.issued_on.isoformat(),
    }
    if cert.revoked:
        body["revoked_on"] = clock.local(cert.revoked_at).date().isoformat()
    return body
