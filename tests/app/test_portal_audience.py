"""Announcements addressed to a unit (issue 15): who may post on the portal, the audience within the poster's
subtree, the portal's front list (city and counties) and its unit filter (a unit's own and its ancestors'), and
the refusals shown beside their fields."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest

from contest import policy
from contest.domain.errors import FieldError
from contest.extensions import db
from contest.models import Announcement, utcnow
from contest.services import PermissionDenied, portal

PDF = b"%PDF-1.4\n% a small test file\n"

pytestmark = pytest.mark.db


@pytest.mark.parametrize("user,may", [
    ("admin", True), ("city", True), ("county_a", True), ("ent_a", True),
    ("team_a", False),  # a team's organiser does not post on the public portal
    ("judge", False), ("worker", False),
])
def test_who_may_post_on_the_portal(world, user, may):
    assert policy.can_post_announcement(world.users[user]) is may


@pytest.mark.parametrize("user,audience,may", [
    ("county_a", "county_a", True), ("county_a", "ent_a", True), ("county_a", "team_a", True),
    ("county_a", "city", False), ("county_a", "county_b", False), ("county_a", "ent_b", False),
    ("ent_a", "ent_a", True), ("ent_a", "team_a", True), ("ent_a", "county_a", False),
    ("city", "team_b", True), ("admin", "ent_b", True), ("team_a", "team_a", False),
])
def test_an_announcement_is_addressed_within_the_posters_subtree(world, user, audience, may):
    assert policy.can_address_announcement(world.users[user], world.orgs[audience]) is may


def test_the_audience_defaults_to_the_posters_unit_and_may_be_a_unit_below(world):
    own = portal.post_announcement(world.users["county_a"], "区级通知", "正文")
    assert own.org_id == own.audience_id == world.orgs["county_a"].id
    below = portal.post_announcement(world.users["county_a"], "致柯城电力", "正文", audience_id=world.orgs["ent_a"].id)
    assert below.org_id == world.orgs["county_a"].id and below.audience_id == world.orgs["ent_a"].id


@pytest.mark.parametrize("audience", ["city", "county_b", "ent_b"])
def test_an_audience_outside_the_subtree_is_refused_on_its_field(world, audience):
    with pytest.raises(FieldError) as refused:
        portal.post_announcement(world.users["county_a"], "越权通知", "正文", audience_id=world.orgs[audience].id)
    assert refused.value.field == "audience"
    assert db.session.scalar(db.select(db.func.count(Announcement.id))) == 0


def test_an_unknown_audience_is_refused_and_a_team_organiser_may_not_post(world):
    with pytest.raises(FieldError):
        portal.post_announcement(world.users["city"], "通知", "正文", audience_id=999_999)
    with pytest.raises(PermissionDenied):
        portal.post_announcement(world.users["team_a"], "班组通知", "正文")


def test_refused_values_name_their_field(world):
    city = world.users["city"]
    cases = [
        (dict(title=" ", body=""), "title"),
        (dict(title="x" * 201, body=""), "title"),
        (dict(title="通知", body="x" * 20_001), "body"),
        (dict(title="通知", body="", uploads=[portal.Upload("a.pdf", b"MZ\x90 not a pdf")]), "files"),
        (dict(title="通知", body="", uploads=[portal.Upload(f"{i}.pdf", PDF) for i in range(6)]), "files"),
    ]
    for kwargs, field in cases:
        with pytest.raises(FieldError) as refused:
            portal.post_announcement(city, **kwargs)
        assert refused.value.field == field, kwargs
    assert db.session.scalar(db.select(db.func.count(Announcement.id))) == 0


def _post(world, key: str, title: str, audience: str | None = None, days_ago: int = 0) -> Announcement:
    item = portal.post_announcement(world.users[key], title, "正文", audience_id=world.orgs[audience].id if audience else None)
    item.published_at = utcnow() - timedelta(days=days_ago)
    db.session.commit()
    return item


def _titles(html: str, titles: list[str]) -> set[str]:
    return {t for t in titles if t in html}


def test_the_front_list_shows_the_city_and_the_counties_and_a_unit_filter_its_own_and_its_ancestors(world, client):
    titles = ["市级通知", "柯城区通知", "衢江区通知", "柯城电力通知", "市致衢江机械", "运维一班通知"]
    _post(world, "city", "市级通知")
    _post(world, "county_a", "柯城区通知")
    _post(world, "county_b", "衢江区通知")
    _post(world, "ent_a", "柯城电力通知")
    _post(world, "city", "市致衢江机械", audience="ent_b")
    _post(world, "ent_a", "运维一班通知", audience="team_a")
    front = client.get("/portal/announcements/").get_data(as_text=True)
    assert _titles(front, titles) == {"市级通知", "柯城区通知", "衢江区通知"}
    assert _titles(client.get("/portal/").get_data(as_text=True), titles) == {"市级通知", "柯城区通知", "衢江区通知"}
    enterprise = client.get(f"/portal/announcements/?unit={world.orgs['ent_a'].id}").get_data(as_text=True)
    assert _titles(enterprise, titles) == {"市级通知", "柯城区通知", "柯城电力通知"}
    county = client.get(f"/portal/announcements/?unit={world.orgs['county_b'].id}").get_data(as_text=True)
    assert _titles(county, titles) == {"市级通知", "衢江区通知"}
    other = client.get(f"/portal/announcements/?unit={world.orgs['ent_b'].id}").get_data(as_text=True)
    assert _titles(other, titles) == {"市级通知", "衢江区通知", "市致衢江机械"}
    assert "衢州市总工会" in other and "衢江机械" in other  # the issuing unit, and the unit it is addressed to
    # the filter offers counties and enterprises; a team or an unknown id falls back to the front list
    assert f'value="{world.orgs["ent_a"].id}"' in front and f'value="{world.orgs["team_a"].id}"' not in front
    team = client.get(f"/portal/announcements/?unit={world.orgs['team_a'].id}").get_data(as_text=True)
    assert _titles(team, titles) == {"市级通知", "柯城区通知", "衢江区通知"}
    assert client.get("/portal/announcements/?unit=abc").status_code == 200


def test_the_page_posts_to_a_unit_below_and_refuses_one_outside_beside_the_field(world, client, login_as):
    login_as("county_a")
    page = client.get("/announcements/manage").get_data(as_text=True)
    assert 'name="audience"' in page and "柯城电力" in page and "衢江机械" not in page
    refused = client.post("/announcements/manage", data={"title": "越权", "audience": world.orgs["ent_b"].id})
    assert refused.status_code == 422 and 'id="audience-error"' in refused.get_data(as_text=True)
    posted = client.post("/announcements/manage", data={"title": "致柯城电力", "audience": world.orgs["ent_a"].id,
                                                         "files": [(io.BytesIO(PDF), "通知.pdf")]},
                         content_type="multipart/form-data")
    assert posted.status_code == 302
    item = db.session.scalar(db.select(Announcement))
    assert item.audience_id == world.orgs["ent_a"].id and len(item.attachments) == 1


def test_a_team_organiser_sees_the_list_but_no_form_and_cannot_post(world, client, login_as):
    login_as("team_a")
    page = client.get("/announcements/manage")
    assert page.status_code == 200 and 'data-testid="no-posting"' in page.get_data(as_text=True)
    assert client.post("/announcements/manage", data={"title": "班组通知"}).status_code == 403
    assert db.session.scalar(db.select(db.func.count(Announcement.id))) == 0


def test_the_management_list_and_withdrawal_stay_in_the_subtree(world, client, login_as):
    mine = _post(world, "county_a", "柯城区通知")
    theirs = _post(world, "county_b", "衢江区通知")
    login_as("county_a")
    page = client.get("/announcements/manage").get_data(as_text=True)
    assert "柯城区通知" in page and "衢江区通知" not in page
    assert client.post(f"/announcements/{theirs.id}/withdraw").status_code == 403
    assert client.post(f"/announcements/{mine.id}/withdraw").status_code == 302
