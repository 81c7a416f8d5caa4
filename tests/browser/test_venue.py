"""At the venue, in a real browser: a judge on a portrait tablet opens the score sheet and a match once,
loses the server (Wi-Fi off and the server unreachable), reloads the sheet, scores three entries, enters a
match result, and comes back online; every score and the result reach the server exactly once, through one
outbox. On the way: Enter never submits, a half-filled sheet asks first, "next" puts the cursor in the first
field. The projector view of a bracket fits 1920×1080 without scrolling."""

from __future__ import annotations

import threading
from contextlib import contextmanager

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select
from werkzeug.serving import make_server

from contest import create_app
from contest.config import TestConfig
from contest.extensions import db
from contest.models import ApiToken, Criterion, Match, MatchAudit, Nomination, Score, ScoreAudit, User
from contest.services import brackets
from tests.bracket_factories import bracket_event
from tests.browser.conftest import PASSWORD, WAIT_MS, box_of, login, new_page
from tests.factories import build_world
from tests.judging_factories import running_event


class Venue:
    """The app served on a fixed port that can be taken down (connection refused) and brought back."""

    def __init__(self, app, port: int = 0):
        self.app = app
        self.server = None
        self.thread = None
        self.port = port
        self.up()

    def up(self) -> None:
        self.server = make_server("127.0.0.1", self.port, self.app, threaded=True)
        self.port = self.server.server_port
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def down(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@contextmanager
def venue(tmp_path_factory, bracket_format: str = "single_elimination", entrants: int = 4):
    path = tmp_path_factory.mktemp("venue") / "live.sqlite3"
    app = create_app(TestConfig, {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "WTF_CSRF_ENABLED": True})
    with app.app_context():
        db.create_all()
        world = build_world(PASSWORD)
        running = running_event(world, extra_workers=2)
        scene = bracket_event(world, bracket_format, entrants)
        brackets.generate(world.users["city"], scene.event.id, brackets.Setup(third_place=bracket_format == "single_elimination"))
        ids = {
            "event": running.event.id,
            "numbers": sorted(running.numbers.values()),
            "criteria": {c.name: c.id for c in db.session.scalars(select(Criterion))},
            "bracket_event": scene.event.id,
            "match": db.session.scalar(select(Match.id).where(Match.event_id == scene.event.id, Match.key == "W1-1")),
        }
        db.session.remove()
    server = Venue(app)
    try:
        yield server, ids
    finally:
        server.down()


CACHED = """async (path) => {
  for (const name of await caches.keys()) {
    if (await (await caches.open(name)).match(location.origin + path, { ignoreVary: true })) { return true; }
  }
  return false;
}"""


def test_a_judge_scores_and_enters_a_result_offline_after_a_reload(tmp_path_factory, browser):
    with venue(tmp_path_factory) as (server, ids):
        page = new_page(browser, 768, 1024, has_touch=True)
        context = page.context
        dialogs = []

        def answer(dialog):
            dialogs.append((dialog.type, dialog.message))
            dialog.dismiss() if dialog.type == "confirm" else dialog.accept()

        page.on("dialog", answer)
        base, event, numbers, crit = server.base, ids["event"], ids["numbers"], ids["criteria"]
        sheet_url, match_url = f"{base}/judging/events/{event}", f"{base}/brackets/matches/{ids['match']}"

        # one visit online: the service worker keeps the sheet page, its scripts and styles, and the sheet
        login(page, base, "chief")
        page.goto(sheet_url)
        expect(page.locator("#tablet[data-ready=true]")).to_be_visible()
        page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=WAIT_MS)
        page.wait_for_function(CACHED, arg=f"/judging/events/{event}", timeout=WAIT_MS)
        page.wait_for_function(CACHED, arg=f"/api/v1/events/{event}/sheet", timeout=WAIT_MS)
        # every control the judge touches is at least 44 px, the navigation bar included
        small = page.evaluate("""() => [...document.querySelectorAll('nav a, nav button, #tablet button, #tablet input, #tablet a')]
            .filter(n => n.offsetParent !== null).map(n => [n.textContent.trim() || n.outerHTML.slice(0, 60), n.getBoundingClientRect()])
            .filter(([, r]) => r.height < 44 || r.width < 44).map(([t]) => t)""")
        assert small == [], small
        page.goto(match_url)
        small = page.evaluate("""() => [...document.querySelectorAll('nav a, nav button, main a, main button, main input:not([type=radio]), main select, main label.btn')]
            .filter(n => n.offsetParent !== null).map(n => [n.textContent.trim() || n.outerHTML.slice(0, 60), n.getBoundingClientRect()])
            .filter(([, r]) => r.height < 44 || r.width < 44).map(([t]) => t)""")
        assert small == [], small
        page.wait_for_function(CACHED, arg=f"/brackets/matches/{ids['match']}", timeout=WAIT_MS)
        page.goto(sheet_url)
        expect(page.locator("#tablet[data-ready=true]")).to_be_visible()

        # the Wi-Fi goes and the server with it; the judge reloads the sheet
        context.set_offline(True)
        server.down()
        page.reload()
        expect(page.locator("#tablet[data-ready=true]")).to_be_visible()
        expect(page.get_by_test_id("network")).to_have_attribute("data-state", "offline")
        expect(page.locator(".entry-btn")).to_have_count(len(numbers))

        # Enter moves to the next field and never submits; a half-filled sheet asks first
        page.locator(f'.entry-btn[data-number="{numbers[0]}"]').click()
        written = page.locator(f'input.mark-input[data-criterion="{crit["笔试"]}"]')
        practical = page.locator(f'input.mark-input[data-criterion="{crit["操作"]}"]')
        written.fill("88.5")
        written.press("Enter")
        expect(practical).to_be_focused()
        practical.fill("51")
        practical.press("Enter")
        expect(page.locator(f'.judgement[data-criterion="{crit["安全"]}"] [data-value="0"]')).to_be_focused()
        expect(page.get_by_test_id("unsent")).to_have_attribute("data-count", "0")
        page.get_by_test_id("submit").click()  # 安全 is still empty: the judge is asked, and says no
        assert dialogs and dialogs[-1][0] == "confirm" and "1" in dialogs[-1][1] and "3" in dialogs[-1][1]
        expect(page.get_by_test_id("unsent")).to_have_attribute("data-count", "0")

        # three entries scored offline; "next" opens the following number with the cursor in its first field
        expected = {numbers[0]: ("88.5", "51", "3"), numbers[1]: ("90", "55.25", "2"), numbers[2]: ("76.75", "48", "1")}
        for index, (number, (w, p, s)) in enumerate(expected.items()):
            if index:
                page.get_by_test_id("next").click()
                expect(page.get_by_test_id("entry-title")).to_contain_text(f"{number:02d}")
                expect(written).to_be_focused()
            written.fill(w)
            practical.fill(p)
            page.locator(f'.judgement[data-criterion="{crit["安全"]}"] [data-value="{s}"]').click()
            page.get_by_test_id("submit").click()
            expect(page.get_by_test_id("unsent")).to_have_attribute("data-count", str(index + 1))
        # leaving now would warn: something is unsent
        assert page.evaluate("() => { const e = new Event('beforeunload', {cancelable: true}); window.dispatchEvent(e); return e.defaultPrevented; }")

        # the match result, on the match page as last seen
        page.goto(match_url)
        page.get_by_test_id("winner-home").click()
        page.get_by_label("得分").first.fill("21")
        page.get_by_label("得分").last.press("Enter")  # Enter in a score field does not save
        expect(page.get_by_test_id("queued")).to_be_hidden()
        page.get_by_label("得分").last.fill("15")
        page.get_by_test_id("save").click()
        expect(page.get_by_test_id("queued")).to_be_visible()
        expect(page.get_by_test_id("network")).to_have_count(0)
        expect(page.get_by_test_id("outbox-badge")).to_have_attribute("data-state", "offline")

        # back online: the outbox sends the three sheets, then the result, and the bracket opens
        server.up()
        context.set_offline(False)
        expect(page.get_by_test_id("recorded")).to_contain_text("W1-1", timeout=WAIT_MS)
        expect(page.get_by_test_id("unsent-list")).to_be_hidden()
        expect(page.locator('[data-testid="match"][data-key="W1-1"]')).to_have_attribute("data-state", "finished")

        with server.app.app_context():
            chief = db.session.scalar(select(User).where(User.username == "chief"))
            rows = db.session.execute(
                select(Nomination.competitor_number, Score.criterion_id, Score.value_x100)
                .join(Nomination, Nomination.id == Score.nomination_id).where(Score.event_id == event, Score.judge_id == chief.id)
            ).all()
            assert sorted(rows) == sorted(
                (n, crit[name], round(float(v) * 100)) for n, values in expected.items() for name, v in zip(("笔试", "操作", "安全"), values, strict=True)
            )
            audits = db.session.scalar(select(func.count(ScoreAudit.id)).where(ScoreAudit.event_id == event))
            assert audits == 9
            m = db.session.get(Match, ids["match"])
            assert m.has_result and (m.home_score, m.away_score) == (21, 15) and m.version == 1
            assert db.session.scalar(select(func.count(MatchAudit.id)).where(MatchAudit.match_id == m.id)) == 1
            # one API token for this device, however many pages were loaded
            assert db.session.scalar(select(func.count(ApiToken.id)).where(ApiToken.user_id == chief.id)) == 1
            db.session.remove()
        context.close()


@pytest.mark.parametrize("bracket_format, entrants", [("single_elimination", 13), ("double_elimination", 16)])
def test_the_projector_view_fits_1920_by_1080(tmp_path_factory, browser, bracket_format, entrants):
    with venue(tmp_path_factory, bracket_format, entrants) as (server, ids):
        context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
        page = context.new_page()
        login(page, server.base, "chief")
        page.goto(f"{server.base}/brackets/events/{ids['bracket_event']}?projector=1")
        expect(page.locator("body.projector[data-fitted]")).to_have_count(1)
        pages = page.evaluate("() => window.contestProjector.pages()")
        seen = set()
        for index in range(pages):
            if pages > 1:
                page.evaluate("(i) => window.contestProjector.show(i)", index)
            page.screenshot(path=str(tmp_path_factory.getbasetemp() / f"projector-{bracket_format}-{index}.png"))
            size = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
            assert size[0] <= 1920 and size[1] <= 1080, size
            # every match shown is wholly on the screen, in type legible from 10 m
            cards = page.locator('[data-testid="match"]:visible')
            for i in range(cards.count()):
                box = box_of(cards.nth(i))
                assert box["x"] >= 0 and box["y"] >= 0 and box["x"] + box["width"] <= 1920 and box["y"] + box["height"] <= 1080, box
                seen.add(cards.nth(i).get_attribute("data-key"))
            smallest = page.evaluate(
                "() => Math.min(...[...document.querySelectorAll('.bm-name')].filter(n => n.offsetParent)"
                ".map(n => parseFloat(getComputedStyle(n).fontSize) * parseFloat(document.body.dataset.fitScale)))")
            assert smallest >= 22, smallest
        # across the pages: every match, the final, third-place match and grand final included
        assert seen == set(page.locator('[data-testid="match"]').evaluate_all("cards => cards.map(c => c.dataset.key)"))
        assert ("3P" if bracket_format == "single_elimination" else "GF1") in seen
        context.close()
