"""Unpredictable values for the services (draw seeds, certificate codes, tokens), replayable in one place.

Normally every value comes from the operating system's generator (``secrets``). Inside ``replayable(seed)``
they come from a generator seeded with ``seed`` instead, so that ``seed-demo`` writes the same database every
time. Like ``contest.clock.frozen_today`` it is process-wide and not thread-safe: for the command line and
tests, never inside a request.
"""

from __future__ import annotations

import base64
import random
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

_override: random.Random | None = None


def randbits(k: int) -> int:
    return _override.getrandbits(k) if _override else secrets.randbits(k)


def token_bytes(nbytes: int) -> bytes:
    return _override.randbytes(nbytes) if _override else secrets.token_bytes(nbytes)


def token_hex(nbytes: int) -> str:
    return token_bytes(nbytes).hex()


def token_urlsafe(nbytes: int) -> str:
    """Like ``secrets.token_urlsafe``: ``nbytes`` random bytes, URL-safe Base64 without padding."""
    return base64.urlsafe_b64encode(token_bytes(nbytes)).rstrip(b"=").decode("ascii")


@contextmanager
def replayable(seed: int) -> Iterator[None]:
    """Within the block, every value above comes from ``random.Random(seed)``."""
    global _override
    previous, _override = _override, random.Random(seed)
    try:
        yield
    finally:
        _override = previous
