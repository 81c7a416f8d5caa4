"""Login, logout, password change and one's own account page."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from contest.access import login_required, public
from contest.auth.forms import EmailForm, LoginForm, PasswordForm
from contest.domain.errors import DomainError
from contest.extensions import limiter
from contest.i18n import translate
from contest.services.accounts import authenticate, change_password
from contest.services.login_throttle import LoginThrottled
from contest.services.sessions import end_session, start_session
from contest.web import safe_next

auth_bp = Blueprint("auth", __name__)


@auth_bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"],
               deduct_when=lambda response: response.status_code != 302)  # failed attempts only
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    status, headers = 200, {}
    if form.validate_on_submit():
        try:
            user = authenticate(form.username.data, form.password.data, request.remote_addr or "")
        except LoginThrottled as exc:
            form.password.errors.append(translate(exc))
            status, headers = 429, {"Retry-After": str(exc.retry_after)}
        except DomainError as exc:
            form.password.errors.append(translate(exc))
        else:
            login_user(start_session(user, remember=bool(form.remember.data)), remember=bool(form.remember.data))
            if user.must_change_password:
                flash(_("Please choose your own password before you go on."), "warning")
                return redirect(url_for("auth.password"))
            return redirect(safe_next(request.args.get("next")))
    if status == 200 and request.method == "POST" and form.errors:
        status = 422
    return render_template("auth/login.html", form=form), status, headers


@auth_bp.post("/logout")
@login_required
def logout():
    """Log this browser out for good: its login session (so copies of the session and remember cookies stop
    working) and the API tokens its pages were given end; the user's other devices stay logged in."""
    end_session(current_user)
    logout_user()
    flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))


@auth_bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password():
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            change_password(current_user, form.current.data, form.new.data, form.confirm.data)
        except DomainError as exc:
            form.new.errors.append(translate(exc))
        else:
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("home.index"))
    status = 200 if request.method == "GET" or not form.errors else 422
    return render_template("auth/password.html", form=form), status


@auth_bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    from contest.services.notifications import set_email

    form = EmailForm(data={"email": current_user.email or ""} if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            set_email(current_user, form.email.data)
        except DomainError as exc:
            form.email.errors.append(translate(exc))
        else:
            flash(_("Your e-mail address has been saved."), "success")
            return redirect(url_for("auth.account"))
    status = 422 if form.errors else 200
    return render_template("auth/account.html", user=current_user, form=form), status
