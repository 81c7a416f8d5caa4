"""Contract test: a property-based pass over the OpenAPI description against a live app on SQLite.

The app is served over HTTP by werkzeug in a thread, with a running marks event (three judges, one chief)
and a drawn-up bracket. For every documented operation Hypothesis sends requests built from the description
(path parameters from real ids and arbitrary ones, query parameters and bodies generated from their schemas,
bodies built from the real sheet, arbitrary JSON, broken JSON, ``NaN``), as different callers (judge, chief
judge, host organiser, worker, no token, a bad token). Every answer must be documented for its operation and
status, match its schema, never be a 500, and carry ``Cache-Control: no-store`` when it is JSON. The app
also validates each answer itself (``API_VALIDATE_RESPONSES``), so a mismatch shows up as a 500 here.

Bounded: a fixed number of examples per operation, derandomised, no example database.
"""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.parse
import urllib.request
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.serving import make_server

from contest import create_app
from contest.api.openapi import build_spec, documented_response, validator_for
from contest.config import TestConfig
from contest.extensions import db
from contest.services import brackets, judging
from tests.bracket_factories import bracket_event
from tests.conftest import PASSWORD
from tests.factories import build_world
from tests.judging_factories import running_event

EXAMPLES = {"get": 10, "delete": 5}  # per operation; writes (the rest) get WRITE_EXAMPLES
WRITE_EXAMPLES = 40
# Weighted towards callers who get past authentication, so that examples reach the body checks.
CALLERS = ("judge", "chief", "judge_b", "city", "chief", "judge", "worker", None, "bad")


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    path = tmp_path_factory.mktemp("contract") / "contract.sqlite3"
    app = create_app(TestConfig, {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context():
        db.create_all()
        world = build_world(PASSWORD)
        run = running_event(world)
        scene = bracket_event(world, "single_elimination", 4)
        brackets.generate(world.users["city"], scene.event.id, brackets.Setup())
        sheet = judging.sheet(run.chief, run.event.id)
        view = brackets.bracket_view(world.users["city"], scene.event.id)
        spec = build_spec(app)
        facts = SimpleNamespace(
            spec=spec,
            ids={"event_id": [run.event.id, scene.event.id], "contest_id": [run.event.contest_id, scene.event.contest_id],
                 "match_id": [m.id for m in view.matches], "code": ["unknown-code"]},
            numbers=[e["competitor_number"] for e in sheet["entries"]],
            criteria=[c["id"] for c in sheet["criteria"]],
            judges=[run.chief.id, run.judge.id, run.other.id],
        )
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    facts.base = f"http://127.0.0.1:{server.server_port}"
    facts.app = app
    facts.tokens = {}
    yield facts
    server.shutdown()
    thread.join(5)


def send(base: str, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
    request = urllib.request.Request(base + path, data=body, method=method.upper(), headers=headers or {})
    if body is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, dict(error.headers), error.read()


def token(live, username: str) -> str:
    if username not in live.tokens:
        status, _, body = send(live.base, "post", "/api/v1/tokens", json.dumps({"username": username, "password": PASSWORD}).encode())
        assert status == 201
        live.tokens[username] = json.loads(body)["token"]
    return live.tokens[username]


def from_schema(schema: dict, root: dict | None = None) -> st.SearchStrategy:
    """Values valid for ``schema``, for the subset of JSON Schema the description uses (types, enum, anyOf,
    allOf of objects, local $ref, lengths, bounds, item counts; ``pattern`` only for the decimal strings)."""
    root = root or {}
    if "$ref" in schema:
        node = root
        for part in schema["$ref"].removeprefix("#/").split("/"):
            node = node[part]
        return from_schema(node, root)
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    if "anyOf" in schema:
        return st.one_of([from_schema(s, root) for s in schema["anyOf"]])
    if "allOf" in schema:
        parts = [from_schema(s, root) for s in schema["allOf"]]
        return st.tuples(*parts).map(lambda dicts: {k: v for d in dicts for k, v in d.items()})
    kind = schema.get("type")
    if kind == "object":
        props = {name: from_schema(sub, root) for name, sub in schema.get("properties", {}).items()}
        required = set(schema.get("required", ()))
        return st.fixed_dictionaries({k: v for k, v in props.items() if k in required},
                                     optional={k: v for k, v in props.items() if k not in required})
    if kind == "array":
        return st.lists(from_schema(schema.get("items", {}), root), min_size=schema.get("minItems", 0),
                        max_size=min(schema.get("maxItems", 5), 5))
    if kind == "integer":
        return st.integers(schema.get("minimum", -10**6), schema.get("maximum", 10**9))
    if kind == "number":
        return st.floats(allow_nan=False, allow_infinity=False, width=32)
    if kind == "boolean":
        return st.booleans()
    if kind == "null":
        return st.none()
    if kind == "string":
        if "pattern" in schema:  # the exact decimals
            return st.decimals(min_value=-10, max_value=200, places=2).map(str)
        return st.text(min_size=schema.get("minLength", 0), max_size=min(schema.get("maxLength", 20), 20))
    return json_values()


def json_values() -> st.SearchStrategy:
    scalars = st.none() | st.booleans() | st.integers(-10**6, 10**12) | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20)
    return st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
                        max_leaves=12)


def realistic_scores(live) -> st.SearchStrategy:
    """Submissions built from the real sheet: known and unknown entries and criteria, values in and out of
    range, versions, reasons, other judges' scores."""
    value = st.one_of(st.decimals(min_value=-5, max_value=120, places=2).map(str), st.integers(-5, 120),
                      st.floats(-5, 120, allow_nan=False), st.sampled_from(["", "abc", "1e3", "0.001", "3"]))
    item = st.fixed_dictionaries(
        {"competitor_number": st.sampled_from(live.numbers) | st.integers(-1, 10**4),
         "criterion_id": st.sampled_from(live.criteria) | st.integers(0, 10**4), "value": value},
        optional={"version": st.integers(0, 4) | st.none(), "reason": st.text(max_size=10),
                  "judge_id": st.sampled_from(live.judges) | st.integers(0, 10**4)})
    key = st.one_of(st.uuids().map(str), st.sampled_from(["replayed-key-1", "replayed-key-2"]), st.text(max_size=12))
    return st.fixed_dictionaries({"idempotency_key": key, "scores": st.lists(item, min_size=0, max_size=6)})


def valid_scores(live) -> st.SearchStrategy:
    """Submissions that pass every check for a judge without conflicts (first entries; later ones are stale)."""
    item = st.tuples(st.sampled_from(live.numbers), st.sampled_from(live.criteria), st.sampled_from(["1", "2", "3"]))
    return st.fixed_dictionaries({
        "idempotency_key": st.uuids().map(str),
        "scores": st.lists(item, min_size=1, max_size=4, unique_by=lambda t: t[:2]).map(
            lambda items: [{"competitor_number": n, "criterion_id": c, "value": v} for n, c, v in items]),
    })


def body_strategy(live, op: dict, path: str) -> st.SearchStrategy:
    if "requestBody" not in op:
        return st.none()
    schema_ref = op["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    documented = from_schema({"$ref": schema_ref}, live.spec)
    options = [documented.map(lambda v: json.dumps(v).encode()), json_values().map(lambda v: json.dumps(v).encode()),
               st.sampled_from([b"{not json", b"", b'{"value": NaN}', b"[1, 2]", b'"text"'])]
    if path.endswith("/scores"):
        options += [realistic_scores(live).map(lambda v: json.dumps(v).encode())] * 2
        options += [valid_scores(live).map(lambda v: json.dumps(v).encode())] * 2
    return st.one_of(options)


def path_value(live, name: str, schema: dict) -> st.SearchStrategy:
    known = st.sampled_from(live.ids.get(name, [1]))
    if schema.get("type") == "integer":
        return st.one_of(known, known, known, st.integers(0, 10**9))
    return st.one_of(known.map(str), st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_", min_size=1, max_size=40))


def query_strategy(op: dict) -> st.SearchStrategy:
    params = [p for p in op.get("parameters", []) if p["in"] == "query"]
    if not params:
        return st.just({})
    garbage = st.text(alphabet="abz019-_.", max_size=6)
    return st.fixed_dictionaries({}, optional={p["name"]: from_schema(p["schema"]).map(str) | garbage for p in params})


def check(live, method: str, path_template: str, path: str, status: int, headers: dict, body: bytes) -> None:
    where = f"{method.upper()} {path} → {status}: {body[:300]!r}"
    assert status < 500 or status == 503, where
    content_type = headers.get("Content-Type", "")
    if content_type.startswith("application/json"):
        assert headers.get("Cache-Control") == "no-store", where
    documented = documented_response(live.spec, path_template.replace("{", "<").replace("}", ">"), method, status)
    if documented is None:
        # Only routing refusals (an id that is not an integer, an unknown path) may fall outside the operation.
        assert status in (404, 405), where
        pointer = "/components/schemas/Error"
    else:
        found, pointer = documented
        if "content" not in found:
            assert body == b"", where
            return
        pointer += "/content/application~1json/schema"
    assert content_type.startswith("application/json"), where
    with live.app.app_context():
        errors = list(validator_for(live.spec, pointer).iter_errors(json.loads(body)))
    assert not errors, f"{where}: {errors[0].message}"


def operations(spec: dict) -> list[tuple[str, str, dict]]:
    return [(path, method, op) for path, ops in sorted(spec["paths"].items()) for method, op in sorted(ops.items())
            if op["operationId"] not in ("openapi", "docs")]


def _documented_operations() -> list[tuple[str, str]]:
    """(path, method) of every documented operation, read from the description of a throw-away app."""
    return [(path, method) for path, method, _op in operations(build_spec(create_app(TestConfig)))]


OPERATIONS = _documented_operations()


def test_the_contract_pass_covers_every_operation():
    assert len(OPERATIONS) >= 15 and ("/api/v1/events/{event_id}/scores", "put") in OPERATIONS


@pytest.mark.parametrize(("path_template", "method"), OPERATIONS, ids=[f"{m.upper()} {p}" for p, m in OPERATIONS])
def test_operation_answers_as_documented(live, path_template, method):
    op = live.spec["paths"][path_template][method]
    params = {p["name"]: p["schema"] for p in op.get("parameters", []) if p["in"] == "path"}

    @settings(max_examples=EXAMPLES.get(method, WRITE_EXAMPLES), deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much])
    @given(data=st.data())
    def run(data):
        values = {name: data.draw(path_value(live, name, schema), label=name) for name, schema in params.items()}
        path = path_template.format(**{k: urllib.parse.quote(str(v), safe="") for k, v in values.items()})
        query = data.draw(query_strategy(op), label="query")
        if query:
            path += "?" + urllib.parse.urlencode(query)
        body = data.draw(body_strategy(live, op, path_template), label="body")
        caller = data.draw(st.sampled_from(CALLERS), label="caller")
        headers = {}
        if caller == "bad":
            headers["Authorization"] = "Bearer not-a-token"
        elif caller is not None:
            revoking = op["operationId"] == "delete_token"  # never revoke the tokens the other examples use
            if revoking:
                live.tokens.pop(caller, None)
            headers["Authorization"] = f"Bearer {token(live, caller)}"
            if revoking:
                live.tokens.pop(caller, None)
        status, response_headers, response_body = send(live.base, method, path, body, headers)
        check(live, method, path_template, path, status, response_headers, response_body)

    run()
