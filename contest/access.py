"""Route access declarations.

Every view states who may use it with exactly one of these decorators; the declaration is recorded
on the view function (``view.access``) so that tests can check every registered route against
every role, and a route without a declaration fails the test suite.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort, request
from flask_login import current_user

from contest.extensions import login_manager
from contest.models import Role

PUBLIC = "public"
LOGIN = "login"


def _mark(view: Callable, access: str | frozenset[Role]) -> Callable:
    view.access = access  # type: ignore[attr-defined]
    return view


def public(view: Callable) -> Callable:
    """Anyone, logged in or not."""
    return _mark(view, PUBLIC)


def login_required(view: Callable) -> Callable:
    """Any logged-in user."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        return view(*args, **kwargs)

    return _mark(wrapped, LOGIN)


def roles_required(*roles: Role) -> Callable[[Callable], Callable]:
    """Logged-in users holding one of ``roles``; administrators always pass."""
    wanted = frozenset(roles) | {Role.ADMIN}

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not current_user.roles & wanted:
                abort(403)
            return view(*args, **kwargs)

        return _mark(wrapped, wanted)

    return decorator


organiser_required = roles_required(Role.ORGANISER)


def is_api_request() -> bool:
    return request.path.startswith("/api/")
