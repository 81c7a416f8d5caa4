"""Bearer-token authentication for the API. Session cookies are ignored here, so the API needs no CSRF token."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps

from flask import g, request
from flask_babel import gettext
from flask_limiter.util import get_remote_address

from contest.access import _mark
from contest.api.errors import api_error
from contest.domain.roles import Role
from contest.services.accounts import Caller, caller_for_token, user_for_token


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def rate_limit_key() -> str:
    """Who an API limit counts: the bearer token (one per device), else the client address. All tablets of a
    venue share one NAT address, so counting by address would let one busy venue throttle itself."""
    token = bearer_token()
    if token:
        return "token:" + hashlib.sha256(token.encode()).hexdigest()
    return get_remote_address()


def api_user() -> Caller:
    return g.api_user


def token_required(*roles: Role, light: bool = False) -> Callable[[Callable], Callable]:
    """A valid bearer token; with ``roles``, a user holding one of them (administrators always pass). With
    ``light`` the caller is a ``TokenCaller`` (id, unit path, roles) read without the ORM: for hot routes whose
    service needs no more (the score submission)."""
    wanted = frozenset(roles) | {Role.ADMIN} if roles else None
    resolve = caller_for_token if light else user_for_token

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            token = bearer_token()
            user = resolve(token) if token else None
            if user is None:
                return api_error(401, "unauthorized", gettext("Log in first: send a valid bearer token."))
            if user.must_change_password:
                return api_error(403, "password_change_required",
                                 gettext("Change your initial password on the website first, then log in again."))
            if wanted is not None and not user.roles & wanted:
                return api_error(403, "forbidden", gettext("You do not have permission to do this."))
            g.api_user = user
            return view(*args, **kwargs)

        return _mark(wrapped, wanted if wanted is not None else "login")

    return decorator
