"""Jinja globals and filters shared by every template."""

from __future__ import annotations

from decimal import Decimal

from flask import Flask, current_app, request, url_for
from flask_babel import format_datetime
from flask_login import current_user

from contest import labels, policy
from contest.domain.identity import mask_phone, mask_resident_id
from contest.domain.nominations import NominationStatus
from contest.i18n import select_locale
from contest.models import SkillLevel


def _url_with(**changes) -> str:
    """The current URL with some query arguments replaced (for pagination and filters)."""
    args = request.args.to_dict()
    args.update({k: v for k, v in changes.items()})
    return url_for(request.endpoint, **(request.view_args or {}), **{k: v for k, v in args.items() if v not in (None, "")})


def _points(value) -> str:
    """League points without trailing zeros, a half as ½ (Swiss: win 1, draw ½, loss 0): 3, 2½, ½."""
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        return str(value)
    whole = int(number)
    if number - whole == Decimal("0.5"):
        return f"{whole or ''}½"
    text = f"{number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _abilities(contest, event=None) -> policy.Abilities:
    """``may`` for the current user: ``{% set may = abilities(contest) %}`` then ``may.edit``, ``may.publish`` …"""
    return policy.abilities(current_user, contest, event)


def register(app: Flask) -> None:
    app.jinja_env.globals.update(
        **{name: getattr(labels, name) for name in dir(labels) if name.endswith(("_LABELS", "_COLOURS"))},
        url_with=_url_with,
        abilities=_abilities,
        NominationStatus=NominationStatus,
        current_language=select_locale,
        languages=lambda: current_app.config["LANGUAGES"],
    )
    app.jinja_env.filters.update(
        mask_id=mask_resident_id,
        skill=SkillLevel,
        mask_phone=mask_phone,
        points=_points,
        datetime=lambda value, fmt="short": format_datetime(value, fmt) if value else "",
    )
