"""Public portal pages (no login, cached for anonymous visitors) and the organisers' announcement and
rules-document pages."""

from __future__ import annotations

from io import BytesIO

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from contest import policy
from contest.access import organiser_required, public
from contest.domain import attachments as kinds
from contest.domain import contests as states
from contest.domain.errors import DomainError, FieldError
from contest.forms import ConfirmForm, place_refusal
from contest.i18n import translate
from contest.listing import search_args
from contest.loaders import managed_contest
from contest.portal.cache import cached_page, clear
from contest.portal.forms import AnnouncementFilter, AnnouncementForm, RulesDocumentForm
from contest.services import PermissionDenied
from contest.services import portal as service
from contest.web import paginate, post_action

portal_bp = Blueprint("portal", __name__)

INLINE = {kinds.PDF, kinds.PNG, kinds.JPEG}


@portal_bp.get("/portal/")
@public
@cached_page
def index():
    upcoming = service.upcoming_contests()
    return render_template("portal/index.html", upcoming=upcoming, documents=service.rules_documents([c.id for c in upcoming]),
                           published=service.published_contests(), announcements=service.latest_announcements())


@portal_bp.get("/portal/contests/<int:contest_id>")
@public
@cached_page
def contest(contest_id: int):
    item = service.public_contest(contest_id)
    return render_template("portal/contest.html", contest=item, documents=service.rules_documents([item.id]).get(item.id, []),
                           results_public=item.status in states.PUBLISHED)


@portal_bp.get("/portal/announcements/")
@public
@cached_page
def announcements():
    """By default the announcements addressed to the city or a county; ``?unit=`` (a county or an enterprise) those
    that apply to that unit (its own and its ancestors')."""
    form = AnnouncementFilter(request.args)
    form.set_units(service.filter_units())
    unit = service.filter_unit(form.unit.data)
    return render_template("portal/announcements.html", page=paginate(service.announcements_query(unit)), form=form, unit=unit)


@portal_bp.get("/portal/announcements/<int:announcement_id>")
@public
@cached_page
def announcement(announcement_id: int):
    return render_template("portal/announcement.html", item=service.public_announcement(announcement_id))


@portal_bp.get("/portal/files/<int:attachment_id>")
@public
def attachment(attachment_id: int):
    item, path = service.public_attachment(attachment_id)
    # Read whole (at most 10 MB): no file handle outlives the request.
    return send_file(BytesIO(path.read_bytes()), mimetype=item.content_type, as_attachment=item.content_type not in INLINE,
                     download_name=item.filename, etag=item.sha256, max_age=3600)


# ---------------------------------------------------------------------------------------------- organisers


@portal_bp.route("/announcements/manage", methods=["GET", "POST"])
@organiser_required
def manage_announcements():
    may_post = policy.can_post_announcement(current_user)
    if request.method == "POST" and not may_post:
        raise PermissionDenied()  # a team's organisers do not post on the portal
    form = AnnouncementForm(audience=current_user.org_id)
    form.set_audiences(service.audience_choices(current_user) if may_post else [])
    if request.method == "POST" and form.validate_on_submit():
        try:
            item = service.post_announcement(current_user, form.title.data, form.body.data, form.uploads(),
                                             audience_id=form.audience.data)
        except FieldError as exc:
            place_refusal(form, exc)
        else:
            clear()
            flash(_("The announcement has been posted on the portal."), "success")
            return redirect(url_for("portal.announcement", announcement_id=item.id))
    search, text, unit = search_args()
    page = paginate(service.managed_announcements_query(current_user, text, unit))
    return render_template("portal/manage.html", page=page, form=form, may_post=may_post, confirm=ConfirmForm(),
                           search=search), 422 if form.errors else 200


@portal_bp.post("/announcements/<int:announcement_id>/withdraw")
@organiser_required
def withdraw(announcement_id: int):
    def action():
        service.withdraw_announcement(current_user, announcement_id)
        clear()

    return post_action(action, _("The announcement has been withdrawn."), url_for("portal.manage_announcements"))


@portal_bp.route("/contests/<int:contest_id>/rules-documents", methods=["GET", "POST"])
@organiser_required
def rules_documents(contest_id: int):
    item = managed_contest(current_user, contest_id)
    error = None
    if request.method == "POST":
        uploads = RulesDocumentForm().uploads()
        if not uploads:
            error = _("Choose a file to upload.")
        else:
            try:
                service.add_rules_document(current_user, item.id, uploads[0])
            except DomainError as exc:
                error = translate(exc)
            else:
                clear()
                flash(_("The rules document has been attached."), "success")
                return redirect(url_for("portal.rules_documents", contest_id=item.id))
    documents = service.rules_documents([item.id]).get(item.id, [])
    return render_template("portal/rules_documents.html", contest=item, documents=documents, error=error, confirm=ConfirmForm()), 422 if error else 200


@portal_bp.post("/rules-documents/<int:attachment_id>/delete")
@organiser_required
def remove_rules(attachment_id: int):
    contest = service.remove_rules_document(current_user, attachment_id)
    clear()
    flash(_("The rules document has been removed."), "success")
    return redirect(url_for("portal.rules_documents", contest_id=contest.id))
