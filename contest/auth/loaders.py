"""Flask-Login wiring: session users for pages; the JSON API uses bearer tokens (see contest.api)."""

from flask import Flask, flash, redirect, request, url_for
from flask_babel import lazy_gettext as _l

from contest.extensions import db, login_manager
from contest.models import User


def configure_login(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "warning"
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        user = db.session.get(User, int(user_id))
        if user is None or not user.active or not user.org.active:
            return None
        return user

    @login_manager.unauthorized_handler
    def unauthorized():
        from contest.api.errors import api_error

        if request.path.startswith("/api/"):
            return api_error(401, "unauthorized", _l("Log in first: send a valid bearer token."))

        if request.path != "/":
            flash(login_manager.login_message, login_manager.login_message_category)
        return redirect(url_for(login_manager.login_view, next=request.full_path.rstrip("?")))
