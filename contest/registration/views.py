"""Quotas, nominations, approvals, bulk nomination, and the draw."""

from __future__ import annotations

from io import BytesIO

from flask import Blueprint, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from contest import policy
from contest.access import login_required, organiser_required
from contest.clock import today
from contest.domain.contests import registration_is_open
from contest.domain.errors import DomainError
from contest.domain.nominations import NominationStatus
from contest.forms import ConfirmForm, ImportForm
from contest.i18n import translate
from contest.listing import paged, search_args
from contest.models import Role
from contest.registration.forms import (
    ApproveForm,
    AwardPlacesForm,
    EnrolForm,
    NominateForm,
    QuotaForm,
    RejectForm,
    WithdrawForm,
)
from contest.services import award_places as places_service
from contest.services import contests as contest_service
from contest.services import draws as draw_service
from contest.services import nomination_import
from contest.services import registration as service
from contest.services.search import filter_nominations
from contest.spreadsheets import TableError, build_template
from contest.web import Page, download_name, page_number, paginate, post_action, safe_next, send_xlsx

registration_bp = Blueprint("registration", __name__)


# ---------------------------------------------------------------------------------------------- quotas


@registration_bp.route("/events/<int:event_id>/quotas", methods=["GET", "POST"])
@organiser_required
def quotas(event_id: int):
    form = QuotaForm()
    if form.validate_on_submit():
        try:
            service.set_quota(current_user, event_id, int(form.org_id.data or 0), form.places.data)
        except DomainError as exc:
            flash(translate(exc), "danger")
        else:
            flash(_("The places have been allocated."), "success")
        return redirect(url_for("registration.quotas", event_id=event_id))
    for errors in form.errors.values():
        for error in errors:
            flash(error, "danger")
    unit, own, children, facts = service.quota_overview(current_user, event_id)
    left, limited_by = service.places_left_to(unit, facts)
    event = contest_service.get_event(current_user, event_id)
    can_allocate = policy.may_allocate_places(current_user, unit, event.contest)
    return render_template("registration/quotas.html", event=event, contest=event.contest, unit=unit, own=own,
                           children=children, can_allocate=can_allocate, form=QuotaForm(),
                           left=left, limited_by=limited_by, limited_view=facts.view(limited_by) if limited_by else None)


# ---------------------------------------------------------------------------------------------- nominations


@registration_bp.get("/events/<int:event_id>/nominations")
@login_required
def event_nominations(event_id: int):
    event = contest_service.get_event(current_user, event_id)
    if not current_user.has_role(Role.ORGANISER, Role.ADMIN):
        return render_template("errors/403.html"), 403
    status = request.args.get("status") if request.args.get("status") in {s.value for s in NominationStatus} else None
    search, text, unit = search_args(event.contest.host)
    page = paginate(filter_nominations(service.event_nominations_query(current_user, event, status), text, unit))
    return render_template("registration/event_nominations.html", event=event, contest=event.contest, page=page, status=status,
                           can_nominate=_registration_open(event), search=search)


def _registration_open(event) -> bool:
    contest = event.contest
    return registration_is_open(contest.status, contest.registration_opens, contest.registration_closes, today())


@registration_bp.route("/events/<int:event_id>/nominate", methods=["GET", "POST"])
@organiser_required
def nominate(event_id: int):
    event = contest_service.get_event(current_user, event_id)
    if event.takes_units:
        return redirect(url_for("registration.enrol", event_id=event.id))
    form = NominateForm()
    search, text, unit = search_args(event.contest.host)
    if form.validate_on_submit():
        try:
            if event.is_team:
                nominations = [service.nominate(current_user, event.id, form.members.data or [], form.team_name.data)]
            else:
                nominations = service.nominate_each(current_user, event.id, form.members.data or [])
        except service.NominationsRefused as exc:
            form.members.errors.append(translate(exc))
            form.members.errors.extend(_("%(name)s: %(reason)s", name=name, reason=translate(error)) for name, error in exc.refusals)
        except DomainError as exc:
            form.members.errors.append(translate(exc))
        else:
            for nomination in nominations:
                flash(_nominated_message(nomination), "success")
            if len(nominations) == 1:
                return redirect(url_for("registration.nomination", nomination_id=nominations[0].id))
            return redirect(url_for("registration.event_nominations", event_id=event.id))
    page = paginate(service.nominable_workers_query(current_user, event, text, unit))
    return render_template("registration/nominate.html", event=event, contest=event.contest, form=form, workers=page.items,
                           page=page, search=search, open=_registration_open(event)), 422 if form.errors else 200


def _nominated_message(nomination) -> str:
    if nomination.status == NominationStatus.CONFIRMED:
        return _("%(name)s: the entry is confirmed.", name=nomination.display_name)
    return _("%(name)s: submitted; it now waits for %(unit)s.", name=nomination.display_name, unit=nomination.waiting_org.name)


@registration_bp.route("/events/<int:event_id>/enrol", methods=["GET", "POST"])
@organiser_required
def enrol(event_id: int):
    """安康杯: an organiser enrols units of his subtree (his enterprise and its teams) in a unit event, in one step."""
    form = EnrolForm()
    refusals: list[str] = []
    if form.validate_on_submit():
        try:
            entries = service.enrol_units(current_user, event_id, form.units.data or [])
        except service.UnitsRefused as exc:
            refusals = [translate(exc)] + [_("%(name)s: %(reason)s", name=name, reason=translate(error)) for name, error in exc.refusals]
        except DomainError as exc:
            refusals = [translate(exc)]
        else:
            for entry in entries:
                flash(_nominated_message(entry), "success")
            return redirect(url_for("registration.enrol", event_id=event_id))
    event = contest_service.get_event(current_user, event_id)
    search, text, unit = search_args(event.contest.host)
    number, size = page_number(), current_app.config["PER_PAGE"]
    event, rows, total = service.enrolment_page(current_user, event_id, text, unit, number, size)
    return render_template("registration/enrol.html", event=event, contest=event.contest, form=form, rows=rows,
                           page=Page(rows, total, number, size), search=search,
                           refusals=refusals, open=_registration_open(event)), 422 if refusals else 200


@registration_bp.route("/events/<int:event_id>/award-places", methods=["GET", "POST"])
@organiser_required
def award_places(event_id: int):
    """名额下达: the host gives each child unit places per award tier; a child unit's organisers see theirs."""
    view = places_service.places_view(current_user, event_id)
    form = AwardPlacesForm()
    errors: dict[str, str] = {}
    refusal = None
    if view.may_set and form.validate_on_submit():
        places, errors = form.read_places(view.units, view.tiers)
        if not errors:
            try:
                places_service.set_award_places(current_user, event_id, places)
            except DomainError as exc:
                refusal = translate(exc)
            else:
                flash(_("The award places have been handed down."), "success")
                return redirect(url_for("registration.award_places", event_id=event_id))
    return render_template("registration/award_places.html", view=view, event=view.event, contest=view.event.contest,
                           form=form, errors=errors, refusal=refusal,
                           entered=request.form if (errors or refusal) else None), 422 if (errors or refusal) else 200


@registration_bp.post("/events/<int:event_id>/apply")
@login_required
def apply(event_id: int):
    try:
        nomination = service.nominate(current_user, event_id, [current_user.id])
    except DomainError as exc:
        flash(translate(exc), "danger")
        return redirect(url_for("contests.event", event_id=event_id))
    flash(_("Your application has been submitted. You can follow it here."), "success")
    return redirect(url_for("registration.nomination", nomination_id=nomination.id))


@registration_bp.get("/nominations/<int:nomination_id>")
@login_required
def nomination(nomination_id: int):
    nomination = service.get_nomination(current_user, nomination_id)
    reject_form = RejectForm()
    if nomination.unit_id is not None:
        reject_form.reason.label.text = _("Reason (the unit will see it)")
    return render_template(
        "registration/nomination.html", nomination=nomination, event=nomination.event, contest=nomination.event.contest,
        can_review=service.can_review(current_user, nomination),
        can_withdraw=policy.may_withdraw(current_user, nomination),
        confirm=ConfirmForm(), reject_form=reject_form, withdraw_form=WithdrawForm(),
    )


@registration_bp.post("/nominations/<int:nomination_id>/approve")
@organiser_required
def approve(nomination_id: int):
    service.get_nomination(current_user, nomination_id)
    target = ApproveForm().next.data
    return post_action(
        lambda: service.approve(current_user, nomination_id),
        lambda nomination: _("The entry is confirmed.") if nomination.status == NominationStatus.CONFIRMED
        else _("Approved; the nomination now waits for %(unit)s.", unit=nomination.waiting_org.name),
        safe_next(target) if target else url_for("registration.nomination", nomination_id=nomination_id),
    )


@registration_bp.post("/nominations/<int:nomination_id>/reject")
@organiser_required
def reject(nomination_id: int):
    service.get_nomination(current_user, nomination_id)  # 403/404 before looking at the form
    form = RejectForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(error, "danger")
    else:
        try:
            service.reject(current_user, nomination_id, form.reason.data)
        except DomainError as exc:
            flash(translate(exc), "danger")
        else:
            flash(_("The nomination has been rejected."), "success")
    return redirect(url_for("registration.nomination", nomination_id=nomination_id))


@registration_bp.post("/nominations/<int:nomination_id>/withdraw")
@login_required
def withdraw(nomination_id: int):
    service.get_nomination(current_user, nomination_id)
    form = WithdrawForm()
    target = url_for("registration.nomination", nomination_id=nomination_id)
    if not form.validate_on_submit():
        flash(" ".join(str(e) for errors in form.errors.values() for e in errors), "danger")
        return redirect(target)
    return post_action(lambda: service.withdraw(current_user, nomination_id, form.reason.data or ""),
                       _("The nomination has been withdrawn."), target)


@registration_bp.get("/nominations/waiting")
@organiser_required
def waiting():
    own = request.args.get("scope") != "below"
    search, text, unit = search_args()
    page = paginate(filter_nominations(service.waiting_query(current_user, only_own_unit=own), text, unit))
    return render_template("registration/waiting.html", page=page, own=own, confirm=ConfirmForm(), search=search)


@registration_bp.get("/my/entries")
@login_required
def my_entries():
    from contest.services import results

    objections = results.my_objections(current_user)
    return render_template("registration/my_entries.html", nominations=service.my_nominations(current_user), objections=objections,
                           objection_changes={o.id: results.changes_of(o) for o in objections if o.is_upheld})


# ---------------------------------------------------------------------------------------------- bulk nomination


@registration_bp.route("/contests/<int:contest_id>/nominations/import", methods=["GET", "POST"])
@organiser_required
def import_nominations(contest_id: int):
    contest = contest_service.get_contest(current_user, contest_id)
    form = ImportForm()
    errors = []
    if form.validate_on_submit():
        upload = form.file.data
        try:
            created = nomination_import.import_nominations(current_user, contest.id, upload.read(), upload.filename)
        except TableError as exc:
            errors = exc.errors
        except DomainError as exc:
            flash(translate(exc), "danger")
        else:
            flash(_("%(count)d nominations have been imported.", count=len(created)), "success")
            return redirect(url_for("contests.detail", contest_id=contest.id))
    return render_template("registration/import.html", contest=contest, form=form, errors=errors), 422 if (errors or form.errors) else 200


@registration_bp.get("/contests/<int:contest_id>/nominations/template")
@organiser_required
def import_template(contest_id: int):
    contest = contest_service.get_contest(current_user, contest_id)
    first = contest.events[0].name if contest.events else "电工"
    data = build_template(nomination_import.COLUMNS, "报名", examples=[(first, "330802199001011232", "张三", "")],
                          notes=nomination_import.NOTES)
    return send_xlsx(data, f"报名导入模板-{contest.title}.xlsx")


# ---------------------------------------------------------------------------------------------- draw


@registration_bp.route("/events/<int:event_id>/draw", methods=["GET", "POST"])
@organiser_required
def draw(event_id: int):
    event = contest_service.get_event(current_user, event_id)
    manage = contest_service.can_manage(current_user, event.contest)
    if request.method == "POST":
        return post_action(lambda: draw_service.hold_draw(current_user, event.id), _("The draw has been held and recorded."),
                           url_for("registration.draw", event_id=event.id))
    record = draw_service.get_draw(event.id)
    search, text, unit = search_args(event.contest.host)
    page = paged(lambda number, size: draw_service.sign_in_page(current_user, event.id, number, size, text, unit)
                 if record and manage else ([], 0))
    return render_template("registration/draw.html", event=event, contest=event.contest, record=record, rows=page.items, manage=manage,
                           page=page, search=search,
                           verified=draw_service.verify_draw(event.id) if record else None, confirm=ConfirmForm(),
                           may=policy.abilities(current_user, event.contest))


@registration_bp.get("/events/<int:event_id>/sign-in.pdf")
@organiser_required
def sign_in_pdf(event_id: int):
    event = contest_service.get_event(current_user, event_id)
    try:
        data = draw_service.sign_in_pdf(current_user, event.id)
    except DomainError as exc:
        flash(translate(exc), "warning")
        return redirect(url_for("registration.draw", event_id=event.id))
    return send_file(BytesIO(data), mimetype="application/pdf", as_attachment=True,
                     download_name=download_name("签到表", event.contest.title, event.name, ext="pdf"))


@registration_bp.get("/events/<int:event_id>/draw.xlsx")
@organiser_required
def draw_xlsx(event_id: int):
    event = contest_service.get_event(current_user, event_id)
    try:
        data = draw_service.draw_xlsx(current_user, event.id)
    except DomainError as exc:
        flash(translate(exc), "warning")
        return redirect(url_for("registration.draw", event_id=event.id))
    return send_xlsx(data, download_name("抽签结果", event.contest.title, event.name, ext="xlsx"))
