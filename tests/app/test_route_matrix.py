"""Every registered route against every role: 200 (or a success redirect) / 403 / redirect to login.

A route added without an entry in MATRIX fails ``test_every_route_has_a_matrix_entry``.
"""

from __future__ import annotations

import pytest

from contest import create_app
from contest.config import TestConfig

ROLES = ("anonymous", "admin", "city", "county_a", "ent_a", "team_a", "judge", "worker")
LOGGED_IN = frozenset(ROLES) - {"anonymous"}
PUBLIC = frozenset(ROLES)
ORGANISERS = frozenset({"admin", "city", "county_a", "ent_a", "team_a"})
ABOVE_ENT_A = frozenset({"admin", "city", "county_a"})
OVER_ENT_A = ABOVE_ENT_A | {"ent_a"}
OVER_TEAM_A = OVER_ENT_A | {"team_a"}

# endpoint: (method, path builder, roles allowed). "api" endpoints authenticate with a bearer token.
MATRIX = {
    "home.index": ("GET", lambda w: "/", LOGGED_IN),
    "home.set_locale": ("GET", lambda w: "/locale/en", PUBLIC),
    "auth.login": ("GET", lambda w: "/login", PUBLIC),
    "auth.logout": ("POST", lambda w: "/logout", LOGGED_IN),
    "auth.password": ("GET", lambda w: "/account/password", LOGGED_IN),
    "auth.account": ("GET", lambda w: "/account", LOGGED_IN),
    "orgs.index": ("GET", lambda w: "/orgs/", ORGANISERS),
    "orgs.detail": ("GET", lambda w: f"/orgs/{w.orgs['ent_a'].id}", OVER_ENT_A),
    "orgs.create": ("GET", lambda w: f"/orgs/{w.orgs['ent_a'].id}/children/new", OVER_ENT_A),
    "orgs.rename": ("GET", lambda w: f"/orgs/{w.orgs['ent_a'].id}/edit", ABOVE_ENT_A),
    "orgs.move": ("GET", lambda w: f"/orgs/{w.orgs['ent_a'].id}/move", ABOVE_ENT_A),
    "orgs.deactivate": ("POST", lambda w: f"/orgs/{w.orgs['team_a'].id}/deactivate", OVER_ENT_A),
    "orgs.activate": ("POST", lambda w: f"/orgs/{w.orgs['team_a'].id}/activate", OVER_ENT_A),
    "orgs.import_units": ("GET", lambda w: "/orgs/import", ORGANISERS),
    "orgs.import_template": ("GET", lambda w: "/orgs/import/template", ORGANISERS),
    "orgs.export": ("GET", lambda w: "/orgs/export", ORGANISERS),
    "people.index": ("GET", lambda w: "/people/", ORGANISERS),
    "people.export": ("GET", lambda w: "/people/export", ORGANISERS),
    "people.create": ("GET", lambda w: "/people/new", ORGANISERS),
    "people.detail": ("GET", lambda w: f"/people/{w.users['worker'].id}", OVER_TEAM_A),
    "people.edit": ("GET", lambda w: f"/people/{w.users['worker'].id}/edit", OVER_TEAM_A),
    "people.reset_password": ("POST", lambda w: f"/people/{w.users['worker'].id}/reset-password", OVER_TEAM_A),
    "people.deactivate": ("POST", lambda w: f"/people/{w.users['worker'].id}/deactivate", OVER_TEAM_A),
    "people.activate": ("POST", lambda w: f"/people/{w.users['worker'].id}/activate", OVER_TEAM_A),
    "people.import_people": ("GET", lambda w: "/people/import", ORGANISERS),
    "people.import_template": ("GET", lambda w: "/people/import/template", ORGANISERS),
    "api.create_token": ("POST", lambda w: "/api/v1/tokens", PUBLIC),
    "api.delete_token": ("DELETE", lambda w: "/api/v1/tokens", LOGGED_IN),
    "api.me": ("GET", lambda w: "/api/v1/me", LOGGED_IN),
    "api.organisations": ("GET", lambda w: "/api/v1/organisations", ORGANISERS),
}


def test_every_route_has_a_matrix_entry_and_an_access_declaration():
    app = create_app(TestConfig)
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint != "static"}
    assert endpoints - MATRIX.keys() == set(), "new routes need an entry in MATRIX"
    assert MATRIX.keys() - endpoints == set(), "MATRIX names routes that no longer exist"
    undeclared = [e for e in endpoints if not hasattr(app.view_functions[e], "access")]
    assert undeclared == [], "every view needs @public, @login_required, @roles_required or @token_required"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", sorted(MATRIX))
def test_route_access(endpoint, role, world, client, login_as):
    method, path_for, allowed = MATRIX[endpoint]
    path = path_for(world)
    headers = {}
    api = path.startswith("/api/")
    if role != "anonymous":
        if api:
            token = client.post("/api/v1/tokens", json={"username": world.users[role].username, "password": "Passw0rd!"})
            headers["Authorization"] = f"Bearer {token.get_json()['token']}"
        else:
            login_as(role)
    response = client.open(path, method=method, headers=headers, json={} if api and method == "POST" else None)
    status, location = response.status_code, response.headers.get("Location", "")
    if role in allowed:
        assert status in (200, 201, 204, 302, 422), (status, location)
        if endpoint != "auth.logout":
            assert not location.startswith("/login"), "an allowed role was sent to the login page"
        if api and endpoint == "api.create_token":
            assert status == 422  # empty body: the error format, not an authentication failure
    elif role == "anonymous":
        if api:
            assert status == 401 and response.get_json()["error"]["code"] == "unauthorized"
        else:
            assert status == 302 and location.startswith("/login")
    else:
        assert status == 403, (status, location)
