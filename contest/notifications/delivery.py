"""E-mail delivery of notifications: the ``notifications`` rows are the outbox, this is the worker that empties it.

A cause writes its notifications inside its own transaction with ``email_status="pending"`` (see
``contest.services.notifications``); nothing is sent during the request. ``deliver_due`` (run by
``flask --app contest deliver-notifications [--loop]``, one process or several) then:

1. **claims** a batch of due rows (pending, ``next_attempt_at`` reached) in a short transaction — ``FOR UPDATE
   SKIP LOCKED`` on PostgreSQL, so two workers never take the same row — and pushes their ``next_attempt_at``
   ``LEASE`` ahead, so a worker that dies mid-batch leaves its rows to be retried, not lost; rows of users
   without an e-mail address (or inactive ones) become ``skipped`` in the same transaction;
2. **sends** each outside any transaction (one SMTP connection per batch), in the recipient's language of the
   app (Chinese), with the absolute link of the notification's page (``PUBLIC_BASE_URL``);
3. **records** each outcome in its own transaction: ``sent`` with ``sent_at``; or a failure: ``attempts`` + 1,
   ``last_error``, and the next attempt after ``retry_delay(attempts)`` — 1, 2, 4 … minutes, at most 6 hours —
   until ``MAIL_MAX_ATTEMPTS`` (8) failures make it ``failed`` (the inbox still shows it).

A mail server may therefore receive a message twice (a worker killed between the server's answer and step 3),
never zero times while attempts remain: at-least-once, as every outbox. Each message carries
``X-Contest-Notification: <id>`` so a receiving system can drop duplicates.

Backends (``MAIL_BACKEND``): ``console`` (the default without ``MAIL_SERVER``) logs each message on the
``contest.mail`` logger and counts as sent; ``smtp`` (the default with ``MAIL_SERVER``) uses the standard
library's ``smtplib`` — ``MAIL_SERVER``, ``MAIL_PORT`` (25), ``MAIL_USE_TLS`` (STARTTLS), ``MAIL_USE_SSL``
(implicit TLS, port 465), ``MAIL_USERNAME``/``MAIL_PASSWORD``, ``MAIL_DEFAULT_SENDER``, ``MAIL_TIMEOUT`` (s).
Plain ``smtplib`` rather than Flask-Mail: the sender runs in a worker, not in a request, needs one connection
per batch and per-message outcomes, and Flask-Mail adds nothing to that but a dependency.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app
from flask_babel import force_locale, gettext
from sqlalchemy import select

from contest.extensions import db
from contest.models import Notification, User, utcnow
from contest.notifications.rendering import link_of, message_of
from contest.services import transaction

logger = logging.getLogger(__name__)
mail_log = logging.getLogger("contest.mail")

LEASE = timedelta(minutes=5)
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=6)
DEFAULT_MAX_ATTEMPTS = 8


def retry_delay(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failure: 1 minute doubled for each earlier failure, at most 6 hours."""
    return min(FIRST_RETRY * (2 ** max(0, attempts - 1)), LONGEST_RETRY)


@dataclass(frozen=True)
class Mail:
    notification_id: int
    to: str
    subject: str
    body: str


Send = Callable[[Mail], None]


class ConsoleMailer:
    """Logs every message (the default: a demo or a site without a mail server)."""

    @contextmanager
    def connect(self) -> Iterator[Send]:
        def send(mail: Mail) -> None:
            mail_log.info("mail to %s: %s\n%s", mail.to, mail.subject, mail.body,
                          extra={"notification_id": mail.notification_id})

        yield send


class SmtpMailer:
    """Standard-library SMTP, one connection per batch."""

    def __init__(self, config: dict) -> None:
        self.host = config.get("MAIL_SERVER") or "localhost"
        self.use_ssl = bool(config.get("MAIL_USE_SSL"))
        self.port = int(config.get("MAIL_PORT") or (465 if self.use_ssl else 25))
        self.use_tls = bool(config.get("MAIL_USE_TLS"))
        self.username = config.get("MAIL_USERNAME") or ""
        self.password = config.get("MAIL_PASSWORD") or ""
        self.sender = config.get("MAIL_DEFAULT_SENDER") or f"noreply@{self.host}"
        self.timeout = float(config.get("MAIL_TIMEOUT") or 30)

    @contextmanager
    def connect(self) -> Iterator[Send]:
        if self.use_ssl:
            smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        try:
            if self.use_tls and not self.use_ssl:
                smtp.starttls(context=ssl.create_default_context())
            if self.username:
                smtp.login(self.username, self.password)

            def send(mail: Mail) -> None:
                message = EmailMessage()
                message["From"] = self.sender
                message["To"] = mail.to
                message["Subject"] = mail.subject
                message["Date"] = formatdate(localtime=True)
                message["Message-ID"] = make_msgid(f"notification-{mail.notification_id}")
                message["X-Contest-Notification"] = str(mail.notification_id)
                message.set_content(mail.body)
                smtp.send_message(message)

            yield send
        finally:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()


BACKENDS: dict[str, Callable[[dict], object]] = {
    "console": lambda _config: ConsoleMailer(),
    "smtp": SmtpMailer,
}


def mailer_for(config: dict):
    name = config.get("MAIL_BACKEND") or ("smtp" if config.get("MAIL_SERVER") else "console")
    if name not in BACKENDS:
        raise ValueError(f"unknown MAIL_BACKEND {name!r} (one of {', '.join(BACKENDS)})")
    return BACKENDS[name](config)


@dataclass
class Report:
    sent: int = 0
    skipped: int = 0
    retried: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def handled(self) -> int:
        return self.sent + self.skipped + self.retried + self.failed


def _claim(now: datetime, batch: int) -> tuple[list[tuple[int, str, str]], int]:
    """Claim due rows: ``(notification id, address, name)`` for those to send, and how many became ``skipped``."""
    with transaction():
        notes = list(db.session.scalars(
            select(Notification)
            .where(Notification.email_status == "pending", Notification.next_attempt_at <= now)
            .order_by(Notification.next_attempt_at, Notification.id).limit(batch)
            .with_for_update(skip_locked=True)
        ))
        users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_({n.user_id for n in notes})))} if notes else {}
        claimed, skipped = [], 0
        for note in notes:
            user = users.get(note.user_id)
            if user is None or not user.email or not user.active:
                note.email_status = "skipped"
                skipped += 1
                continue
            note.next_attempt_at = now + LEASE
            claimed.append((note.id, user.email, user.name))
    return claimed, skipped


@contextmanager
def rendering() -> Iterator[None]:
    """The context ``render`` needs: a request on ``PUBLIC_BASE_URL`` (for ``url_for``) in the mail locale."""
    base = (current_app.config.get("PUBLIC_BASE_URL") or "http://127.0.0.1:5000").rstrip("/")
    with current_app.test_request_context("/", base_url=base), force_locale(current_app.config.get("MAIL_LOCALE", "zh_CN")):
        yield


def render(note: Notification, name: str) -> tuple[str, str]:
    """Subject and body of the e-mail for one notification, in Chinese, with the absolute link of its page
    (call inside ``rendering()``)."""

    base = (current_app.config.get("PUBLIC_BASE_URL") or "http://127.0.0.1:5000").rstrip("/")
    message = message_of(note)
    link = base + link_of(note)
    site = gettext("Workers' Skills Contests")
    subject = f"[{site}] {message}"
    if len(subject) > 120:
        subject = subject[:119] + "…"
    body = "\n\n".join([
        gettext("Dear %(name)s,", name=name),
        message,
        gettext("Open it here: %(link)s", link=link),
        gettext("This message was sent by %(site)s; you can change your e-mail address on your account page.", site=site),
    ]) + "\n"
    return subject, body


def deliver_due(batch: int = 100, now: datetime | None = None, mailer=None) -> Report:
    """Deliver one batch of due notifications (see the module docstring); returns what happened."""
    now = now or utcnow()
    mailer = mailer or mailer_for(current_app.config)
    max_attempts = int(current_app.config.get("MAIL_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS))
    report = Report()
    claimed, report.skipped = _claim(now, batch)
    if not claimed:
        return report
    mails: list[Mail] = []
    outcomes: dict[int, str | None] = {}
    notes = {n.id: n for n in db.session.scalars(select(Notification).where(Notification.id.in_([c[0] for c in claimed])))}
    with rendering():
        for note_id, address, name in claimed:
            try:
                subject, body = render(notes[note_id], name)
            except Exception as exc:  # noqa: BLE001 - a message that cannot be rendered fails alone, and is given up in time
                logger.exception("notification %s cannot be rendered", note_id)
                outcomes[note_id] = _describe(exc)
            else:
                mails.append(Mail(note_id, address, subject, body))
    db.session.rollback()  # end the read transaction before talking to the mail server
    try:
        with mailer.connect() as send:
            for mail in mails:
                try:
                    send(mail)
                except (smtplib.SMTPException, OSError) as exc:
                    outcomes[mail.notification_id] = _describe(exc)
                else:
                    outcomes[mail.notification_id] = None
    except (smtplib.SMTPException, OSError) as exc:  # could not connect (or the connection broke)
        for mail in mails:
            outcomes.setdefault(mail.notification_id, _describe(exc))
    _record(outcomes, now, max_attempts, report)
    return report


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:500]


def _record(outcomes: dict[int, str | None], now: datetime, max_attempts: int, report: Report) -> None:
    for note_id, error in outcomes.items():
        with transaction():
            note = db.session.get(Notification, note_id, with_for_update=True)
            if note is None or note.email_status != "pending":
                continue
            note.attempts += 1
            if error is None:
                note.email_status, note.sent_at, note.last_error = "sent", now, None
                report.sent += 1
                continue
            note.last_error = error
            report.errors.append(error)
            if note.attempts >= max_attempts:
                note.email_status = "failed"
                report.failed += 1
                logger.warning("notification %s: gave up after %d attempts: %s", note_id, note.attempts, error)
            else:
                note.next_attempt_at = now + retry_delay(note.attempts)
                report.retried += 1
                logger.info("notification %s: attempt %d failed, next at %s: %s", note_id, note.attempts, note.next_attempt_at, error)
