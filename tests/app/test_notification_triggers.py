"""Every cause of a notification (issue 15.3): a nomination waiting for your unit, rejected with a reason,
confirmed; a quota allocated to your unit; registration closing in 3 days (once per contest and organiser).
Each is written in the cause's own transaction: a refused action notifies nobody."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from contest.clock import today
from contest.domain.errors import DomainError
from contest.extensions import db
from contest.models import Contest, Notification, Role
from contest.services import notifications
from contest.services import registration as service
from tests.contest_factories import make_contest

# Claiming (FOR UPDATE SKIP LOCKED), the once-only constraint and the JSON params also run on PostgreSQL in CI.
pytestmark = pytest.mark.db


@pytest.fixture
def event(world):
    return make_contest(world.users["city"]).events[0]


def notes(user, kind: str | None = None) -> list[Notification]:
    query = select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
    if kind:
        query = query.where(Notification.kind == kind)
    return list(db.session.scalars(query))


def test_a_nomination_tells_each_waiting_unit_in_turn_and_the_worker_when_confirmed(world, event):
    nomination = service.nominate(world.users["worker"], event.id, [world.users["worker"].id])
    [waiting] = notes(world.users["team_a"], "nominations_waiting")
    assert waiting.params["count"] == 1 and waiting.params["unit"] == "运维一班" and waiting.email_status == "pending"
    assert notes(world.users["ent_a"], "nominations_waiting") == []
    for key, next_key in (("team_a", "ent_a"), ("ent_a", "county_a"), ("county_a", "city")):
        service.approve(world.users[key], nomination.id)
        assert len(notes(world.users[next_key], "nominations_waiting")) == 1
    assert notes(world.users["worker"], "nomination_confirmed") == []
    service.approve(world.users["city"], nomination.id)
    [confirmed] = notes(world.users["worker"], "nomination_confirmed")
    assert confirmed.params["nomination_id"] == nomination.id
    assert notes(world.users["county_b"]) == []  # another county hears nothing


def test_several_nominations_at_once_make_one_notification_per_waiting_unit(world):
    event = make_contest(world.users["city"], events=("电工",)).events[0]
    service.nominate_each(world.users["ent_a"], event.id, [world.users["worker"].id, world.users["team_a"].id])
    [waiting] = notes(world.users["county_a"], "nominations_waiting")
    assert waiting.params["count"] == 2


def test_rejection_tells_the_members_with_the_reason_and_a_refusal_tells_nobody(world, event, client, login_as):
    nomination = service.nominate(world.users["worker"], event.id, [world.users["worker"].id])
    with pytest.raises(DomainError):
        service.reject(world.users["team_a"], nomination.id, " ")
    assert notes(world.users["worker"], "nomination_rejected") == []
    service.reject(world.users["team_a"], nomination.id, "本班组名额已满")
    [rejected] = notes(world.users["worker"], "nomination_rejected")
    assert rejected.params["reason"] == "本班组名额已满" and rejected.params["unit"] == "运维一班"

    login_as("worker")
    inbox = client.get("/notifications").get_data(as_text=True)
    assert "本班组名额已满" in inbox and "被运维一班退回" in inbox
    opened = client.post(f"/notifications/{rejected.id}/open")
    assert opened.headers["Location"].endswith(f"/nominations/{nomination.id}")


def test_a_quota_tells_the_organisers_of_the_unit(world, event, client, login_as):
    service.set_quota(world.users["city"], event.id, world.orgs["county_a"].id, 3)
    [note] = notes(world.users["county_a"], "quota_allocated")
    assert note.params["places"] == 3 and note.params["unit"] == "柯城区"
    assert notes(world.users["county_b"], "quota_allocated") == []
    login_as("county_a")
    assert "柯城区获分配 3 个名额" in client.get("/notifications").get_data(as_text=True)
    assert client.post(f"/notifications/{note.id}/open").headers["Location"].endswith(f"/events/{event.id}/quotas")


def _closing_in(contest_id: int, days: int) -> None:
    contest = db.session.get(Contest, contest_id)
    contest.registration_closes = today() + timedelta(days=days)
    db.session.commit()


def test_registration_closing_reaches_every_organiser_under_the_host_once(world, event, runner):
    contest_id = event.contest_id
    _closing_in(contest_id, 5)
    assert notifications.notify_due(today()) == 0  # five days ahead: not yet
    _closing_in(contest_id, 3)
    first = notifications.notify_due(today())
    organisers = {"city", "county_a", "ent_a", "team_a", "county_b"}
    assert first == len(organisers)
    for key in organisers:
        [note] = notes(world.users[key], "registration_closing")
        assert note.params["contest_id"] == contest_id and note.once_key == f"closing:{contest_id}"
    assert notes(world.users["worker"], "registration_closing") == [] and notes(world.users["judge"]) == []
    # idempotent: the next day (and a second run the same day) adds nothing
    assert notifications.notify_due(today()) == 0
    assert notifications.notify_due(today() + timedelta(days=1)) == 0
    result = runner.invoke(args=["notify-due"])
    assert result.exit_code == 0 and "registration_closing: 0" in result.output
    # a closed window or a contest no longer open is not announced
    assert notifications.notify_due(today() + timedelta(days=4)) == 0


def test_notify_due_from_the_command_line_on_a_given_date(world, event, runner):
    _closing_in(event.contest_id, 10)
    day = (today() + timedelta(days=8)).isoformat()
    result = runner.invoke(args=["notify-due", "--on", day])
    assert result.exit_code == 0 and "registration_closing: 5" in result.output
    assert runner.invoke(args=["notify-due", "--on", day]).output.strip() == "registration_closing: 0"


def test_the_once_key_is_backed_by_a_unique_constraint(world, event):
    from sqlalchemy.exc import IntegrityError

    with db.session.begin_nested():
        notifications.notify_many([world.users["city"].id], "registration_closing", _once_key="closing:x",
                                  contest_id=event.contest_id, contest="c", closes="2026-01-01")
    with pytest.raises(IntegrityError):
        notifications.notify_many([world.users["city"].id], "registration_closing", _once_key="closing:x",
                                  contest_id=event.contest_id, contest="c", closes="2026-01-01")
        db.session.flush()
    db.session.rollback()


def test_a_unit_without_an_organiser_is_spoken_for_by_the_nearest_unit_above(world, event):
    from contest.models import OrgLevel
    from tests.factories import make_org, make_user

    team = make_org("无人班", OrgLevel.TEAM, world.orgs["ent_a"])
    lone = make_user("lone", team, {Role.WORKER}, world.users["worker"].password_hash, "赵六")
    db.session.commit()
    service.nominate(lone, event.id, [lone.id])
    [note] = notes(world.users["ent_a"], "nominations_waiting")
    assert note.params["unit"] == "无人班"  # waits at the team; its enterprise hears of it
    assert notes(world.users["county_a"], "nominations_waiting") == []


def test_a_bulk_import_tells_the_waiting_unit_once_per_event_and_the_confirmed_members(world):
    from contest.services.nomination_import import import_nominations
    from tests.app.test_nomination_import import HEADER, xlsx
    from tests.factories import make_user

    contest = make_contest(world.users["city"], events=("电工", "焊工"))
    made = [make_user(f"bulk{i}", world.orgs["team_a"], {Role.WORKER}, world.users["worker"].password_hash, f"职工{i}") for i in range(3)]
    db.session.commit()
    rows = [HEADER, *(["电工", w.profile.resident_id, w.name, ""] for w in made), ["焊工", made[0].profile.resident_id, made[0].name, ""]]
    import_nominations(world.users["county_a"], contest.id, xlsx(rows), "报名.xlsx")
    waiting = sorted((n.params["event"], n.params["count"]) for n in notes(world.users["city"], "nominations_waiting"))
    assert waiting == [("焊工", 1), ("电工", 3)]
    import_nominations(world.users["city"], make_contest(world.users["city"], title="市直接报名").id,
                       xlsx([HEADER, ["电工", made[1].profile.resident_id, made[1].name, ""]]), "报名.xlsx")
    assert len(notes(made[1], "nomination_confirmed")) == 1
