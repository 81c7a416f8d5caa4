"""安康杯 unit enrolment (issue 14 part 1): organisers enrol their enterprise and teams in one step, the entries
climb for approval like nominations, and award places handed down by the host are honoured by the ranking."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from contest.domain.errors import DomainError
from contest.domain.nominations import NominationStatus
from contest.extensions import db
from contest.models import AwardPlace, EventResult, Nomination, Notification
from contest.registration.demo_units import seed_unit_enrolment
from contest.services import PermissionDenied, award_places, contests, registration
from contest.services.search import filter_nominations
from tests.app.test_entrants import _score_rank_and_finalise, unit_event
from tests.contest_factories import make_contest

WIN = "优胜企业"


def entries(event_id: int) -> int:
    return db.session.scalar(select(func.count(Nomination.id)).where(Nomination.event_id == event_id))


def kinds_for(user) -> list[str]:
    return list(db.session.scalars(select(Notification.kind).where(Notification.user_id == user.id).order_by(Notification.id)))


def set_count_tier(world, event, count: int) -> None:
    contests.set_ranking_rules(world.users["city"], event.id, [], {
        "mode": "count", "tiers": [{"name": WIN, "value": str(count)}], "rounding": "cumulative",
        "boundary_policy": "tied_take_higher", "min_score": ""})


def test_an_enterprise_enrols_itself_and_its_team_in_one_step(world):
    event = unit_event(world)
    written = registration.enrol_units(world.users["ent_a"], event.id, [world.orgs["ent_a"].id, world.orgs["team_a"].id])
    assert [n.display_name for n in written] == ["柯城电力", "运维一班"]
    assert all(n.status == NominationStatus.PENDING and n.waiting_org_id == world.orgs["county_a"].id for n in written)
    assert kinds_for(world.users["county_a"]) == ["nominations_waiting"]
    _, rows = registration.enrolment_rows(world.users["ent_a"], event.id)
    assert [(r.unit.name, r.entered) for r in rows] == [("柯城电力", True), ("运维一班", True)]
    # a county organiser enrols units of his county; his approval counts for the county
    _, rows = registration.enrolment_rows(world.users["county_a"], event.id)
    assert [r.unit.name for r in rows] == ["柯城电力", "运维一班"]


def test_a_unit_outside_the_subtree_is_refused_and_nothing_is_written(world):
    event = unit_event(world)
    with pytest.raises(PermissionDenied, match="衢江机械"):
        registration.enrol_units(world.users["ent_a"], event.id, [world.orgs["ent_a"].id, world.orgs["ent_b"].id])
    assert entries(event.id) == 0


def test_a_team_entered_twice_names_the_team_and_writes_nothing(world):
    event = unit_event(world)
    registration.enrol_units(world.users["ent_a"], event.id, [world.orgs["team_a"].id])
    with pytest.raises(registration.UnitsRefused) as refused:
        registration.enrol_units(world.users["ent_a"], event.id, [world.orgs["ent_a"].id, world.orgs["team_a"].id])
    assert [name for name, _ in refused.value.refusals] == ["运维一班"]
    assert "already entered" in str(refused.value.refusals[0][1])
    assert entries(event.id) == 1


def test_quotas_count_unit_by_unit_and_a_refusal_writes_nothing(world):
    event = unit_event(world)
    registration.set_quota(world.users["city"], event.id, world.orgs["county_a"].id, 2)
    registration.set_quota(world.users["county_a"], event.id, world.orgs["ent_a"].id, 1)
    with pytest.raises(registration.UnitsRefused) as refused:
        registration.enrol_units(world.users["ent_a"], event.id, [world.orgs["ent_a"].id, world.orgs["team_a"].id])
    assert [name for name, _ in refused.value.refusals] == ["运维一班"]
    assert entries(event.id) == 0


def test_worker_events_take_no_units(world):
    contest = make_contest(world.users["city"])
    with pytest.raises(DomainError, match="not an event for units"):
        registration.enrol_units(world.users["ent_a"], contest.events[0].id, [world.orgs["ent_a"].id])


def test_unit_entries_climb_are_listed_searched_rejected_and_withdrawn(world):
    event = unit_event(world)
    company, team = registration.enrol_units(world.users["ent_a"], event.id, [world.orgs["ent_a"].id, world.orgs["team_a"].id])
    waiting = db.session.scalars(registration.waiting_query(world.users["county_a"], only_own_unit=True)).all()
    assert [n.display_name for n in waiting] == ["柯城电力", "运维一班"]
    found = db.session.scalars(filter_nominations(registration.waiting_query(world.users["county_a"]), "运维")).all()
    assert [n.id for n in found] == [team.id]
    registration.approve(world.users["county_a"], company.id)
    assert company.waiting_org_id == world.orgs["city"].id
    registration.approve(world.users["city"], company.id)
    assert company.status == NominationStatus.CONFIRMED
    assert kinds_for(world.users["ent_a"])[-1] == "unit_entry_confirmed"
    registration.reject(world.users["county_a"], team.id, "班组安全台账不全")
    assert team.status == NominationStatus.REJECTED
    note = db.session.scalars(select(Notification).where(Notification.user_id == world.users["ent_a"].id)
                              .order_by(Notification.id.desc())).first()
    assert note.kind == "unit_entry_rejected" and note.params["entrant"] == "运维一班" and note.params["reason"] == "班组安全台账不全"
    # the team may enrol again; a pending entry can be withdrawn by its enterprise
    again = registration.enrol_units(world.users["ent_a"], event.id, [world.orgs["team_a"].id])[0]
    registration.withdraw(world.users["ent_a"], again.id)
    assert again.status == NominationStatus.WITHDRAWN


def test_the_enrolment_page_in_chinese(world, client, login_as):
    event = unit_event(world)
    login_as("ent_a")
    page = client.get(f"/events/{event.id}/enrol").get_data(as_text=True)
    assert "柯城电力" in page and "运维一班" in page and "衢江机械" not in page
    response = client.post(f"/events/{event.id}/enrol", data={"units": [world.orgs["ent_a"].id, world.orgs["team_a"].id]})
    assert response.status_code == 302
    page = client.get(f"/events/{event.id}/enrol").get_data(as_text=True)
    assert page.count("柯城区") >= 2  # each entry waits at 柯城区
    response = client.post(f"/events/{event.id}/enrol", data={"units": [world.orgs["team_a"].id]})
    assert response.status_code == 422 and "运维一班" in response.get_data(as_text=True)
    # the unit event has no worker nomination or application
    assert client.get(f"/events/{event.id}/nominate").headers["Location"].endswith(f"/events/{event.id}/enrol")
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert f"/events/{event.id}/apply" not in page and f"/events/{event.id}/enrol" in page
    worker_event = make_contest(world.users["city"]).events[0]
    assert client.get(f"/events/{worker_event.id}/enrol").status_code == 404
    assert f"/events/{worker_event.id}/enrol" not in client.get(f"/events/{worker_event.id}").get_data(as_text=True)


# ---------------------------------------------------------------------------------------------- award places


def test_the_host_hands_down_award_places_checked_against_the_count(world, client, login_as):
    event = unit_event(world)
    set_count_tier(world, event, 3)
    county_a, county_b = world.orgs["county_a"].id, world.orgs["county_b"].id
    with pytest.raises(PermissionDenied):
        award_places.set_award_places(world.users["county_a"], event.id, {county_a: {WIN: 1}})
    with pytest.raises(DomainError, match="more than"):
        award_places.set_award_places(world.users["city"], event.id, {county_a: {WIN: 2}, county_b: {WIN: 2}})
    with pytest.raises(DomainError, match="directly below"):
        award_places.set_award_places(world.users["city"], event.id, {world.orgs["ent_a"].id: {WIN: 1}})
    login_as("city")
    response = client.post(f"/events/{event.id}/award-places", data={f"p-{county_a}-0": "2", f"p-{county_b}-0": "2"})
    assert response.status_code == 422 and "超过" in response.get_data(as_text=True)
    response = client.post(f"/events/{event.id}/award-places", data={f"p-{county_a}-0": "-1", f"p-{county_b}-0": "1"})
    assert response.status_code == 422 and db.session.scalar(select(func.count(AwardPlace.id))) == 0
    response = client.post(f"/events/{event.id}/award-places", data={f"p-{county_a}-0": "2", f"p-{county_b}-0": ""})
    assert response.status_code == 302
    assert award_places.places_view(world.users["city"], event.id).places == {county_a: {WIN: 2}}
    # the county sees the places given to it, and only those
    view = award_places.places_view(world.users["county_a"], event.id)
    assert [u.name for u in view.units] == ["柯城区"] and view.places == {county_a: {WIN: 2}} and not view.may_set
    assert [u.name for u in award_places.places_view(world.users["team_a"], event.id).units] == ["柯城区"]
    with pytest.raises(PermissionDenied):
        award_places.places_view(world.users["judge"], event.id)


@pytest.mark.db
@pytest.mark.db
def test_award_places_are_honoured_in_the_ranking(world):
    event = unit_event(world)
    set_count_tier(world, event, 2)
    city = world.users["city"]
    entered = registration.enrol_units(city, event.id, [world.orgs[k].id for k in ("ent_a", "team_a", "ent_b")])
    award_places.set_award_places(city, event.id, {world.orgs["county_a"].id: {WIN: 1}, world.orgs["county_b"].id: {WIN: 1}})
    _score_rank_and_finalise(world, city, event, entered)  # ranked 柯城电力, 运维一班, 衢江机械
    awards = dict(db.session.execute(select(EventResult.nomination_id, EventResult.award).where(EventResult.event_id == event.id)).all())
    assert [awards[n.id] for n in entered] == [WIN, None, WIN]  # one place per county, not the top two


def test_the_demo_hands_down_places_and_leaves_enrolments_pending(world):
    event = unit_event(world)
    set_count_tier(world, event, 5)
    demo = seed_unit_enrolment(event, {"柯城区": 3, "衢江区": 2}, pending=1)
    assert demo.places == {"柯城区": {WIN: 3}, "衢江区": {WIN: 2}}
    assert [(n.display_name, n.waiting_org.name) for n in demo.pending] == [("柯城电力", "柯城区")]
    with pytest.raises(LookupError):
        seed_unit_enrolment(event, {"江山市": 1})
