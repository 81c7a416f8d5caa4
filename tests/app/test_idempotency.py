"""Idempotency keys mean one request (issue 12.8) for scores and match results, and a correction that clears
matches after a bracket's sign-off lifts the sign-off (issue 18.2)."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from contest.commands import SubmitScores
from contest.domain.contests import ContestStatus
from contest.extensions import db
from contest.models import AuditLog, IdempotencyRecord, Match, MatchAudit, Score, ScoreAudit, SignOff
from contest.services import brackets, idempotency
from contest.services import judging as service
from tests.bracket_factories import bracket_event
from tests.conftest import PASSWORD
from tests.judging_factories import running_event

pytestmark = pytest.mark.db


def item(number, criterion, value, **extra):
    return {"competitor_number": number, "criterion_id": criterion, "value": value, **extra}


@pytest.fixture
def run(world):
    return running_event(world)


def first_item(run, value="70", **extra):
    sheet = service.sheet(run.chief, run.event.id)
    return item(sheet["entries"][0]["competitor_number"], sheet["criteria"][0]["id"], value, **extra)


def counts():
    return (db.session.scalar(select(func.count(Score.id))), db.session.scalar(select(func.count(ScoreAudit.id))),
            db.session.scalar(select(func.count(IdempotencyRecord.id))))


def test_the_fingerprint_is_of_the_request_not_of_its_field_order():
    one = idempotency.fingerprint("scores", 1, {"idempotency_key": "a" * 8, "scores": [{"value": "1", "criterion_id": 2}]})
    same = idempotency.fingerprint("scores", 1, {"scores": [{"criterion_id": 2, "value": "1"}], "idempotency_key": "b" * 8})
    assert one == same
    assert one != idempotency.fingerprint("scores", 2, {"scores": [{"criterion_id": 2, "value": "1"}]})  # another event
    assert one != idempotency.fingerprint("match", 1, {"scores": [{"criterion_id": 2, "value": "1"}]})  # another endpoint
    assert one != idempotency.fingerprint("scores", 1, {"scores": [{"criterion_id": 2, "value": "1.0"}]})


def test_the_same_key_with_another_request_is_refused_and_writes_nothing(run):
    key = "tablet-key-0001"
    first = service.submit_scores(run.chief, run.event.id, SubmitScores.from_json(run.event.id, {"idempotency_key": key, "scores": [first_item(run, "70")]}))
    assert first.status == 200
    before = counts()
    again = service.submit_scores(run.chief, run.event.id, SubmitScores.from_json(run.event.id, {"scores": [first_item(run, "70")], "idempotency_key": key}))
    assert again == first  # the same request, fields in another order: the first answer word for word
    other = service.submit_scores(run.chief, run.event.id, SubmitScores.from_json(run.event.id, {"idempotency_key": key, "scores": [first_item(run, "71")]}))
    assert other.status == 422 and other.body["error"]["code"] == "idempotency_key_reused"
    assert set(other.body["error"]) == {"code", "message", "details"} and other.body["error"]["details"] is None
    assert counts() == before
    assert db.session.scalar(select(Score.value_x100)) == 7000


def test_a_lost_race_409_is_stored_and_replayed_word_for_word(run, monkeypatch):
    assert service.submit_scores(run.chief, run.event.id, SubmitScores.from_json(run.event.id, {"idempotency_key": uuid.uuid4().hex, "scores": [first_item(run, "70")]})).status == 200
    change = {"idempotency_key": "tablet-key-0002", "scores": [first_item(run, "75", version=1, reason="复核")]}

    def lost(*_args):  # another tablet changed the score between this request's read and its write
        raise service._LostRace()

    monkeypatch.setattr(service, "_change_scores", lost)
    refused = service.submit_scores(run.chief, run.event.id, SubmitScores.from_json(run.event.id, change))
    assert refused.status == 409 and refused.body["error"]["code"] == "stale"
    monkeypatch.undo()
    assert service.submit_scores(run.chief, run.event.id, SubmitScores.from_json(run.event.id, change)) == refused  # a retry: the same answer, no write
    assert db.session.scalar(select(Score.value_x100)) == 7000
    assert db.session.scalar(select(IdempotencyRecord.status_code).where(IdempotencyRecord.key == "tablet-key-0002")) == 409


def test_the_api_answers_a_reused_key_in_the_error_envelope(run, client):
    token = client.post("/api/v1/tokens", json={"username": "chief", "password": PASSWORD}).get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    url = f"/api/v1/events/{run.event.id}/scores"
    assert client.put(url, json={"idempotency_key": "api-key-0003", "scores": [first_item(run, "70")]}, headers=headers).status_code == 200
    reused = client.put(url, json={"idempotency_key": "api-key-0003", "scores": [first_item(run, "60")]}, headers=headers)
    assert reused.status_code == 422 and reused.get_json()["error"]["code"] == "idempotency_key_reused"


# ---------------------------------------------------------------------------------------------- match results


def signed_off_bracket(world):
    scene = bracket_event(world, "single_elimination", 4)
    brackets.generate(world.users["city"], scene.event.id, brackets.Setup())
    while matches := [m for m in brackets.bracket_view(scene.chief, scene.event.id).matches if m.state == "ready"]:
        m = matches[0]
        brackets.record_result(scene.chief, m.id, brackets.Entry("home", 21, 15) if m.home.seed < m.away.seed else brackets.Entry("away", 15, 21))
    return scene


def test_match_results_with_a_key_replay_refuse_reuse_and_store_a_stale_409(world, client):
    scene = bracket_event(world, "single_elimination", 4)
    brackets.generate(world.users["city"], scene.event.id, brackets.Setup())
    match = next(m for m in brackets.bracket_view(scene.chief, scene.event.id).matches if m.state == "ready")
    token = client.post("/api/v1/tokens", json={"username": "chief", "password": PASSWORD}).get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    url = f"/api/v1/matches/{match.id}"
    body = {"idempotency_key": "match-key-0001", "winner": "home", "home_score": 21, "away_score": 10, "version": 0}
    first = client.put(url, json=body, headers=headers)
    assert first.status_code == 200
    assert client.put(url, json=dict(reversed(body.items())), headers=headers).get_json() == first.get_json()
    reused = client.put(url, json={**body, "home_score": 22}, headers=headers)
    assert reused.status_code == 422 and reused.get_json()["error"]["code"] == "idempotency_key_reused"
    # a stale version: 409 with the current result, stored; the retry gets it word for word after the match moved on
    stale_body = {"idempotency_key": "match-key-0002", "winner": "away", "home_score": 10, "away_score": 21, "version": 0, "reason": "x"}
    stale = client.put(url, json=stale_body, headers=headers)
    assert stale.status_code == 409 and stale.get_json()["error"]["code"] == "stale"
    moved = client.put(url, json={"idempotency_key": "match-key-0003", "winner": "home", "home_score": 21, "away_score": 12,
                                  "version": 1, "reason": "记分错误"}, headers=headers)
    assert moved.status_code == 200
    retry = client.put(url, json=stale_body, headers=headers)
    assert retry.status_code == 409 and retry.get_json() == stale.get_json()
    assert db.session.scalar(select(func.count(MatchAudit.id)).where(MatchAudit.match_id == match.id)) == 2
    assert client.put(url, json={**body, "idempotency_key": "short"}, headers=headers).status_code == 422


def test_a_correction_that_clears_matches_after_sign_off_lifts_it(world, client):
    scene = signed_off_bracket(world)
    brackets.sign_off(scene.chief, scene.event.id)
    contest = scene.event.contest
    assert contest.status == ContestStatus.SCORED
    semi = db.session.scalar(select(Match).where(Match.event_id == scene.event.id, Match.key == "W1-1"))
    flip = "away" if semi.winner_id == semi.home_id else "home"
    entry = {"winner": flip, "home_score": 21 if flip == "home" else 15, "away_score": 15 if flip == "home" else 21,
             "version": semi.version, "reason": "记分错误"}
    with pytest.raises(brackets.NeedsConfirmation, match="sign-off lifted") as asked:
        brackets.record_result(scene.chief, semi.id, brackets.Entry.from_data(entry))
    assert asked.value.affected == ["W2-1"] and asked.value.lifts_sign_off
    token = client.post("/api/v1/tokens", json={"username": "chief", "password": PASSWORD}).get_json()["token"]
    answer = client.put(f"/api/v1/matches/{semi.id}", json={**entry, "confirm": True, "idempotency_key": "match-key-0004"},
                        headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["sign_off_lifted"] is True and answer.get_json()["notice"]
    db.session.expire_all()
    assert db.session.scalar(select(SignOff.id).where(SignOff.event_id == scene.event.id)) is None
    assert contest.status == ContestStatus.RUNNING
    lifted = db.session.scalar(select(AuditLog).where(AuditLog.action == "event.sign_off_lifted"))
    assert lifted.details["cleared"] == ["W2-1"] and lifted.details["contest_running_again"] is True
    # the chief judge enters the cleared final again and signs off again
    final = brackets.bracket_view(scene.chief, scene.event.id)
    final = next(m for m in final.matches if m.key == "W2-1")
    brackets.record_result(scene.chief, final.id, brackets.Entry("home", 21, 19))
    brackets.sign_off(scene.chief, scene.event.id)
    db.session.expire_all()
    assert contest.status == ContestStatus.SCORED


def test_a_clearing_correction_is_refused_once_results_are_published(world):
    scene = signed_off_bracket(world)
    brackets.sign_off(scene.chief, scene.event.id)
    scene.event.contest.status = ContestStatus.PUBLISHED
    db.session.commit()
    semi = db.session.scalar(select(Match).where(Match.event_id == scene.event.id, Match.key == "W1-1"))
    flip = "away" if semi.winner_id == semi.home_id else "home"
    with pytest.raises(brackets.DomainError, match="published"):
        brackets.record_result(scene.chief, semi.id, brackets.Entry(flip, 21 if flip == "home" else 15, 15 if flip == "home" else 21,
                                                                    version=semi.version, reason="记分错误", confirm=True))
    assert db.session.scalar(select(SignOff.id).where(SignOff.event_id == scene.event.id)) is not None
