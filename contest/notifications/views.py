"""The inbox (通知): the user's notifications, unread first; opening one marks it read and goes to its page."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import current_user

from contest.access import login_required
from contest.forms import ConfirmForm
from contest.notifications.cli import COMMANDS
from contest.notifications.rendering import link_of, message_of
from contest.services import notifications as service
from contest.web import paginate, post_action

# cli_group=None: the commands are top-level (``flask --app contest deliver-notifications``).
notifications_bp = Blueprint("notifications", __name__, cli_group=None)
for _command in COMMANDS:
    notifications_bp.cli.add_command(_command)


@notifications_bp.app_context_processor
def unread_badge():
    """``unread_notifications()`` for the navigation bar: one COUNT, only where a page asks for it."""
    def count() -> int:
        return service.unread_count(current_user) if current_user.is_authenticated else 0

    return {"unread_notifications": count}


@notifications_bp.get("/notifications")
@login_required
def inbox():
    page = paginate(service.inbox_query(current_user))
    return render_template("notifications/inbox.html", page=page, message_of=message_of, confirm=ConfirmForm())


@notifications_bp.post("/notifications/<int:notification_id>/open")
@login_required
def open_(notification_id: int):
    note = service.mark_read(current_user, notification_id)
    return redirect(link_of(note))


@notifications_bp.post("/notifications/read")
@login_required
def read_all():
    return post_action(lambda: service.mark_all_read(current_user), gettext("Every notification is marked read."),
                       url_for("notifications.inbox"))
