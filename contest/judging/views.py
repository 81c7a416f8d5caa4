"""Judging pages: a judge's events and tablet score entry; assignments, progress, sign-off and audit."""

from __future__ import annotations

import secrets

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from contest.access import organiser_required, roles_required
from contest.forms import ConfirmForm
from contest.models import Role
from contest.services import judging as service
from contest.web import download_name, paginate, post_action, send_xlsx

judging_bp = Blueprint("judging", __name__)


@judging_bp.get("/judging/")
@roles_required(Role.JUDGE)
def my_events():
    return render_template("judging/my_events.html", assignments=service.my_assignments(current_user))


@judging_bp.get("/judging/events/<int:event_id>")
@roles_required(Role.JUDGE)
def tablet(event_id: int):
    """The tablet score-entry page: all data goes through the JSON API with the device's bearer token
    (static/js/outbox.js asks for one only when the device has none)."""
    sheet = service.sheet(current_user, event_id)  # 403/404 for judges not assigned
    return render_template("judging/tablet.html", sheet=sheet, event_id=event_id,
                           sheet_url=url_for("api.score_sheet", event_id=event_id),
                           scores_url=url_for("api.put_scores", event_id=event_id))


# ---------------------------------------------------------------------------------------------- organisers


@judging_bp.route("/events/<int:event_id>/judges", methods=["GET", "POST"])
@organiser_required
def judges(event_id: int):
    event = service.get_event(current_user, event_id)
    if request.method == "POST":
        return post_action(
            lambda: service.assign_judge(current_user, event.id, request.form.get("judge_id", type=int) or 0, bool(request.form.get("chief"))),
            _("The judge has been assigned."),
            url_for("judging.judges", event_id=event.id),
        )
    overview = service.conflict_overview(current_user, event.id)
    return render_template("judging/judges.html", event=event, contest=event.contest, overview=overview,
                           candidates=service.assignable_judges(current_user, event), confirm=ConfirmForm())


@judging_bp.post("/events/<int:event_id>/judges/<int:judge_id>/chief")
@organiser_required
def make_chief(event_id: int, judge_id: int):
    return post_action(lambda: service.set_chief(current_user, event_id, judge_id), _("The chief judge has been named."),
                       url_for("judging.judges", event_id=event_id))


@judging_bp.post("/events/<int:event_id>/judges/<int:judge_id>/remove")
@organiser_required
def remove_judge(event_id: int, judge_id: int):
    return post_action(lambda: service.remove_judge(current_user, event_id, judge_id), _("The judge has been removed from the event."),
                       url_for("judging.judges", event_id=event_id))


# ---------------------------------------------------------------------------------------------- progress, sign-off, audit


@judging_bp.get("/events/<int:event_id>/scores")
@roles_required(Role.JUDGE, Role.ORGANISER)
def scores(event_id: int):
    view = service.score_overview(current_user, event_id)
    return render_template("judging/scores.html", view=view, event=view.event, contest=view.event.contest, confirm=ConfirmForm())


@judging_bp.post("/events/<int:event_id>/sign-off")
@roles_required(Role.JUDGE)
def sign_off(event_id: int):
    return post_action(lambda: service.sign_off(current_user, event_id), _("The event has been signed off; its scores are locked."),
                       url_for("judging.scores", event_id=event_id))


@judging_bp.post("/events/<int:event_id>/corrections")
@roles_required(Role.JUDGE)
def correct(event_id: int):
    """The chief judge corrects one score after sign-off, with a reason (through the same write path)."""
    form = request.form
    item = {
        "competitor_number": form.get("competitor_number", type=int),
        "criterion_id": form.get("criterion_id", type=int),
        "judge_id": form.get("judge_id", type=int),
        "value": (form.get("value") or "").strip(),
        "version": form.get("version", type=int),
        "reason": (form.get("reason") or "").strip(),
    }
    result = service.submit_scores(current_user, event_id, {"idempotency_key": secrets.token_hex(16), "scores": [item]})
    if result.status == 200:
        flash(_("The score has been corrected; the correction is in the audit log."), "success")
    else:
        error = result.body["error"]
        items = error["details"] if isinstance(error.get("details"), list) else []
        details = "；".join(d["message"] for d in items if isinstance(d, dict) and d.get("message"))
        flash(f"{error['message']} {details}".strip(), "danger")
    return redirect(url_for("judging.scores", event_id=event_id))


@judging_bp.get("/events/<int:event_id>/audit")
@roles_required(Role.JUDGE, Role.ORGANISER)
def audit_log(event_id: int):
    event, query = service.audit_query(current_user, event_id, **_audit_filters())
    page = paginate(query, per_page=100)
    return render_template("judging/audit.html", event=event, contest=event.contest, page=page, filters=_audit_filters(),
                           sign_off=service.sign_off_of(event.id),
                           judges=[a.judge for a in service.assignments(event.id)])


def _audit_filters() -> dict:
    kind = request.args.get("kind")
    return {
        "judge_id": request.args.get("judge_id", type=int),
        "number": request.args.get("number", type=int),
        "kind": kind if kind in ("entry", "change", "correction") else None,
    }


@judging_bp.get("/events/<int:event_id>/audit.xlsx")
@roles_required(Role.JUDGE, Role.ORGANISER)
def audit_xlsx(event_id: int):
    event, query = service.audit_query(current_user, event_id, **_audit_filters())
    data = service.audit_workbook(event, query, with_sign_off=not any(_audit_filters().values()))
    return send_xlsx(data, download_name("评分审计", event.contest.title, event.name, ext="xlsx"))
