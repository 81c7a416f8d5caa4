"""Stored certificate PDFs (issue 18 item 7): drawn once, served with a strong ETag and revalidated (304);
a reissue or revocation, or a changed seal or text, never serves a stale document."""

from dataclasses import replace

from sqlalchemy import func, select

from contest.documents.certificate import render_certificate
from contest.extensions import db
from contest.models import CertificateDocument
from contest.services import certificates as service
from tests.app.test_certificates import final  # noqa: F401  (fixture)
from tests.app.test_results import scored  # noqa: F401  (fixture)


def documents() -> int:
    return db.session.scalar(select(func.count()).select_from(CertificateDocument))


def mine(world, final):  # noqa: F811
    created = service.issue_for_event(world.users["city"], final.event.id)
    return next(c for c in created if c.user_id == world.users["worker"].id)


def test_download_is_stored_once_and_revalidated_with_its_etag(world, final, client, login_as):  # noqa: F811
    cert = mine(world, final)
    assert documents() == 0  # nothing is drawn at issue time
    login_as("worker")
    first = client.get(f"/certificates/{cert.id}.pdf")
    assert first.status_code == 200 and first.data.startswith(b"%PDF")
    etag = first.headers["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")  # strong
    assert first.headers["Cache-Control"] == "private, no-cache"
    assert documents() == 1
    row = db.session.get(CertificateDocument, cert.id)
    assert row.pdf == first.data and row.size == len(first.data) and f'"{row.fingerprint}"' == etag

    again = client.get(f"/certificates/{cert.id}.pdf", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag
    assert again.headers["Cache-Control"] == "private, no-cache"
    assert client.get(f"/certificates/{cert.id}.pdf", headers={"If-None-Match": '"stale", ' + etag}).status_code == 304
    stale = client.get(f"/certificates/{cert.id}.pdf", headers={"If-None-Match": '"something-else"'})
    assert stale.status_code == 200 and stale.data == first.data and documents() == 1


def test_stored_bytes_equal_a_fresh_render(world, final):  # noqa: F811
    cert = mine(world, final)
    stored = service.stored_pdf(cert).pdf
    assert stored == render_certificate(service.data_of(cert))
    assert service.pdf_of(cert) == stored  # read back from storage, the same bytes


def test_reissue_and_revoke_invalidate(world, final, client, login_as):  # noqa: F811
    cert = mine(world, final)
    old = service.stored_pdf(cert)
    world.users["worker"].name = "张晓三"
    db.session.commit()
    new = service.reissue(world.users["city"], cert.id, "姓名更正")
    assert db.session.get(CertificateDocument, cert.id) is None  # the revoked one keeps no document
    fresh = service.stored_pdf(new)
    assert fresh.etag != old.etag and fresh.pdf != old.pdf
    login_as("worker")
    assert client.get(f"/certificates/{cert.id}.pdf", headers={"If-None-Match": f'"{old.etag}"'}).status_code != 304
    client.post("/logout")
    service.revoke(world.users["city"], new.id, "获奖资格取消")
    assert db.session.get(CertificateDocument, new.id) is None


def test_a_changed_seal_or_text_draws_the_document_again(world, final):  # noqa: F811
    cert = mine(world, final)
    before = service.stored_pdf(cert)
    contest = cert.event.contest
    contest.certificate_template = "{name}同志在{contest}{event}项目中荣获{award}。"
    db.session.commit()
    after = service.stored_pdf(cert)
    assert after.etag != before.etag and after.pdf == render_certificate(service.data_of(cert))
    assert db.session.get(CertificateDocument, cert.id).fingerprint == after.etag
    assert render_certificate(replace(service.data_of(cert))) == after.pdf


def test_the_event_zip_carries_the_stored_documents(world, final):  # noqa: F811
    import io
    import zipfile

    cert = mine(world, final)
    stored = service.stored_pdf(cert).pdf
    archive = zipfile.ZipFile(io.BytesIO(service.zip_of(world.users["city"], final.event.id)))
    assert archive.read(service.file_name(cert)) == stored
    live = len(archive.namelist())
    assert documents() == live  # every certificate in the archive was drawn once and kept
