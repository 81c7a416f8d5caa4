"""立功竞赛 in a real browser, in Chinese: the host adds the next monthly period on the period page and sees the
per-period and cumulative table."""

from __future__ import annotations

from playwright.sync_api import expect

from contest.extensions import db
from tests.app.test_merit import merit_contest, score
from tests.browser.conftest import login
from tests.factories import load_world


def test_the_host_adds_a_period_and_sees_the_cumulative_table(_live_app, live_server, page):
    app = _live_app[0]
    base, _ids = live_server
    with app.app_context():
        world = load_world()
        contest, first, _cumulative, chief = merit_contest(world)
        score(world, first, chief, {"ent_a": "90", "ent_b": "80", "team_b": "70"})
        contest_id = contest.id
        db.session.remove()

    login(page, base, "city")
    page.goto(f"{base}/contests/{contest_id}")
    page.get_by_test_id("periods-link").click()
    table = page.get_by_test_id("period-table")
    expect(table.locator("tbody tr")).to_have_count(3)
    expect(table.locator("tr[data-unit='柯城电力'] [data-testid=cumulative-total]")).to_have_text("90.00")

    form = page.get_by_test_id("next-period")
    expect(form.get_by_label("新一期期次")).to_have_attribute("placeholder", "2026年10月")
    form.get_by_role("button", name="新增下一期").click()
    expect(page.get_by_text("已新增月度考核（2026年10月），并沿用上一期的参赛单位。")).to_be_visible()
    expect(table.get_by_role("columnheader", name="2026年10月")).to_be_visible()
    expect(table.locator("tr[data-unit='衢江机械']").get_by_text("尚无成绩")).to_be_visible()
    expect(table.locator("tr[data-unit='焊接班'] [data-testid=cumulative-total]")).to_have_text("70.00")
    # the next proposal follows the new period
    expect(page.get_by_test_id("next-period").get_by_label("新一期期次")).to_have_attribute("placeholder", "2026年11月")
