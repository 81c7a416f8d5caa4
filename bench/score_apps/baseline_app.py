"""The baseline for ``bench/score_load.py``: the same score write with nothing around it.

    gunicorn 'baseline_app:app'   with BENCH_DSN (a libpq connection string) and BENCH_SCHEMA set

``PUT /scores/<event_id>`` with a bearer token and ``{"idempotency_key": ..., "scores": [{"competitor_number",
"criterion_id", "value"}, ...]}``: looks the token up, claims the idempotency key (a replay returns the stored
answer), upserts the sheet in one multi-row ``INSERT … ON CONFLICT … DO UPDATE SET version = version + 1``,
appends one audit row per score and stores the answer, in one transaction. No validation, no ORM.
One psycopg connection per thread.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from decimal import Decimal

import psycopg
from flask import Flask, Response, request

SCHEMA_SQL = """
CREATE TABLE base_tokens (digest varchar(64) PRIMARY KEY, user_id integer NOT NULL, expires_at timestamp NOT NULL);
CREATE TABLE base_scores (
    id serial PRIMARY KEY, event_id integer NOT NULL, judge_id integer NOT NULL, entry integer NOT NULL,
    criterion_id integer NOT NULL, value_x100 integer NOT NULL, version integer NOT NULL DEFAULT 1,
    updated_at timestamp NOT NULL, UNIQUE (judge_id, entry, criterion_id));
CREATE TABLE base_audit (
    id serial PRIMARY KEY, judge_id integer NOT NULL, entry integer NOT NULL, criterion_id integer NOT NULL,
    new_x100 integer NOT NULL, at timestamp NOT NULL, client_key varchar(100));
CREATE TABLE base_idempotency (
    id serial PRIMARY KEY, user_id integer NOT NULL, key varchar(100) NOT NULL, status integer NOT NULL,
    response jsonb NOT NULL, UNIQUE (user_id, key));
"""

app = Flask(__name__)
_local = threading.local()


def connection() -> psycopg.Connection:
    conn = getattr(_local, "conn", None)
    if conn is None or conn.closed:
        conn = psycopg.connect(os.environ["BENCH_DSN"], options=f"-csearch_path={os.environ['BENCH_SCHEMA']}")
        _local.conn = conn
    return conn


def answer(status: int, body: dict) -> Response:
    return Response(json.dumps(body), status=status, mimetype="application/json")


@app.put("/scores/<int:event_id>")
def put_scores(event_id: int):
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    data = request.get_json(silent=True)
    if scheme.lower() != "bearer" or not isinstance(data, dict):
        return answer(400, {"error": "bad request"})
    conn = connection()
    with conn.transaction():
        row = conn.execute("SELECT user_id FROM base_tokens WHERE digest = %s AND expires_at > now()",
                           (hashlib.sha256(token.encode()).hexdigest(),)).fetchone()
        if row is None:
            return answer(401, {"error": "unauthorized"})
        judge, key = row[0], data["idempotency_key"]
        claimed = conn.execute("INSERT INTO base_idempotency (user_id, key, status, response) VALUES (%s, %s, 0, '{}') "
                               "ON CONFLICT DO NOTHING RETURNING id", (judge, key)).fetchone()
        if claimed is None:  # a replay (a concurrent duplicate waited for the first one to commit)
            status, body = conn.execute("SELECT status, response FROM base_idempotency WHERE user_id = %s AND key = %s",
                                        (judge, key)).fetchone()
            return answer(status, body)
        items = [(i["competitor_number"], i["criterion_id"], int(Decimal(str(i["value"])) * 100)) for i in data["scores"]]
        values = ", ".join(["(%s, %s, %s, %s, %s, 1, now())"] * len(items))
        params = [p for n, c, v in items for p in (event_id, judge, n, c, v)]
        saved = conn.execute(
            f"INSERT INTO base_scores (event_id, judge_id, entry, criterion_id, value_x100, version, updated_at) VALUES {values} "
            "ON CONFLICT (judge_id, entry, criterion_id) DO UPDATE SET value_x100 = EXCLUDED.value_x100, "
            "version = base_scores.version + 1, updated_at = EXCLUDED.updated_at RETURNING entry, criterion_id, version",
            params).fetchall()
        audit = ", ".join(["(%s, %s, %s, %s, now(), %s)"] * len(items))
        conn.execute(f"INSERT INTO base_audit (judge_id, entry, criterion_id, new_x100, at, client_key) VALUES {audit}",
                     [p for n, c, v in items for p in (judge, n, c, v, key)])
        body = {"idempotency_key": key, "saved": [{"competitor_number": n, "criterion_id": c, "version": v} for n, c, v in saved]}
        conn.execute("UPDATE base_idempotency SET status = 200, response = %s WHERE id = %s", (json.dumps(body), claimed[0]))
    return answer(200, body)
