"""Slow links and offline pages: content-hashed static files cached for a year and gzipped, the service worker
script, one API token per device, and Swiss points with ½."""

from __future__ import annotations

import gzip
import re
from decimal import Decimal

from flask import url_for

from contest.templating import _points
from tests.judging_factories import running_event

APP_CSS = "css/app.css"


def test_static_files_get_hashed_names_long_caching_and_gzip(app, client):
    with app.test_request_context():
        url = url_for("static", filename=APP_CSS)
    assert re.fullmatch(r"/static/css/app\.[0-9a-f]{10}\.css", url)
    plain = (app.static_folder + "/" + APP_CSS)
    with open(plain, "rb") as f:
        body = f.read()

    hashed = client.get(url, headers={"Accept-Encoding": "gzip, br"})
    assert hashed.status_code == 200
    assert hashed.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "Accept-Encoding" in hashed.headers["Vary"]
    assert hashed.headers["Content-Encoding"] == "gzip" and gzip.decompress(hashed.data) == body
    assert hashed.mimetype == "text/css"

    identity = client.get(url)  # a client that does not accept gzip gets the file as it is
    assert "Content-Encoding" not in identity.headers and identity.data == body

    unhashed = client.get(f"/static/{APP_CSS}")  # linked by hand: served, revalidated every time
    assert unhashed.status_code == 200 and unhashed.headers["Cache-Control"] == "no-cache"
    assert client.get(f"/static/{APP_CSS}", headers={"If-None-Match": unhashed.headers["ETag"]}).status_code == 304

    old = client.get("/static/css/app.0123456789.css")  # a page older than the file: the current file, not cached for long
    assert old.status_code == 200 and old.headers["Cache-Control"] == "no-cache"
    assert client.get("/static/../contest/config.py").status_code == 404
    assert client.get("/static/css/nothing.css").status_code == 404


def test_the_service_worker_precaches_the_shell_under_its_hashed_names(app, client):
    response = client.get("/sw.js")
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache" and response.headers["Service-Worker-Allowed"] == "/"
    text = response.get_data(as_text=True)
    with app.test_request_context():
        for name in ("js/outbox.js", "js/tablet.js", "css/tablet.css", "vendor/bootstrap/bootstrap.min.css"):
            assert f'"{url_for("static", filename=name)}"' in text
    assert re.search(r'var CACHE = "contest-" \+ "[0-9a-f]{16}";', text)


def test_one_token_per_device_and_only_for_judges(app, client, world, login_as):
    run = running_event(world)
    login_as("judge")
    assert client.post("/device-token").status_code == 422  # not from the judge's pages
    response = client.post("/device-token", headers={"X-Contest-Device": "1"})
    assert response.status_code == 201 and response.headers["Cache-Control"] == "no-store"
    body = response.get_json()
    assert body["expires_at"].endswith("Z")
    sheet = client.get(f"/api/v1/events/{run.event.id}/sheet", headers={"Authorization": f"Bearer {body['token']}"})
    assert sheet.status_code == 200
    # the tablet page no longer mints a token of its own at every load
    page = client.get(f"/judging/events/{run.event.id}").get_data(as_text=True)
    assert '"token"' not in page and 'id="outbox-config"' in page
    client.post("/logout")
    login_as("worker")
    assert client.post("/device-token", headers={"X-Contest-Device": "1"}).status_code == 403


def test_points_show_halves_as_in_swiss():
    assert [_points(v) for v in (Decimal("3"), Decimal("2.5"), Decimal("0.5"), "3.00", "1.50", Decimal("0"))] == ["3", "2½", "½", "3", "1½", "0"]
    assert _points("—") == "—"
