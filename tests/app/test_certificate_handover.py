"""Stored certificate PDFs handed over to nginx (issue 18 item 7): with ``CERTIFICATE_ACCEL_LOCATION`` set the app
checks the permission and the ETag (answering 304 itself) and names the stored file (``X-Accel-Redirect``); the
file store is a copy of ``certificate_documents`` by fingerprint, written when a document is stored, written again
when missing, removed on revocation. Without the setting the app sends the bytes itself."""

from pathlib import Path

import pytest

from contest.extensions import db
from contest.models import CertificateDocument
from contest.services import certificates as service
from tests.app.test_certificate_storage import mine
from tests.app.test_certificates import final  # noqa: F401  (fixture)
from tests.app.test_results import scored  # noqa: F401  (fixture)

LOCATION = "/_stored/certificates/"


@pytest.fixture
def nginx_in_front(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "CERTIFICATE_ACCEL_LOCATION", LOCATION)
    monkeypatch.setitem(app.config, "CERTIFICATE_FILE_STORE", str(tmp_path / "files"))
    return tmp_path / "files"


def stored_file(store: Path, etag: str) -> Path:
    return store / etag[:2] / f"{etag}.pdf"


def test_download_is_handed_over_to_nginx(world, final, client, login_as, nginx_in_front):  # noqa: F811
    cert = mine(world, final)
    login_as("worker")
    first = client.get(f"/certificates/{cert.id}.pdf")  # drawn now: these bytes, and the file written for next time
    assert first.status_code == 200 and first.data.startswith(b"%PDF")
    row = db.session.get(CertificateDocument, cert.id)
    path = stored_file(nginx_in_front, row.fingerprint)
    assert path.read_bytes() == row.pdf == first.data

    second = client.get(f"/certificates/{cert.id}.pdf")
    assert second.status_code == 200 and second.data == b""
    assert second.headers["X-Accel-Redirect"] == f"{LOCATION}{row.fingerprint[:2]}/{row.fingerprint}.pdf"
    assert second.headers["ETag"] == f'"{row.fingerprint}"'
    assert second.headers["Cache-Control"] == "private, no-cache"
    assert second.mimetype == "application/pdf" and "attachment" in second.headers["Content-Disposition"]

    again = client.get(f"/certificates/{cert.id}.pdf", headers={"If-None-Match": second.headers["ETag"]})
    assert again.status_code == 304 and "X-Accel-Redirect" not in again.headers  # the app answers 304 itself

    path.unlink()  # the file store lost it: written again from the stored row
    third = client.get(f"/certificates/{cert.id}.pdf")
    assert third.headers["X-Accel-Redirect"] == second.headers["X-Accel-Redirect"] and path.read_bytes() == row.pdf


def test_others_never_get_a_handover(world, final, client, login_as, nginx_in_front):  # noqa: F811
    cert = mine(world, final)
    service.stored_pdf(cert, handover=True)
    login_as("worker_b")
    answer = client.get(f"/certificates/{cert.id}.pdf")
    assert answer.status_code in (403, 404) and "X-Accel-Redirect" not in answer.headers


def test_revocation_removes_the_file(world, final, nginx_in_front):  # noqa: F811
    cert = mine(world, final)
    stored = service.stored_pdf(cert, handover=True)
    path = stored_file(nginx_in_front, stored.etag)
    assert path.is_file()
    new = service.reissue(world.users["city"], cert.id, "姓名更正")
    assert not path.exists()
    fresh = service.stored_pdf(new, handover=True)
    assert fresh.accel is None and fresh.pdf.startswith(b"%PDF")  # drawn now, sent by the app this once
    assert stored_file(nginx_in_front, fresh.etag).read_bytes() == fresh.pdf
    service.revoke(world.users["city"], new.id, "获奖资格取消")
    assert not stored_file(nginx_in_front, fresh.etag).exists()


def test_without_nginx_the_app_sends_the_bytes(world, final, client, login_as, tmp_path, monkeypatch, app):  # noqa: F811
    monkeypatch.setitem(app.config, "CERTIFICATE_FILE_STORE", str(tmp_path / "files"))
    cert = mine(world, final)
    login_as("worker")
    for _ in range(2):
        answer = client.get(f"/certificates/{cert.id}.pdf")
        assert answer.status_code == 200 and answer.data.startswith(b"%PDF") and "X-Accel-Redirect" not in answer.headers
    assert not (tmp_path / "files").exists()  # no file store without nginx
