"""Readiness reads for ``/readyz``: does the database answer? (Read-only; never raises.)"""

from __future__ import annotations

import logging

from sqlalchemy import text

from contest.extensions import db

logger = logging.getLogger(__name__)


def database_answers() -> bool:
    """``SELECT 1`` on the application's database; False (logged) on any failure."""
    try:
        db.session.execute(text("SELECT 1"))
        db.session.rollback()
    except Exception:  # noqa: BLE001 - any failure means not ready
        logger.exception("readiness: the database does not answer")
        db.session.rollback()
        return False
    return True
