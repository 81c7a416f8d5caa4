"""Request parsers of the API: the request (body, query string) in, a typed command or typed values out.

Each parser reads only the request and raises a typed refusal (``BadRequest``, ``Invalid``/``InvalidItems``)
when it cannot make the command; the route answers refusals through ``contest.api.errors.REFUSALS``. The
commands themselves, and how decoded JSON becomes one, are ``contest.commands`` (shared with the pages and
the seeders). Nothing here looks at the database: rules that need it are the services'.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import request

from contest.commands import RecordMatch, SubmitScores, TokenRequest
from contest.domain.contests import ContestKind, ContestStatus
from contest.domain.errors import N_, BadRequest
from contest.domain.orgtree import OrgLevel

MAX_PER_PAGE = 200


def json_object() -> dict:
    """The body as a JSON object: ``BadRequest`` when it is not standard JSON (broken, NaN, Infinity) or not
    an object (an empty body too)."""
    data = request.get_json(silent=True)  # read and checked once (depth, control characters: ``contest.boundary``)
    if data is None and request.get_data():
        raise BadRequest(N_("The body is not standard JSON (NaN and Infinity are not allowed)."))
    if not isinstance(data, dict):
        raise BadRequest(N_("Send a JSON object."))
    return data


def token_request() -> TokenRequest:
    """``POST /tokens``: a username and a password, both non-empty text (``InvalidItems`` per missing field)."""
    return TokenRequest.from_json(json_object())


def score_submission(event_id: int) -> SubmitScores:
    """``PUT /events/<id>/scores``: the typed submission (its key and items are checked by the service, in
    the contract's order, after the caller's access)."""
    return SubmitScores.from_json(event_id, json_object())


def match_result(match_id: int) -> RecordMatch:
    """``PUT /matches/<id>``: the result and its optional idempotency key (``Invalid`` for a key that is not
    8 to 100 characters; a malformed result is refused by the service after it checked who may)."""
    return RecordMatch.from_json(match_id, json_object())


@dataclass(frozen=True)
class ContestFilters:
    year: int | None = None
    kind: str | None = None
    status: str | None = None
    level: str | None = None


def contest_filters() -> ContestFilters:
    """``?year=&level=&kind=&status=`` (empty means any): ``BadRequest`` for an unknown value."""
    args = request.args
    try:
        year = int(args["year"]) if args.get("year") else None
        if year is not None and not 1900 <= year <= 9999:
            raise ValueError(year)
        kind = ContestKind(args["kind"]).value if args.get("kind") else None
        status = ContestStatus(args["status"]).value if args.get("status") else None
        level = OrgLevel(args["level"]).value if args.get("level") else None
    except ValueError:
        raise BadRequest(N_("Unknown filter value.")) from None
    return ContestFilters(year, kind, status, level)


def page_args() -> tuple[int, int]:
    """``?page=&per_page=`` with sane bounds (per_page at most 200); unreadable values fall back to 1 and 50."""
    try:
        page = max(1, int(request.args.get("page", 1)))
        per_page = min(MAX_PER_PAGE, max(1, int(request.args.get("per_page", 50))))
    except ValueError:
        page, per_page = 1, 50
    return page, per_page
