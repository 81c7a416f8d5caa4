"""``flask --app contest notify-due`` (daily) and ``flask --app contest deliver-notifications [--loop]`` (a worker)."""

from __future__ import annotations

import signal
import time

import click
from flask import current_app
from flask.cli import with_appcontext

from contest import clock
from contest.extensions import db
from contest.notifications.delivery import deliver_due, mailer_for
from contest.services.notifications import notify_due


@click.command("notify-due")
@with_appcontext
@click.option("--on", "on", type=click.DateTime(formats=["%Y-%m-%d"]), help="Run as if today were this date (default: today).")
def notify_due_command(on) -> None:
    """Notify organisers of registration closing within 3 days (run daily; never twice for the same contest
    and organiser)."""
    written = notify_due(on.date() if on else clock.today())
    click.echo(f"registration_closing: {written}")


@click.command("deliver-notifications")
@with_appcontext
@click.option("--loop", is_flag=True, help="Keep running: deliver, then wait --interval seconds when nothing is due.")
@click.option("--interval", default=10.0, show_default=True, help="Seconds to wait when the queue is empty (with --loop).")
@click.option("--batch", default=100, show_default=True, help="Notifications claimed at a time.")
def deliver_command(loop: bool, interval: float, batch: int) -> None:
    """Send the e-mail of pending notifications (SMTP when MAIL_SERVER is set, else the log), with retries."""
    mailer = mailer_for(current_app.config)
    stopping = []
    if loop:
        signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    while True:
        report = deliver_due(batch=batch, mailer=mailer)
        db.session.remove()
        if report.handled or not loop:
            click.echo(f"sent {report.sent}, skipped {report.skipped}, to retry {report.retried}, failed {report.failed}")
        if not loop or stopping:
            return
        if report.handled < batch:
            deadline = time.monotonic() + interval
            while time.monotonic() < deadline and not stopping:
                time.sleep(min(0.5, interval))
            if stopping:
                return


COMMANDS = (notify_due_command, deliver_command)
