"""Login throttling by account and by client address, shared by every worker process.

The rule (failed attempts only; a correct password never counts against anyone):

1. **Per account and address** (``LOGIN_FAILURES_PER_CLIENT``, 5 per 15 minutes): after that many wrong
   passwords for one account from one address, that address may not try this account again until the
   oldest failure leaves the window — not even with the right password, so the lock is no oracle.
2. **Per account** (``LOGIN_FAILURES_PER_ACCOUNT``, 10 per 15 minutes, counted over all addresses): an
   account that many failures have hit is *under attack*; then every address that has failed on it even once
   in the window is held off, so each further address gets one guess. An address without failures on the
   account — the real user at work, at home, on the venue's network — is still let through, and the right
   password logs in.
3. **Per address** (``LOGIN_FAILURES_PER_ADDRESS``, 50 per 15 minutes, over all accounts): against one
   machine spraying passwords over many accounts.

Why not lock the account itself: a per-account lock lets anyone lock any account (a judge on the morning of
the contest) with a few wrong passwords from anywhere. The chosen rule bounds guesses per account by
addresses (5 each, then 1 each once under attack) while the owner, from an address of his own, is never
locked out by somebody else; the per-address limit makes many guesses cost many addresses.

Addresses are ``request.remote_addr``: behind a reverse proxy set ``TRUSTED_PROXY_HOPS`` (``ProxyFix``),
or every user shares the proxy's address. Counters live in the Flask-Limiter storage
(``RATELIMIT_STORAGE_URI``: ``memory://`` in one process, ``redis://…`` shared by all gunicorn workers).
"""

from __future__ import annotations

import hashlib
import logging
import math
import time

from flask import current_app
from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from contest.domain.errors import N_, DomainError

logger = logging.getLogger(__name__)


class LoginThrottled(DomainError):
    """Refused before the password is checked; ``retry_after`` in seconds."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message, minutes=max(1, math.ceil(retry_after / 60)))
        self.retry_after = retry_after


def _limiter() -> MovingWindowRateLimiter:
    """One storage per app (created on first use) from ``RATELIMIT_STORAGE_URI``."""
    limiter = current_app.extensions.get("contest.login_throttle")
    if limiter is None:
        limiter = MovingWindowRateLimiter(storage_from_string(current_app.config["RATELIMIT_STORAGE_URI"]))
        current_app.extensions["contest.login_throttle"] = limiter
    return limiter


def _rule(name: str) -> RateLimitItem:
    return parse(current_app.config[name])


def _account(username: str) -> str:
    """The counter key of an account name: a digest, so that any name sent to the API makes a short key."""
    return hashlib.sha256((username or "").strip().lower().encode()).hexdigest()[:32]


def _wait(limiter: MovingWindowRateLimiter, item: RateLimitItem, *keys: str) -> int:
    return max(1, math.ceil(limiter.get_window_stats(item, *keys).reset_time - time.time()))


def check(username: str, address: str) -> None:
    """Raise ``LoginThrottled`` if this address may not try this account now."""
    if not current_app.config["LOGIN_THROTTLE_ENABLED"]:
        return
    limiter = _limiter()
    account = _account(username)
    per_address, per_client, per_account = (
        _rule("LOGIN_FAILURES_PER_ADDRESS"), _rule("LOGIN_FAILURES_PER_CLIENT"), _rule("LOGIN_FAILURES_PER_ACCOUNT"))
    if not limiter.test(per_address, "login-address", address):
        raise LoginThrottled(N_("Too many failed logins from your network. Try again in %(minutes)d minutes."),
                             _wait(limiter, per_address, "login-address", address))
    client = limiter.get_window_stats(per_client, "login-client", account, address)
    failed_here = per_client.amount - client.remaining
    if client.remaining <= 0 or (failed_here and not limiter.test(per_account, "login-account", account)):
        raise LoginThrottled(
            N_("Too many wrong passwords for this account from your network. Try again in %(minutes)d minutes, "
               "or log in from another network."),
            _wait(limiter, per_client, "login-client", account, address))


def record_failure(username: str, address: str) -> None:
    if not current_app.config["LOGIN_THROTTLE_ENABLED"]:
        return
    limiter = _limiter()
    account = _account(username)
    limiter.hit(_rule("LOGIN_FAILURES_PER_ADDRESS"), "login-address", address)
    limiter.hit(_rule("LOGIN_FAILURES_PER_CLIENT"), "login-client", account, address)
    if not limiter.hit(_rule("LOGIN_FAILURES_PER_ACCOUNT"), "login-account", account):
        logger.warning("Login failures on account %r exceed %s (latest from %s)", (username or "")[:64],
                       current_app.config["LOGIN_FAILURES_PER_ACCOUNT"], address)


def record_success(username: str, address: str) -> None:
    """The owner logged in from this address: forget his own recent typing errors here."""
    if not current_app.config["LOGIN_THROTTLE_ENABLED"]:
        return
    _limiter().clear(_rule("LOGIN_FAILURES_PER_CLIENT"), "login-client", _account(username), address)
