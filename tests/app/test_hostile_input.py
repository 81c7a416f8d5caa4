"""Hostile input at the boundary (issue 12.6, 12.7): refused with a message, never stored, never a 500."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from contest.extensions import db
from contest.models import Score
from tests.judging_factories import running_event


def bearer(client, username):
    token = client.post("/api/v1/tokens", json={"username": username, "password": "Passw0rd!"}).get_json()["token"]
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.db
@pytest.mark.parametrize("value", ["1_0", "１０", "١٠", "1e1", "Infinity"])
def test_api_refuses_marks_that_are_not_ascii_decimals(world, client, value):
    run = running_event(world)
    headers = bearer(client, "chief")
    sheet = client.get(f"/api/v1/events/{run.event.id}/sheet", headers=headers).get_json()
    criterion = next(c for c in sheet["criteria"] if c["kind"] == "measurement")
    body = {"idempotency_key": f"strict-{value.encode().hex()}",
            "scores": [{"competitor_number": sheet["entries"][0]["competitor_number"], "criterion_id": criterion["id"],
                        "value": value}]}
    response = client.put(f"/api/v1/events/{run.event.id}/scores", json=body, headers=headers)
    assert response.status_code == 422
    assert "的分数不是数字" in str(response.get_json())
    assert db.session.scalar(select(func.count(Score.id))) == 0


def test_deeply_nested_json_is_a_400_not_a_crash(world, client):
    for body in ("[" * 100_000 + "]" * 100_000, '{"a":' * 50_000 + "1" + "}" * 50_000):
        response = client.post("/api/v1/tokens", data=body, content_type="application/json")
        assert response.status_code == 400 and response.get_json()["error"]["code"] == "bad_request"


@pytest.mark.db
def test_control_characters_in_json_strings_are_refused_with_422(world, client):
    response = client.post("/api/v1/tokens", json={"username": "county_a\x00", "password": "Passw0rd!"})
    assert response.status_code == 422
    assert "控制字符" in response.get_json()["error"]["message"]


@pytest.mark.db
def test_nul_in_a_form_or_query_is_removed_before_the_database_sees_it(world, client, login_as):
    response = client.post("/login", data={"username": "city\x00", "password": "x"})
    assert response.status_code == 422 and "用户名或密码" in response.data.decode()  # a wrong password, not a crash
    assert client.get("/verify/abc%00def").status_code == 404
    login_as("city")
    assert client.get("/people/?q=%00%E5%BC%A0").status_code == 200


@pytest.mark.db
def test_control_characters_typed_into_a_form_are_not_stored(world, client, login_as):
    from contest.models import Organisation

    login_as("city")
    client.post(f"/orgs/{world.orgs['team_a'].id}/edit", data={"name": "运维\x07一班\x00", "parent_id": world.orgs["ent_a"].id})
    db.session.expire_all()
    assert "\x07" not in db.session.get(Organisation, world.orgs["team_a"].id).name


@pytest.mark.db
def test_event_without_components_has_a_scores_page(world, client, login_as):
    from tests.contest_factories import make_contest

    contest = make_contest(world.users["city"])
    event = contest.events[0]
    for component in list(event.components):
        db.session.delete(component)
    db.session.commit()
    login_as("city")
    assert client.get(f"/events/{event.id}/scores").status_code == 200


def test_uploads_are_checked_by_content_and_their_names_never_become_paths(app, world, client, login_as, tmp_path):
    import io
    import os
    from pathlib import Path

    login_as("city")
    name = f"../../../../{tmp_path.name}-evil.csv"
    png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"
    response = client.post("/people/import", data={"file": (io.BytesIO(png), name)}, content_type="multipart/form-data")
    assert response.status_code == 422 and "不是 CSV 文本文件" in response.data.decode()
    for root in (Path(app.instance_path), Path(os.getcwd()), Path("/"), tmp_path.parent):
        assert not any(root.glob(f"*{tmp_path.name}-evil*"))


def test_oversized_uploads_are_refused_with_413(world, client, login_as):
    login_as("city")
    body = b"--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.csv\"\r\n\r\n" + b"a" * (17 * 1024 * 1024)
    response = client.post("/people/import", data=body, content_type="multipart/form-data; boundary=x")
    assert response.status_code == 413 and "上传的文件过大" in response.data.decode()
