"""The demo shows what issue 11's winners' items fixed: a title-only certificate whose text is correct, an
answered objection visible to its objector, and certificates of past years dated in their own years."""

import shutil
import subprocess

from sqlalchemy import select

from contest.extensions import db
from contest.models import Certificate, Objection
from contest.seed import DEMO_PASSWORD
from contest.services import certificates


def test_demo_title_certificates_objection_and_dates(runner, client, tmp_path):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    for cert in db.session.scalars(select(Certificate)):
        assert cert.issued_on.year == cert.year, cert.serial  # past years' certificates carry their own dates
    title = db.session.scalars(select(Certificate).where(Certificate.kind == "title").order_by(Certificate.id)).first()
    assert title is not None
    if shutil.which("pdftotext"):
        pdf = tmp_path / "title.pdf"
        pdf.write_bytes(certificates.pdf_of(title))
        text = "".join(subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.split())
        assert f"项目中被授予“{title.label}”称号。" in text and "荣获，" not in text
    objection = db.session.scalar(select(Objection).where(Objection.status == "dismissed"))
    assert objection is not None
    username = objection.filed_by.username
    assert f"{username} " in result.output  # the objector's login is listed
    client.post("/login", data={"username": username, "password": DEMO_PASSWORD})
    home = client.get("/").get_data(as_text=True)
    assert "不予采纳" in home and objection.resolution in home and 'data-testid="unread-badge"' in home
