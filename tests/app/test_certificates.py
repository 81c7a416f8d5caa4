"""Certificates: issued after final results, read back with real PDF tools, verified by their QR code."""

import io
import shutil
import subprocess
import zipfile

import pytest
from sqlalchemy import select

from contest.domain.contests import ContestStatus
from contest.domain.errors import DomainError
from contest.extensions import db
from contest.models import Certificate
from contest.services import PermissionDenied, results
from contest.services import certificates as service
from tests.app.test_results import scored  # noqa: F401  (fixture)

TOOLS = all(shutil.which(t) for t in ("pdftotext", "pdffonts", "pdftoppm", "zbarimg"))


@pytest.fixture
def final(world, scored):  # noqa: F811
    run, _plan = scored
    city = world.users["city"]
    results.compute_results(city, run.event.id)
    results.publish(city, run.event.contest.id)
    run.event.contest.status = ContestStatus.FINAL
    db.session.commit()
    return run


def test_issue_once_per_award_and_title_with_serials(world, final):
    city = world.users["city"]
    created = service.issue_for_event(city, final.event.id)
    labels = sorted(c.label for c in created)
    assert labels.count("一等奖") == 1 and labels.count("二等奖") == 3 and labels.count("三等奖") == 2
    assert labels.count("青年岗位能手") == 1  # the title has a certificate of its own
    serials = [c.serial for c in created]
    assert serials[0] == f"QZ-{final.event.contest.year}-000001" and len(set(serials)) == len(serials)
    assert all(len(c.code) >= 20 for c in created)
    assert service.issue_for_event(city, final.event.id) == []  # nothing twice
    with pytest.raises(PermissionDenied):
        service.issue_for_event(world.users["county_a"], final.event.id)


def test_only_after_final_results(world, scored):  # noqa: F811
    run, _plan = scored
    results.compute_results(world.users["city"], run.event.id)
    with pytest.raises(DomainError, match="final"):
        service.issue_for_event(world.users["city"], run.event.id)


def test_revoke_and_reissue(world, final):
    city = world.users["city"]
    cert = service.issue_for_event(city, final.event.id)[0]
    assert service.verify(cert.code)["status"] == "valid"
    with pytest.raises(DomainError, match="reason"):
        service.revoke(city, cert.id, "")
    world.users["worker"].name = "张晓三"  # a name correction
    db.session.commit()
    new = service.reissue(city, cert.id, "姓名更正")
    assert new.holder_name == "张晓三" and new.serial != cert.serial and new.replaces_id == cert.id
    assert service.verify(cert.code)["status"] == "revoked" and service.verify(new.code)["status"] == "valid"
    service.revoke(city, new.id, "获奖资格取消")
    assert service.verify(new.code)["status"] == "revoked"
    assert service.verify("no-such-code")["status"] == "unknown"


@pytest.mark.skipif(not TOOLS, reason="poppler-utils and zbar-tools are installed by `make test`")
def test_pdf_read_back_with_real_tools(world, final, client, tmp_path):
    cert = next(c for c in service.issue_for_event(world.users["city"], final.event.id) if c.label == "一等奖")
    pdf = tmp_path / "cert.pdf"
    pdf.write_bytes(service.pdf_of(cert))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "张小三" in text and "一等奖" in text
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    lines = [line.split() for line in fonts.splitlines()[2:]]
    assert lines and all(line[-5] == "yes" for line in lines), fonts  # every font embedded ("emb" column)
    assert any("WenQuanYi" in line[0] and "+" in line[0] for line in lines), fonts  # the CJK font, as a subset
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(pdf), str(tmp_path / "page")], check=True)
    png = next(tmp_path.glob("page*.png"))
    decoded = subprocess.run(["zbarimg", "--quiet", "--raw", str(png)], capture_output=True, text=True, check=True).stdout.strip()
    assert decoded == service.verify_url(cert)
    path = decoded.split("://", 1)[1].split("/", 1)[1]
    page = client.get("/" + path)
    assert page.status_code == 200 and "证书有效" in page.data.decode() and "张*三" in page.data.decode()


def test_downloads_for_winner_and_organiser(world, final, client, login_as):
    created = service.issue_for_event(world.users["city"], final.event.id)
    mine = next(c for c in created if c.user_id == world.users["worker"].id)
    login_as("worker")
    home = client.get("/").data.decode()
    link = f"/certificates/{mine.id}.pdf"
    assert link in home  # one click from the home page after logging in
    response = client.get(link)
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    other = next(c for c in created if c.user_id != world.users["worker"].id)
    assert client.get(f"/certificates/{other.id}.pdf").status_code == 403
    client.post("/logout")
    login_as("city")
    from pypdf import PdfReader

    with client.get(f"/events/{final.event.id}/certificates.pdf") as merged:
        assert merged.status_code == 200
        assert len(PdfReader(io.BytesIO(merged.data)).pages) == len(created)
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/events/{final.event.id}/certificates.zip").data))
    assert len(archive.namelist()) == len(created) and archive.namelist()[0].startswith("荣誉证书-")


def test_public_verification_and_api(world, final, client):
    cert = service.issue_for_event(world.users["city"], final.event.id)[0]
    body = client.get(f"/api/v1/certificates/{cert.code}").get_json()
    assert body["status"] == "valid" and body["holder"] == "张*三" and body["serial"] == cert.serial
    unknown = client.get("/api/v1/certificates/unknown-code")
    assert unknown.status_code == 404 and unknown.get_json()["error"]["code"] == "not_found"
    assert unknown.get_json()["error"]["details"] == {"status": "unknown"}
    service.revoke(world.users["city"], cert.id, "撤销")
    assert client.get(f"/api/v1/certificates/{cert.code}").get_json()["status"] == "revoked"
    page = client.get(f"/verify/{cert.code}").data.decode()
    assert "已撤销" in page


def test_verification_is_rate_limited(app_factory):
    app = app_factory(RATELIMIT_ENABLED=True, VERIFY_RATE_LIMIT="3 per minute")
    with app.app_context():
        db.create_all()
        client = app.test_client()
        statuses = [client.get(f"/verify/code{i}").status_code for i in range(4)]
        assert statuses == [404, 404, 404, 429]
        db.session.remove()


def test_seal_must_be_a_png(world, final):
    with pytest.raises(DomainError):
        service.set_certificate_settings(world.users["city"], final.event.contest_id, "衢州市总工会", "", b"not a png")
    contest = service.set_certificate_settings(world.users["city"], final.event.contest_id, "衢州市总工会 衢州市人力资源和社会保障局", "", None)
    assert contest.certificate_seal is None and "人力资源" in contest.certificate_issuer
    assert db.session.scalar(select(Certificate.id)) is None


def test_downloads_before_issuing_explain_themselves(world, final, client, login_as):
    login_as("city")
    response = client.get(f"/events/{final.event.id}/certificates.pdf", follow_redirects=True)
    assert "尚未颁发证书" in response.data.decode()
    response = client.get(f"/events/{final.event.id}/certificates.zip", follow_redirects=True)
    assert "尚未颁发证书" in response.data.decode()


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is installed by `make test`")
def test_title_certificate_reads_as_chinese(world, final, tmp_path):
    """The issued title certificate (no award of its own) says 被授予“…”称号, never "荣获，"."""
    cert = next(c for c in service.issue_for_event(world.users["city"], final.event.id) if c.kind == "title")
    pdf = tmp_path / "title.pdf"
    pdf.write_bytes(service.pdf_of(cert))
    text = "".join(subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.split())
    assert f"项目中被授予“{cert.label}”称号。" in text and "荣获" not in text, text


def test_verify_form_and_lookup_by_printed_serial(world, final, client):
    """/verify/ without a code is a form; a serial as printed (or typed sloppily) finds the certificate."""
    cert = service.issue_for_event(world.users["city"], final.event.id)[0]
    page = client.get("/verify/")
    assert page.status_code == 200 and 'name="q"' in page.data.decode() and "QZ-" in page.data.decode()
    for typed in (cert.serial, f" {cert.serial.lower()} ", cert.serial.replace("-", "－"), service.verify_url(cert), cert.code):
        response = client.get("/verify/", query_string={"q": typed})
        body = response.data.decode()
        assert response.status_code == 200 and "证书有效" in body and "张*三" in body and cert.serial in body, typed
    assert client.get(f"/api/v1/certificates/{cert.serial.lower()}").get_json()["serial"] == cert.serial
    missing = client.get("/verify/", query_string={"q": "QZ-1999-000001"})
    assert missing.status_code == 404 and "证书编号" in missing.data.decode()
    service.revoke(world.users["city"], cert.id, "撤销")
    assert "已撤销" in client.get("/verify/", query_string={"q": cert.serial}).data.decode()


def test_serial_lookups_share_the_verification_rate_limit(app_factory):
    app = app_factory(RATELIMIT_ENABLED=True, VERIFY_RATE_LIMIT="3 per minute")
    with app.app_context():
        db.create_all()
        client = app.test_client()
        assert client.get("/verify/").status_code == 200  # the empty form costs nothing
        statuses = [client.get("/verify/", query_string={"q": f"QZ-2024-00001{i}"}).status_code for i in range(2)]
        statuses += [client.get("/verify/code1").status_code, client.get("/api/v1/certificates/QZ-2024-000013").status_code]
        assert statuses == [404, 404, 404, 429]  # pages and API draw on one budget
        db.session.remove()
