"""Operations (issue 18.10): health and readiness probes, request logs with a request id and no personal
numbers, Prometheus metrics for allowed addresses only."""

from __future__ import annotations

import io
import json
import logging
import re

import pytest

from contest.ops import logs


def test_healthz_and_readyz(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.get_json() == {"status": "ready", "checks": {"database": "ok"}}


def test_readyz_says_which_dependency_is_down(app, client, monkeypatch):
    from contest.extensions import db

    def broken(*_args, **_kwargs):
        raise RuntimeError("connection refused")

    monkeypatch.setattr(db.session, "execute", broken)
    app.config["RATELIMIT_STORAGE_URI"] = "redis://127.0.0.1:1"  # configured, but no storage answers
    answer = client.get("/readyz")
    assert answer.status_code == 503
    assert answer.get_json() == {"status": "unavailable", "checks": {"database": "unavailable", "redis": "unavailable"}}
    assert "refused" not in answer.get_data(as_text=True)


def test_metrics_count_requests_and_submissions_for_allowed_addresses_only(app, client):
    client.get("/healthz")
    body = client.get("/metrics").get_data(as_text=True)
    assert 'contest_http_requests_total{endpoint="ops.healthz",method="GET",status="200"}' in body
    assert "contest_http_request_duration_seconds_bucket" in body and "contest_score_submissions_total" in body
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 404
    app.config["METRICS_ALLOW"] = ("10.1.0.0/16",)
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 200
    app.config["METRICS_ENABLED"] = False
    assert client.get("/metrics").status_code == 404


RESIDENT_ID = "330802198001011234"
PHONE = "13905701234"


@pytest.fixture
def log_lines():
    stream = io.StringIO()
    handler = logs.handler(stream)
    root = logging.getLogger()
    level = root.level
    # Alembic's logging set-up (tests/app/test_migrations.py) disables the loggers that existed before it.
    for name in [n for n in logging.root.manager.loggerDict if n.startswith("contest")]:
        logging.getLogger(name).disabled = False
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield stream
    root.removeHandler(handler)
    root.setLevel(level)


def test_request_logs_carry_a_request_id_and_no_resident_id_or_phone(world, client, login_as, log_lines):
    answer = client.get(f"/healthz?id={RESIDENT_ID}", headers={"X-Request-ID": "proxy-id-0001"})
    assert answer.headers["X-Request-ID"] == "proxy-id-0001"
    generated = client.get("/healthz", headers={"X-Request-ID": "bad id with spaces"}).headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", generated)
    login_as("city")
    client.get(f"/people/?q={RESIDENT_ID}")
    client.post("/login", data={"username": RESIDENT_ID, "password": PHONE})
    logging.getLogger("contest.services").info("imported %s, phone %s, id %sx", RESIDENT_ID, PHONE, RESIDENT_ID[:17])
    try:
        raise ValueError(f"bad row {RESIDENT_ID} {PHONE}")
    except ValueError:
        logging.getLogger("contest").exception("import failed")
    lines = log_lines.getvalue().splitlines()
    entries = [json.loads(line) for line in lines]
    requests = [e for e in entries if e["logger"] == "contest.request"]
    assert requests[0]["request_id"] == "proxy-id-0001" and requests[0]["path"] == "/healthz" and requests[0]["status"] == 200
    assert all("request_id" in e for e in requests) and any(e["user_id"] for e in requests)
    text = log_lines.getvalue()
    assert RESIDENT_ID not in text and PHONE not in text and RESIDENT_ID[:17] not in text
    assert "[redacted]" in text


def test_redaction_keeps_ordinary_numbers():
    assert logs.redact("event 42 took 12.5 ms, 2026 year") == "event 42 took 12.5 ms, 2026 year"
    assert logs.redact(f"id {RESIDENT_ID[:17]}X phone {PHONE}.") == "id [redacted] phone [redacted]."
