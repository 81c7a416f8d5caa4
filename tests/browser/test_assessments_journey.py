"""Self-assessment journey (issue 14 part 3): an enterprise organiser fills in the figures, uploads a PDF and
submits; the county organiser opens it read-only and downloads the evidence."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from tests.browser.conftest import login

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
FIGURES = {"职工人数": "120", "安全培训次数": "12", "安全培训学时（全体职工合计）": "960.5", "隐患发现数": "8", "隐患整改数": "7",
           "合理化建议提出数": "15", "合理化建议采纳数": "6", "职业健康体检人数": "118", "工伤事故": "0", "死亡事故": "0", "“三违”记录": "1"}


def _unit_event(app) -> tuple[int, int]:
    from contest.domain.contests import ContestStatus
    from contest.extensions import db
    from contest.services import contests, registration
    from contest.services.contests import EventInput
    from tests.contest_factories import add_simple_rubric, make_contest
    from tests.factories import load_world

    with app.app_context():
        world = load_world()
        city = world.users["city"]
        contest = make_contest(city, title="2026年衢州市安康杯竞赛", open_=False, events=())
        event = contests.create_event(city, contest.id, EventInput("优胜企业", kind="unit"))
        add_simple_rubric(city, event.id)
        contests.change_status(city, contest.id, ContestStatus.OPEN)
        entry = registration.nominate_unit(city, event.id, world.orgs["ent_a"].id)
        ids = (event.id, entry.id)
        db.session.remove()
    return ids


def test_a_unit_reports_with_evidence_and_its_county_reads_it(_live_app, live_server, browser, page, tmp_path):
    base, _ids = live_server
    _unit_event(_live_app[0])
    page.on("dialog", lambda dialog: dialog.accept())
    login(page, base, "ent_a")
    page.get_by_role("link", name="自评").click()
    page.get_by_role("link", name="打开 柯城电力").click()
    expect(page.get_by_test_id("assessment-state")).to_have_text("未填报")
    for label, value in FIGURES.items():
        page.get_by_label(label).fill(value)
    page.get_by_label("隐患整改数").fill("9")  # more corrected than found: refused beside the field
    page.get_by_role("button", name="保存自评数据").click()
    expect(page.locator("#hazards_corrected-error")).to_contain_text("不能大于")
    page.get_by_label("隐患整改数").fill("7")
    page.get_by_role("button", name="保存自评数据").click()
    expect(page.get_by_test_id("assessment-state")).to_have_text("草稿")
    evidence = page.get_by_test_id("evidence-form")
    evidence.get_by_label("佐证对象").select_option(label="安全培训学时（全体职工合计）")
    evidence.get_by_label("文件（PDF、JPG 或 PNG，每个不超过 10 MB）").set_input_files(
        [{"name": "安全培训记录.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    evidence.get_by_role("button", name="上传").click()
    expect(page.get_by_test_id("evidence-list").get_by_role("link", name="安全培训记录.pdf")).to_be_visible()
    page.get_by_role("button", name="提交自评").click()
    expect(page.get_by_test_id("assessment-state")).to_have_text("已提交")

    county = browser.new_context(viewport={"width": 1024, "height": 768}, locale="en-US", accept_downloads=True)
    other = county.new_page()
    try:
        login(other, base, "county_a")
        other.goto(f"{base}/contests/")
        other.get_by_role("link", name="2026年衢州市安康杯竞赛").click()
        other.get_by_role("link", name="自评").last.click()
        expect(other.locator('tr[data-unit="柯城电力"]')).to_contain_text("已提交")
        other.get_by_role("link", name="打开 柯城电力").click()
        expect(other.get_by_test_id("figures-form")).to_have_count(0)  # read-only
        expect(other.get_by_test_id("figures-table")).to_contain_text("960.5")
        with other.expect_download() as download:
            other.get_by_role("link", name="安全培训记录.pdf").click()
        assert download.value.suggested_filename == "安全培训记录.pdf"
        target = tmp_path / "evidence.pdf"
        download.value.save_as(target)
        assert Path(target).read_bytes() == PDF
    finally:
        county.close()
