"""The ``indicators`` decision method: the sheet stored with the event and materialised as its rubric, the
builder pages, copy from last year (and with a contest copy), inspections with notes and veto reasons through
the one write path, ratios from reported figures, and ranking with a vetoed unit excluded from awards."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from sqlalchemy import select

from contest.commands import SubmitScores
from contest.domain.contests import ContestStatus, CriterionKind
from contest.domain.errors import DomainError
from contest.domain.indicators import Indicator, IndicatorMethod, Section, Sheet
from contest.extensions import db
from contest.models import Role, Score, ScoreAudit
from contest.models.safety import SelfAssessment
from contest.services import contests, draws, indicator_sheets, judging, registration, results
from contest.services.contests import EventInput
from tests.conftest import PASSWORD
from tests.contest_factories import make_contest
from tests.factories import make_user

D = Decimal
M = IndicatorMethod

SHEET = Sheet((
    Section("组织领导", (Indicator("lead", "安全生产责任制", M.POINTS, D(30)),)),
    Section("隐患排查治理", (Indicator("hazards", "未整改隐患", M.DEDUCTION, D(20), per=D(2), floor=D(0)),)),
    Section("合理化建议", (Indicator("proposals", "采纳的合理化建议", M.BONUS, D(5), per=D(1)),)),
    Section("安全教育培训", (Indicator("training", "人均培训学时", M.RATIO, D(15), target=D(8),
                                       numerator="training_hours", denominator="workers"),)),
    Section("职业健康", (Indicator("health", "职业健康监护", M.POINTS, D(30)),)),
    Section("事故情况", (Indicator("fatal", "发生亡人事故", M.VETO, guidance="一票否决"),)),
))


def unit_event(world, title="2026年衢州市安康杯竞赛"):
    city = world.users["city"]
    contest = make_contest(city, title=title, open_=False, events=())
    event = contests.create_event(city, contest.id, EventInput("优胜企业", kind="unit"))
    indicator_sheets.save_sheet(city, event.id, SHEET)
    return event


def test_the_sheet_is_stored_with_the_event_and_materialised_as_its_rubric(world):
    event = unit_event(world)
    assert event.method.name == "indicators" and indicator_sheets.sheet_of(event) == SHEET
    assert [c.name for c in event.components] == ["组织领导", "隐患排查治理", "合理化建议", "职业健康", "事故情况"]
    assert sum(c.weight for c in event.components) == 100
    kinds = {k.name: k.kind for c in event.components for k in c.criteria}
    assert kinds == {"安全生产责任制": CriterionKind.MEASUREMENT, "未整改隐患": CriterionKind.OCCURRENCES,
                     "采纳的合理化建议": CriterionKind.OCCURRENCES, "职业健康监护": CriterionKind.MEASUREMENT,
                     "发生亡人事故": CriterionKind.VETO}
    links = indicator_sheets.criteria_of(event)
    assert set(links) == {"lead", "hazards", "proposals", "health", "fatal"}  # the ratio has no inspector entry
    assert {k.id for c in event.components for k in c.criteria} == set(links.values())


def test_a_sheet_with_a_bad_indicator_is_refused_and_nothing_changes(world):
    event = unit_event(world)
    bad = Sheet((Section("组织领导", (Indicator("x", "责任制", M.DEDUCTION, D(10)),)),))  # no per occurrence
    with pytest.raises(DomainError, match="per occurrence"):
        indicator_sheets.save_sheet(world.users["city"], event.id, bad)
    db.session.refresh(event)
    assert indicator_sheets.sheet_of(event) == SHEET


def test_registration_opens_only_with_a_sheet_and_only_for_units(world):
    city = world.users["city"]
    contest = make_contest(city, title="2026年衢州市安康杯竞赛", open_=False, events=())
    empty = contests.create_event(city, contest.id, EventInput("优胜企业", kind="unit", method="indicators"))
    with pytest.raises(DomainError, match="no indicator sheet"):
        contests.change_status(city, contest.id, ContestStatus.OPEN)
    indicator_sheets.save_sheet(city, empty.id, SHEET)
    people = contests.create_event(city, contest.id, EventInput("安全知识", method="indicators"))
    with pytest.raises(DomainError, match="units .enterprises and teams. only"):
        contests.change_status(city, contest.id, ContestStatus.OPEN)
    db.session.refresh(contest)
    assert contest.status == ContestStatus.DRAFT
    contests.delete_event(city, people.id)
    assert contests.change_status(city, contest.id, ContestStatus.OPEN).status == ContestStatus.OPEN


def test_units_read_the_published_sheet_on_the_event_page(world, client, login_as):
    event = unit_event(world)
    contests.change_status(world.users["city"], event.contest_id, ContestStatus.OPEN)
    login_as("ent_a")
    client.get("/locale/zh_CN")
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert 'data-testid="published-sheet"' in page
    for text in ("隐患排查治理", "未整改隐患", "人均培训学时", "发生亡人事故", "一票否决"):
        assert text in page, text


def _running(world, event, units=("ent_b", "team_b", "ent_a")):
    city = world.users["city"]
    contests.change_status(city, event.contest_id, ContestStatus.OPEN)
    entered = [registration.nominate_unit(city, event.id, world.orgs[key].id) for key in units]
    contests.change_status(city, event.contest_id, ContestStatus.CLOSED)
    draws.hold_draw(city, event.id)
    contests.change_status(city, event.contest_id, ContestStatus.RUNNING)
    return entered


def _inspectors(world, event):
    host = event.contest.host
    pw = world.users["worker"].password_hash
    chief = make_user(f"chief{event.id}", host, {Role.JUDGE}, pw, name="检查组长")
    second = make_user(f"inspector{event.id}", host, {Role.JUDGE}, pw, name="检查员")
    db.session.commit()
    judging.assign_judge(world.users["city"], event.id, chief.id, chief=True)
    judging.assign_judge(world.users["city"], event.id, second.id)
    return chief, second


def _submit(judge, event, items):
    return judging.submit_scores(judge, event.id, SubmitScores.from_json(event.id, {"idempotency_key": uuid.uuid4().hex, "scores": items}))


def test_the_sheet_is_read_only_once_registration_has_closed(world, client, login_as):
    event = unit_event(world)
    _running(world, event, units=("ent_b",))
    with pytest.raises(DomainError, match="no longer change"):
        indicator_sheets.save_sheet(world.users["city"], event.id, SHEET)
    login_as("city")
    page = client.get(f"/events/{event.id}/indicators").get_data(as_text=True)
    assert 'data-testid="sheet-locked"' in page and 'data-testid="indicator-form"' not in page


def test_a_veto_hit_needs_its_reason_and_notes_are_stored_and_audited(world):
    event = unit_event(world)
    entered = _running(world, event, units=("ent_b",))
    chief, _second = _inspectors(world, event)
    links = indicator_sheets.criteria_of(event)
    number = entered[0].competitor_number
    answer = _submit(chief, event, [{"competitor_number": number, "criterion_id": links["fatal"], "value": "1"}])
    assert answer.status == 422
    assert "一票否决" in answer.body["error"]["details"][0]["message"]  # the refusal in the UI language
    assert db.session.scalar(select(Score.id)) is None  # nothing half-written
    answer = _submit(chief, event, [
        {"competitor_number": number, "criterion_id": links["fatal"], "value": "1", "note": "3月发生1起亡人事故"},
        {"competitor_number": number, "criterion_id": links["hazards"], "value": "2", "note": "2 处消防通道堵塞"},
    ])
    assert answer.status == 200 and answer.body["saved"][1]["note"] == "2 处消防通道堵塞"
    assert sorted(db.session.scalars(select(Score.note))) == ["2 处消防通道堵塞", "3月发生1起亡人事故"]
    assert sorted(db.session.scalars(select(ScoreAudit.note))) == ["2 处消防通道堵塞", "3月发生1起亡人事故"]
    mine = judging.sheet(chief, event.id)
    assert {s["note"] for s in mine["scores"]} == {"2 处消防通道堵塞", "3月发生1起亡人事故"}
    occurrences = next(c for c in mine["criteria"] if c["id"] == links["hazards"])
    assert occurrences["control"]["input"] == "integer" and occurrences["control"]["max"] == "999"
    refused = _submit(chief, event, [{"competitor_number": number, "criterion_id": links["proposals"], "value": "1.5"}])
    assert refused.status == 422


def test_the_sheet_describes_each_control_for_the_tablet_in_the_users_language(world, client):
    """The tablet renders from the sheet alone (it names no kind): each criterion's control carries its widget,
    hint, buttons' labels and note, from the scoring-type registry, translated; the API answer is checked
    against the OpenAPI description on the way out."""
    event = unit_event(world)
    _running(world, event, units=("ent_b",))
    chief, _ = _inspectors(world, event)
    token = client.post("/api/v1/tokens", json={"username": chief.username, "password": PASSWORD}).get_json()["token"]
    answer = client.get(f"/api/v1/events/{event.id}/sheet", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200
    links = indicator_sheets.criteria_of(event)
    control = {c["id"]: c["control"] for c in answer.get_json()["criteria"]}
    veto, hazards, lead = control[links["fatal"]], control[links["hazards"]], control[links["lead"]]
    assert (veto["widget"], veto["hint"], veto["labels"]) == ("buttons", "一票否决项", ["未触发", "触发"])
    assert veto["note"] == {"label": "否决原因", "placeholder": "如：3 月发生 1 起亡人事故", "required_from": "1",
                            "missing": "一票否决须填写原因。"}
    assert (hazards["widget"], hazards["hint"], hazards["note"]["required_from"]) == ("stepper", "发生次数（处）", None)
    assert (lead["widget"], lead["hint"], lead["labels"], lead["note"]) == ("number", "最高 30.00", [], None)


def test_an_inspector_never_sees_a_unit_of_his_own_enterprise(world):
    event = unit_event(world)
    entered = _running(world, event, units=("ent_a", "team_a", "ent_b"))
    judging.assign_judge(world.users["city"], event.id, world.users["judge"].id)
    numbers = {e["competitor_number"] for e in judging.sheet(world.users["judge"], event.id)["entries"]}
    assert numbers == {entered[2].competitor_number}  # 柯城电力 and its team 运维一班 are his own enterprise
    links = indicator_sheets.criteria_of(event)
    answer = _submit(world.users["judge"], event, [{"competitor_number": entered[1].competitor_number,
                                                    "criterion_id": links["lead"], "value": "10"}])
    assert answer.status == 422


def _full_marks(event, number, lead, health, hazards, proposals, fatal=("0", "")):
    links = indicator_sheets.criteria_of(event)
    return [
        {"competitor_number": number, "criterion_id": links["lead"], "value": lead},
        {"competitor_number": number, "criterion_id": links["health"], "value": health},
        {"competitor_number": number, "criterion_id": links["hazards"], "value": hazards, "note": f"{hazards} 处隐患未整改"},
        {"competitor_number": number, "criterion_id": links["proposals"], "value": proposals},
        {"competitor_number": number, "criterion_id": links["fatal"], "value": fatal[0], "note": fatal[1]},
    ]


def _inspected(world, scheme):
    """Three units inspected by two inspectors: 衢江机械 97 points but a fatal accident (seen by the chief
    inspector), 焊接班 97 (behind on 组织领导), 运维一班 74.5."""
    city = world.users["city"]
    event = unit_event(world)
    contests.set_ranking_rules(city, event.id, [], scheme)
    entered = _running(world, event, units=("ent_b", "team_b", "team_a"))
    vetoed, second_unit, third_unit = entered
    for nomination, figures in ((vetoed, {"workers": "100", "training_hours": "800"}),
                                (second_unit, {"workers": "20", "training_hours": "160"}),
                                (third_unit, {"workers": "20", "training_hours": "80"})):  # 4 h per worker: 7.5 points
        db.session.add(SelfAssessment(event_id=event.id, nomination_id=nomination.id, figures=figures, status="submitted"))
    db.session.commit()
    chief, second = _inspectors(world, event)
    for judge, lead in ((chief, "30"), (second, "30")):
        items = (_full_marks(event, vetoed.competitor_number, lead, "30", "1", "4", ("1", "3月发生1起亡人事故") if judge is chief else ("0", ""))
                 + _full_marks(event, second_unit.competitor_number, "29", "30", "1", "5")
                 + _full_marks(event, third_unit.competitor_number, "27", "20", "0", "0"))
        assert _submit(judge, event, items).status == 200
    tablet = judging.sheet(second, event.id)["indicators"]  # what the inspector's tablet shows besides the marks
    assert tablet["units"][str(second_unit.competitor_number)]["name"] == "焊接班"
    assert ["职工人数", "20", "人"] in tablet["units"][str(second_unit.competitor_number)]["figures"]
    assert tablet["guidance"] == {str(indicator_sheets.criteria_of(event)["fatal"]): "一票否决"}
    judging.sign_off(chief, event.id)
    return event, entered


@pytest.mark.db  # the stored rows (on PostgreSQL by COPY) carry the exclusion reason
def test_units_are_ranked_by_their_sheet_and_a_vetoed_unit_gets_no_award(world):
    scheme = {"mode": "count", "tiers": [{"name": "优胜企业", "value": "2"}], "rounding": "cumulative",
              "boundary_policy": "tied_take_higher", "min_score": None}
    event, (vetoed, second_unit, third_unit) = _inspected(world, scheme)
    by_unit = indicator_sheets.unit_results(event)
    assert by_unit[vetoed.id].total == D(97) and by_unit[vetoed.id].vetoed  # 30 + 18 + 4 + 15 + 30
    assert by_unit[vetoed.id].points["hazards"] == D(18) and by_unit[second_unit.id].points["training"] == D(15)
    assert by_unit[second_unit.id].total == D(97) and by_unit[third_unit.id].points["training"] == D("7.50")
    rows = results.compute_results(world.users["city"], event.id)
    assert [r.nomination_id for r in rows] == [vetoed.id, second_unit.id, third_unit.id]
    assert [r.rank for r in rows] == [1, 2, 3]
    assert rows[0].award is None and rows[0].excluded_reason == "发生亡人事故：3月发生1起亡人事故"
    assert [r.award for r in rows[1:]] == ["优胜企业", "优胜企业"]  # the vetoed unit's place passes on
    assert rows[1].excluded_reason is None


def test_a_threshold_gives_awards_only_at_or_above_the_minimum(world):
    scheme = {"mode": "count", "tiers": [{"name": "优胜企业", "value": "3"}], "rounding": "cumulative",
              "boundary_policy": "tied_take_higher", "min_score": "95"}
    event, (vetoed, second_unit, third_unit) = _inspected(world, scheme)
    rows = {r.nomination_id: r for r in results.compute_results(world.users["city"], event.id)}
    assert rows[vetoed.id].award is None  # 97 points, vetoed
    assert rows[second_unit.id].total_x100 == 9700 and rows[second_unit.id].award == "优胜企业"
    assert rows[third_unit.id].award is None  # below 95


def test_the_host_sees_the_reason_and_the_public_only_that_it_is_excluded(world, client, login_as):
    scheme = {"mode": "count", "tiers": [{"name": "优胜企业", "value": "2"}], "rounding": "cumulative",
              "boundary_policy": "tied_take_higher", "min_score": None}
    event, _entered = _inspected(world, scheme)
    results.compute_results(world.users["city"], event.id)
    login_as("city")
    page = client.get(f"/events/{event.id}/results").get_data(as_text=True)
    assert "发生亡人事故：3月发生1起亡人事故" in page and 'data-testid="excluded"' in page
    assert "1 个参评对象不论得分均不参与评优（发生亡人事故：3月发生1起亡人事故）" in page  # the host's note names it too
    # published: the public page and another organiser's results page mark the unit, and never say why (the
    # ranking's note named the reason on every page until the journey of issue 14 found it on the public page)
    results.publish(world.users["city"], event.contest_id, notice_days=5)
    client.post("/logout")
    for viewer in (None, "county_b"):
        if viewer:
            login_as(viewer)
        page = client.get(f"/public/results/{event.id}").get_data(as_text=True)
        assert 'data-testid="excluded"' in page and "亡人事故" not in page
        if viewer:
            page = client.get(f"/events/{event.id}/results").get_data(as_text=True)
            assert 'data-testid="excluded"' in page and "亡人事故" not in page


def test_last_years_sheet_is_copied_by_the_builder_and_by_a_contest_copy(world, client, login_as):
    last = unit_event(world, title="2025年衢州市安康杯竞赛")
    copy = contests.copy_contest(world.users["city"], last.contest_id, 2027)
    copied = copy.events[0]
    assert indicator_sheets.sheet_of(copied) == SHEET
    links = indicator_sheets.criteria_of(copied)
    assert {k.id for c in copied.components for k in c.criteria} == set(links.values())
    assert set(links.values()).isdisjoint(indicator_sheets.criteria_of(last).values())
    city = world.users["city"]
    contest = make_contest(city, title="2026年衢州市安康杯竞赛", open_=False, events=())
    event = contests.create_event(city, contest.id, EventInput("优胜班组", kind="unit"))
    login_as("city")
    page = client.get(f"/events/{event.id}/indicators").get_data(as_text=True)
    assert "2025年衢州市安康杯竞赛" in page
    response = client.post(f"/events/{event.id}/indicators/copy", data={"source": str(last.id)})
    assert response.status_code == 302
    db.session.expire_all()
    assert indicator_sheets.sheet_of(db.session.get(type(event), event.id)) == SHEET


def test_the_builder_adds_sections_and_indicators_and_refuses_beside_the_field(world, client, login_as):
    city = world.users["city"]
    contest = make_contest(city, title="2026年衢州市安康杯竞赛", open_=False, events=())
    event = contests.create_event(city, contest.id, EventInput("优胜企业", kind="unit"))
    login_as("city")
    assert client.post(f"/events/{event.id}/indicators/sections", data={"new_section-name": "隐患排查治理"}).status_code == 302
    response = client.post(f"/events/{event.id}/indicators", data={
        "section": "0", "name": "未整改隐患", "method": "deduction", "max_points": "20", "per": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="per-error"' in page
    response = client.post(f"/events/{event.id}/indicators", data={
        "section": "0", "name": "未整改隐患", "method": "deduction", "max_points": "20", "per": "2", "floor": "0",
        "guidance": "每处扣 2 分"})
    assert response.status_code == 302
    client.post(f"/events/{event.id}/indicators", data={"section": "0", "name": "亡人事故", "method": "veto"})
    client.post(f"/events/{event.id}/indicators", data={"section": "0", "name": "合理化建议", "method": "bonus",
                                                         "max_points": "5", "per": "1"})
    db.session.expire_all()
    sheet = indicator_sheets.sheet_of(db.session.get(type(event), event.id))
    assert [i.method for i in sheet.indicators] == [M.DEDUCTION, M.VETO, M.BONUS] and sheet.max_points == 25
    client.post(f"/events/{event.id}/indicators/{sheet.indicators[2].key}/up")
    client.post(f"/events/{event.id}/indicators/{sheet.indicators[1].key}/remove")
    db.session.expire_all()
    sheet = indicator_sheets.sheet_of(db.session.get(type(event), event.id))
    assert [i.name for i in sheet.indicators] == ["未整改隐患", "合理化建议"]
    page = client.get(f"/events/{event.id}/indicators").get_data(as_text=True)
    assert 'data-testid="sheet-total">25<' in page


def test_others_may_not_build_the_sheet(world, client, login_as):
    event = unit_event(world)
    login_as("county_a")
    assert client.get(f"/events/{event.id}/indicators").status_code == 403
    assert client.post(f"/events/{event.id}/indicators/sections", data={"name": "x"}).status_code == 403
