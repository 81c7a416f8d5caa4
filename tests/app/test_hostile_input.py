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
