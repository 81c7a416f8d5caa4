"""The 安康杯 indicator sheet in a real browser: the city builds a sheet with a deduction, a bonus and a veto
item; an inspector scores a unit on the tablet with a deduction counted on the stepper and a note, submitted
while offline, and the server stores it exactly once when the connection returns."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import func, select

from contest.domain.contests import ContestStatus
from contest.extensions import db
from contest.models import Event, Score, ScoreAudit, User
from contest.services import contests, draws, indicator_sheets, judging, registration
from contest.services.contests import EventInput
from tests.browser.conftest import login
from tests.contest_factories import make_contest
from tests.factories import load_world


def add_indicator(page, name: str, method: str, **amounts: str) -> None:
    page.fill("#name", name)
    page.select_option("#method", method)
    for field, value in amounts.items():
        page.fill(f"#{field}", value)
    page.get_by_test_id("save-indicator").click()
    expect(page.locator(f'[data-testid="indicator"]:has-text("{name}")')).to_be_visible()


def test_a_sheet_is_built_and_a_unit_inspected_offline(live_server, _live_app, page, tablet):
    base, _ids = live_server
    app = _live_app[0]
    with app.app_context():
        world = load_world()
        contest = make_contest(world.users["city"], title="2026年衢州市安康杯竞赛", open_=False, events=())
        event_id = contests.create_event(world.users["city"], contest.id, EventInput("优胜企业", kind="unit")).id
        contest_id = contest.id
        db.session.remove()

    # the city builds the sheet
    login(page, base, "city")
    page.goto(f"{base}/events/{event_id}/indicators")
    page.fill("#new_section-name", "隐患排查治理")
    page.get_by_test_id("add-section").click()
    expect(page.get_by_test_id("section")).to_have_count(1)
    page.fill("#name", "未整改隐患")
    page.select_option("#method", "deduction")
    page.fill("#max_points", "20")
    page.get_by_test_id("save-indicator").click()
    expect(page.locator("#per-error")).to_be_visible()  # the refusal beside its field
    add_indicator(page, "未整改隐患", "deduction", max_points="20", per="2", floor="0", guidance="每处扣 2 分")
    add_indicator(page, "采纳的合理化建议", "bonus", max_points="5", per="1")
    add_indicator(page, "发生亡人事故", "veto")
    expect(page.get_by_test_id("sheet-total")).to_have_text("25")

    with app.app_context():
        world = load_world()
        city = world.users["city"]
        contests.change_status(city, contest_id, ContestStatus.OPEN)
        nomination = registration.nominate_unit(city, event_id, world.orgs["ent_b"].id)
        contests.change_status(city, contest_id, ContestStatus.CLOSED)
        draws.hold_draw(city, event_id)
        contests.change_status(city, contest_id, ContestStatus.RUNNING)
        judging.assign_judge(city, event_id, world.users["judge"].id, chief=True)
        number = db.session.get(type(nomination), nomination.id).competitor_number
        links = indicator_sheets.criteria_of(db.session.get(Event, event_id))
        judge_id = world.users["judge"].id
        db.session.remove()
    hazards, proposals, fatal = links["i1"], links["i2"], links["i3"]

    # the inspector, on a tablet, loses the connection and carries on
    page = tablet
    login(page, base, "judge")
    page.goto(f"{base}/judging/events/{event_id}")
    expect(page.locator("#tablet[data-ready=true]")).to_be_visible()
    page.locator(f'.entry-btn[data-number="{number}"]').click()
    expect(page.get_by_test_id("unit-facts")).to_contain_text("衢江机械")
    expect(page.locator(f'.crit-row[data-criterion="{hazards}"] .crit-guidance')).to_have_text("每处扣 2 分")
    page.context.set_offline(True)
    expect(page.get_by_test_id("network")).to_have_attribute("data-state", "offline")
    stepper = page.locator(f'.crit-row[data-criterion="{hazards}"] [data-step="up"]')
    stepper.click()
    stepper.click()
    expect(page.locator(f'input.mark-input[data-criterion="{hazards}"]')).to_have_value("2")
    page.locator(f'input[data-note="{hazards}"]').fill("2 处消防通道堵塞")
    page.locator(f'input.mark-input[data-criterion="{proposals}"]').fill("3")
    # every control is rendered from the sheet's description of it (the scoring-type registry)
    expect(page.locator(f'.crit-row[data-criterion="{fatal}"] .crit-max')).to_have_text("一票否决项")
    expect(page.locator(f'.judgement[data-criterion="{fatal}"] .judgement-btn')).to_have_text(["未触发", "触发"])
    expect(page.locator(f'label[for="c-{fatal}-note"]')).to_have_text("否决原因")
    expect(page.locator(f'.crit-row[data-criterion="{hazards}"] .crit-max')).to_have_text("发生次数（处）")
    page.locator(f'.judgement[data-criterion="{fatal}"] [data-value="1"]').click()  # hit: needs its reason
    expect(page.locator(f'.crit-row[data-criterion="{fatal}"] .crit-msg')).to_have_text("一票否决须填写原因。")
    expect(page.get_by_test_id("submit")).to_be_disabled()
    page.locator(f'.judgement[data-criterion="{fatal}"] [data-value="0"]').click()
    expect(page.get_by_test_id("submit")).to_be_enabled()
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("unsent")).to_have_attribute("data-count", "1")

    page.context.set_offline(False)
    expect(page.get_by_test_id("unsent")).to_have_attribute("data-count", "0")
    expect(page.locator(f'.entry-btn[data-number="{number}"]')).to_have_attribute("data-status", "submitted")
    expect(page.locator(f'.crit-row[data-criterion="{fatal}"] .crit-note')).to_have_text("已提交：未触发")  # the button's label

    with app.app_context():
        rows = db.session.execute(select(Score.criterion_id, Score.value_x100, Score.note, Score.version)
                                  .where(Score.event_id == event_id, Score.judge_id == judge_id)).all()
        assert sorted(rows) == sorted([(hazards, 200, "2 处消防通道堵塞", 1), (proposals, 300, "", 1), (fatal, 0, "", 1)])
        assert db.session.scalar(select(func.count(ScoreAudit.id)).where(ScoreAudit.event_id == event_id)) == 3
        assert db.session.scalar(select(User.id).where(User.id == judge_id)) == judge_id
        db.session.remove()
