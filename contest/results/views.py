"""Results pages: the ranking preview, computing, publication (公示), objections, finalisation, exports,
preliminaries feeding finals, and the public results pages."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

from flask import Blueprint, current_app, render_template, request, send_file, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from contest.access import login_required, organiser_required, public
from contest.clock import format_local
from contest.documents.xlsx import write_xlsx
from contest.domain.contests import OBJECTIONS
from contest.forms import ConfirmForm, ListSearchForm, form_action
from contest.i18n import translate
from contest.listing import paged, search_args
from contest.models import Event
from contest.results.forms import FinalLinkForm, ObjectionForm, PromoteForm, PublishForm, ResolveObjectionForm
from contest.services import contests as contest_service
from contest.services import results as service
from contest.services.search import clean
from contest.web import Page, PageCache, download_name, page_number, paginate, post_action, send_xlsx

results_bp = Blueprint("results", __name__)


def public_pages() -> PageCache:
    """The anonymous public results pages of this app (per app: a test run makes many over repeating ids)."""
    return current_app.extensions.setdefault("contest.public_pages", PageCache(service.public_cache_seconds()))


def _visible_event(event_id: int) -> Event:
    return service.visible_event(current_user, event_id)


@results_bp.get("/events/<int:event_id>/results")
@login_required
def ranking(event_id: int):
    event = _visible_event(event_id)
    contest = event.contest
    manage = contest_service.can_manage(current_user, contest)
    objections = service.objections_of(event)
    finals = service.final_candidates(event) if manage else []
    search, text, unit = search_args(contest.host)
    page = paged(lambda number, size: service.result_page(event, current_user, number, size, text, unit))
    return render_template(
        "results/ranking.html", event=event, contest=contest, lines=page.items, page=page, search=search,
        masked=not contest_service.shows_full_names(current_user, contest), notes=service.shown_notes(event, current_user),
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
    form = PublishForm()
    return form_action(form, lambda: service.publish(current_user, contest_id, form.notice_days.data),
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
    objection = service.get_objection(objection_id)
    form = ResolveObjectionForm()
    return form_action(
        form, lambda: service.resolve_objection(current_user, objection_id, form.upheld, form.resolution.data or ""),
        _("The objection has been answered."), url_for("results.ranking", event_id=objection.event_id),
    )


@results_bp.post("/events/<int:event_id>/final")
@organiser_required
def link_final(event_id: int):
    form = FinalLinkForm()
    return form_action(form, lambda: service.link_final(current_user, event_id, form.final_event_id.data),
                       _("The event now feeds the chosen final."), url_for("results.ranking", event_id=event_id))


@results_bp.post("/events/<int:event_id>/promote")
@organiser_required
def promote(event_id: int):
    form = PromoteForm()
    return form_action(form, lambda: service.promote(current_user, event_id, form.count.data),
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
    event = _visible_event(event_id)
    data = service.results_sheet_pdf(event, current_user, translate)
    return send_file(BytesIO(data), mimetype="application/pdf", as_attachment=True,
                     download_name=download_name("成绩", event.contest.title, event.name, ext="pdf"))


# ---------------------------------------------------------------------------------------------- public


@results_bp.get("/public/results/")
@public
def public_index():
    search = ListSearchForm(request.args)
    page = paginate(service.visible_publications(current_user, clean(search.q.data)))
    return render_template("results/public_index.html", page=page, search=search)


@results_bp.get("/public/results/<int:event_id>")
@public
def public_ranking(event_id: int):
    event = service.public_event(event_id)
    number, text = page_number(), clean(request.args.get("q"))
    # the page of an anonymous visitor is the same for all of them: cached for a few seconds (unless the
    # PUBLIC_CACHE_SECONDS setting is 0), keyed by what it shows; only the pages of the whole ranking (no search,
    # no other argument: the pages' links repeat the arguments)
    anonymous = not current_user.is_authenticated and not session.get("_flashes") and service.public_cache_seconds() > 0
    cacheable = anonymous and not text and set(request.args) <= {"page"}
    key = (*service.public_state(event), str(get_locale()), number) if cacheable else None
    if key is not None and (cached := public_pages().get(key)) is not None:
        return _shared(cached)
    shown = service.public_results(event, number, text, service.PUBLIC_PER_PAGE)
    page = render_template("results/public_ranking.html", event=event, contest=event.contest, publication=shown.publication,
                           lines=shown.lines, notes=shown.notes, search=ListSearchForm(request.args),
                           page=Page(list(shown.lines), shown.total, number, service.PUBLIC_PER_PAGE),
                           # the objection form is a logged-in visitor's: no CSRF token (a session cookie) for others
                           confirm=ConfirmForm() if current_user.is_authenticated else None,
                           in_notice=event.contest.status in OBJECTIONS, objections=service.objection_summary(event.id))
    if key is not None:
        public_pages().put(key, page)
    return _shared(page) if anonymous else page


def _shared(page: str):
    """An anonymous visitor's page, which a shared cache (nginx ``proxy_cache``) may keep for
    ``public_cache_seconds()`` (``X-Accel-Expires``, which nginx reads and never passes on), while a browser
    revalidates it on every visit (``no-cache``: a reload after 成绩定稿 shows it at once, a current copy costs a
    304): the page's own ETag and ``Vary: Cookie`` (the language is a cookie; a session cookie makes it a
    logged-in page, never shared)."""
    response = current_app.make_response(page)
    if session.modified:  # something was written to the session: never shared
        return response
    # X-Accel-Expires before Cache-Control: nginx before 1.23 stops at a "no-cache" it reads first
    response.headers["X-Accel-Expires"] = str(int(service.public_cache_seconds()))
    response.headers["Cache-Control"] = "public, no-cache"
    response.headers["Vary"] = "Cookie"
    response.add_etag()
    return response.make_conditional(request)


@results_bp.post("/public/results/<int:event_id>/objections")
@login_required
def object_to(event_id: int):
    form = ObjectionForm()
    return form_action(
        form, lambda: service.file_objection(current_user, event_id, form.text.data or "", form.nomination_id.data),
        _("Your objection has been filed; the host will answer it."), url_for("results.public_ranking", event_id=event_id),
    )
