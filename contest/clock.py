"""The one clock: the contest's local time, Asia/Shanghai, whatever the server's own time zone.

Instants are stored as naive UTC (``contest.models.utcnow``); everything a person reads, exports or compares by
the calendar ("today", registration windows, certificate dates, file names, PDF footers, spreadsheet cells)
goes through this module. ``today()`` is overridable in one place (demo data of past years, tests).
Pure Python (no Flask), so the domain layer may use it too.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

TIMEZONE_NAME = "Asia/Shanghai"
TIMEZONE = ZoneInfo(TIMEZONE_NAME)

_override: date | None = None


def now() -> datetime:
    """The local wall-clock time now (naive, Asia/Shanghai)."""
    return datetime.now(TIMEZONE).replace(tzinfo=None)


def today() -> date:
    """The local date: between 00:00 and 08:00 in Shanghai the server's UTC date is still yesterday."""
    return _override or now().date()


def local(at: datetime | None) -> datetime | None:
    """A stored instant (naive UTC, or aware) as local wall-clock time (naive)."""
    if at is None:
        return None
    aware = at if at.tzinfo is not None else at.replace(tzinfo=UTC)
    return aware.astimezone(TIMEZONE).replace(tzinfo=None)


def to_utc(local_time: datetime) -> datetime:
    """A local wall-clock time (naive) as the naive UTC instant the database stores."""
    return local_time.replace(tzinfo=TIMEZONE).astimezone(UTC).replace(tzinfo=None)


def format_local(at: datetime | None, seconds: bool = False) -> str:
    """``2026-11-25 16:22`` (local time) for messages, PDF footers and exports; "" for None."""
    shown = local(at)
    return shown.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M") if shown else ""


@contextmanager
def frozen_today(day: date) -> Iterator[None]:
    """Within the block, ``today()`` is ``day`` (not thread-safe: for the CLI and tests only)."""
    global _override
    previous, _override = _override, day
    try:
        yield
    finally:
        _override = previous
