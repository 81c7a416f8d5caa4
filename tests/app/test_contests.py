"""Contests and events: creation at the organiser's level, lifecycle checks, copy, rubric rules."""

import re
from datetime import timedelta

import pytest

from contest.clock import frozen_today, today
from contest.domain.contests import ContestStatus
from contest.domain.errors import DomainError
from contest.domain.scoring_types import SCORING_TYPES
from contest.labels import CRITERION_KIND_LABELS
from contest.services import PermissionDenied
from contest.services import contests as service
from contest.services.contests import ContestInput, EventInput
from tests.contest_factories import make_contest


def test_contest_is_hosted_by_the_organisers_own_unit(world):
    contest = make_contest(world.users["county_a"], open_=False)
    assert contest.host_id == world.orgs["county_a"].id and contest.status == ContestStatus.DRAFT
    with pytest.raises(PermissionDenied):
        service.create_contest(world.users["worker"], ContestInput("x", 2026, "skills"))


def test_opening_is_checked(world):
    organiser = world.users["city"]
    contest = service.create_contest(organiser, ContestInput("赛", today().year, "skills"))
    with pytest.raises(DomainError, match="registration window"):
        service.change_status(organiser, contest.id, ContestStatus.OPEN)
    service.update_contest(organiser, contest.id, ContestInput("赛", today().year, "skills", today(), today() + timedelta(days=9)))
    with pytest.raises(DomainError, match="at least one event"):
        service.change_status(organiser, contest.id, ContestStatus.OPEN)
    event = service.create_event(organiser, contest.id, EventInput("电工"))
    component = service.add_component(organiser, event.id, "理论", 30, "mean")
    service.add_criterion(organiser, component.id, "笔试", "100", "measurement")
    with pytest.raises(DomainError, match="add up to 100"):
        service.change_status(organiser, contest.id, ContestStatus.OPEN)
    with pytest.raises(DomainError, match="cannot go from"):
        service.change_status(organiser, contest.id, ContestStatus.RUNNING)
    practice = service.add_component(organiser, event.id, "实操", 70, "median")
    service.add_criterion(organiser, practice.id, "操作", "70", "measurement")
    assert service.change_status(organiser, contest.id, ContestStatus.OPEN).status == ContestStatus.OPEN


def test_rubric_refusals(world):
    organiser = world.users["city"]
    contest = make_contest(organiser, open_=False)
    event = contest.events[0]
    with pytest.raises(DomainError, match="add up to"):
        service.add_component(organiser, event.id, "附加", 1, "mean")
    component = event.components[0]
    for bad in ("abc", "0", "-1", "10.555", "5000"):
        with pytest.raises(DomainError):
            service.add_criterion(organiser, component.id, "项", bad, "measurement")
    with pytest.raises(DomainError, match="already has an event"):
        service.create_event(organiser, contest.id, EventInput("电工"))
    with pytest.raises(DomainError, match="between 2 and 20"):
        service.create_event(organiser, contest.id, EventInput("团体", kind="team", team_min=1, team_max=3))


def test_only_the_host_manages(world):
    contest = make_contest(world.users["city"], open_=False)
    with pytest.raises(PermissionDenied):
        service.create_event(world.users["county_a"], contest.id, EventInput("焊工"))
    with pytest.raises(PermissionDenied):  # drafts are invisible outside the host's subtree... and above it
        service.get_contest(world.users["worker"], contest.id)


def test_visibility_follows_the_tree(world):
    city_contest = make_contest(world.users["city"])
    county_b_contest = make_contest(world.users["county_b"], title="衢江区比赛")
    draft = make_contest(world.users["county_a"], title="柯城草稿", open_=False)
    ids = lambda user: {c.id for c in service.db.session.scalars(service.contests_query(user))}  # noqa: E731
    assert ids(world.users["worker"]) == {city_contest.id}
    assert ids(world.users["county_a"]) == {city_contest.id, draft.id}
    assert ids(world.users["county_b"]) == {city_contest.id, county_b_contest.id}
    assert ids(world.users["admin"]) == {city_contest.id, county_b_contest.id, draft.id}


def test_copy_keeps_events_and_rubrics_and_moves_dates(world):
    organiser = world.users["city"]
    source = make_contest(organiser, title=f"{today().year}年大赛", events=("电工", "焊工"))
    copy = service.copy_contest(organiser, source.id, today().year + 1)
    assert copy.title == f"{today().year + 1}年大赛" and copy.status == ContestStatus.DRAFT and copy.copied_from_id == source.id
    assert [e.name for e in copy.events] == ["电工", "焊工"]
    assert [(c.name, c.weight, [k.max_x100 for k in c.criteria]) for c in copy.events[0].components] == [
        ("理论", 30, [10000]), ("实操", 70, [6000, 1000])]
    assert copy.registration_closes.year == source.registration_closes.year + 1


def test_close_reopen_and_start(world):
    organiser = world.users["city"]
    contest = make_contest(organiser)
    service.change_status(organiser, contest.id, ContestStatus.CLOSED)
    service.change_status(organiser, contest.id, ContestStatus.OPEN)
    service.change_status(organiser, contest.id, ContestStatus.CLOSED)
    with frozen_today(today() + timedelta(days=31)):
        with pytest.raises(DomainError, match="ended"):
            service.change_status(organiser, contest.id, ContestStatus.OPEN)
    assert service.change_status(organiser, contest.id, ContestStatus.RUNNING).status == ContestStatus.RUNNING
    with pytest.raises(DomainError, match="Scoring"):
        service.change_status(organiser, contest.id, ContestStatus.SCORED)


def test_contest_pages(world, client, login_as):
    login_as("city")
    response = client.post("/contests/new", data={"title": "2026年大赛", "year": 2026, "kind": "skills"})
    assert response.status_code == 302
    detail = client.get(response.location).data.decode()
    assert "2026年大赛" in detail and "草稿" in detail
    contest_id = int(response.location.rsplit("/", 1)[1])
    response = client.post(f"/contests/{contest_id}/status", data={"target": "open"})
    assert "请先设置报名时间" in client.get(response.location).data.decode()
    response = client.post(f"/contests/{contest_id}/events/new", data={"name": "电工", "kind": "individual"})
    assert response.status_code == 302
    event_id = int(response.location.rsplit("/", 1)[1])
    client.post(f"/events/{event_id}/components", data={"name": "实际操作", "weight": 120, "aggregation": "mean"})
    assert "实际操作" not in client.get(f"/events/{event_id}").data.decode()
    client.post(f"/events/{event_id}/components", data={"name": "实际操作", "weight": 100, "aggregation": "mean"})
    assert "实际操作" in client.get(f"/events/{event_id}").data.decode()


def test_a_safety_cup_unit_event_is_added_on_the_event_page(world, client, login_as):
    """A new host sets up his 安康杯 through the pages: the event form offers unit events and the indicator sheet
    (the form used to hide the unit kind, so only a copy of an earlier contest could have one)."""
    from contest.models import Event

    login_as("city")
    response = client.post("/contests/new", data={"title": "2026年衢州市安康杯竞赛", "year": 2026, "kind": "safety"})
    contest_id = int(response.location.rsplit("/", 1)[1])
    form = client.get(f"/contests/{contest_id}/events/new").data.decode()
    assert 'value="unit"' in form and 'value="indicators"' in form
    response = client.post(f"/contests/{contest_id}/events/new",
                           data={"name": "优胜企业", "kind": "unit", "bracket_format": "indicators"})
    assert response.status_code == 302
    event = service.get_event(world.users["city"], int(response.location.rsplit("/", 1)[1]))
    assert isinstance(event, Event) and event.takes_units and event.method.name == "indicators"
    assert client.get(f"/events/{event.id}/indicators").status_code == 200
    assert f"/events/{event.id}/enrol" in client.get(f"/contests/{contest_id}").data.decode()
    edit = client.get(f"/events/{event.id}/edit").data.decode()
    assert re.search(r'<option[^>]*selected[^>]*value="unit"|<option[^>]*value="unit"[^>]*selected', edit)


def test_no_reopening_or_rubric_changes_after_a_draw(world):
    from contest.services import draws, registration

    organiser = world.users["city"]
    contest = make_contest(organiser)
    event = contest.events[0]
    registration.nominate(organiser, event.id, [world.users["worker"].id])
    service.change_status(organiser, contest.id, ContestStatus.CLOSED)
    draws.hold_draw(organiser, event.id)
    with pytest.raises(DomainError, match="cannot reopen"):
        service.change_status(organiser, contest.id, ContestStatus.OPEN)
    with pytest.raises(DomainError, match="draw has been held"):
        service.add_component(organiser, event.id, "附加", 1, "mean")
    with pytest.raises(DomainError, match="after the draw"):
        registration.set_quota(organiser, event.id, world.orgs["county_a"].id, 3)


SCHEME = {"mode": "percent", "tiers": [{"name": "一等奖", "value": "10"}, {"name": "二等奖", "value": "20"}, {"name": "三等奖", "value": "30"}],
          "rounding": "half_up", "boundary_policy": "tied_take_higher", "min_score": "60",
          "top_title": {"name": "技术能手", "ranks": "3"}, "youth_title": {"name": "青年岗位能手", "max_age": "35"}}


def test_tie_breakers_and_award_scheme(world):
    organiser = world.users["city"]
    event = make_contest(organiser).events[0]
    practical = event.components[1]
    criterion = practical.criteria[0]
    service.set_ranking_rules(organiser, event.id, [f"component:{practical.id}", f"criterion:{criterion.id}", "time"], SCHEME)
    assert [t[0] for t in event.tie_breakers] == ["higher_component", "higher_criterion", "shorter_completion_time"]
    scheme = service.award_scheme_of(event)
    assert [t.name for t in scheme.tiers] == ["一等奖", "二等奖", "三等奖"] and [r.name for r in scheme.titles] == ["技术能手", "青年岗位能手"]
    with pytest.raises(DomainError, match="once"):
        service.set_ranking_rules(organiser, event.id, ["time", "time"], SCHEME)
    with pytest.raises(DomainError):
        service.set_ranking_rules(organiser, event.id, [], {**SCHEME, "tiers": [{"name": "一等奖", "value": "80"}, {"name": "二等奖", "value": "30"}]})
    with pytest.raises(DomainError, match="whole number"):
        service.set_ranking_rules(organiser, event.id, [], {**SCHEME, "mode": "count", "tiers": [{"name": "一等奖", "value": "1.5"}]})
    with pytest.raises(PermissionDenied):
        service.set_ranking_rules(world.users["county_a"], event.id, [], SCHEME)


def test_ranking_rules_page(world, client, login_as):
    event = make_contest(world.users["city"]).events[0]
    login_as("city")
    form = {"tie1": f"component:{event.components[1].id}", "mode": "count", "tier1_name": "一等奖", "tier1_value": "1",
            "tier2_name": "二等奖", "tier2_value": "2", "tier3_name": "三等奖", "tier3_value": "3", "rounding": "half_up",
            "boundary_policy": "tied_take_higher", "top_title_name": "技术能手", "top_title_ranks": "3"}
    page = client.post(f"/events/{event.id}/ranking-rules", data=form, follow_redirects=True).data.decode()
    assert "技术能手" in page and "一等奖 1" in page


def test_rubric_page_states_the_trimmed_mean_rule_and_when_the_plain_mean_is_used(world, client, login_as):
    from contest.extensions import db
    from contest.models import JudgeAssignment

    organiser = world.users["city"]
    contest = service.create_contest(organiser, ContestInput("赛", today().year, "skills"))
    event = service.create_event(organiser, contest.id, EventInput("电工"))
    component = service.add_component(organiser, event.id, "实操", 100, "trimmed_mean")
    service.add_criterion(organiser, component.id, "操作", "100", "measurement")
    login_as("city")
    page = client.get(f"/events/{event.id}").data.decode()
    assert 'id="trim-rule"' in page and "5" in page and 'id="trim-plain-mean"' not in page
    for name in ("judge", "admin", "county_a"):
        db.session.add(JudgeAssignment(event_id=event.id, judge_id=world.users[name].id))
    db.session.commit()
    page = client.get(f"/events/{event.id}").data.decode()
    assert 'id="trim-plain-mean"' in page and "3" in page
    for name in ("ent_a", "team_a"):
        db.session.add(JudgeAssignment(event_id=event.id, judge_id=world.users[name].id))
    db.session.commit()
    assert 'id="trim-plain-mean"' not in client.get(f"/events/{event.id}").data.decode()


def test_the_rubric_page_names_each_kind_of_mark_from_the_scoring_types(world, client, login_as):
    """The labels come from the scoring-type registry (every kind); the form offers the kinds an organiser adds
    by hand (occurrences and vetoes come from an indicator sheet)."""
    organiser = world.users["city"]
    contest = service.create_contest(organiser, ContestInput("赛", today().year, "skills"))
    event = service.create_event(organiser, contest.id, EventInput("电工"))
    component = service.add_component(organiser, event.id, "实操", 100, "mean")
    service.add_criterion(organiser, component.id, "操作", "90", "measurement")
    service.add_criterion(organiser, component.id, "安全", "10", "judgement")
    login_as("city")
    page = client.get(f"/events/{event.id}").data.decode()
    assert "操作 <small class=\"text-muted\">客观测量分</small>" in page
    assert "安全 <small class=\"text-muted\">评价分（每名裁判0–3分）</small>" in page
    offered = re.findall(r'<option[^>]*value="(\w+)"', page.split('name="kind"', 1)[1].split("</select>", 1)[0])
    assert offered == ["measurement", "judgement"]
    assert {kind.value for kind in CRITERION_KIND_LABELS} == set(SCORING_TYPES)
