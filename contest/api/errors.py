"""The API error format: ``{"error": {"code", "message"[, "details"]}}`` with the matching status."""

from __future__ import annotations

from flask import jsonify


def api_error(status: int, code: str, message: str, details: list | dict | None = None):
    body: dict = {"error": {"code": code, "message": str(message)}}
    if details is not None:
        body["error"]["details"] = details
    response = jsonify(body)
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="contest"'
    return response
