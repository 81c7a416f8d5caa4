"""The demo data: replayable, and every login the README names shows what the README says it shows."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from sqlalchemy import DateTime, create_engine, select

from contest import create_app
from contest.clock import frozen_today, today
from contest.config import TestConfig
from contest.extensions import db
from contest.models import Certificate, Contest, Event, EventResult, Nomination, Notification, Objection, SignOff, User
from contest.seed import DEMO_PASSWORD, DEMO_TOUR, seed_demo
from contest.services import brackets, judging

README = Path(__file__).resolve().parents[2] / "README.md"

# The tests that use the seeded demo run in one process, which seeds it once (pytest-xdist --dist loadgroup).
pytestmark = pytest.mark.xdist_group("demo")


def _rows_without_timestamps(path: Path) -> dict[str, list[tuple]]:
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            return {
                table.name: [tuple(row) for row in conn.execute(
                    select(*(c for c in table.columns if not isinstance(c.type, DateTime))).order_by(*table.primary_key.columns))]
                for table in db.metadata.sorted_tables
            }
    finally:
        engine.dispose()


def test_two_fresh_demo_databases_are_identical_but_for_timestamps(demo, sqlite_templates, tmp_path):
    second = tmp_path / "second.sqlite3"
    shutil.copyfile(sqlite_templates.empty, second)
    other = create_app(TestConfig, {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{second}"})
    with other.app_context(), frozen_today(today()):
        seed_demo()
        db.session.remove()
        db.engine.dispose()
    first, again = _rows_without_timestamps(demo.path), _rows_without_timestamps(second)
    assert sum(len(rows) for rows in first.values()) > 2000
    for table, rows in first.items():
        assert rows == again[table], f"seed-demo wrote {table} differently the second time"


def _user(username: str) -> User:
    return db.session.scalar(select(User).where(User.username == username))


def _certificates(username: str) -> set[str]:
    return set(db.session.scalars(select(Certificate.label).where(
        Certificate.user_id == _user(username).id, Certificate.revoked_at.is_(None))))


def _waiting_for(username: str) -> list[Nomination]:
    org_id = _user(username).org_id
    return list(db.session.scalars(select(Nomination).where(Nomination.waiting_org_id == org_id)))


def _entrant_names(nominations: list[Nomination]) -> list[str]:
    """What an approval list shows for each entry: the team's name, or the worker's."""
    return [n.team_name or n.members[0].user.name for n in nominations]


def _page(client, username: str, path: str) -> str:
    client.post("/logout")
    assert client.post("/login", data={"username": username, "password": DEMO_PASSWORD}).status_code == 302
    response = client.get(path)
    assert response.status_code == 200, (username, path)
    return response.data.decode()


def check_city(client):
    home = _page(client, "city", "/")
    assert 'data-testid="dashboard"' in home and 'id="dashboard-data"' in home  # the figures and the charts' data
    city_contests = re.search(r'data-metric="city-contests" data-value="(\d+)"', home)
    assert city_contests and int(city_contests.group(1)) > 0
    page = _page(client, "city", "/nominations/waiting")
    waiting = _waiting_for("city")
    assert waiting and all(name in page for name in _entrant_names(waiting))
    counties = {n.org.label.split(" · ")[0] for n in waiting}
    assert len(counties) >= 3 and all(county in page for county in counties)
    assert db.session.scalar(select(Contest.id).where(Contest.year == today().year)) is not None
    # the 安康杯 in 公示: the vetoed unit is ranked, given no award, and the host sees why
    safety = db.session.scalar(select(Contest).where(Contest.kind == "safety", Contest.year == today().year, Contest.host_id == _user("city").org_id))
    assert safety.status == "published"
    enterprises = next(e for e in safety.events if e.name == "优胜企业")
    vetoed = db.session.scalar(select(EventResult).where(EventResult.event_id == enterprises.id, EventResult.excluded_reason.is_not(None)))
    assert vetoed.total_x100 == 9700 and vetoed.award is None
    assert "亡人事故" in _page(client, "city", f"/events/{enterprises.id}/results")
    merit = db.session.scalar(select(Contest).where(Contest.kind == "merit", Contest.host_id == _user("city").org_id, Contest.year == today().year))
    page = _page(client, "city", f"/contests/{merit.id}/periods")
    assert page.count("月") >= 3 and "累计" in page


def check_kecheng(client):
    kinds = set(db.session.scalars(select(Notification.kind).where(Notification.user_id == _user("kecheng").id)))
    assert {"nominations_waiting", "quota_allocated", "registration_closing"} <= kinds
    page = _page(client, "kecheng", "/notifications")
    assert "等待" in page and "名额" in page
    assert "覆盖率" in _page(client, "kecheng", "/dashboard/safety-coverage")
    own = db.session.scalar(select(Contest).where(Contest.kind == "safety", Contest.host_id == _user("kecheng").org_id))
    assert own.status == "open" and _waiting_for("kecheng")


def check_kecheng_e1(client):
    page = _page(client, "kecheng.e1", "/assessments/")
    assert "安康杯" in page and "已锁定" in page  # submitted, then locked when the inspection started
    result = db.session.scalar(select(EventResult).join(Nomination).where(Nomination.unit_id == _user("kecheng.e1").org_id,
                                                                         EventResult.excluded_reason.is_not(None)))
    assert result is not None and result.total_x100 == 9700
    assert "不参与评优" in _page(client, "kecheng.e1", f"/events/{result.event_id}/results")


def check_judge01(client):
    judge = _user("judge01")
    event = db.session.scalar(select(Event).join(Contest).where(Event.name == "电工", Contest.year == today().year - 1))
    sheet = judging.sheet(judge, event.id)
    scored = {s["competitor_number"] for s in sheet["scores"]}
    assert sheet["event"]["open"] and len(scored) < len(sheet["entries"])
    assert "电工" in _page(client, "judge01", "/judging/")


def check_w0038(client):
    assert {"一等奖", "技术能手", "青年岗位能手"} <= _certificates("w0038")
    page = _page(client, "w0038", "/my/certificates")
    assert all(label in page for label in ("一等奖", "技术能手", "青年岗位能手"))


def check_w0001(client):
    assert {"三等奖", "青年岗位能手"} <= _certificates("w0001")
    page = _page(client, "w0001", "/my/certificates")
    assert "三等奖" in page and "青年岗位能手" in page


def check_judge07(client):
    event = db.session.scalar(select(Event).where(Event.name == "乒乓球单打").join(Contest).where(Contest.year == today().year))
    assert db.session.scalar(select(SignOff.id).where(SignOff.event_id == event.id)) is None
    view = brackets.bracket_view(_user("judge07"), event.id)
    assert view.matches and all(m.finished for m in view.matches)
    assert "乒乓球单打" in _page(client, "judge07", "/judging/")


def check_kecheng_e1_t1(client):
    waiting = _waiting_for("kecheng.e1.t1")
    page = _page(client, "kecheng.e1.t1", "/nominations/waiting")
    assert waiting and all(name in page for name in _entrant_names(waiting))


def check_w0037(client):
    objection = db.session.scalar(select(Objection).where(Objection.filed_by_id == _user("w0037").id))
    assert objection.status in ("upheld", "dismissed") and objection.resolution
    assert db.session.scalar(select(Notification.id).where(Notification.user_id == _user("w0037").id)) is not None
    for path in ("/", "/my/entries", "/notifications"):
        assert "不予采纳" in _page(client, "w0037", path) or "予以采纳" in _page(client, "w0037", path), path


CHECKS = {"city": check_city, "kecheng": check_kecheng, "kecheng.e1": check_kecheng_e1, "judge01": check_judge01, "w0038": check_w0038, "w0001": check_w0001,
          "judge07": check_judge07, "kecheng.e1.t1": check_kecheng_e1_t1, "w0037": check_w0037}


def test_every_tour_stop_has_a_check():
    assert set(CHECKS) == {stop.username for stop in DEMO_TOUR}


@pytest.mark.parametrize("stop", DEMO_TOUR, ids=lambda stop: stop.username)
def test_the_readme_names_each_demo_login_with_what_it_shows(stop):
    readme = README.read_text(encoding="utf-8")
    # The README's demo tour: "| `w0038` | … what it shows … |", the same words as contest.seed.DEMO_TOUR.
    row = re.search(rf"^\| `{re.escape(stop.username)}` \| (.+?) \|$", readme, re.MULTILINE)
    assert row, f"README.md's demo tour has no row for {stop.username}"
    assert row.group(1) == stop.shows


@pytest.mark.parametrize("stop", DEMO_TOUR, ids=lambda stop: stop.username)
def test_each_demo_login_shows_what_the_readme_says(demo, client, stop):
    client.get("/locale/zh_CN")
    CHECKS[stop.username](client)


def test_the_demo_portal_shows_the_city_and_counties_and_an_enterprise_its_own_notices(demo, client):
    """The demo's announcements: the city's and 柯城区's on the front list; 柯城区's notice to an enterprise and the
    enterprise's own only under that enterprise (with the city's and the county's above it)."""
    enterprise = _user("kecheng.e1").org
    front = client.get("/portal/announcements/").get_data(as_text=True)
    assert "职业技能大赛的通知" in front and "柯城区职工岗位练兵报名提醒" in front
    assert "班组安全培训安排" not in front and "承办区级技能比武" not in front
    own = client.get(f"/portal/announcements/?unit={enterprise.id}").get_data(as_text=True)
    assert "班组安全培训安排" in own and "承办区级技能比武" in own and "柯城区职工岗位练兵报名提醒" in own
    other = client.get(f"/portal/announcements/?unit={_user('qujiang').org_id}").get_data(as_text=True)
    assert "柯城区职工岗位练兵报名提醒" not in other and "班组安全培训安排" not in other


def test_the_demo_dashboard_adds_up_and_has_approvals_of_every_age(demo):
    """The city's dashboard on the demo: the month-by-month table ends at the headline, awards are in place
    order, and approvals are waiting in each age bucket (under 3, 3–7 and over 7 days)."""
    from contest.services import dashboard

    city = _user("city")
    board = dashboard.build(city, city.org, today().year)
    for metric in ("city_skills_contests", "county_contests", "entries"):
        assert board.months[metric][-1].done == board.headline[metric].value, metric
    places = [label for label in board.award_labels if label in ("一等奖", "二等奖", "三等奖")]
    assert places == ["一等奖", "二等奖", "三等奖"]
    waiting, over3, over7 = (sum(row[i] for row in board.waiting) for i in (1, 2, 3))
    assert waiting - over3 > 0 and over3 - over7 > 0 and over7 > 0
