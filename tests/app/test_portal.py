"""The public portal (issue 15.2): upcoming contests with rules documents, published results, verification,
announcements with attachments checked by content, and page caching for anonymous visitors."""

from __future__ import annotations

import io
import zipfile

import pytest

from contest.domain.contests import ContestStatus
from contest.extensions import db
from contest.models import Announcement, Attachment, Contest
from contest.services import portal
from tests.contest_factories import make_contest

PDF = b"%PDF-1.4\n% a small test file\n"

pytestmark = pytest.mark.db  # aggregate SQL, JSON casts and month extraction on both databases


def docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def test_anonymous_visitors_see_upcoming_contests_with_windows_and_rules_documents(world, client):
    contest = make_contest(world.users["city"], title="公开竞赛")
    draft = make_contest(world.users["city"], title="草稿竞赛", open_=False)
    doc = portal.add_rules_document(world.users["city"], contest.id, portal.Upload("竞赛规程.pdf", PDF))
    hidden = portal.add_rules_document(world.users["city"], draft.id, portal.Upload("草稿规程.pdf", PDF + b"x"))
    html = client.get("/portal/").get_data(as_text=True)
    assert "公开竞赛" in html and "草稿竞赛" not in html and "竞赛规程.pdf" in html
    assert str(contest.registration_closes) in html
    assert 'name="viewport"' in html
    response = client.get(f"/portal/files/{doc.id}")
    assert response.status_code == 200 and response.mimetype == "application/pdf" and response.data == PDF
    assert client.get(f"/portal/files/{hidden.id}").status_code == 404  # a draft's document is not public
    assert client.get(f"/portal/contests/{draft.id}").status_code == 404
    assert "竞赛规程.pdf" in client.get(f"/portal/contests/{contest.id}").get_data(as_text=True)


def test_published_results_are_linked_and_names_masked(world, client):
    from contest.models import Publication, utcnow
    from contest.services import registration

    contest = make_contest(world.users["city"], title="已公示竞赛")
    registration.nominate(world.users["city"], contest.events[0].id, [world.users["worker"].id])
    contest.status = ContestStatus.PUBLISHED
    db.session.add(Publication(contest_id=contest.id, notice_until=utcnow()))
    db.session.commit()
    html = client.get("/portal/").get_data(as_text=True)
    assert "已公示竞赛" in html and f"/public/results/{contest.events[0].id}" in html
    assert "/verify/" in html


def test_organisers_post_announcements_with_files_checked_by_content(world, client, login_as):
    login_as("county_a")
    refused = client.post("/announcements/manage", data={"title": "通知", "body": "正文",
                                                          "files": [(io.BytesIO(b"MZ\x90\x00 not a pdf"), "规程.pdf")]},
                          content_type="multipart/form-data")
    assert refused.status_code == 422 and 'id="files-error"' in refused.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Announcement.id))) == 0
    response = client.post("/announcements/manage", data={"title": "关于举办技能竞赛的通知", "body": "第一行\n第二行",
                                                           "files": [(io.BytesIO(PDF), "通知.pdf"), (io.BytesIO(docx()), "报名表.docx")]},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    item = db.session.scalar(db.select(Announcement))
    assert item.org_id == world.orgs["county_a"].id
    kinds = sorted(a.content_type for a in db.session.scalars(db.select(Attachment)))
    assert kinds == ["application/pdf", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"]
    client.post("/logout")
    page = client.get(f"/portal/announcements/{item.id}").get_data(as_text=True)
    assert "关于举办技能竞赛的通知" in page and "报名表.docx" in page
    assert "关于举办技能竞赛的通知" in client.get("/portal/announcements/").get_data(as_text=True)
    # another county cannot withdraw it; its own organiser and the city can
    login_as("county_b")
    assert client.post(f"/announcements/{item.id}/withdraw").status_code == 403
    client.post("/logout")
    login_as("city")
    assert client.post(f"/announcements/{item.id}/withdraw").status_code == 302
    client.post("/logout")
    assert client.get(f"/portal/announcements/{item.id}").status_code == 404
    files = list(db.session.scalars(db.select(Attachment.id)))
    assert all(client.get(f"/portal/files/{i}").status_code == 404 for i in files)


def test_the_title_is_required_and_shown_next_to_its_field(world, client, login_as):
    login_as("city")
    response = client.post("/announcements/manage", data={"title": " ", "body": "x"})
    assert response.status_code == 422 and 'id="title-error"' in response.get_data(as_text=True)


@pytest.mark.parametrize("data,name,accepted", [
    (b"", "a.pdf", False),
    (b"<html><script>alert(1)</script>", "a.pdf", False),
    (b"\x89PNG\r\n\x1a\n....", "seal.png", True),
    (b"plain words", "readme.txt", True),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1....", "old.doc", True),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1....", "old.msi", False),
])
def test_rules_documents_are_checked_by_content(world, data, name, accepted):
    from contest.domain.errors import DomainError

    contest = make_contest(world.users["city"])
    if accepted:
        portal.add_rules_document(world.users["city"], contest.id, portal.Upload(name, data))
    else:
        with pytest.raises(DomainError):
            portal.add_rules_document(world.users["city"], contest.id, portal.Upload(name, data))


def test_only_the_host_attaches_rules_documents(world, client, login_as):
    contest = make_contest(world.users["city"])
    login_as("county_a")
    assert client.get(f"/contests/{contest.id}/rules-documents").status_code == 403
    client.post("/logout")
    login_as("city")
    response = client.post(f"/contests/{contest.id}/rules-documents", data={"file": (io.BytesIO(PDF), "规程.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    assert db.session.scalar(db.select(Attachment.filename).where(Attachment.contest_id == contest.id)) == "规程.pdf"


def test_public_pages_are_cached_for_anonymous_visitors_only(app, world, client, login_as):
    app.config["PORTAL_CACHE_SECONDS"] = 30
    from contest.portal.cache import clear

    clear()
    try:
        make_contest(world.users["city"], title="第一项")
        first = client.get("/portal/")
        assert "第一项" in first.get_data(as_text=True) and first.headers["Cache-Control"] == "public, max-age=30"
        make_contest(world.users["city"], title="第二项")
        assert "第二项" not in client.get("/portal/").get_data(as_text=True)  # served from the cache
        login_as("city")  # logged in: never cached
        assert "第二项" in client.get("/portal/").get_data(as_text=True)
        client.post("/announcements/manage", data={"title": "新通知"})  # a change shown on the portal empties the cache
        html = app.test_client().get("/portal/").get_data(as_text=True)  # a fresh visitor
        assert "新通知" in html and "第二项" in html
    finally:
        clear()


def test_contest_rules_text_is_shown_when_there_is_no_document(world, client):
    contest = make_contest(world.users["city"])
    db.session.get(Contest, contest.id).rules = "第一条 参赛对象"
    db.session.commit()
    assert "第一条 参赛对象" in client.get(f"/portal/contests/{contest.id}").get_data(as_text=True)
