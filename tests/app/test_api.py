"""JSON API skeleton: tokens and the error format."""

from datetime import timedelta

from contest.extensions import db
from contest.models import ApiToken, utcnow


def token_for(client, username="county_a", password="Passw0rd!"):
    return client.post("/api/v1/tokens", json={"username": username, "password": password})


def test_token_is_issued_and_used(world, client):
    response = token_for(client)
    assert response.status_code == 201
    body = response.get_json()
    assert set(body) == {"token", "expires_at"} and body["expires_at"].endswith("Z")
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.status_code == 200 and me.get_json()["username"] == "county_a"
    assert db.session.query(ApiToken).one().digest != body["token"]  # only a digest is stored


def test_wrong_credentials_are_401_in_the_error_format(world, client):
    response = token_for(client, password="nope")
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"
    assert "message" in response.get_json()["error"]


def test_bad_json_is_400_and_missing_fields_422(world, client):
    response = client.post("/api/v1/tokens", data="{not json", content_type="application/json")
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "bad_request"
    response = client.post("/api/v1/tokens", json={"username": "county_a"})
    assert response.status_code == 422
    assert response.get_json()["error"]["details"] == [{"field": "password", "message": "必填。"}]


def test_missing_invalid_and_expired_tokens_are_401(world, client):
    assert client.get("/api/v1/me").status_code == 401
    assert client.get("/api/v1/me", headers={"Authorization": "Bearer nonsense"}).status_code == 401
    token = token_for(client).get_json()["token"]
    db.session.query(ApiToken).update({ApiToken.expires_at: utcnow() - timedelta(seconds=1)})
    db.session.commit()
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401 and response.headers["WWW-Authenticate"].startswith("Bearer")


def test_revoked_token_stops_working(world, client):
    token = token_for(client).get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.delete("/api/v1/tokens", headers=headers).status_code == 204
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_role_refusal_is_403_and_unknown_route_404_in_the_error_format(world, client):
    token = token_for(client, "worker").get_json()["token"]
    response = client.get("/api/v1/organisations", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "forbidden"
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"


def test_api_ignores_session_cookies(world, client, login_as):
    login_as("county_a")
    assert client.get("/api/v1/me").status_code == 401


def test_list_is_paginated(world, client):
    token = token_for(client, "admin").get_json()["token"]
    body = client.get("/api/v1/organisations?page=2&per_page=3", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert body["total"] == 7 and len(body["items"]) == 3 and body["page"] == 2
