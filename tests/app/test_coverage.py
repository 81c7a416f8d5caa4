"""安康杯 coverage (issue 14, part 7): the table of a unit's subtree for a year — unit entries counted once, scores
and vetoes only once published, figures from submitted self-assessments — on its page, in its xlsx export and on
the dashboard, in a bounded number of queries."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from contest.clock import today
from contest.domain.contests import ContestStatus
from contest.extensions import db
from contest.models import Contest, EventResult, SelfAssessment, User
from contest.services import PermissionDenied, contests, coverage, dashboard, registration
from contest.services.contests import ContestInput, EventInput
from tests.app.test_dashboard import count_queries, metric
from tests.app.test_query_counts import queries
from tests.contest_factories import add_simple_rubric
from tests.factories import make_org

pytestmark = pytest.mark.db  # JSON columns, outer joins and path prefixes on both databases


def safety_contest(organiser, title="衢州市“安康杯”竞赛", year=None, events=("优胜企业", "优胜班组"), kind="safety"):
    start = today()
    contest = contests.create_contest(organiser, ContestInput(f"{year or start.year}年{title}", year or start.year, kind,
                                                              start - timedelta(days=1), start + timedelta(days=30), start + timedelta(days=60)))
    for name in events:
        event = contests.create_event(organiser, contest.id, EventInput(name, kind="unit"))
        add_simple_rubric(organiser, event.id)
    contests.change_status(organiser, contest.id, ContestStatus.OPEN)
    return contest


def result(nomination, total_x100: int, veto: str | None = None) -> None:
    db.session.add(EventResult(event_id=nomination.event_id, nomination_id=nomination.id, rank=1, total_x100=total_x100,
                               components={}, titles=[], excluded_reason=veto))
    db.session.commit()


def assessment(nomination, status="submitted", at: datetime | None = None, **figures: str) -> None:
    db.session.add(SelfAssessment(event_id=nomination.event_id, nomination_id=nomination.id, figures=figures, status=status,
                                  submitted_at=at or datetime(2026, 3, 1)))
    db.session.commit()


def publish(contest) -> None:
    db.session.get(Contest, contest.id).status = ContestStatus.PUBLISHED
    db.session.commit()


@pytest.fixture
def season(world):
    """The city's 安康杯 (two events) and 柯城区's own: 柯城电力 entered three times, 焊接班 confirmed, 衢江机械
    withdrawn, a unit of an earlier year and of a skills contest, and an enterprise since deactivated."""
    city, county_a = world.users["city"], world.users["county_a"]
    cup = safety_contest(city)
    enterprise_event, team_event = cup.events
    ent_a = registration.nominate_unit(world.users["ent_a"], enterprise_event.id, world.orgs["ent_a"].id)  # pending at 柯城区
    registration.nominate_unit(world.users["ent_a"], team_event.id, world.orgs["ent_a"].id)
    county_cup = safety_contest(county_a, title="柯城区“安康杯”竞赛", events=("优胜企业",))
    registration.nominate_unit(county_a, county_cup.events[0].id, world.orgs["ent_a"].id)
    team_b = registration.nominate_unit(city, team_event.id, world.orgs["team_b"].id)  # confirmed at once
    withdrawn = registration.nominate_unit(city, enterprise_event.id, world.orgs["ent_b"].id)
    registration.withdraw(city, withdrawn.id, "重复报名")
    old = safety_contest(city, title="衢州市“安康杯”竞赛（往年）", year=today().year - 1, events=("优胜企业",))
    registration.nominate_unit(city, old.events[0].id, world.orgs["ent_b"].id)
    skills = safety_contest(city, title="单位技能赛", events=("单位",), kind="skills")
    registration.nominate_unit(city, skills.events[0].id, world.orgs["ent_b"].id)
    closed = make_org("停业企业", world.orgs["ent_b"].level, world.orgs["county_b"])
    db.session.commit()
    registration.nominate_unit(city, enterprise_event.id, closed.id)
    closed.active = False
    db.session.commit()
    return {"cup": cup, "ent_a": ent_a, "team_b": team_b}


def test_the_city_sees_a_row_per_county_with_units_counted_once(world, season):
    unit, table = coverage.coverage_table(world.users["city"], today().year)
    assert unit == world.orgs["city"]
    a, b = table.rows
    assert (a.name, b.name) == ("柯城区", "衢江区")
    assert (a.enterprises, a.enterprises_enrolled, a.enterprise_coverage, a.teams, a.teams_enrolled) == (1, 1, 100, 1, 0)
    # 衢江机械 withdrew (and entered only an earlier year's and a skills contest); 停业企业 is no longer in the tree
    assert (b.enterprises, b.enterprises_enrolled, b.enterprise_coverage, b.teams, b.teams_enrolled) == (1, 0, 0, 1, 1)
    t = table.totals
    assert (t.enterprises, t.enterprises_enrolled, t.enterprise_coverage, t.teams_enrolled, t.team_coverage) == (2, 1, 50, 1, 50)
    _, last_year = coverage.coverage_table(world.users["city"], today().year - 1)
    assert last_year.totals.enterprises_enrolled == 1 and last_year.totals.enterprise_coverage == 50


def test_scores_and_vetoes_show_once_published_and_figures_once_submitted(world, season):
    result(season["ent_a"], 9700, veto="一票否决：发生亡人事故")
    result(season["team_b"], 8551)
    assessment(season["ent_a"], at=datetime(2026, 2, 1), hazards_found="20", hazards_corrected="15")
    assessment(season["team_b"], status="draft", hazards_found="99")
    _, table = coverage.coverage_table(world.users["city"], today().year)
    assert table.totals.scored == 0 and table.totals.average_score is None and table.totals.vetoes == 0  # not published yet
    assert table.totals.hazards_found == 20 and table.totals.correction_rate == 75  # the draft is not counted
    publish(season["cup"])
    _, table = coverage.coverage_table(world.users["city"], today().year)
    a, b = table.rows
    assert a.average_score == Decimal("97.00") and a.vetoes == 1 and b.average_score == Decimal("85.51") and b.vetoes == 0
    assert table.totals.average_score == Decimal("91.26") and table.totals.vetoes == 1  # (97 + 85.51) / 2 = 91.255


def test_a_county_sees_its_enterprises_and_an_enterprise_its_teams(world, season):
    unit, table = coverage.coverage_table(world.users["county_a"], today().year)
    assert [r.name for r in table.rows] == ["柯城电力"] and table.rows[0].enterprises_enrolled == 1
    with pytest.raises(PermissionDenied):
        coverage.coverage_table(world.users["county_a"], today().year, world.orgs["county_b"].id)
    _, table = coverage.coverage_table(world.users["ent_a"], today().year)
    assert [(r.name, r.level) for r in table.rows] == [("柯城电力", "enterprise"), ("运维一班", "team")]
    assert (table.totals.enterprises, table.totals.enterprises_enrolled, table.totals.teams, table.totals.teams_enrolled) == (1, 1, 1, 0)
    with pytest.raises(PermissionDenied):
        coverage.coverage_table(world.users["worker"], today().year)


def test_the_table_runs_a_fixed_number_of_queries(world, season):
    unit, year = world.orgs["city"], today().year
    db.session.refresh(unit)  # the unit is loaded (the views pass a loaded one)
    small = count_queries(lambda: coverage.table_for(unit, year))
    city = world.users["city"]
    for i in range(6):
        org = make_org(f"新企业{i}", world.orgs["ent_a"].level, world.orgs["county_b" if i % 2 else "county_a"])
        db.session.commit()
        nomination = registration.nominate_unit(city, season["cup"].events[0].id, org.id)
        result(nomination, 9000 + i)
        assessment(nomination, proposals_made="3", proposals_adopted="1")
    db.session.refresh(unit)
    assert count_queries(lambda: coverage.table_for(unit, year)) == small == coverage.QUERIES


def test_the_dashboard_draws_the_same_coverage(world, season, client, login_as):
    login_as("city")
    html = client.get("/dashboard/").get_data(as_text=True)
    assert metric(html, "safety-coverage") == 50
    assert 'data-chart="safety"' in html and "/dashboard/safety-coverage?" in html
    board = dashboard.build(world.users["city"], world.orgs["city"], today().year)
    assert board.coverage == coverage.table_for(world.orgs["city"], today().year)
    book = load_workbook(io.BytesIO(client.get("/dashboard/export.xlsx").data), read_only=True)
    rows = list(book[book.sheetnames[-1]].iter_rows(values_only=True))
    assert rows[0][:5] == ("单位", "层级", "企业总数", "参赛企业", "覆盖率（％）")
    assert rows[-1][:5] == ("合计", None, 2, 1, 50)


def test_the_coverage_page_and_its_export(world, season, client, login_as):
    result(season["ent_a"], 9700, veto="一票否决：发生亡人事故")
    assessment(season["ent_a"], hazards_found="20", hazards_corrected="15", proposals_made="8", proposals_adopted="6")
    publish(season["cup"])
    login_as("county_a")
    response = client.get("/dashboard/safety-coverage")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    for heading in ("企业总数", "参赛企业", "覆盖率", "参赛班组", "平均得分", "隐患整改", "合理化建议采纳", "一票否决"):
        assert heading in html, heading
    assert "<caption>" in html and 'scope="colgroup"' in html and 'scope="row"' in html
    row = html[html.index(f'data-coverage-row="{world.orgs["ent_a"].id}"'):]
    assert 'data-field="average_score">97.00<' in row and 'data-field="correction_rate">75<' in row and 'data-field="vetoes">1<' in row
    assert client.get(f"/dashboard/safety-coverage?unit={world.orgs['county_b'].id}").status_code == 403
    assert client.get("/dashboard/safety-coverage?year=1999").status_code == 404
    assert client.get(f"/dashboard/safety-coverage?unit={'9' * 40}").status_code == 404
    response = client.get(f"/dashboard/safety-coverage.xlsx?year={today().year}")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    book = load_workbook(io.BytesIO(response.data), read_only=True)
    rows = list(book[book.sheetnames[0]].iter_rows(values_only=True))
    header, first, total = rows[0], rows[1], rows[-1]
    assert header[0] == "单位" and "平均得分" in header and "一票否决单位" in header
    assert first[0] == "柯城电力" and first[header.index("平均得分")] == 97 and first[header.index("整改率（％）")] == 75
    assert total[0] == "合计" and total[header.index("参赛企业")] == 1 and total[header.index("班组覆盖率（％）")] == 0
    assert first[header.index("一票否决单位")] == 1


def test_the_coverage_page_runs_a_constant_number_of_queries(world, season, client, login_as):
    def grow(n: int, start: int = 0) -> None:
        for i in range(start, start + n):
            org = make_org(f"又一企业{i}", world.orgs["ent_a"].level, world.orgs["county_a"])
            db.session.commit()
            nomination = registration.nominate_unit(world.users["city"], season["cup"].events[0].id, org.id)
            assessment(nomination, hazards_found="2", hazards_corrected="1")

    login_as("city")
    grow(1)
    small = queries(client, "/dashboard/safety-coverage")
    grow(5, 1)
    assert queries(client, "/dashboard/safety-coverage") == small


def test_the_demo_enrols_enterprises_and_teams_as_units(demo):
    city = db.session.scalar(db.select(User).where(User.username == "city"))
    _, table = coverage.coverage_table(city, today().year)
    totals, rows = table.totals, {r.name: r for r in table.rows}
    # at least the dashboard demo's own (other demos may enrol more)
    assert totals.enterprises_enrolled >= 8 and totals.teams_enrolled >= 5 and 0 < totals.enterprise_coverage < 100
    assert rows["柯城区"].enterprises_enrolled >= 2 and rows["柯城区"].teams_enrolled >= 2
