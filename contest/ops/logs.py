"""Structured logs: one JSON object per line, a request id on every request, personal numbers redacted.

``configure`` installs the JSON handler on the root logger (outside tests). Every request gets an id — the
proxy's ``X-Request-ID`` when it is a plain token, else a new one — returned in the ``X-Request-ID`` header
and written on the request's log line (method, path without the query string, endpoint, status, duration,
user id). The formatter redacts anything that looks like a resident ID (17 digits and a digit or X) or a
mainland mobile number from every line, tracebacks included, whatever logged it.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid

from flask import Flask, g, has_request_context, request
from sqlalchemy import inspect as sa_inspect

REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
# A resident ID (17 digits + check digit or X), a mobile number (1[3-9] + 9 digits), or a longer digit run
# that contains either: digit runs are matched whole so that no part of one leaks.
PERSONAL_NUMBER = re.compile(r"(?<![0-9])(?:[0-9]{17}[0-9Xx]|1[3-9][0-9]{9}|[0-9]{19,})(?![0-9])|(?<![0-9])[0-9]{17}[Xx]")
REDACTED = "[redacted]"

logger = logging.getLogger("contest.request")


def redact(text: str) -> str:
    return PERSONAL_NUMBER.sub(REDACTED, text)


class JsonFormatter(logging.Formatter):
    """``{"time", "level", "logger", "message", "request_id"?, ...extra "fields"}``, personal numbers redacted."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {"time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"), "level": record.levelname, "logger": record.name,
                 "message": record.getMessage()}
        if has_request_context() and "request_id" in g:
            entry["request_id"] = g.request_id
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return redact(json.dumps(entry, ensure_ascii=False, default=str))


def handler(stream=None) -> logging.Handler:
    """A stream handler writing JSON lines (stderr by default)."""
    made = logging.StreamHandler(stream)
    made.setFormatter(JsonFormatter())
    return made


def configure(app: Flask) -> None:
    """Request ids and request log lines; the JSON handler on the root logger unless testing or debugging."""
    if not app.debug and not app.testing:
        root = logging.getLogger()
        if not any(isinstance(h.formatter, JsonFormatter) for h in root.handlers):
            for old in list(root.handlers):
                root.removeHandler(old)
            root.addHandler(handler())
        root.setLevel(logging.INFO)
    app.before_request(_start)
    app.after_request(_finish)


def _start() -> None:
    given = request.headers.get("X-Request-ID", "")
    g.request_id = given if REQUEST_ID.match(given) else uuid.uuid4().hex
    g.request_started = time.perf_counter()


def _finish(response):
    if "request_id" not in g:
        return response
    response.headers["X-Request-ID"] = g.request_id
    user_id = _loaded_user_id(g.get("api_user") or g.get("_login_user"))
    logger.info("%s %s %s", request.method, request.path, response.status_code, extra={"fields": {
        "method": request.method, "path": request.path, "endpoint": request.endpoint, "status": response.status_code,
        "duration_ms": round((time.perf_counter() - g.request_started) * 1000, 1), "user_id": user_id}})
    return response


def _loaded_user_id(user) -> int | None:
    """The id of the user this request already loaded, read from the session's identity map: logging never
    loads a user, and never reloads one either (after the service's commit every attribute is expired, and
    reading ``user.id`` or ``is_authenticated`` would cost a pool checkout and a SELECT per request). None for
    no user or Flask-Login's anonymous one."""
    if user is not None and not hasattr(user, "_sa_instance_state"):  # a plain caller (``accounts.TokenCaller``)
        return getattr(user, "id", None)
    state = sa_inspect(user, raiseerr=False) if user is not None else None
    identity = state.identity if state is not None else None
    return identity[0] if identity else None

