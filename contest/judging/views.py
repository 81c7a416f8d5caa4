"""Judging pages: a judge's events and tablet score entry; assignments, progress, sign-off and audit."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from contest.access import organiser_required, roles_required
from contest.domain.errors import InvalidItems, LockedEvent, StaleScore
from contest.forms import ConfirmForm, ListSearchForm, form_action
from contest.i18n import translate
from contest.judging.forms import AssignJudgeForm, CorrectionForm
from contest.listing import search_args
from contest.models import Role
from contest.services import judging as service
from contest.services.search import clean
from contest.web import Page, download_name, page_number, paginate, post_action, send_xlsx

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
        form = AssignJudgeForm()
        return form_action(
            form, lambda: service.assign_judge(current_user, event.id, form.judge_id.data or 0, form.chief.data),
            _("The judge has been assigned."),
            url_for("judging.judges", event_id=event.id),
        )
    overview = service.conflict_overview(current_user, event.id)
    search, text, unit = search_args(event.contest.host)
    page = paginate(service.assignable_judges(current_user, event, text, unit))
    return render_template("judging/judges.html", event=event, contest=event.contest, overview=overview,
                           candidates=page.items, page=page, search=search, searched=bool(text or unit), confirm=ConfirmForm())


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
    return _scores_page(event_id)


def _scores_page(event_id: int, correction: CorrectionForm | None = None, status: int = 200):
    """The scoring page; ``correction`` is a posted correction form that was refused, shown open in its cell
    with the messages beside its fields."""
    if current_user.has_role(Role.ORGANISER, Role.ADMIN):
        search, text, unit = search_args()
    else:  # a judge sees competitor numbers only and searches by them (``score_overview`` says who may search names)
        search, text, unit = ListSearchForm(request.args), clean(request.args.get("q")), None
    number, size = page_number(), current_app.config["PER_PAGE"]
    view = service.score_overview(current_user, event_id, number, size, text, unit)
    return render_template("judging/scores.html", view=view, event=view.event, contest=view.event.contest, confirm=ConfirmForm(),
                           correction=correction, search=search, page=Page(view.entries, view.total, number, size)), status


@judging_bp.post("/events/<int:event_id>/sign-off")
@roles_required(Role.JUDGE)
def sign_off(event_id: int):
    return post_action(lambda: service.sign_off(current_user, event_id), _("The event has been signed off; its scores are locked."),
                       url_for("judging.scores", event_id=event_id))


@judging_bp.post("/events/<int:event_id>/corrections")
@roles_required(Role.JUDGE)
def correct(event_id: int):
    """The chief judge corrects one score after sign-off, with a reason: form → ``CorrectScore`` →
    ``judging.correct_score`` (the same checks and write as the API); a refusal is shown beside the field."""
    form = CorrectionForm()
    if not form.validate_on_submit():
        if any(f.errors for f in (form.competitor_number, form.criterion_id, form.judge_id, form.version)):
            flash(_("The correction form is incomplete; reload the page and try again."), "danger")
            return redirect(url_for("judging.scores", event_id=event_id))
        return _scores_page(event_id, form, 422)
    try:
        service.correct_score(current_user, form.command(event_id))
    except InvalidItems as exc:  # the mark (range, decimals) or the score itself: beside the value
        form.value.errors = [d["message"] for d in exc.details if isinstance(d.get("message"), str)] or [translate(exc)]
        return _scores_page(event_id, form, 422)
    except (StaleScore, LockedEvent) as exc:
        form.refusal = translate(exc)
        return _scores_page(event_id, form, 409)
    flash(_("The score has been corrected; the correction is in the audit log."), "success")
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
