"""Journeys a new user takes through the foundation, in Chinese, in a real browser."""

from playwright.sync_api import expect

from tests.browser.conftest import login


def test_county_organiser_works_in_chinese_within_own_subtree(live_server, page):
    base, ids = live_server
    login(page, base, "county_a")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.get_by_role("heading", name="欢迎您，柯城组织者")).to_be_visible()

    page.get_by_role("link", name="单位", exact=True).first.click()
    expect(page.get_by_role("link", name="柯城电力")).to_be_visible()
    expect(page.get_by_text("衢江区")).to_have_count(0)

    # add an enterprise, then try the same name again: a clear refusal and nothing written
    page.get_by_role("link", name="柯城区").click()
    page.get_by_label("名称").fill("柯城建设")
    page.get_by_role("button", name="添加").click()
    expect(page.get_by_text("已创建")).to_be_visible()
    page.get_by_label("名称").fill("柯城建设")
    page.get_by_role("button", name="添加").click()
    expect(page.locator(".invalid-feedback")).to_contain_text("已存在")

    # a worker with a spreadsheet-mangled resident ID is refused with a message in Chinese
    page.goto(f"{base}/people/new")
    page.get_by_label("姓名", exact=True).fill("王五")
    page.get_by_label("用户名").fill("wangwu")
    page.get_by_label("身份证号").fill("3.30802E+17")
    page.get_by_label("工种").fill("电工")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".invalid-feedback")).to_contain_text("表格软件")

    # another county's worker is out of reach
    response = page.goto(f"{base}/people/{ids['users']['worker_b']}")
    assert response.status == 403
    expect(page.get_by_role("heading", name="403 · 无权限")).to_be_visible()


def test_worker_sees_own_profile_masked_and_can_switch_to_english(live_server, page):
    base, _ids = live_server
    login(page, base, "worker")
    expect(page.get_by_text("**********")).to_be_visible()
    expect(page.get_by_role("link", name="单位")).to_have_count(0)
    page.get_by_role("button", name="简体中文").click()
    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Welcome, 张小三")).to_be_visible()


def test_wrong_password_is_refused_clearly(live_server, page):
    base, _ids = live_server
    page.goto(f"{base}/login")
    page.get_by_label("用户名").fill("county_a")
    page.get_by_label("密码").fill("wrong-password")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_text("用户名或密码错误")).to_be_visible()
