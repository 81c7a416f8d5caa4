"""API v1 as a vendor sees it: the OpenAPI description and its page, the judges' reads (my events, every
judge's scores, completeness, one match), one error vocabulary, and limits per token.

Every API answer in the test suite is also validated against the description (``API_VALIDATE_RESPONSES``)."""

from __future__ import annotations

import re
import uuid

import pytest

from contest.api.errors import ERROR_CODES
from contest.api.openapi import UndocumentedResponse, build_spec
from contest.commands import SubmitScores
from contest.domain.contests import ContestStatus
from contest.extensions import db
from contest.services import brackets, judging
from tests.app.test_brackets import draw_up, favourite_wins, match_by_key, play_all
from tests.bracket_factories import bracket_event
from tests.conftest import PASSWORD
from tests.judging_factories import running_event


def bearer(client, username: str) -> dict:
    response = client.post("/api/v1/tokens", json={"username": username, "password": PASSWORD})
    assert response.status_code == 201
    return {"Authorization": f"Bearer {response.get_json()['token']}"}


def fill_all(run) -> None:
    for judge in (run.chief, run.judge, run.other):
        sheet = judging.sheet(judge, run.event.id)
        items = [{"competitor_number": e["competitor_number"], "criterion_id": c["id"], "value": "2" if c["kind"] == "judgement" else "50"}
                 for e in sheet["entries"] for c in sheet["criteria"]]
        assert judging.submit_scores(judge, run.event.id, SubmitScores.from_json(run.event.id, {"idempotency_key": uuid.uuid4().hex, "scores": items})).status == 200


# ---------------------------------------------------------------------------------------------- the description


def test_the_description_is_valid_openapi_and_covers_every_route(app):
    from openapi_spec_validator import validate

    spec = build_spec(app)
    validate(spec)
    documented = {(path, method) for path, ops in spec["paths"].items() for method in ops}
    routes = {(re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", r.rule), m.lower())
              for r in app.url_map.iter_rules() if r.endpoint.startswith("api.") for m in r.methods - {"HEAD", "OPTIONS"}}
    assert documented == routes
    scores = spec["paths"]["/api/v1/events/{event_id}/scores"]["put"]
    item = spec["components"]["schemas"]["ScoreItem"]["properties"]
    assert {"reason", "judge_id", "version"} <= set(item)
    assert scores["responses"]["429"]["headers"]["Retry-After"]
    assert "per bearer token" in scores["description"]
    codes_409 = scores["responses"]["409"]["content"]["application/json"]["schema"]["allOf"][1]["properties"]["error"]["properties"]["code"]["enum"]
    assert set(codes_409) == {"locked", "stale"}
    match_409 = spec["paths"]["/api/v1/matches/{match_id}"]["put"]["responses"]["409"]
    assert "locked" in match_409["content"]["application/json"]["schema"]["allOf"][1]["properties"]["error"]["properties"]["code"]["enum"]
    for code in ("password_change_required", "idempotency_key_reused"):  # introduced alongside: documented here
        assert code in ERROR_CODES


def test_a_route_without_documentation_is_refused(app):
    from contest.api import api_bp

    view = app.view_functions["api.me"]
    doc = view.openapi
    try:
        del view.openapi
        with pytest.raises(LookupError, match="api.me"):
            build_spec(app)
    finally:
        view.openapi = doc
    assert api_bp.name == "api"


def test_an_answer_that_breaks_the_description_fails_the_test(world, client, monkeypatch):
    run = running_event(world)
    monkeypatch.setattr(judging, "sheet", lambda judge, event_id: {"event": {"id": "not a number"}})
    with pytest.raises(UndocumentedResponse, match="sheet"):
        client.get(f"/api/v1/events/{run.event.id}/sheet", headers=bearer(client, "chief"))


def test_the_description_and_its_page_are_served_without_a_cdn(world, client):
    spec = client.get("/api/v1/openapi.json")
    assert spec.status_code == 200 and spec.headers["Cache-Control"] == "no-store"
    assert spec.get_json()["openapi"].startswith("3.1")
    page = client.get("/api/v1/docs")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert "API v1" in html and 'data-spec-url="/api/v1/openapi.json"' in html
    scripts = re.findall(r"<script([^>]*)>", html)
    assert scripts and all('src="/static/' in s for s in scripts)  # no inline script, nothing from elsewhere
    for asset in re.findall(r'(?:src|href)="(/static/[^"]+)"', html):
        response = client.get(asset)
        response.close()
        assert response.status_code == 200, asset
    assert "http://" not in html.replace("http://www.w3.org", "") and "https://" not in html


# ---------------------------------------------------------------------------------------------- my events


def test_my_events_lists_role_status_progress_and_links(world, client):
    run = running_event(world)
    bracket = bracket_event(world, "single_elimination", 4)
    body = client.get("/api/v1/me/events", headers=bearer(client, "judge")).get_json()
    by_id = {e["id"]: e for e in body["items"]}
    assert body["total"] == 2 and set(by_id) == {run.event.id, bracket.event.id}
    marks = by_id[run.event.id]
    assert marks["role"] == "judge" and marks["method"] == "marks" and marks["status"] == "open" and not marks["signed_off"]
    sheet = judging.sheet(run.judge, run.event.id)
    mine = len(sheet["entries"]) * len(sheet["criteria"])
    assert marks["progress"]["mine_missing"] == mine and marks["progress"]["done"] == 0 and not marks["progress"]["complete"]
    assert marks["links"]["sheet"] == f"/api/v1/events/{run.event.id}/sheet" and "scores" not in marks["links"]
    assert by_id[bracket.event.id]["method"] == "bracket" and by_id[bracket.event.id]["progress"]["expected"] == 0

    chief = client.get("/api/v1/me/events", headers=bearer(client, "chief")).get_json()
    first = next(e for e in chief["items"] if e["id"] == run.event.id)
    assert first["role"] == "chief" and first["links"]["scores"] == f"/api/v1/events/{run.event.id}/scores"
    assert client.get("/api/v1/me/events", headers=bearer(client, "worker")).get_json() == {"items": [], "total": 0}


# ---------------------------------------------------------------------------------------------- every judge's scores


def test_every_judges_scores_for_the_chief_and_host_and_after_sign_off_for_judges(world, client):
    run = running_event(world)
    fill_all(run)
    url = f"/api/v1/events/{run.event.id}/scores"
    refused = client.get(url, headers=bearer(client, "judge"))
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "forbidden"
    chief = client.get(url, headers=bearer(client, "chief")).get_json()
    assert {j["id"] for j in chief["judges"]} == {run.chief.id, run.judge.id, run.other.id}
    assert {i["judge_id"] for i in chief["items"]} == {run.chief.id, run.judge.id, run.other.id}
    assert all(i["version"] == 1 and i["value"] in ("50.00", "2.00") for i in chief["items"])
    assert client.get(url, headers=bearer(client, "city")).get_json()["total"] == chief["total"]
    assert client.get(url, headers=bearer(client, "county_a")).status_code == 403
    judging.sign_off(run.chief, run.event.id)
    after = client.get(url, headers=bearer(client, "judge"))
    assert after.status_code == 200 and after.get_json()["event"]["signed_off"] is True
    assert client.get("/api/v1/events/999999/scores", headers=bearer(client, "chief")).status_code == 404


def test_the_chief_corrects_after_sign_off_with_judge_id_from_the_scores_read(world, client):
    run = running_event(world)
    fill_all(run)
    judging.sign_off(run.chief, run.event.id)
    chief = bearer(client, "chief")
    scores = client.get(f"/api/v1/events/{run.event.id}/scores", headers=chief).get_json()
    target = next(i for i in scores["items"] if i["judge_id"] == run.judge.id and i["value"] == "50.00")
    body = {"idempotency_key": uuid.uuid4().hex, "scores": [{
        "competitor_number": target["competitor_number"], "criterion_id": target["criterion_id"], "value": "55.5",
        "judge_id": run.judge.id, "version": target["version"], "reason": "复核更正"}]}
    done = client.put(f"/api/v1/events/{run.event.id}/scores", json=body, headers=chief)
    assert done.status_code == 200 and done.get_json()["saved"][0] == {**{k: target[k] for k in ("competitor_number", "criterion_id")},
                                                                        "value": "55.50", "version": 2}
    locked = client.put(f"/api/v1/events/{run.event.id}/scores", headers=bearer(client, "judge"), json={
        "idempotency_key": uuid.uuid4().hex, "scores": [{**body["scores"][0], "version": 2, "judge_id": run.judge.id}]})
    assert locked.status_code == 409 and locked.get_json()["error"]["code"] == "locked"


# ---------------------------------------------------------------------------------------------- completeness


def test_completeness_shows_a_judge_his_own_missing_marks_and_everyone_the_counts(world, client):
    run = running_event(world)
    url = f"/api/v1/events/{run.event.id}/completeness"
    judge = client.get(url, headers=bearer(client, "judge")).get_json()
    assert judge["method"] == "marks" and not judge["complete"]
    assert judge["missing"] and {m["judge_id"] for m in judge["missing"]} == {run.judge.id}
    counts = {j["id"]: j["missing"] for j in judge["judges"]}
    assert set(counts) == {run.chief.id, run.judge.id, run.other.id} and all(counts.values())
    chief = client.get(url, headers=bearer(client, "chief")).get_json()
    assert {m["judge_id"] for m in chief["missing"]} == set(counts)
    assert len(chief["missing"]) == chief["progress"]["expected"] - chief["progress"]["done"]
    fill_all(run)
    done = client.get(url, headers=bearer(client, "city")).get_json()
    assert done["complete"] and done["missing"] == [] and done["progress"]["done"] == done["progress"]["expected"]
    assert client.get(url, headers=bearer(client, "worker")).status_code == 403


# ---------------------------------------------------------------------------------------------- matches


def test_one_match_read_and_locked_matches_answer_409_locked(world, client):
    scene = bracket_event(world, "single_elimination", 4)
    draw_up(world, scene)
    chief, judge = bearer(client, "chief"), bearer(client, "judge")
    first = match_by_key(scene, "W1-1")
    read = client.get(f"/api/v1/matches/{first.id}", headers=chief).get_json()
    assert read["key"] == "W1-1" and read["state"] == "ready" and read["may_record"] is True and read["round"] == 1
    assert client.get(f"/api/v1/matches/{first.id}", headers=judge).get_json()["may_record"] is False  # his own unit plays
    assert client.get(f"/api/v1/matches/{first.id}", headers=bearer(client, "worker")).status_code == 403
    assert client.get("/api/v1/matches/999999", headers=chief).status_code == 404
    final = match_by_key(scene, "W2-1")
    not_ready = client.put(f"/api/v1/matches/{final.id}", json={"winner": "home"}, headers=chief)
    assert not_ready.status_code == 409 and not_ready.get_json()["error"]["code"] == "conflict"
    play_all(scene)
    brackets.sign_off(scene.chief, scene.event.id)
    final = match_by_key(scene, "W2-1")
    scene.event.contest.status = ContestStatus.FINAL
    db.session.commit()
    final_locked = client.put(f"/api/v1/matches/{final.id}", headers=chief,
                              json={"winner": "away" if final.winner_id == final.home.nomination_id else "home",
                                    "home_score": 0, "away_score": 0, "kind": "walkover", "version": final.version, "reason": "x"})
    assert final_locked.status_code == 409 and final_locked.get_json()["error"]["code"] == "locked"
    assert final_locked.get_json()["error"]["details"] is None


def test_a_non_chief_judge_after_sign_off_is_told_locked(world, client):
    scene = bracket_event(world, "round_robin", 4)
    draw_up(world, scene)
    play_all(scene)
    brackets.sign_off(scene.chief, scene.event.id)
    view = brackets.bracket_view(scene.judge, scene.event.id)
    neutral = next(m for m in view.matches if not ({m.home.nomination_id, m.away.nomination_id} & _own_entries(scene)))
    response = client.put(f"/api/v1/matches/{neutral.id}", headers=bearer(client, "judge"),
                          json={"winner": "draw", "home_score": 1, "away_score": 1, "version": neutral.version, "reason": "x"})
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "locked"


def _own_entries(scene) -> set[int]:
    """Entries of the world judge's enterprise (柯城电力): odd-numbered players p001, p003 … are in team_a."""
    from contest.models import Nomination, NominationMember, User

    rows = db.session.execute(
        db.select(Nomination.id, User.username).join(NominationMember, NominationMember.nomination_id == Nomination.id)
        .join(User, User.id == NominationMember.user_id).where(Nomination.event_id == scene.event.id)
    ).all()
    return {n for n, username in rows if int(username[1:]) % 2}


def test_a_body_that_is_not_a_json_object_is_400_for_matches(world, client):
    scene = bracket_event(world, "single_elimination", 4)
    draw_up(world, scene)
    first = match_by_key(scene, "W1-1")
    for body in ("[1, 2]", "{nope", '{"winner": "home", "home_score": NaN}'):
        response = client.put(f"/api/v1/matches/{first.id}", data=body, content_type="application/json", headers=bearer(client, "chief"))
        assert response.status_code == 400 and response.get_json()["error"]["code"] == "bad_request", body
    ok = client.put(f"/api/v1/matches/{first.id}", json=_as_json(favourite_wins(first)), headers=bearer(client, "chief"))
    assert ok.status_code == 200


def _as_json(entry: brackets.Entry) -> dict:
    return {"winner": entry.winner, "home_score": entry.home_score, "away_score": entry.away_score}


# ---------------------------------------------------------------------------------------------- one vocabulary


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_non_standard_json_numbers_are_400(world, client, constant):
    run = running_event(world)
    criterion = judging.sheet(run.chief, run.event.id)["criteria"][0]["id"]
    number = judging.sheet(run.chief, run.event.id)["entries"][0]["competitor_number"]
    body = f'{{"idempotency_key": "{uuid.uuid4().hex}", "scores": [{{"competitor_number": {number}, "criterion_id": {criterion}, "value": {constant}}}]}}'
    response = client.put(f"/api/v1/events/{run.event.id}/scores", data=body, content_type="application/json", headers=bearer(client, "chief"))
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "bad_request"
    assert response.get_json()["error"]["message"] == "请求内容不是标准 JSON（不允许 NaN 和 Infinity）。"
    assert db.session.scalar(db.select(db.func.count()).select_from(judging.Score)) == 0


def test_every_error_is_in_the_envelope_and_no_json_is_cached(world, client):
    for response in (client.get("/api/v1/nothing-here"), client.get("/api/v1/me"), client.post("/api/v1/me"),
                     client.get("/api/v1/certificates/no-such-code")):
        error = response.get_json()["error"]
        assert set(error) == {"code", "message", "details"} and error["code"] in ERROR_CODES
        assert ERROR_CODES[error["code"]][0] == response.status_code
        assert response.headers["Cache-Control"] == "no-store"
    assert client.get("/api/v1/me", headers=bearer(client, "worker")).headers["Cache-Control"] == "no-store"


# ---------------------------------------------------------------------------------------------- limits


def test_write_limits_count_per_token_not_per_address(app_factory):
    from tests.factories import build_world

    app = app_factory(RATELIMIT_ENABLED=True, API_RATE_LIMIT="2 per minute")
    with app.app_context():
        db.create_all()
        run = running_event(build_world(PASSWORD))
        client = app.test_client()
        url = f"/api/v1/events/{run.event.id}/scores"
        first, second = bearer(client, "chief"), bearer(client, "judge_b")  # two tablets behind one address
        for _ in range(2):
            assert client.put(url, json={}, headers=first).status_code == 422
        refused = client.put(url, json={}, headers=first)
        assert refused.status_code == 429 and refused.get_json()["error"]["code"] == "rate_limited"
        assert int(refused.headers["Retry-After"]) > 0
        assert client.put(url, json={}, headers=second).status_code == 422  # the other tablet is not held up
        db.session.remove()


def test_the_chief_judge_signs_off_through_the_api_once_complete(world, client):
    run = running_event(world)
    url = f"/api/v1/events/{run.event.id}/sign-off"
    chief = bearer(client, "chief")
    early = client.post(url, headers=chief)
    assert early.status_code == 409 and early.get_json()["error"]["code"] == "conflict"
    assert client.post(url, headers=bearer(client, "judge")).status_code == 403
    fill_all(run)
    done = client.post(url, headers=chief)
    assert done.status_code == 201 and done.get_json()["event"]["signed_off"] is True
    assert done.get_json()["event"]["status"] == "scored"  # the contest's only event
    again = client.post(url, headers=chief)
    assert again.status_code == 409 and again.get_json()["error"]["code"] in ("conflict", "locked")
    events = client.get("/api/v1/me/events", headers=bearer(client, "judge")).get_json()["items"]
    assert events[0]["status"] == "signed_off" and "scores" in events[0]["links"]


def test_a_bracket_is_signed_off_through_the_same_route(world, client):
    scene = bracket_event(world, "single_elimination", 4)
    draw_up(world, scene)
    url = f"/api/v1/events/{scene.event.id}/sign-off"
    assert client.post(url, headers=bearer(client, "chief")).get_json()["error"]["code"] == "conflict"  # matches to play
    play_all(scene)
    assert client.post(url, headers=bearer(client, "chief")).status_code == 201
    assert brackets.is_signed_off(scene.event.id)
