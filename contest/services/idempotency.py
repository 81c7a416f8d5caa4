"""Idempotency keys mean one request.

A client sends a key of its own with a write (score submissions, match results). The first answer is stored
under (user, key) in the same transaction as the write, together with a fingerprint of the request: what it
writes to and its canonical JSON body. A retry with the same key and the same request gets the stored answer
word for word (also a refusal, and also the refusal of a request that lost a race); the same key with another
request is refused (``KeyReused``) and changes nothing.

An answer is what the edge says (status and JSON body), and only the edge picks statuses: the API registers
its encoder on the application (``ANSWERS``; ``contest.api`` does it with ``contest.api.errors.answer``), and
services turn a result body or a typed refusal into the stored answer through ``answer``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from flask import current_app
from sqlalchemy import Insert, insert, select
from sqlalchemy.exc import IntegrityError

from contest.commands import MAX_KEY, MIN_KEY, fingerprint, valid_key
from contest.domain.errors import N_, InvalidRequest
from contest.extensions import db
from contest.models import IdempotencyRecord, utcnow
from contest.services import driver, transaction

__all__ = ["ANSWERS", "MAX_KEY", "MIN_KEY", "Answer", "KeyReused", "answer", "fingerprint", "replay", "store", "store_refusal",
           "stored", "valid_key"]

ANSWERS = "contest.answers"  # app.extensions key of the edge's encoder: result body or refusal → Answer


@dataclass(frozen=True)
class Answer:
    """An API answer: HTTP status and JSON body."""

    status: int
    body: dict


class KeyReused(InvalidRequest):
    """The idempotency key was already used for another request."""

    def __init__(self) -> None:
        super().__init__(N_("This idempotency key was already used for another request; nothing was saved. Send this request with a new key."))


def answer(outcome: dict | Exception) -> Answer:
    """The edge's answer for a result body (``dict``) or a refusal, by the encoder it registered (``ANSWERS``)."""
    encoder: Callable[[dict | Exception], Answer] = current_app.extensions[ANSWERS]
    return encoder(outcome)


def replay(stored: Answer, stored_fingerprint: str | None, request_fingerprint: str) -> Answer:
    """The stored answer for the same request; the answer for ``KeyReused`` for another one. Records
    written before fingerprints were kept (None) are replayed as before."""
    if stored_fingerprint is not None and stored_fingerprint != request_fingerprint:
        return answer(KeyReused())
    return stored


def stored(user_id: int, key: str) -> tuple[Answer, str | None] | None:
    """The answer and fingerprint stored for (user, key), or None."""
    row = db.session.execute(
        select(IdempotencyRecord.status_code, IdempotencyRecord.response, IdempotencyRecord.fingerprint)
        .where(IdempotencyRecord.user_id == user_id, IdempotencyRecord.key == key)
    ).first()
    return (Answer(row.status_code, row.response), row.fingerprint) if row is not None else None


@cache
def _insert() -> Insert:
    return insert(IdempotencyRecord.__table__)


def store(user_id: int, key: str, event_id: int, answer: Answer, request_fingerprint: str, now: datetime | None = None) -> None:
    """Store the answer in the caller's transaction; a second record for the same (user, key) fails on the
    unique index (the caller then replays the first)."""
    connection = db.session.connection()
    params = {"user_id": user_id, "key": key, "event_id": event_id, "status_code": answer.status, "response": answer.body,
              "fingerprint": request_fingerprint, "created_at": now or utcnow()}
    if driver.on_postgresql(connection):
        driver.execute(connection, _PG_INSERT, {**params, "response": json.dumps(answer.body)})
    else:
        connection.execute(_insert(), params)


# ``_insert`` as psycopg SQL (PostgreSQL, the score submission's hot path: ``contest.services.driver``).
_PG_INSERT = ("INSERT INTO idempotency_records (user_id, key, event_id, status_code, response, fingerprint, created_at) "
              "VALUES (%(user_id)s, %(key)s, %(event_id)s, %(status_code)s, %(response)s::json, %(fingerprint)s, %(created_at)s)")


def store_refusal(user_id: int, key: str, event_id: int, answer: Answer, request_fingerprint: str) -> Answer:
    """After the caller's transaction was rolled back (a lost race, a refusal raised mid-write): store the
    refusal in a transaction of its own, so a retry gets it word for word. If a concurrent request with the
    same key stored its answer first, that answer is the one (replayed, or ``KeyReused`` for another request)."""
    try:
        with transaction():
            store(user_id, key, event_id, answer, request_fingerprint)
    except IntegrityError:
        first = stored(user_id, key)
        db.session.commit()
        if first is None:  # pragma: no cover - the unique index failed for another reason
            raise
        return replay(first[0], first[1], request_fingerprint)
    return answer
