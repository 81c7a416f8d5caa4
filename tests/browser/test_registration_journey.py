"""A contest from creation to the draw, in Chinese, in a real browser: the issue's "done when" journey."""

from datetime import timedelta

from openpyxl import Workbook
from playwright.sync_api import expect

from contest.clock import today
from tests.browser.conftest import login


def logout(page, base):
    page.context.clear_cookies()


def test_contest_quotas_nominations_rejection_and_draw(live_server, page, tmp_path):
    base, ids = live_server
    start, end = today() - timedelta(days=1), today() + timedelta(days=20)

    # the city organiser creates the contest with two events and opens it
    login(page, base, "city")
    page.goto(f"{base}/contests/new")
    page.get_by_label("标题").fill("2026年衢州市职工职业技能大赛")
    page.get_by_label("报名开始").fill(start.isoformat())
    page.get_by_label("报名截止").fill(end.isoformat())
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("status")).to_have_text("草稿")
    contest_url = page.url
    for event_name in ("电工", "焊工"):
        page.goto(contest_url)
        page.get_by_role("link", name="添加竞赛项目").click()
        page.get_by_label("项目名称（工种）").fill(event_name)
        page.get_by_role("button", name="保存").click()
        for name, weight, criterion, marks in (("理论", "30", "笔试", "100"), ("实操", "70", "操作", "100")):
            page.get_by_label("评分模块", exact=True).fill(name)
            page.get_by_label("权重（%）").fill(weight)
            page.get_by_role("button", name="添加", exact=True).click()
            card = page.locator(".card", has_text=name).first
            card.get_by_label("评分项", exact=True).fill(criterion)
            card.get_by_label("满分").fill(marks)
            card.get_by_role("button", name="添加评分项").click()
    page.goto(contest_url)
    page.once("dialog", lambda dialog: dialog.accept())  # opening registration asks first
    page.get_by_role("button", name="开始报名").click()
    expect(page.get_by_test_id("status")).to_have_text("报名中")

    # quotas: one place per county for 电工
    page.get_by_role("row", name="电工").get_by_role("link", name="名额").click()
    quota_url = page.url
    for county in ("柯城区", "衢江区"):
        row = page.get_by_role("row", name=county)
        row.locator("input[name=places]").fill("1")
        row.get_by_role("button", name="保存").click()
        expect(page.get_by_text("名额已分配")).to_be_visible()
    logout(page, base)

    # the county sub-allocates its place to its enterprise
    login(page, base, "county_a")
    page.goto(quota_url)
    expect(page.get_by_test_id("allocated")).to_have_text("1")
    row = page.get_by_role("row", name="柯城电力")
    row.locator("input[name=places]").fill("2")
    row.get_by_role("button", name="保存").click()
    expect(page.locator(".alert-danger")).to_contain_text("柯城电力")
    row = page.get_by_role("row", name="柯城电力")
    row.locator("input[name=places]").fill("1")
    row.get_by_role("button", name="保存").click()
    expect(page.get_by_text("名额已分配")).to_be_visible()
    logout(page, base)

    # a worker applies; the team leader approves; the enterprise rejects with a reason the worker then sees
    login(page, base, "worker")
    page.goto(contest_url)
    page.get_by_role("link", name="电工").first.click()
    page.get_by_role("button", name="报名参赛").click()
    expect(page.get_by_test_id("status")).to_have_text("待审核")
    nomination_url = page.url
    logout(page, base)
    login(page, base, "team_a")
    page.get_by_role("link", name="等待您审批的报名").click()
    page.get_by_role("button", name="通过").first.click()
    logout(page, base)
    login(page, base, "ent_a")
    page.goto(nomination_url)
    page.get_by_label("理由（职工可见）").fill("请先取得高级工证书")
    page.get_by_role("button", name="驳回").click()
    expect(page.get_by_test_id("status")).to_have_text("已驳回")
    logout(page, base)
    login(page, base, "worker")
    page.get_by_role("link", name="我的参赛").click()
    expect(page.get_by_text("请先取得高级工证书")).to_be_visible()
    logout(page, base)

    # the enterprise nominates again (its own approval uses its one place); a second one is refused clearly
    login(page, base, "ent_a")
    page.goto(contest_url)
    page.get_by_role("link", name="电工").first.click()
    page.get_by_role("link", name="推荐报名", exact=True).click()
    page.get_by_label("张小三").check()
    page.get_by_role("button", name="推荐报名", exact=True).click()
    expect(page.get_by_test_id("status")).to_have_text("待审核")
    page.go_back()
    page.reload()
    page.get_by_label("班组长").check()
    page.get_by_role("button", name="推荐报名", exact=True).click()
    expect(page.locator(".alert-danger")).to_contain_text("柯城电力")
    expect(page.locator(".alert-danger")).to_contain_text("1")
    logout(page, base)

    # the other county imports its nomination from an .xlsx file; the city confirms it
    login(page, base, "county_b")
    wb = Workbook()
    wb.active.append(["竞赛项目", "身份证号", "姓名", "队名"])
    wb.active.append(["电工", ids["resident_ids"]["worker_b"], "李四", ""])
    path = tmp_path / "报名.xlsx"
    wb.save(path)
    page.goto(contest_url)
    page.get_by_role("link", name="导入报名").click()
    page.get_by_label("文件（.xlsx 或 .csv）").set_input_files(str(path))
    page.get_by_role("button", name="导入").click()
    expect(page.get_by_text("已导入1条报名")).to_be_visible()
    logout(page, base)

    # the city confirms the imported entry (it waits for the city: the county's import counted for the county)
    login(page, base, "city")
    page.get_by_role("link", name="等待您审批的报名").click()
    page.get_by_role("button", name="通过").first.click()
    expect(page.get_by_text("参赛报名已确认")).to_be_visible()
    # every nomination must be decided before the draw: the city acts on behalf of the county for the last one
    page.goto(f"{base}/nominations/waiting?scope=below")
    page.get_by_role("button", name="通过").first.click()
    page.goto(f"{base}/nominations/waiting?scope=below")
    page.get_by_role("button", name="通过").first.click()
    expect(page.get_by_text("参赛报名已确认")).to_be_visible()

    # close registration, hold the draw, see the numbers
    page.goto(contest_url)
    page.once("dialog", lambda dialog: dialog.accept())  # closing before the deadline asks first
    page.get_by_role("button", name="截止报名").click()
    page.get_by_role("row", name="电工").get_by_role("link", name="抽签").click()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="进行抽签").click()
    expect(page.get_by_text("已复核一致")).to_be_visible()
    expect(page.get_by_role("cell", name="李四")).to_be_visible()
    expect(page.get_by_role("link", name="签到表（PDF）")).to_be_visible()
