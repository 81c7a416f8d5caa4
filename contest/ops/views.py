"""``/healthz`` (the process answers), ``/readyz`` (the database and, when configured, Redis answer) and
``/metrics`` (Prometheus, restricted; see ``contest.ops.metrics``)."""

from __future__ import annotations

import logging

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from contest.access import public
from contest.extensions import db, limiter
from contest.ops import metrics

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
    try:
        db.session.execute(text("SELECT 1"))
        db.session.rollback()
    except Exception:  # noqa: BLE001 - any failure means not ready
        logger.exception("readiness: the database does not answer")
        db.session.rollback()
        return "unavailable"
    return "ok"


def _redis() -> str:
    storage = getattr(limiter, "_storage", None)  # None while rate limiting is switched off
    try:
        ok = storage is not None and storage.check()
    except Exception:  # noqa: BLE001
        ok = False
    if not ok:
        logger.error("readiness: the rate-limit storage (Redis) does not answer")
    return "ok" if ok else "unavailable"


@ops_bp.get("/metrics")
@limiter.exempt
@public
def prometheus():
    return metrics.exposition()
