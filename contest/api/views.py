"""API v1 routes. Thin: parse JSON, call a service, return JSON. Each route documents itself for the
OpenAPI description (``@operation``, see ``contest.api.openapi``). Requests are read by
``contest.api.parsers`` into typed commands; services raise typed refusals, which become statuses and codes
by the one table ``contest.api.errors.REFUSALS`` (``refusal_response``), never in the services."""

from __future__ import annotations

from flask import current_app, jsonify, render_template, request, url_for
from flask_babel import gettext

from contest.access import public
from contest.api import api_bp, parsers
from contest.api.auth import api_user, bearer_token, rate_limit_key, token_required
from contest.api.errors import answer_response, api_error, refusal_response
from contest.api.openapi import PAGE_PARAMS, operation, query_param, spec_for
from contest.api.parsers import page_args
from contest.domain import contests as states
from contest.domain.errors import DomainError
from contest.domain.roles import Role
from contest.extensions import limiter
from contest.security import verification_limit
from contest.services import AccessError, brackets, event_reads, judging, results
from contest.services import certificates as certificate_service
from contest.services import contests as contest_service
from contest.services import orgs as org_service
from contest.services.accounts import issue_api_token, revoke_api_token
from contest.web import paginate_select

refusal = refusal_response


def iso(dt) -> str:
    return dt.replace(microsecond=0).isoformat() + "Z"


@api_bp.post("/tokens")
@operation("Get a bearer token", tag="tokens", body="TokenRequest", responses={201: "Token"},
           errors=("invalid", "unauthorized", "password_change_required"), limit="API_TOKEN_RATE_LIMIT", secured=False,
           description="Exchange a username and password for a bearer token. Wrong credentials: 401 ``unauthorized``; "
                       "an account still on its initial password: 403 ``password_change_required``; repeated failures "
                       "for an account from one address: 429 ``rate_limited`` with ``Retry-After`` (correct logins never "
                       "count).")
@limiter.limit(lambda: current_app.config["API_TOKEN_RATE_LIMIT"], deduct_when=lambda response: response.status_code != 201)
@public
def create_token():
    try:
        command = parsers.token_request()
        token, expires_at = issue_api_token(command.username, command.password, request.remote_addr or "")
    except DomainError as exc:
        return refusal(exc)
    return jsonify({"token": token, "expires_at": iso(expires_at)}), 201


@api_bp.delete("/tokens")
@operation("Revoke the token sent", tag="tokens", responses={204: None})
@token_required()
def delete_token():
    revoke_api_token(bearer_token())
    return "", 204


@api_bp.get("/me")
@operation("The caller", tag="me", responses={200: "Me"})
@token_required()
def me():
    user = api_user()
    return jsonify(
        {
            "id": user.id,
            "username": user.username,
            "name": user.name,
            "roles": sorted(r.value for r in user.roles),
            "organisation": {"id": user.org.id, "name": user.org.name, "level": user.org.level.value},
        }
    )


@api_bp.get("/organisations")
@operation("Units in the caller's scope (organisers)", tag="me", responses={200: "UnitPage"}, query=PAGE_PARAMS)
@token_required(Role.ORGANISER)
def organisations():
    """The units in the caller's scope, in tree order."""
    user = api_user()
    page, per_page = page_args()
    orgs = org_service.subtree(user)
    items = [
        {"id": o.id, "name": o.name, "level": o.level.value, "parent_id": o.parent_id, "path": o.path, "active": o.active}
        for o in orgs[(page - 1) * per_page : page * per_page]
    ]
    return jsonify({"items": items, "total": len(orgs), "page": page, "per_page": per_page})


def _contest_json(contest, events: bool = False) -> dict:
    body = {
        "id": contest.id,
        "title": contest.title,
        "year": contest.year,
        "kind": contest.kind.value,
        "level": contest.host.level.value,
        "status": contest.status.value,
        "host": {"id": contest.host.id, "name": contest.host.name},
        "registration_opens": contest.registration_opens.isoformat() if contest.registration_opens else None,
        "registration_closes": contest.registration_closes.isoformat() if contest.registration_closes else None,
        "contest_date": contest.contest_date.isoformat() if contest.contest_date else None,
    }
    if events:
        body["description"] = contest.description
        body["events"] = [
            {
                "id": e.id,
                "name": e.name,
                "kind": e.kind.value,
                "team_size": {"min": e.team_min, "max": e.team_max},
                "eligibility": {"min_age": e.min_age, "max_age": e.max_age, "min_skill_level": e.min_skill_level,
                                "occupations": list(e.occupation_list)},
                **e.method.api_event(e),
                "components": [
                    {"id": c.id, "name": c.name, "weight": c.weight, "aggregation": c.aggregation.value,
                     "criteria": [{"id": k.id, "name": k.name, "max_marks": str(k.max_marks), "kind": k.kind.value} for k in c.criteria]}
                    for c in e.components
                ],
            }
            for e in contest.events
        ]
    return body


@api_bp.get("/contests")
@operation("Contests visible to the caller", tag="contests", responses={200: "ContestPage"}, errors=("bad_request",),
           query=(query_param("year", {"type": "integer"}, "Contest year."),
                  query_param("level", {"enum": ["city", "county", "enterprise", "team"]}, "Level of the host."),
                  query_param("kind", {"enum": ["skills", "merit", "safety", "innovation", "sports", "data"]}, "Kind of contest."),
                  query_param("status", {"enum": ["draft", "open", "closed", "running", "scored", "published", "final"]}, "Status."),
                  *PAGE_PARAMS))
@token_required()
def contests():
    """Contests visible to the caller, newest first; filters ``year``, ``level``, ``kind``, ``status``."""
    try:
        filters = parsers.contest_filters()
    except DomainError as exc:
        return refusal(exc)
    query = contest_service.contests_query(api_user(), year=filters.year, kind=filters.kind, status=filters.status,
                                           level=filters.level)
    page, per_page = page_args()
    result = paginate_select(query, page, per_page)
    return jsonify({"items": [_contest_json(c) for c in result.items], "total": result.total, "page": page, "per_page": per_page})


@api_bp.get("/contests/<int:contest_id>")
@operation("A contest with its events, components and criteria", tag="contests", responses={200: "Contest"})
@token_required()
def contest(contest_id: int):
    try:
        found = contest_service.get_contest(api_user(), contest_id)
    except AccessError as exc:
        return refusal(exc)
    return jsonify(_contest_json(found, events=True))


@api_bp.get("/events/<int:event_id>/sheet")
@operation("A judge's score sheet", tag="scores", responses={200: "Sheet"},
           description="For a judge of the event: the criteria with their ranges, the entries he may score (competitor "
                       "numbers only; entries in conflict of interest are left out) and his own scores with their versions.")
@token_required(Role.JUDGE)
def score_sheet(event_id: int):
    try:
        return jsonify(judging.sheet(api_user(), event_id))
    except AccessError as exc:
        return refusal(exc)


@api_bp.put("/events/<int:event_id>/scores")
@operation("Submit scores (all or nothing, idempotent)", tag="scores", body="ScoreSubmission", responses={200: "ScoresSaved"},
           errors=("invalid", "stale", "locked", "idempotency_key_reused"), limit="API_RATE_LIMIT",
           description="""Checked in this order: the event exists (404) and the caller judges it (403); the key and the list are
well-formed (422); a key already used by the caller returns the first answer, whatever it was (a retry after a
lost connection is safe). Then every item (422 ``invalid``, ``details``: one problem per item with its ``index``:
unknown entry or criterion, conflict of interest, value out of range, missing ``reason``); then scoring must be open
(409 ``locked``: not running, or signed off and the caller is not the chief judge); then versions (409 ``stale``,
``details``: per item the ``current`` value and version). Nothing is saved unless everything passes.

A new score is sent without ``version``. A change sends the ``version`` it replaces and a ``reason``. After
sign-off the chief judge corrects any judge's score: ``judge_id``, ``version`` and ``reason`` on each item.""")
@limiter.limit(lambda: current_app.config["API_RATE_LIMIT"], key_func=rate_limit_key)
@token_required(Role.JUDGE, light=True)
def put_scores(event_id: int):
    """All-or-nothing, idempotent score submission (see ``contest.services.judging.submit_scores``)."""
    try:
        command = parsers.score_submission(event_id)
    except DomainError as exc:
        return refusal(exc)
    return answer_response(judging.submit_scores(api_user(), event_id, command))


@api_bp.get("/me/events")
@operation("The events the caller judges", tag="me", responses={200: "MyEvents"},
           description="Every event the caller is assigned to (contests past their draft), newest contest first: his role "
                       "(judge or chief), the decision method, where scoring stands, progress, and the paths to use next. "
                       "Users who judge nothing get an empty list.")
@token_required()
def my_events():
    items = [_my_event_json(a, p, signed) for a, p, signed in event_reads.my_events(api_user())]
    return jsonify({"items": items, "total": len(items)})


def _progress_json(p: event_reads.Progress) -> dict:
    return {"expected": p.expected, "done": p.done, "complete": p.complete, "mine_missing": p.mine_missing}


def _scoring_status(contest, signed: bool) -> str:
    if signed:
        return "signed_off"
    if contest.status in states.SCORING:
        return "open"
    return "waiting" if contest.status in states.REVIEWING else "closed"


def _my_event_json(assignment, progress: event_reads.Progress, signed: bool) -> dict:
    event = assignment.event
    contest = event.contest
    method = event.method
    links = {"completeness": url_for("api.event_completeness", event_id=event.id), **method.api_links(event)}
    if assignment.is_chief or signed:
        links["scores"] = url_for("api.event_scores", event_id=event.id)
    if assignment.is_chief or contest.status in states.PUBLISHED:
        links["ranking"] = url_for("api.event_ranking", event_id=event.id)
    return {
        "id": event.id, "name": event.name,
        "contest": {"id": contest.id, "title": contest.title, "year": contest.year, "status": contest.status.value},
        "role": "chief" if assignment.is_chief else "judge", "method": method.api_name,
        "status": _scoring_status(contest, signed), "signed_off": signed, "progress": _progress_json(progress), "links": links,
    }


def _event_head(event, signed: bool) -> dict:
    return {"id": event.id, "name": event.name, "status": event.contest.status.value, "signed_off": signed}


@api_bp.get("/events/<int:event_id>/scores")
@operation("Every judge's scores (chief judge, host; judges after sign-off)", tag="scores", responses={200: "EventScores"},
           description="All judges' scores with their versions, for the chief judge and the host's organisers; once the "
                       "event is signed off, for its judges too (before that a judge sees only his own, on the sheet). The "
                       "chief judge uses ``judge_id`` and ``version`` from here to correct a score after sign-off.")
@token_required()
def event_scores(event_id: int):
    try:
        found = event_reads.event_scores(api_user(), event_id)
    except AccessError as exc:
        return refusal(exc)
    items = [{"competitor_number": found.numbers[n], "criterion_id": c, "judge_id": j, "value": judging.value_text(v), "version": version}
             for n, c, j, v, version in found.scores]
    return jsonify({
        "event": _event_head(found.event, found.signed_off),
        "judges": [{"id": a.judge_id, "name": a.judge.name, "chief": a.is_chief} for a in found.judges],
        "items": items, "total": len(items),
    })


@api_bp.get("/events/<int:event_id>/completeness")
@operation("What is still missing before sign-off", tag="scores", responses={200: "Completeness"},
           description="For the event's judges and the host's organisers. ``missing`` lists the missing marks the caller "
                       "may see (a judge before sign-off: only his own); ``judges`` gives every judge's count. For a bracket "
                       "event progress counts matches.")
@token_required()
def event_completeness(event_id: int):
    try:
        found = event_reads.event_completeness(api_user(), event_id)
    except AccessError as exc:
        return refusal(exc)
    return jsonify({
        "event": _event_head(found.event, found.signed_off),
        "method": found.event.method.api_name,
        "complete": found.progress.complete, "progress": _progress_json(found.progress),
        "missing": [{"judge_id": j, "competitor_number": n, "criterion_id": c} for j, n, c in found.missing],
        "judges": [{"id": a.judge_id, "name": a.judge.name, "chief": a.is_chief, "missing": count} for a, count in found.by_judge],
    })


@api_bp.post("/events/<int:event_id>/sign-off")
@operation("Sign the event off (chief judge)", tag="scores", responses={201: "SignedOff"}, errors=("locked", "conflict"),
           description="The chief judge locks a complete event (every expected mark entered; for a bracket, every match "
                       "played). From then on only the chief judge corrects, with a reason. 409 ``conflict`` when marks or "
                       "matches are missing (see ``/completeness``) or the event is already signed off; 409 ``locked`` "
                       "when scoring is not open.")
@token_required(Role.JUDGE)
def sign_off(event_id: int):
    event = contest_service.find_event(event_id)
    if event is None:
        return api_error(404, "not_found", gettext("This event does not exist."))
    try:
        record = event.method.sign_off(api_user(), event_id)
    except (AccessError, DomainError) as exc:  # LockedEvent: 409 locked; SignOffRefused: 409 conflict
        return refusal(exc)
    return jsonify({"event": _event_head(event, True), "signed_off_at": iso(record.at)}), 201


@api_bp.get("/events/<int:event_id>/ranking")
@operation("The ranking of an event", tag="results", responses={200: "Ranking"},
           description="Rank, competitor number, name (in full for the host's organisers, masked for others), unit, "
                       "totals per component, total, award and titles, once computed. Before publication only the host's "
                       "organisers and the chief judge see it; afterwards every user.")
@token_required()
def event_ranking(event_id: int):
    """Rank, competitor number, name (in full for the host's organisers, masked for others), totals per
    component, total, award, titles — once computed; public after publication."""
    event = contest_service.find_event(event_id)
    if event is None:
        return api_error(404, "not_found", gettext("This event does not exist."))
    user = api_user()
    if not results.can_see_results(user, event):
        return api_error(403, "forbidden", gettext("Before publication only the host's organisers and the chief judge see the ranking."))
    components = [{"id": c.id, "name": c.name, "weight": c.weight} for c in event.components]
    items = [
        {"rank": line.rank, "competitor_number": line.number, "name": line.name, "unit": line.unit,
         "components": dict(zip([c["id"] for c in components], line.components, strict=True)),
         "total": line.total, "award": line.award or None, "titles": list(line.titles)}
        for line in results.result_lines(event, user)
    ]
    return jsonify({"event": {"id": event.id, "name": event.name, "status": event.contest.status.value},
                    "components": components, "items": items, "total": len(items)})


@api_bp.get("/certificates/<code>")
@operation("Verify a certificate (public)", tag="certificates", responses={200: "Certificate"}, limit="VERIFY_RATE_LIMIT",
           secured=False, description="Valid or revoked, with the holder's name masked; an unknown code is 404 "
                                      "``not_found`` with ``details: {\"status\": \"unknown\"}``.")
@verification_limit
@public
def certificate(code: str):
    """Public verification by code or printed serial: valid / revoked / unknown, the holder's name masked (one
    rate-limit budget with the verification pages)."""
    result = certificate_service.look_up(code)
    if result["status"] == "unknown":
        return api_error(404, "not_found", gettext("No certificate has this serial number or code. Check what you typed, or ask the issuing organisation."),
                         {"status": "unknown"})
    return jsonify(result)


def _match_json(m) -> dict:
    return {"id": m.id, "key": m.key, "state": m.state, "home": _side_json(m.home), "away": _side_json(m.away),
            "result": {"winner_id": m.winner_id, "home_score": m.home_score, "away_score": m.away_score, "kind": m.kind} if m.finished else None,
            "version": m.version}


def _side_json(side) -> dict | None:
    if side is None:
        return None
    return {"nomination_id": side.nomination_id, "competitor_number": side.number, "name": side.name, "unit": side.unit, "seed": side.seed}


@api_bp.get("/events/<int:event_id>/bracket")
@operation("The bracket of a head-to-head event", tag="brackets", responses={200: "Bracket"},
           description="Rounds and matches (who plays, state, result, version), standings for round robin and Swiss, and "
                       "the final placements once every match is played. For the host's organisers and the event's judges; "
                       "for everyone, names masked, once the results are published. 404 until the bracket is drawn up.")
@token_required()
def event_bracket(event_id: int):
    """Rounds and matches (who plays, state, result, version), standings for round robin and Swiss, and the
    final placements once every match is played. Names are masked for users outside the event."""
    try:
        view = brackets.bracket_view(api_user(), event_id)
    except AccessError as exc:
        return refusal(exc)
    rounds = [
        {"bracket": part, "round": rnd, "matches": [_match_json(m) for m in matches]}
        for (part, rnd), matches in view.rounds.items()
    ]
    standings = [
        {"place": s.place, "nomination_id": s.entrant_id, "played": s.played, "won": s.won, "drawn": s.drawn, "lost": s.lost,
         "byes": s.byes, "points": str(s.points), "scores_for": s.scores_for, "scores_against": s.scores_against,
         "buchholz": str(s.buchholz), "sonneborn_berger": str(s.sonneborn_berger)}
        for s in view.standings
    ]
    return jsonify({
        "event": {"id": view.event.id, "name": view.event.name, "status": view.event.contest.status.value},
        "format": view.plan.format, "options": view.plan.options, "seeding": view.plan.seeding,
        "entrants": [_side_json(view.sides[e.id]) for e in view.structure.entrants],
        "rounds": rounds, "standings": standings,
        "placements": [{"place": p.place, "nomination_id": p.entrant_id} for p in view.placements],
        "finished": view.finished, "signed_off": view.signed_off,
    })


@api_bp.get("/matches/<int:match_id>")
@operation("One match, for a match-entry app", tag="brackets", responses={200: "MatchDetail"},
           description="The match as in the bracket (who plays, state, result, version) with its event and whether the "
                       "caller may record its result now (``may_record``: a judge of the event, not of a player's unit, the "
                       "match ready or finished and scoring open — after sign-off only the chief judge).")
@token_required()
def match(match_id: int):
    try:
        view, found, may_record = event_reads.match_of(api_user(), match_id)
    except AccessError as exc:
        return refusal(exc)
    return jsonify({**_match_json(found), "bracket": found.part, "round": found.round,
                    "event": {"id": view.event.id, "name": view.event.name, "status": view.event.contest.status.value},
                    "signed_off": view.signed_off, "may_record": may_record})


@api_bp.put("/matches/<int:match_id>")
@operation("Record or correct a match result", tag="brackets", body="MatchResult", responses={200: "MatchRow"},
           errors=("invalid", "stale", "locked", "confirmation_required", "conflict", "idempotency_key_reused"),
           limit="API_RATE_LIMIT",
           description="""Send the ``version`` the result was entered against. Re-sending the stored result answers 200 (a safe
retry). 409 ``stale`` (``details.current``: the stored result) when the version is old; 409 ``confirmation_required``
(``details.affected``: the later matches whose results a correction would clear; send again with ``confirm: true``);
409 ``locked`` when scoring is not open, the event is signed off and the caller is not the chief judge, or the
results are final; 409 ``conflict`` when the match is not ready; 422 ``invalid`` when the result breaks a rule
(a changed result needs a ``reason``).""")
@limiter.limit(lambda: current_app.config["API_RATE_LIMIT"], key_func=rate_limit_key)
@token_required(Role.JUDGE)
def put_match(match_id: int):
    """Record or correct a result: ``{"winner": "home"|"away"|"draw", "home_score", "away_score",
    "kind": "normal"|"walkover"|"retired", "version", "reason", "confirm"}``. 409 ``stale`` with the current
    result when the version is old; 409 ``confirmation_required`` listing the later results a correction
    would clear; 422 when the result breaks a rule. Re-sending what is stored answers 200. With an
    ``idempotency_key`` the answer is stored and replayed like a score submission's."""
    try:
        command = parsers.match_result(match_id)
    except DomainError as exc:
        return refusal(exc)
    return answer_response(brackets.submit_result(api_user(), match_id, command))


@api_bp.get("/openapi.json")
@operation("This OpenAPI description", tag="docs", responses={200: {"application/json": {"schema": {"type": "object"}}}}, secured=False)
@public
def openapi():
    return jsonify(spec_for(current_app))


@api_bp.get("/docs")
@operation("The API documentation page (HTML)", tag="docs", responses={200: {"text/html": {"schema": {"type": "string"}}}}, secured=False)
@public
def docs():
    return render_template("api/docs.html")
