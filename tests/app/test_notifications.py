"""Objectors see the answer (home page, 我的参赛, a notification); the notification inbox and its badge; the
public page says objections were handled without personal details; results published and certificates issued
notify the people concerned, in the same transaction as their cause."""

import uuid

import pytest
from sqlalchemy import func, select

from contest.commands import SubmitScores
from contest.domain.contests import ContestStatus
from contest.domain.errors import DomainError
from contest.extensions import db
from contest.models import Notification
from contest.services import NotFound, PermissionDenied, judging, notifications, results
from contest.services import certificates as certificate_service
from tests.app.test_results import scored  # noqa: F401  (fixture)


@pytest.fixture
def published(world, scored):  # noqa: F811
    run, _plan = scored
    results.compute_results(world.users["city"], run.event.id)
    results.publish(world.users["city"], run.event.contest.id)
    return run


def unread(user) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))))


def test_publishing_notifies_every_entrant_once(world, published):
    kinds = [n.kind for n in unread(world.users["worker"])]
    assert kinds.count("results_published") == 1 and set(kinds) <= {"results_published", "nomination_confirmed"}
    assert db.session.scalar(select(func.count(Notification.id)).where(Notification.kind == "results_published")) == 10


def test_a_dismissed_objection_reaches_its_objector(world, published, client, login_as):
    worker_b = world.users["worker_b"]
    objection = results.file_objection(worker_b, published.event.id, "第2名的实操分数有误", None)
    with pytest.raises(DomainError):
        results.resolve_objection(world.users["city"], objection.id, False, "")
    assert not [n for n in unread(worker_b) if n.kind == "objection_answered"]  # a refused answer notifies nobody
    results.resolve_objection(world.users["city"], objection.id, False, "经复核，分数无误。")
    assert [n.params["decision"] for n in unread(worker_b) if n.kind == "objection_answered"] == ["dismissed"]

    login_as("worker_b")
    home = client.get("/").data.decode()
    assert "不予采纳" in home and "经复核，分数无误。" in home and 'data-testid="unread-badge"' in home
    mine = client.get("/my/entries").data.decode()
    assert f'id="objection-{objection.id}"' in mine and "不予采纳" in mine and "经复核，分数无误。" in mine
    inbox = client.get("/notifications").data.decode()
    assert "您对" in inbox and "不予采纳" in inbox
    note = next(n for n in unread(worker_b) if n.kind == "objection_answered")
    opened = client.post(f"/notifications/{note.id}/open")
    assert opened.status_code == 302 and opened.headers["Location"].endswith(f"/my/entries#objection-{objection.id}")
    assert db.session.get(Notification, note.id).read_at is not None
    client.post("/notifications/read")
    assert unread(worker_b) == [] and 'data-testid="unread-badge"' not in client.get("/").data.decode()

    client.post("/logout")
    public = client.get(f"/public/results/{published.event.id}").data.decode()
    summary = public.split('data-testid="objection-summary"')[1].split("</p>")[0]
    assert "1 件" in summary and "不予采纳 1 件" in summary
    assert "分数有误" not in public and worker_b.name not in public


def test_an_upheld_objection_shows_what_changed(world, published, client, login_as):
    run, city = published, world.users["city"]
    objection = results.file_objection(world.users["worker_b"], run.event.id, "第10名笔试成绩录错", None)
    last = results.result_lines(run.event, None)[-1]
    sheet = judging.sheet(run.chief, run.event.id)
    theory = sheet["criteria"][0]["id"]
    current = next(s for s in sheet["scores"] if s["competitor_number"] == last.number and s["criterion_id"] == theory)
    judging.submit_scores(run.chief, run.event.id, SubmitScores.from_json(run.event.id, {"idempotency_key": uuid.uuid4().hex, "scores": [
        {"competitor_number": last.number, "criterion_id": theory, "value": "100", "version": current["version"], "reason": "异议复核"}]}))
    results.resolve_objection(city, objection.id, True, "经复核笔试成绩录错，已更正。")
    changes = results.changes_of(db.session.get(type(objection), objection.id))
    moved = next(c for c in changes if c.before["rank"] == last.rank)
    assert moved.after["rank"] < last.rank and "*" in moved.name  # the entrant's name masked as on public pages
    login_as("worker_b")
    mine = client.get("/my/entries").data.decode()
    assert "予以采纳" in mine and f"名次 {last.rank} → {moved.after['rank']}" in mine
    assert "排名已按更正结果更新" in client.get(f"/public/results/{run.event.id}").data.decode()


def test_notifications_are_private_and_written_with_their_cause(world, published, client, login_as):
    note = unread(world.users["worker"])[0]
    with pytest.raises(PermissionDenied):
        notifications.mark_read(world.users["worker_b"], note.id)
    login_as("worker_b")
    assert client.post(f"/notifications/{note.id}/open").status_code == 403
    assert db.session.get(Notification, note.id).read_at is None
    before = db.session.scalar(select(func.count(Notification.id)))
    with pytest.raises(NotFound):
        results.resolve_objection(world.users["city"], 999999, False, "不存在")
    assert db.session.scalar(select(func.count(Notification.id))) == before


def test_issuing_certificates_notifies_each_holder_once(world, published):
    published.event.contest.status = ContestStatus.FINAL
    db.session.commit()
    created = certificate_service.issue_for_event(world.users["city"], published.event.id)
    holders = {c.user_id for c in created}
    issued = db.session.scalars(select(Notification.user_id).where(Notification.kind == "certificates_issued")).all()
    assert sorted(issued) == sorted(holders)  # one each, even with an award and a title
