"""Long lists search by name, by pinyin initials ("zjh" finds 周建华) and by unit (issue 15.5); the initials are
stored with the name, so the search is an indexed prefix LIKE in SQL, not a scan in Python."""

from __future__ import annotations

import pytest
from sqlalchemy import event as sa_event
from sqlalchemy import select

from contest.domain.contact import name_initials
from contest.extensions import db
from contest.models import Role, User
from contest.services import registration
from contest.services.accounts import people_query
from tests.contest_factories import make_contest
from tests.factories import make_user


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
