"""Flask-Login wiring: session users for pages; the JSON API uses bearer tokens (see contest.api).

A session or remember cookie names a login session (``contest.services.sessions``), checked at every request.
An account that still has its initial password may only reach the password page (and log out)."""

from flask import Flask, flash, redirect, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from contest.extensions import login_manager
from contest.models import User
from contest.services.sessions import load_session_user

# What an account with ``must_change_password`` may still open on the website.
PASSWORD_CHANGE_ENDPOINTS = frozenset({"auth.password", "auth.logout", "auth.login", "home.set_locale", "static"})


def configure_login(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "warning"
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(cookie_id: str) -> User | None:
        return load_session_user(cookie_id)

    @login_manager.unauthorized_handler
    def unauthorized():
        from contest.api.errors import api_error

        if request.path.startswith("/api/"):
            return api_error(401, "unauthorized", _l("Log in first: send a valid bearer token."))

        if request.path != "/":
            flash(login_manager.login_message, login_manager.login_message_category)
        return redirect(url_for(login_manager.login_view, next=request.full_path.rstrip("?")))

    @app.before_request
    def require_own_password():
        """The initial password was seen by the organiser: until it is changed, every page leads to the
        password page (the API refuses such accounts itself, with ``password_change_required``)."""
        if request.endpoint in PASSWORD_CHANGE_ENDPOINTS or request.path.startswith("/api/"):
            return None
        if current_user.is_authenticated and current_user.must_change_password:
            if request.method == "GET":
                flash(gettext("Please choose your own password before you go on."), "warning")
            return redirect(url_for("auth.password"))
        return None
