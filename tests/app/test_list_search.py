"""Long lists search by name, by pinyin initials ("zjh" finds 周建华) and by unit (issue 15.5); the initials are
stored with the name, so the search is an indexed prefix LIKE in SQL, not a scan in Python."""

from __future__ import annotations

import pytest
from sqlalchemy import event as sa_event
from sqlalchemy import select

from contest.domain.contact import name_initials
from contest.domain.contests import ContestStatus
from contest.extensions import db
from contest.models import Organisation, OrgLevel, Role, User
from contest.services import portal, registration, results
from contest.services.accounts import people_query
from tests.app.test_assessments import entries  # noqa: F401  (fixture)
from tests.app.test_entrants import unit_event
from tests.app.test_results import scored  # noqa: F401  (fixture)
from tests.contest_factories import make_contest
from tests.factories import make_user
from tests.judging_factories import running_event


@pytest.mark.parametrize(("name", "initials"), [
    ("周建华", "zjh"), ("张小三", "zxs"), ("欧阳娜娜", "oynn"), ("Li Lei", "ll"), ("阿卜杜·热合曼", "abdrhm"), ("王2", "w2"), ("", ""),
])
def test_initials(name, initials):
    assert name_initials(name) == initials


@pytest.fixture
def zhou(world):
    user = make_user("u1010", world.orgs["ent_a"], {Role.WORKER}, world.users["worker"].password_hash, "周建华")
    db.session.commit()
    return user


def _names(actor, text: str) -> list[str]:
    return [u.name for u in db.session.scalars(people_query(actor, search=text)).unique()]


@pytest.mark.db
def test_people_by_initials_name_and_scope(world, zhou):
    city = world.users["city"]
    assert zhou.name_initials == "zjh"
    assert _names(city, "zjh") == ["周建华"] == _names(city, "ZJH") == _names(city, "zj") == _names(city, "建华")
    assert _names(city, "jh") == []  # initials match from the first character
    assert _names(world.users["county_b"], "zjh") == []  # another county's people stay out of sight
    assert _names(city, "%") == [] and _names(city, "y_a") == ["柯城组织者"]  # LIKE wildcards match themselves


def test_initials_follow_a_renamed_user(world, zhou):
    user = db.session.get(User, zhou.id)
    user.name = "李建国"
    db.session.commit()
    assert db.session.scalar(select(User.name_initials).where(User.id == zhou.id)) == "ljg"
    assert _names(world.users["city"], "ljg") == ["李建国"] and _names(world.users["city"], "zjh") == []


@pytest.mark.db
def test_the_search_is_a_prefix_range_on_the_stored_initials(world, zhou):
    statements = []

    def seen(_conn, _cursor, statement, *_args):
        statements.append(statement)

    sa_event.listen(db.engine, "before_cursor_execute", seen)
    try:
        _names(world.users["city"], "zjh")
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", seen)
    assert any("users.name_initials >= " in s and "users.name_initials < " in s for s in statements)


def test_people_page_finds_by_initials(world, zhou, client, login_as):
    login_as("city")
    page = client.get("/people/?q=zjh").get_data(as_text=True)
    assert "周建华" in page and "张小三" not in page


def test_nominations_by_initials_and_unit(world, zhou, client, login_as):
    event = make_contest(world.users["city"]).events[0]
    for key in ("worker", "worker_b"):
        registration.nominate(world.users["city"], event.id, [world.users[key].id])
    registration.nominate(world.users["city"], event.id, [zhou.id])
    login_as("city")
    url = f"/events/{event.id}/nominations"
    everyone = client.get(url).get_data(as_text=True)
    assert all(name in everyone for name in ("张小三", "李四", "周建华"))
    found = client.get(f"{url}?q=zxs").get_data(as_text=True)
    assert "张小三" in found and "李四" not in found and "周建华" not in found
    by_unit = client.get(f"{url}?org={world.orgs['county_b'].id}").get_data(as_text=True)
    assert "李四" in by_unit and "张小三" not in by_unit
    both = client.get(f"{url}?q=zjh&org={world.orgs['county_a'].id}&status=confirmed").get_data(as_text=True)
    assert "周建华" in both and "张小三" not in both and 'name="status" value="confirmed"' in both


def test_waiting_list_by_name(world, zhou, client, login_as):
    event = make_contest(world.users["city"]).events[0]
    registration.nominate(world.users["ent_a"], event.id, [world.users["worker"].id])
    registration.nominate(world.users["ent_a"], event.id, [zhou.id])
    login_as("county_a")
    page = client.get("/nominations/waiting?q=周").get_data(as_text=True)
    assert "周建华" in page and "张小三" not in page
    assert "张小三" in client.get("/nominations/waiting?q=zxs").get_data(as_text=True)


def test_an_events_certificates_by_holder_and_unit(world, client, login_as):
    from contest.clock import today
    from contest.models import Certificate

    contest = make_contest(world.users["city"])
    event = contest.events[0]
    for seq, key in enumerate(("worker", "worker_b"), start=1):
        nomination = registration.nominate(world.users["city"], event.id, [world.users[key].id])
        user = world.users[key]
        db.session.add(Certificate(host_id=contest.host_id, year=contest.year, seq=seq, serial=f"QZ-2026-{seq:06d}", code=f"search-{seq}",
                                   event_id=event.id, nomination_id=nomination.id, user_id=user.id, kind="award", label="一等奖",
                                   holder_name=user.name, contest_title=contest.title, event_name=event.name, issuer="衢州市总工会",
                                   issued_on=today()))
    db.session.commit()
    login_as("city")
    url = f"/events/{event.id}/certificates"
    assert all(n in client.get(url).get_data(as_text=True) for n in ("张小三", "李四"))
    found = client.get(f"{url}?q=zxs").get_data(as_text=True)
    assert "张小三" in found and "李四" not in found
    by_unit = client.get(f"{url}?org={world.orgs['county_b'].id}").get_data(as_text=True)
    assert "李四" in by_unit and "张小三" not in by_unit


def test_units_by_name_and_under_a_unit(world, client, login_as):
    login_as("city")
    def rows(url: str) -> str:
        return client.get(url).get_data(as_text=True).split("<tbody>")[1].split("</tbody>")[0]

    page = rows("/orgs/?q=班")
    assert "运维一班" in page and "焊接班" in page and "柯城电力" not in page
    under = rows(f"/orgs/?org={world.orgs['county_b'].id}")
    assert "衢江机械" in under and "柯城电力" not in under


# ---------------------------------------------------------------------------------------------- every long list
# One test per list (issue 15.5): by name, by pinyin initials, by unit, and its page 2 (``PER_PAGE`` lowered).


def _body(page: str, start: str = "<tbody>", end: str = "</tbody>") -> str:
    """The part of a page that lists the rows (the search bar's unit choices name every unit)."""
    return page.split(start, 1)[1].split(end, 1)[0]


def _get(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


@pytest.fixture
def one_per_page(app, monkeypatch):
    monkeypatch.setitem(app.config, "PER_PAGE", 1)


def test_units_by_initials(world, client, login_as):
    login_as("city")
    assert world.orgs["ent_a"].name_initials == "kcdl"
    page = _body(_get(client, "/orgs/?q=kcdl"))
    assert "柯城电力" in page and "衢江机械" not in page
    page = _body(_get(client, "/orgs/?q=QJ"))  # initials in any case
    assert "衢江区" in page and "衢江机械" in page and "柯城电力" not in page


def test_unit_initials_follow_a_rename(world):
    from contest.services import orgs

    orgs.rename_org(world.users["city"], world.orgs["ent_b"].id, "信安机械")
    assert db.session.scalar(select(Organisation.name_initials).where(Organisation.id == world.orgs["ent_b"].id)) == "xajx"
    created = orgs.create_org(world.users["city"], world.orgs["county_a"].id, "航埠电厂", OrgLevel.ENTERPRISE)
    assert created.name_initials == "hbdc"


def test_contests_by_title_initials_host_and_page(world, client, login_as, one_per_page):
    make_contest(world.users["city"])
    make_contest(world.users["county_a"], title="柯城区电工比武")
    login_as("city")
    url = "/contests/"
    by_title = _body(_get(client, f"{url}?q=比武"))
    assert "柯城区电工比武" in by_title and "职业技能大赛" not in by_title
    by_host_initials = _body(_get(client, f"{url}?q=kcq"))
    assert "柯城区电工比武" in by_host_initials and "职业技能大赛" not in by_host_initials
    by_unit = _body(_get(client, f"{url}?org={world.orgs['county_a'].id}"))
    assert "柯城区电工比武" in by_unit and "职业技能大赛" not in by_unit
    first, second = _body(_get(client, url)), _body(_get(client, f"{url}?page=2"))
    assert ("职业技能大赛" in first) != ("职业技能大赛" in second) and ("比武" in first) != ("比武" in second)


def test_nominate_picker_pages_and_searches(world, zhou, client, login_as, one_per_page):
    event = make_contest(world.users["city"]).events[0]
    login_as("city")
    url = f"/events/{event.id}/nominate"
    assert "周建华" in _body(_get(client, f"{url}?q=周建")) and "张小三" not in _body(_get(client, f"{url}?q=周建"))
    assert "周建华" in _body(_get(client, f"{url}?q=zjh"))
    by_unit = _body(_get(client, f"{url}?org={world.orgs['county_b'].id}"))
    assert "李四" in by_unit and "张小三" not in by_unit and "周建华" not in by_unit
    assert not any(name in _body(_get(client, f"{url}?q=%25")) for name in ("张小三", "李四", "周建华"))  # % matches itself
    workers = ("张小三", "李四", "周建华", "班组长")
    pages = [_body(_get(client, f"{url}?page={n}")) for n in (1, 2, 3, 4)]
    shown = [[name for name in workers if name in page] for page in pages]
    assert sorted(names[0] for names in shown) == sorted(workers) and all(len(names) == 1 for names in shown)  # nobody cut off


def test_judge_candidates_page_and_search(world, client, login_as, one_per_page):
    event = make_contest(world.users["city"]).events[0]
    make_user("judge_w", world.orgs["ent_b"], {Role.JUDGE}, world.users["judge"].password_hash, "王建国")
    db.session.commit()
    login_as("city")
    url = f"/events/{event.id}/judges"

    def options(query: str) -> str:
        return _body(_get(client, f"{url}{query}"), 'id="judge_id"', "</select>")

    assert "王建国" in options("?q=王") and "裁判甲" not in options("?q=王")
    assert "王建国" in options("?q=wjg") and "裁判甲" not in options("?q=wjg")
    assert "裁判甲" in options(f"?org={world.orgs['county_a'].id}") and "王建国" not in options(f"?org={world.orgs['county_a'].id}")
    first, second = options(""), options("?page=2")
    assert {("裁判甲" in first), ("裁判甲" in second)} == {True, False} and {("王建国" in first), ("王建国" in second)} == {True, False}
    assert 'id="judge_id"' not in _get(client, f"{url}?q=nobody")


@pytest.fixture
def ranked(world, scored):  # noqa: F811
    run, _plan = scored
    results.compute_results(world.users["city"], run.event.id)
    return run


def test_ranking_pages_keep_the_rank_and_search(world, ranked, client, login_as, monkeypatch, app):
    monkeypatch.setitem(app.config, "PER_PAGE", 3)
    login_as("city")
    url = f"/events/{ranked.event.id}/results"
    by_name = _body(_get(client, f"{url}?q=张小"))
    assert "张小三" in by_name and "李四" not in by_name
    by_initials = _body(_get(client, f"{url}?q=zxs"))
    assert "张小三" in by_initials and "李四" not in by_initials
    by_number = _body(_get(client, f"{url}?q={ranked.numbers['worker_b']}"))
    assert "李四" in by_number and "张小三" not in by_number
    for query in ("q=衢江", "q=qjq", f"org={world.orgs['county_b'].id}"):  # a unit: its entries and those below it
        found = _body(_get(client, f"{url}?{query}"))
        assert "衢江机械" in found and "柯城电力" not in found and "张小三" not in found, query
    second = _body(_get(client, f"{url}?page=2"))  # ranks 1 2 3 | 3 5 6 | …: the rank is the stored one
    assert [row.split("<strong>")[1].split("</strong>")[0] for row in second.split("<tr>")[1:]] == ["3", "5", "6"]


def test_public_ranking_never_searches_masked_names(world, ranked, client, monkeypatch, app):
    results.publish(world.users["city"], ranked.event.contest.id)
    monkeypatch.setattr(results, "PUBLIC_PER_PAGE", 3)
    url = f"/public/results/{ranked.event.id}"
    everyone = _body(_get(client, url))
    assert "张*三" in everyone and "张小三" not in everyone
    for query in ("张", "zxs", "张*三", "选手"):  # names are masked here: a search by name finds nothing
        assert "<tr><td>" not in _body(_get(client, f"{url}?q={query}")), query
    by_unit = _body(_get(client, f"{url}?q=衢江"))
    assert "衢江机械" in by_unit and "柯城电力" not in by_unit
    assert "衢江机械" in _body(_get(client, f"{url}?q=qjjx"))
    by_number = _body(_get(client, f"{url}?q={ranked.numbers['worker']}"))
    assert by_number.count("<tr>") == 1 and "张*三" in by_number
    second = _body(_get(client, f"{url}?page=2"))
    assert [row.split("<td>")[1].split("</td>")[0] for row in second.split("<tr>")[1:]] == ["3", "5", "6"]
    # the pages of the whole ranking are cached (one per page), searches are not
    pages = app.extensions["contest.public_pages"]._pages
    assert len(pages) == 2
    _get(client, f"{url}?q=衢江&x=1")
    assert len(pages) == 2 and _get(client, url) == _get(client, url)


def test_draw_list_by_name_number_unit_and_page(world, client, login_as, one_per_page):
    run = running_event(world)
    login_as("city")
    url = f"/events/{run.event.id}/draw"
    for query in ("q=张小", "q=zxs", f"q={run.numbers['worker']}"):
        found = _body(_get(client, f"{url}?{query}"))
        assert "张小三" in found and "李四" not in found, query
    for query in ("q=运维", "q=kcq", f"org={world.orgs['county_a'].id}"):
        found = _body(_get(client, f"{url}?{query}"))
        assert "运维一班" in found and "衢江" not in found, query
    entrants = ("张小三", "李四", "选手0", "选手1")
    pages = [[name for name in entrants if name in _body(_get(client, f"{url}?page={n}"))] for n in (1, 2, 3, 4)]
    assert all(len(names) == 1 for names in pages) and sorted(names[0] for names in pages) == sorted(entrants)


def test_scores_page_search_names_for_the_host_numbers_for_judges(world, client, login_as, one_per_page):
    run = running_event(world)
    mine, other = run.numbers["worker"], run.numbers["worker_b"]

    def numbers(query: str = "") -> list[str]:
        body = _body(_get(client, f"/events/{run.event.id}/scores{query}"))
        return [row.split("<th>")[1].split("</th>")[0] for row in body.split("<tr>")[1:] if "<th>" in row]

    login_as("city")
    for query in ("?q=张小", "?q=zxs", f"?q={mine}"):
        assert numbers(query) == [str(mine)], query
    kecheng = {str(run.numbers[key]) for key in ("worker", "sw1")}  # the entries of 柯城区
    for query in ("?q=柯城", "?q=kcdl", f"?org={world.orgs['county_a'].id}"):
        assert set(numbers(query)) <= kecheng and len(numbers(query)) == 1 and numbers(f"{query}&page=2") != numbers(query), query
    assert len(numbers()) == 1 and len(numbers("?page=2")) == 1 and numbers() != numbers("?page=2")
    client.post("/logout")
    login_as("judge")  # a judge sees numbers only: a name or a unit finds nothing, a number finds the entry
    assert numbers("?q=zxs") == [] and numbers("?q=柯城") == [] and numbers("?q=张小三") == []
    assert numbers(f"?q={other}") == [str(other)]


def test_enrol_units_by_name_initials_unit_and_page(world, client, login_as, one_per_page):
    event = unit_event(world)
    login_as("city")
    url = f"/events/{event.id}/enrol"

    def units(query: str = "") -> list[str]:
        return [row.split('"')[0] for row in _get(client, f"{url}{query}").split('data-unit="')[1:]]

    assert units("?q=机械") == ["衢江机械"] and units("?q=qjjx") == ["衢江机械"]
    assert units(f"?q=班&org={world.orgs['county_b'].id}") == ["焊接班"]
    pages = [units(f"?page={n}") for n in (1, 2, 3, 4)]
    assert sorted(p[0] for p in pages) == sorted(["柯城电力", "运维一班", "衢江机械", "焊接班"])


def test_assessments_overview_by_name_initials_unit_and_page(world, entries, client, login_as, one_per_page):  # noqa: F811
    event, _ent, _team = entries
    registration.nominate_unit(world.users["city"], event.id, world.orgs["ent_b"].id)
    login_as("city")
    url = f"/events/{event.id}/assessments"

    def units(query: str = "") -> list[str]:
        return [row.split('"')[0] for row in _get(client, f"{url}{query}").split('data-unit="')[1:]]

    assert units("?q=衢江") == ["衢江机械"] and units("?q=qjjx") == ["衢江机械"] and units("?q=ywyb") == ["运维一班"]
    assert sorted(units(f"?org={world.orgs['county_a'].id}&state=not_started")) in ([], ["柯城电力"], ["运维一班"])
    assert units(f"?org={world.orgs['county_b'].id}") == ["衢江机械"]
    pages = [units(f"?page={n}") for n in (1, 2, 3)]
    assert sorted(p[0] for p in pages) == sorted(["柯城电力", "运维一班", "衢江机械"])
    assert "3" in _get(client, f"{url}?page=2").split('class="small text-muted">')[1].split("<")[0]  # all units counted


def test_announcements_manage_by_title_unit_and_page(world, client, login_as, one_per_page):
    portal.post_announcement(world.users["city"], "市赛报名通知", "")
    portal.post_announcement(world.users["county_a"], "柯城区赛程安排", "")
    login_as("city")
    url = "/announcements/manage"

    def titles(query: str = "") -> list[str]:
        body = _body(_get(client, f"{url}{query}"))
        return [t for t in ("市赛报名通知", "柯城区赛程安排") if t in body]

    assert titles("?q=赛程") == ["柯城区赛程安排"] and titles("?q=kcq") == ["柯城区赛程安排"]
    assert titles(f"?org={world.orgs['county_a'].id}") == ["柯城区赛程安排"]
    assert len(titles()) == 1 and len(titles("?page=2")) == 1 and titles() != titles("?page=2")


def test_public_results_index_by_title_host_and_page(world, client, one_per_page):
    city_contest = make_contest(world.users["city"])
    county_contest = make_contest(world.users["county_a"], title="柯城区电工比武")
    for contest in (city_contest, county_contest):
        contest.status = ContestStatus.FINAL
    db.session.commit()

    def titles(query: str = "") -> list[str]:
        body = _get(client, f"/public/results/{query}")
        return [t for t in ("职业技能大赛", "柯城区电工比武") if t in body]

    assert titles("?q=比武") == ["柯城区电工比武"] and titles("?q=kcq") == ["柯城区电工比武"]
    assert titles("?q=衢州市") == ["职业技能大赛"]
    assert len(titles()) == 1 and len(titles("?page=2")) == 1 and titles() != titles("?page=2")


def test_the_objection_form_says_it_lists_one_page(world, ranked, client, login_as, monkeypatch):
    """On a paged public ranking the objection form's entry list holds the page's entries only, and says so."""
    results.publish(world.users["city"], ranked.event.contest.id)
    monkeypatch.setattr(results, "PUBLIC_PER_PAGE", 3)
    login_as("worker")
    url = f"/public/results/{ranked.event.id}"
    assert 'id="nomination-help"' in _get(client, url)
    one_page = _get(client, f"{url}?q={ranked.numbers['worker']}")
    assert 'id="nomination_id"' in one_page and 'id="nomination-help"' not in one_page
