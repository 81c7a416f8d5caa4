"""E-mail delivery of notifications (issue 15.3): the rows are the outbox; a worker mails them after the commit
(SMTP against a local stub server, or the log), retries with backoff, gives up after MAIL_MAX_ATTEMPTS, skips
users without an address; a request never talks to the mail server; the queue depth is in /metrics; users set
their address on the account page."""

from __future__ import annotations

import logging
import smtplib
import socket
from datetime import timedelta

import pytest
from sqlalchemy import select

from contest.extensions import db
from contest.models import Notification, User, utcnow
from contest.notifications.delivery import deliver_due, retry_delay
from contest.services import notifications, transaction
from tests.smtp_stub import SmtpStub

# Claiming (FOR UPDATE SKIP LOCKED), the once-only constraint and the JSON params also run on PostgreSQL in CI.
pytestmark = pytest.mark.db


def _notify(user, **params) -> int:
    with transaction():
        notifications.notify(user.id, "registration_closing", contest_id=1, contest="2026年衢州市职工职业技能大赛",
                             closes="2026-12-03", **params)
    return db.session.scalar(select(Notification.id).where(Notification.user_id == user.id).order_by(Notification.id.desc()))


def _set_email(user, email: str | None) -> None:
    db.session.get(User, user.id).email = email
    db.session.commit()


def _note(note_id: int) -> Notification:
    db.session.expire_all()
    return db.session.get(Notification, note_id)


@pytest.fixture
def smtp(app):
    with SmtpStub() as stub:
        app.config.update(MAIL_BACKEND=None, MAIL_SERVER="127.0.0.1", MAIL_PORT=stub.port, MAIL_TIMEOUT=5,
                          MAIL_DEFAULT_SENDER="contest@example.org", PUBLIC_BASE_URL="https://jingsai.example.org")
        yield stub


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_smtp_delivery_in_chinese_with_the_absolute_link_once(world, smtp):
    worker = world.users["worker"]
    _set_email(worker, "zhangxiaosan@example.com")
    note_id = _notify(worker)
    report = deliver_due()
    assert (report.sent, report.retried, report.failed) == (1, 0, 0)
    [mail] = smtp.messages
    assert mail.recipients == ["zhangxiaosan@example.com"] and mail.sender == "contest@example.org"
    message = mail.message
    assert "2026年衢州市职工职业技能大赛将于 2026-12-03 截止报名" in message["Subject"]
    assert message["X-Contest-Notification"] == str(note_id)
    body = message.get_content()
    assert body.startswith("张小三，您好：") and "https://jingsai.example.org/contests/1" in body
    note = _note(note_id)
    assert note.email_status == "sent" and note.sent_at is not None and note.attempts == 1
    assert deliver_due().handled == 0 and len(smtp.messages) == 1  # never twice


def test_users_without_an_address_are_skipped(world, smtp):
    note_id = _notify(world.users["worker_b"])
    report = deliver_due()
    assert report.skipped == 1 and report.sent == 0 and smtp.messages == [] and smtp.state.connections == 0
    assert _note(note_id).email_status == "skipped"
    assert _note(note_id).read_at is None  # still in the inbox


def test_a_refusing_server_is_retried_with_backoff_then_succeeds(world, smtp):
    _set_email(world.users["worker"], "w@example.com")
    note_id = _notify(world.users["worker"])
    smtp.state.refuse_rcpt = "451 4.3.0 mailbox busy, try again"
    start = utcnow()
    report = deliver_due(now=start)
    assert report.retried == 1 and report.sent == 0
    note = _note(note_id)
    assert note.email_status == "pending" and note.attempts == 1 and "451" in note.last_error
    assert note.next_attempt_at == start + retry_delay(1) == start + timedelta(minutes=1)
    assert deliver_due(now=start + timedelta(seconds=30)).handled == 0  # not due yet
    report = deliver_due(now=start + timedelta(minutes=1))
    assert report.retried == 1 and _note(note_id).next_attempt_at == start + timedelta(minutes=3)  # 1 + 2 minutes
    smtp.state.refuse_rcpt = None
    report = deliver_due(now=start + timedelta(minutes=3))
    assert report.sent == 1 and len(smtp.messages) == 1
    note = _note(note_id)
    assert note.email_status == "sent" and note.attempts == 3 and note.last_error is None


def test_an_unreachable_server_is_given_up_after_the_last_attempt(app, world, client):
    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=_closed_port(), MAIL_MAX_ATTEMPTS=3, MAIL_TIMEOUT=2)
    _set_email(world.users["worker"], "w@example.com")
    note_id = _notify(world.users["worker"])
    assert "contest_notifications_undelivered 1.0" in client.get("/metrics").get_data(as_text=True)
    at = utcnow()
    for attempt in (1, 2, 3):
        report = deliver_due(now=at)
        assert report.handled == 1 and "ConnectionRefusedError" in report.errors[0], (attempt, report)
        at = _note(note_id).next_attempt_at if attempt < 3 else at
    note = _note(note_id)
    assert note.email_status == "failed" and note.attempts == 3
    metrics = client.get("/metrics").get_data(as_text=True)
    assert "contest_notifications_undelivered 0.0" in metrics and "contest_notifications_failed 1.0" in metrics


def test_the_backoff_doubles_up_to_six_hours():
    assert [retry_delay(n).total_seconds() / 60 for n in (1, 2, 3, 4)] == [1, 2, 4, 8]
    assert retry_delay(30) == timedelta(hours=6)


def test_a_request_never_talks_to_the_mail_server(app, world, client, login_as, monkeypatch):
    from contest.services import registration
    from tests.contest_factories import make_contest

    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=_closed_port())
    _set_email(world.users["team_a"], "banzu@example.com")

    def forbidden(*_args, **_kwargs):
        raise AssertionError("a request opened an SMTP connection")

    monkeypatch.setattr(smtplib, "SMTP", forbidden)
    event = make_contest(world.users["city"]).events[0]
    login_as("worker")
    answer = client.post(f"/events/{event.id}/apply")
    assert answer.status_code == 302
    waiting = db.session.scalars(select(Notification).where(Notification.user_id == world.users["team_a"].id)).all()
    assert [n.kind for n in waiting] == ["nominations_waiting"] and waiting[0].email_status == "pending"
    assert registration  # the worker's application went through the same service


def test_the_console_backend_logs_the_message(app, world, caplog):
    app.config.update(MAIL_SERVER=None, MAIL_BACKEND=None)
    _set_email(world.users["worker"], "w@example.com")
    note_id = _notify(world.users["worker"])
    with caplog.at_level(logging.INFO, logger="contest.mail"):
        assert deliver_due().sent == 1
    assert any("w@example.com" in r.getMessage() and "截止报名" in r.getMessage() for r in caplog.records)
    assert _note(note_id).email_status == "sent"


def test_the_worker_command(app, world, smtp, runner):
    _set_email(world.users["worker"], "w@example.com")
    _notify(world.users["worker"])
    _notify(world.users["worker_b"])
    result = runner.invoke(args=["deliver-notifications"])
    assert result.exit_code == 0 and "sent 1, skipped 1, to retry 0, failed 0" in result.output
    assert len(smtp.messages) == 1


def test_a_user_sets_the_address_on_the_account_page(world, client, login_as):
    login_as("worker")
    page = client.get("/account").get_data(as_text=True)
    assert 'for="email"' in page and "电子邮箱" in page
    refused = client.post("/account", data={"email": "zhang@localhost"})
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    field = html.split('id="email"')[1].split("</div>")[0]
    assert "请输入有效的电子邮箱地址" in html.split('id="email"')[1] and "is-invalid" in html.split('id="email"')[0][-200:] + field
    assert db.session.get(User, world.users["worker"].id).email is None
    saved = client.post("/account", data={"email": " Zhang.XiaoSan@Example.COM "})
    assert saved.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, world.users["worker"].id).email == "zhang.xiaosan@example.com"
    assert "zhang.xiaosan@example.com" in client.get("/account").get_data(as_text=True)
    client.post("/account", data={"email": ""})
    db.session.expire_all()
    assert db.session.get(User, world.users["worker"].id).email is None


def test_a_message_that_cannot_be_rendered_fails_alone(world, smtp):
    _set_email(world.users["worker"], "w@example.com")
    good = _notify(world.users["worker"])
    with transaction():
        notifications.notify(world.users["worker"].id, "results_published", event="电工", contest="c")  # no event_id: no link
    bad = _note(good + 1)
    report = deliver_due()
    assert report.sent == 1 and report.retried == 1 and len(smtp.messages) == 1
    assert _note(good).email_status == "sent" and _note(bad.id).attempts == 1 and "event_id" in _note(bad.id).last_error


def test_a_claimed_batch_is_leased_and_comes_back_if_its_worker_dies(world, smtp):
    from contest.notifications.delivery import LEASE, _claim

    _set_email(world.users["worker"], "w@example.com")
    note_id = _notify(world.users["worker"])
    start = utcnow()
    claimed, skipped = _claim(start, 100)  # a worker claims, then dies before sending
    assert [c[0] for c in claimed] == [note_id] and skipped == 0
    assert deliver_due(now=start + timedelta(minutes=1)).handled == 0  # another worker leaves it alone
    report = deliver_due(now=start + LEASE)
    assert report.sent == 1 and len(smtp.messages) == 1 and _note(note_id).attempts == 1
