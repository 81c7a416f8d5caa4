"""``/healthz`` (the process answers), ``/readyz`` (the database and, when configured, Redis answer) and
``/metrics`` (Prometheus, restricted; see ``contest.ops.metrics``)."""

from __future__ import annotations

import logging

from flask import Blueprint, current_app, jsonify

from contest.access import public
from contest.extensions import limiter
from contest.ops import metrics
from contest.services import health

ops_bp = Blueprint("ops", __name__)
logger = logging.getLogger(__name__)


@ops_bp.get("/healthz")
@limiter.exempt
@public
def healthz():
    return jsonify({"status": "ok"})


@ops_bp.get("/readyz")
@limiter.exempt
@public
def readyz():
    """200 when every dependency answers, 503 naming the one that does not (no error details leak)."""
    checks = {"database": _database()}
    if current_app.config["RATELIMIT_STORAGE_URI"].startswith(("redis://", "rediss://", "redis+")):
        checks["redis"] = _redis()
    ready = all(v == "ok" for v in checks.values())
    return jsonify({"status": "ready" if ready else "unavailable", "checks": checks}), 200 if ready else 503


def _database() -> str:
    return "ok" if health.database_answers() else "unavailable"


def _redis() -> str:
    """The configured rate-limit storage answers (the one this app's settings name, made once per app and URI;
    not the process-wide limiter's, which belongs to whichever app initialised it last)."""
    from limits.storage import storage_from_string

    uri = current_app.config["RATELIMIT_STORAGE_URI"]
    cached = current_app.extensions.get("contest.readyz_storage")
    try:
        if cached is None or cached[0] != uri:
            cached = current_app.extensions["contest.readyz_storage"] = (uri, storage_from_string(uri))
        ok = cached[1].check()
    except Exception:  # noqa: BLE001 - any failure means not ready
        ok = False
    if not ok:
        logger.error("readiness: the rate-limit storage (Redis) does not answer")
    return "ok" if ok else "unavailable"


@ops_bp.get("/metrics")
@limiter.exempt
@public
def prometheus():
    return metrics.exposition()
