"""The API error format: ``{"error": {"code", "message", "details"}}`` with the matching status.

``details`` is always present: ``null``, a list of per-item problems, or an object (e.g. the current
result of a match). The codes and their meanings are listed once, in ``ERROR_CODES``, which the OpenAPI
description publishes; a test checks that every code the API answers with is listed there.
"""

from __future__ import annotations

import json

from flask import jsonify
from flask.json.provider import DefaultJSONProvider

ERROR_CODES: dict[str, tuple[int, str]] = {
    "bad_request": (400, "The body is not a JSON object, not standard JSON (NaN and Infinity are refused), or a "
                         "query parameter has an unknown value."),
    "unauthorized": (401, "No bearer token, an unknown, expired or revoked token, or wrong credentials."),
    "forbidden": (403, "The caller may not do this (role, scope, not a judge of the event, conflict of interest)."),
    "password_change_required": (403, "The account must change its initial password in the web app before it "
                                      "may use the API."),
    "not_found": (404, "The object (event, match, bracket, certificate, route) does not exist."),
    "method_not_allowed": (405, "The route exists but not with this method."),
    "locked": (409, "The event is signed off (only the chief judge corrects, with a reason), scoring is not open, "
                    "or the results are final. The same code for scores and matches."),
    "stale": (409, "The version sent is not the current one: someone changed it meanwhile. ``details`` holds the "
                   "current value(s); check them and send again with the current version."),
    "confirmation_required": (409, "A match correction changes who played in later matches; ``details.affected`` "
                                   "lists them. Send again with ``confirm: true`` to clear them."),
    "conflict": (409, "The request contradicts the current state (e.g. a match that is not ready to be played)."),
    "too_large": (413, "The body is too large."),
    "invalid": (422, "Values break a rule; nothing was saved. ``details`` lists the problems per item or field."),
    "idempotency_key_reused": (422, "The idempotency key was already used for a different request body."),
    "rate_limited": (429, "Too many requests for this token (or address, before login). Wait ``Retry-After`` "
                          "seconds."),
    "server_error": (500, "An unexpected error; it has been logged. Nothing was saved."),
    "busy": (503, "The database is busy with another change. Nothing was saved; send the same request again."),
}


def api_error(status: int, code: str, message: str, details: list | dict | None = None):
    response = jsonify({"error": {"code": code, "message": str(message), "details": details}})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="contest"'
    return response


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not standard JSON")


class StrictJSONProvider(DefaultJSONProvider):
    """Flask's JSON provider, refusing the non-standard ``NaN``, ``Infinity`` and ``-Infinity`` that Python's
    parser accepts: a request body with them fails to parse (the API answers 400 ``bad_request``). Answers keep
    Chinese text as UTF-8 rather than ``\\u`` escapes, so they read as they are in a terminal or a log."""

    ensure_ascii = False

    def loads(self, s: str | bytes, **kwargs):
        kwargs.setdefault("parse_constant", _refuse_constant)
        return json.loads(s, **kwargs)
