"""Bracket pages: the drawing (elimination), tables (round robin) and standings (Swiss); set-up by the host's
organisers; match results by the event's judges on a tablet-sized form; sign-off by the chief judge."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from contest.access import organiser_required, public, roles_required
from contest.domain.errors import N_, DomainError
from contest.domain.numbers import parse_plain_int
from contest.extensions import login_manager
from contest.forms import ConfirmForm
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
    event = managed_event(current_user, event_id, service.MANAGE_BRACKET)
    entries = service.entries(event.id)
    if request.method == "POST":
        form = request.form
        try:
            setup = service.Setup(
                seeding=form.get("seeding", "draw"),
                ranked_event_id=form.get("ranked_event_id", type=int),
                manual_seeds=_manual_seeds(form, entries) if form.get("seeding") == "manual" else None,
                third_place=bool(form.get("third_place")),
                grand_final_reset=bool(form.get("grand_final_reset")),
                rounds=form.get("rounds", type=int),
                avoid_same_unit=bool(form.get("avoid_same_unit")),
                colours=bool(form.get("colours")),
                tie_breakers=tuple(v for v in (form.get(f"tie_break{i}", "") for i in range(1, 5)) if v),
            )
            service.generate(current_user, event.id, setup)
        except DomainError as exc:
            flash(translate(exc), "danger")
            return render_template("brackets/setup.html", event=event, contest=event.contest, entries=entries, form=form,
                                   ranked_events=_ranked_events(event), plan=service.plan_of(event.id), confirm=ConfirmForm()), 422
        flash(_("The bracket has been drawn up."), "success")
        return redirect(url_for("brackets.view", event_id=event.id))
    plan = service.plan_of(event.id)
    defaults = {"seeding": plan.seeding if plan else "draw", "avoid_same_unit": "1", "grand_final_reset": "1", "third_place": ""}
    if plan:
        defaults.update({k: "1" if v is True else ("" if v is False else v) for k, v in plan.options.items()})
        defaults.update({f"tie_break{i}": v for i, v in enumerate(plan.options.get("tie_breakers") or (), start=1)})
        defaults.update({f"seed-{k}": v for k, v in (plan.seeding_detail.get("seeds") or {}).items()})
        defaults["ranked_event_id"] = plan.seeding_detail.get("event_id")
    return render_template("brackets/setup.html", event=event, contest=event.contest, entries=entries, form=defaults,
                           ranked_events=_ranked_events(event), plan=plan, confirm=ConfirmForm())


def _manual_seeds(form, entries) -> dict[int, int]:
    seeds = {}
    for n in entries:
        raw = (form.get(f"seed-{n.competitor_number}") or "").strip()
        if not raw:
            continue
        seed = parse_plain_int(raw)
        if seed is None:
            raise DomainError(N_("Seeds must be whole numbers (competitor number %(number)s)."), number=n.competitor_number)
        seeds[n.competitor_number] = seed
    return seeds


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
    """Record or correct one match result (tablet-sized). A correction that clears later results asks first."""
    row = get_match(match_id)
    bracket = service.bracket_view(current_user, row.event_id)
    current = next(m for m in bracket.matches if m.id == row.id)
    affected: list[str] = []
    status = 200
    if request.method == "POST":
        try:
            recorded = service.record_result(current_user, row.id, request.form)
        except service.NeedsConfirmation as exc:
            affected, status = exc.affected, 409
            flash(translate(exc), "warning")
        except service.StaleMatch as exc:
            status = 409
            flash(translate(exc), "danger")
            return redirect(url_for("brackets.match", match_id=row.id))
        except DomainError as exc:
            status = 422
            flash(translate(exc), "danger")
        else:
            # the bracket page says that this match's result was recorded
            if recorded.sign_off_lifted:
                flash(translate(service.SIGN_OFF_LIFTED), "warning")
            return redirect(url_for("brackets.view", event_id=row.event_id, recorded=row.id) + f"#m-{row.key}")
    keys = {m.key: m for m in bracket.matches}
    return render_template("brackets/match.html", b=bracket, m=current, event=bracket.event, contest=bracket.event.contest,
                           form=request.form if request.method == "POST" else {}, affected=[keys[k] for k in affected if k in keys],
                           confirm=ConfirmForm()), status


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
