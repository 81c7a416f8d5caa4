"""The indicator sheet builder: ``/events/<id>/indicators`` (the ``indicators`` method's set-up page)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from contest.access import organiser_required
from contest.domain.errors import DomainError
from contest.domain.figures import FIGURES
from contest.domain.indicators import IndicatorMethod
from contest.forms import ConfirmForm, place_refusal
from contest.indicators.forms import METHOD_LABELS, CopyForm, IndicatorForm, SectionForm
from contest.services import indicator_sheets as service
from contest.web import post_action

indicators_bp = Blueprint("indicators", __name__)


def _indicator_form(page: dict, formdata=None) -> IndicatorForm:
    """The indicator form; on a GET with ``?edit=<key>``, filled with that indicator."""
    data = {}
    editing = request.args.get("edit") if formdata is None else None
    for n, section in enumerate(page["sheet"].sections):
        for i in section.indicators:
            if i.key == editing:
                data = {"key": i.key, "section": n, "name": i.name, "method": i.method.value, "guidance": i.guidance,
                        "max_points": format(i.max_points, "f") if i.method is not IndicatorMethod.VETO else "",
                        "per": format(i.per, "f") if i.per is not None else "",
                        "floor": format(i.floor, "f") if i.method is IndicatorMethod.DEDUCTION else "",
                        "target": format(i.target, "f") if i.target is not None else "",
                        "numerator": i.numerator or "", "denominator": i.denominator or ""}
    form = IndicatorForm(formdata=formdata, data=data or None)
    form.method.choices = [(m.value, str(label)) for m, label in METHOD_LABELS.items()]
    form.section.choices = [(n, s.name) for n, s in enumerate(page["sheet"].sections)]
    figures = [("", "—")] + [(f.key, _(f.label)) for f in FIGURES]
    form.numerator.choices = figures
    form.denominator.choices = figures
    return form


@indicators_bp.route("/events/<int:event_id>/indicators", methods=["GET", "POST"])
@organiser_required
def builder(event_id: int):
    """The sheet with its total; a POST adds or changes one indicator (refusals beside their fields)."""
    page = service.builder(current_user, event_id)
    form = _indicator_form(page, request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate_on_submit():
        try:
            service.put_indicator(current_user, event_id, form.section.data, form.to_indicator())
        except DomainError as exc:
            flash(place_refusal(form, exc, fallback="name"), "danger")
        else:
            flash(_("The indicator sheet has been saved."), "success")
            return redirect(url_for("indicators.builder", event_id=event_id))
    copy = CopyForm()
    copy.source.choices = [(e.id, f"{e.contest.title} · {e.name}") for e in page["sources"]]
    return render_template("indicators/builder.html", **page, form=form, section_form=SectionForm(prefix="new_section"), copy_form=copy,
                           confirm=ConfirmForm(), contest=page["event"].contest, METHOD_LABELS=METHOD_LABELS,
                           Method=IndicatorMethod, figure_labels={f.key: f.label for f in FIGURES})


@indicators_bp.post("/events/<int:event_id>/indicators/sections")
@organiser_required
def add_section(event_id: int):
    form = SectionForm(prefix="new_section")  # the name is checked by the service (``domain.indicators.add_section``)
    return post_action(lambda: service.add_section(current_user, event_id, form.name.data or ""), _("The section has been added."),
                       url_for("indicators.builder", event_id=event_id))


@indicators_bp.post("/events/<int:event_id>/indicators/<target>/<any(up, down):direction>")
@organiser_required
def move(event_id: int, target: str, direction: str):
    return post_action(lambda: service.move_item(current_user, event_id, target, 1 if direction == "down" else -1),
                       _("The indicator sheet has been saved."), url_for("indicators.builder", event_id=event_id))


@indicators_bp.post("/events/<int:event_id>/indicators/<target>/remove")
@organiser_required
def remove(event_id: int, target: str):
    return post_action(lambda: service.remove_item(current_user, event_id, target), _("Removed."),
                       url_for("indicators.builder", event_id=event_id))


@indicators_bp.post("/events/<int:event_id>/indicators/copy")
@organiser_required
def copy(event_id: int):
    form = CopyForm()
    return post_action(lambda: service.copy_from(current_user, event_id, form.source.data or 0),
                       _("Last year's indicator sheet has been copied."), url_for("indicators.builder", event_id=event_id))
