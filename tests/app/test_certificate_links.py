"""Signed certificate download links checked by nginx (issue 18 item 7): with ``CERTIFICATE_SIGNED_LINKS`` on, the
pages that offer a certificate link to ``/files/certificates/<fingerprint>.pdf?n=…&expires=…&md5=…``, signed as
nginx's ``secure_link_md5 "$secure_link_expires$uri$arg_n $secret"`` checks it, for who may download a live
certificate whose stored document is current and in the file store; otherwise the app's download route."""

import base64
import hashlib
import re
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from contest import create_app
from contest.config import TestConfig
from contest.extensions import db
from contest.models import CertificateDocument
from contest.services import certificates as service
from tests.app.test_certificate_storage import mine
from tests.app.test_certificates import final  # noqa: F401  (fixture)
from tests.app.test_results import scored  # noqa: F401  (fixture)

SECRET = "s3cret-s3cret-s3cret"
LINK = re.compile(r'href="(/files/certificates/[0-9a-f]{64}\.pdf\?[^"]+)"')


@pytest.fixture
def signed_links(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "CERTIFICATE_SIGNED_LINKS", True)
    monkeypatch.setitem(app.config, "CERTIFICATE_LINK_SECRET", SECRET)
    monkeypatch.setitem(app.config, "CERTIFICATE_LINK_SECONDS", 600)
    monkeypatch.setitem(app.config, "CERTIFICATE_FILE_STORE", str(tmp_path / "files"))
    return tmp_path / "files"


def nginx_signature(link: str, secret: str = SECRET) -> str:
    """As nginx checks a link: MD5 (binary) of expires + URI + the raw ``n`` argument + " " + secret, in
    base64url without padding (the recipe of the secure_link documentation: openssl md5 -binary | base64 | tr)."""
    parts = urlsplit(link)
    raw = dict(item.split("=", 1) for item in parts.query.split("&"))
    digest = hashlib.md5(f"{raw['expires']}{parts.path}{raw['n']} {secret}".encode()).digest()
    return base64.b64encode(digest).decode().translate(str.maketrans("+/", "-_")).rstrip("=")


def test_signature_is_the_one_nginx_computes(app, signed_links):
    with app.test_request_context():
        link = service.signed_link("a" * 64, "证书.pdf", at=1000)
    # computed with: echo -n '1800/files/…/aaaa….pdf%E8%AF%81%E4%B9%A6.pdf s3cret-s3cret-s3cret' | openssl md5 -binary
    #                | openssl base64 | tr +/ -_ | tr -d =
    assert link == f"/files/certificates/{'a' * 64}.pdf?n=%E8%AF%81%E4%B9%A6.pdf&expires=1800&md5=XiXqN68YeZdc_tKIX2-oaw"
    assert nginx_signature(link) == parse_qs(urlsplit(link).query)["md5"][0]
    assert nginx_signature(link, "another-secret-value") != parse_qs(urlsplit(link).query)["md5"][0]
    with pytest.raises(ValueError):
        service.signed_link("../../etc/passwd", "x.pdf", at=0)


@pytest.mark.parametrize("at", [0, 1, 299, 300, 1000, 1_764_470_000.5])
def test_a_link_lasts_the_validity_rounded_up_to_five_minutes(app, signed_links, at):
    with app.test_request_context():
        expires = int(parse_qs(urlsplit(service.signed_link("b" * 64, "x.pdf", at=at)).query)["expires"][0])
    assert expires % service.LINK_STEP == 0
    assert at + 600 <= expires < at + 600 + service.LINK_STEP


def test_the_page_links_to_nginx_once_the_file_is_stored(world, final, client, login_as, signed_links):  # noqa: F811
    cert = mine(world, final)
    login_as("worker")
    page = client.get("/my/certificates")
    assert page.headers["Cache-Control"] == "no-store"  # a link is never kept by a cache
    assert not LINK.search(page.text) and f'href="/certificates/{cert.id}.pdf"' in page.text  # not drawn yet: the app

    first = client.get(f"/certificates/{cert.id}.pdf")  # the app draws and stores it, and writes the file
    row = db.session.get(CertificateDocument, cert.id)
    assert first.data == row.pdf and (signed_links / row.fingerprint[:2] / f"{row.fingerprint}.pdf").read_bytes() == row.pdf

    link = LINK.search(client.get("/my/certificates").text).group(1).replace("&amp;", "&")
    query = parse_qs(urlsplit(link).query)
    assert urlsplit(link).path == f"/files/certificates/{row.fingerprint}.pdf"
    assert query["md5"][0] == nginx_signature(link)
    assert unquote(re.search(r"[?&]n=([^&]+)", link).group(1)) == service.file_name(cert)  # RFC 5987 value
    assert re.fullmatch(r"[A-Za-z0-9%._~-]+", re.search(r"[?&]n=([^&]+)", link).group(1))


def test_a_missing_file_sends_the_page_back_to_the_app(world, final, app, signed_links):  # noqa: F811
    cert = mine(world, final)
    stored = service.stored_pdf(cert)
    path = signed_links / stored.etag[:2] / f"{stored.etag}.pdf"
    with app.test_request_context():
        assert service.download_links(world.users["worker"], [cert])[cert.id].startswith("/files/certificates/")
        path.unlink()
        assert service.download_links(world.users["worker"], [cert])[cert.id] == f"/certificates/{cert.id}.pdf"
        service.stored_pdf(cert)  # the app's download writes it again
        assert path.is_file()


def test_only_who_may_download_gets_a_link(world, final, app, signed_links):  # noqa: F811
    cert = mine(world, final)
    service.stored_pdf(cert)
    with app.test_request_context():
        assert service.download_links(world.users["city"], [cert])[cert.id].startswith("/files/certificates/")  # the host
        assert service.download_links(world.users["worker_b"], [cert])[cert.id] == f"/certificates/{cert.id}.pdf"


def test_the_event_page_links_to_nginx(world, final, client, login_as, signed_links):  # noqa: F811
    cert = mine(world, final)
    service.stored_pdf(cert)
    login_as("city")
    page = client.get(f"/events/{final.event.id}/certificates")
    assert page.status_code == 200 and len(LINK.findall(page.text)) == 1


def test_a_revoked_certificate_has_no_link_and_no_file(world, final, app, signed_links):  # noqa: F811
    cert = mine(world, final)
    stored = service.stored_pdf(cert)
    service.revoke(world.users["city"], cert.id, "获奖资格取消")
    assert not (signed_links / stored.etag[:2] / f"{stored.etag}.pdf").exists()  # an old link finds nothing
    with app.test_request_context():
        assert service.download_links(world.users["city"], [cert])[cert.id] == f"/certificates/{cert.id}.pdf"


def test_a_stale_document_is_not_linked(world, final, app, signed_links):  # noqa: F811
    cert = mine(world, final)
    service.stored_pdf(cert)
    cert.event.contest.certificate_template = "兹授予{holder}同志{award}。"  # the inputs changed: drawn again first
    with app.test_request_context():
        assert service.download_links(world.users["worker"], [cert])[cert.id] == f"/certificates/{cert.id}.pdf"


def test_without_the_setting_the_pages_link_to_the_app(world, final, app):  # noqa: F811
    cert = mine(world, final)
    service.stored_pdf(cert)
    with app.test_request_context():
        assert service.download_links(world.users["worker"], [cert]) == {cert.id: f"/certificates/{cert.id}.pdf"}


@pytest.mark.parametrize("secret", ["", "short"])
def test_signed_links_without_a_secret_refuse_to_start(secret):
    with pytest.raises(RuntimeError, match="CERTIFICATE_LINK_SECRET"):
        create_app(TestConfig, {"CERTIFICATE_SIGNED_LINKS": True, "CERTIFICATE_LINK_SECRET": secret})


def test_signed_links_with_a_secret_start():
    app = create_app(TestConfig, {"CERTIFICATE_SIGNED_LINKS": True, "CERTIFICATE_LINK_SECRET": SECRET})
    assert app.config["CERTIFICATE_SIGNED_LINKS"]
