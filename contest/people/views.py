"""People in the organiser's subtree: list, create, edit, reset password, (de)activate, import, export."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from contest import policy
from contest.access import organiser_required
from contest.documents.xlsx import write_xlsx
from contest.domain.errors import DomainError
from contest.domain.identity import mask_resident_id
from contest.forms import ConfirmForm, place_refusal
from contest.labels import GENDER_LABELS, ROLE_LABELS, SKILL_LABELS
from contest.models import Role, SkillLevel, User
from contest.people.forms import AccountForm, AccountImportForm, FilterForm
from contest.services import accounts as service
from contest.services import orgs as org_service
from contest.services.accounts import AccountInput
from contest.spreadsheets import TableError, build_template
from contest.web import download_name, paginate, post_action, send_xlsx

people_bp = Blueprint("people", __name__, url_prefix="/people")


def _filters():
    form = FilterForm(request.args)
    form.role.choices = [("", _("All roles"))] + [(r.value, str(ROLE_LABELS[r])) for r in Role]
    orgs = org_service.subtree(current_user)
    form.org.choices = [("", _("All units"))] + [(str(o.id), "　" * (o.depth - orgs[0].depth) + o.name) for o in orgs]
    role = Role(form.role.data) if form.role.data in {r.value for r in Role} else None
    org = next((o for o in orgs if str(o.id) == form.org.data), None)
    query = service.people_query(current_user, role=role, org=org, search=(form.q.data or "").strip(),
                                 pending=bool(request.args.get("pending")))
    return form, query


@people_bp.get("/")
@organiser_required
def index():
    form, query = _filters()
    page = paginate(query)
    return render_template("people/index.html", form=form, page=page)


@people_bp.get("/export")
@organiser_required
def export():
    _form, query = _filters()
    users = service.people_of(query)
    rows = (
        (
            u.username, u.name, " / ".join(str(ROLE_LABELS[r]) for r in sorted(u.roles)), u.org.name, u.phone or "",
            mask_resident_id(u.profile.resident_id) if u.profile else "",
            str(GENDER_LABELS[u.profile.gender]) if u.profile else "",
            u.profile.occupation if u.profile else "",
            str(SKILL_LABELS[u.profile.skill_level]) if u.profile else "",
            _("Yes") if u.active else _("No"),
        )
        for u in users
    )
    headers = [_("Username"), _("Full name"), _("Roles"), _("Unit"), _("Mobile phone"), _("Resident ID number"), _("Gender"),
               _("Occupation (工种)"), _("Skill level"), _("Active")]
    data = write_xlsx(_("People"), headers, rows)
    return send_xlsx(data, download_name(_("People"), current_user.org.name, ext="xlsx"))


def _account_form(user: User | None = None) -> AccountForm:
    form = AccountForm(obj=user)
    orgs = org_service.subtree(current_user, include_inactive=False)
    base = orgs[0].depth if orgs else 0
    form.org_id.choices = [(o.id, "　" * (o.depth - base) + o.name) for o in orgs]
    form.roles.choices = [(r.value, str(ROLE_LABELS[r])) for r in Role if r != Role.ADMIN or policy.is_admin(current_user)]
    form.gender.choices = [("", _("From the resident ID number"))] + [(g.value, str(label)) for g, label in GENDER_LABELS.items()]
    form.skill_level.choices = [(s.value, str(SKILL_LABELS[s])) for s in SkillLevel]
    if not form.is_submitted():
        if user is not None:
            form.roles.data = [r.value for r in user.roles]
            if user.profile is not None:
                form.resident_id.data = user.profile.resident_id
                form.gender.data = user.profile.gender.value
                form.occupation.data = user.profile.occupation
                form.skill_level.data = user.profile.skill_level.value
        else:
            form.roles.data = [Role.WORKER.value]
            form.org_id.data = int(request.args.get("org", current_user.org_id) or current_user.org_id)
    return form


def _input(form: AccountForm) -> AccountInput:
    roles = frozenset(Role(r) for r in form.roles.data or [] if r in {x.value for x in Role})
    return AccountInput(
        username=form.username.data or "",
        name=form.name.data or "",
        org_id=form.org_id.data or 0,
        roles=roles,
        phone=form.phone.data or "",
        resident_id=form.resident_id.data or "",
        gender=form.gender.data or "",
        occupation=form.occupation.data or "",
        skill_level=form.skill_level.data or SkillLevel.NONE.value,
    )


def _field_error(form: AccountForm, exc: DomainError) -> None:
    place_refusal(form, exc, fallback="name")


@people_bp.route("/new", methods=["GET", "POST"])
@organiser_required
def create():
    form = _account_form()
    if form.validate_on_submit():
        try:
            user, password = service.create_account(current_user, _input(form))
        except DomainError as exc:
            _field_error(form, exc)
        else:
            flash(_("The account has been created."), "success")
            return render_template("people/password.html", user=user, password=password)
    status = 422 if form.errors else 200
    return render_template("people/form.html", form=form, user=None), status


@people_bp.get("/<int:user_id>")
@organiser_required
def detail(user_id: int):
    user = service.get_user(current_user, user_id)
    return render_template("people/detail.html", user=user, confirm=ConfirmForm(), can_manage=policy.can_manage_user(current_user, user))


@people_bp.route("/<int:user_id>/edit", methods=["GET", "POST"])
@organiser_required
def edit(user_id: int):
    user = service.get_user(current_user, user_id)
    if not policy.can_manage_user(current_user, user):
        return render_template("errors/403.html", message=_("You may not change this account.")), 403
    form = _account_form(user)
    if form.validate_on_submit():
        try:
            service.update_account(current_user, user.id, _input(form))
        except DomainError as exc:
            _field_error(form, exc)
        else:
            flash(_("The account has been saved."), "success")
            return redirect(url_for("people.detail", user_id=user.id))
    status = 422 if form.errors else 200
    return render_template("people/form.html", form=form, user=user), status


@people_bp.post("/<int:user_id>/reset-password")
@organiser_required
def reset_password(user_id: int):
    password = service.reset_password(current_user, user_id)
    user = service.get_user(current_user, user_id)
    return render_template("people/password.html", user=user, password=password)


@people_bp.post("/<int:user_id>/deactivate")
@organiser_required
def deactivate(user_id: int):
    return _set_active(user_id, False)


@people_bp.post("/<int:user_id>/activate")
@organiser_required
def activate(user_id: int):
    return _set_active(user_id, True)


def _set_active(user_id: int, active: bool):
    return post_action(
        lambda: service.set_user_active(current_user, user_id, active),
        _("The account is active again.") if active else _("The account has been deactivated."),
        url_for("people.detail", user_id=user_id),
    )


@people_bp.route("/import", methods=["GET", "POST"])
@organiser_required
def import_people():
    form = AccountImportForm()
    errors, suspects = [], []
    if form.validate_on_submit():
        upload = form.file.data
        try:
            created = service.import_accounts(current_user, upload.read(), upload.filename,
                                              confirmed_ids=form.confirm_id.data or [])
        except service.NeedsIdConfirmation as exc:
            suspects = exc.suspects
        except TableError as exc:
            errors = exc.errors
        else:
            flash(_("%(count)d accounts have been imported.", count=len(created)), "success")
            return render_template("people/imported.html", created=created)
    status = 422 if (errors or suspects or form.errors) else 200
    return render_template("people/import.html", form=form, errors=errors, suspects=suspects), status


@people_bp.get("/import/template")
@organiser_required
def import_template():
    data = build_template(
        service.PEOPLE_COLUMNS,
        "人员",
        examples=[("张三", "职工", "330802199001011232", "男", "13800000000", "电工", "高级工", current_user.org.name, "")],
        notes=service.PEOPLE_IMPORT_NOTES,
    )
    return send_xlsx(data, "人员导入模板.xlsx")
