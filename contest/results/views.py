"""Results pages: the ranking preview, computing, publication (公示), objections, finalisation, exports,
preliminaries feeding finals, and the public results pages."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

from flask import Blueprint, abort, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from contest import clock
from contest.access import login_required, organiser_required, public
from contest.clock import format_local
from contest.documents.xlsx import write_xlsx
from contest.domain.contests import ContestStatus
from contest.extensions import db
from contest.forms import ConfirmForm
from contest.i18n import translate
from contest.models import Event, Objection
from contest.portal.cache import cached_page
from contest.services import contests as contest_service
from contest.services import results as service
from contest.web import download_name, paginate, post_action, send_xlsx

results_bp = Blueprint("results", __name__)


def _visible_event(event_id: int) -> Event:
    event = db.get_or_404(Event, event_id)
    if not service.can_see_results(current_user, event):
        abort(403)
    return event


@results_bp.get("/events/<int:event_id>/results")
@login_required
def ranking(event_id: int):
    event = _visible_event(event_id)
    contest = event.contest
    manage = contest_service.can_manage(current_user, contest)
    objections = list(db.session.scalars(db.select(Objection).where(Objection.event_id == event.id).order_by(Objection.filed_at)))
    finals = service.final_candidates(event) if manage else []
    return render_template(
        "results/ranking.html", event=event, contest=contest, lines=service.result_lines(event, current_user), notes=service.notes_of(event),
        manage=manage, publication=service.publication_of(contest), objections=objections, finals=finals, confirm=ConfirmForm(),
    )


@results_bp.post("/events/<int:event_id>/results/compute")
@organiser_required
def compute(event_id: int):
    return post_action(lambda: service.compute_results(current_user, event_id), _("The ranking and awards have been computed."),
                       url_for("results.ranking", event_id=event_id))


@results_bp.post("/contests/<int:contest_id>/publish")
@organiser_required
def publish(contest_id: int):
    return post_action(lambda: service.publish(current_user, contest_id, request.form.get("notice_days", type=int)),
                       lambda p: _("The results are published for public notice until %(until)s.", until=format_local(p.notice_until)),
                       url_for("contests.detail", contest_id=contest_id))


@results_bp.post("/contests/<int:contest_id>/finalise")
@organiser_required
def finalise(contest_id: int):
    return post_action(lambda: service.finalise(current_user, contest_id), _("The results are final."),
                       url_for("contests.detail", contest_id=contest_id))


@results_bp.post("/objections/<int:objection_id>/resolve")
@organiser_required
def resolve(objection_id: int):
    objection = db.get_or_404(Objection, objection_id)
    return post_action(
        lambda: service.resolve_objection(current_user, objection_id, request.form.get("decision") == "upheld", request.form.get("resolution", "")),
        _("The objection has been answered."), url_for("results.ranking", event_id=objection.event_id),
    )


@results_bp.post("/events/<int:event_id>/final")
@organiser_required
def link_final(event_id: int):
    return post_action(lambda: service.link_final(current_user, event_id, request.form.get("final_event_id", type=int)),
                       _("The event now feeds the chosen final."), url_for("results.ranking", event_id=event_id))


@results_bp.post("/events/<int:event_id>/promote")
@organiser_required
def promote(event_id: int):
    return post_action(lambda: service.promote(current_user, event_id, request.form.get("count", type=int)),
                       lambda created: _("%(count)d entries have been promoted into the final.", count=len(created)),
                       url_for("results.ranking", event_id=event_id))


@results_bp.get("/events/<int:event_id>/results.xlsx")
@login_required
def export_xlsx(event_id: int):
    event = _visible_event(event_id)
    names = [c.name for c in event.components]
    rows = ([line.rank, line.number, line.name, line.unit, *map(Decimal, line.components), Decimal(line.total), line.award,
             "、".join(line.titles)]
            for line in service.result_lines(event, current_user))
    headers = [_("Rank"), _("No."), _("Entrant"), _("Unit"), *names, _("Total"), _("Award"), _("Titles")]
    data = write_xlsx(event.name, headers, rows)
    return send_xlsx(data, download_name("成绩", event.contest.title, event.name, ext="xlsx"))


@results_bp.get("/events/<int:event_id>/results.pdf")
@login_required
def export_pdf(event_id: int):
    from contest.documents.results_sheet import ResultRow, render_results_sheet
    event = _visible_event(event_id)
    rows = [ResultRow(line.rank, line.number, line.name, line.unit, line.components, line.total, line.award, "、".join(line.titles))
            for line in service.result_lines(event, current_user)]
    notes = [translate(n) for n in service.notes_of(event)]
    data = render_results_sheet(f"{event.contest.title} · {event.name}", event.contest.host.name,
                                [c.name for c in event.components], rows, notes, clock.now(), author=event.contest.issuer)
    return send_file(BytesIO(data), mimetype="application/pdf", as_attachment=True,
                     download_name=download_name("成绩", event.contest.title, event.name, ext="pdf"))


# ---------------------------------------------------------------------------------------------- public


@results_bp.get("/public/results/")
@public
def public_index():
    page = paginate(service.visible_publications(current_user))
    return render_template("results/public_index.html", page=page)


@results_bp.get("/public/results/<int:event_id>")
@public
@cached_page  # anonymous visitors: whole page, contest.portal.cache
def public_ranking(event_id: int):
    event = db.get_or_404(Event, event_id)
    if event.contest.status not in (ContestStatus.PUBLISHED, ContestStatus.FINAL):
        abort(404)
    publication = service.publication_of(event.contest)
    return render_template("results/public_ranking.html", event=event, contest=event.contest, publication=publication,
                           lines=service.result_lines(event, None), notes=service.notes_of(event), confirm=ConfirmForm(),
                           in_notice=event.contest.status == ContestStatus.PUBLISHED, objections=service.objection_summary(event.id))


@results_bp.post("/public/results/<int:event_id>/objections")
@login_required
def object_to(event_id: int):
    return post_action(
        lambda: service.file_objection(current_user, event_id, request.form.get("text", ""), request.form.get("nomination_id", type=int)),
        _("Your objection has been filed; the host will answer it."), url_for("results.public_ranking", event_id=event_id),
    )
