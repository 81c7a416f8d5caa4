"""Issue 11, winners and the public, in a real browser (one live server for the module):
1. a title-only certificate downloaded by its holder reads as correct Chinese (pdftotext);
2. an objector sees the host's answer through the notification badge, the inbox and 我的参赛; the public page
   says objections were handled without naming anyone;
3. a sports entrant follows his own running bracket from 我的参赛 (names masked), and never meets a 403;
4. /verify/ is a form that finds a certificate by its printed serial number;
8. times are shown in Asia/Shanghai (the notice deadline on the public page)."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from playwright.sync_api import expect

from contest import clock, create_app
from contest.config import TestConfig
from contest.extensions import db
from tests.browser.conftest import PASSWORD, login, new_page, open_menu, serving
from tests.factories import build_world


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The route matrix's data (a published contest with an objection and a certificate of 张小三's, a running
    single elimination with 李四 entered), the objection answered, and a title-only certificate."""
    from tests.app.test_route_matrix import contest_ids

    path = tmp_path_factory.mktemp("winners") / "live.sqlite3"
    app = create_app(TestConfig, {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "WTF_CSRF_ENABLED": True})
    with app.app_context():
        from contest.models import Certificate, Publication
        from contest.services import results

        db.create_all()
        world = build_world(PASSWORD)
        ids = contest_ids(world)
        results.resolve_objection(world.users["city"], ids["objection"], False, "经复核，评分无误，维持原成绩。")
        award = db.session.get(Certificate, ids["certificate"])
        title = Certificate(host_id=award.host_id, year=award.year, seq=2, serial=f"QZ-{award.year}-000002", code="winners-title-0002",
                            event_id=award.event_id, nomination_id=award.nomination_id, user_id=award.user_id, kind="title",
                            label="青年岗位能手", holder_name=award.holder_name, contest_title=award.contest_title,
                            event_name=award.event_name, issuer=award.issuer, issued_on=clock.today())
        db.session.add(title)
        db.session.commit()
        notice_until = db.session.scalar(db.select(Publication.notice_until))
        ids.update(serial=award.serial, title_serial=title.serial,
                   notice_shown=clock.local(notice_until).strftime("%Y/%m/%d %H:%M"))
        db.session.remove()
    with serving(app) as base:
        yield base, ids


@pytest.fixture
def phone(browser):
    page = new_page(browser, 390, 844, accept_downloads=True)
    yield page
    page.context.close()


def test_objector_reads_the_answer_and_downloads_a_correct_title_certificate(site, phone, tmp_path):
    base, ids = site
    page = phone
    login(page, base, "worker")
    # 2. the badge, the inbox, the notification opens the objection in 我的参赛; the home page shows it too
    expect(page.get_by_test_id("my-objections").get_by_text("不予采纳")).to_be_visible()
    expect(page.get_by_text("经复核，评分无误，维持原成绩。")).to_be_visible()
    open_menu(page)
    badge = page.get_by_test_id("unread-badge")
    expect(badge).to_be_visible()
    page.get_by_test_id("notifications-link").click()
    page.get_by_role("button", name="异议已答复").click()
    page.wait_for_url(f"{base}/my/entries#objection-{ids['objection']}")
    answer = page.locator(f"#objection-{ids['objection']}")
    expect(answer.get_by_text("不予采纳")).to_be_visible()
    expect(answer.get_by_text("经复核，评分无误，维持原成绩。")).to_be_visible()

    # 1. the title-only certificate, downloaded from 我的证书, reads as one sentence
    page.goto(f"{base}/my/certificates")
    row = page.locator("tr, .list-group-item, .card").filter(has_text="青年岗位能手").first
    with page.expect_download() as download:
        row.get_by_role("link").first.click()
    pdf = tmp_path / "title.pdf"
    download.value.save_as(pdf)
    if shutil.which("pdftotext"):
        text = "".join(subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.split())
        assert "项目中被授予“青年岗位能手”称号。" in text and "荣获，" not in text, text


def test_public_page_entrant_bracket_and_verification(site, phone):
    base, ids = site
    page = phone
    # 2 and 8. the public page: objections handled, nobody named; the notice deadline in Shanghai time
    page.goto(f"{base}/public/results/{ids['final_event']}")
    summary = page.get_by_test_id("objection-summary")
    expect(summary).to_contain_text("不予采纳 1 件")
    expect(page.get_by_text("评分无误")).to_have_count(0)
    expect(page.get_by_text(ids["notice_shown"], exact=False).first).to_be_visible()
    expect(page.get_by_text("UTC")).to_have_count(0)

    # 4. the verification form finds a certificate by the serial printed on it, typed in lower case
    page.goto(f"{base}/verify/")
    page.get_by_label("证书上印的证书编号").fill(ids["title_serial"].lower())
    page.get_by_role("button", name="查验").click()
    expect(page.get_by_test_id("status")).to_contain_text("证书有效")
    expect(page.get_by_text("张*三")).to_be_visible()
    expect(page.get_by_text("青年岗位能手")).to_be_visible()

    # 3. an entrant follows his own running bracket from 我的参赛, names masked as on public pages
    login(page, base, "worker_b")
    page.goto(f"{base}/my/entries")
    page.get_by_test_id("my-bracket").click()
    page.wait_for_url(f"{base}/brackets/events/{ids['bracket_event']}")
    expect(page.get_by_text("王*").first).to_be_visible()
    expect(page.get_by_text("王五")).to_have_count(0)
    expect(page.get_by_text("403")).to_have_count(0)
