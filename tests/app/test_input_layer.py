"""The input layer: API request parsers, the one refusal → status table, and pages whose forms are form
classes showing refusals beside their fields (the chief judge's correction, ranking rules, bracket set-up)."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from sqlalchemy import func, select

import contest
from contest.api import parsers
from contest.api.errors import ERROR_CODES, REFUSALS, answer, status_of
from contest.commands import RecordMatch, SubmitScores, TokenRequest
from contest.domain.errors import (
    BadRequest,
    DomainError,
    FieldError,
    InvalidItems,
    InvalidRequest,
    LockedEvent,
    LockedMatch,
    MatchNotReady,
    SignOffRefused,
    StaleScore,
)
from contest.extensions import db
from contest.models import MatchAudit, ScoreAudit
from contest.services import AccessError, NotFound, PermissionDenied
from contest.services import judging as judging_service
from contest.services.accounts import LoginRefused, PasswordChangeRequired
from contest.services.brackets import NeedsConfirmation, StaleMatch
from contest.services.idempotency import KeyReused
from contest.services.login_throttle import LoginThrottled
from tests.app.test_brackets import draw_up, login, match_by_key
from tests.bracket_factories import bracket_event
from tests.judging_factories import running_event

# ---------------------------------------------------------------------------------------------- request parsers


@pytest.mark.parametrize("body, content_type", [
    (b'{"username": "a", "password": NaN}', "application/json"),
    (b'{"username": ', "application/json"),
    (b"[1, 2]", "application/json"),
    (b'"text"', "application/json"),
    (b"", "application/json"),
    (b"username=a", "application/x-www-form-urlencoded"),
])
def test_a_body_that_is_not_a_json_object_is_a_bad_request(app, body, content_type):
    with app.test_request_context("/api/v1/tokens", method="POST", data=body, content_type=content_type):
        with pytest.raises(BadRequest):
            parsers.json_object()


def test_good_bodies_become_commands(app):
    with app.test_request_context("/api/v1/tokens", method="POST", json={"username": "chief", "password": "pw"}):
        assert parsers.token_request() == TokenRequest("chief", "pw")
    body = {"idempotency_key": "tablet-0001", "scores": [{"competitor_number": 1, "criterion_id": 2, "value": "3"}]}
    with app.test_request_context("/api/v1/events/4/scores", method="PUT", json=body):
        command = parsers.score_submission(4)
    assert isinstance(command, SubmitScores) and command.event_id == 4 and command.items[0].competitor_number == 1
    with app.test_request_context("/api/v1/matches/8", method="PUT", json={"winner": "home", "home_score": 2}):
        command = parsers.match_result(8)
    assert isinstance(command, RecordMatch) and command.result.winner == "home" and command.result.home_score == 2


def test_bad_token_and_match_bodies(app):
    with app.test_request_context("/api/v1/tokens", method="POST", json={"username": "chief"}):
        with pytest.raises(InvalidItems) as refused:
            parsers.token_request()
    assert refused.value.details[0]["field"] == "password"
    with app.test_request_context("/api/v1/matches/8", method="PUT", json={"winner": "home", "idempotency_key": "short"}):
        with pytest.raises(InvalidRequest):
            parsers.match_result(8)


@pytest.mark.parametrize("query", ["year=abc", "year=1800", "kind=chess", "status=archived", "level=province"])
def test_unknown_contest_filters_are_a_bad_request(app, query):
    with app.test_request_context(f"/api/v1/contests?{query}"):
        with pytest.raises(BadRequest):
            parsers.contest_filters()


def test_contest_filters_and_pages(app):
    with app.test_request_context("/api/v1/contests?year=2026&kind=skills&status=open&level=city&page=0&per_page=999"):
        assert parsers.contest_filters() == parsers.ContestFilters(2026, "skills", "open", "city")
        assert parsers.page_args() == (1, 200)
    with app.test_request_context("/api/v1/contests?page=x"):
        assert parsers.contest_filters() == parsers.ContestFilters()
        assert parsers.page_args() == (1, 50)


# ---------------------------------------------------------------------------------------------- the refusal table


EXPECTED = {
    BadRequest: (400, "bad_request"),
    LoginRefused: (401, "unauthorized"),
    PermissionDenied: (403, "forbidden"),
    PasswordChangeRequired: (403, "password_change_required"),
    NotFound: (404, "not_found"),
    LockedEvent: (409, "locked"),
    LockedMatch: (409, "locked"),
    StaleScore: (409, "stale"),
    StaleMatch: (409, "stale"),
    NeedsConfirmation: (409, "confirmation_required"),
    MatchNotReady: (409, "conflict"),
    SignOffRefused: (409, "conflict"),
    InvalidItems: (422, "invalid"),
    InvalidRequest: (422, "invalid"),
    FieldError: (422, "invalid"),
    DomainError: (422, "invalid"),
    KeyReused: (422, "idempotency_key_reused"),
    LoginThrottled: (429, "rate_limited"),
}


def _all_refusal_types() -> set[type]:
    for module in pkgutil.walk_packages(contest.__path__, "contest."):
        importlib.import_module(module.name)
    found, todo = set(), [DomainError, AccessError]
    while todo:
        cls = todo.pop()
        found.add(cls)
        todo.extend(cls.__subclasses__())
    return {cls for cls in found if cls.__module__.startswith("contest.")}


def test_every_refusal_type_has_a_status_and_a_published_code():
    for cls in _all_refusal_types():
        status, code = status_of(cls.__new__(cls))
        assert code in ERROR_CODES and ERROR_CODES[code][0] == status, cls
    for cls, (status, code) in REFUSALS.items():
        assert ERROR_CODES[code][0] == status, cls


def test_the_typed_refusals_map_as_the_contract_says():
    assert set(EXPECTED) <= set(REFUSALS)
    for cls, expected in EXPECTED.items():
        assert status_of(cls.__new__(cls)) == expected, cls


def test_the_refusal_types_that_services_raise_are_typed_not_told_apart_by_message():
    """Every refusal type defined by the domain errors and the services has its own entry or an ancestor's
    other than the catch-all ``DomainError`` — except rule refusals of values (``Invalid``), which are 422."""
    from contest.domain.errors import Invalid

    for cls in _all_refusal_types():
        if cls is DomainError or issubclass(cls, Invalid) or cls.__module__ not in ("contest.domain.errors", "contest.services.brackets",
                                                                                    "contest.services.judging", "contest.services.idempotency"):
            continue
        assert any(c in REFUSALS for c in cls.__mro__[:cls.__mro__.index(DomainError)]), cls


def test_answers_carry_details(app):
    with app.test_request_context("/"):
        found = answer(InvalidItems("Some scores are not valid; nothing was saved.", [{"index": 0, "message": LockedEvent("Scoring is not open for this event.")}]))
        assert found.status == 422 and found.body["error"]["code"] == "invalid"
        message = found.body["error"]["details"][0]["message"]  # a message in the details is translated
        assert isinstance(message, str) and message != "Scoring is not open for this event." and found.body["error"]["details"][0]["index"] == 0
        plain = answer(DomainError("Choose the winner."))
        assert plain.status == 422 and plain.body["error"]["details"] == [{"message": plain.body["error"]["message"]}]
        assert answer(LockedMatch("The results are final.")).body["error"]["details"] is None
        assert answer(StaleMatch({"version": 3})).body["error"]["details"] == {"current": {"version": 3}}
        assert answer({"saved": []}).status == 200


# ---------------------------------------------------------------------------------------------- pages


@pytest.fixture
def signed(world, client):
    """A running event, every score entered, signed off; the chief judge logged in."""
    from tests.app.test_judging import fill_all

    run = running_event(world)
    fill_all(run)
    judging_service.sign_off(run.chief, run.event.id)
    client.get("/locale/zh_CN")
    client.post("/login", data={"username": "chief", "password": "Passw0rd!"})
    return run


def _correction(run, criterion, **fields):
    return {"competitor_number": run.numbers["worker_b"], "criterion_id": criterion, "judge_id": run.chief.id, "version": 1,
            "value": "60", "reason": "复核", **fields}


def _first_criterion(run) -> int:
    return judging_service.sheet(run.chief, run.event.id)["criteria"][0]["id"]


def test_a_correction_out_of_range_is_shown_beside_the_value(signed, client):
    criterion = _first_criterion(signed)
    page = client.post(f"/events/{signed.event.id}/corrections", data=_correction(signed, criterion, value="1000"))
    assert page.status_code == 422
    html = page.get_data(as_text=True)
    cell = html.split(f'data-testid="correct-{signed.numbers["worker_b"]}-{criterion}-{signed.chief.id}" open')[1].split("</form>")[0]
    assert 'data-testid="correction-error-value"' in cell and "is-invalid" in cell and 'value="1000"' in cell
    assert db.session.scalar(select(func.count(ScoreAudit.id)).where(ScoreAudit.kind == "correction")) == 0


def test_a_correction_without_a_reason_is_refused_by_the_form(signed, client):
    criterion = _first_criterion(signed)
    page = client.post(f"/events/{signed.event.id}/corrections", data=_correction(signed, criterion, reason="  "))
    assert page.status_code == 422
    assert 'data-testid="correction-error-reason"' in page.get_data(as_text=True)
    assert "签字确认后更正分数必须填写理由。" in page.get_data(as_text=True)


def test_a_stale_correction_says_so_above_its_fields(signed, client):
    criterion = _first_criterion(signed)
    assert client.post(f"/events/{signed.event.id}/corrections", data=_correction(signed, criterion)).status_code == 302
    page = client.post(f"/events/{signed.event.id}/corrections", data=_correction(signed, criterion, value="61"))  # version 1 again
    assert page.status_code == 409 and 'data-testid="correction-refusal"' in page.get_data(as_text=True)
    assert db.session.scalar(select(func.count(ScoreAudit.id)).where(ScoreAudit.kind == "correction")) == 1


def test_a_correction_form_with_its_hidden_fields_missing_asks_for_a_reload(signed, client):
    page = client.post(f"/events/{signed.event.id}/corrections", data={"value": "60", "reason": "复核"}, follow_redirects=True)
    assert page.status_code == 200 and "更正表单不完整" in page.get_data(as_text=True)


def test_ranking_rules_refusals_are_shown_beside_their_fields(world, client, login_as):
    from tests.contest_factories import make_contest

    event = make_contest(world.users["city"]).events[0]
    login_as("city")
    form = {"mode": "count", "rounding": "half_up", "boundary_policy": "tied_take_higher", "tier1_name": "一等奖", "tier1_value": "1.5"}
    page = client.post(f"/events/{event.id}/ranking-rules", data=form)
    assert page.status_code == 422
    html = page.get_data(as_text=True)
    assert 'data-testid="rules-error-tier1_value"' in html and 'value="1.5"' in html
    page = client.post(f"/events/{event.id}/ranking-rules", data={**form, "tier1_value": "1", "youth_title_name": "青年岗位能手",
                                                                   "youth_title_max_age": "90"})
    assert page.status_code == 422 and 'data-testid="rules-error-youth_title_max_age"' in page.get_data(as_text=True)
    assert client.post(f"/events/{event.id}/ranking-rules", data={**form, "tier1_value": "1"}).status_code == 302


def test_bracket_setup_refusals_are_shown_beside_their_fields(world, client, login_as):
    scene = bracket_event(world, "single_elimination", 4)
    numbers = sorted(scene.nominations)
    login_as("city")
    page = client.post(f"/brackets/events/{scene.event.id}/setup", data={"seeding": "manual", f"seed-{numbers[1]}": "二"})
    assert page.status_code == 422 and f'data-testid="setup-error-seed-{numbers[1]}"' in page.get_data(as_text=True)
    page = client.post(f"/brackets/events/{scene.event.id}/setup", data={"seeding": "manual", f"seed-{numbers[0]}": "1"})
    assert page.status_code == 422 and 'data-testid="setup-error-seeding"' in page.get_data(as_text=True)
    page = client.post(f"/brackets/events/{scene.event.id}/setup", data={"seeding": "ranking"})
    assert page.status_code == 422 and 'data-testid="setup-error-ranked_event_id"' in page.get_data(as_text=True)


def _match_page(world, client):
    """A drawn-up four-entrant bracket, the chief judge logged in (in Chinese); its first match."""
    scene = bracket_event(world, "single_elimination", 4)
    draw_up(world, scene)
    login(client, "chief")
    return scene, match_by_key(scene, "W1-1")


def _error(html: str, field: str) -> str:
    return html.split(f'data-testid="match-error-{field}">')[1].split("</div>")[0]


def test_the_match_form_refuses_bad_fields_beside_them_in_chinese(world, client):
    scene, first = _match_page(world, client)
    page = client.post(f"/brackets/matches/{first.id}", data={"home_score": "二十一", "away_score": "1000", "kind": "forfeit",
                                                              "version": "x"})
    assert page.status_code == 422
    html = page.get_data(as_text=True)
    assert _error(html, "winner") == "请选择胜方。"
    assert _error(html, "home_score") == _error(html, "away_score") == "比分须为 0 至 999 的整数。"
    assert _error(html, "kind") == "未知的结果类型。" and _error(html, "version") == "版本号须为整数。"
    assert 'id="home_score" name="home_score"' in html and 'value="二十一"' in html  # what was typed stays
    assert 'is-invalid" aria-invalid="true" aria-describedby="home_score-error' in html
    assert not match_by_key(scene, "W1-1").finished
    assert db.session.scalar(select(func.count(MatchAudit.id))) == 0


def test_the_match_form_shows_the_services_refusal_beside_the_field_it_names(world, client):
    scene, first = _match_page(world, client)
    page = client.post(f"/brackets/matches/{first.id}", data={"winner": "home", "home_score": "3", "away_score": "21", "version": "0"})
    assert page.status_code == 422
    assert _error(page.get_data(as_text=True), "home_score") == "胜方比分不能低于负方。"
    assert client.post(f"/brackets/matches/{first.id}", data={"winner": "home", "home_score": "21", "away_score": "3",
                                                              "version": "0"}).status_code == 302
    page = client.post(f"/brackets/matches/{first.id}", data={"winner": "away", "home_score": "3", "away_score": "21", "version": "1"})
    assert page.status_code == 422 and _error(page.get_data(as_text=True), "reason") == "修改已录入的结果须填写原因。"
    assert match_by_key(scene, "W1-1").finished and db.session.scalar(select(func.count(MatchAudit.id))) == 1
