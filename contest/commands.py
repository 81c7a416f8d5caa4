"""Typed commands: what a caller asks a service to do, as frozen dataclasses of plain typed values.

The edges build them — WTForms form classes for pages (``<blueprint>/forms.py``), the request parsers of
``contest.api.parsers`` for the API, seeders and tests directly — and the services take them instead of
request dicts. This module is pure (no Flask, no SQLAlchemy, no services), so every layer may import it.

``from_json`` constructors turn decoded JSON into a command. They *type* what was sent and never look at
the database: whether an entry exists or a mark is in range is the service's rule. Where the API contract
says a malformed value is refused only after the caller's permission was checked (a non-judge hears 403,
never 422, whatever he sends), the command carries the problem (``Unreadable``, ``ScoreItem.defect``) and
the service raises it at that point.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from contest.domain.errors import N_, Invalid, InvalidItems, InvalidRequest
from contest.domain.numbers import parse_plain_int

MAX_SCORE_ITEMS = 500
MAX_REASON = 500
MAX_MATCH_SCORE = 999
MIN_KEY, MAX_KEY = 8, 100


def fingerprint(endpoint: str, target_id: int, body: Mapping) -> str:
    """SHA-256 of what the request writes to and its body without the key, as canonical JSON (sorted keys,
    no spaces), so the same request always has the same fingerprint whatever the order of its fields."""
    request = {k: v for k, v in body.items() if k != "idempotency_key"}
    canonical = json.dumps([endpoint, target_id, request], sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def valid_key(key: object) -> bool:
    """An idempotency key: text of 8 to 100 characters."""
    return isinstance(key, str) and MIN_KEY <= len(key) <= MAX_KEY


def whole(value: object) -> bool:
    """A JSON whole number (``true`` is not one)."""
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True)
class Unreadable:
    """A value the edge could not read, with the refusal the service raises once it has checked who may."""

    refusal: Invalid


# ---------------------------------------------------------------------------------------------- scores


# Shape problems of a score item, reported in the order the contract fixes (see ``ScoreItem``).
NOT_AN_OBJECT = N_("Each score item must be an object.")
BAD_VERSION = N_("The version must be a positive whole number.")
BAD_REASON = N_("The reason must be text of at most 500 characters.")
BAD_NOTE = N_("The note must be text of at most 500 characters.")
NOT_OWN = N_("Judges enter only their own scores.")
NOT_SOMEONE = -1  # ``judge_id`` of an item whose judge_id was not a whole number: nobody's


@dataclass(frozen=True)
class ScoreItem:
    """One mark as sent. ``competitor_number``/``criterion_id`` are None when not whole numbers (the service
    then says there is no such entry or criterion); ``value`` is the text or whole number sent (a JSON
    fraction as its text; anything else None: "not a number"); ``judge_id`` None means the caller's own.

    ``defect`` is the first shape problem of the item (not an object; a version that is not a positive whole
    number; a reason that is not text of at most 500 characters; a judge_id that is not a whole number). The
    service reports it after the entry, criterion and conflict checks (and an item that is not an object
    before anything), so that every item gets the same message as before the input layer existed.
    ``sent_number``/``sent_criterion`` echo what was sent, for the per-item details."""

    index: int
    competitor_number: int | None
    criterion_id: int | None
    value: str | int | None
    version: int | None = None
    reason: str = ""
    judge_id: int | None = None
    defect: str | None = None
    sent_number: object = None
    sent_criterion: object = None
    note: str = ""  # what the inspector notes with the mark ("2 处消防通道堵塞"; a veto's reason)

    @property
    def is_object(self) -> bool:
        return self.defect != NOT_AN_OBJECT

    @classmethod
    def from_json(cls, index: int, item: object) -> ScoreItem:
        if not isinstance(item, dict):
            return cls(index, None, None, None, defect=NOT_AN_OBJECT)
        number, criterion_id, value = item.get("competitor_number"), item.get("criterion_id"), item.get("value")
        version, reason = item.get("version"), item.get("reason") or ""
        defect = None
        if version is not None and (not whole(version) or version < 1):
            defect, version = BAD_VERSION, None
        if not isinstance(reason, str) or len(reason) > MAX_REASON:
            defect, reason = defect or BAD_REASON, ""
        note = item.get("note") or ""
        if not isinstance(note, str) or len(note) > MAX_REASON:
            defect, note = defect or BAD_NOTE, ""
        judge_id = None
        if "judge_id" in item:
            judge_id = item["judge_id"] if whole(item["judge_id"]) else NOT_SOMEONE
            if judge_id == NOT_SOMEONE:
                defect = defect or NOT_OWN
        if isinstance(value, float):
            value = str(value)
        elif isinstance(value, bool) or not isinstance(value, str | int):
            value = None
        return cls(index, number if whole(number) else None, criterion_id if whole(criterion_id) else None, value,
                   version, reason, judge_id, defect, number, criterion_id, note.strip())


def score_items(items: Sequence[object]) -> tuple[ScoreItem, ...]:
    """Decoded JSON score items, typed in order (``ScoreItem.from_json``): what ``judging.enter_scores``
    takes from a seeder, and ``SubmitScores`` holds."""
    return tuple(ScoreItem.from_json(i, item) for i, item in enumerate(items))


@dataclass(frozen=True)
class SubmitScores:
    """``PUT /events/<id>/scores``: marks, all or nothing, under an idempotency key.

    ``idempotency_key`` is the text sent (None if it was not text; its length is checked by the service, after
    the caller's access); ``items`` is None unless 1 to 500 items were sent. ``fingerprint`` identifies the
    request body as sent (the key's replay compares it)."""

    event_id: int
    idempotency_key: str | None
    items: tuple[ScoreItem, ...] | None
    fingerprint: str

    @classmethod
    def from_json(cls, event_id: int, payload: Mapping) -> SubmitScores:
        key, items = payload.get("idempotency_key"), payload.get("scores")
        parsed = None
        if isinstance(items, list) and 0 < len(items) <= MAX_SCORE_ITEMS:
            parsed = score_items(items)
        return cls(event_id, key if isinstance(key, str) else None, parsed, fingerprint("scores", event_id, payload))


@dataclass(frozen=True)
class CorrectScore:
    """The chief judge's correction of one score after sign-off (the scoring page's form)."""

    event_id: int
    competitor_number: int
    criterion_id: int
    judge_id: int
    value: str
    version: int
    reason: str


# ---------------------------------------------------------------------------------------------- brackets


@dataclass(frozen=True)
class BracketSetup:
    """What an organiser chooses when drawing up a bracket."""

    seeding: str = "draw"
    ranked_event_id: int | None = None
    manual_seeds: Mapping[int, int] | None = None  # competitor number → seed
    third_place: bool = False
    grand_final_reset: bool = True
    rounds: int | None = None
    avoid_same_unit: bool = True
    colours: bool = False  # Swiss (chess): home is white and colours are allocated
    tie_breakers: tuple[str, ...] = ()  # Swiss: FIDE tie-breaks in order (empty: the default order)


@dataclass(frozen=True)
class MatchResult:
    """A result as a judge enters it: ``winner`` is "home", "away" or "draw"."""

    winner: str
    home_score: int = 0
    away_score: int = 0
    kind: str = "normal"
    version: int | None = None
    reason: str = ""
    confirm: bool = False

    @classmethod
    def from_data(cls, data: object) -> MatchResult:
        """From form or JSON data, with a clear ``Invalid`` for the first bad field."""
        if not isinstance(data, Mapping):
            raise Invalid(N_("Send the result as a JSON object."))
        winner = str(data.get("winner") or "").strip()
        if winner not in ("home", "away", "draw"):
            raise Invalid(N_("Choose the winner."))
        kind = str(data.get("kind") or "normal")
        if kind not in ("normal", "walkover", "retired"):
            raise Invalid(N_("Unknown kind of result."))
        scores = []
        for name in ("home_score", "away_score"):
            raw = data.get(name)
            if raw in (None, ""):
                scores.append(0)
                continue
            value = parse_plain_int(raw)
            if value is None or value > MAX_MATCH_SCORE:
                raise Invalid(N_("Scores are whole numbers from 0 to %(max)d."), max=MAX_MATCH_SCORE)
            scores.append(value)
        version = data.get("version")
        if version in (None, ""):
            version = None
        else:
            try:
                version = int(version)
            except (TypeError, ValueError):
                raise Invalid(N_("The version must be a whole number.")) from None
        confirm = data.get("confirm") in (True, "1", "true", "yes", "on")
        return cls(winner, scores[0], scores[1], kind, version, str(data.get("reason") or "").strip(), confirm)

    @classmethod
    def read(cls, data: object) -> MatchResult | Unreadable:
        """``from_data``, with a refusal kept for later instead of raised."""
        try:
            return cls.from_data(data)
        except Invalid as exc:
            return Unreadable(exc)


@dataclass(frozen=True)
class RecordMatch:
    """``PUT /matches/<id>``: a result with an optional idempotency key (checked here: 8 to 100 characters)."""

    match_id: int
    result: MatchResult | Unreadable
    idempotency_key: str | None = None
    fingerprint: str = ""

    @classmethod
    def from_json(cls, match_id: int, payload: Mapping) -> RecordMatch:
        key = payload.get("idempotency_key")
        if key is not None and not valid_key(key):
            raise InvalidRequest(N_("An idempotency_key of 8 to 100 characters is required."))
        return cls(match_id, MatchResult.read(payload), key, fingerprint("match", match_id, dict(payload)) if key is not None else "")


# ---------------------------------------------------------------------------------------------- ranking rules


@dataclass(frozen=True)
class AwardTierInput:
    name: str
    value: str


@dataclass(frozen=True)
class RankingRules:
    """Tie-breakers in order (``component:<id>``, ``criterion:<id>``, ``time``) and the award scheme as typed
    in; the service checks both with the domain rules (``contest.domain.ranking``, ``contest.domain.awards``)."""

    event_id: int
    tie_breakers: tuple[str, ...]
    mode: str
    tiers: tuple[AwardTierInput, ...]
    rounding: str = "cumulative"
    boundary_policy: str = "tied_take_higher"
    min_score: str = ""
    top_title_name: str = ""
    top_title_ranks: str = ""
    youth_title_name: str = ""
    youth_title_max_age: str = ""

    def scheme(self) -> dict:
        """The scheme in the shape ``services.contests.set_ranking_rules`` cleans."""
        return {
            "mode": self.mode, "tiers": [{"name": t.name, "value": t.value} for t in self.tiers],
            "rounding": self.rounding, "boundary_policy": self.boundary_policy, "min_score": self.min_score,
            "top_title": {"name": self.top_title_name, "ranks": self.top_title_ranks},
            "youth_title": {"name": self.youth_title_name, "max_age": self.youth_title_max_age},
        }


# ---------------------------------------------------------------------------------------------- tokens


@dataclass(frozen=True)
class TokenRequest:
    username: str
    password: str

    @classmethod
    def from_json(cls, payload: Mapping) -> TokenRequest:
        username, password = payload.get("username"), payload.get("password")
        if not isinstance(username, str) or not isinstance(password, str) or not username or not password:
            raise InvalidItems(N_("Username and password are required."),
                               [{"field": f, "message": Invalid(N_("Required."))} for f in ("username", "password") if not payload.get(f)])
        return cls(username, password)


__all__ = [
    "MAX_SCORE_ITEMS", "AwardTierInput", "BracketSetup", "CorrectScore", "MatchResult", "RankingRules", "RecordMatch",
    "ScoreItem", "SubmitScores", "TokenRequest", "Unreadable", "fingerprint", "score_items", "valid_key", "whole",
]
