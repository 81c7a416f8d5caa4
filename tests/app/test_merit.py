"""立功竞赛: periods of a series, "add the next period" (a copy with judges and entries carried forward), the
cumulative ranking method (``period_total``) with a missing period and an excluded unit, the period page and its
Excel export, and a 先进个人 individual event in a merit contest."""

from __future__ import annotations

import io
import uuid
from datetime import timedelta

import openpyxl
import pytest
from sqlalchemy import select, update

from contest.clock import today
from contest.commands import SubmitScores
from contest.domain.contests import ContestStatus
from contest.domain.errors import DomainError
from contest.domain.nominations import NominationStatus
from contest.extensions import db
from contest.models import AuditLog, EventResult, JudgeAssignment, Nomination, NominationStep, Role
from contest.services import PermissionDenied, contests, draws, judging, periods, registration, results
from contest.services.contests import ContestInput, EventInput
from tests.factories import make_user

SERIES = "月度考核"
VETO = "一票否决：发生亡人事故"


def merit_contest(world, title="2026年衢州至丽水铁路衢州段建设劳动竞赛"):
    """A city 立功竞赛 with a unit event (the first period, one criterion out of 100) and a cumulative event."""
    city = world.users["city"]
    start = today()
    contest = contests.create_contest(city, ContestInput(title, start.year, "merit", start - timedelta(days=1),
                                                         start + timedelta(days=30), start + timedelta(days=60)))
    period = contests.create_event(city, contest.id, EventInput(SERIES, kind="unit"))
    component = contests.add_component(city, period.id, "考核", 100, "mean")
    contests.add_criterion(city, component.id, "得分", "100", "measurement")
    cumulative = contests.create_event(city, contest.id, EventInput("立功竞赛先进集体", kind="unit", method="period_total"))
    contests.change_status(city, contest.id, ContestStatus.OPEN)
    periods.start_series(city, period.id, SERIES, "2026年9月")
    units = [registration.nominate_unit(city, period.id, world.orgs[key].id) for key in ("ent_a", "ent_b", "team_b")]
    assert all(n.status == NominationStatus.CONFIRMED for n in units)
    periods.set_up_cumulative(city, cumulative.id, SERIES)
    contests.change_status(city, contest.id, ContestStatus.CLOSED)
    draws.hold_draw(city, period.id)
    draws.hold_draw(city, cumulative.id)
    contests.change_status(city, contest.id, ContestStatus.RUNNING)
    chief = make_user("merit_chief", contest.host, {Role.JUDGE}, world.users["worker"].password_hash, name="检查组长")
    db.session.commit()
    judging.assign_judge(city, period.id, chief.id, chief=True)
    return contest, period, cumulative, chief


def score(world, event, chief, totals: dict[str, str]):
    """The chief inspector marks each unit (by unit key), signs off; the host computes the results."""
    sheet = judging.sheet(chief, event.id)
    criterion = sheet["criteria"][0]["id"]
    number = {n.unit_id: n.competitor_number for n in db.session.scalars(select(Nomination).where(Nomination.event_id == event.id))}
    items = [{"competitor_number": number[world.orgs[key].id], "criterion_id": criterion, "value": value} for key, value in totals.items()]
    assert judging.submit_scores(chief, event.id, SubmitScores.from_json(event.id, {"idempotency_key": uuid.uuid4().hex, "scores": items})).status == 200
    judging.sign_off(chief, event.id)
    results.compute_results(world.users["city"], event.id)


def test_adding_the_next_period_copies_the_event_its_judges_and_carries_its_entries(world):
    contest, first, cumulative, chief = merit_contest(world)
    city = world.users["city"]
    contests.set_ranking_rules(city, first.id, [], {"mode": "count", "tiers": [{"name": "月度先进", "value": "1"}]})
    second = periods.add_next_period(city, first.id)
    assert (second.name, second.period_series, second.period_label, second.period_seq) == (
        "月度考核（2026年10月）", SERIES, "2026年10月", 2)
    assert second.kind == first.kind and second.method_name == first.method_name and second.award_scheme == first.award_scheme
    assert [(c.name, c.weight, [(k.name, k.max_x100, k.kind) for k in c.criteria]) for c in second.components] == [
        (c.name, c.weight, [(k.name, k.max_x100, k.kind) for k in c.criteria]) for c in first.components]
    assert {c.id for c in second.components}.isdisjoint({c.id for c in first.components})
    judges = db.session.scalars(select(JudgeAssignment).where(JudgeAssignment.event_id == second.id)).all()
    assert [(j.judge_id, j.is_chief) for j in judges] == [(chief.id, True)]
    carried = db.session.scalars(select(Nomination).where(Nomination.event_id == second.id).order_by(Nomination.id)).all()
    before = db.session.scalars(select(Nomination).where(Nomination.event_id == first.id).order_by(Nomination.id)).all()
    assert [(n.unit_id, n.competitor_number, n.status) for n in carried] == [
        (n.unit_id, n.competitor_number, NominationStatus.CONFIRMED) for n in before]
    steps = db.session.scalars(select(NominationStep).where(NominationStep.nomination_id == carried[0].id)).all()
    assert [(s.action, s.reason) for s in steps] == [("carry", first.name)]
    record = db.session.scalar(select(AuditLog).where(AuditLog.action == "period.add"))
    assert record.target_id == second.id and record.details["carried"] == 3
    # the judges score the new period on the tablet sheet as usual
    assert {e["competitor_number"] for e in judging.sheet(chief, second.id)["entries"]} == {n.competitor_number for n in carried}
    # the next one after that is 2026年11月, added from any period of the series; a label may be typed
    third = periods.add_next_period(city, first.id, "2026年第4季度")
    assert third.period_seq == 3 and third.period_label == "2026年第4季度"
    with pytest.raises(DomainError, match="already has a period"):
        periods.add_next_period(city, first.id, "2026年10月")


def test_adding_a_period_is_refused_to_others_and_for_an_event_outside_a_series(world):
    contest, first, cumulative, _chief = merit_contest(world)
    with pytest.raises(PermissionDenied):
        periods.add_next_period(world.users["county_a"], first.id)
    with pytest.raises(DomainError, match="not a period"):
        periods.add_next_period(world.users["city"], cumulative.id)


def _three_periods(world):
    """Period 1: 柯城电力 90, 衢江机械 80, 焊接班 70. Period 2: 焊接班 dropped out; 衢江机械 95 but vetoed.
    Cumulative: 衢江机械 175 (excluded), 柯城电力 170, 焊接班 70 (period 2 missing)."""
    contest, first, cumulative, chief = merit_contest(world)
    score(world, first, chief, {"ent_a": "90", "ent_b": "80", "team_b": "70"})
    second = periods.add_next_period(world.users["city"], first.id)
    dropped = db.session.scalar(select(Nomination).where(Nomination.event_id == second.id, Nomination.unit_id == world.orgs["team_b"].id))
    dropped.status = NominationStatus.WITHDRAWN
    db.session.commit()
    score(world, second, chief, {"ent_a": "80", "ent_b": "95"})
    # the indicators method stores a veto this way (the reason on the period's result row)
    vetoed = db.session.scalar(select(EventResult).join(Nomination, Nomination.id == EventResult.nomination_id)
                               .where(EventResult.event_id == second.id, Nomination.unit_id == world.orgs["ent_b"].id))
    vetoed.excluded_reason = VETO
    db.session.commit()
    return contest, first, second, cumulative


@pytest.mark.db
def test_the_cumulative_ranking_sums_the_periods_with_a_missing_period_and_an_excluded_unit(world):
    contest, first, second, cumulative = _three_periods(world)
    city = world.users["city"]
    assert cumulative.method.progress(cumulative).complete
    given = cumulative.method.ranking_input(cumulative)
    by_unit = {db.session.get(Nomination, r.entry_id).unit_id: r for r in given.ranked}
    orgs = world.orgs
    assert [(by_unit[orgs[k].id].rank, str(by_unit[orgs[k].id].total)) for k in ("ent_b", "ent_a", "team_b")] == [
        (1, "175"), (2, "170"), (3, "70")]
    excluded_id = next(e for e, r in ((r.entry_id, r) for r in given.ranked) if by_unit[orgs["ent_b"].id].entry_id == e)
    assert given.excluded == {excluded_id: f"2026年10月：{VETO}"}

    page = periods.period_page(city, contest.id)
    (table,) = page.tables
    assert [p.period_label for p in table.periods] == ["2026年9月", "2026年10月"] and table.cumulative.id == cumulative.id
    rows = {r.unit.name: r for r in table.rows}
    assert [r.unit.name for r in table.rows] == ["衢江机械", "柯城电力", "焊接班"]
    assert rows["焊接班"].missing == ["2026年10月"] and rows["焊接班"].cells[1].total is None
    assert rows["衢江机械"].exclusions == [("2026年10月", VETO)]
    assert [(c.total, c.rank) for c in rows["柯城电力"].cells] == [(90, 1), (80, 2)]

    with pytest.raises(DomainError, match="not signed this event off"):
        results.compute_results(city, cumulative.id)
    with pytest.raises(PermissionDenied):
        periods.confirm_cumulative(world.users["county_a"], cumulative.id)
    periods.confirm_cumulative(city, cumulative.id)
    assert contest.status == ContestStatus.SCORED  # every event is signed off: the two periods and the cumulative one
    with pytest.raises(DomainError):
        periods.add_next_period(city, first.id)
    rows = results.compute_results(city, cumulative.id)
    assert [(r.rank, r.total_x100) for r in rows] == [(1, 17500), (2, 17000), (3, 7000)]


def test_an_excluded_unit_takes_no_cumulative_award(world):
    contest, _first, _second, cumulative = _three_periods(world)
    city = world.users["city"]
    contests.set_ranking_rules(city, cumulative.id, [], {"mode": "count", "tiers": [{"name": "立功竞赛先进集体", "value": "1"}]})
    periods.confirm_cumulative(city, cumulative.id)
    rows = results.compute_results(city, cumulative.id)
    assert [(r.rank, r.award, r.excluded_reason) for r in rows] == [
        (1, None, f"2026年10月：{VETO}"), (2, "立功竞赛先进集体", None), (3, None, None)]


def test_confirming_waits_for_every_period_to_have_results(world):
    contest, first, cumulative, chief = merit_contest(world)
    with pytest.raises(DomainError, match="no results yet"):
        periods.confirm_cumulative(world.users["city"], cumulative.id)
    score(world, first, chief, {"ent_a": "90", "ent_b": "80", "team_b": "70"})
    periods.add_next_period(world.users["city"], first.id)
    with pytest.raises(DomainError, match="1 periods"):
        periods.confirm_cumulative(world.users["city"], cumulative.id)


def test_the_period_page_is_the_hosts_until_published_then_public(world, client, login_as):
    contest, _first, _second, cumulative = _three_periods(world)
    anonymous = client.get(f"/contests/{contest.id}/periods")
    assert anonymous.status_code in (302, 403)
    login_as("city")
    page = client.get(f"/contests/{contest.id}/periods")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "衢江机械" in html and VETO in html and "2026年10月" in html
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(f"/contests/{contest.id}/periods.xlsx").data))
    sheet = workbook[SERIES]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("名次", "单位") and rows[1][1] == "衢江机械" and rows[1][6] == 175
    assert rows[3][1] == "焊接班" and "2026年10月" in rows[3][8]
    assert VETO in rows[1][9]
    client.post("/logout")
    login_as("county_a")
    assert client.get(f"/contests/{contest.id}/periods").status_code == 403
    periods.confirm_cumulative(world.users["city"], cumulative.id)
    results.compute_results(world.users["city"], cumulative.id)
    results.publish(world.users["city"], contest.id)
    public = client.get(f"/contests/{contest.id}/periods").get_data(as_text=True)
    assert "衢江机械" in public and VETO not in public and "不参与评优" in public


def test_a_period_is_added_from_the_page(world, client, login_as):
    contest, first, cumulative, _chief = merit_contest(world)
    login_as("city")
    page = client.get(f"/contests/{contest.id}/periods")
    assert "2026年10月" in page.get_data(as_text=True)  # the proposed label
    response = client.post(f"/events/{first.id}/periods/next", data={"label": ""}, follow_redirects=True)
    assert "月度考核（2026年10月）" in response.get_data(as_text=True)
    assert [p.period_label for p in periods.periods_of(contest.id, SERIES)] == ["2026年9月", "2026年10月"]
    assert client.get(f"/events/{cumulative.id}/cumulative").status_code == 200
    event_page = client.get(f"/events/{cumulative.id}").get_data(as_text=True)  # the method's summary on the event page
    assert f"/events/{cumulative.id}/cumulative" in event_page and "分期累计（月度考核）" in event_page
    contest_page = client.get(f"/contests/{contest.id}").get_data(as_text=True)
    assert f"/contests/{contest.id}/periods" in contest_page


def test_an_individual_event_of_a_merit_contest_takes_workers_nominated_by_their_unit(world):
    """先进个人: a person nominated by a unit, through the existing worker nomination flow and a rubric."""
    contest, _period, _cumulative, _chief = merit_contest(world, title="2026年衢丽铁路劳动竞赛")
    city = world.users["city"]
    start = today()
    other = contests.create_contest(city, ContestInput("2027年衢丽铁路劳动竞赛", start.year, "merit", start - timedelta(days=1),
                                                       start + timedelta(days=30), start + timedelta(days=60)))
    event = contests.create_event(city, other.id, EventInput("立功竞赛先进个人"))
    component = contests.add_component(city, event.id, "事迹", 100, "mean")
    contests.add_criterion(city, component.id, "评分", "100", "measurement")
    contests.change_status(city, other.id, ContestStatus.OPEN)
    nomination = registration.nominate(world.users["team_a"], event.id, [world.users["worker"].id])
    assert nomination.status == NominationStatus.PENDING and nomination.waiting_org_id == world.orgs["ent_a"].id
    for key in ("ent_a", "county_a", "city"):
        registration.approve(world.users[key], nomination.id)
    assert nomination.status == NominationStatus.CONFIRMED and nomination.display_name == "张小三"


def test_the_period_export_is_inert_with_hostile_unit_names_and_reasons(world, client, login_as):
    from tests.app.test_exports import REASON, UNIT, assert_inert

    contest, _first, second, _cumulative = _three_periods(world)
    world.orgs["ent_b"].name = UNIT
    db.session.execute(update(EventResult).where(EventResult.event_id == second.id, EventResult.excluded_reason.is_not(None))
                       .values(excluded_reason=REASON))
    db.session.commit()
    login_as("city")
    response = client.get(f"/contests/{contest.id}/periods.xlsx")
    assert response.status_code == 200
    assert_inert(response.data, '=HYPERLINK("http://evil.example","班组")', "-2+3复核")
