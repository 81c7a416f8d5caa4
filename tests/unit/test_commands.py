"""Typed commands from decoded JSON (``contest.commands``): good input, and each kind of bad input."""

from __future__ import annotations

import pytest

from contest.commands import (
    BAD_REASON,
    BAD_VERSION,
    NOT_AN_OBJECT,
    NOT_OWN,
    NOT_SOMEONE,
    AwardTierInput,
    MatchResult,
    RankingRules,
    RecordMatch,
    ScoreItem,
    SubmitScores,
    TokenRequest,
    Unreadable,
    fingerprint,
)
from contest.domain.errors import Invalid, InvalidItems, InvalidRequest


def test_a_score_item_is_typed():
    item = ScoreItem.from_json(3, {"competitor_number": 7, "criterion_id": 12, "value": "8.5", "version": 2, "reason": "复核", "judge_id": 4})
    assert item == ScoreItem(3, 7, 12, "8.5", 2, "复核", 4, None, 7, 12)
    assert item.is_object
    assert ScoreItem.from_json(0, {"competitor_number": 1, "criterion_id": 2, "value": 3}).value == 3
    assert ScoreItem.from_json(0, {"competitor_number": 1, "criterion_id": 2, "value": 9.5}).value == "9.5"  # a fraction as its text
    assert ScoreItem.from_json(0, {"competitor_number": 1, "criterion_id": 2, "value": "1"}).judge_id is None  # the caller's own


@pytest.mark.parametrize("sent, field, expected", [
    ({"competitor_number": "7"}, "competitor_number", None),  # not a whole number: "no such entry" later
    ({"competitor_number": True}, "competitor_number", None),
    ({"criterion_id": 1.0}, "criterion_id", None),
    ({"value": True}, "value", None),  # not a number, said by the mark check
    ({"value": [1]}, "value", None),
    ({"value": None}, "value", None),
])
def test_unreadable_identifiers_and_values_become_none(sent, field, expected):
    item = ScoreItem.from_json(0, {"competitor_number": 1, "criterion_id": 2, "value": "1", **sent})
    assert getattr(item, field) == expected and item.defect is None


@pytest.mark.parametrize("sent, defect", [
    ({"version": 0}, BAD_VERSION),
    ({"version": "2"}, BAD_VERSION),
    ({"version": True}, BAD_VERSION),
    ({"reason": 5}, BAD_REASON),
    ({"reason": "x" * 501}, BAD_REASON),
    ({"judge_id": "4"}, NOT_OWN),
    ({"judge_id": None}, NOT_OWN),
    ({"version": -1, "reason": 5, "judge_id": "x"}, BAD_VERSION),  # the first problem, in the contract's order
    ({"reason": 5, "judge_id": "x"}, BAD_REASON),
])
def test_shape_problems_are_kept_as_the_item_defect(sent, defect):
    item = ScoreItem.from_json(0, {"competitor_number": 1, "criterion_id": 2, "value": "1", **sent})
    assert item.defect == defect and item.is_object
    if "judge_id" in sent:
        assert item.judge_id == NOT_SOMEONE  # nobody's: never the caller's own, so no conflict check applies


def test_an_item_that_is_not_an_object():
    item = ScoreItem.from_json(4, ["not", "an", "object"])
    assert not item.is_object and item.defect == NOT_AN_OBJECT and item.sent_number is None


def test_reason_falsy_values_are_no_reason():
    for falsy in (None, "", 0, False, []):
        assert ScoreItem.from_json(0, {"reason": falsy}).reason == "" and ScoreItem.from_json(0, {"reason": falsy}).defect is None


def test_a_submission_is_typed_and_keeps_the_fingerprint_of_what_was_sent():
    payload = {"idempotency_key": "k" * 8, "scores": [{"competitor_number": 1, "criterion_id": 2, "value": "3"}]}
    command = SubmitScores.from_json(9, payload)
    assert command.event_id == 9 and command.idempotency_key == "k" * 8 and len(command.items) == 1
    assert command.fingerprint == fingerprint("scores", 9, payload)
    assert SubmitScores.from_json(9, {**payload, "idempotency_key": "other-key"}).fingerprint == command.fingerprint


@pytest.mark.parametrize("scores", [None, "x", [], [{}] * 501, {"a": 1}])
def test_a_submission_without_one_to_500_items_has_none(scores):
    assert SubmitScores.from_json(1, {"idempotency_key": "k" * 8, "scores": scores}).items is None


@pytest.mark.parametrize("key", [None, 12345678, ["k"] * 8])
def test_a_key_that_is_not_text_is_none(key):
    assert SubmitScores.from_json(1, {"idempotency_key": key, "scores": [{}]}).idempotency_key is None


def test_a_match_result_from_json_or_form_data():
    assert MatchResult.from_data({"winner": "home", "home_score": 21, "away_score": "15", "version": "3", "reason": " 录错 ",
                                  "confirm": "on"}) == MatchResult("home", 21, 15, "normal", 3, "录错", True)
    assert MatchResult.from_data({"winner": "away", "kind": "walkover", "home_score": ""}) == MatchResult("away", 0, 0, "walkover")


@pytest.mark.parametrize("data, message", [
    ("home", "Send the result as a JSON object."),
    ({"winner": "nobody"}, "Choose the winner."),
    ({"winner": "home", "kind": "forfeit"}, "Unknown kind of result."),
    ({"winner": "home", "home_score": -1}, "Scores are whole numbers from 0 to %(max)d."),
    ({"winner": "home", "home_score": "1000"}, "Scores are whole numbers from 0 to %(max)d."),
    ({"winner": "home", "away_score": "２"}, "Scores are whole numbers from 0 to %(max)d."),
    ({"winner": "home", "version": "v2"}, "The version must be a whole number."),
])
def test_each_bad_match_field_is_refused(data, message):
    with pytest.raises(Invalid) as refused:
        MatchResult.from_data(data)
    assert refused.value.message == message
    assert isinstance(MatchResult.read(data), Unreadable)  # kept for the service, which checks who may first


def test_record_match_checks_only_the_key_itself():
    command = RecordMatch.from_json(5, {"winner": "home", "idempotency_key": "match-key-1"})
    assert command.result == MatchResult("home") and command.idempotency_key == "match-key-1" and command.fingerprint
    assert isinstance(RecordMatch.from_json(5, {"winner": "?"}).result, Unreadable)
    assert RecordMatch.from_json(5, {"winner": "home"}).fingerprint == ""  # no key: nothing to replay
    for key in ("short", "k" * 101, 12345678):
        with pytest.raises(InvalidRequest):
            RecordMatch.from_json(5, {"winner": "home", "idempotency_key": key})


def test_token_request():
    assert TokenRequest.from_json({"username": "chief", "password": "pw"}) == TokenRequest("chief", "pw")
    with pytest.raises(InvalidItems) as refused:
        TokenRequest.from_json({"username": "", "password": 5})
    assert [d["field"] for d in refused.value.details] == ["username"]
    with pytest.raises(InvalidItems) as refused:
        TokenRequest.from_json({})
    assert [d["field"] for d in refused.value.details] == ["username", "password"]


def test_ranking_rules_give_the_scheme_shape():
    rules = RankingRules(1, ("time", "", ""), "count", (AwardTierInput("一等奖", "1"),), top_title_name="技术能手", top_title_ranks="3")
    scheme = rules.scheme()
    assert scheme["mode"] == "count" and scheme["tiers"] == [{"name": "一等奖", "value": "1"}]
    assert scheme["top_title"] == {"name": "技术能手", "ranks": "3"} and scheme["youth_title"] == {"name": "", "max_age": ""}
