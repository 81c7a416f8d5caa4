"""Self-assessment pages (thin): the unit's list, the figures and evidence of one entry (``show``: the form for
the unit's organisers, read-only for approvers and inspectors — the inspection tablet links here, keep its name
and arguments), upload / remove / submit, the event's overview, and the evidence download."""

from __future__ import annotations

from io import BytesIO

from flask import Blueprint, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from contest.access import login_required, organiser_required
from contest.assessments.forms import STATE_LABELS, EvidenceForm, FiguresForm, OverviewFilter
from contest.domain.errors import DomainError, FieldError, InvalidItems, Locked
from contest.domain.figures import FIGURES
from contest.forms import ConfirmForm
from contest.i18n import translate
from contest.listing import search_args
from contest.services import assessments as service
from contest.web import Page, page_number

assessments_bp = Blueprint("assessments", __name__)
BY_KEY = {f.key: f for f in FIGURES}


def _render(page: service.AssessmentPage, form: FiguresForm | None = None, evidence_form: EvidenceForm | None = None,
            evidence_errors: list[str] = (), status: int = 200):
    form = form or FiguresForm(data=page.values)
    return render_template("assessments/show.html", page=page, form=form, evidence_form=evidence_form or EvidenceForm(),
                           evidence_errors=list(evidence_errors), confirm=ConfirmForm(), figures=FIGURES, by_key=BY_KEY,
                           state_labels=STATE_LABELS), status


def _status(exc: DomainError) -> int:
    return 409 if isinstance(exc, Locked) else 422


def _place(form: FiguresForm, exc: DomainError) -> list[str]:
    """Put a refusal beside the figure it names; returns what belongs to the evidence form (or the page)."""
    if isinstance(exc, InvalidItems):
        rest = []
        for detail in exc.details:
            text = translate(detail["message"])
            field = form._fields.get(detail.get("field"))
            if field is not None:
                field.errors = [*field.errors, text]
            else:
                rest.append(f"{detail['name']}: {text}" if detail.get("name") else text)
        return rest
    field = form._fields.get(exc.field) if isinstance(exc, FieldError) else None
    if field is not None:
        field.errors = [*field.errors, translate(exc)]
        return []
    return [translate(exc)]


@assessments_bp.get("/assessments/")
@organiser_required
def mine():
    return render_template("assessments/mine.html", rows=service.my_assessments(current_user), state_labels=STATE_LABELS,
                           key_figures=service.KEY_FIGURES, by_key=BY_KEY)


@assessments_bp.route("/events/<int:event_id>/assessments/<int:nomination_id>", methods=["GET", "POST"])
@login_required
def show(event_id: int, nomination_id: int):
    page = service.assessment_page(current_user, event_id, nomination_id)
    if request.method == "GET":
        return _render(page)
    form = FiguresForm()
    if not form.validate():
        return _render(page, form, status=422)
    try:
        service.save_figures(current_user, nomination_id, form.values())
    except DomainError as exc:
        flash(translate(exc), "danger")
        _place(form, exc)  # beside the figures it names; the rest is the flashed message
        return _render(service.assessment_page(current_user, event_id, nomination_id), form, status=_status(exc))
    flash(_("The figures have been saved. Submit the self-assessment when it is complete."), "success")
    return redirect(url_for("assessments.show", event_id=event_id, nomination_id=nomination_id))


@assessments_bp.post("/events/<int:event_id>/assessments/<int:nomination_id>/evidence")
@organiser_required
def upload(event_id: int, nomination_id: int):
    page = service.assessment_page(current_user, event_id, nomination_id)
    evidence_form = EvidenceForm()
    uploads = [service.Upload(f.filename or "", f.read()) for f in evidence_form.files.data or [] if f and getattr(f, "filename", "")]
    try:
        added = service.add_evidence_files(current_user, nomination_id, uploads, evidence_form.figure.data or None)
    except DomainError as exc:
        flash(translate(exc), "danger")
        messages = [translate(exc)] if not isinstance(exc, InvalidItems) else _place(FiguresForm(data=page.values), exc)
        return _render(service.assessment_page(current_user, event_id, nomination_id), evidence_form=evidence_form,
                       evidence_errors=messages, status=_status(exc))
    flash(_("%(count)d evidence files have been attached.", count=len(added)), "success")
    return redirect(url_for("assessments.show", event_id=event_id, nomination_id=nomination_id, _anchor="evidence"))


@assessments_bp.post("/evidence/<int:evidence_id>/delete")
@organiser_required
def remove_evidence(evidence_id: int):
    try:
        nomination = service.remove_evidence(current_user, evidence_id)
    except DomainError as exc:
        flash(translate(exc), "danger")
        return redirect(url_for("assessments.mine"))
    flash(_("The evidence file has been removed."), "success")
    return redirect(url_for("assessments.show", event_id=nomination.event_id, nomination_id=nomination.id, _anchor="evidence"))


@assessments_bp.post("/events/<int:event_id>/assessments/<int:nomination_id>/submit")
@organiser_required
def submit(event_id: int, nomination_id: int):
    page = service.assessment_page(current_user, event_id, nomination_id)
    try:
        service.submit(current_user, nomination_id)
    except DomainError as exc:
        flash(translate(exc), "danger")
        form = FiguresForm(data=page.values)
        return _render(page, form, evidence_errors=_place(form, exc), status=_status(exc))
    flash(_("The self-assessment has been submitted to the inspection team."), "success")
    return redirect(url_for("assessments.show", event_id=event_id, nomination_id=nomination_id))


@assessments_bp.get("/events/<int:event_id>/assessments")
@organiser_required
def overview(event_id: int):
    filters = OverviewFilter(request.args)
    search, text, unit = search_args()
    number, size = page_number(), current_app.config["PER_PAGE"]
    event, rows, total = service.event_overview(current_user, event_id, filters.chosen_state(), text, unit, number, size)
    return render_template("assessments/overview.html", event=event, rows=rows, filters=filters, search=search,
                           page=Page(rows, total, number, size), state_labels=STATE_LABELS,
                           key_figures=service.KEY_FIGURES, by_key=BY_KEY)


@assessments_bp.get("/evidence/<int:evidence_id>")
@login_required
def evidence(evidence_id: int):
    row, path = service.evidence_file(current_user, evidence_id)
    # Read whole (at most 10 MB): no file handle outlives the request. send_file writes the name both as
    # filename= (ASCII fallback) and filename*=UTF-8'' (RFC 5987) for Chinese names.
    response = send_file(BytesIO(path.read_bytes()), mimetype=row.content_type, as_attachment=True, download_name=row.filename,
                         etag=row.sha256, conditional=True)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-cache"
    return response
