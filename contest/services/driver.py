"""Statements of the hot write path (score submissions) sent on the driver's own connection.

On PostgreSQL the score submission sends its handful of statements as fixed SQL text on the psycopg
connection under the session (the same connection and transaction), bypassing SQLAlchemy's execution layer,
which cost more CPU than the database did (docs/BENCHMARKS.md, issue 18.8). The text is constant and the
parameters few (rows go as arrays), so psycopg prepares each statement once per connection. SQLite keeps the
portable SQLAlchemy statements; the callers choose with ``on_postgresql``.

A unique-index failure is raised as SQLAlchemy's ``IntegrityError``, as the portable path raises it, so the
callers' replay-on-conflict handling is the same on both paths.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from contest.extensions import db


def session_connection() -> Connection:
    return db.session.connection()


def on_postgresql(connection: Connection) -> bool:
    return connection.dialect.name == "postgresql"


def execute(connection: Connection, sql: str, params: Mapping[str, Any]) -> Any:
    """Run ``sql`` (psycopg ``%(name)s`` placeholders) on the session connection's psycopg connection; returns
    the psycopg cursor."""
    try:
        return connection.connection.driver_connection.execute(sql, params)
    except connection.dialect.loaded_dbapi.IntegrityError as exc:
        raise IntegrityError(sql, params, exc) from exc
