"""Organisation tree pages: browse the own subtree, create, rename, move, (de)activate, import, export."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from contest import policy
from contest.access import organiser_required
from contest.documents.xlsx import write_xlsx
from contest.domain.contact import looks_like_initials
from contest.domain.errors import DomainError
from contest.domain.orgtree import child_levels, may_hold
from contest.forms import ConfirmForm, ImportForm
from contest.i18n import translate
from contest.labels import LEVEL_LABELS
from contest.listing import paginate_list, search_args
from contest.models import Organisation, OrgLevel
from contest.orgs.forms import MoveForm, OrgForm, RenameForm
from contest.services import orgs as service
from contest.spreadsheets import TableError, build_template
from contest.web import download_name, post_action, send_xlsx

orgs_bp = Blueprint("orgs", __name__, url_prefix="/orgs")


@orgs_bp.get("/")
@organiser_required
def index():
    orgs = service.subtree(current_user)
    ids = [o.id for o in orgs]
    with_organiser = service.organiser_units(ids)
    missing = request.args.get("missing") == "organiser"
    if missing:
        orgs = [
            o for o in orgs
            if o.active and o.id not in with_organiser and o.path != current_user.org.path
            and o.level in (OrgLevel.COUNTY, OrgLevel.ENTERPRISE)
        ]
    search, text, unit = search_args()
    if unit is not None:
        orgs = [o for o in orgs if o.path.startswith(unit.path)]
    if text:
        initials = text.lower() if looks_like_initials(text) else None
        orgs = [o for o in orgs if text.lower() in o.name.lower() or (initials and o.name_initials.startswith(initials))]
    base_depth = min((o.depth for o in orgs), default=0)
    page = paginate_list(orgs, per_page=200)
    return render_template(
        "orgs/index.html",
        orgs=page.items,
        page=page,
        search=search,
        base_depth=base_depth,
        counts=service.member_counts([o.id for o in page.items]),
        with_organiser=with_organiser,
        missing=missing,
    )


@orgs_bp.get("/<int:org_id>")
@organiser_required
def detail(org_id: int):
    org = service.get_org(current_user, org_id)
    ancestors = service.visible_ancestors(current_user, org)
    children = org.children
    counts = service.member_counts([org.id, *[c.id for c in children]])
    form = OrgForm()
    form.level.choices = _child_levels(org)
    return render_template(
        "orgs/detail.html",
        org=org,
        ancestors=ancestors,
        children=children,
        counts=counts,
        form=form,
        confirm=ConfirmForm(),
        can_change=policy.can_change_org(current_user, org),
        can_add=policy.can_add_child(current_user, org) and org.active,
    )


def _child_levels(parent: Organisation) -> list[tuple[str, str]]:
    return [(level.value, str(LEVEL_LABELS[level])) for level in child_levels(parent.level)]


@orgs_bp.route("/<int:org_id>/children/new", methods=["GET", "POST"])
@organiser_required
def create(org_id: int):
    parent = service.get_org(current_user, org_id)
    form = OrgForm()
    form.level.choices = _child_levels(parent)
    if not form.is_submitted() and form.level.choices:
        form.level.data = form.level.choices[0][0]
    if form.validate_on_submit():
        try:
            org = service.create_org(current_user, parent.id, form.name.data, form.level.data)
        except DomainError as exc:
            form.name.errors.append(translate(exc))
        else:
            flash(_("Unit %(name)s has been created.", name=org.name), "success")
            return redirect(url_for("orgs.detail", org_id=parent.id))
    status = 422 if form.errors else 200
    return render_template("orgs/form.html", form=form, parent=parent, title=_("Add a unit under %(name)s", name=parent.name)), status


@orgs_bp.route("/<int:org_id>/edit", methods=["GET", "POST"])
@organiser_required
def rename(org_id: int):
    org = service.get_org(current_user, org_id)
    if not policy.can_change_org(current_user, org):
        return render_template("errors/403.html", message=_("You may not change %(name)s.", name=org.name)), 403
    form = RenameForm(obj=org)
    if form.validate_on_submit():
        try:
            service.rename_org(current_user, org.id, form.name.data)
        except DomainError as exc:
            form.name.errors.append(translate(exc))
        else:
            flash(_("The unit has been renamed."), "success")
            return redirect(url_for("orgs.detail", org_id=org.id))
    status = 422 if form.errors else 200
    return render_template("orgs/form.html", form=form, parent=org.parent, org=org, title=_("Rename %(name)s", name=org.name)), status


@orgs_bp.route("/<int:org_id>/move", methods=["GET", "POST"])
@organiser_required
def move(org_id: int):
    org = service.get_org(current_user, org_id)
    if not policy.can_change_org(current_user, org):
        return render_template("errors/403.html", message=_("You may not change %(name)s.", name=org.name)), 403
    form = MoveForm()
    # Offer every unit in scope that could hold it; the service checks again (and refuses loops).
    form.parent_id.choices = [
        (o.id, "　" * o.depth + o.name)
        for o in service.subtree(current_user, include_inactive=False)
        if may_hold(o.level, org.level) and not o.path.startswith(org.path) and o.id != org.parent_id
    ]
    if form.validate_on_submit():
        try:
            service.move_org(current_user, org.id, form.parent_id.data)
        except DomainError as exc:
            form.parent_id.errors.append(translate(exc))
        else:
            flash(_("%(name)s and all units below it have been moved.", name=org.name), "success")
            return redirect(url_for("orgs.detail", org_id=org.id))
    status = 422 if form.errors else 200
    return render_template("orgs/move.html", form=form, org=org), status


@orgs_bp.post("/<int:org_id>/deactivate")
@organiser_required
def deactivate(org_id: int):
    return _set_active(org_id, False)


@orgs_bp.post("/<int:org_id>/activate")
@organiser_required
def activate(org_id: int):
    return _set_active(org_id, True)


def _set_active(org_id: int, active: bool):
    return post_action(
        lambda: service.set_org_active(current_user, org_id, active),
        lambda org: _("%(name)s is active again.", name=org.name) if active
        else _("%(name)s and all units below it have been deactivated.", name=org.name),
        url_for("orgs.detail", org_id=org_id),
    )


@orgs_bp.route("/import", methods=["GET", "POST"])
@organiser_required
def import_units():
    form = ImportForm()
    errors = []
    if form.validate_on_submit():
        upload = form.file.data
        try:
            created = service.import_orgs(current_user, upload.read(), upload.filename)
        except TableError as exc:
            errors = exc.errors
        else:
            flash(_("%(count)d units have been imported.", count=len(created)), "success")
            return redirect(url_for("orgs.index"))
    status = 422 if (errors or form.errors) else 200
    return render_template("orgs/import.html", form=form, errors=errors), status


@orgs_bp.get("/import/template")
@organiser_required
def import_template():
    data = build_template(
        service.ORG_COLUMNS,
        "单位",
        examples=[("衢州某某机械有限公司", "企业", current_user.org.name)],
        notes=service.ORG_IMPORT_NOTES,
    )
    return send_xlsx(data, "单位导入模板.xlsx")


@orgs_bp.get("/export")
@organiser_required
def export():
    orgs = service.subtree(current_user)
    names = {o.id: o.name for o in orgs}
    rows = (
        (o.id, o.name, str(LEVEL_LABELS[o.level]), names.get(o.parent_id, ""), _("Yes") if o.active else _("No"))
        for o in orgs
    )
    data = write_xlsx(_("Units"), [_("ID"), _("Name"), _("Level"), _("Unit above"), _("Active")], rows)
    return send_xlsx(data, download_name(_("Units"), current_user.org.name, ext="xlsx"))
