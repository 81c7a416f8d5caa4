"""Certificate pages: my certificates, issuing and downloads for organisers, public verification."""

from __future__ import annotations

import io

from flask import Blueprint, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from contest.access import login_required, organiser_required, public
from contest.certificates.forms import CertificateSettingsForm, ReasonForm
from contest.domain.errors import DomainError
from contest.forms import ConfirmForm, form_action
from contest.i18n import translate
from contest.listing import search_args
from contest.security import verification_limit
from contest.services import certificates as service
from contest.services import plaques
from contest.web import download_name, paginate, post_action

certificates_bp = Blueprint("certificates", __name__)


def _pdf(data: bytes, filename: str):
    return send_file(io.BytesIO(data), mimetype="application/pdf", as_attachment=True, download_name=filename)


@certificates_bp.get("/my/certificates")
@login_required
def mine():
    certificates, unit_certificates = service.my_certificates(current_user), plaques.unit_certificates(current_user)
    return render_template("certificates/mine.html", certificates=certificates, unit_certificates=unit_certificates,
                           links=service.download_links(current_user, certificates + unit_certificates))


@certificates_bp.get("/certificates/<int:cert_id>.pdf")
@login_required
def download(cert_id: int):
    """The stored PDF with a strong ETag; a browser revalidates every time (``no-cache``) and gets 304 while
    its copy is current. ``private``: no shared cache keeps a holder's certificate. With nginx in front
    (``CERTIFICATE_ACCEL_LOCATION``) the permission and the ETag are checked here and nginx sends the stored
    file (``X-Accel-Redirect``); the headers set here go with it."""
    cert = service.get_for_download(current_user, cert_id)
    stored = service.stored_pdf(cert, request.headers.get("If-None-Match"), handover=True)
    if stored.accel is not None:
        response = _pdf(b"", service.file_name(cert))
        response.headers["X-Accel-Redirect"] = stored.accel
    elif stored.pdf is None:
        response = current_app.response_class(status=304)
    else:
        response = _pdf(stored.pdf, service.file_name(cert))
    response.set_etag(stored.etag)
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@certificates_bp.get("/certificates/<int:cert_id>/plaque.pdf")
@login_required
def plaque(cert_id: int):
    """A unit certificate's plaque layout (奖牌版), drawn on demand, with its fingerprint as the ETag."""
    try:
        found = plaques.plaque_of(current_user, cert_id, request.headers.get("If-None-Match"))
    except DomainError as exc:
        flash(translate(exc), "warning")
        return redirect(url_for("certificates.mine"))
    response = current_app.response_class(status=304) if found.pdf is None else _pdf(found.pdf, found.file_name)
    response.set_etag(found.etag)
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@certificates_bp.get("/events/<int:event_id>/certificates")
@organiser_required
def event_certificates(event_id: int):
    event, query = service.event_certificates_query(current_user, event_id)
    search, text, unit = search_args(event.contest.host)
    page = paginate(service.narrow_certificates(query, text, unit))
    return render_template("certificates/event.html", event=event, contest=event.contest, page=page, certificates=page.items,
                           links=service.download_links(current_user, page.items), search=search, confirm=ConfirmForm())


@certificates_bp.post("/events/<int:event_id>/certificates/issue")
@organiser_required
def issue(event_id: int):
    return post_action(lambda: service.issue_for_event(current_user, event_id),
                       lambda created: _("%(count)d certificates have been issued.", count=len(created)),
                       url_for("certificates.event_certificates", event_id=event_id))


@certificates_bp.post("/certificates/<int:cert_id>/revoke")
@organiser_required
def revoke(cert_id: int):
    cert = service.get_for_organiser(current_user, cert_id)
    form = ReasonForm()
    return form_action(form, lambda: service.revoke(current_user, cert_id, form.reason.data or ""), _("The certificate has been revoked."),
                       url_for("certificates.event_certificates", event_id=cert.event_id))


@certificates_bp.post("/certificates/<int:cert_id>/reissue")
@organiser_required
def reissue(cert_id: int):
    cert = service.get_for_organiser(current_user, cert_id)
    form = ReasonForm()
    return form_action(form, lambda: service.reissue(current_user, cert_id, form.reason.data or ""),
                       lambda new: _("A new certificate %(serial)s replaces the old one.", serial=new.serial),
                       url_for("certificates.event_certificates", event_id=cert.event_id))


@certificates_bp.post("/contests/<int:contest_id>/certificate-settings")
@organiser_required
def settings(contest_id: int):
    form = CertificateSettingsForm()
    return form_action(
        form,
        lambda: service.set_certificate_settings(current_user, contest_id, form.issuer.data or "", form.template.data or "",
                                                 form.seal_bytes(), form.remove_seal.data),
        _("The certificate settings have been saved."), form.back_target() or url_for("contests.detail", contest_id=contest_id),
    )


@certificates_bp.get("/events/<int:event_id>/certificates.pdf")
@organiser_required
def merged(event_id: int):
    event, _certs = service.event_certificates(current_user, event_id)
    buffer = io.BytesIO()  # the drawing is streamed page by page; only the finished bytes (~2 KB a page) are kept
    try:
        service.merged_pdf(current_user, event_id, buffer)
    except DomainError as exc:
        flash(translate(exc), "warning")
        return redirect(url_for("certificates.event_certificates", event_id=event_id))
    buffer.seek(0)
    return send_file(buffer, mimetype="application/pdf", as_attachment=True,
                     download_name=download_name("荣誉证书", event.contest.title, event.name, ext="pdf"))


@certificates_bp.get("/events/<int:event_id>/certificates.zip")
@organiser_required
def archive(event_id: int):
    event, _certs = service.event_certificates(current_user, event_id)
    try:
        data = service.zip_of(current_user, event_id)
    except DomainError as exc:
        flash(translate(exc), "warning")
        return redirect(url_for("certificates.event_certificates", event_id=event_id))
    return send_file(io.BytesIO(data), mimetype="application/zip", as_attachment=True,
                     download_name=download_name("荣誉证书", event.contest.title, event.name, ext="zip"))


@certificates_bp.get("/verify/")
@verification_limit
@public
def verify_form():
    """The form for a printed serial number (QZ-2024-000010) or a code; with ``?q=`` the answer below it."""
    query = (request.args.get("q") or "").strip()[:200]
    if not query:
        return render_template("certificates/verify.html", result=None, query="")
    result = service.look_up(query)
    return render_template("certificates/verify.html", result=result, query=query), 200 if result["status"] != "unknown" else 404


@certificates_bp.get("/verify/<code>")
@verification_limit
@public
def verify(code: str):
    result = service.verify(code)
    return render_template("certificates/verify.html", result=result, query=""), 200 if result["status"] != "unknown" else 404

