"""立功竞赛 pages (thin: form → one service call → flash → redirect)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from contest.access import organiser_required, public
from contest.domain.errors import DomainError
from contest.forms import ConfirmForm, place_refusal
from contest.merit.forms import CumulativeForm, NextPeriodForm, StartSeriesForm
from contest.services import periods as service
from contest.web import download_name, post_action, send_xlsx

merit_bp = Blueprint("merit", __name__)


def _viewer():
    return current_user if current_user.is_authenticated else None


@merit_bp.get("/contests/<int:contest_id>/periods")
@public
def periods(contest_id: int):
    page = service.period_page(_viewer(), contest_id)
    start = StartSeriesForm()
    start.event_id.choices = [(e.id, e.name) for e in page.events]
    return render_template("merit/periods.html", page=page, contest=page.contest, next_form=NextPeriodForm(), start=start,
                           confirm=ConfirmForm())


@merit_bp.get("/contests/<int:contest_id>/periods.xlsx")
@public
def export_xlsx(contest_id: int):
    title, data = service.period_xlsx(_viewer(), contest_id)
    return send_xlsx(data, download_name("累计排名", title, ext="xlsx"))


@merit_bp.post("/contests/<int:contest_id>/periods/start")
@organiser_required
def start_series(contest_id: int):
    service.managed(current_user, contest_id)  # 403 before anything else for those who do not host it
    form = StartSeriesForm()  # the service checks the event
    target = url_for("merit.periods", contest_id=contest_id)
    if not form.validate_on_submit():
        flash(_("Enter the series' name and the first period's label."), "danger")
        return redirect(target)
    return post_action(lambda: service.start_series(current_user, form.event_id.data, form.series.data, form.label.data),
                       _("The event is now the first period of its series."), target)


@merit_bp.post("/events/<int:event_id>/periods/next")
@organiser_required
def add_next_period(event_id: int):
    form = NextPeriodForm()
    event = service.period_event(current_user, event_id)
    target = url_for("merit.periods", contest_id=event.contest_id)
    if not form.validate_on_submit():
        flash(_("The label is at most 40 characters."), "danger")
        return redirect(target)
    return post_action(lambda: service.add_next_period(current_user, event_id, form.label.data),
                       lambda new: _("%(name)s has been added, with the entries of the previous period.", name=new.name), target)


@merit_bp.route("/events/<int:event_id>/cumulative", methods=["GET", "POST"])
@organiser_required
def cumulative(event_id: int):
    view = service.cumulative_view(current_user, event_id)
    form = CumulativeForm(series=view.series)
    form.series.choices = [(s, s) for s in view.choices]
    if form.validate_on_submit():
        try:
            service.set_up_cumulative(current_user, event_id, form.series.data)
        except DomainError as exc:
            flash(place_refusal(form, exc, "series"), "danger")
        else:
            flash(_("Saved: the ranking adds up %(series)s.", series=form.series.data), "success")
            return redirect(url_for("merit.cumulative", event_id=event_id))
    return render_template("merit/cumulative.html", view=view, event=view.event, contest=view.event.contest, form=form,
                           confirm=ConfirmForm())


@merit_bp.post("/events/<int:event_id>/cumulative/confirm")
@organiser_required
def confirm(event_id: int):
    return post_action(lambda: service.confirm_cumulative(current_user, event_id), _("The cumulative ranking has been confirmed."),
                       url_for("merit.cumulative", event_id=event_id))
