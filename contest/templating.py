"""Jinja globals and filters shared by every template."""

from __future__ import annotations

from flask import Flask, current_app, request, url_for
from flask_babel import format_datetime

from contest.domain.identity import mask_phone, mask_resident_id
from contest.i18n import select_locale
from contest.labels import GENDER_LABELS, LEVEL_LABELS, ROLE_LABELS, SKILL_LABELS


def _url_with(**changes) -> str:
    """The current URL with some query arguments replaced (for pagination and filters)."""
    args = request.args.to_dict()
    args.update({k: v for k, v in changes.items()})
    return url_for(request.endpoint, **(request.view_args or {}), **{k: v for k, v in args.items() if v not in (None, "")})


def register(app: Flask) -> None:
    app.jinja_env.globals.update(
        LEVEL_LABELS=LEVEL_LABELS,
        ROLE_LABELS=ROLE_LABELS,
        SKILL_LABELS=SKILL_LABELS,
        GENDER_LABELS=GENDER_LABELS,
        url_with=_url_with,
        current_language=select_locale,
        languages=lambda: current_app.config["LANGUAGES"],
    )
    app.jinja_env.filters.update(
        mask_id=mask_resident_id,
        mask_phone=mask_phone,
        datetime=lambda value, fmt="short": format_datetime(value, fmt) if value else "",
    )
