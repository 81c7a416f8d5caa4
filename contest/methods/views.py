"""The generic pages of decision methods: ``methods.setup`` (the host's organisers: the event's method
settings) and ``methods.entry`` (the event's judges: entering results). A method with pages of its own (the
rubric editor and tablet, the bracket pages) is sent there; any other method answers with its
``setup_page``/``entry_page``, so a new method needs no route of its own."""

from __future__ import annotations

from flask import Blueprint, redirect, url_for
from flask_login import current_user

import contest.methods.builtin  # noqa: F401  (registers the built-in methods before the first request)
from contest.access import organiser_required, roles_required
from contest.domain.errors import N_
from contest.models import Role
from contest.services import PermissionDenied
from contest.services.contests import get_event, managed_event
from contest.services.judging import assignment_of

methods_bp = Blueprint("methods", __name__)

MANAGE_METHOD = N_("Only organisers of %(host)s set up the event.")


@methods_bp.route("/events/<int:event_id>/method", methods=["GET", "POST"])
@organiser_required
def setup(event_id: int):
    event = managed_event(current_user, event_id, MANAGE_METHOD)
    method = event.method
    if method.setup_endpoint != "methods.setup":
        return redirect(url_for(method.setup_endpoint, event_id=event.id))
    return method.setup_page(event)


@methods_bp.route("/events/<int:event_id>/entry", methods=["GET", "POST"])
@roles_required(Role.JUDGE)
def entry(event_id: int):
    event = get_event(current_user, event_id)
    if assignment_of(current_user, event.id) is None:
        raise PermissionDenied(N_("Only the event's judges enter its results."))
    method = event.method
    if method.entry_endpoint != "methods.entry":
        return redirect(url_for(method.entry_endpoint, event_id=event.id))
    return method.entry_page(event)
