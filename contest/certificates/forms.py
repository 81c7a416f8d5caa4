"""Forms of the certificate pages: the reason of a revocation or a reissue, the contest's certificate settings."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, StringField, TextAreaField


class ReasonForm(FlaskForm):
    """Revoke or reissue one certificate: the reason (the service refuses an empty one)."""

    reason = StringField(_l("Reason"))


class CertificateSettingsForm(FlaskForm):
    """The issuing organisation as printed, the body template, the seal (a PNG checked by the service) or its
    removal, and the page to go back to."""

    issuer = StringField(_l("Issuing organisation (as printed)"))
    template = TextAreaField(_l("Body text (placeholders: {name} {contest} {event} {award} {title} {team}; empty: the standard text)"))
    seal = FileField(_l("Seal (PNG, optional)"))
    remove_seal = BooleanField(_l("Remove the seal"))
    back = HiddenField()

    def seal_bytes(self) -> bytes | None:
        upload = self.seal.data
        return upload.read() if upload and getattr(upload, "filename", "") else None

    def back_target(self) -> str | None:
        """The page the form came from, when it is a path of this site (never another host)."""
        back = self.back.data or ""
        return back if back.startswith("/") and not back.startswith(("//", "/\\")) else None
