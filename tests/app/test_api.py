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


def test_contests_are_listed_filtered_and_scoped(world, client):
    from tests.contest_factories import make_contest

    city = make_contest(world.users["city"])
    make_contest(world.users["county_b"], title="衢江区比赛")
    draft = make_contest(world.users["county_a"], title="柯城草稿", open_=False)
    headers = {"Authorization": f"Bearer {token_for(client, 'county_a').get_json()['token']}"}
    body = client.get("/api/v1/contests", headers=headers).get_json()
    assert {i["title"] for i in body["items"]} == {city.title, draft.title} and body["total"] == 2
    body = client.get("/api/v1/contests?status=draft&level=county", headers=headers).get_json()
    assert [i["id"] for i in body["items"]] == [draft.id]
    assert client.get("/api/v1/contests?status=nonsense", headers=headers).status_code == 400
    detail = client.get(f"/api/v1/contests/{city.id}", headers=headers).get_json()
    assert detail["events"][0]["name"] == "电工"
    assert [c["weight"] for c in detail["events"][0]["components"]] == [30, 70]
    assert detail["events"][0]["components"][1]["criteria"][0]["max_marks"] == "60.00"
    worker = {"Authorization": f"Bearer {token_for(client, 'worker_b').get_json()['token']}"}
    response = client.get(f"/api/v1/contests/{draft.id}", headers=worker)
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "forbidden"
    assert client.get("/api/v1/contests/9999", headers=worker).status_code == 404
