"""The OpenAPI 3.1 description of API v1, built from the routes themselves.

Each API view carries its documentation (``@operation``: summary, request body schema, response schemas,
the error codes it may answer with); ``build_spec`` walks the app's URL map, so a route cannot be left out
(it raises), and the error responses come from ``ERROR_CODES``. With ``API_VALIDATE_RESPONSES`` on (the test
configuration), every answer of the API is validated against this description as it leaves the app: a shape,
status or error code that is not documented fails the test that caused it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from flask import Flask, Response, current_app, request

from contest.api.errors import ERROR_CODES
from contest.domain.scoring_types import SCORING_TYPES

OPENAPI_VERSION = "3.1.0"
SPEC_URI = "urn:contest:api:v1:openapi"


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: dict) -> dict:
    return {"anyOf": [schema, {"type": "null"}]}


INT = {"type": "integer"}
STR = {"type": "string"}
BOOL = {"type": "boolean"}
DATE = {"type": "string", "format": "date"}
METHOD = {"type": "string", "description": "How the event is decided (its decision method's API name): ``marks`` (a rubric: "
                                           "the score sheet), ``bracket`` (matches), or another registered method's name."}
DECIMAL = {"type": "string", "pattern": r"^-?\d+(\.\d+)?$", "description": "An exact decimal as a string, e.g. \"8.50\"."}


def obj(required: dict, optional: dict | None = None, description: str | None = None) -> dict:
    schema: dict = {"type": "object", "properties": {**required, **(optional or {})}, "required": list(required)}
    if description:
        schema["description"] = description
    return schema


def page_of(item: str) -> dict:
    return obj({"items": {"type": "array", "items": ref(item)}, "total": INT, "page": INT, "per_page": INT})


SCHEMAS: dict[str, dict] = {
    "Error": obj({"error": obj({
        "code": {"type": "string", "enum": sorted(ERROR_CODES)},
        "message": {"type": "string", "description": "For people, in the user's language (Simplified Chinese by default)."},
        "details": {"description": "null, a list of per-item problems, or an object (see the code).",
                    "anyOf": [{"type": "null"}, {"type": "array"}, {"type": "object"}]},
    })}, description="Every error. ``code`` is stable; clients branch on it, never on ``message``."),
    "ItemProblem": obj({"message": STR}, {
        "index": INT, "field": STR, "competitor_number": {}, "criterion_id": {}, "judge_id": {},
    }, description="One problem of a 422: the item (index in ``scores``) or the field, and what is wrong."),
    "StaleScore": obj({"index": INT, "competitor_number": INT, "criterion_id": INT,
                       "current": nullable(obj({"value": DECIMAL, "version": INT}))},
                      description="A score whose version moved on; ``current`` is what is stored now."),
    "TokenRequest": obj({"username": {"type": "string", "minLength": 1}, "password": {"type": "string", "minLength": 1}}),
    "Token": obj({"token": STR, "expires_at": {"type": "string", "format": "date-time"}}),
    "Organisation": obj({"id": INT, "name": STR, "level": {"enum": ["city", "county", "enterprise", "team"]}}),
    "Me": obj({"id": INT, "username": STR, "name": STR, "roles": {"type": "array", "items": STR},
               "organisation": ref("Organisation")}),
    "Unit": obj({"id": INT, "name": STR, "level": STR, "parent_id": nullable(INT), "path": STR, "active": BOOL}),
    "UnitPage": page_of("Unit"),
    "ContestSummary": obj({
        "id": INT, "title": STR, "year": INT, "kind": STR, "level": STR, "status": ref("ContestStatus"),
        "host": obj({"id": INT, "name": STR}), "registration_opens": nullable(DATE),
        "registration_closes": nullable(DATE), "contest_date": nullable(DATE),
    }),
    "ContestStatus": {"enum": ["draft", "open", "closed", "running", "scored", "published", "final"]},
    "ContestPage": page_of("ContestSummary"),
    "Contest": {"allOf": [ref("ContestSummary"), obj({"description": nullable(STR), "events": {"type": "array", "items": obj({
        "id": INT, "name": STR, "kind": STR, "team_size": obj({"min": nullable(INT), "max": nullable(INT)}),
        "eligibility": {"type": "object"}, "bracket_format": nullable(STR),
        "method": METHOD,
        "components": {"type": "array", "items": obj({
            "id": INT, "name": STR, "weight": {}, "aggregation": STR,
            "criteria": {"type": "array", "items": obj({"id": INT, "name": STR, "max_marks": DECIMAL, "kind": STR})},
        })},
    })}})]},
    "Links": {"type": "object", "additionalProperties": STR, "description": "Related API paths."},
    "MyEvent": obj({
        "id": INT, "name": STR, "contest": obj({"id": INT, "title": STR, "year": INT, "status": ref("ContestStatus")}),
        "role": {"enum": ["judge", "chief"]}, "method": METHOD,
        "status": {"enum": ["waiting", "open", "signed_off", "closed"],
                   "description": "waiting: scoring has not started; open: scores (or results) may be entered; "
                                  "signed_off: locked by the chief judge (who alone corrects); closed: scoring is over."},
        "signed_off": BOOL, "progress": ref("Progress"), "links": ref("Links"),
    }),
    "Progress": obj({"expected": INT, "done": INT, "complete": BOOL, "mine_missing": nullable(INT)},
                    description="Marks (or, for a bracket, matches) expected and done in the whole event; "
                                "``mine_missing``: the caller's own missing marks."),
    "MyEvents": obj({"items": {"type": "array", "items": ref("MyEvent")}, "total": INT}),
    "Sheet": obj({
        "event": obj({"id": INT, "name": STR, "contest": STR, "status": ref("ContestStatus"), "signed_off": BOOL,
                      "chief": BOOL, "open": BOOL}),
        "criteria": {"type": "array", "items": obj({
            "id": INT, "component": STR, "name": STR, "max": DECIMAL, "kind": {"enum": sorted(SCORING_TYPES)},
            "range": obj({"min": DECIMAL, "max": DECIMAL, "step": DECIMAL})},
            {"control": obj({"input": {"enum": ["decimal", "integer", "choice"]}, "min": DECIMAL, "max": DECIMAL, "step": DECIMAL,
                             "choices": {"type": "array", "items": DECIMAL},
                             "widget": {"enum": ["number", "stepper", "buttons"],
                                        "description": "``number``: a number field; ``stepper``: a number field with − and +; "
                                                       "``buttons``: one button per value of ``choices``."},
                             "hint": {"type": "string", "description": "Shown beside the criterion's name (e.g. the maximum), "
                                                                       "in the user's language."},
                             "labels": {"type": "array", "items": STR,
                                        "description": "What each button of ``choices`` says, in order; empty: the values themselves."},
                             "note": nullable(obj({"label": STR, "placeholder": STR, "required_from": nullable(DECIMAL), "missing": STR},
                                                  description="The note written with the mark (the score's ``note``): its field's "
                                                              "label and example; from the mark ``required_from`` on it is required "
                                                              "(``missing`` says so; null: never)."))},
                            description="How the tablet takes the mark (from the criterion's scoring type): a number field, "
                                        "a stepper, or one button per value of ``choices``, with its hint and its note. "
                                        "``widget``, ``hint``, ``labels`` and ``note`` are later additions beside the "
                                        "original fields.")})},
        "entries": {"type": "array", "items": obj({"competitor_number": INT})},
        "scores": {"type": "array", "items": ref("ScoreValue")},
    }, {"indicators": obj({}, {
        "guidance": {"type": "object", "additionalProperties": STR, "description": "Criterion id → what the inspector checks."},
        "units": {"type": "object", "additionalProperties": obj({"name": STR, "figures": {"type": "array", "items": {"type": "array", "items": STR}}},
                                                                  {"assessment_url": nullable(STR)}),
                  "description": "Competitor number → the unit inspected: its name, its reported figures (label, value, unit) "
                                 "and its self-assessment page."},
    }, description="Only for an event decided by an indicator sheet (安康杯, 立功竞赛).")}),
    "ScoreValue": obj({"competitor_number": INT, "criterion_id": INT, "value": DECIMAL, "version": {"type": "integer", "minimum": 1}},
                      {"note": {"type": "string", "description": "What the judge noted with the mark (an inspector's deduction, a veto's reason)."}}),
    "ScoreItem": obj(
        {"competitor_number": INT, "criterion_id": INT,
         "value": {"anyOf": [{"type": "number"}, DECIMAL], "description": "Within the criterion's range; at most two decimals (judgement: 0–3)."}},
        {"version": {"type": "integer", "minimum": 1, "description": "Required to change an existing score: the version it replaces."},
         "reason": {"type": "string", "maxLength": 500, "description": "Required for every change of an existing score, and for every correction after sign-off."},
         "judge_id": {"type": "integer", "description": "Whose score; default the caller. Only the chief judge, after sign-off, corrects another judge's score."},
         "note": {"type": "string", "maxLength": 500,
                  "description": "What the inspector notes with the mark (\"2 处消防通道堵塞\"); required from the criterion's ``control.note.required_from`` on (a veto hit: its reason)."}}),
    "ScoreSubmission": obj({
        "idempotency_key": {"type": "string", "minLength": 8, "maxLength": 100,
                            "description": "Generated by the client once per submission (e.g. a UUID) and reused for every retry of it."},
        "scores": {"type": "array", "minItems": 1, "maxItems": 500, "items": ref("ScoreItem")},
    }),
    "ScoresSaved": obj({"idempotency_key": STR, "saved": {"type": "array", "items": ref("ScoreValue")}}),
    "EventScores": obj({
        "event": obj({"id": INT, "name": STR, "status": ref("ContestStatus"), "signed_off": BOOL}),
        "judges": {"type": "array", "items": obj({"id": INT, "name": STR, "chief": BOOL})},
        "items": {"type": "array", "items": {"allOf": [ref("ScoreValue"), obj({"judge_id": INT})]}},
        "total": INT,
    }),
    "Completeness": obj({
        "event": obj({"id": INT, "name": STR, "status": ref("ContestStatus"), "signed_off": BOOL}),
        "method": METHOD, "complete": BOOL, "progress": ref("Progress"),
        "missing": {"type": "array", "items": obj({"judge_id": INT, "competitor_number": INT, "criterion_id": INT}),
                    "description": "The missing marks the caller may see (a judge before sign-off: only his own)."},
        "judges": {"type": "array", "items": obj({"id": INT, "name": STR, "chief": BOOL, "missing": INT})},
    }),
    "SignedOff": obj({"event": obj({"id": INT, "name": STR, "status": ref("ContestStatus"), "signed_off": BOOL}),
                      "signed_off_at": {"type": "string", "format": "date-time"}}),
    "Ranking": obj({
        "event": obj({"id": INT, "name": STR, "status": ref("ContestStatus")}),
        "components": {"type": "array", "items": obj({"id": INT, "name": STR, "weight": {}})},
        "items": {"type": "array", "items": obj({
            "rank": INT, "competitor_number": nullable(INT), "name": STR, "unit": STR,
            "components": {"type": "object", "additionalProperties": DECIMAL, "description": "Component id → total."},
            "total": DECIMAL, "award": nullable(STR), "titles": {"type": "array", "items": STR}})},
        "total": INT,
    }),
    "Certificate": obj({"status": {"enum": ["valid", "revoked"]}, "serial": STR, "holder": STR, "contest": STR, "event": STR,
                        "award": nullable(STR), "title": nullable(STR), "issuer": STR, "issued_on": DATE},
                       {"revoked_on": DATE}),
    "Side": nullable(obj({"nomination_id": INT, "competitor_number": nullable(INT), "name": STR, "unit": STR, "seed": INT})),
    "BracketMatch": obj({
        "id": INT, "key": STR, "state": {"enum": ["pending", "ready", "finished", "bye", "void"]},
        "home": ref("Side"), "away": ref("Side"),
        "result": nullable(obj({"winner_id": nullable(INT), "home_score": nullable(INT), "away_score": nullable(INT),
                                "kind": nullable(STR)})),
        "version": INT,
    }),
    "Bracket": obj({
        "event": obj({"id": INT, "name": STR, "status": ref("ContestStatus")}),
        "format": STR, "options": {"type": "object"}, "seeding": STR,
        "entrants": {"type": "array", "items": ref("Side")},
        "rounds": {"type": "array", "items": obj({"bracket": STR, "round": INT, "matches": {"type": "array", "items": ref("BracketMatch")}})},
        "standings": {"type": "array", "items": obj({
            "place": INT, "nomination_id": INT, "played": INT, "won": INT, "drawn": INT, "lost": INT, "byes": INT,
            "points": DECIMAL, "scores_for": INT, "scores_against": INT, "buchholz": DECIMAL, "sonneborn_berger": DECIMAL})},
        "placements": {"type": "array", "items": obj({"place": INT, "nomination_id": INT})},
        "finished": BOOL, "signed_off": BOOL,
    }),
    "MatchDetail": {"allOf": [ref("BracketMatch"), obj({
        "event": obj({"id": INT, "name": STR, "status": ref("ContestStatus")}), "bracket": STR, "round": INT,
        "signed_off": BOOL, "may_record": BOOL})]},
    "MatchResult": obj(
        {"winner": {"enum": ["home", "away", "draw"]}},
        {"home_score": {"type": "integer", "minimum": 0, "maximum": 999}, "away_score": {"type": "integer", "minimum": 0, "maximum": 999},
         "kind": {"enum": ["normal", "walkover", "retired"]},
         "version": {"type": "integer", "minimum": 0, "description": "The match version the result was entered against (stale → 409)."},
         "reason": {"type": "string", "maxLength": 500, "description": "Required to change a recorded result."},
         "confirm": {"type": "boolean", "description": "Confirms clearing the later results listed by a 409 confirmation_required."}}),
    "MatchRow": obj({"id": INT, "key": STR, "has_result": BOOL, "winner_id": nullable(INT), "home_score": nullable(INT),
                     "away_score": nullable(INT), "kind": nullable(STR), "home_id": nullable(INT), "away_id": nullable(INT),
                     "version": INT}),
}


def operation(summary: str, *, tag: str, responses: dict[int, str | dict | None], errors: tuple[str, ...] = (),
              body: str | None = None, query: tuple[dict, ...] = (), description: str = "",
              limit: str | None = None, secured: bool = True) -> Callable[[Callable], Callable]:
    """Document an API view. ``responses``: status → schema name (None: no body; a dict: the content object); ``errors``: the codes
    beyond the common ones (401 and ``password_change_required`` when ``secured``; 400/413 with a ``body``;
    429 with a ``limit``, the config key of the limit; 500 and 503 always)."""
    def decorator(view: Callable) -> Callable:
        view.openapi = {"summary": summary, "tag": tag, "responses": responses, "errors": errors, "body": body,
                        "query": query, "description": description, "limit": limit, "secured": secured}
        return view

    return decorator


def query_param(name: str, schema: dict, description: str) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


PAGE_PARAMS = (query_param("page", {"type": "integer", "minimum": 1}, "Page, from 1."),
               query_param("per_page", {"type": "integer", "minimum": 1, "maximum": 200}, "Items per page (default 50)."))

_CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")


def _codes_of(doc: dict, has_path_params: bool) -> list[str]:
    codes = list(doc["errors"])
    if doc["secured"]:
        codes += ["unauthorized", "forbidden", "password_change_required"]
    if doc["body"]:
        codes += ["bad_request", "too_large"]
    if doc["limit"]:
        codes.append("rate_limited")
    if has_path_params:
        codes.append("not_found")
    codes += ["server_error", "busy"]
    return sorted(set(codes))


def _error_response(codes: list[str]) -> dict:
    listed = "\n".join(f"- `{c}`: {ERROR_CODES[c][1]}" for c in codes)
    return {"description": listed, "content": {"application/json": {"schema": {"allOf": [
        ref("Error"), {"properties": {"error": {"properties": {"code": {"enum": codes}}}}}]}}}}


def _operation(endpoint: str, view: Callable, rule, method: str, config) -> dict:
    doc = getattr(view, "openapi", None)
    if doc is None:
        raise LookupError(f"API route {rule.rule} ({endpoint}) has no @operation documentation")
    params = [{"name": name, "in": "path", "required": True,
               "schema": INT if conv == "int" else {"type": "string", "maxLength": 100}}
              for conv, name in _CONVERTER.findall(rule.rule)]
    op: dict = {"operationId": endpoint.split(".", 1)[1], "summary": doc["summary"], "tags": [doc["tag"]],
                "parameters": params + list(doc["query"]), "responses": {}}
    description = doc["description"]
    if doc["limit"]:
        description += (f"\n\nRate limit: {config[doc['limit']]} (sliding window), counted per bearer token "
                        "(per client address for requests without one); a 429 says how long to wait in `Retry-After`.")
    if description:
        op["description"] = description.strip()
    if not doc["secured"]:
        op["security"] = []
    if doc["body"]:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": ref(doc["body"])}}}
    for status, schema in doc["responses"].items():
        response: dict = {"description": {200: "OK", 201: "Created", 204: "No content"}.get(status, "OK")}
        if isinstance(schema, dict):
            response["content"] = schema
        elif schema:
            response["content"] = {"application/json": {"schema": ref(schema)}}
        op["responses"][str(status)] = response
    by_status: dict[int, list[str]] = {}
    for code in _codes_of(doc, bool(params)):
        by_status.setdefault(ERROR_CODES[code][0], []).append(code)
    for status, codes in sorted(by_status.items()):
        op["responses"][str(status)] = _error_response(codes)
        if status == 429:
            op["responses"]["429"]["headers"] = {"Retry-After": {
                "description": "Seconds to wait before the next request is accepted.", "schema": INT}}
    if doc["secured"]:
        op["responses"]["401"]["headers"] = {"WWW-Authenticate": {"schema": STR}}
    return op


DESCRIPTION = """\
The JSON API of Contest for judges' tablets, match-entry apps and integrations.

**Authentication.** `POST /api/v1/tokens` with a username and password gives a bearer token (valid 12 hours);
send it as `Authorization: Bearer <token>`. Session cookies are ignored, so the API needs no CSRF token.
Reuse one token per device: limits are counted per token.

**Errors.** Every error is `{"error": {"code", "message", "details"}}`; clients branch on `code` (listed per
operation), show `message` to people, and read `details` where the code says so. Unknown fields in answers may
appear in later versions: ignore them. Every JSON answer carries `Cache-Control: no-store`.

**Numbers.** Marks are exact decimals, sent and returned as strings with two decimals (`"8.50"`); a JSON number
is accepted on input. `NaN` and `Infinity` are not JSON: a body containing them is refused with 400.

**Scores.** `PUT /api/v1/events/{event_id}/scores` is all-or-nothing and idempotent: retry with the same
`idempotency_key` after a dropped connection and you get the first answer, never a double write. Changing an
existing score needs the `version` it replaces and a `reason`. After the chief judge's sign-off only the chief
judge corrects, with a `reason`, naming the judge whose score it is (`judge_id`).

A walk-through with `curl` is in the project's `docs/API.md`.
"""


def build_spec(app: Flask) -> dict:
    """The OpenAPI document for every ``api.*`` route of the app."""
    paths: dict[str, dict] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.endpoint.startswith("api."):
            continue
        view = app.view_functions[rule.endpoint]
        path = _CONVERTER.sub(lambda m: "{" + m.group(2) + "}", rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = _operation(rule.endpoint, view, rule, method, app.config)
    return {
        "openapi": OPENAPI_VERSION,
        "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
        "info": {"title": "Contest API", "version": "1", "description": DESCRIPTION},
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}],
        "tags": [{"name": n} for n in ("tokens", "me", "contests", "scores", "results", "brackets", "certificates", "docs")],
        "paths": paths,
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "description": "A token from POST /api/v1/tokens."}},
        },
    }


def spec_for(app: Flask) -> dict:
    cached = app.extensions.get("contest_openapi")
    if cached is None:
        cached = app.extensions["contest_openapi"] = build_spec(app)
    return cached


def _escape(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")


def documented_response(spec: dict, rule: str, method: str, status: int) -> tuple[dict, str] | None:
    """The documented response object and its JSON pointer in the spec, or None when this status is not
    documented for the operation."""
    path = _CONVERTER.sub(lambda m: "{" + m.group(2) + "}", rule)
    op = spec["paths"].get(path, {}).get(method.lower())
    if op is None or str(status) not in op["responses"]:
        return None
    return op["responses"][str(status)], f"/paths/{_escape(path)}/{method.lower()}/responses/{status}"


def validator_for(spec: dict, pointer: str):
    """A Draft 2020-12 validator for the schema at ``pointer`` in ``spec`` (its references resolve in the spec)."""
    cache = current_app.extensions.setdefault("contest_openapi_validators", {})
    found = cache.get(pointer)
    if found is None:
        from jsonschema import Draft202012Validator
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT202012

        registry = Registry().with_resource(SPEC_URI, Resource.from_contents(spec, default_specification=DRAFT202012))
        found = cache[pointer] = Draft202012Validator({"$ref": f"{SPEC_URI}#{pointer}"}, registry=registry)
    return found


UNCHECKED = ("api.openapi", "api.docs")  # the description itself and its page


class UndocumentedResponse(AssertionError):
    """An API answer that the OpenAPI description does not allow (raised only with API_VALIDATE_RESPONSES)."""


def check_response(response: Response) -> Response:
    """``after_request`` hook (tests): the answer must be documented for its route, method and status, and
    its JSON must validate against the documented schema; JSON must not be cacheable."""
    if not request.path.startswith("/api/") or response.direct_passthrough:
        return response
    if response.mimetype == "application/json" and response.headers.get("Cache-Control") != "no-store":
        raise UndocumentedResponse(f"{request.method} {request.path}: JSON without Cache-Control: no-store")
    rule = request.url_rule
    body = response.get_json(silent=True) if response.mimetype == "application/json" else None
    spec = spec_for(current_app)
    if rule is None or request.method in ("HEAD", "OPTIONS") or response.status_code == 405:
        pointer = "/components/schemas/Error"  # no route (404) or a wrong method: the generic error envelope
    else:
        if rule.endpoint in UNCHECKED:
            return response
        documented = documented_response(spec, rule.rule, request.method, response.status_code)
        if documented is None:
            raise UndocumentedResponse(f"{request.method} {rule.rule} answered {response.status_code}, which is not documented: "
                                       f"{response.get_data(as_text=True)[:300]}")
        found, pointer = documented
        if "content" not in found:
            if response.get_data():
                raise UndocumentedResponse(f"{request.method} {rule.rule} {response.status_code}: a body where none is documented")
            return response
        pointer += "/content/application~1json/schema"
    if body is None:
        raise UndocumentedResponse(f"{request.method} {request.path} {response.status_code}: not a JSON body")
    errors = sorted(validator_for(spec, pointer).iter_errors(body), key=lambda e: list(e.path))
    if errors:
        raise UndocumentedResponse(f"{request.method} {request.path} {response.status_code}: {errors[0].message} at "
                                   f"{list(errors[0].absolute_path)}")
    return response
