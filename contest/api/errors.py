"""The API error format: ``{"error": {"code", "message", "details"}}`` with the matching status.

``details`` is always present: ``null``, a list of per-item problems, or an object (e.g. the current
result of a match). The codes and their meanings are listed once, in ``ERROR_CODES``, which the OpenAPI
description publishes; a test checks that every code the API answers with is listed there.

``REFUSALS`` is the one table from a typed refusal (raised by a service, never carrying a status) to the
status and code the API answers with; ``answer`` turns a result body or a refusal into an
``idempotency.Answer`` (stored under idempotency keys), ``refusal_response`` sends that answer as it is (one
envelope built once, never unpacked and built again), ``api_error`` an error a route names itself.
"""

from __future__ import annotations

import json

from flask import jsonify
from flask.json.provider import DefaultJSONProvider

from contest.domain.errors import (
    BadRequest,
    Conflict,
    DomainError,
    FieldError,
    Invalid,
    InvalidItems,
    InvalidRequest,
    Locked,
    LockedEvent,
    LockedMatch,
    MatchNotReady,
    SignOffRefused,
    Stale,
    StaleScore,
)
from contest.i18n import translate
from contest.services import AccessError, NotFound, PermissionDenied
from contest.services.accounts import LoginRefused, PasswordChangeRequired
from contest.services.brackets import NeedsConfirmation, StaleMatch
from contest.services.idempotency import Answer, KeyReused
from contest.services.login_throttle import LoginThrottled

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


# Refusal type → (status, code). Looked up along the refusal's class hierarchy, most specific first; a test
# checks that every refusal type defined by the domain and the services is here or under a type that is.
REFUSALS: dict[type[Exception], tuple[int, str]] = {
    AccessError: (400, "bad_request"),
    BadRequest: (400, "bad_request"),
    LoginRefused: (401, "unauthorized"),
    PermissionDenied: (403, "forbidden"),
    PasswordChangeRequired: (403, "password_change_required"),
    NotFound: (404, "not_found"),
    Locked: (409, "locked"),
    LockedEvent: (409, "locked"),
    LockedMatch: (409, "locked"),
    Stale: (409, "stale"),
    StaleScore: (409, "stale"),
    StaleMatch: (409, "stale"),
    NeedsConfirmation: (409, "confirmation_required"),
    Conflict: (409, "conflict"),
    MatchNotReady: (409, "conflict"),
    SignOffRefused: (409, "conflict"),
    DomainError: (422, "invalid"),  # a rule refused the values sent
    Invalid: (422, "invalid"),
    InvalidItems: (422, "invalid"),
    InvalidRequest: (422, "invalid"),
    FieldError: (422, "invalid"),
    KeyReused: (422, "idempotency_key_reused"),
    LoginThrottled: (429, "rate_limited"),
}


def status_of(refusal: Exception) -> tuple[int, str]:
    """The (status, code) of ``refusal`` by ``REFUSALS``: its own class's entry, else its nearest ancestor's."""
    for cls in type(refusal).__mro__:
        if cls in REFUSALS:
            return REFUSALS[cls]
    raise TypeError(f"{type(refusal).__name__} is not a refusal the API knows")  # a programming error: a 500


def _translated(value):
    """``details`` with every message (a ``DomainError``) translated."""
    if isinstance(value, DomainError):
        return translate(value)
    if isinstance(value, list):
        return [_translated(v) for v in value]
    if isinstance(value, dict):
        return {k: _translated(v) for k, v in value.items()}
    return value


def details_of(refusal: Exception, status: int) -> list | dict | None:
    """The refusal's own ``details``; a rule refusal of values sent (422) without any lists its message."""
    if hasattr(refusal, "details"):
        return _translated(refusal.details)
    return [{"message": translate(refusal)}] if status == 422 and isinstance(refusal, DomainError) else None


def answer(outcome: dict | Exception) -> Answer:
    """The API's answer: 200 with a result body, or the error envelope of a refusal (see ``REFUSALS``)."""
    if isinstance(outcome, dict):
        return Answer(200, outcome)
    status, code = status_of(outcome)
    return Answer(status, _envelope(code, translate(outcome), details_of(outcome, status)))


def refusal_response(refusal: Exception):
    """The response for a refusal (with ``Retry-After`` for a throttled login): its ``answer``, sent as it is."""
    response = _response(answer(refusal))
    if isinstance(refusal, LoginThrottled):
        response.headers["Retry-After"] = str(refusal.retry_after)
    return response


def answer_response(found: Answer):
    """An ``Answer`` (stored or new) as a response; an error envelope always has ``details``."""
    body = found.body
    if "error" in body:
        body = {**body, "error": {"details": None, **body["error"]}}  # records stored before ``details`` existed
    return _response(Answer(found.status, body))


def api_error(status: int, code: str, message: str, details: list | dict | None = None):
    """The response for an error the route (or the auth layer) names itself, in the same envelope."""
    return _response(Answer(status, _envelope(code, message, details)))


def _envelope(code: str, message: str, details: list | dict | None) -> dict:
    return {"error": {"code": code, "message": str(message), "details": details}}


def _response(found: Answer):
    response = jsonify(found.body)
    response.status_code = found.status
    if found.status == 401:
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
