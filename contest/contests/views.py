"""Contest and event pages: list, create, edit, copy, lifecycle, rubric editing."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from contest import methods, policy
from contest.access import login_required, organiser_required
from contest.clock import today
from contest.contests.forms import (
    ComponentForm,
    ContestForm,
    CopyForm,
    CriterionForm,
    EventForm,
    RankingRulesForm,
    StatusForm,
)
from contest.domain.contests import TRANSITIONS, Aggregation, ContestKind, ContestStatus, CriterionKind, EventKind
from contest.domain.errors import DomainError
from contest.domain.scoring_types import scoring_type
from contest.forms import ConfirmForm, form_action, place_refusal
from contest.i18n import translate
from contest.labels import (
    AGGREGATION_LABELS,
    CRITERION_KIND_LABELS,
    EVENT_KIND_LABELS,
    KIND_LABELS,
    SKILL_LABELS,
    STATUS_LABELS,
)
from contest.listing import search_args
from contest.models import SkillLevel
from contest.services import contests as service
from contest.services import registration as reg
from contest.web import paginate

contests_bp = Blueprint("contests", __name__)


def _require_manage(contest) -> None:
    """Refuse (403) before looking at the form: only the host's organisers manage a contest."""
    service.require_host(current_user, contest)


@contests_bp.get("/contests/")
@login_required
def index():
    year = request.args.get("year", type=int)
    kind = request.args.get("kind") if request.args.get("kind") in {k.value for k in ContestKind} else None
    status = request.args.get("status") if request.args.get("status") in {s.value for s in ContestStatus} else None
    search, text, unit = search_args()
    page = paginate(service.contests_query(current_user, year=year, kind=kind, status=status, search=text, unit=unit))
    return render_template("contests/index.html", page=page, year=year, kind=kind, status=status, search=search,
                           can_create=current_user.has_role("organiser", "admin"))


def _contest_form(contest=None) -> ContestForm:
    form = ContestForm(obj=contest)
    form.kind.choices = [(k.value, str(label)) for k, label in KIND_LABELS.items()]
    form.conflict_scope.choices = [("enterprise", _("enterprise")), ("county", _("enterprise or county"))]
    if contest is not None and not form.is_submitted():
        form.kind.data = contest.kind.value
    return form


def _contest_input(form: ContestForm) -> service.ContestInput:
    return service.ContestInput(
        title=form.title.data or "", year=form.year.data or 0, kind=form.kind.data or "",
        registration_opens=form.registration_opens.data, registration_closes=form.registration_closes.data,
        contest_date=form.contest_date.data, venue=form.venue.data or "", description=form.description.data or "",
        rules=form.rules.data or "", conflict_scope=form.conflict_scope.data or "enterprise",
    )


@contests_bp.route("/contests/new", methods=["GET", "POST"])
@organiser_required
def create():
    form = _contest_form()
    if not form.is_submitted():
        form.year.data = today().year
    if form.validate_on_submit():
        try:
            contest = service.create_contest(current_user, _contest_input(form))
        except DomainError as exc:
            form.title.errors.append(translate(exc))
        else:
            flash(_("The contest has been created as a draft. Add its events next."), "success")
            return redirect(url_for("contests.detail", contest_id=contest.id))
    return render_template("contests/form.html", form=form, contest=None), 422 if form.errors else 200


def _transition_question(contest, name: str) -> str | None:
    """What the organiser confirms before a step that every unit below feels at once."""
    closes = contest.registration_closes.isoformat() if contest.registration_closes else "—"
    if name == "open":
        return _("Open registration now? Every unit below can nominate until %(date)s.", date=closes)
    if name == "close" and contest.registration_closes and today() <= contest.registration_closes:
        return _("Registration runs until %(date)s. Close it early now? No unit can nominate or withdraw afterwards.", date=closes)
    return None


@contests_bp.get("/contests/<int:contest_id>")
@login_required
def detail(contest_id: int):
    contest = service.get_contest(current_user, contest_id)
    manage = service.can_manage(current_user, contest)
    transitions = [(target, name, _transition_question(contest, name)) for (source, target), name in TRANSITIONS.items()
                   if source == contest.status and name in ("open", "close", "reopen", "start")]
    counts = reg.count_by_status([e.id for e in contest.events])
    return render_template("contests/detail.html", contest=contest, manage=manage, transitions=transitions if manage else [],
                           counts=counts, confirm=ConfirmForm(), copy_form=CopyForm(year=contest.year + 1))


@contests_bp.route("/contests/<int:contest_id>/edit", methods=["GET", "POST"])
@organiser_required
def edit(contest_id: int):
    contest = service.get_contest(current_user, contest_id)
    _require_manage(contest)
    form = _contest_form(contest)
    if form.validate_on_submit():
        try:
            service.update_contest(current_user, contest.id, _contest_input(form))
        except DomainError as exc:
            form.title.errors.append(translate(exc))
        else:
            flash(_("The contest has been saved."), "success")
            return redirect(url_for("contests.detail", contest_id=contest.id))
    return render_template("contests/form.html", form=form, contest=contest), 422 if form.errors else 200


@contests_bp.post("/contests/<int:contest_id>/status")
@organiser_required
def change_status(contest_id: int):
    _require_manage(service.get_contest(current_user, contest_id))
    form = StatusForm()
    return form_action(
        form, lambda: service.change_status(current_user, contest_id, form.target.data or ""),
        lambda contest: _("The contest is now: %(status)s.", status=STATUS_LABELS[contest.status]),
        url_for("contests.detail", contest_id=contest_id),
    )


@contests_bp.post("/contests/<int:contest_id>/delete")
@organiser_required
def delete(contest_id: int):
    try:
        service.delete_contest(current_user, contest_id)
    except DomainError as exc:
        flash(translate(exc), "danger")
        return redirect(url_for("contests.detail", contest_id=contest_id))
    flash(_("The draft has been deleted."), "success")
    return redirect(url_for("contests.index"))


@contests_bp.post("/contests/<int:contest_id>/copy")
@organiser_required
def copy(contest_id: int):
    _require_manage(service.get_contest(current_user, contest_id))
    form = CopyForm()
    if not form.validate_on_submit():
        flash(" ".join(str(e) for errors in form.errors.values() for e in errors), "danger")
        return redirect(url_for("contests.detail", contest_id=contest_id))
    try:
        contest = service.copy_contest(current_user, contest_id, form.year.data, form.title.data or None)
    except DomainError as exc:
        flash(translate(exc), "danger")
        return redirect(url_for("contests.detail", contest_id=contest_id))
    flash(_("A copy for %(year)d has been created with the same events and rubrics.", year=contest.year), "success")
    return redirect(url_for("contests.detail", contest_id=contest.id))


# ---------------------------------------------------------------------------------------------- events


def _event_form(event=None) -> EventForm:
    form = EventForm(obj=event)
    form.kind.choices = [(k.value, str(label)) for k, label in EVENT_KIND_LABELS.items()]
    form.min_skill_level.choices = [("", _("Any"))] + [(s.value, str(SKILL_LABELS[s])) for s in SkillLevel if s != SkillLevel.NONE]
    form.bracket_format.choices = methods.choices()
    if event is not None and not form.is_submitted():
        form.kind.data = event.kind.value
        form.min_skill_level.data = event.min_skill_level or ""
        form.bracket_format.data = event.method.choice_of(event)
    return form


def _event_input(form: EventForm) -> service.EventInput:
    return service.EventInput(
        name=form.name.data or "", kind=form.kind.data or EventKind.INDIVIDUAL.value,
        team_min=form.team_min.data or 1, team_max=form.team_max.data or 1,
        min_age=form.min_age.data, max_age=form.max_age.data, min_skill_level=form.min_skill_level.data or None,
        occupations=form.occupations.data or "", capacity=form.capacity.data, bracket_format=form.bracket_format.data or None,
    )


@contests_bp.route("/contests/<int:contest_id>/events/new", methods=["GET", "POST"])
@organiser_required
def create_event(contest_id: int):
    contest = service.get_contest(current_user, contest_id)
    _require_manage(contest)
    form = _event_form()
    if form.validate_on_submit():
        try:
            event = service.create_event(current_user, contest.id, _event_input(form))
        except DomainError as exc:
            form.name.errors.append(translate(exc))
        else:
            flash(_("The event has been added. Now set up its components and criteria."), "success")
            return redirect(url_for("contests.event", event_id=event.id))
    return render_template("contests/event_form.html", form=form, contest=contest, event=None), 422 if form.errors else 200


@contests_bp.get("/events/<int:event_id>")
@login_required
def event(event_id: int):
    return _event_page(service.get_event(current_user, event_id))


def _chosen_ties(event) -> list[str]:
    return [f"{'component' if t[0] == 'higher_component' else 'criterion' if t[0] == 'higher_criterion' else 'time'}"
            + (f":{t[1]}" if t[1] is not None else "") for t in (event.tie_breakers or [])]


def _rules_form(event, formdata=None) -> RankingRulesForm:
    return RankingRulesForm.of(event, service.award_scheme_dict(event), _chosen_ties(event), service.tie_breaker_choices(event),
                               formdata=formdata)


def _event_page(event, rules_form: RankingRulesForm | None = None, status: int = 200):
    """The event page; ``rules_form`` is a posted, refused ranking-rules form (shown open, errors beside fields)."""
    may = policy.abilities(current_user, event.contest)
    component_form = ComponentForm()
    component_form.aggregation.choices = [(a.value, str(label)) for a, label in AGGREGATION_LABELS.items()]
    criterion_form = CriterionForm()
    criterion_form.kind.choices = [(k.value, str(label)) for k, label in CRITERION_KIND_LABELS.items()
                                   if scoring_type(k.value).in_rubric_form]
    from contest.services.judging import assignment_of, sign_off_of

    return render_template("contests/event.html", event=event, contest=event.contest, manage=may.edit,
                           is_host=may.manage,
                           is_judge=assignment_of(current_user, event.id) is not None, sign_off=sign_off_of(event.id),
                           scheme=service.award_scheme_dict(event), rules_form=rules_form or _rules_form(event),
                           rules_refused=rules_form is not None,
                           can_rules=may.rules,
                           component_form=component_form, criterion_form=criterion_form, confirm=ConfirmForm(),
                           trim=service.trim_rule_of(event)), status


@contests_bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
@organiser_required
def edit_event(event_id: int):
    event = service.get_event(current_user, event_id)
    _require_manage(event.contest)
    form = _event_form(event)
    if form.validate_on_submit():
        try:
            service.update_event(current_user, event.id, _event_input(form))
        except DomainError as exc:
            form.name.errors.append(translate(exc))
        else:
            flash(_("The event has been saved."), "success")
            return redirect(url_for("contests.event", event_id=event.id))
    return render_template("contests/event_form.html", form=form, contest=event.contest, event=event), 422 if form.errors else 200


@contests_bp.post("/events/<int:event_id>/delete")
@organiser_required
def delete_event(event_id: int):
    event = service.get_event(current_user, event_id)
    contest_id = event.contest_id
    try:
        service.delete_event(current_user, event_id)
    except DomainError as exc:
        flash(translate(exc), "danger")
        return redirect(url_for("contests.event", event_id=event_id))
    flash(_("The event has been removed."), "success")
    return redirect(url_for("contests.detail", contest_id=contest_id))


@contests_bp.post("/events/<int:event_id>/components")
@organiser_required
def add_component(event_id: int):
    _require_manage(service.get_event(current_user, event_id).contest)
    form = ComponentForm()
    form.aggregation.choices = [(a.value, a.value) for a in Aggregation]
    if not form.validate_on_submit():
        flash(" ".join(str(e) for errors in form.errors.values() for e in errors), "danger")
    else:
        try:
            service.add_component(current_user, event_id, form.name.data, form.weight.data, form.aggregation.data)
        except DomainError as exc:
            flash(translate(exc), "danger")
        else:
            flash(_("The component has been added."), "success")
    return redirect(url_for("contests.event", event_id=event_id))


@contests_bp.post("/components/<int:component_id>/delete")
@organiser_required
def remove_component(component_id: int):
    component = service.get_component(component_id)
    event_id = component.event_id
    try:
        service.remove_component(current_user, component_id)
    except DomainError as exc:
        flash(translate(exc), "danger")
    return redirect(url_for("contests.event", event_id=event_id))


@contests_bp.post("/components/<int:component_id>/criteria")
@organiser_required
def add_criterion(component_id: int):
    component = service.get_component(component_id)
    _require_manage(service.get_event(current_user, component.event_id).contest)
    form = CriterionForm()
    form.kind.choices = [(k.value, k.value) for k in CriterionKind]
    if not form.validate_on_submit():
        flash(" ".join(str(e) for errors in form.errors.values() for e in errors), "danger")
    else:
        try:
            service.add_criterion(current_user, component_id, form.name.data, form.max_marks.data, form.kind.data)
        except DomainError as exc:
            flash(translate(exc), "danger")
        else:
            flash(_("The criterion has been added."), "success")
    return redirect(url_for("contests.event", event_id=component.event_id))


@contests_bp.post("/criteria/<int:criterion_id>/delete")
@organiser_required
def remove_criterion(criterion_id: int):
    criterion = service.get_criterion(criterion_id)
    event_id = criterion.component.event_id
    try:
        service.remove_criterion(current_user, criterion_id)
    except DomainError as exc:
        flash(translate(exc), "danger")
    return redirect(url_for("contests.event", event_id=event_id))


@contests_bp.post("/events/<int:event_id>/ranking-rules")
@organiser_required
def ranking_rules(event_id: int):
    """Form → ``RankingRules`` → ``contests.save_ranking_rules``; a refusal is shown beside the field it names
    (and, for the page's top, as a message)."""
    event = service.get_event(current_user, event_id)
    _require_manage(event.contest)
    form = _rules_form(event, formdata=request.form)
    if form.validate_on_submit():
        try:
            service.save_ranking_rules(current_user, form.command(event.id))
        except DomainError as exc:
            # the refused transaction was rolled back, which expired ``event``: the page shows the rules as
            # stored, the form what was sent
            flash(place_refusal(form, exc), "danger")
        else:
            flash(_("The ranking and award rules have been saved."), "success")
            return redirect(url_for("contests.event", event_id=event_id) + "#ranking-rules")
    return _event_page(event, form, 422)
