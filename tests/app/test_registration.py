"""Quotas and nominations climbing the hierarchy: every rule and every refusal."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from contest.clock import frozen_today, today
from contest.domain.contests import ContestStatus
from contest.domain.errors import DomainError
from contest.domain.nominations import NominationStatus
from contest.extensions import db
from contest.models import Nomination, Role
from contest.services import PermissionDenied, contests
from contest.services import registration as service
from contest.services.contests import EventInput
from tests.contest_factories import make_contest
from tests.factories import make_user, valid_resident_id


@pytest.fixture
def contest(world):
    return make_contest(world.users["city"])


@pytest.fixture
def event(contest):
    return contest.events[0]


def climb(world, nomination, *approvers):
    for key in approvers:
        nomination = service.approve(world.users[key], nomination.id)
    return nomination


def test_a_worker_application_climbs_team_enterprise_county_host(world, event):
    nomination = service.nominate(world.users["worker"], event.id, [world.users["worker"].id])
    assert nomination.status == NominationStatus.PENDING and nomination.waiting_org_id == world.orgs["team_a"].id
    assert nomination.chain_ids == [world.orgs[k].id for k in ("team_a", "ent_a", "county_a", "city")]
    nomination = climb(world, nomination, "team_a", "ent_a", "county_a")
    assert nomination.waiting_org_id == world.orgs["city"].id
    nomination = climb(world, nomination, "city")
    assert nomination.status == NominationStatus.CONFIRMED and nomination.waiting_org_id is None
    assert [s.action for s in nomination.steps] == ["submit", "approve", "approve", "approve", "confirm"]


def test_an_organisers_nomination_counts_for_its_own_level(world, event):
    nomination = service.nominate(world.users["ent_a"], event.id, [world.users["worker"].id])
    assert nomination.waiting_org_id == world.orgs["county_a"].id
    assert service.nominate(world.users["city"], event.id, [world.users["worker_b"].id]).status == NominationStatus.CONFIRMED


def test_only_the_waiting_unit_or_one_above_it_reviews(world, event):
    nomination = service.nominate(world.users["worker"], event.id, [world.users["worker"].id])
    with pytest.raises(PermissionDenied):
        service.approve(world.users["county_b"], nomination.id)
    with pytest.raises(PermissionDenied):
        service.get_nomination(world.users["county_b"], nomination.id)
    nomination = service.approve(world.users["county_a"], nomination.id)  # on behalf of the team
    assert nomination.waiting_org_id == world.orgs["ent_a"].id
    with pytest.raises(PermissionDenied):
        service.approve(world.users["team_a"], nomination.id)  # the team is below the waiting enterprise


def test_rejection_needs_a_reason_that_the_worker_sees(world, event, client, login_as):
    nomination = service.nominate(world.users["worker"], event.id, [world.users["worker"].id])
    with pytest.raises(DomainError, match="reason"):
        service.reject(world.users["team_a"], nomination.id, "  ")
    service.reject(world.users["team_a"], nomination.id, "本班组名额已满")
    assert db.session.get(Nomination, nomination.id).status == NominationStatus.REJECTED
    login_as("worker")
    assert "本班组名额已满" in client.get("/my/entries").data.decode()
    assert "本班组名额已满" in client.get(f"/nominations/{nomination.id}").data.decode()
    # a rejected worker may apply again
    assert service.nominate(world.users["worker"], event.id, [world.users["worker"].id]).status == NominationStatus.PENDING


def test_one_live_entry_per_worker_per_event(world, event):
    service.nominate(world.users["worker"], event.id, [world.users["worker"].id])
    with pytest.raises(DomainError, match="already entered"):
        service.nominate(world.users["ent_a"], event.id, [world.users["worker"].id])


def test_workers_enter_only_themselves_and_organisers_only_their_subtree(world, event):
    with pytest.raises(PermissionDenied):
        service.nominate(world.users["worker"], event.id, [world.users["worker_b"].id])
    with pytest.raises(PermissionDenied):
        service.nominate(world.users["county_a"], event.id, [world.users["worker_b"].id])
    with pytest.raises(DomainError, match="not a registered worker"):
        service.nominate(world.users["city"], event.id, [world.users["judge"].id])


def test_eligibility_is_checked(world):
    contest = make_contest(world.users["city"], title="青年赛", max_age=30)
    young = make_user("young", world.orgs["team_a"], {Role.WORKER}, world.users["worker"].password_hash,
                      resident_id=valid_resident_id(born=today().replace(year=today().year - 25, day=1)))
    old = make_user("old", world.orgs["team_a"], {Role.WORKER}, world.users["worker"].password_hash,
                    resident_id=valid_resident_id(born=today().replace(year=today().year - 45, day=1)))
    db.session.commit()
    event = contest.events[0]
    service.nominate(young, event.id, [young.id])
    with pytest.raises(DomainError, match="maximum age is 30"):
        service.nominate(old, event.id, [old.id])


def test_team_entries(world):
    contest = make_contest(world.users["city"], events=(), team_event="班组协作")
    event = contest.events[0]
    second = make_user("w2", world.orgs["team_a"], {Role.WORKER}, world.users["worker"].password_hash)
    db.session.commit()
    with pytest.raises(DomainError, match="2 to 3 members"):
        service.nominate(world.users["team_a"], event.id, [world.users["worker"].id])
    with pytest.raises(DomainError, match="team a name"):
        service.nominate(world.users["team_a"], event.id, [world.users["worker"].id, second.id])
    with pytest.raises(DomainError, match="Teams are nominated"):
        service.nominate(world.users["worker"], event.id, [world.users["worker"].id])
    nomination = service.nominate(world.users["team_a"], event.id, [world.users["worker"].id, second.id], "电力先锋队")
    assert nomination.display_name == "电力先锋队" and nomination.waiting_org_id == world.orgs["ent_a"].id


def test_withdrawal_before_the_deadline_only(world, event):
    nomination = service.nominate(world.users["worker"], event.id, [world.users["worker"].id])
    with pytest.raises(PermissionDenied):
        service.withdraw(world.users["worker_b"], nomination.id)
    with frozen_today(today() + timedelta(days=31)):
        with pytest.raises(DomainError, match="deadline has passed"):
            service.withdraw(world.users["worker"], nomination.id)
    assert service.withdraw(world.users["worker"], nomination.id).status == NominationStatus.WITHDRAWN
    with pytest.raises(DomainError, match="already ended"):
        service.withdraw(world.users["worker"], nomination.id)


def test_registration_must_be_open(world):
    contest = make_contest(world.users["city"])
    contests.change_status(world.users["city"], contest.id, ContestStatus.CLOSED)
    with pytest.raises(DomainError, match="not open"):
        service.nominate(world.users["worker"], contest.events[0].id, [world.users["worker"].id])
    with frozen_today(today() - timedelta(days=5)):  # before the window opens
        contests.change_status(world.users["city"], contest.id, ContestStatus.OPEN)
        with pytest.raises(DomainError, match="not open"):
            service.nominate(world.users["worker"], contest.events[0].id, [world.users["worker"].id])


# ---------------------------------------------------------------------------------------------- quotas


def test_quotas_flow_down_and_are_enforced_at_approval(world, event):
    city, county = world.users["city"], world.users["county_a"]
    service.set_quota(city, event.id, world.orgs["county_a"].id, 1)
    service.set_quota(county, event.id, world.orgs["ent_a"].id, 1)
    with pytest.raises(DomainError, match="柯城电力 cannot get 2"):
        service.set_quota(county, event.id, world.orgs["ent_a"].id, 2)
    with pytest.raises(PermissionDenied):
        service.set_quota(county, event.id, world.orgs["county_b"].id, 1)
    first = service.nominate(world.users["ent_a"], event.id, [world.users["worker"].id])  # uses the enterprise's place
    second_worker = make_user("w2", world.orgs["team_a"], {Role.WORKER}, world.users["worker"].password_hash)
    db.session.commit()
    with pytest.raises(DomainError, match="used all its 1 places"):
        service.nominate(world.users["ent_a"], event.id, [second_worker.id])
    pending = service.nominate(second_worker, event.id, [second_worker.id])
    pending = service.approve(world.users["team_a"], pending.id)  # the team has no limit of its own
    with pytest.raises(DomainError, match="柯城电力 has used all its 1 places"):
        service.approve(world.users["ent_a"], pending.id)
    with pytest.raises(DomainError, match="already used 1 places"):
        service.set_quota(county, event.id, world.orgs["ent_a"].id, 0)
    service.approve(county, first.id)
    _unit, own, children, _ = service.quota_overview(county, event.id)
    assert (own.allocated, own.used, own.remaining) == (1, 1, 0)
    assert [(c.name, v.allocated, v.used) for c, v in children] == [("柯城电力", 1, 1)]
    # a rejection above frees the places below
    service.reject(world.users["city"], first.id, "名额调整")
    _unit, own, children, _ = service.quota_overview(county, event.id)
    assert own.used == 0 and children[0][1].used == 0
    assert service.approve(world.users["ent_a"], pending.id).waiting_org_id == world.orgs["county_a"].id


def test_units_left_out_of_an_allocation_get_no_places(world, event):
    service.set_quota(world.users["city"], event.id, world.orgs["county_a"].id, 5)
    with pytest.raises(DomainError, match="衢江区 has used all its 0 places"):
        service.nominate(world.users["county_b"], event.id, [world.users["worker_b"].id])


def test_quota_pages(world, event, client, login_as):
    login_as("city")
    response = client.post(f"/events/{event.id}/quotas", data={"org_id": world.orgs["county_a"].id, "places": 3})
    assert response.status_code == 302
    page = client.get(f"/events/{event.id}/quotas").data.decode()
    assert "柯城区" in page and ">3<" in page.replace(" ", "")
    client.post("/logout")
    login_as("county_a")
    page = client.get(f"/events/{event.id}/quotas").data.decode()
    assert 'data-testid="allocated">3<' in page
    response = client.post(f"/events/{event.id}/quotas", data={"org_id": world.orgs["ent_a"].id, "places": 9}, follow_redirects=True)
    assert "柯城电力" in response.data.decode() and "3" in response.data.decode()
    assert db.session.scalar(select(func.count()).select_from(service.Quota).where(service.Quota.org_id == world.orgs["ent_a"].id)) == 0


def test_approval_pages_and_todo(world, event, client, login_as):
    nomination = service.nominate(world.users["worker"], event.id, [world.users["worker"].id])
    login_as("team_a")
    home = client.get("/").data.decode()
    assert "等待您审批的报名" in home
    assert "张小三" in client.get("/nominations/waiting").data.decode()
    client.post(f"/nominations/{nomination.id}/approve")
    assert db.session.get(Nomination, nomination.id).waiting_org_id == world.orgs["ent_a"].id
    client.post("/logout")
    login_as("ent_a")
    response = client.post(f"/nominations/{nomination.id}/reject", data={"reason": ""}, follow_redirects=True)
    assert "请填写驳回理由" in response.data.decode()
    assert db.session.get(Nomination, nomination.id).status == NominationStatus.PENDING
    client.post(f"/nominations/{nomination.id}/reject", data={"reason": "资料不全"})
    assert db.session.get(Nomination, nomination.id).status == NominationStatus.REJECTED


def test_worker_applies_from_the_event_page(world, event, client, login_as):
    login_as("worker")
    assert "报名参赛" in client.get(f"/events/{event.id}").data.decode()
    response = client.post(f"/events/{event.id}/apply")
    assert response.status_code == 302 and "/nominations/" in response.location
    response = client.post(f"/events/{event.id}/apply", follow_redirects=True)
    assert "已报名" in response.data.decode()


def test_draft_contest_stays_closed_to_nominations(world):
    contest = contests.create_contest(world.users["city"], contests.ContestInput("草稿", today().year, "skills"))
    event = contests.create_event(world.users["city"], contest.id, EventInput("电工"))
    with pytest.raises(DomainError):
        service.nominate(world.users["city"], event.id, [world.users["worker"].id])
    assert contest.status == ContestStatus.DRAFT


def test_a_first_allocation_cannot_strand_a_unit_already_using_places(world, event):
    service.set_quota(world.users["county_a"], event.id, world.orgs["ent_a"].id, 1)  # the city allocated nothing yet
    with pytest.raises(DomainError, match="Allocate to 柯城区 first"):
        service.set_quota(world.users["city"], event.id, world.orgs["county_b"].id, 2)
    service.set_quota(world.users["city"], event.id, world.orgs["county_a"].id, 2)
    service.set_quota(world.users["city"], event.id, world.orgs["county_b"].id, 2)
