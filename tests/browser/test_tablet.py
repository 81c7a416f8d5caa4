"""Judging on tablets: score entry at 768×1024 on a venue's poor Wi-Fi, in a real browser.

The journeys: scoring several entries, losing the connection mid-way and carrying on, a lost answer to a
request that did reach the server, the queue draining when the connection returns, and the server holding every
score exactly once; the conflict of interest hiding an entry; the lock after the chief judge's sign-off.
"""

from __future__ import annotations

import json
import re
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from contest import create_app
from contest.commands import SubmitScores
from contest.config import TestConfig
from contest.extensions import db
from contest.models import Criterion, Nomination, Score, ScoreAudit, User
from contest.services import judging
from tests.browser.conftest import PASSWORD, box_of, login, serving
from tests.factories import build_world
from tests.judging_factories import running_event


@dataclass
class Scene:
    base: str
    app: object
    event_id: int
    numbers: dict[str, int]  # worker username → competitor number
    criteria: dict[str, int]  # criterion name → id: 笔试 (100), 操作 (60), 安全 (judgement 0–3)

    @property
    def url(self) -> str:
        return f"{self.base}/judging/events/{self.event_id}"


@contextmanager
def serve(tmp_path_factory, extra_workers: int):
    """Like conftest's live_server, with a running contest (three judges, entries drawn) in the database."""
    path = tmp_path_factory.mktemp("tablet") / "live.sqlite3"
    app = create_app(TestConfig, {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "WTF_CSRF_ENABLED": True})
    with app.app_context():
        db.create_all()
        running = running_event(build_world(PASSWORD), extra_workers=extra_workers)
        criteria = {c.name: c.id for c in db.session.scalars(select(Criterion))}
        event_id, numbers = running.event.id, dict(running.numbers)
        db.session.remove()
    with serving(app) as base:
        yield Scene(base, app, event_id, numbers, criteria)


@pytest.fixture
def scene(tmp_path_factory):
    with serve(tmp_path_factory, extra_workers=4) as s:
        yield s


@pytest.fixture
def small_scene(tmp_path_factory):
    with serve(tmp_path_factory, extra_workers=0) as s:
        yield s


# ---------------------------------------------------------------------------------------------- page helpers


def entry_button(page, number: int):
    return page.locator(f'.entry-btn[data-number="{number}"]')


def mark(page, criterion_id: int):
    return page.locator(f'input.mark-input[data-criterion="{criterion_id}"]')


def open_entry(page, number: int) -> None:
    if not entry_button(page, number).is_visible():  # portrait: back from the open entry to the list
        page.locator(".back-btn").click()
    entry_button(page, number).click()
    expect(page.get_by_test_id("entry-title")).to_contain_text(f"{number:02d}")


def score(page, scene: Scene, number: int, written: str, practical: str, safety: str, submit: bool = True) -> None:
    open_entry(page, number)
    mark(page, scene.criteria["笔试"]).fill(written)
    mark(page, scene.criteria["操作"]).fill(practical)
    page.locator(f'.judgement[data-criterion="{scene.criteria["安全"]}"] [data-value="{safety}"]').click()
    if submit:
        expect(page.get_by_test_id("submit")).to_be_enabled()
        page.get_by_test_id("submit").click()


@contextmanager
def sheet_reread(page):
    """Wait, around the block, for the sheet read that a confirmed submission starts.

    Matching any sheet read is not enough: the first visit reads the sheet twice (once at load, once when the
    service worker takes control), and a read that was already under way when the block began could be taken
    for the re-read. Only a read the page asks for after a submission's answer counts."""
    state = {"answered": False, "reads": []}

    def on_response(response):
        if response.request.method == "PUT" and response.url.endswith("/scores"):
            state["answered"] = True

    def on_request(request):
        if state["answered"] and request.method == "GET" and request.url.endswith("/sheet"):
            state["reads"].append(request)

    page.on("response", on_response)
    page.on("request", on_request)
    try:
        with page.expect_response(lambda r: any(r.request is read for read in state["reads"])):
            yield
    finally:
        page.remove_listener("response", on_response)
        page.remove_listener("request", on_request)


def has_class(css_class: str):
    return re.compile(rf"(^|\s){re.escape(css_class)}(\s|$)")


def status(page, number: int):
    return entry_button(page, number)


def stored(scene: Scene, username: str) -> tuple[dict, dict, dict]:
    """The judge's scores on the server: {(number, criterion): value}, row counts and audit row counts."""
    with scene.app.app_context():
        judge_id = db.session.scalar(select(User.id).where(User.username == username))
        values, rows, audits = {}, {}, {}
        for number, criterion_id, value_x100 in db.session.execute(
            select(Nomination.competitor_number, Score.criterion_id, Score.value_x100)
            .join(Nomination, Nomination.id == Score.nomination_id).where(Score.event_id == scene.event_id, Score.judge_id == judge_id)
        ):
            values[(number, criterion_id)] = f"{value_x100 / 100:.2f}"
            rows[(number, criterion_id)] = rows.get((number, criterion_id), 0) + 1
        for number, criterion_id, count in db.session.execute(
            select(Nomination.competitor_number, ScoreAudit.criterion_id, func.count(ScoreAudit.id))
            .join(Nomination, Nomination.id == ScoreAudit.nomination_id)
            .where(ScoreAudit.event_id == scene.event_id, ScoreAudit.judge_id == judge_id)
            .group_by(Nomination.competitor_number, ScoreAudit.criterion_id)
        ):
            audits[(number, criterion_id)] = count
        db.session.remove()
    return values, rows, audits


# ---------------------------------------------------------------------------------------------- journeys


def test_scores_survive_a_lost_connection_and_are_stored_exactly_once(scene, tablet):
    page = tablet
    login(page, scene.base, "chief")
    page.goto(scene.url)
    expect(page.locator("#tablet[data-ready=true]")).to_be_visible()
    expect(page.get_by_test_id("event")).to_contain_text("电工")
    expect(page.get_by_test_id("contest")).to_contain_text("2026年衢州市职工职业技能大赛")
    expect(page.get_by_test_id("network")).to_have_attribute("data-state", "online")
    numbers = sorted(scene.numbers.values())
    assert len(numbers) == 6
    expect(page.locator(".entry-btn")).to_have_count(6)
    for number in numbers:
        expect(status(page, number)).to_have_attribute("data-status", "new")
    box = box_of(entry_button(page, numbers[0]))
    assert box["height"] >= 44 and box["width"] >= 44

    # jump by number: the filter narrows the list, Enter opens the only match
    page.get_by_test_id("filter").fill(str(numbers[1]))
    expect(page.locator(".entry-btn")).to_have_count(1)
    page.get_by_test_id("filter").press("Enter")
    expect(page.get_by_test_id("entry-title")).to_contain_text(f"{numbers[1]:02d}")
    page.locator(".back-btn").click()
    page.get_by_test_id("filter").fill("")

    # range checks as the judge types: red with a message, submit disabled
    open_entry(page, numbers[0])
    written = mark(page, scene.criteria["笔试"])
    written.fill("120")
    expect(written).to_have_class(has_class("is-invalid"))
    expect(page.locator(f'.crit-row[data-criterion="{scene.criteria["笔试"]}"] .crit-msg')).not_to_be_empty()
    expect(page.get_by_test_id("submit")).to_be_disabled()
    written.fill("8.555")
    expect(written).to_have_class(has_class("is-invalid"))
    expect(status(page, numbers[0])).to_have_attribute("data-status", "draft")

    # online: the first three entries
    expected = {}
    for number, (w, p, s) in zip(numbers[:3], [("88.5", "51", "3"), ("90", "55.25", "2"), ("76.75", "48", "1")], strict=True):
        # a confirmed submission makes the page re-read the sheet: let that read land before typing the next
        # entry (on a busy machine it can otherwise redraw the form under the next clicks)
        with sheet_reread(page):
            score(page, scene, number, w, p, s)
        expect(status(page, number)).to_have_attribute("data-status", "submitted")
        expected[number] = (w, p, s)
    expect(page.get_by_test_id("unsent")).to_have_attribute("data-count", "0")

    # a request that reaches the server but whose answer is lost: retried with the same key, written once
    keys = []
    lost = {"done": False}

    def lose_answer(route):
        if route.request.method != "PUT":  # only the score submissions (not a page read ending in /scores)
            route.continue_()
            return
        keys.append(json.loads(route.request.post_data)["idempotency_key"])
        response = route.fetch()
        if not lost["done"]:
            lost["done"] = True
            assert response.status == 200
            route.abort("connectionreset")
        else:
            route.fulfill(response=response)

    page.route("**/scores", lose_answer)
    score(page, scene, numbers[3], "66", "40", "2")
    expected[numbers[3]] = ("66", "40", "2")
    expect(status(page, numbers[3])).to_have_attribute("data-status", "submitted")
    page.unroute("**/scores")
    assert len(keys) == 2 and keys[0] == keys[1]

    # the Wi-Fi drops: the judge keeps scoring; everything is queued on the tablet
    page.context.set_offline(True)
    expect(page.get_by_test_id("network")).to_have_attribute("data-state", "offline")
    expect(page.get_by_test_id("banner")).to_have_attribute("data-state", "offline")
    score(page, scene, numbers[4], "99.99", "60", "3")
    expected[numbers[4]] = ("99.99", "60", "3")
    expect(status(page, numbers[4])).to_have_attribute("data-status", "queued")
    expect(page.get_by_test_id("unsent")).to_have_attribute("data-count", "1")

    # a change to a submitted score asks for a reason and carries the version
    open_entry(page, numbers[0])
    written = mark(page, scene.criteria["笔试"])
    written.fill("89")
    reason = page.locator(f'input[data-reason="{scene.criteria["笔试"]}"]')
    expect(reason).to_be_visible()
    expect(page.get_by_test_id("submit")).to_be_disabled()
    reason.fill("复核试卷，漏计一题")
    expect(page.get_by_test_id("submit")).to_be_enabled()
    page.get_by_test_id("submit").click()
    expected[numbers[0]] = ("89", *expected[numbers[0]][1:])
    expect(page.get_by_test_id("unsent")).to_have_attribute("data-count", "2")

    # typed but not submitted: a draft, kept in the browser
    score(page, scene, numbers[5], "70", "45", "2", submit=False)
    expect(status(page, numbers[5])).to_have_attribute("data-status", "draft")
    saved = page.evaluate("() => Object.keys(localStorage).filter(k => k.startsWith('contest.tablet.v1.')).map(k => localStorage.getItem(k))")
    assert len(saved) == 1 and str(numbers[5]) in json.loads(saved[0])["drafts"]
    queued = page.evaluate("() => Object.keys(localStorage).filter(k => k.startsWith('contest.outbox.v1.')).map(k => localStorage.getItem(k))")
    assert len(queued) == 1 and [item["kind"] for item in json.loads(queued[0])["items"]] == ["scores", "scores"]

    # the connection returns: the queue drains in order
    page.context.set_offline(False)
    expect(page.get_by_test_id("unsent")).to_have_attribute("data-count", "0")
    expect(page.get_by_test_id("network")).to_have_attribute("data-state", "online")
    for number in numbers[:5]:
        expect(status(page, number)).to_have_attribute("data-status", "submitted")
    expect(status(page, numbers[5])).to_have_attribute("data-status", "draft")

    # the server holds every score exactly once, with the right values
    values, rows, audits = stored(scene, "chief")
    want = {}
    for number, (w, p, s) in expected.items():
        want[(number, scene.criteria["笔试"])] = f"{float(w):.2f}"
        want[(number, scene.criteria["操作"])] = f"{float(p):.2f}"
        want[(number, scene.criteria["安全"])] = f"{float(s):.2f}"
    assert values == want
    assert set(rows.values()) == {1}
    changed = (numbers[0], scene.criteria["笔试"])
    assert audits == {k: 2 if k == changed else 1 for k in want}

    # a reload brings the server's state and the kept draft back
    page.reload()
    expect(page.locator("#tablet[data-ready=true]")).to_be_visible()
    expect(status(page, numbers[0])).to_have_attribute("data-status", "submitted")
    expect(status(page, numbers[5])).to_have_attribute("data-status", "draft")
    open_entry(page, numbers[5])
    expect(mark(page, scene.criteria["笔试"])).to_have_value("70")
    page.screenshot(path="/tmp/tablet.png", full_page=False)


def test_a_judge_does_not_see_entries_from_his_own_enterprise(scene, tablet):
    page = tablet
    login(page, scene.base, "judge")  # 柯城电力, like "worker" (运维一班 of 柯城电力)
    page.goto(scene.url)
    expect(page.locator("#tablet[data-ready=true]")).to_be_visible()
    expect(entry_button(page, scene.numbers["worker_b"])).to_be_visible()
    expect(entry_button(page, scene.numbers["worker"])).to_have_count(0)
    page.get_by_test_id("filter").fill(str(scene.numbers["worker"]))
    expect(entry_button(page, scene.numbers["worker"])).to_have_count(0)


def test_after_sign_off_an_ordinary_judge_is_locked_out(small_scene, tablet):
    scene, page = small_scene, tablet
    number = scene.numbers["worker"]  # judge_b (衢江机械) scores only this one
    login(page, scene.base, "judge_b")
    page.goto(scene.url)
    expect(page.locator(".entry-btn")).to_have_count(1)
    # after a confirmed submission the page re-reads the sheet: let that read finish before the other
    # tablet writes, or this tablet would already know the newer version
    with sheet_reread(page):
        score(page, scene, number, "80", "50", "2")
    expect(status(page, number)).to_have_attribute("data-status", "submitted")

    # another tablet of the same judge changes a score meanwhile: this tablet's change is stale, the judge
    # sees the current value and takes it
    with scene.app.app_context():
        judge_b = db.session.scalar(select(User).where(User.username == "judge_b"))
        item = {"competitor_number": number, "criterion_id": scene.criteria["笔试"], "value": "82", "version": 1, "reason": "复核"}
        assert judging.submit_scores(judge_b, scene.event_id, SubmitScores.from_json(scene.event_id, {"idempotency_key": "other-tablet-1", "scores": [item]})).status == 200
        db.session.remove()
    mark(page, scene.criteria["笔试"]).fill("81")
    page.locator(f'input[data-reason="{scene.criteria["笔试"]}"]').fill("看错了")
    page.get_by_test_id("submit").click()
    expect(status(page, number)).to_have_attribute("data-status", "problem")
    stale = page.locator(f'.crit-row[data-criterion="{scene.criteria["笔试"]}"] .stale-box')
    expect(stale).to_contain_text("82.00")
    stale.locator("[data-use-server]").click()
    expect(mark(page, scene.criteria["笔试"])).to_have_value("82.00")
    expect(status(page, number)).to_have_attribute("data-status", "submitted")

    # meanwhile the other judges finish and the chief judge signs off
    with scene.app.app_context():
        users = {u.username: u for u in db.session.scalars(select(User).where(User.username.in_(["chief", "judge"])))}
        for username, entries in (("chief", scene.numbers.values()), ("judge", [scene.numbers["worker_b"]])):
            items = [{"competitor_number": n, "criterion_id": c, "value": "2"} for n in entries for c in scene.criteria.values()]
            result = judging.submit_scores(users[username], scene.event_id, SubmitScores.from_json(scene.event_id, {"idempotency_key": f"seed-{username}-1", "scores": items}))
            assert result.status == 200, result.body
        judging.sign_off(users["chief"], scene.event_id)
        db.session.remove()

    # the tablet still shows the event open; the change is refused and the page shows the lock
    written = mark(page, scene.criteria["笔试"])
    written.fill("83")
    page.locator(f'input[data-reason="{scene.criteria["笔试"]}"]').fill("看错了")
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("lock")).to_have_attribute("data-state", "locked")
    expect(page.get_by_test_id("problem")).to_be_visible()
    expect(page.get_by_test_id("unsent")).to_have_attribute("data-count", "0")
    values, _, audits = stored(scene, "judge_b")
    assert values[(number, scene.criteria["笔试"])] == "82.00"
    assert audits[(number, scene.criteria["笔试"])] == 2

    # after a reload: read only
    page.reload()
    expect(page.get_by_test_id("lock")).to_have_attribute("data-state", "locked")
    open_entry(page, number)
    expect(page.get_by_test_id("submit")).to_have_count(0)
    expect(mark(page, scene.criteria["笔试"])).to_have_attribute("readonly", "")

    # the refused change can be thrown away: the entry shows the server's value again
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("discard").click()
    expect(mark(page, scene.criteria["笔试"])).to_have_value("82.00")
    expect(status(page, number)).to_have_attribute("data-status", "submitted")
