"""The whole 安康杯 in a real browser, in Chinese, through the pages (issue 14, "Done when"):

1. the city publishes a sheet with a deduction, a bonus and a veto item (a new contest, two unit events 优胜企业
   and 优胜班组 decided by an indicator sheet, their award rules and inspectors, registration opened);
2. three enterprises and two teams enrol and are approved (each enterprise's organiser enrols, the county
   approves, the city confirms);
3. units report figures with evidence (every entered unit fills in its figures, uploads a file and submits);
4. inspectors score on a tablet, one of them while offline (the draw, then the chief inspector online, the
   second inspector with the Wi-Fi down; both sheets signed off);
5. the vetoed unit is excluded despite a high score (98 points and a fatal accident: rank 1, no award, the
   reason shown to the host only);
6. awards go through 公示 to final;
7. a unit certificate verifies by QR code (downloaded by the winning unit's organiser, read with zbarimg);
8. the coverage table is right (per county and in total: enrolled units, average score, figures, vetoes).

The world (units, users) comes from the factories; everything a user does goes through the pages, each role in
its own browser context. The only thing done behind the pages is the passing of the notice period. Every wait
is on page state; a failure leaves a screenshot of every role's page in test-output/screenshots/.
"""

from __future__ import annotations

import re
import struct
import subprocess
import zlib
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from contest.clock import today
from contest.extensions import db
from contest.models import OrgLevel, Publication, Role, utcnow
from tests.browser.conftest import WAIT_MS, login
from tests.factories import load_world, make_org, make_user

YEAR = today().year
CUP = f"{YEAR}年衢州市“安康杯”竞赛"
ENTERPRISES, TEAMS = "优胜企业", "优胜班组"
VETOED, WINNER, THIRD = "柯城电力", "衢江机械", "衢江化工"
VETO_REASON = "3月发生1起高处坠落亡人事故"

# (section, indicator, method, fields of the builder form): 80 + 15 + 5 = 100 points and a veto item.
SHEET = (
    ("安全管理", "安全生产责任制落实", "points", {"max_points": "80", "guidance": "查责任书签订、考核兑现记录"}),
    ("隐患排查治理", "未整改隐患", "deduction", {"max_points": "15", "per": "3", "floor": "0", "guidance": "每处扣 3 分，扣完为止"}),
    ("合理化建议", "采纳的合理化建议", "bonus", {"max_points": "5", "per": "1", "guidance": "每采纳 1 条加 1 分，最多加 5 分"}),
    ("事故情况", "发生亡人事故", "veto", {"guidance": "年度内发生生产安全亡人事故"}),
)
POINTS, HAZARDS, PROPOSALS, FATAL = (row[1] for row in SHEET)

FIGURE_LABELS = ("职工人数", "安全培训次数", "安全培训学时（全体职工合计）", "隐患发现数", "隐患整改数", "合理化建议提出数",
                 "合理化建议采纳数", "职业健康体检人数", "工伤事故", "死亡事故", "“三违”记录")
# Each unit's self-assessment, in the order of FIGURE_LABELS; 柯城电力 reports its fatal accident.
FIGURES = {
    "柯城电力": ("200", "12", "1600", "10", "10", "12", "5", "198", "0", "1", "0"),
    "运维一班": ("20", "12", "160", "4", "3", "5", "2", "20", "0", "0", "0"),
    "衢江机械": ("150", "10", "1200", "8", "7", "6", "3", "150", "0", "0", "0"),
    "焊接班": ("15", "12", "120", "3", "3", "4", "3", "15", "0", "0", "0"),
    "衢江化工": ("90", "8", "540", "9", "6", "4", "2", "88", "1", "0", "1"),
}
# Inspectors' marks: (points, uncorrected hazards, adopted proposals, veto reason or "").
CHIEF_MARKS = {VETOED: ("78", 0, "5", VETO_REASON), WINNER: ("75", 1, "3", ""), THIRD: ("70", 2, "2", "")}
SECOND_MARKS = {VETOED: ("78", 0, "5", ""), WINNER: ("76", 1, "3", ""), THIRD: ("71", 2, "2", "")}
TEAM_MARKS = {"运维一班": ("72", 1, "2", ""), "焊接班": ("76", 0, "3", "")}
# The sheet totals these give: points (mean of the inspectors) + 15 − 3 × hazards + proposals.
TOTALS = {VETOED: "98.00", WINNER: "90.50", THIRD: "81.50", "运维一班": "86.00", "焊接班": "94.00"}


def tiny_png() -> bytes:
    """A 1×1 white PNG (a photo of a rectified hazard, as far as the content check can tell)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\xff\xff")) + chunk(b"IEND", b""))


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class Roles:
    """One browser context per user, logged in on first use and kept for the whole journey."""

    def __init__(self, browser, base: str, failures_before: int):
        self.browser, self.base, self.pages = browser, base, {}
        self.failures_before = failures_before  # the session's failures before the journey: screenshots if it adds one

    def __call__(self, username: str, *, tablet: bool = False):
        if username not in self.pages:
            size = {"width": 1024, "height": 768} if tablet else {"width": 1280, "height": 900}
            context = self.browser.new_context(viewport=size, locale="zh-CN", has_touch=tablet, accept_downloads=True)
            page = context.new_page()
            page.set_default_timeout(WAIT_MS)
            page.on("dialog", lambda dialog: dialog.accept())  # the confirmations of status changes, draw, sign-off
            self.pages[username] = page
            if username != "public":
                login(page, self.base, username)
        return self.pages[username]

    def close(self, request) -> None:
        if request.session.testsfailed > self.failures_before:
            folder = request.config.rootpath / "test-output" / "screenshots"
            folder.mkdir(parents=True, exist_ok=True)
            for username, page in self.pages.items():
                if not page.is_closed():
                    page.screenshot(path=str(folder / f"safety-journey-{username}.png"), full_page=True)
        for page in self.pages.values():
            page.context.close()


@pytest.fixture
def cup(_live_app, live_server, browser, request):
    """The test world with two more enterprises (衢江化工 enrols, 柯城化工 does not), organisers for 衢江机械 and
    衢江化工, and two city inspectors; one browser context per role."""
    app = _live_app[0]
    base, _ids = live_server
    with app.app_context():
        world = load_world()
        password = world.users["city"].password_hash
        third = make_org(THIRD, OrgLevel.ENTERPRISE, world.orgs["county_b"])
        make_org("柯城化工", OrgLevel.ENTERPRISE, world.orgs["county_a"])
        make_user("ent_b", world.orgs["ent_b"], {Role.ORGANISER}, password, "衢江机械安全员")
        make_user("ent_c", third, {Role.ORGANISER}, password, "衢江化工安全员")
        make_user("inspector1", world.orgs["city"], {Role.JUDGE}, password, "检查组长")
        make_user("inspector2", world.orgs["city"], {Role.JUDGE}, password, "检查员")
        db.session.commit()
        db.session.remove()
    roles = Roles(browser, base, request.session.testsfailed)
    yield app, base, roles
    roles.close(request)


def event_id_of(page) -> int:
    return int(re.search(r"/events/(\d+)", page.url).group(1))


def row_of(page, text: str):
    """The table row with a cell that says exactly ``text``."""
    return page.locator("tr").filter(has=page.get_by_role("cell", name=text, exact=True))


# ---------------------------------------------------------------------------------------------- step 1


def build_sheet(page) -> None:
    sections, indicators = page.get_by_test_id("section-form"), page.get_by_test_id("indicator-form")
    for count, (section, name, method, fields) in enumerate(SHEET, start=1):
        sections.get_by_label("考核项目").fill(section)
        sections.get_by_test_id("add-section").click()
        expect(page.get_by_test_id("section")).to_have_count(count)
        indicators.get_by_label("考核项目").select_option(label=section)
        indicators.get_by_label("指标", exact=True).fill(name)
        indicators.get_by_label("考核方式").select_option(method)
        for field, value in fields.items():
            indicators.locator(f"#{field}").fill(value)
        page.get_by_test_id("save-indicator").click()
        expect(page.get_by_test_id("section").filter(has_text=section).get_by_test_id("indicator")).to_contain_text(name)
    expect(page.get_by_test_id("sheet-total")).to_have_text("100")
    expect(page.get_by_test_id("indicator").filter(has_text=HAZARDS)).to_contain_text("每处扣 3 分")


def add_unit_event(page, contest_url: str, name: str, award: str) -> int:
    """The event, its indicator sheet, and its award rule: one place, by number."""
    page.goto(contest_url)
    page.get_by_role("link", name="添加竞赛项目").click()
    page.get_by_label("项目名称（工种）").fill(name)
    page.get_by_label("参赛形式").select_option(label="单位项目")
    page.get_by_label("名次决定方式").select_option(label="考核指标表")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("heading", name=name)).to_be_visible()
    event_url, event_id = page.url, event_id_of(page)
    page.get_by_test_id("method-summary").get_by_role("link", name="考核指标表").click()
    build_sheet(page)

    page.goto(event_url)
    expect(page.get_by_test_id("method-summary")).to_contain_text("指标考核：4 项指标，共 100 分")
    page.get_by_text("修改名次与奖项规则").click()
    page.get_by_label("奖项名额按").select_option(label="名额数")
    places = page.get_by_label("百分比或名额")
    page.get_by_label("奖项 1").fill(award)
    places.nth(0).fill("1")
    for tier in (2, 3):  # the skills contests' default tiers (一、二、三等奖) are cleared
        page.get_by_label(f"奖项 {tier}").fill("")
        places.nth(tier - 1).fill("")
    page.get_by_role("button", name="保存规则").click()
    expect(page.locator("#ranking-rules")).to_contain_text(f"{award} 1")
    expect(page.locator("#ranking-rules")).not_to_contain_text("二等奖")
    return event_id


def assign_inspectors(page, base: str, event_id: int, inspectors: tuple[str, ...]) -> None:
    page.goto(f"{base}/events/{event_id}")
    page.get_by_role("link", name="裁判", exact=True).click()
    for index, name in enumerate(inspectors):
        page.get_by_label("裁判", exact=True).select_option(label=f"{name} · 衢州市总工会")
        if index == 0:
            page.get_by_label("裁判长").check()
        page.get_by_role("button", name="指派").click()
        expect(page.get_by_role("row", name=re.compile(name))).to_be_visible()


def step_1_the_city_publishes_the_sheet(roles, base) -> dict:
    city = roles("city")
    city.goto(f"{base}/contests/new")
    city.get_by_label("标题").fill(CUP)
    city.get_by_label("年度").fill(str(YEAR))
    city.get_by_label("类型").select_option(label="安康杯")
    city.get_by_label("报名开始").fill(today().isoformat())
    city.get_by_label("报名截止").fill((today() + timedelta(days=20)).isoformat())
    city.get_by_role("button", name="保存").click()
    expect(city.get_by_test_id("status")).to_have_text("草稿")
    contest_url = city.url
    events = {ENTERPRISES: add_unit_event(city, contest_url, ENTERPRISES, ENTERPRISES),
              TEAMS: add_unit_event(city, contest_url, TEAMS, TEAMS)}
    assign_inspectors(city, base, events[ENTERPRISES], ("检查组长", "检查员"))
    assign_inspectors(city, base, events[TEAMS], ("检查组长",))

    # a draft is the host's own; opening registration publishes the contest and its sheets
    enterprise = roles("ent_a")
    assert enterprise.goto(f"{base}/events/{events[ENTERPRISES]}").status == 403
    city.goto(contest_url)
    city.get_by_role("button", name="开始报名").click()
    expect(city.get_by_test_id("status")).to_have_text("报名中")
    enterprise.goto(f"{base}/events/{events[ENTERPRISES]}")
    expect(enterprise.get_by_test_id("method-summary")).to_contain_text("指标考核：4 项指标，共 100 分")
    return {"contest_url": contest_url, "events": events}


# ---------------------------------------------------------------------------------------------- step 2


def enrol(page, contest_url: str, event: str, units: tuple[str, ...]) -> None:
    page.goto(contest_url)
    page.get_by_role("row", name=event).get_by_role("link", name="单位报名").click()
    expect(page.get_by_role("heading", name=f"{event}单位报名")).to_be_visible()
    for unit in units:
        page.get_by_label(unit, exact=True).check()
    page.get_by_test_id("enrol-submit").click()
    for unit in units:
        expect(page.locator("tr", has_text=unit).first.get_by_test_id("entry-status")).to_contain_text("待审核")


def approve(page, base: str, units: tuple[str, ...]) -> None:
    page.goto(f"{base}/nominations/waiting")
    for unit in units:
        row = page.locator("tr").filter(has=page.get_by_role("link", name=unit, exact=True))
        row.get_by_role("button", name="通过").click()
        expect(page.locator("tr").filter(has=page.get_by_role("link", name=unit, exact=True))).to_have_count(0)


def step_2_units_enrol_and_are_approved(roles, base, state) -> None:
    url = state["contest_url"]
    enrol(roles("ent_a"), url, ENTERPRISES, (VETOED,))
    enrol(roles("ent_a"), url, TEAMS, ("运维一班",))
    enrol(roles("ent_b"), url, ENTERPRISES, (WINNER,))
    enrol(roles("ent_b"), url, TEAMS, ("焊接班",))
    enrol(roles("ent_c"), url, ENTERPRISES, (THIRD,))
    approve(roles("county_a"), base, (VETOED, "运维一班"))
    approve(roles("county_b"), base, (WINNER, "焊接班", THIRD))
    approve(roles("city"), base, (VETOED, "运维一班", WINNER, "焊接班", THIRD))

    city = roles("city")
    city.goto(url)
    expect(city.get_by_role("row", name=ENTERPRISES).locator("td").nth(4)).to_have_text("3")  # confirmed
    expect(city.get_by_role("row", name=TEAMS).locator("td").nth(4)).to_have_text("2")
    page = roles("ent_a")
    page.goto(url)
    page.get_by_role("row", name=ENTERPRISES).get_by_role("link", name="单位报名").click()
    expect(page.locator("tr", has_text=VETOED).first.get_by_test_id("entry-status")).to_contain_text("已确认")


# ---------------------------------------------------------------------------------------------- step 3


def report(page, base: str, unit: str, evidence: tuple[str, str, bytes]) -> None:
    page.goto(f"{base}/")
    page.get_by_role("link", name="自评").first.click()
    page.get_by_role("link", name=f"打开 {unit}").click()
    expect(page.get_by_test_id("assessment-state")).to_have_text("未填报")
    for label, value in zip(FIGURE_LABELS, FIGURES[unit], strict=True):
        page.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$")).fill(value)  # a required figure is starred
    page.get_by_role("button", name="保存自评数据").click()
    expect(page.get_by_test_id("assessment-state")).to_have_text("草稿")
    name, mime, data = evidence
    form = page.get_by_test_id("evidence-form")
    form.get_by_label("佐证对象").select_option(label="隐患整改数")
    form.get_by_label("文件（PDF、JPG 或 PNG，每个不超过 10 MB）").set_input_files([{"name": name, "mimeType": mime, "buffer": data}])
    form.get_by_role("button", name="上传").click()
    expect(page.get_by_test_id("evidence-list").get_by_role("link", name=name)).to_be_visible()
    page.get_by_role("button", name="提交自评").click()
    expect(page.get_by_test_id("assessment-state")).to_have_text("已提交")


def step_3_units_report_figures_with_evidence(roles, base) -> None:
    pdf, png = ("application/pdf", PDF), ("image/png", tiny_png())
    report(roles("ent_a"), base, VETOED, ("隐患整改台账.pdf", *pdf))
    report(roles("ent_a"), base, "运维一班", ("班组整改照片.png", *png))
    report(roles("ent_b"), base, WINNER, ("隐患整改台账.pdf", *pdf))
    report(roles("ent_b"), base, "焊接班", ("班组整改照片.png", *png))
    report(roles("ent_c"), base, THIRD, ("整改通知回执.pdf", *pdf))

    # the county reads what its units reported, read-only
    county = roles("county_b")
    county.goto(f"{base}/assessments/")
    county.get_by_role("link", name=f"打开 {THIRD}").click()
    expect(county.get_by_test_id("assessment-state")).to_have_text("已提交")
    expect(county.get_by_test_id("figures-form")).to_have_count(0)
    expect(county.get_by_test_id("figures-table")).to_contain_text("540")


# ---------------------------------------------------------------------------------------------- step 4


def draw_numbers(page, contest_url: str, event: str) -> dict[str, int]:
    """The draw held on the host's page; the competitor numbers read from its list (unit → number)."""
    page.goto(contest_url)
    page.get_by_role("row", name=event).get_by_role("link", name="抽签").click()
    page.get_by_role("button", name="进行抽签").click()
    expect(page.get_by_text("已复核一致")).to_be_visible()
    numbers = {}
    for row in page.locator("table tbody tr").all():
        cells = row.locator("td")
        numbers[cells.nth(1).inner_text().strip()] = int(cells.nth(0).inner_text())
    return numbers


def open_tablet(page, base: str, event: str) -> None:
    page.goto(f"{base}/judging/")
    page.locator(".list-group-item", has_text=event).get_by_role("link", name="检查考评").click()
    expect(page.locator("#tablet[data-ready=true]")).to_be_visible()
    expect(page.locator("#tablet")).to_have_attribute("data-fresh", "true")  # the server's sheet has arrived


def entry(page, number: int):
    return page.locator(f'.entry-btn[data-number="{number}"]')


def inspect(page, number: int, unit: str, marks: tuple[str, int, str, str]) -> None:
    """One unit on the tablet: direct points, uncorrected hazards on the stepper with a note, adopted proposals,
    and the veto item (yes with its reason, or no)."""
    points, hazards, proposals, veto = marks

    def row(name: str):
        return page.locator(".crit-row").filter(has=page.locator(".crit-name", has_text=name))

    entry(page, number).click()
    expect(page.get_by_test_id("entry-title")).to_contain_text(f"{number:02d}")
    expect(page.get_by_test_id("unit-facts")).to_contain_text(unit)
    row(POINTS).locator("input.mark-input").fill(points)
    if hazards:
        for _ in range(hazards):
            row(HAZARDS).locator('[data-step="up"]').click()
        expect(row(HAZARDS).locator("input.mark-input")).to_have_value(str(hazards))
        row(HAZARDS).locator("input[data-note]").fill(f"{hazards} 处隐患未按期整改")
    else:
        row(HAZARDS).locator("input.mark-input").fill("0")
    row(PROPOSALS).locator("input.mark-input").fill(proposals)
    if veto:
        row(FATAL).locator('.judgement [data-value="1"]').click()
        expect(row(FATAL).locator(".crit-msg")).to_have_text("一票否决须填写原因。")
        expect(page.get_by_test_id("submit")).to_be_disabled()
        row(FATAL).locator("input[data-note]").fill(veto)
    else:
        row(FATAL).locator('.judgement [data-value="0"]').click()
    expect(page.get_by_test_id("submit")).to_be_enabled()
    page.get_by_test_id("submit").click()


def sign_off(page, base: str, event_id: int) -> None:
    page.goto(f"{base}/events/{event_id}/scores")
    page.get_by_role("button", name="签字确认").click()
    expect(page.get_by_test_id("signed-off")).to_be_visible()


def step_4_inspectors_score_on_tablets_one_offline(roles, base, state) -> None:
    city, events = roles("city"), state["events"]
    city.goto(state["contest_url"])
    city.get_by_role("button", name="截止报名").click()
    expect(city.get_by_test_id("status")).to_have_text("报名已截止")
    numbers = {event: draw_numbers(city, state["contest_url"], event) for event in (ENTERPRISES, TEAMS)}
    assert set(numbers[ENTERPRISES]) == {VETOED, WINNER, THIRD} and set(numbers[TEAMS]) == {"运维一班", "焊接班"}
    city.goto(state["contest_url"])
    city.get_by_role("button", name="开始竞赛").click()
    expect(city.get_by_test_id("status")).to_have_text("进行中")

    # the chief inspector, online; he reads the fatal accident in 柯城电力's self-assessment and vetoes it
    chief = roles("inspector1", tablet=True)
    open_tablet(chief, base, ENTERPRISES)
    expect(chief.locator(".entry-btn")).to_have_count(3)
    for unit, marks in CHIEF_MARKS.items():
        number = numbers[ENTERPRISES][unit]
        if unit == VETOED:
            entry(chief, number).click()
            expect(chief.get_by_test_id("unit-facts")).to_contain_text("死亡事故")
        inspect(chief, number, unit, marks)
        expect(entry(chief, number)).to_have_attribute("data-status", "submitted")

    # the second inspector loses the Wi-Fi on site and carries on; the scores leave when it returns
    second = roles("inspector2", tablet=True)
    open_tablet(second, base, ENTERPRISES)
    second.context.set_offline(True)
    expect(second.get_by_test_id("network")).to_have_attribute("data-state", "offline")
    for unit, marks in SECOND_MARKS.items():
        inspect(second, numbers[ENTERPRISES][unit], unit, marks)
        expect(entry(second, numbers[ENTERPRISES][unit])).to_have_attribute("data-status", "queued")
    expect(second.get_by_test_id("unsent")).to_have_attribute("data-count", "3")
    second.context.set_offline(False)
    expect(second.get_by_test_id("unsent")).to_have_attribute("data-count", "0")
    for unit in SECOND_MARKS:
        expect(entry(second, numbers[ENTERPRISES][unit])).to_have_attribute("data-status", "submitted")

    open_tablet(chief, base, TEAMS)
    for unit, marks in TEAM_MARKS.items():
        inspect(chief, numbers[TEAMS][unit], unit, marks)
        expect(entry(chief, numbers[TEAMS][unit])).to_have_attribute("data-status", "submitted")
    sign_off(chief, base, events[ENTERPRISES])
    sign_off(chief, base, events[TEAMS])


# ---------------------------------------------------------------------------------------------- step 5


def step_5_the_vetoed_unit_is_excluded_despite_a_high_score(roles, base, state) -> None:
    city = roles("city")
    for event, unit in ((TEAMS, "焊接班"), (ENTERPRISES, WINNER)):
        city.goto(f"{base}/events/{state['events'][event]}/results")
        city.get_by_role("button", name="计算名次与奖项").click()
        expect(city.get_by_text("名次与奖项已计算")).to_be_visible()
        expect(row_of(city, unit)).to_contain_text(event)  # the award
    for unit in (VETOED, WINNER, THIRD):
        expect(row_of(city, unit)).to_contain_text(TOTALS[unit])
    vetoed = row_of(city, VETOED)
    expect(vetoed.locator("td").first).to_have_text("1")  # ranked first on points ...
    expect(vetoed.get_by_test_id("excluded")).to_have_text("不参与评优")  # ... but no award
    expect(vetoed.get_by_test_id("excluded-reason")).to_contain_text(VETO_REASON)  # the host sees why
    expect(vetoed.locator(".badge")).to_have_text(["不参与评优"])  # no award badge beside it
    expect(row_of(city, THIRD).locator(".badge")).to_have_count(0)  # 81.5 points: no place left


# ---------------------------------------------------------------------------------------------- step 6


def step_6_awards_go_through_publication_to_final(app, roles, base, state) -> None:
    city = roles("city")
    city.goto(state["contest_url"])
    city.get_by_role("button", name="公示成绩").click()
    expect(city.get_by_text("成绩已公示")).to_be_visible()

    # the public notice: the vetoed unit is marked, its reason stays with the host
    public = roles("public")
    public.goto(f"{base}/public/results/{state['events'][ENTERPRISES]}")
    expect(public.get_by_text(re.compile("^公示至"))).to_be_visible()
    expect(row_of(public, VETOED).get_by_test_id("excluded")).to_have_text("不参与评优")
    expect(row_of(public, WINNER)).to_contain_text(ENTERPRISES)
    expect(public.get_by_text(VETO_REASON)).to_have_count(0)

    # the notice period passes (time moves on behind the pages); the city makes the results final
    with app.app_context():
        db.session.execute(Publication.__table__.update().values(notice_until=utcnow() - timedelta(minutes=1)))
        db.session.commit()
        db.session.remove()
    city.goto(state["contest_url"])
    city.get_by_role("button", name="成绩定稿").click()
    expect(city.get_by_text("成绩已定稿")).to_be_visible()
    expect(city.get_by_test_id("status")).to_have_text("已定稿")
    public.goto(f"{base}/public/results/{state['events'][ENTERPRISES]}")
    expect(row_of(public, WINNER)).to_contain_text(ENTERPRISES)
    expect(public.locator(".badge", has_text="已定稿")).to_be_visible()

    city.goto(f"{base}/events/{state['events'][ENTERPRISES]}/certificates")
    city.get_by_role("button", name="颁发证书").click()
    table = city.locator(".certificates-table tbody")
    expect(table).to_contain_text(WINNER)
    expect(table.locator("tr")).to_have_count(1)  # none for the vetoed unit, none below the places


# ---------------------------------------------------------------------------------------------- step 7


def step_7_the_unit_certificate_verifies_by_qr_code(roles, base, tmp_path) -> None:
    winner = roles("ent_b")
    winner.goto(f"{base}/my/certificates")
    mine = winner.get_by_test_id("unit-certificates")
    expect(mine).to_contain_text(WINNER)
    with winner.expect_download() as download:
        mine.get_by_role("link", name="下载（PDF）").click()
    pdf = tmp_path / "certificate.pdf"
    download.value.save_as(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = re.sub(r"\s+", "", text)
    assert WINNER in flat and ENTERPRISES in flat and "安康杯" in flat
    png = tmp_path / "certificate"
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", str(pdf), str(png)], check=True)
    decoded = subprocess.run(["zbarimg", "--quiet", "--raw", f"{png}.png"], capture_output=True, text=True, check=True).stdout.strip()
    assert "/verify/" in decoded, decoded
    code = decoded.rsplit("/verify/", 1)[1]

    public = roles("public")
    public.goto(f"{base}/verify/{code}")
    expect(public.get_by_text("有效").first).to_be_visible()
    expect(public.get_by_text(WINNER).first).to_be_visible()  # a unit's name is shown in full
    expect(public.get_by_text(ENTERPRISES).first).to_be_visible()


# ---------------------------------------------------------------------------------------------- step 8

# What the journey did, per county: enterprises in the tree / enrolled, teams / enrolled, the mean of the
# entries' totals, the figures summed over the submitted self-assessments, vetoed units.
COVERAGE = {
    "柯城区": {"enterprises": "2", "enterprises_enrolled": "1", "enterprise_coverage": "50", "teams": "1",
            "teams_enrolled": "1", "team_coverage": "100", "average_score": "92.00",  # (98 + 86) / 2
            "hazards_found": "14", "hazards_corrected": "13", "correction_rate": "92",
            "proposals_made": "17", "proposals_adopted": "7", "adoption_rate": "41", "vetoes": "1"},
    "衢江区": {"enterprises": "2", "enterprises_enrolled": "2", "enterprise_coverage": "100", "teams": "1",
            "teams_enrolled": "1", "team_coverage": "100", "average_score": "88.67",  # (90.5 + 81.5 + 94) / 3
            "hazards_found": "20", "hazards_corrected": "16", "correction_rate": "80",
            "proposals_made": "14", "proposals_adopted": "8", "adoption_rate": "57", "vetoes": "0"},
    "total": {"enterprises": "4", "enterprises_enrolled": "3", "enterprise_coverage": "75", "teams": "2",
              "teams_enrolled": "2", "team_coverage": "100", "average_score": "90.00",  # 450 / 5
              "hazards_found": "34", "hazards_corrected": "29", "correction_rate": "85",
              "proposals_made": "31", "proposals_adopted": "15", "adoption_rate": "48", "vetoes": "1"},
}


def step_8_the_coverage_table_is_right(roles, base) -> None:
    city = roles("city")
    city.goto(f"{base}/")
    city.get_by_test_id("coverage-link").click()
    table = city.locator('table[data-table="coverage"]')
    expect(table.locator("caption")).to_contain_text(f"{YEAR}年各单位“安康杯”覆盖情况")
    for name, fields in COVERAGE.items():
        row = (table.locator('tr[data-coverage-row="total"]') if name == "total"
               else table.locator("tbody tr").filter(has=city.get_by_role("rowheader", name=re.compile(f"^{name}"))))
        for field, value in fields.items():
            expect(row.locator(f'[data-field="{field}"]'), f"{name} {field}").to_have_text(value)
    # drill down into 柯城区: 柯城电力 enrolled and vetoed, 柯城化工 not enrolled
    table.get_by_role("link", name="柯城区").click()
    rows = city.locator('table[data-table="coverage"] tbody tr')
    expect(rows.filter(has_text=VETOED).locator('[data-field="enterprise_coverage"]')).to_have_text("100")
    expect(rows.filter(has_text=VETOED).locator('[data-field="vetoes"]')).to_have_text("1")
    expect(rows.filter(has_text="柯城化工").locator('[data-field="enterprise_coverage"]')).to_have_text("0")


def test_the_safety_cup_from_sheet_to_coverage(cup, tmp_path):
    """The eight steps in order, each continuing where the last one stopped."""
    app, base, roles = cup
    state = step_1_the_city_publishes_the_sheet(roles, base)
    step_2_units_enrol_and_are_approved(roles, base, state)
    step_3_units_report_figures_with_evidence(roles, base)
    step_4_inspectors_score_on_tablets_one_offline(roles, base, state)
    step_5_the_vetoed_unit_is_excluded_despite_a_high_score(roles, base, state)
    step_6_awards_go_through_publication_to_final(app, roles, base, state)
    step_7_the_unit_certificate_verifies_by_qr_code(roles, base, tmp_path)
    step_8_the_coverage_table_is_right(roles, base)
