"""Pages parse posted values with their form classes (issue 13 part 3): a value of the wrong type is refused by
the form (flashed with its field's label, nothing done) before any service runs; refusals of the services that
name a field are shown beside it."""

from __future__ import annotations

import pytest

from contest.domain.contests import ContestStatus
from contest.extensions import db
from contest.models import Contest, JudgeAssignment, Target
from tests.contest_factories import make_contest

pytestmark = pytest.mark.db


def _flashes(client) -> list[tuple[str, str]]:
    with client.session_transaction() as session:
        return list(session.get("_flashes", []))


def test_a_number_field_with_words_is_refused_by_the_form(world, client, login_as):
    contest = make_contest(world.users["city"])
    login_as("city")
    response = client.post(f"/contests/{contest.id}/publish", data={"notice_days": "七天"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/contests/{contest.id}")
    assert [category for category, _message in _flashes(client)] == ["danger"]
    assert db.session.get(Contest, contest.id).status == ContestStatus.OPEN


def test_an_empty_optional_number_reaches_the_service_as_none(world, client, login_as):
    contest = make_contest(world.users["city"])
    login_as("city")
    client.post(f"/contests/{contest.id}/publish", data={"notice_days": ""})
    # the service ran (and refused: the contest is not scored), its message flashed
    assert [category for category, _message in _flashes(client)] == ["danger"]


def test_a_judge_is_assigned_through_the_form_and_a_bad_id_is_refused(world, client, login_as):
    contest = make_contest(world.users["city"])
    event = contest.events[0]
    login_as("city")
    client.post(f"/events/{event.id}/judges", data={"judge_id": "abc"})
    assert db.session.scalar(db.select(db.func.count(JudgeAssignment.id))) == 0
    client.post(f"/events/{event.id}/judges", data={"judge_id": str(world.users["judge"].id), "chief": "1"})
    assignment = db.session.scalar(db.select(JudgeAssignment))
    assert assignment.judge_id == world.users["judge"].id and assignment.is_chief


def test_the_certificate_settings_go_back_only_to_a_page_of_this_site(world, client, login_as):
    contest = make_contest(world.users["city"])
    login_as("city")
    away = client.post(f"/contests/{contest.id}/certificate-settings", data={"issuer": "衢州市总工会", "back": "https://example.com/"})
    assert away.headers["Location"].endswith(f"/contests/{contest.id}")
    back = client.post(f"/contests/{contest.id}/certificate-settings", data={"issuer": "衢州市总工会", "back": "/events/1/certificates"})
    assert back.headers["Location"].endswith("/events/1/certificates")
    assert db.session.get(Contest, contest.id).certificate_issuer == "衢州市总工会"


def test_a_target_out_of_range_is_refused_beside_its_field(world, client, login_as):
    login_as("city")
    response = client.post("/dashboard/targets", data={"safety_coverage": "120", "entries": "500"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="safety_coverage-error"' in html and 'id="entries-error"' not in html
    assert db.session.scalar(db.select(db.func.count(Target.id))) == 0
