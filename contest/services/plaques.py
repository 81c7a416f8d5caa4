"""Plaque-style certificates (奖牌版) of units: the landscape plaque layout of a unit's certificate
(``documents/plaque.py``), drawn on demand — the stored documents (``certificate_documents``) keep one layout per
certificate — with the fingerprint of its inputs as a strong ETag; and the certificates of the user's own unit.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from contest import policy
from contest.documents.plaque import fingerprint, render_plaque
from contest.domain.errors import N_, DomainError
from contest.extensions import db
from contest.models import Certificate, User
from contest.services.certificates import _matches, data_of, get_for_download


@dataclass(frozen=True)
class Plaque:
    etag: str
    pdf: bytes | None  # None when the caller's copy is current
    file_name: str


def plaque_of(user: User, cert_id: int, if_none_match: str | None = None) -> Plaque:
    """The plaque of a unit's certificate for those who may download the certificate (the unit's organisers,
    the host's); refused for a certificate naming a person."""
    cert = get_for_download(user, cert_id)
    if not cert.names_unit:
        raise DomainError(N_("The plaque layout is for certificates that name a unit."))
    data = data_of(cert)
    etag = fingerprint(data)
    name = f"奖牌-{cert.holder_name}-{cert.label}-{cert.serial}.pdf".replace("/", "-")
    return Plaque(etag, None if _matches(if_none_match, etag) else render_plaque(data), name)


def unit_certificates(user: User) -> list[Certificate]:
    """The live certificates naming the user's own unit, for its organisers (they may download them)."""
    if not policy.can_download_unit_certificates(user, user.org_id):
        return []
    return list(db.session.scalars(
        select(Certificate).where(Certificate.org_id == user.org_id, Certificate.revoked_at.is_(None))
        .order_by(Certificate.issued_at.desc(), Certificate.id)
    ))
