"""Login sessions: one row per logged-in browser, checked at every request, so that logging out, changing or
resetting a password really ends the sessions it should.

Flask's session cookie is signed, not stored: a copy of it would stay valid after logout, and so would a
remember-me cookie. Each login therefore makes a ``LoginSession`` row and puts ``"<user id>:<random key>"``
into both cookies (``User.get_id``); the loader accepts a cookie only while the row with the key's digest
exists and has not expired. API tokens made for a page of that browser (the tablet score page) belong to the
row and are deleted with it (``ON DELETE CASCADE``); tokens taken with a password (``POST /api/v1/tokens``)
are devices of their own.

- logout deletes that browser's row (and its tokens): other devices stay logged in;
- a password change deletes every other row and every token of the user but the current browser's;
- an organiser's password reset and a deactivation delete them all.
"""

from __future__ import annotations

import hashlib
import logging
import secrets

from flask import current_app
from sqlalchemy import delete, or_, select

from contest.extensions import db
from contest.models import ApiToken, LoginSession, User, utcnow
from contest.services import transaction

logger = logging.getLogger(__name__)


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def start_session(user: User, remember: bool) -> User:
    """A new login session for ``user`` (expired rows of the user are deleted on the way); the user object is
    marked with it, so ``login_user(user)`` writes the session's key into the cookies."""
    key = secrets.token_urlsafe(32)
    lifetime = current_app.config["REMEMBER_COOKIE_DURATION" if remember else "LOGIN_SESSION_LIFETIME"]
    now = utcnow()
    with transaction():
        db.session.execute(delete(LoginSession).where(LoginSession.user_id == user.id, LoginSession.expires_at < now))
        row = LoginSession(user_id=user.id, digest=_digest(key), remember=remember, created_at=now, expires_at=now + lifetime)
        db.session.add(row)
        db.session.flush()
        user.login_session_id, user.login_session_key = row.id, key
    return user


def load_session_user(cookie_id: str) -> User | None:
    """The user of a session or remember cookie (``"<user id>:<key>"``) whose login session still exists, in
    one query; ``None`` for ended or expired sessions, deactivated users and units, and cookies of old form."""
    user_part, _, key = (cookie_id or "").partition(":")
    if not user_part.isdigit() or not key:
        return None
    row = db.session.execute(
        select(User, LoginSession.id).join(LoginSession, LoginSession.user_id == User.id)
        .where(User.id == int(user_part), LoginSession.digest == _digest(key), LoginSession.expires_at >= utcnow())
    ).first()
    if row is None:
        return None
    user, session_id = row
    if not user.active or not user.org.active:
        return None
    user.login_session_id, user.login_session_key = session_id, key
    return user


def end_session(user: User) -> None:
    """Log out the browser ``user`` was loaded with: its session row and the API tokens made for it."""
    if user.login_session_id is None:
        return
    with transaction():
        db.session.execute(delete(ApiToken).where(ApiToken.session_id == user.login_session_id))
        db.session.execute(delete(LoginSession).where(LoginSession.id == user.login_session_id))
    logger.info("User %s logged out of session %s", user.id, user.login_session_id)
    user.login_session_id = user.login_session_key = None


def end_other_sessions(user: User, keep_session_id: int | None = None, keep_token_id: int | None = None) -> None:
    """In the current transaction: delete every login session and API token of ``user`` except the session
    ``keep_session_id`` with its tokens and the token ``keep_token_id`` (``None``: keep nothing)."""
    tokens = delete(ApiToken).where(ApiToken.user_id == user.id)
    if keep_session_id is not None:
        tokens = tokens.where(or_(ApiToken.session_id.is_(None), ApiToken.session_id != keep_session_id))
    if keep_token_id is not None:
        tokens = tokens.where(ApiToken.id != keep_token_id)
    db.session.execute(tokens)
    sessions = delete(LoginSession).where(LoginSession.user_id == user.id)
    if keep_session_id is not None:
        sessions = sessions.where(LoginSession.id != keep_session_id)
    db.session.execute(sessions)
