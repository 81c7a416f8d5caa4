"""Brackets in a real browser, in Chinese: the host draws up a 13-entrant single elimination (byes for seeds
1–3); the chief judge enters results on a tablet, one of them while the connection is down; an early result
is corrected and the later match re-flows after a confirmation; the bracket is signed off and its placements
become awards."""

from __future__ import annotations

from contextlib import contextmanager

from playwright.sync_api import expect

from contest import create_app
from contest.config import TestConfig
from contest.extensions import db
from contest.models import User
from contest.services import brackets, contests
from tests.bracket_factories import bracket_event
from tests.browser.conftest import PASSWORD, WAIT_MS, login, serving
from tests.factories import build_world


@contextmanager
def serve(tmp_path_factory, entrants: int = 13):
    path = tmp_path_factory.mktemp("brackets") / "live.sqlite3"
    app = create_app(TestConfig, {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "WTF_CSRF_ENABLED": True})
    with app.app_context():
        db.create_all()
        world = build_world(PASSWORD)
        scene = bracket_event(world, "single_elimination", entrants)
        contests.set_ranking_rules(world.users["city"], scene.event.id, [], {
            **contests.DEFAULT_AWARD_SCHEME, "mode": "count",
            "tiers": [{"name": "一等奖", "value": "1"}, {"name": "二等奖", "value": "1"}, {"name": "三等奖", "value": "1"}]})
        event_id = scene.event.id
        db.session.remove()
    with serving(app) as base:
        yield base, app, event_id


def finish_by_service(app, event_id: int) -> None:
    """The remaining matches: the better seed wins."""
    with app.app_context():
        chief = db.session.scalar(db.select(User).where(User.username == "chief"))
        while ready := [m for m in brackets.bracket_view(chief, event_id).matches if m.state == "ready"]:
            m = ready[0]
            home_wins = m.home.seed < m.away.seed
            brackets.record_result(chief, m.id, brackets.Entry("home" if home_wins else "away", 21 if home_wins else 12, 12 if home_wins else 21))
        db.session.remove()


def match(page, key: str):
    return page.locator(f'[data-testid="match"][data-key="{key}"]')


def enter(page, key: str, winner: str, home: str, away: str) -> None:
    page.get_by_test_id(f"enter-{key}").click()
    page.get_by_test_id(f"winner-{winner}").click()
    page.get_by_label("得分").first.fill(home)
    page.get_by_label("得分").last.fill(away)


def test_single_elimination_from_set_up_to_awards(tmp_path_factory, browser):
    with serve(tmp_path_factory) as (base, app, event_id):
        desk = browser.new_context(viewport={"width": 1280, "height": 900})
        page = desk.new_page()
        page.set_default_timeout(WAIT_MS)
        page.on("dialog", lambda dialog: dialog.accept())

        # the host draws up the bracket: seeds by the draw, a third-place match
        login(page, base, "city")
        page.goto(f"{base}/events/{event_id}")
        page.get_by_role("link", name="编排设置").click()
        page.get_by_label("进行季军赛").check()
        page.get_by_test_id("generate").click()
        expect(page.get_by_text("对阵表已编排")).to_be_visible()
        expect(page.get_by_test_id("bye")).to_have_count(3)
        expect(page.locator('[data-testid="bye"][data-seed="1"]')).to_be_visible()
        expect(page.locator('[data-testid="bye"][data-seed="3"]')).to_be_visible()
        expect(page.locator('[data-testid="match"][data-state="ready"]')).to_have_count(5)

        # the chief judge on a tablet
        tablet = browser.new_context(viewport={"width": 768, "height": 1024}, has_touch=True)
        pad = tablet.new_page()
        pad.set_default_timeout(WAIT_MS)
        pad.on("dialog", lambda dialog: dialog.accept())
        login(pad, base, "chief")
        pad.goto(f"{base}/judging/")
        pad.get_by_role("link", name="录入比赛结果").click()
        enter(pad, "W1-2", "home", "21", "17")
        pad.get_by_test_id("save").click()
        expect(pad.get_by_test_id("recorded")).to_contain_text("场次 W1-2 的结果已录入")
        expect(match(pad, "W1-2")).to_have_attribute("data-state", "finished")

        # the connection drops as the judge saves: the result waits in the tablet's outbox and is sent by itself
        # when the connection returns; the bracket then opens with the result in place
        enter(pad, "W1-3", "away", "15", "21")
        tablet.set_offline(True)
        pad.get_by_test_id("save").click()
        expect(pad.get_by_test_id("queued")).to_be_visible()  # the page stays, the result is kept
        expect(pad.get_by_test_id("save")).to_be_disabled()
        tablet.set_offline(False)
        expect(pad.get_by_test_id("recorded")).to_contain_text("W1-3", timeout=WAIT_MS)
        expect(match(pad, "W1-3")).to_have_attribute("data-state", "finished")
        expect(pad.get_by_test_id("unsent-list")).to_be_hidden()

        # W1-2's winner plays on in W2-1; then W1-2 turns out to be wrong
        finish_by_service(app, event_id)
        pad.goto(f"{base}/brackets/events/{event_id}")
        expect(pad.get_by_test_id("finished")).to_be_visible()
        first_winner = match(pad, "W2-1").locator('[data-side="away"] .bm-name').inner_text()
        pad.get_by_test_id("enter-W1-2").click()
        pad.get_by_test_id("winner-away").click()
        pad.get_by_label("得分").first.fill("17")
        pad.get_by_label("得分").last.fill("21")
        pad.get_by_label("修改原因").fill("记分员报错胜方")
        pad.get_by_test_id("save").click()
        affected = pad.get_by_test_id("affected")
        for later in ("W2-1", "W3-1", "W4-1", "3P"):  # the quarter-final, and through it the semi-final, final and 3rd place
            expect(affected).to_contain_text(later)
        pad.get_by_test_id("confirm").click()
        expect(match(pad, "W1-2")).to_have_attribute("data-state", "finished")
        expect(match(pad, "W2-1")).to_have_attribute("data-state", "ready")
        assert match(pad, "W2-1").locator('[data-side="away"] .bm-name').inner_text() != first_winner

        # the rest is played again, the chief judge signs off
        finish_by_service(app, event_id)
        pad.goto(f"{base}/brackets/events/{event_id}")
        pad.get_by_role("button", name="裁判长签字确认").click()
        expect(pad.get_by_test_id("signed-off")).to_be_visible()
        expect(pad.get_by_test_id("placements")).to_contain_text("第1名")

        # placements become the ranking and the awards
        page.goto(f"{base}/events/{event_id}/results")
        page.get_by_role("button", name="计算名次与奖项").click()
        expect(page.get_by_text("名次与奖项已计算")).to_be_visible()
        first = page.locator("tbody tr").first
        expect(first).to_contain_text("一等奖")
        expect(page.locator("thead")).to_contain_text("胜场")
        page.goto(f"{base}/brackets/events/{event_id}/audit")
        expect(page.locator('tr[data-kind="cleared"]')).to_have_count(4)
        expect(page.locator('tr[data-kind="correction"]')).to_have_count(1)
        tablet.close()
        desk.close()


def test_seeds_by_hand_by_dragging_and_arrows_then_the_projector_view(tmp_path_factory, browser):
    with serve(tmp_path_factory, entrants=4) as (base, _app, event_id):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(WAIT_MS)
        login(page, base, "city")
        page.goto(f"{base}/brackets/events/{event_id}/setup")
        rows = page.locator(".seed-row")
        numbers = [rows.nth(i).get_attribute("data-number") for i in range(4)]
        rows.nth(3).drag_to(rows.nth(0), target_position={"x": 20, "y": 2})  # the last entry to the top
        expect(page.locator("#seeding-manual")).to_be_checked()
        rows.nth(1).get_by_role("button", name="下移").click()  # the first-listed entry one place down
        order = [rows.nth(i).get_attribute("data-number") for i in range(4)]
        assert order == [numbers[3], numbers[1], numbers[0], numbers[2]]
        for seed, number in enumerate(order, start=1):
            expect(page.get_by_label(f"参赛号 {number} 的种子号")).to_have_value(str(seed))
        page.get_by_test_id("generate").click()
        expect(page.get_by_text("对阵表已编排")).to_be_visible()
        first = page.locator('[data-testid="match"][data-key="W1-1"]')
        expect(first.locator('[data-side="home"]')).to_contain_text(f"{int(numbers[3]):02d}")  # seed 1 at home

        page.get_by_test_id("projector").click()
        expect(page.locator("body.projector")).to_have_count(1)
        expect(page.locator("nav.navbar")).to_be_hidden()
        expect(page.locator('[data-testid="match"]')).to_have_count(3)
        context.close()
