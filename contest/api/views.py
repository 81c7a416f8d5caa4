"""API v1 routes. Thin: parse JSON, call a service, return JSON."""

from __future__ import annotations

from flask import current_app, jsonify, request
from flask_babel import gettext

from contest.access import public
from contest.api import api_bp
from contest.api.auth import api_user, bearer_token, token_required
from contest.api.errors import api_error
from contest.certificates.views import verification_limit
from contest.domain.contests import ContestKind, ContestStatus
from contest.domain.errors import DomainError
from contest.domain.orgtree import OrgLevel
from contest.extensions import db, limiter
from contest.i18n import translate
from contest.models import Role
from contest.services import AccessError, judging
from contest.services import contests as contest_service
from contest.services import orgs as org_service
from contest.services.accounts import PasswordChangeRequired, issue_api_token, revoke_api_token
from contest.services.login_throttle import LoginThrottled
from contest.web import paginate_select


def json_body() -> dict | None:
    data = request.get_json(silent=True)
    return data if isinstance(data, dict) else None


def page_args() -> tuple[int, int]:
    """``?page=&per_page=`` with sane bounds (per_page at most 200)."""
    try:
        page = max(1, int(request.args.get("page", 1)))
        per_page = min(200, max(1, int(request.args.get("per_page", 50))))
    except ValueError:
        page, per_page = 1, 50
    return page, per_page


def iso(dt) -> str:
    return dt.replace(microsecond=0).isoformat() + "Z"


@api_bp.post("/tokens")
@limiter.limit(lambda: current_app.config["API_TOKEN_RATE_LIMIT"], deduct_when=lambda response: response.status_code != 201)
@public
def create_token():
    data = json_body()
    if data is None:
        return api_error(400, "bad_request", gettext("Send a JSON object."))
    username, password = data.get("username"), data.get("password")
    if not isinstance(username, str) or not isinstance(password, str) or not username or not password:
        return api_error(
            422,
            "invalid",
            gettext("Username and password are required."),
            [{"field": f, "message": gettext("Required.")} for f in ("username", "password") if not data.get(f)],
        )
    try:
        token, expires_at = issue_api_token(username, password, request.remote_addr or "")
    except LoginThrottled as exc:
        response = api_error(429, "rate_limited", translate(exc))
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    except PasswordChangeRequired as exc:
        return api_error(403, exc.code, translate(exc))
    except DomainError as exc:
        return api_error(401, "unauthorized", translate(exc))
    return jsonify({"token": token, "expires_at": iso(expires_at)}), 201


@api_bp.delete("/tokens")
@token_required()
def delete_token():
    revoke_api_token(bearer_token())
    return "", 204


@api_bp.get("/me")
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
                "bracket_format": e.bracket_format,
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
@token_required()
def contests():
    """Contests visible to the caller, newest first; filters ``year``, ``level``, ``kind``, ``status``."""
    args = request.args
    try:
        year = int(args["year"]) if args.get("year") else None
        kind = ContestKind(args["kind"]).value if args.get("kind") else None
        status = ContestStatus(args["status"]).value if args.get("status") else None
        level = OrgLevel(args["level"]).value if args.get("level") else None
    except ValueError:
        return api_error(400, "bad_request", gettext("Unknown filter value."))
    query = contest_service.contests_query(api_user(), year=year, kind=kind, status=status, level=level)
    page, per_page = page_args()
    result = paginate_select(query, page, per_page)
    return jsonify({"items": [_contest_json(c) for c in result.items], "total": result.total, "page": page, "per_page": per_page})


@api_bp.get("/contests/<int:contest_id>")
@token_required()
def contest(contest_id: int):
    try:
        found = contest_service.get_contest(api_user(), contest_id)
    except AccessError as exc:
        return api_error(exc.status, exc.code, translate(exc))
    return jsonify(_contest_json(found, events=True))


@api_bp.get("/events/<int:event_id>/sheet")
@token_required(Role.JUDGE)
def score_sheet(event_id: int):
    """For a judge: the criteria, the entries he may score (competitor numbers only), his own scores."""
    try:
        return jsonify(judging.sheet(api_user(), event_id))
    except AccessError as exc:
        return api_error(exc.status, exc.code, translate(exc))


@api_bp.put("/events/<int:event_id>/scores")
@limiter.limit(lambda: current_app.config["API_RATE_LIMIT"])
@token_required(Role.JUDGE)
def put_scores(event_id: int):
    """All-or-nothing, idempotent score submission (see ``contest.services.judging.submit_scores``)."""
    payload = request.get_json(silent=True)
    result = judging.submit_scores(api_user(), event_id, payload)
    return jsonify(result.body), result.status


@api_bp.get("/events/<int:event_id>/ranking")
@token_required()
def event_ranking(event_id: int):
    """Rank, competitor number, name (in full for the host's organisers, masked for others), totals per
    component, total, award, titles — once computed; public after publication."""
    from contest.models import Event
    from contest.services import results

    event = db.session.get(Event, event_id)
    if event is None:
        return api_error(404, "not_found", gettext("This event does not exist."))
    user = api_user()
    if not results.can_see_results(user, event):
        return api_error(403, "forbidden", gettext("You do not have permission to do this."))
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
@verification_limit
@public
def certificate(code: str):
    """Public verification by code or printed serial: valid / revoked / unknown, the holder's name masked (one
    rate-limit budget with the verification pages)."""
    from contest.certificates.views import verify_json

    return verify_json(code)


def _side_json(side) -> dict | None:
    if side is None:
        return None
    return {"nomination_id": side.nomination_id, "competitor_number": side.number, "name": side.name, "unit": side.unit, "seed": side.seed}


@api_bp.get("/events/<int:event_id>/bracket")
@token_required()
def event_bracket(event_id: int):
    """Rounds and matches (who plays, state, result, version), standings for round robin and Swiss, and the
    final placements once every match is played. Names are masked for users outside the event."""
    from contest.services import brackets

    try:
        view = brackets.bracket_view(api_user(), event_id)
    except AccessError as exc:
        return api_error(exc.status, exc.code, translate(exc))
    rounds = [
        {"bracket": part, "round": rnd, "matches": [
            {"id": m.id, "key": m.key, "state": m.state, "home": _side_json(m.home), "away": _side_json(m.away),
             "result": {"winner_id": m.winner_id, "home_score": m.home_score, "away_score": m.away_score, "kind": m.kind} if m.finished else None,
             "version": m.version}
            for m in matches]}
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


@api_bp.put("/matches/<int:match_id>")
@limiter.limit(lambda: current_app.config["API_RATE_LIMIT"])
@token_required(Role.JUDGE)
def put_match(match_id: int):
    """Record or correct a result: ``{"winner": "home"|"away"|"draw", "home_score", "away_score",
    "kind": "normal"|"walkover"|"retired", "version", "reason", "confirm"}``. 409 ``stale`` with the current
    result when the version is old; 409 ``confirmation_required`` listing the later results a correction
    would clear; 422 when the result breaks a rule. Re-sending what is stored answers 200. With an
    ``idempotency_key`` the answer is stored and replayed like a score submission's."""
    from contest.services import brackets

    result = brackets.submit_result(api_user(), match_id, request.get_json(silent=True))
    return jsonify(result.body), result.status
