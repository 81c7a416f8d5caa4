"""Bracket pages: the drawing (elimination), tables (round robin) and standings (Swiss); set-up by the host's
organisers; match results by the event's judges on a tablet-sized form; sign-off by the chief judge."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from contest.access import organiser_required, public, roles_required
from contest.brackets.forms import BracketSetupForm, MatchResultForm
from contest.domain.errors import DomainError
from contest.extensions import login_manager
from contest.forms import ConfirmForm, place_refusal
from contest.i18n import translate
from contest.models import Role
from contest.services import PermissionDenied
from contest.services import brackets as service
from contest.services.contests import can_manage, managed_event
from contest.services.event_reads import get_match
from contest.services.results import seeding_sources
from contest.web import download_name, post_action, send_xlsx

brackets_bp = Blueprint("brackets", __name__)


@brackets_bp.app_context_processor
def bracket_links():
    """``bracket_link(event)`` for templates: show a bracket link only where it opens (never a 403 or a 404)."""
    return {"bracket_link": lambda event: service.bracket_link(current_user, event)}


@brackets_bp.get("/brackets/events/<int:event_id>")
@public
def view(event_id: int):
    """The bracket as it stands: public once the contest's results are published."""
    try:
        bracket = service.bracket_view(current_user, event_id)
    except PermissionDenied:
        if not current_user.is_authenticated:
            return login_manager.unauthorized()  # not public yet: perhaps visible after logging in
        raise
    event = bracket.event
    projector = request.args.get("projector") == "1"  # full width, large type, no controls, refreshed every 30 s
    return render_template("brackets/view.html", b=bracket, event=event, contest=event.contest, confirm=ConfirmForm(),
                           manage=current_user.is_authenticated and can_manage(current_user, event.contest),
                           judge=None if projector else bracket.assignment, recorded=request.args.get("recorded", type=int), projector=projector)


@brackets_bp.route("/brackets/events/<int:event_id>/setup", methods=["GET", "POST"])
@organiser_required
def setup(event_id: int):
    """Form → ``BracketSetup`` → ``brackets.generate``; a refusal naming a field is shown beside it."""
    event = managed_event(current_user, event_id, service.MANAGE_BRACKET)
    entries = service.entries(event.id)
    numbers = [n.competitor_number for n in entries]
    if request.method == "POST":
        form = BracketSetupForm.for_entries(numbers)
        if form.validate_on_submit():
            try:
                service.generate(current_user, event.id, form.command())
            except DomainError as exc:
                flash(place_refusal(form, exc), "danger")
            else:
                flash(_("The bracket has been drawn up."), "success")
                return redirect(url_for("brackets.view", event_id=event.id))
        return render_template("brackets/setup.html", event=event, contest=event.contest, entries=entries, form=form,
                               ranked_events=_ranked_events(event), plan=service.plan_of(event.id), confirm=ConfirmForm()), 422
    plan = service.plan_of(event.id)
    defaults = {"seeding": plan.seeding if plan else "draw", "avoid_same_unit": True, "grand_final_reset": True, "third_place": False}
    if plan:
        defaults.update({k: v for k, v in plan.options.items() if k in ("third_place", "grand_final_reset", "avoid_same_unit", "colours")})
        if plan.options.get("rounds"):
            defaults["rounds"] = str(plan.options["rounds"])
        defaults.update({f"tie_break{i}": v for i, v in enumerate(plan.options.get("tie_breakers") or (), start=1)})
        defaults.update({f"seed_{k}": str(v) for k, v in (plan.seeding_detail.get("seeds") or {}).items()})
        if plan.seeding_detail.get("event_id"):
            defaults["ranked_event_id"] = str(plan.seeding_detail["event_id"])
    form = BracketSetupForm.for_entries(numbers, formdata=None, data=defaults)
    return render_template("brackets/setup.html", event=event, contest=event.contest, entries=entries, form=form,
                           ranked_events=_ranked_events(event), plan=plan, confirm=ConfirmForm())


def _ranked_events(event):
    return seeding_sources(current_user, event)


@brackets_bp.post("/brackets/events/<int:event_id>/discard")
@organiser_required
def discard(event_id: int):
    return post_action(lambda: service.discard(current_user, event_id), _("The bracket has been discarded."),
                       url_for("brackets.setup", event_id=event_id))


@brackets_bp.route("/brackets/matches/<int:match_id>", methods=["GET", "POST"])
@roles_required(Role.JUDGE)
def match(match_id: int):
    """Record or correct one match result (tablet-sized): form → ``MatchResult`` → ``brackets.record_result``.
    A problem with a field, or a refusal naming one, is shown beside it; a correction that clears later
    results asks first."""
    row = get_match(match_id)
    bracket = service.bracket_view(current_user, row.event_id)
    current = next(m for m in bracket.matches if m.id == row.id)
    form = MatchResultForm()
    affected: list[str] = []
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            try:
                recorded = service.record_result(current_user, row.id, form.command())
            except service.NeedsConfirmation as exc:
                affected, status = exc.affected, 409
                flash(translate(exc), "warning")
            except service.StaleMatch as exc:
                flash(translate(exc), "danger")
                return redirect(url_for("brackets.match", match_id=row.id))
            except DomainError as exc:
                flash(place_refusal(form, exc), "danger")
            else:
                # the bracket page says that this match's result was recorded
                if recorded.sign_off_lifted:
                    flash(translate(service.SIGN_OFF_LIFTED), "warning")
                return redirect(url_for("brackets.view", event_id=row.event_id, recorded=row.id) + f"#m-{row.key}")
    keys = {m.key: m for m in bracket.matches}
    return render_template("brackets/match.html", b=bracket, m=current, event=bracket.event, contest=bracket.event.contest,
                           form=form, affected=[keys[k] for k in affected if k in keys]), status


@brackets_bp.post("/brackets/events/<int:event_id>/sign-off")
@roles_required(Role.JUDGE)
def sign_off(event_id: int):
    return post_action(lambda: service.sign_off(current_user, event_id),
                       _("The bracket has been signed off; its placements go to the results."),
                       url_for("brackets.view", event_id=event_id))


@brackets_bp.get("/brackets/events/<int:event_id>/audit")
@roles_required(Role.JUDGE, Role.ORGANISER)
def audit_log(event_id: int):
    rows = service.match_audit(current_user, event_id)
    bracket = service.bracket_view(current_user, event_id)
    return render_template("brackets/audit.html", rows=rows, b=bracket, event=bracket.event, contest=bracket.event.contest)


@brackets_bp.get("/brackets/events/<int:event_id>/audit.xlsx")
@roles_required(Role.JUDGE, Role.ORGANISER)
def audit_xlsx(event_id: int):
    event, data = service.audit_workbook(current_user, event_id)
    return send_xlsx(data, download_name("比赛结果审计", event.contest.title, event.name, ext="xlsx"))
