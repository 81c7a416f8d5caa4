"""The score submission's light bearer-token caller (issue 18.8): ``PUT /api/v1/events/<id>/scores`` resolves
its token to a ``TokenCaller`` (plain rows, no ORM user) with the same refusals as every other API route, and
the same write: conflicts of interest by the caller's unit path, notes, replays."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from contest.extensions import db
from contest.models import Organisation, Score, User
from contest.services import judging
from contest.services.accounts import TokenCaller, caller_for_token, issue_api_token
from tests.conftest import PASSWORD
from tests.judging_factories import running_event

pytestmark = pytest.mark.db


@pytest.fixture
def run(world):
    return running_event(world)


def token_of(username: str) -> str:
    return issue_api_token(username, PASSWORD, "127.0.0.1")[0]


def put(client, run, token: str, items: list[dict], key: str | None = None):
    return client.put(f"/api/v1/events/{run.event.id}/scores", json={"idempotency_key": key or uuid.uuid4().hex, "scores": items},
                      headers={"Authorization": f"Bearer {token}"})


def sheet_items(run, judge, value="50"):
    sheet = judging.sheet(judge, run.event.id)
    criterion = next(c for c in sheet["criteria"] if c["kind"] != "judgement")
    return [{"competitor_number": e["competitor_number"], "criterion_id": criterion["id"], "value": value} for e in sheet["entries"]]


def test_the_caller_carries_what_the_full_user_has(run):
    judge = run.chief
    caller = caller_for_token(token_of(judge.username))
    assert caller == TokenCaller(judge.id, judge.org.path, judge.roles, False)
    assert caller_for_token("not-a-token") is None


def test_a_judge_submits_and_a_replay_answers_the_same(run, client):
    token = token_of(run.chief.username)
    items = sheet_items(run, run.chief)
    items[0]["note"] = "2 处消防通道堵塞"
    key = uuid.uuid4().hex
    first = put(client, run, token, items, key)
    assert first.status_code == 200, first.get_json()
    assert first.get_json()["saved"][0]["note"] == "2 处消防通道堵塞"
    again = put(client, run, token, items, key)
    assert (again.status_code, again.get_json()) == (200, first.get_json())
    assert db.session.scalar(select(Score.note).where(Score.judge_id == run.chief.id, Score.note != "")) == "2 处消防通道堵塞"


def test_a_judge_of_an_enterprise_is_refused_his_own_entries(run, client):
    """judge_b belongs to enterprise B: the entries of B are in conflict, found through the caller's unit path."""
    other = run.other
    items = sheet_items(run, run.chief)  # every entry, also the ones judge_b may not score
    answer = put(client, run, token_of(other.username), items)
    assert answer.status_code == 422
    assert any("Conflict of interest" in d["message"] or "回避" in d["message"] for d in answer.get_json()["error"]["details"])


def test_refusals_of_the_token_are_those_of_every_route(run, client, world):
    items = sheet_items(run, run.chief)
    assert put(client, run, "nonsense", items).status_code == 401
    token = token_of(run.chief.username)
    db.session.get(User, run.chief.id).must_change_password = True
    db.session.commit()
    answer = put(client, run, token, items)
    assert (answer.status_code, answer.get_json()["error"]["code"]) == (403, "password_change_required")
    db.session.get(User, run.chief.id).must_change_password = False
    db.session.get(Organisation, run.chief.org_id).active = False
    db.session.commit()
    assert put(client, run, token, items).status_code == 401
    db.session.get(Organisation, run.chief.org_id).active = True
    db.session.get(User, run.chief.id).active = False
    db.session.commit()
    assert put(client, run, token, items).status_code == 401
    worker = put(client, run, token_of(world.users["worker"].username), items)
    assert (worker.status_code, worker.get_json()["error"]["code"]) == (403, "forbidden")
