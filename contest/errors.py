"""Error pages in the UI language, and JSON errors under /api/."""

from __future__ import annotations

import logging

from flask import Flask, render_template, request
from flask_babel import gettext
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from contest.api.errors import api_error, status_of
from contest.boundary import InputRefused
from contest.i18n import translate
from contest.services import AccessError

logger = logging.getLogger(__name__)

CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
         409: "conflict", 413: "too_large", 422: "invalid", 429: "rate_limited", 500: "server_error", 503: "busy"}


def _messages() -> dict[int, str]:
    return {
        400: gettext("The request could not be understood. If you were sending a form, reload the page and try again."),
        403: gettext("You do not have permission to see this page."),
        404: gettext("This page does not exist."),
        405: gettext("This action is not allowed here."),
        413: gettext("The uploaded file is too large."),
        429: gettext("Too many attempts. Wait a minute and try again."),
        500: gettext("Something went wrong on our side. The error has been logged; please try again later."),
    }


def _render(status: int, message: str | None = None):
    message = message or _messages().get(status) or gettext("Error")
    if request.path.startswith("/api/"):
        return api_error(status, CODES.get(status, "error"), message)
    template = f"errors/{status}.html" if status in (403, 404, 500) else "errors/generic.html"
    return render_template(template, status=status, message=message), status


def register(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        status = error.code or 500
        message = None
        if isinstance(error, InputRefused):
            message = error.description
        elif status == 400 and getattr(error, "description", "").startswith("The CSRF"):
            message = gettext("The form has expired or was sent from elsewhere. Reload the page and try again.")
        return _render(status, message)

    @app.errorhandler(AccessError)
    def access_error(error: AccessError):
        return _render(status_of(error)[0], translate(error))

    @app.errorhandler(OperationalError)
    def database_busy(error: OperationalError):
        from contest.extensions import db

        db.session.rollback()
        if "locked" in str(error.orig).lower() or "could not obtain lock" in str(error.orig).lower():
            logger.warning("Database busy on %s %s: %s", request.method, request.path, error.orig)
            return _render(503, gettext("The database is busy with another change. Nothing was saved; please try again."))
        logger.exception("Database error on %s %s", request.method, request.path)
        return _render(500)

    @app.errorhandler(Exception)
    def server_error(error: Exception):
        logger.exception("Unhandled error on %s %s", request.method, request.path)
        from contest.extensions import db

        db.session.rollback()
        return _render(500)
