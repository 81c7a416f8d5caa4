"""Whole-page caching for anonymous visitors of public pages.

A page is cached per process for ``PORTAL_CACHE_SECONDS`` (configuration or environment; 30 s by default, 0 — off — under testing) when the
request carries no session cookie (so nobody's flashed messages, login or CSRF token can end up in it), per
path with query string and language. Only 200 answers are kept; ``clear()`` empties the cache of this process
after a change the portal shows (a new announcement). Other processes catch up within the lifetime.
Responses say ``Cache-Control: public, max-age=<lifetime>`` so a reverse proxy may keep them too.
"""

from __future__ import annotations

import functools
import os
import threading
import time
from collections.abc import Callable

from flask import Response, current_app, make_response, request

from contest.i18n import LOCALE_COOKIE

_lock = threading.Lock()
MAX_ENTRIES = 2000


def _store() -> dict:
    return current_app.extensions.setdefault("portal_cache", {})


def lifetime() -> int:
    """``PORTAL_CACHE_SECONDS`` from the configuration, else the environment, else 30 (0 under testing)."""
    default = 0 if current_app.testing else 30
    return int(current_app.config.get("PORTAL_CACHE_SECONDS", os.environ.get("PORTAL_CACHE_SECONDS", default)))


def clear() -> None:
    with _lock:
        _store().clear()


def cached_page(view: Callable) -> Callable:
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        ttl = lifetime()
        session_cookie = current_app.config.get("SESSION_COOKIE_NAME", "session")
        if ttl <= 0 or request.method != "GET" or session_cookie in request.cookies or current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies:
            return view(*args, **kwargs)
        key = (request.full_path, request.cookies.get(LOCALE_COOKIE, ""))
        now = time.monotonic()
        hit = _store().get(key)
        if hit is not None and hit[0] > now:
            body, status, headers = hit[1]
            return Response(body, status=status, headers=headers)
        response = make_response(view(*args, **kwargs))
        if response.status_code == 200 and not response.direct_passthrough and "Set-Cookie" not in response.headers:
            response.headers["Cache-Control"] = f"public, max-age={ttl}"
            response.headers["Vary"] = "Cookie"
            with _lock:
                store = _store()
                if len(store) >= MAX_ENTRIES:
                    store.clear()
                store[key] = (now + ttl, (response.get_data(), response.status_code, list(response.headers.items())))
        return response

    return wrapped
