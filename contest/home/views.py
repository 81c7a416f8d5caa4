"""The per-role home page and the language switch."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_login import current_user

from contest.access import login_required, public
from contest.dashboard.board import dashboard_context
from contest.i18n import LOCALE_COOKIE
from contest.models import Role
from contest.services.certificates import my_certificates
from contest.services.judging import my_assignments
from contest.services.overview import my_contests
from contest.services.results import changes_of, my_objections
from contest.services.todo import todo_items
from contest.web import safe_next

home_bp = Blueprint("home", __name__)

HOME_OBJECTIONS = 3  # the newest; "我的参赛" lists them all


@home_bp.get("/")
@login_required
def index():
    items = todo_items(current_user)
    contests = my_contests(current_user) if current_user.has_role(Role.ORGANISER) else []
    assignments = my_assignments(current_user) if current_user.has_role(Role.JUDGE) else []
    certificates = my_certificates(current_user) if current_user.has_role(Role.WORKER) else []
    objections = my_objections(current_user, limit=HOME_OBJECTIONS)
    # The organisers' home page is the dashboard of their unit for this year (contest.dashboard).
    dashboard = dashboard_context(current_user.org_id) if current_user.has_role(Role.ORGANISER, Role.ADMIN) else {}
    return render_template("home/index.html", **dashboard, todo=items, assignments=assignments, certificates=certificates, my_contests=contests,
                           objections=objections, objection_changes={o.id: changes_of(o) for o in objections if o.is_upheld})


@home_bp.get("/locale/<code>")
@public
def set_locale(code: str):
    response = redirect(safe_next(request.args.get("next")) if request.args.get("next") else url_for("home.index"))
    if code in current_app.config["LANGUAGES"]:
        response.set_cookie(LOCALE_COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response
