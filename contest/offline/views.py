"""The service worker (served from the site root so that it may control the judge's pages) and the one API
token per device that the judge's outbox (static/js/outbox.js) uses until it expires."""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Blueprint, current_app, jsonify, make_response, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from contest.access import public, roles_required
from contest.api.errors import api_error
from contest.assets import static_files, version
from contest.extensions import csrf
from contest.models import Role
from contest.services.accounts import create_api_token

offline_bp = Blueprint("offline", __name__)

# What a judge's page needs to start without a network (hashed names; the cache's version follows them).
SHELL_FILES = (
    "vendor/bootstrap/bootstrap.min.css", "vendor/bootstrap/bootstrap.bundle.min.js", "css/app.css", "css/tablet.css",
    "css/brackets.css", "js/app.js", "js/outbox.js", "js/tablet.js", "js/brackets.js",
)


@offline_bp.get("/sw.js")
@public
def service_worker():
    """The service worker script; never cached by HTTP, so a new version is found on the next visit."""
    source = Path(current_app.template_folder, "offline", "sw.js").read_bytes()
    cache_version = version(*SHELL_FILES) + hashlib.sha256(source).hexdigest()[:6]
    response = make_response(render_template("offline/sw.js", precache=static_files(*SHELL_FILES), cache_version=cache_version))
    response.mimetype = "text/javascript"
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@offline_bp.post("/device-token")
@roles_required(Role.JUDGE)
@csrf.exempt
def device_token():
    """A new API token for this device, asked for only when the device has none that is still valid. Not a
    form: it needs the session cookie (SameSite) and a custom header, which a cross-site page cannot send
    without a CORS preflight that this site never grants — so no CSRF token (a cached page's would be stale)."""
    if request.headers.get("X-Contest-Device") != "1":
        return api_error(422, "invalid", _("Ask for a device token from the judge's pages."))
    token, expires_at = create_api_token(current_user)
    response = jsonify({"token": token, "expires_at": expires_at.replace(microsecond=0).isoformat() + "Z"})
    response.headers["Cache-Control"] = "no-store"
    return response, 201
