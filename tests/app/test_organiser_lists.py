"""Issue 11, organisers' items: unit paths on every list (5), nominating several workers (6), honest quotas
and award rules (7), work that leads somewhere (10), layouts and documents (11)."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import event as sa_event
from sqlalchemy import func, select

from contest.domain.contests import ContestStatus
from contest.domain.errors import DomainError
from contest.extensions import db
from contest.models import Nomination, OrgLevel, Role
from contest.services import contests, registration
from tests.app.test_results import scored  # noqa: F401  (fixture)
from tests.contest_factories import make_contest
from tests.factories import make_org, make_user


class Counter:
    def __init__(self):
        self.count = 0

    def __call__(self, *args):
        self.count += 1


def queries(client, url: str) -> tuple[int, str]:
    counter = Counter()
    sa_event.listen(db.engine, "before_cursor_execute", counter)
    try:
        response = client.get(url)
        assert response.status_code == 200, url
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", counter)
    return counter.count, response.data.decode()


def spread(world, contest, n: int, start: int) -> None:
    """``n`` workers, each in a new team of a new enterprise of a new county, nominated by themselves."""
    pw = world.users["worker"].password_hash
    users = []
    for i in range(start, start + n):
        county = make_org(f"测试{i}县", OrgLevel.COUNTY, world.orgs["city"])
        enterprise = make_org(f"测试{i}公司", OrgLevel.ENTERPRISE, county)
        team = make_org("运维一班", OrgLevel.TEAM, enterprise)
        users.append(make_user(f"spread{i}", team, {Role.WORKER}, pw, name=f"职工{i}"))
    db.session.commit()
    for user in users:
        registration.nominate(user, contest.events[0].id, [user.id])
    # every level below the city approves, so the nominations wait for the city
    for nomination in db.session.scalars(select(Nomination).where(Nomination.status == "pending")):
        while nomination.waiting_org_id != world.orgs["city"].id:
            nomination.level += 1
            nomination.waiting_org_id = nomination.chain_ids[nomination.level]
    db.session.commit()


# ------------------------------------------------------------------------------------------ 5. unit paths


def test_organisation_label_is_the_unit_path(world):
    assert world.orgs["team_a"].label == "柯城区 · 柯城电力 · 运维一班"
    assert world.orgs["ent_b"].label == "衢江区 · 衢江机械"
    assert world.orgs["county_a"].label == "柯城区"
    assert world.orgs["city"].label == "衢州市总工会"
    direct = make_org("市直电力", OrgLevel.ENTERPRISE, world.orgs["city"])  # 市直企业: no county above
    assert make_org("变电班", OrgLevel.TEAM, direct).label == "市直电力 · 变电班"


@pytest.mark.parametrize("url", ["/nominations/waiting", "/events/{event}/nominations"])
def test_city_lists_name_the_county_in_constant_queries(world, client, login_as, url):
    contest = make_contest(world.users["city"])
    url = url.format(event=contest.events[0].id)
    login_as("city")
    spread(world, contest, 2, 0)
    small, _page = queries(client, url)
    spread(world, contest, 8, 2)
    large, page = queries(client, url)
    assert large == small
    assert "测试7县" in page and "测试7公司" in page and page.count("运维一班") >= 10
    assert 'class="unit-path" title="测试7县 · 测试7公司 · 运维一班"' in page


def test_draw_page_sign_in_sheet_and_export_show_unit_paths(world, client, login_as):
    from contest.services import draws

    city = world.users["city"]
    contest = make_contest(city)
    event = contest.events[0]
    spread(world, contest, 3, 0)
    for nomination in db.session.scalars(select(Nomination)):
        registration.approve(city, nomination.id)
    contests.change_status(city, contest.id, ContestStatus.CLOSED)
    draws.hold_draw(city, event.id)
    login_as("city")
    page = client.get(f"/events/{event.id}/draw").data.decode()
    assert "测试2县 · 测试2公司 · 运维一班" in page
    assert "随机抽签（可复核）" in page and "mt19937" not in page  # the method in plain words, with the seed
    pdf = client.get(f"/events/{event.id}/sign-in.pdf")
    reader = PdfReader(io.BytesIO(pdf.data))
    text = "".join(p.extract_text() for p in reader.pages)
    assert "测试2县" in text and "测试2公司" in text
    assert reader.metadata.author == "衢州市总工会"  # the issuing union, not "anonymous"


def test_certificates_admin_page_shows_units_and_one_labelled_reason(world, client, login_as, final):
    from contest.services import certificates

    certificates.issue_for_event(world.users["city"], final.event.id)
    login_as("city")
    page = client.get(f"/events/{final.event.id}/certificates").data.decode()
    assert "柯城区 · 柯城电力 · 运维一班" in page
    row = page[page.index("<tbody>"):page.index("</tbody>")].split("</tr>")[0]
    assert row.count('name="reason"') == 1 and row.count("<label") == 1
    assert re.search(r'<label[^>]*for="reason-\d+"', row) and 'formaction="' in row and "data-confirm" in row


# ------------------------------------------------------------------------------------------ 6. nominating several


def _workers(world, n, team="team_a"):
    pw = world.users["worker"].password_hash
    users = [make_user(f"multi{i}", world.orgs[team], {Role.WORKER}, pw, name=f"多选{i}") for i in range(n)]
    db.session.commit()
    return users


def test_ticking_three_workers_nominates_each(world, client, login_as):
    contest = make_contest(world.users["city"])
    event = contest.events[0]
    workers = _workers(world, 3)
    login_as("ent_a")
    response = client.post(f"/events/{event.id}/nominate", data={"members": [w.id for w in workers]}, follow_redirects=True)
    assert response.status_code == 200
    page = response.data.decode()
    for w in workers:
        assert f"{w.name}：已提交" in page
    assert db.session.scalar(select(func.count(Nomination.id)).where(Nomination.event_id == event.id)) == 3


def test_several_workers_beyond_the_quota_write_nothing_and_say_who(world, client, login_as):
    city = world.users["city"]
    contest = make_contest(city)
    event = contest.events[0]
    registration.set_quota(city, event.id, world.orgs["county_a"].id, 2)
    registration.set_quota(city, event.id, world.orgs["county_b"].id, 0)
    workers = _workers(world, 3)
    login_as("county_a")
    response = client.post(f"/events/{event.id}/nominate", data={"members": [w.id for w in workers]})
    page = response.data.decode()
    assert response.status_code == 422
    assert "多选2：“柯城区”" in page and "多选0：" not in page  # only the third is refused, and says why
    assert db.session.scalar(select(func.count(Nomination.id)).where(Nomination.event_id == event.id)) == 0


def test_a_team_event_makes_one_team(world, client, login_as):
    contest = make_contest(world.users["city"], events=(), team_event="电力抢修")
    event = contest.events[0]
    workers = _workers(world, 3)
    login_as("ent_a")
    response = client.post(f"/events/{event.id}/nominate", data={"members": [w.id for w in workers], "team_name": "抢修一队"})
    assert response.status_code == 302
    nominations = list(db.session.scalars(select(Nomination).where(Nomination.event_id == event.id)))
    assert len(nominations) == 1 and len(nominations[0].members) == 3


# ------------------------------------------------------------------------------------------ 7. honest quotas and rules


def test_team_leader_sees_what_is_really_left(world, client, login_as):
    city = world.users["city"]
    contest = make_contest(city)
    event = contest.events[0]
    registration.set_quota(city, event.id, world.orgs["county_a"].id, 1)
    registration.set_quota(city, event.id, world.orgs["county_b"].id, 0)
    registration.nominate(world.users["county_a"], event.id, [world.users["worker"].id])  # uses 柯城区's only place
    login_as("team_a")
    page = client.get(f"/events/{event.id}/quotas").data.decode()
    remaining = re.search(r'data-testid="remaining">([^<]*)<', page).group(1)
    assert remaining == "0"
    assert "柯城区已用 1 个名额（共 1 个）" in page
    unit, _own, _children, facts = registration.quota_overview(world.users["team_a"], event.id)
    assert registration.places_left_to(unit, facts) == (0, world.orgs["county_a"])


def _rules_form(event, **overrides):
    form = {"mode": "percent", "rounding": "half_up", "boundary_policy": "tied_take_higher", "tier1_name": "一等奖",
            "tier1_value": "10", "top_title_name": "", "top_title_ranks": "", "youth_title_name": "", "youth_title_max_age": ""}
    return {**form, **overrides}


def test_award_rules_save_every_field_or_refuse(world, client, login_as):
    contest = make_contest(world.users["city"])
    event = contest.events[0]
    login_as("city")
    page = client.post(f"/events/{event.id}/ranking-rules", data=_rules_form(event, top_title_ranks="3", youth_title_max_age="35"),
                       follow_redirects=True).data.decode()
    assert "规则已保存" not in page and "请为前 3 名的称号命名" in page
    db.session.refresh(event)
    assert not event.award_scheme
    page = client.post(f"/events/{event.id}/ranking-rules", data=_rules_form(
        event, top_title_name="技术能手", top_title_ranks="3", youth_title_name="青年岗位能手", youth_title_max_age="35"),
        follow_redirects=True).data.decode()
    assert "规则已保存" in page
    db.session.refresh(event)
    assert event.award_scheme["top_title"] == {"name": "技术能手", "ranks": 3}
    assert event.award_scheme["youth_title"] == {"name": "青年岗位能手", "max_age": 35}
    with pytest.raises(DomainError, match="longer than"):
        contests.set_ranking_rules(world.users["city"], event.id, [], {**contests.DEFAULT_AWARD_SCHEME, "top_title": {"name": "技" * 21, "ranks": 3}})


# ------------------------------------------------------------------------------------------ 10. work that leads somewhere


def test_objection_to_do_opens_the_objection(world, client, login_as, scored):  # noqa: F811
    from contest.services import results

    run, _plan = scored
    results.compute_results(world.users["city"], run.event.id)
    results.publish(world.users["city"], run.event.contest.id)
    objection = results.file_objection(world.users["worker_b"], run.event.id, "分数有误", None)
    login_as("city")
    home = client.get("/").data.decode()
    target = f"/events/{run.event.id}/results#objection-{objection.id}"
    assert f'href="{target}"' in home
    assert f'id="objection-{objection.id}"' in client.get(target.split("#")[0]).data.decode()


def test_organiser_home_lists_contests_with_next_steps(world, client, login_as):
    city = world.users["city"]
    contest = make_contest(city, title="市级电工赛")
    event = contest.events[0]
    registration.set_quota(city, event.id, world.orgs["county_a"].id, 3)
    login_as("city")
    page = client.get("/").data.decode()
    assert "市级电工赛" in page and f"报名将于 {contest.registration_closes.isoformat()} 截止" in page
    client.post("/logout")
    login_as("county_a")
    page = client.get("/").data.decode()
    assert "市级电工赛" in page and "名额已下达，请分配" in page and f'href="/events/{event.id}/quotas"' in page
    registration.set_quota(world.users["county_a"], event.id, world.orgs["ent_a"].id, 3)
    assert "名额已下达，请分配" not in client.get("/").data.decode()


def test_opening_and_closing_early_ask_first(world, client, login_as):
    contest = make_contest(world.users["city"], open_=False)
    login_as("city")
    page = client.get(f"/contests/{contest.id}").data.decode()
    assert re.search(r'data-confirm="[^"]*开始报名[^"]*"|data-confirm="[^"]*现在开始报名', page) or "data-confirm=\"现在开始报名" in page
    contests.change_status(world.users["city"], contest.id, ContestStatus.OPEN)
    page = client.get(f"/contests/{contest.id}").data.decode()
    assert f"报名截止日期为 {contest.registration_closes.isoformat()}" in page


def test_finals_offered_are_of_the_same_trade(world, client, login_as):
    from contest.services import results
    from tests.app.test_results import running_event_for

    final = make_contest(world.users["city"], title="市级决赛", events=("电工", "焊工"))
    welding = next(e for e in final.events if e.name == "焊工")
    prelim = running_event_for(world, world.users["county_a"])
    assert [e.name for e in results.final_candidates(prelim)] == ["电工"]
    with pytest.raises(DomainError, match="same trade"):
        results.link_final(world.users["county_a"], prelim.id, welding.id)
    login_as("county_a")
    page = client.get(f"/events/{prelim.id}/results").data.decode()
    assert "市级决赛 · 电工" in page and "市级决赛 · 焊工" not in page


# ------------------------------------------------------------------------------------------ 11. layouts and documents


def test_favicon_is_linked_and_served(client, world, login_as):
    login_as("city")
    page = client.get("/").data.decode()
    href = re.search(r'<link rel="icon" href="([^"]+)"', page).group(1)
    response = client.get(href)
    assert response.status_code == 200 and b"<svg" in response.data
    response.close()


def test_results_pdf_names_the_union_and_prints_units_at_8pt_or_more(world, client, login_as, scored):  # noqa: F811
    from contest.documents import sign_in
    from contest.services import results

    run, _plan = scored
    results.compute_results(world.users["city"], run.event.id)
    login_as("city")
    data = client.get(f"/events/{run.event.id}/results.pdf").data
    reader = PdfReader(io.BytesIO(data))
    assert reader.metadata.author == "衢州市总工会"
    assert "柯城区 · 柯城电力 · 运维一班" in "".join(p.extract_text() for p in reader.pages).replace("\n", "")
    assert sign_in.SIZE_MIN >= 8


CJK = r"[\u4e00-\u9fff]"


def test_chinese_messages_use_chinese_punctuation():
    """A comma, colon, semicolon, question or exclamation mark, or bracket next to a Chinese character is the
    full-width one (，：；？！（）); placeholders and Latin text keep theirs."""
    from babel.messages.pofile import read_po

    with open("contest/translations/zh_Hans_CN/LC_MESSAGES/messages.po", "rb") as handle:
        catalogue = read_po(handle)
    bad = []
    for message in catalogue:
        for text in (message.string if isinstance(message.string, tuple) else (message.string,)):
            if text and re.search(rf"{CJK}\s*[,:;?!(]|[,:;?!)]\s*{CJK}", text):
                bad.append(text)
    assert not bad, "\n".join(bad)


@pytest.fixture
def final(world, scored):  # noqa: F811
    from contest.services import results

    run, _plan = scored
    results.compute_results(world.users["city"], run.event.id)
    results.publish(world.users["city"], run.event.contest.id)
    run.event.contest.status = ContestStatus.FINAL
    db.session.commit()
    return run



def test_labels_and_values_are_joined_with_chinese_punctuation(world, client, login_as):
    contest = make_contest(world.users["city"], min_age=18, max_age=60, occupations="电工、维修电工")
    login_as("city")
    page = client.get(f"/events/{contest.events[0].id}").data.decode()
    assert "奖项：" in page and "同分排序规则（依次）：" in page
    assert re.search(r"竞赛当日年龄[^<]*；[^<]*工种：", page), "eligibility rules are separated by ；"
    assert not re.search(rf"{CJK}[:;]", page)


def test_the_demo_city_approval_list_names_counties(runner, client):
    from contest.seed import DEMO_PASSWORD

    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    client.get("/locale/zh_CN")
    assert client.post("/login", data={"username": "city", "password": DEMO_PASSWORD}).status_code == 302
    page = client.get("/nominations/waiting").data.decode()
    counties = set(re.findall(r'class="unit-path" title="([^" ]+) · ', page))
    assert {"柯城区", "常山县", "开化县"} <= counties


def test_organiser_home_runs_a_constant_number_of_queries(world, client, login_as):
    city = world.users["city"]
    login_as("county_a")

    def add(n, start):
        for i in range(start, start + n):
            contest = make_contest(city, title=f"市级赛{i}")
            registration.set_quota(city, contest.events[0].id, world.orgs["county_a"].id, 2)

    add(1, 0)
    small, _page = queries(client, "/")
    add(3, 1)
    large, page = queries(client, "/")
    assert large == small and page.count("名额已下达") == 4
