"""Stored certificate PDFs: a certificate is rendered once and then served from here (issue 18 item 7).

One row per certificate: the PDF bytes and the fingerprint of everything they were drawn from (the
certificate's printed fields, the contest's body text and seal, the verification address, the renderer's
version). The fingerprint is the download's strong ETag; when any input changes (a new seal, say) the
fingerprint no longer matches and the document is drawn again. A reissue is a new certificate (new serial and
code), so it gets a new document; a revoked certificate's document is deleted with the revocation.

In the database rather than under ``instance/``: the row is written and deleted in the same transaction as
the certificate it belongs to, every instance behind the load balancer sees it, and backups carry it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from contest.extensions import db
from contest.models.base import utcnow


class CertificateDocument(db.Model):
    __tablename__ = "certificate_documents"

    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id", ondelete="CASCADE"), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))  # sha256 hex of the inputs: the strong ETag
    size: Mapped[int] = mapped_column(Integer)
    pdf: Mapped[bytes] = mapped_column(LargeBinary, nullable=False, deferred=True)  # loaded only when sent
    rendered_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
