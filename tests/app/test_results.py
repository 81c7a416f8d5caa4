"""Results: a tie resolved by the practical component and one kept shared, 10/20/30 awards with the boundary
rule visible, a youth title stacking on an award, publication with an objection, final, promotion."""

import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from contest.commands import SubmitScores
from contest.domain.contests import ContestStatus
from contest.domain.errors import DomainError
from contest.domain.identity import generate_resident_id
from contest.domain.nominations import NominationStatus
from contest.extensions import db
from contest.models import Nomination, Publication, utcnow
from contest.services import PermissionDenied, contests, judging, results
from tests.contest_factories import make_contest
from tests.judging_factories import running_event

# entry → (笔试 /100 [theory 30 %], 操作 /60 and 安全 0–3 → /10 [practical 70 %])
VALUES = [(100, 60, 3), (80, 60, 3), (100, 54, 3), (100, 54, 3), (100, 50, 3), (100, 46, 3), (90, 40, 3), (80, 40, 3), (70, 40, 3), (60, 40, 3)]
EXPECTED_TOTALS = ["100.00", "94.00", "94.00", "94.00", "90.00", "86.00", "77.00", "74.00", "71.00", "68.00"]


@pytest.fixture
def scored(world):
    run = running_event(world, extra_workers=8)
    event = run.event
    young = world.users["worker"]  # the best entry is 30 on the contest date
    young.profile.resident_id = generate_resident_id(__import__("random").Random(5), "330802", date.today().replace(year=date.today().year - 30) - timedelta(days=40), "M")
    db.session.commit()
    by_number = sorted(run.numbers.items(), key=lambda kv: kv[0] != "worker")  # worker first, then the others
    plan = {number: VALUES[i] for i, (_username, number) in enumerate(sorted(by_number, key=lambda kv: (kv[0] != "worker", kv[0])))}
    criteria = [c["id"] for c in judging.sheet(run.chief, event.id)["criteria"]]
    for judge in (run.chief, run.judge, run.other):
        sheet = judging.sheet(judge, event.id)
        items = [{"competitor_number": e["competitor_number"], "criterion_id": c, "value": str(plan[e["competitor_number"]][i])}
                 for e in sheet["entries"] for i, c in enumerate(criteria)]
        assert judging.submit_scores(judge, event.id, SubmitScores.from_json(event.id, {"idempotency_key": uuid.uuid4().hex, "scores": items})).status == 200
    judging.sign_off(run.chief, event.id)
    contests.set_ranking_rules(world.users["city"], event.id, [f"component:{event.components[1].id}"], {
        **contests.DEFAULT_AWARD_SCHEME, "youth_title": {"name": "青年岗位能手", "max_age": "35"}})
    return run, plan


def test_ranking_tie_breakers_awards_and_titles(world, scored):
    run, _plan = scored
    rows = results.compute_results(world.users["city"], run.event.id)
    assert [f"{r.total_x100 / 100:.2f}" for r in rows] == EXPECTED_TOTALS
    assert [r.rank for r in rows] == [1, 2, 3, 3, 5, 6, 7, 8, 9, 10]
    assert rows[2].decided_by == "实操"  # 94 vs 94: the practical component puts it below the second
    assert [r.award for r in rows] == ["一等奖", "二等奖", "二等奖", "二等奖", "三等奖", "三等奖", None, None, None, None]
    assert rows[0].titles == ["青年岗位能手"]  # stacks on the award
    notes = results.notes_of(run.event)
    assert [n.code for n in notes] == ["boundary_tie"] and "二等奖" in (n.message % n.params for n in notes).__next__()


def test_only_signed_off_events_by_the_host(world):
    run = running_event(world)
    with pytest.raises(DomainError, match="signed this event off"):
        results.compute_results(world.users["city"], run.event.id)
    with pytest.raises(PermissionDenied):
        results.compute_results(world.users["county_a"], run.event.id)


def test_publication_objection_and_final(world, scored, client, login_as):
    run, _plan = scored
    city = world.users["city"]
    contest = run.event.contest
    results.compute_results(city, run.event.id)
    assert contest.status == ContestStatus.SCORED  # the only event is signed off
    results.publish(city, contest.id, notice_days=5)
    assert contest.status == ContestStatus.PUBLISHED
    page = client.get(f"/public/results/{run.event.id}").data.decode()
    assert "张*三" in page and "柯城电力" in page and "张小三" not in page  # masked names, units shown
    objection = results.file_objection(world.users["worker_b"], run.event.id, "第2名的实操分数有误", None)
    with pytest.raises(DomainError, match="notice runs until"):
        results.finalise(city, contest.id)
    db.session.execute(Publication.__table__.update().values(notice_until=utcnow() - timedelta(minutes=1)))
    db.session.commit()
    with pytest.raises(DomainError, match="objections are still open"):
        results.finalise(city, contest.id)
    with pytest.raises(DomainError, match="Write the answer"):
        results.resolve_objection(city, objection.id, False, "")
    results.resolve_objection(city, objection.id, False, "经复核，分数无误。")
    with pytest.raises(DomainError, match="public notice"):
        results.file_objection(world.users["worker_b"], run.event.id, "晚了", None)
    assert results.finalise(city, contest.id).status == ContestStatus.FINAL


def test_objection_pages(world, scored, client, login_as):
    run, _plan = scored
    results.compute_results(world.users["city"], run.event.id)
    results.publish(world.users["city"], run.event.contest.id)
    login_as("worker_b")
    response = client.post(f"/public/results/{run.event.id}/objections", data={"text": "分数有误"}, follow_redirects=True)
    assert "异议已提交" in response.data.decode() or response.status_code == 200
    client.post("/logout")
    login_as("city")
    page = client.get(f"/events/{run.event.id}/results").data.decode()
    assert "分数有误" in page and "青年岗位能手" in page
    assert client.get(f"/events/{run.event.id}/results.xlsx").status_code == 200
    pdf = client.get(f"/events/{run.event.id}/results.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_api_ranking(world, scored, client):
    run, _plan = scored
    results.compute_results(world.users["city"], run.event.id)
    city = client.post("/api/v1/tokens", json={"username": "city", "password": "Passw0rd!"}).get_json()["token"]
    body = client.get(f"/api/v1/events/{run.event.id}/ranking", headers={"Authorization": f"Bearer {city}"}).get_json()
    assert [i["rank"] for i in body["items"]][:4] == [1, 2, 3, 3] and body["items"][0]["name"] == "张小三"
    assert body["items"][0]["titles"] == ["青年岗位能手"] and body["items"][0]["award"] == "一等奖"
    worker = client.post("/api/v1/tokens", json={"username": "worker", "password": "Passw0rd!"}).get_json()["token"]
    assert client.get(f"/api/v1/events/{run.event.id}/ranking", headers={"Authorization": f"Bearer {worker}"}).status_code == 403
    results.publish(world.users["city"], run.event.contest.id)
    body = client.get(f"/api/v1/events/{run.event.id}/ranking", headers={"Authorization": f"Bearer {worker}"}).get_json()
    assert body["items"][0]["name"] == "张*三"


def test_preliminary_top_entries_enter_the_city_final(world, client):
    county = world.users["county_a"]
    final = make_contest(world.users["city"], title="市级决赛")
    final_event = final.events[0]
    from contest.services import registration

    registration.set_quota(world.users["city"], final_event.id, world.orgs["county_a"].id, 2)
    prelim = running_event_for(world, county)
    results.link_final(county, prelim.id, final_event.id)
    with pytest.raises(DomainError, match="final results"):
        results.promote(county, prelim.id)
    prelim.contest.status = ContestStatus.FINAL
    db.session.commit()
    created = results.promote(county, prelim.id)
    assert len(created) == 2
    assert all(n.status == NominationStatus.PENDING and n.waiting_org_id == world.orgs["city"].id and n.source for n in created)
    assert results.promote(county, prelim.id) == []  # promoting twice adds nobody
    with pytest.raises(DomainError, match="above its own host"):
        results.link_final(county, prelim.id, prelim.id)


def running_event_for(world, organiser):
    """A county preliminary with three scored, ranked entries (set up directly through the services)."""
    from contest.models import Role
    from contest.services import draws, registration
    from tests.factories import make_user

    contest = make_contest(organiser, title="柯城区预赛")
    event = contest.events[0]
    pw = world.users["worker"].password_hash
    workers = [world.users["worker"]] + [make_user(f"pw{i}", world.orgs["team_a"], {Role.WORKER}, pw, name=f"预赛{i}") for i in range(2)]
    chief = make_user("cchief", world.orgs["county_a"], {Role.JUDGE}, pw)
    db.session.commit()
    for w in workers:
        registration.nominate(organiser, event.id, [w.id])
    contests.change_status(organiser, contest.id, ContestStatus.CLOSED)
    draws.hold_draw(organiser, event.id)
    contests.change_status(organiser, contest.id, ContestStatus.RUNNING)
    judging.assign_judge(organiser, event.id, chief.id, chief=True)
    sheet = judging.sheet(chief, event.id)
    items = [{"competitor_number": e["competitor_number"], "criterion_id": c["id"], "value": "2" if c["kind"] == "judgement" else str(10 + e["competitor_number"])}
             for e in sheet["entries"] for c in sheet["criteria"]]
    judging.submit_scores(chief, event.id, SubmitScores.from_json(event.id, {"idempotency_key": uuid.uuid4().hex, "scores": items}))
    judging.sign_off(chief, event.id)
    results.compute_results(organiser, event.id)
    return event


def test_nominations_keep_their_source(world, client):
    county = world.users["county_a"]
    final_event = make_contest(world.users["city"], title="市级决赛").events[0]
    prelim = running_event_for(world, county)
    results.link_final(county, prelim.id, final_event.id)
    prelim.contest.status = ContestStatus.FINAL
    db.session.commit()
    created = results.promote(county, prelim.id, count=1)
    nomination = db.session.scalar(select(Nomination).where(Nomination.id == created[0].id))
    assert nomination.source.startswith("柯城区预赛 · 电工 #1") and nomination.steps[0].action == "promote"


def test_an_upheld_objection_is_corrected_by_the_chief_and_recomputed(world, scored):
    run, _plan = scored
    city = world.users["city"]
    results.compute_results(city, run.event.id)
    results.publish(city, run.event.contest.id)
    objection = results.file_objection(world.users["worker_b"], run.event.id, "第10名笔试成绩录错", None)
    last = results.result_lines(run.event, city)[-1]
    sheet = judging.sheet(run.chief, run.event.id)
    theory = sheet["criteria"][0]["id"]
    current = next(s for s in sheet["scores"] if s["competitor_number"] == last.number and s["criterion_id"] == theory)
    fixed = judging.submit_scores(run.chief, run.event.id, SubmitScores.from_json(run.event.id, {"idempotency_key": uuid.uuid4().hex, "scores": [
        {"competitor_number": last.number, "criterion_id": theory, "value": "100", "version": current["version"], "reason": "异议复核：笔试录错"}]}))
    assert fixed.status == 200
    results.resolve_objection(city, objection.id, True, "经复核笔试成绩录错，已更正。")
    assert results.result_lines(run.event, city)[-1].nomination_id != last.nomination_id  # the corrected entry moved up
