"""The whole mission in a real browser, in Chinese, on one database (issue 15, part 4):

1. the city organiser creates a contest and allocates quotas; team, enterprise and county organisers nominate and
   approve; the city confirms; the draw runs;
2. judges score on a tablet viewport, one losing the connection mid-way, and every score arrives once; the chief
   judge signs off;
3. results are published and objected to; the objector sees the answer; results become final; certificates are
   issued; the winner, on a phone viewport, downloads his PDF; the verification page opened from the QR URL
   says valid;
4. the dashboard counts the contest, and the notifications arrived (organisers', the winner's, the objector's).

The journeys run in order in one test on one live server, each continuing where the last one stopped (one test:
a test runner free to reorder or distribute tests cannot separate them). They wait on page state, never on fixed
sleeps; a failure leaves a screenshot of every page the mission opened in test-output/screenshots/.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from contest import create_app
from contest.clock import today
from contest.config import TestConfig
from contest.extensions import db
from contest.models import Nomination, Publication, Role, Score, ScoreAudit, utcnow
from tests.browser.conftest import PASSWORD, WAIT_MS, login, open_menu, serving
from tests.factories import build_world, make_user

CONTEST = "2026年衢州市职工职业技能大赛（全流程）"
EVENT = "电工"


@dataclass
class Mission:
    app: object
    base: str
    state: dict = field(default_factory=dict)  # what one journey leaves for the next (urls, ids)


@pytest.fixture
def mission(tmp_path_factory, request):
    """A live server on a fresh database; on failure, a screenshot of every page the mission opened."""
    path = tmp_path_factory.mktemp("mission") / "live.sqlite3"
    app = create_app(TestConfig, {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "WTF_CSRF_ENABLED": True})
    with app.app_context():
        db.create_all()
        world = build_world(PASSWORD)
        make_user("chief", world.orgs["city"], {Role.JUDGE}, world.users["city"].password_hash, "总裁判长")
        db.session.commit()
        db.session.remove()
    with serving(app) as base:
        m = Mission(app, base)
        m.state["pages"] = []
        failures_before = request.session.testsfailed
        yield m
        if request.session.testsfailed > failures_before:  # the call failed (counted before teardown)
            folder = request.config.rootpath / "test-output" / "screenshots"
            folder.mkdir(parents=True, exist_ok=True)
            for i, page in enumerate(m.state["pages"]):
                if not page.is_closed():
                    shot = folder / f"mission-{i}.png"
                    page.screenshot(path=str(shot), full_page=True)
                    print(f"screenshot: {shot}")


def open_page(browser, mission: Mission, *, width=1280, height=900, touch=False, downloads=False):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN",
                                  has_touch=touch, accept_downloads=downloads)
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    mission.state["pages"].append(page)
    return page


def as_user(page, mission: Mission, username: str) -> None:
    page.context.clear_cookies()
    login(page, mission.base, username)


def approve_waiting(page, mission: Mission, expected: str) -> None:
    page.goto(f"{mission.base}/")
    page.get_by_role("link", name="等待您审批的报名").click()
    page.get_by_role("button", name="通过").first.click()
    expect(page.get_by_text(expected)).to_be_visible()


# ---------------------------------------------------------------------------------------------- journey 1


def journey_1_contest_quotas_nominations_approvals_and_draw(m: Mission, browser) -> None:
    page = open_page(browser, m)
    start, end = today() - timedelta(days=1), today() + timedelta(days=20)

    # the city organiser creates the contest: one event, a rubric of two weighted components
    as_user(page, m, "city")
    page.goto(f"{m.base}/contests/new")
    page.get_by_label("标题").fill(CONTEST)
    page.get_by_label("报名开始").fill(start.isoformat())
    page.get_by_label("报名截止").fill(end.isoformat())
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("status")).to_have_text("草稿")
    contest_url = page.url
    m.state["contest_url"] = contest_url
    page.get_by_role("link", name="添加竞赛项目").click()
    page.get_by_label("项目名称（工种）").fill(EVENT)
    page.get_by_role("button", name="保存").click()
    m.state["event_url"] = page.url
    m.state["event_id"] = int(re.search(r"/events/(\d+)", page.url).group(1))
    for name, weight, criterion, marks in (("理论", "30", "笔试", "100"), ("实操", "70", "操作", "100")):
        page.get_by_label("评分模块", exact=True).fill(name)
        page.get_by_label("权重（%）").fill(weight)
        page.get_by_role("button", name="添加", exact=True).click()
        card = page.locator(".card", has_text=name).first
        card.get_by_label("评分项", exact=True).fill(criterion)
        card.get_by_label("满分").fill(marks)
        card.get_by_role("button", name="添加评分项").click()
        expect(page.locator(".card", has_text=name).first.get_by_text(criterion)).to_be_visible()

    # the judges: the chief judge from the city, a judge of 柯城电力 (who never sees 柯城电力's entry)
    page.goto(m.state["event_url"])
    page.get_by_role("link", name="裁判", exact=True).click()
    page.get_by_label("裁判", exact=True).select_option(label="总裁判长 · 衢州市总工会")
    page.get_by_label("裁判长").check()
    page.get_by_role("button", name="指派").click()
    expect(page.get_by_role("row", name=re.compile("总裁判长"))).to_be_visible()
    page.get_by_label("裁判", exact=True).select_option(label="裁判甲 · 柯城电力")
    page.get_by_role("button", name="指派").click()
    expect(page.get_by_role("row", name=re.compile("裁判甲"))).to_be_visible()

    page.goto(contest_url)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="开始报名").click()
    expect(page.get_by_test_id("status")).to_have_text("报名中")

    # quotas: one place for each county
    page.get_by_role("row", name=EVENT).get_by_role("link", name="名额").click()
    quota_url = page.url
    for county in ("柯城区", "衢江区"):
        row = page.get_by_role("row", name=county)
        row.locator("input[name=places]").fill("1")
        row.get_by_role("button", name="保存").click()
        expect(page.get_by_text("名额已分配")).to_be_visible()

    # 柯城区 passes its place down to 柯城电力
    as_user(page, m, "county_a")
    page.goto(quota_url)
    expect(page.get_by_test_id("allocated")).to_have_text("1")
    row = page.get_by_role("row", name="柯城电力")
    row.locator("input[name=places]").fill("1")
    row.get_by_role("button", name="保存").click()
    expect(page.get_by_text("名额已分配")).to_be_visible()

    # the team leader of 运维一班 nominates 张小三; the enterprise and the county approve on the way up
    as_user(page, m, "team_a")
    page.goto(m.state["event_url"])
    page.get_by_role("link", name="推荐报名", exact=True).click()
    page.get_by_label("张小三").check()
    page.get_by_role("button", name="推荐报名", exact=True).click()
    expect(page.get_by_test_id("status")).to_have_text("待审核")
    approve_for = [("ent_a", "已通过"), ("county_a", "已通过")]
    for username, _ in approve_for:
        as_user(page, m, username)
        page.goto(f"{m.base}/")
        page.get_by_role("link", name="等待您审批的报名").click()
        expect(page.get_by_role("cell", name="张小三")).to_be_visible()
        page.get_by_role("button", name="通过").first.click()
        expect(page.locator(".alert-success")).to_be_visible()

    # 衢江区 nominates 李四 itself (its own nomination is its approval)
    as_user(page, m, "county_b")
    page.goto(m.state["event_url"])
    page.get_by_role("link", name="推荐报名", exact=True).click()
    page.get_by_label("李四").check()
    page.get_by_role("button", name="推荐报名", exact=True).click()
    expect(page.get_by_test_id("status")).to_have_text("待审核")

    # the city confirms both, closes registration and holds the draw
    as_user(page, m, "city")
    for _ in range(2):
        approve_waiting(page, m, "参赛报名已确认")
    page.goto(contest_url)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="截止报名").click()
    page.get_by_role("row", name=EVENT).get_by_role("link", name="抽签").click()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="进行抽签").click()
    expect(page.get_by_text("已复核一致")).to_be_visible()
    expect(page.get_by_role("cell", name="张小三")).to_be_visible()
    expect(page.get_by_role("cell", name="李四")).to_be_visible()

    # the contest starts
    page.goto(contest_url)
    page.get_by_role("button", name="开始竞赛").click()
    expect(page.get_by_test_id("status")).to_have_text("进行中")
    with m.app.app_context():
        numbers = dict(db.session.execute(
            select(Nomination.id, Nomination.competitor_number).where(Nomination.event_id == m.state["event_id"])).all())
        db.session.remove()
    assert sorted(numbers.values()) == [1, 2]


# ---------------------------------------------------------------------------------------------- journey 2


def _entry(page, number: int):
    return page.locator(f'.entry-btn[data-number="{number}"]')


def _score_on_tablet(page, number: int, marks: dict[int, str]) -> None:
    expect(page.locator("#tablet")).to_have_attribute("data-fresh", "true")  # the server's sheet has arrived
    if not _entry(page, number).is_visible():  # portrait: back from the open entry to the list
        page.locator(".back-btn").click()
    _entry(page, number).click()
    expect(page.get_by_test_id("entry-title")).to_contain_text(f"{number:02d}")
    for criterion_id, value in marks.items():
        page.locator(f'input.mark-input[data-criterion="{criterion_id}"]').fill(value)
    expect(page.get_by_test_id("submit")).to_be_enabled()
    page.get_by_test_id("submit").click()


def journey_2_judges_score_on_tablets_through_a_lost_connection_and_the_chief_signs_off(m: Mission, browser) -> None:
    event_id = m.state["event_id"]
    with m.app.app_context():
        from contest.models import Criterion, Event

        event = db.session.get(Event, event_id)
        criteria = {c.name: c.id for comp in event.components for c in comp.criteria}
        numbers = {n.display_name: n.competitor_number for n in db.session.scalars(
            select(Nomination).where(Nomination.event_id == event_id))}
        assert db.session.scalar(select(func.count(Criterion.id))) == 2
        db.session.remove()
    zhang, li = numbers["张小三"], numbers["李四"]
    m.state["numbers"] = numbers

    # the chief judge on a portrait tablet: the first entry online, then the Wi-Fi drops mid-way
    tablet = open_page(browser, m, width=768, height=1024, touch=True)
    as_user(tablet, m, "chief")
    tablet.goto(f"{m.base}/judging/")
    tablet.get_by_role("link", name="录入分数").first.click()
    expect(tablet.locator("#tablet[data-ready=true]")).to_be_visible()
    expect(tablet.locator(".entry-btn")).to_have_count(2)
    _score_on_tablet(tablet, zhang, {criteria["笔试"]: "92", criteria["操作"]: "88.5"})
    expect(_entry(tablet, zhang)).to_have_attribute("data-status", "submitted")

    tablet.context.set_offline(True)
    expect(tablet.get_by_test_id("network")).to_have_attribute("data-state", "offline")
    _score_on_tablet(tablet, li, {criteria["笔试"]: "81", criteria["操作"]: "79.25"})
    expect(_entry(tablet, li)).to_have_attribute("data-status", "queued")
    expect(tablet.get_by_test_id("unsent")).to_have_attribute("data-count", "1")
    tablet.context.set_offline(False)
    expect(tablet.get_by_test_id("unsent")).to_have_attribute("data-count", "0")
    expect(_entry(tablet, li)).to_have_attribute("data-status", "submitted")

    # 裁判甲 of 柯城电力 sees only 李四 (张小三 is of his own enterprise)
    other = open_page(browser, m, width=768, height=1024, touch=True)
    as_user(other, m, "judge")
    other.goto(f"{m.base}/judging/events/{event_id}")
    expect(other.locator("#tablet[data-ready=true]")).to_be_visible()
    expect(other.locator(".entry-btn")).to_have_count(1)
    expect(_entry(other, zhang)).to_have_count(0)
    _score_on_tablet(other, li, {criteria["笔试"]: "83", criteria["操作"]: "80"})
    expect(_entry(other, li)).to_have_attribute("data-status", "submitted")

    # every score arrived exactly once, with one audit row each
    with m.app.app_context():
        rows = db.session.execute(select(Score.judge_id, Score.nomination_id, Score.criterion_id, Score.value_x100)
                                  .where(Score.event_id == event_id)).all()
        audits = db.session.scalar(select(func.count(ScoreAudit.id)).where(ScoreAudit.event_id == event_id))
        db.session.remove()
    assert len(rows) == 6 and len({r[:3] for r in rows}) == 6
    assert audits == 6
    assert sorted(r.value_x100 for r in rows) == sorted([9200, 8850, 8100, 7925, 8300, 8000])

    # the chief judge signs off on the scoring page; the tablet then shows the lock
    tablet.goto(f"{m.base}/events/{event_id}/scores")
    tablet.once("dialog", lambda dialog: dialog.accept())
    tablet.get_by_role("button", name="签字确认").click()
    expect(tablet.locator(".alert-success")).to_be_visible()
    tablet.goto(m.state["contest_url"])
    expect(tablet.get_by_test_id("status")).to_have_text(re.compile("已评分|评分完成|已完成评分"))


# ---------------------------------------------------------------------------------------------- journey 3


def journey_3_results_published_objected_final_certificates_and_verification(m: Mission, browser, tmp_path) -> None:
    event_id = m.state["event_id"]
    page = open_page(browser, m)

    # the city computes the ranking and publishes it for public notice
    as_user(page, m, "city")
    page.goto(f"{m.base}/events/{event_id}/results")
    page.get_by_role("button", name="计算名次与奖项").click()
    expect(page.get_by_text("名次与奖项已计算")).to_be_visible()
    page.goto(m.state["contest_url"])
    page.get_by_role("button", name="公示成绩").click()
    expect(page.get_by_text("成绩已公示")).to_be_visible()

    # 李四 objects on the public page (names are masked there)
    as_user(page, m, "worker_b")
    page.goto(f"{m.base}/public/results/{event_id}")
    expect(page.get_by_role("cell", name="张*三")).to_be_visible()
    expect(page.get_by_text("张小三")).to_have_count(0)
    page.get_by_label("异议", exact=True).fill("请复核我的实操成绩。")
    page.get_by_role("button", name="提交异议").click()
    expect(page.get_by_text("异议已提交")).to_be_visible()

    # the host answers
    as_user(page, m, "city")
    page.goto(f"{m.base}/events/{event_id}/results")
    expect(page.get_by_text("请复核我的实操成绩")).to_be_visible()
    page.get_by_label("答复").fill("经复核，两位裁判的实操评分录入无误，维持原成绩。")
    page.get_by_role("button", name="答复异议").click()
    expect(page.get_by_text("异议已答复")).to_be_visible()

    # the objector reads the answer in 我的参赛
    as_user(page, m, "worker_b")
    page.goto(f"{m.base}/")
    page.get_by_role("link", name="我的参赛").first.click()
    expect(page.get_by_text("维持原成绩")).to_be_visible()

    # the notice period ends (time passes); the city makes the results final and issues the certificates
    with m.app.app_context():
        db.session.execute(Publication.__table__.update().values(notice_until=utcnow() - timedelta(minutes=1)))
        db.session.commit()
        db.session.remove()
    as_user(page, m, "city")
    page.goto(m.state["contest_url"])
    page.get_by_role("button", name="成绩定稿").click()
    expect(page.get_by_text("成绩已定稿")).to_be_visible()
    page.goto(f"{m.base}/events/{event_id}/certificates")
    page.get_by_role("button", name="颁发证书").click()
    expect(page.locator(".certificates-table tbody tr").first).to_be_visible()

    # the winner downloads his certificate on a phone; its QR code leads to the verification page
    phone = open_page(browser, m, width=390, height=844, touch=True, downloads=True)
    as_user(phone, m, "worker")
    phone.goto(f"{m.base}/my/certificates")
    with phone.expect_download() as download_info:
        phone.get_by_role("link", name=re.compile("PDF|下载")).first.click()
    pdf = tmp_path / "certificate.pdf"
    download_info.value.save_as(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "张小三" in text and CONTEST in text.replace("\n", "").replace(" ", "")
    png = tmp_path / "certificate"
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", str(pdf), str(png)], check=True)
    decoded = subprocess.run(["zbarimg", "--quiet", "--raw", f"{png}.png"], capture_output=True, text=True, check=True).stdout.strip()
    assert "/verify/" in decoded
    code = decoded.rsplit("/verify/", 1)[1]
    phone.context.clear_cookies()
    phone.goto(f"{m.base}/verify/{code}")
    expect(phone.get_by_text("有效").first).to_be_visible()
    expect(phone.get_by_text("张*三").first).to_be_visible()
    m.state["certificate_code"] = code


# ---------------------------------------------------------------------------------------------- journey 4


def journey_4_the_dashboard_counts_the_contest_and_the_notifications_arrived(m: Mission, browser) -> None:
    page = open_page(browser, m)

    # the city organiser's home page is the dashboard: this year's city-level contest and its two entries count
    as_user(page, m, "city")
    expect(page.locator('[data-metric="city-contests"]')).to_have_attribute("data-value", "1")
    expect(page.locator('[data-metric="entries"]')).to_have_attribute("data-value", "2")
    page.get_by_role("link", name="柯城区").first.click()  # drill down to the county's enterprises
    expect(page.get_by_test_id("dashboard")).to_contain_text("柯城区")
    expect(page.get_by_role("rowheader", name=re.compile("柯城电力")).first).to_be_visible()

    # organisers heard of the places they were given and of the nominations waiting for them
    as_user(page, m, "ent_a")
    page.get_by_test_id("notifications-link").click()
    expect(page.get_by_text(f"柯城电力获分配 1 个名额（{CONTEST}{EVENT}项目）。")).to_be_visible()
    expect(page.get_by_text(f"{CONTEST}{EVENT}项目有 1 条报名等待柯城电力审核。")).to_be_visible()
    as_user(page, m, "county_a")
    page.get_by_test_id("notifications-link").click()
    expect(page.get_by_text(f"{CONTEST}{EVENT}项目有 1 条报名等待柯城区审核。")).to_be_visible()

    # the winner, on a phone: entry confirmed, results published, certificate issued; his own page counts them
    phone = open_page(browser, m, width=390, height=844, touch=True)
    as_user(phone, m, "worker")
    open_menu(phone)  # a phone: the navigation is folded
    expect(phone.get_by_test_id("unread-badge")).to_have_text(re.compile(r"^3"))
    phone.get_by_test_id("notifications-link").click()
    expect(phone.get_by_text(f"您报名的{CONTEST}{EVENT}项目已确认参赛。")).to_be_visible()
    expect(phone.get_by_text(f"{CONTEST}{EVENT}项目的成绩已公示")).to_be_visible()
    expect(phone.get_by_text(f"您在{CONTEST}{EVENT}项目的荣誉证书已颁发")).to_be_visible()
    phone.goto(f"{m.base}/my/")
    expect(phone.locator('[data-metric="my-contests"]')).to_have_text("1")
    expect(phone.locator('[data-metric="my-awards"]')).to_have_text("1")

    # the objector: the answer to his objection
    as_user(phone, m, "worker_b")
    open_menu(phone)
    phone.get_by_test_id("notifications-link").click()
    expect(phone.get_by_text(re.compile(f"您对{CONTEST}{EVENT}项目的异议已答复"))).to_be_visible()


def test_the_whole_mission(mission, browser, tmp_path):
    """The four journeys in order, each continuing where the last one stopped."""
    journey_1_contest_quotas_nominations_approvals_and_draw(mission, browser)
    journey_2_judges_score_on_tablets_through_a_lost_connection_and_the_chief_signs_off(mission, browser)
    journey_3_results_published_objected_final_certificates_and_verification(mission, browser, tmp_path)
    journey_4_the_dashboard_counts_the_contest_and_the_notifications_arrived(mission, browser)
