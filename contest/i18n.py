"""Locale selection and translation of refusal messages."""

from __future__ import annotations

from flask import current_app, has_request_context, request
from flask_babel import gettext

from contest.domain.errors import Msg

LOCALE_COOKIE = "locale"


def select_locale() -> str:
    """The language chosen with the switch (a cookie), else Simplified Chinese.

    The browser's Accept-Language is deliberately ignored: staff machines are often set to English
    while the users expect the system in Chinese.
    """
    if not has_request_context():  # CLI commands, jobs
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = request.cookies.get(LOCALE_COOKIE)
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def translate(error) -> str:
    """The user-facing text of a ``DomainError``/``AccessError``/``RowError``: msgid translated, then formatted.

    Parameters that are themselves msgids (``contest.domain.errors.Msg``) are translated too.
    """
    params = {k: gettext(v) if isinstance(v, Msg) else v for k, v in (getattr(error, "params", None) or {}).items()}
    return gettext(error.message, **params)
