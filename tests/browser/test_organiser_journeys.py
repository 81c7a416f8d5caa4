"""Issue 11, organisers' items in a real browser (one live server for the module): the city's approval list
names counties (5), several workers nominated in one step (6), a team leader's honest quota and the award
rules form refusing a nameless title (7), the home page's next steps and confirmations (10), and tables that
fit a phone with a favicon (11)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from contest import create_app
from contest.config import TestConfig
from contest.extensions import db
from contest.models import Role
from contest.services import registration
from tests.browser.conftest import PASSWORD, login, new_page, serving
from tests.contest_factories import make_contest
from tests.factories import build_world, make_user

PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """City contest 电工 with one place each for 柯城区 and 衢江区; 柯城区's place is used by 张小三 (waiting at
    the city), 李四 of 衢江区 waits at the city too; a draft contest waits to be opened."""
    path = tmp_path_factory.mktemp("organisers") / "live.sqlite3"
    app = create_app(TestConfig, {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "WTF_CSRF_ENABLED": True})
    with app.app_context():
        db.create_all()
        world = build_world(PASSWORD)
        city = world.users["city"]
        contest = make_contest(city, title="市级电工赛")
        event = contest.events[0]
        registration.set_quota(city, event.id, world.orgs["county_a"].id, 1)
        registration.set_quota(city, event.id, world.orgs["county_b"].id, 1)
        registration.nominate(world.users["county_a"], event.id, [world.users["worker"].id])
        registration.nominate(world.users["county_b"], event.id, [world.users["worker_b"].id])
        for i in range(2):
            make_user(f"extra{i}", world.orgs["team_a"], {Role.WORKER}, world.users["worker"].password_hash, name=f"王{'一二'[i]}")
        db.session.commit()
        draft = make_contest(city, title="待开赛的焊工赛", events=("焊工",), open_=False)
        ids = {"contest": contest.id, "event": event.id, "draft": draft.id}
        db.session.remove()
    with serving(app) as base:
        yield base, ids


def test_city_approval_list_names_counties_and_fits_a_phone(server, browser):
    base, _ids = server
    page = new_page(browser, PHONE["width"], PHONE["height"])
    login(page, base, "city")
    # served under a content-hashed name (contest/assets.py)
    expect(page.locator('link[rel="icon"]')).to_have_attribute("href", re.compile(r"^/static/favicon\.([0-9a-f]+\.)?svg$"))
    assert page.request.get(base + page.locator('link[rel="icon"]').get_attribute("href")).ok
    page.goto(f"{base}/nominations/waiting")
    row = page.get_by_role("row", name="张小三")
    expect(row.locator(".unit-path")).to_have_attribute("title", "柯城区 · 柯城电力 · 运维一班")
    expect(page.get_by_role("row", name="李四").locator(".unit-path")).to_contain_text("衢江区")
    # on a phone the headings stay on one line and the table scrolls sideways instead
    heading = page.get_by_role("columnheader", name="待审单位")
    box = heading.bounding_box()
    line = heading.evaluate("h => parseFloat(getComputedStyle(h).lineHeight)")
    assert box["height"] < 2 * line + 16
    assert page.locator(".table-responsive").first.evaluate("d => getComputedStyle(d).overflowX") == "auto"
    page.context.close()


def test_several_workers_nominated_in_one_step(server, page):
    base, ids = server
    login(page, base, "ent_a")
    page.goto(f"{base}/events/{ids['event']}/nominate")
    page.get_by_label("王一").check()
    page.get_by_label("王二").check()
    page.get_by_role("button", name="推荐报名", exact=True).click()
    expect(page.get_by_text("王一：已提交")).to_be_visible()
    expect(page.get_by_text("王二：已提交")).to_be_visible()
    expect(page.get_by_role("row", name="王二")).to_contain_text("柯城区")


def test_quota_and_award_rules_are_honest(server, page):
    base, ids = server
    login(page, base, "team_a")
    page.goto(f"{base}/events/{ids['event']}/quotas")
    expect(page.get_by_test_id("remaining")).to_have_text("0")
    expect(page.get_by_test_id("places-left")).to_contain_text("柯城区已用 1 个名额")
    page.context.clear_cookies()
    login(page, base, "city")
    page.goto(f"{base}/events/{ids['event']}")
    page.locator("#ranking-rules summary").click()
    page.get_by_label("前几名").fill("3")
    page.get_by_role("button", name="保存规则").click()
    expect(page.locator(".alert-danger")).to_contain_text("请为前 3 名的称号命名")
    expect(page.get_by_text("规则已保存")).to_have_count(0)


def test_home_page_leads_to_the_next_step_and_opening_asks_first(server, page):
    base, ids = server
    login(page, base, "county_a")
    page.get_by_role("link", name="名额已下达，请分配给下级单位。").click()
    expect(page).to_have_url(f"{base}/events/{ids['event']}/quotas")
    page.context.clear_cookies()
    login(page, base, "city")
    expect(page.get_by_test_id("my-contests")).to_contain_text("报名将于")
    page.goto(f"{base}/contests/{ids['draft']}")
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="开始报名").click()
    expect(page.get_by_test_id("status")).to_have_text("草稿")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="开始报名").click()
    expect(page.get_by_test_id("status")).to_have_text("报名中")
