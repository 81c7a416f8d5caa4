"""Issue 14 part 1 in a real browser, in Chinese: an enterprise organiser enrols his enterprise and two of its
teams in the city's 安康杯 in one step, the county approves, the city confirms, and the enterprise sees each
entry confirmed."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from contest import create_app
from contest.config import TestConfig
from contest.domain.contests import ContestStatus
from contest.domain.orgtree import OrgLevel
from contest.extensions import db
from contest.services import contests
from contest.services.contests import EventInput
from tests.browser.conftest import PASSWORD, login, new_page, serving
from tests.contest_factories import add_simple_rubric, make_contest
from tests.factories import build_world, make_org

UNITS = ("柯城电力", "运维一班", "运维二班")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The test world with a second team under 柯城电力, and the city's open 安康杯 with a unit event 优胜企业."""
    path = tmp_path_factory.mktemp("enrol") / "live.sqlite3"
    app = create_app(TestConfig, {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "WTF_CSRF_ENABLED": True})
    with app.app_context():
        db.create_all()
        world = build_world(PASSWORD)
        make_org("运维二班", OrgLevel.TEAM, world.orgs["ent_a"])
        db.session.commit()
        city = world.users["city"]
        contest = make_contest(city, title="2026年衢州市安康杯竞赛", events=(), open_=False)
        event = contests.create_event(city, contest.id, EventInput("优胜企业", kind="unit"))
        add_simple_rubric(city, event.id)
        contests.change_status(city, contest.id, ContestStatus.OPEN)
        ids = {"contest": contest.id, "event": event.id}
        db.session.remove()
    with serving(app) as base:
        yield base, ids


def approve_all(page, base) -> None:
    page.goto(f"{base}/nominations/waiting")
    for unit in UNITS:  # the entrant column names the unit (a team's unit path names its enterprise too)
        row = page.locator("tr").filter(has=page.get_by_role("link", name=unit, exact=True))
        expect(row).to_be_visible()
        row.get_by_role("button", name="通过").click()
        expect(page.locator("tr").filter(has=page.get_by_role("link", name=unit, exact=True))).to_have_count(0)


def test_an_enterprise_enrols_itself_and_two_teams_the_county_approves_the_city_confirms(server, browser):
    base, ids = server
    page = new_page(browser, 1024, 768)

    login(page, base, "ent_a")
    page.goto(f"{base}/contests/{ids['contest']}")
    page.get_by_role("row", name="优胜企业").get_by_role("link", name="单位报名").click()
    expect(page.get_by_role("heading", name="优胜企业单位报名")).to_be_visible()
    for unit in UNITS:
        page.get_by_label(unit).check()
    page.get_by_role("button", name="报名所选单位").click()
    for unit in UNITS:
        row = page.locator("tr", has_text=unit).first
        expect(row.get_by_test_id("entry-status")).to_contain_text("待审核")
        expect(row.get_by_test_id("entry-status")).to_contain_text("柯城区")
    enrol_url = page.url
    page.context.clear_cookies()

    login(page, base, "county_a")
    approve_all(page, base)
    page.context.clear_cookies()

    login(page, base, "city")
    approve_all(page, base)
    page.goto(f"{base}/events/{ids['event']}/nominations?status=confirmed")
    for unit in UNITS:
        expect(page.locator("tr").filter(has=page.get_by_role("link", name=unit, exact=True))).to_be_visible()
    page.context.clear_cookies()

    login(page, base, "ent_a")
    page.goto(enrol_url)
    for unit in UNITS:
        expect(page.locator("tr", has_text=unit).first.get_by_test_id("entry-status")).to_contain_text("已确认")
    page.context.close()
