"""The dashboard draws its charts (vendored ECharts) under the strict CSP with no console error, and the public
portal reads on a phone (issue 15.1–15.2)."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import WAIT_MS, login


def _contest_with_entries(app) -> str:
    from contest.extensions import db
    from contest.services import portal, registration
    from tests.contest_factories import make_contest
    from tests.factories import load_world

    with app.app_context():
        world = load_world()
        contest = make_contest(world.users["city"], title="浏览器测试竞赛")
        for key in ("worker", "worker_b"):
            registration.nominate(world.users["city"], contest.events[0].id, [world.users[key].id])
        portal.post_announcement(world.users["city"], "关于举办浏览器测试竞赛的通知", "请各单位按时报名。",
                                 [portal.Upload("规程.pdf", b"%PDF-1.4 browser test")])
        title = contest.title
        db.session.remove()
    return title


def _watch(page) -> list[str]:
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") and "Content Security Policy" in m.text
            or m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    return problems


def test_the_dashboard_renders_its_charts_under_the_csp(_live_app, live_server, page):
    base, _ids = live_server
    _contest_with_entries(_live_app[0])
    problems = _watch(page)
    login(page, base, "city")
    expect(page.locator('[data-metric="city-contests"]')).to_have_text("1")
    expect(page.locator('[data-metric="entries"]')).to_have_text("2")
    for chart in ("levels", "months", "units", "map"):  # the map: the vendored county map of Quzhou
        expect(page.locator(f'[data-chart="{chart}"][data-chart-ready] canvas')).to_have_count(1)
    # drill down into a county, charts again
    page.get_by_role("link", name="柯城区").first.click()
    expect(page.locator('[data-metric="entries"]')).to_have_text("1")
    expect(page.locator('[data-chart="levels"][data-chart-ready] canvas')).to_have_count(1)
    try:
        assert problems == []
    except AssertionError:
        page.screenshot(path="/tmp/dashboard-failure.png", full_page=True)
        raise


def test_the_portal_reads_on_a_phone(_live_app, live_server, browser):
    base, _ids = live_server
    title = _contest_with_entries(_live_app[0])
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True, device_scale_factor=2)
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    problems = _watch(page)
    try:
        page.goto(f"{base}/portal/")
        expect(page.get_by_test_id("portal-upcoming").get_by_role("link", name=title)).to_be_visible()
        announcement = page.get_by_role("link", name="关于举办浏览器测试竞赛的通知")
        expect(announcement).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways on a phone"
        announcement.click()
        expect(page.get_by_role("heading", name="关于举办浏览器测试竞赛的通知")).to_be_visible()
        expect(page.get_by_role("link", name="规程.pdf")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert problems == []
    except AssertionError:
        page.screenshot(path="/tmp/portal-failure.png", full_page=True)
        raise
    finally:
        context.close()


def _safety_units(app) -> None:
    """A city 安康杯 with 柯城电力 and 焊接班 enrolled as units (confirmed by the city)."""
    from contest.extensions import db
    from contest.services import registration
    from tests.app.test_coverage import safety_contest
    from tests.factories import load_world

    with app.app_context():
        world = load_world()
        cup = safety_contest(world.users["city"])
        registration.nominate_unit(world.users["city"], cup.events[0].id, world.orgs["ent_a"].id)
        registration.nominate_unit(world.users["city"], cup.events[1].id, world.orgs["team_b"].id)
        db.session.remove()


def test_the_safety_cup_coverage_is_drawn_and_tabled_in_chinese(_live_app, live_server, page):
    base, _ids = live_server
    _safety_units(_live_app[0])
    problems = _watch(page)
    login(page, base, "city")
    expect(page.locator('[data-metric="safety-coverage"]')).to_have_text("50")  # 柯城电力 of two enterprises
    expect(page.locator('[data-chart="safety"][data-chart-ready] canvas')).to_have_count(1)
    page.get_by_test_id("coverage-link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("“安康杯”覆盖情况")
    table = page.locator('table[data-table="coverage"]')
    expect(table.locator("caption")).to_contain_text("各单位“安康杯”覆盖情况")
    for heading in ("企业总数", "参赛企业", "覆盖率（％）", "参赛班组", "平均得分", "隐患整改", "合理化建议采纳", "一票否决"):
        expect(table.get_by_role("columnheader", name=heading, exact=True)).to_have_count(1)
    total = table.locator('tr[data-coverage-row="total"]')
    expect(total.locator('[data-field="enterprises_enrolled"]')).to_have_text("1")
    expect(total.locator('[data-field="enterprise_coverage"]')).to_have_text("50")
    expect(total.locator('[data-field="teams_enrolled"]')).to_have_text("1")
    expect(total.locator('[data-field="average_score"]')).to_have_text("—")
    # drill down into 柯城区: its enterprise, enrolled
    table.get_by_role("link", name="柯城区").click()
    expect(page.locator('table[data-table="coverage"] tbody tr')).to_have_count(1)
    expect(page.locator('table[data-table="coverage"] tbody [data-field="enterprise_coverage"]')).to_have_text("100")
    with page.expect_download() as download:
        page.get_by_test_id("coverage-export").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    assert problems == []
