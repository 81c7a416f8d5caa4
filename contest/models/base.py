"""Shared column helpers."""

from __future__ import annotations

import enum
from datetime import UTC, datetime

from sqlalchemy import Enum


def utcnow() -> datetime:
    """Naive UTC now: stored the same way on SQLite and PostgreSQL, shown in local time by Babel."""
    return datetime.now(UTC).replace(tzinfo=None)


def enum_column(enum_cls: type[enum.Enum], name: str) -> Enum:
    """A portable enum type stored as its values (a CHECK constraint, not a native PG enum)."""
    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=20,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )
