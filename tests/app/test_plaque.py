"""The plaque-style certificate (奖牌版) of a unit: landscape, names the unit in large type, verifies by QR code;
offered to the unit's organisers and the host, refused for a person's certificate."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date

import pytest

from contest.documents.certificate import CertificateData
from contest.documents.plaque import fingerprint, render_plaque
from contest.services import certificates as certificate_service
from tests.app.test_entrants import _final_unit_event

TOOLS = all(shutil.which(t) for t in ("pdftotext", "pdfinfo", "pdftoppm", "zbarimg"))
URL = "https://contest.example.cn/verify/plaque-code-0001"


def data(name="衢州市交通投资集团有限公司衢丽铁路项目部", award="立功竞赛先进集体") -> CertificateData:
    return CertificateData(serial="QZ-2026-000042", holder_name=name, contest_title="2026年衢州至丽水铁路衢州段建设劳动竞赛",
                           event_name="先进集体", award=award, titles=(), issuer="衢州市总工会", issued_on=date(2026, 11, 30),
                           verify_url=URL, unit=True)


def test_the_plaque_is_reproducible_and_its_fingerprint_follows_its_inputs():
    assert render_plaque(data()) == render_plaque(data())
    assert fingerprint(data()) == fingerprint(data()) != fingerprint(data(award="立功竞赛先进班组"))


@pytest.mark.skipif(not TOOLS, reason="poppler-utils and zbar-tools are installed by `make test`")
@pytest.mark.parametrize("name", ["柯城电力", "衢州市交通投资集团有限公司衢丽铁路项目部第一工区综合施工队（含钢筋班、混凝土班、架子班）"])
def test_the_plaque_is_landscape_names_the_unit_and_its_qr_code_verifies(tmp_path, name):
    pdf = tmp_path / "plaque.pdf"
    pdf.write_bytes(render_plaque(data(name)))
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    width, height = (float(v) for v in next(line for line in info.splitlines() if line.startswith("Page size")).split()[2:5:2])
    assert width > height and re.search(r"^Pages:\s+1$", info, re.M)
    text = "".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.split())
    assert (name if len(name) < 30 else name[:20]) in text and "立功竞赛先进集体" in text and "QZ-2026-000042" in text
    assert "衢州市总工会" in text and "二〇二六年十一月三十日" in text
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(pdf), str(tmp_path / "page")], check=True)
    png = next(tmp_path.glob("page*.png"))
    decoded = subprocess.run(["zbarimg", "--quiet", "--raw", str(png)], capture_output=True, text=True, check=True).stdout.strip()
    assert decoded == URL


def test_the_units_organisers_and_the_host_download_the_plaque(world, client, login_as):
    event, _entered = _final_unit_event(world)
    created = certificate_service.issue_for_event(world.users["city"], event.id)
    cert = next(c for c in created if c.holder_name == "柯城电力")
    login_as("ent_a")
    mine = client.get("/my/certificates").get_data(as_text=True)
    assert f"/certificates/{cert.id}/plaque.pdf" in mine and "奖牌版 PDF" in mine
    response = client.get(f"/certificates/{cert.id}/plaque.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf" and response.data.startswith(b"%PDF")
    again = client.get(f"/certificates/{cert.id}/plaque.pdf", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-", "-"], input=response.data, capture_output=True, check=True).stdout.decode()
        assert "柯城电力" in text
    client.post("/logout")
    login_as("county_b")
    assert client.get(f"/certificates/{cert.id}/plaque.pdf").status_code == 403
    client.post("/logout")
    login_as("city")
    page = client.get(f"/events/{event.id}/certificates").get_data(as_text=True)
    assert f"/certificates/{cert.id}/plaque.pdf" in page
    assert client.get(f"/certificates/{cert.id}/plaque.pdf").status_code == 200
