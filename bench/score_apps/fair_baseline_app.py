"""The fair baseline for ``bench/score_load.py`` (issue 18.8): raw psycopg on the project's own schema.

    gunicorn 'fair_baseline_app:app'   with BENCH_DSN (a libpq connection string) and BENCH_SCHEMA set

``PUT /scores/<event_id>``, the same body and answer as ``PUT /api/v1/events/<id>/scores``, writing the
same tables with all their foreign keys, unique constraints and indexes (``api_tokens``, ``scores``,
``score_audit``, ``idempotency_records``) with the same semantics as ``contest.services.judging``:

- the bearer token by SHA-256 digest, unexpired, of an active user of an active unit, past the initial
  password and holding the judge (or admin) role;
- the shared lock on the event (``FOR KEY SHARE``) that the sign-off excludes;
- one facts query: the contest is running, the caller is assigned to the event, no sign-off, the answer
  stored under (user, key) with its request fingerprint (a replay answers it; another request 422), and
  the event's rubric (one row per criterion, as the app reads it);
- the confirmed entries among the competitor numbers with the caller's current scores;
- each item: a known entry, a criterion of the event, a value within its maximum, a veto's note (else 422,
  stored);
- new scores in one INSERT from arrays, changes in one UPDATE guarded by (id, version) (a stale version or
  a lost race → 409, stored), both with the item's ``note``; an audit row per score (with the note), the
  answer stored with its fingerprint;
- one transaction; a unique-index failure (the same key at once, a score created meanwhile) rolls back and
  replays the stored answer.

What it leaves out, and the app does not: conflicts of interest (the bench's judges cannot conflict, and
the app reads nothing more for them either), per-item error details, whole-mark and decimal-place checks,
translations, Flask-Login/Babel/CSRF hooks, the ORM. One psycopg connection per
thread; statements are prepared by psycopg after a few uses (all have fewer than 50 parameters or use arrays).
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from datetime import UTC, datetime
from decimal import Decimal

import psycopg
from flask import Flask, Response, request

app = Flask(__name__)
_local = threading.local()

TOKEN = """SELECT u.id FROM api_tokens t JOIN users u ON u.id = t.user_id JOIN organisations o ON o.id = u.org_id
           WHERE t.digest = %s AND t.expires_at >= %s AND u.active AND o.active AND NOT u.must_change_password
           AND EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role IN ('judge', 'admin'))"""
LOCK = "SELECT id FROM events WHERE id = %s FOR KEY SHARE"
FACTS = """SELECT c.status, ja.id, so.id, ir.status_code, ir.response, ir.fingerprint, k.id, k.max_x100, k.kind
           FROM events e JOIN contests c ON c.id = e.contest_id
           LEFT JOIN judge_assignments ja ON ja.event_id = e.id AND ja.judge_id = %(judge)s
           LEFT JOIN sign_offs so ON so.event_id = e.id
           LEFT JOIN idempotency_records ir ON ir.user_id = %(judge)s AND ir.key = %(key)s
           LEFT JOIN components m ON m.event_id = e.id
           LEFT JOIN criteria k ON k.component_id = m.id
           WHERE e.id = %(event)s"""
ENTRIES = """SELECT n.id, n.competitor_number, s.id, s.criterion_id, s.value_x100, s.version
             FROM nominations n LEFT JOIN scores s ON s.nomination_id = n.id AND s.event_id = n.event_id AND s.judge_id = %(judge)s
             WHERE n.event_id = %(event)s AND n.status = 'confirmed' AND n.competitor_number = ANY(%(numbers)s)"""
INSERT_SCORES = """INSERT INTO scores (event_id, judge_id, nomination_id, criterion_id, value_x100, note, version, updated_at, updated_by_id)
                   SELECT %(event)s, %(judge)s, n, c, v, note, 1, %(now)s, %(judge)s
                   FROM unnest(%(n)s::int[], %(c)s::int[], %(v)s::int[], %(note)s::text[]) AS t(n, c, v, note)"""
UPDATE_SCORES = """UPDATE scores SET value_x100 = t.v, note = t.note, version = scores.version + 1, updated_at = %(now)s,
                   updated_by_id = %(judge)s
                   FROM unnest(%(id)s::int[], %(ver)s::int[], %(v)s::int[], %(note)s::text[]) AS t(id, ver, v, note)
                   WHERE scores.id = t.id AND scores.version = t.ver"""
INSERT_AUDIT = """INSERT INTO score_audit (event_id, nomination_id, criterion_id, judge_id, actor_id, at, old_x100, new_x100, reason, note,
                                          client_key, kind)
                  SELECT %(event)s, n, c, %(judge)s, %(judge)s, %(now)s, o, v, r, note, %(key)s, k
                  FROM unnest(%(n)s::int[], %(c)s::int[], %(o)s::int[], %(v)s::int[], %(r)s::text[], %(note)s::text[], %(k)s::text[])
                  AS t(n, c, o, v, r, note, k)"""
RECORD = """INSERT INTO idempotency_records (user_id, key, event_id, status_code, response, fingerprint, created_at)
            VALUES (%s, %s, %s, %s, %s, %s, %s)"""


def connection() -> psycopg.Connection:
    conn = getattr(_local, "conn", None)
    if conn is None or conn.closed:
        conn = psycopg.connect(os.environ["BENCH_DSN"], options=f"-csearch_path={os.environ['BENCH_SCHEMA']}")
        _local.conn = conn
    return conn


def answer(status: int, body: dict) -> Response:
    return Response(json.dumps(body), status=status, mimetype="application/json")


def error(status: int, code: str, message: str) -> tuple[int, dict]:
    return status, {"error": {"code": code, "message": message}}


def fingerprint(event_id: int, body: dict) -> str:
    canonical = json.dumps(["scores", event_id, {k: v for k, v in body.items() if k != "idempotency_key"}],
                           sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


@app.put("/scores/<int:event_id>")
def put_scores(event_id: int):
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    data = request.get_json(silent=True)
    if scheme.lower() != "bearer" or not isinstance(data, dict):
        return answer(*error(400, "bad_request", "Send a JSON object."))
    conn = connection()
    now = datetime.now(UTC).replace(tzinfo=None)
    key, request_fp = data.get("idempotency_key"), fingerprint(event_id, data)
    try:
        with conn.transaction():
            status, body = _submit(conn, token, event_id, data, key, request_fp, now)
    except (psycopg.errors.UniqueViolation, LostRace):
        with conn.transaction():
            stored = conn.execute("SELECT status_code, response, fingerprint FROM idempotency_records ir JOIN api_tokens t "
                                  "ON t.user_id = ir.user_id WHERE t.digest = %s AND ir.key = %s",
                                  (hashlib.sha256(token.encode()).hexdigest(), key)).fetchone()
            if stored is not None:
                status, body = (stored[0], stored[1]) if stored[2] == request_fp else error(422, "idempotency_key_reused", "reused")
            else:
                status, body = error(409, "stale", "These scores were changed elsewhere meanwhile; reload the sheet.")
                judge = conn.execute(TOKEN, (hashlib.sha256(token.encode()).hexdigest(), now)).fetchone()[0]
                conn.execute(RECORD, (judge, key, event_id, status, json.dumps(body), request_fp, now))
    return answer(status, body)


class LostRace(Exception):
    pass


def _submit(conn, token: str, event_id: int, data: dict, key, request_fp: str, now: datetime) -> tuple[int, dict]:
    row = conn.execute(TOKEN, (hashlib.sha256(token.encode()).hexdigest(), now)).fetchone()
    if row is None:
        return error(401, "unauthorized", "Log in again.")
    judge = row[0]
    conn.execute(LOCK, (event_id,))
    rows = conn.execute(FACTS, {"judge": judge, "key": key, "event": event_id}).fetchall()
    if not rows:
        return error(404, "not_found", "This event does not exist.")
    contest_status, assignment, sign_off, stored_status, stored_body, stored_fp = rows[0][:6]
    rubric = {criterion_id: (max_x100, kind) for *_facts, criterion_id, max_x100, kind in rows if criterion_id is not None}
    if assignment is None:
        return error(403, "forbidden", "You are not a judge of this event.")
    if stored_status is not None:
        return (stored_status, stored_body) if stored_fp == request_fp else error(422, "idempotency_key_reused", "reused")
    if contest_status != "running" or sign_off is not None:
        result = error(409, "locked", "Scoring is not open for this event.")
        conn.execute(RECORD, (judge, key, event_id, result[0], json.dumps(result[1]), request_fp, now))
        return result
    items = data["scores"]
    numbers = sorted({i["competitor_number"] for i in items})
    entries, current = {}, {}
    for nomination_id, number, score_id, criterion_id, value, version in conn.execute(
            ENTRIES, {"judge": judge, "event": event_id, "numbers": numbers}):
        entries[number] = nomination_id
        if score_id is not None:
            current[(nomination_id, criterion_id)] = (score_id, value, version)
    new, changed, audit, saved = ([], [], [], []), ([], [], [], []), ([], [], [], [], [], [], []), []
    for item in items:
        nomination_id, criterion_id = entries.get(item["competitor_number"]), item["criterion_id"]
        x100 = int(Decimal(str(item["value"])) * 100)
        note = item.get("note") or ""
        if nomination_id is None or criterion_id not in rubric or not 0 <= x100 <= rubric[criterion_id][0] \
                or (rubric[criterion_id][1] == "veto" and x100 >= 100 and not note):
            result = error(422, "invalid", "Some scores are not valid; nothing was saved.")
            conn.execute(RECORD, (judge, key, event_id, result[0], json.dumps(result[1]), request_fp, now))
            return result
        score = current.get((nomination_id, criterion_id))
        if score is None:
            for column, value in zip(new, (nomination_id, criterion_id, x100, note), strict=True):
                column.append(value)
            version, old, kind = 1, None, "entry"
        else:
            if item.get("version") != score[2]:
                result = error(409, "stale", "Some scores were changed elsewhere; nothing was saved.")
                conn.execute(RECORD, (judge, key, event_id, result[0], json.dumps(result[1]), request_fp, now))
                return result
            for column, value in zip(changed, (score[0], score[2], x100, note), strict=True):
                column.append(value)
            version, old, kind = score[2] + 1, score[1], "change"
        for column, value in zip(audit, (nomination_id, criterion_id, old, x100, item.get("reason") or "", note, kind), strict=True):
            column.append(value)
        saved.append({"competitor_number": item["competitor_number"], "criterion_id": criterion_id,
                      "value": f"{Decimal(x100) / 100:.2f}", "version": version, **({"note": note} if note else {})})
    if new[0]:
        conn.execute(INSERT_SCORES, {"event": event_id, "judge": judge, "now": now, "n": new[0], "c": new[1], "v": new[2],
                                     "note": new[3]})
    if changed[0]:
        cursor = conn.execute(UPDATE_SCORES, {"now": now, "judge": judge, "id": changed[0], "ver": changed[1], "v": changed[2],
                                              "note": changed[3]})
        if cursor.rowcount != len(changed[0]):
            raise LostRace()
    conn.execute(INSERT_AUDIT, {"event": event_id, "judge": judge, "now": now, "key": key, "n": audit[0], "c": audit[1],
                                "o": audit[2], "v": audit[3], "r": audit[4], "note": audit[5], "k": audit[6]})
    body = {"idempotency_key": key, "saved": saved}
    conn.execute(RECORD, (judge, key, event_id, 200, json.dumps(body), request_fp, now))
    return 200, body
