"""Results in a real browser, in Chinese: compute, publish for notice, an objection answered, final."""

from __future__ import annotations

import uuid
from datetime import timedelta

from playwright.sync_api import expect

from contest.commands import SubmitScores
from contest.extensions import db
from contest.models import Publication, utcnow
from contest.services import judging
from tests.browser.conftest import WAIT_MS, login
from tests.browser.test_tablet import serve


def score_and_sign_off(app, event_id: int) -> None:
    from contest.models import JudgeAssignment, User

    with app.app_context():
        for assignment in db.session.scalars(db.select(JudgeAssignment).where(JudgeAssignment.event_id == event_id)):
            judge = db.session.get(User, assignment.judge_id)
            sheet = judging.sheet(judge, event_id)
            items = [{"competitor_number": e["competitor_number"], "criterion_id": c["id"],
                      "value": "2" if c["kind"] == "judgement" else str(min(int(float(c["max"])), 40 + e["competitor_number"]))}
                     for e in sheet["entries"] for c in sheet["criteria"]]
            assert judging.submit_scores(judge, event_id, SubmitScores.from_json(event_id, {"idempotency_key": uuid.uuid4().hex, "scores": items})).status == 200
        chief = db.session.scalar(db.select(User).where(User.username == "chief"))
        judging.sign_off(chief, event_id)
        db.session.remove()


def test_results_from_ranking_to_final(tmp_path_factory, browser):
    with serve(tmp_path_factory, extra_workers=4) as scene:
        score_and_sign_off(scene.app, scene.event_id)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(WAIT_MS)
        base = scene.base

        login(page, base, "city")
        page.goto(f"{base}/events/{scene.event_id}/results")
        page.get_by_role("button", name="计算名次与奖项").click()
        expect(page.get_by_text("名次与奖项已计算")).to_be_visible()
        expect(page.locator("tbody tr")).to_have_count(6)
        page.get_by_role("link", name="2026年衢州市职工职业技能大赛").first.click()
        page.get_by_role("button", name="公示成绩").click()
        expect(page.get_by_text("成绩已公示")).to_be_visible()
        context.clear_cookies()

        # the public page masks names and shows units; a worker files an objection
        page.goto(f"{base}/public/results/{scene.event_id}")
        expect(page.get_by_text("张*三")).to_be_visible()
        expect(page.get_by_text("张小三")).to_have_count(0)
        login(page, base, "worker_b")
        page.goto(f"{base}/public/results/{scene.event_id}")
        page.get_by_label("异议", exact=True).fill("我的实操成绩录入有误，请复核。")
        page.get_by_role("button", name="提交异议").click()
        expect(page.get_by_text("异议已提交")).to_be_visible()
        context.clear_cookies()

        # the host answers; after the notice the results become final
        login(page, base, "city")
        page.goto(f"{base}/events/{scene.event_id}/results")
        expect(page.get_by_text("我的实操成绩录入有误")).to_be_visible()
        page.get_by_label("答复").fill("经复核，成绩录入无误。")
        page.get_by_role("button", name="答复异议").click()
        expect(page.get_by_text("异议已答复")).to_be_visible()
        with scene.app.app_context():
            db.session.execute(Publication.__table__.update().values(notice_until=utcnow() - timedelta(minutes=1)))
            db.session.commit()
            db.session.remove()
        page.get_by_role("link", name="2026年衢州市职工职业技能大赛").first.click()
        page.get_by_role("button", name="成绩定稿").click()
        expect(page.get_by_text("成绩已定稿")).to_be_visible()
        context.close()
