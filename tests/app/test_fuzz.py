"""Fuzz pass over every form and the JSON API (issue 12.6): whatever is posted, the answer is never a 500.

Every POST/PUT route of the application is sent hostile and generated values as the host's organiser (and the
API as the chief judge), with the field names read from the route's own page where it has one. A route added
later is fuzzed without touching this file. Database-sensitive (NUL and friends on PostgreSQL): ``-m db``.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contest.extensions import db
from contest.models import Match
from tests.bracket_factories import bracket_event
from tests.judging_factories import running_event

HOSTILE = ["\x00", "a\x00b", "\x07\x1b\x7f", "=1+1", "@SUM(A1)", "-1", "1_0", "１０", "١٠", "1e1", "NaN", "Infinity",
           "9" * 40, "0", " ", "", "<script>alert(1)</script>", "' OR 1=1 --", "\ud7ff\uffff", "𠀀" * 60, "x" * 5000,
           "2026-02-30", "../../etc/passwd", "%00", "true", "[]", "{}"]
SKIPPED = {"/logout", "/account/password"}  # would end the fuzzing session itself
PLACEHOLDER = re.compile(r"<(?:int:)?(\w+)>")
FIELD = re.compile(r'name="([^"]+)"')
text_values = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=40))
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | text_values,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(text_values, children, max_size=4),
    max_leaves=12,
)


@pytest.fixture
def scene(app, world):
    run = running_event(world)
    bracket = bracket_event(world, "single_elimination", 4, open_status=None)
    from contest.services import brackets

    brackets.generate(world.users["city"], bracket.event.id, brackets.Setup())
    match_id = db.session.scalar(db.select(Match.id).order_by(Match.id))
    nomination_id = next(iter(bracket.nominations.values()))
    ids = {"event_id": run.event.id, "contest_id": run.event.contest_id, "org_id": world.orgs["team_a"].id,
           "user_id": world.users["worker"].id, "component_id": run.event.components[0].id,
           "criterion_id": run.event.components[0].criteria[0].id, "nomination_id": nomination_id,
           "match_id": match_id, "objection_id": 1, "certificate_id": 1, "code": "x"}
    routes = []
    for rule in app.url_map.iter_rules():
        methods = rule.methods & {"POST", "PUT"}
        if not methods or rule.rule in SKIPPED or rule.rule.startswith("/static"):
            continue
        path = PLACEHOLDER.sub(lambda m: str(ids.get(m.group(1), 1)), rule.rule)
        routes.append((sorted(methods)[0], path, "GET" in rule.methods))
    return run, bracket, sorted(routes)


def field_names(client, path: str, has_get: bool, cache: dict) -> list[str]:
    if path not in cache:
        names = set()
        if has_get:
            response = client.get(path)
            if response.status_code == 200:
                names = set(FIELD.findall(response.data.decode())) - {"csrf_token"}
        cache[path] = sorted(names) or ["name", "reason", "value", "note", "confirm", "winner", "kind", "q"]
    return cache[path]


def send(client, method: str, path: str, values, headers=None):
    if path.startswith("/api/"):
        response = client.open(path, method=method, json=values, headers=headers)
    else:
        response = client.open(path, method=method, data=values)
    assert response.status_code < 500, (method, path, values, response.status_code)
    return response


def bearer(client, username: str) -> dict:
    token = client.post("/api/v1/tokens", json={"username": username, "password": "Passw0rd!"}).get_json()["token"]
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.db
def test_every_form_and_api_route_survives_hostile_values(world, scene, client, login_as):
    _run, _bracket, routes = scene
    headers = bearer(client, "chief")
    login_as("city")
    names: dict = {}
    for method, path, has_get in routes:
        for value in ("a\x00b\x07", "=1+1", "1_0", "x" * 5000):
            if path.startswith("/api/"):
                send(client, method, path, {"username": value, "password": value, "idempotency_key": value,
                                            "scores": [{"competitor_number": value, "criterion_id": value, "value": value}],
                                            "winner": value, "home_score": value, "reason": value}, headers)
            else:
                send(client, method, path, {name: value for name in field_names(client, path, has_get, names)})


@pytest.mark.db
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_generated_values_never_give_a_500(world, scene, client, login_as, data):
    _run, _bracket, routes = scene
    login_as("city")
    method, path, has_get = data.draw(st.sampled_from(routes))
    if path.startswith("/api/"):
        send(client, method, path, data.draw(json_values), bearer(client, "chief"))
    else:
        fields = field_names(client, path, has_get, {})
        send(client, method, path, data.draw(st.fixed_dictionaries({name: text_values for name in fields})))
