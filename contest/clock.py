"""Today's date for the services, overridable in one place (demo data for past years, tests)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

_override: date | None = None


def today() -> date:
    return _override or date.today()


@contextmanager
def frozen_today(day: date) -> Iterator[None]:
    """Within the block, ``today()`` is ``day`` (not thread-safe: for the CLI and tests only)."""
    global _override
    previous, _override = _override, day
    try:
        yield
    finally:
        _override = previous
