"""The to-do list on an organiser's home page: things that wait for the user.

Providers are a registry: each later capability (nominations to approve, events to sign off,
objections to resolve) adds one function returning ``TodoItem`` rows for the user.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from contest import policy
from contest.domain.nominations import NominationStatus
from contest.extensions import db
from contest.models import Contest, Event, Nomination, Objection, Organisation, OrgLevel, Role, User, UserRole


@dataclass(frozen=True)
class TodoItem:
    title: str
    count: int
    url: str
    kind: str = "info"  # bootstrap colour


TodoProvider = Callable[[User], list[TodoItem]]
TODO_PROVIDERS: list[TodoProvider] = []


def todo_provider(func_: TodoProvider) -> TodoProvider:
    TODO_PROVIDERS.append(func_)
    return func_


def todo_items(user: User) -> list[TodoItem]:
    items: list[TodoItem] = []
    for provider in TODO_PROVIDERS:
        items.extend(provider(user))
    return [item for item in items if item.count]


@todo_provider
def units_without_organiser(user: User) -> list[TodoItem]:
    """Units in scope (county and enterprise level) that have no active organiser account yet."""
    if not policy.is_organiser(user):
        return []
    has_organiser = (
        select(User.org_id)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.ORGANISER, User.active.is_(True))
    )
    count = db.session.scalar(
        select(func.count(Organisation.id)).where(
            policy.scope_clause(user),
            Organisation.path != user.org.path,
            Organisation.active.is_(True),
            Organisation.level.in_([OrgLevel.COUNTY, OrgLevel.ENTERPRISE]),
            Organisation.id.not_in(has_organiser),
        )
    )
    return [TodoItem(_("Units without an organiser account"), count or 0, url_for("orgs.index", missing="organiser"), "warning")]


@todo_provider
def accounts_never_logged_in(user: User) -> list[TodoItem]:
    """Accounts in scope still holding their initial password."""
    if not policy.is_organiser(user):
        return []
    count = db.session.scalar(
        select(func.count(User.id))
        .join(User.org)
        .where(policy.scope_clause(user), User.active.is_(True), User.must_change_password.is_(True))
    )
    return [TodoItem(_("Accounts that still have their initial password"), count or 0, url_for("people.index", pending="1"))]


@todo_provider
def nominations_waiting(user: User) -> list[TodoItem]:
    """Nominations waiting for the user's own unit to approve or reject."""
    if not policy.is_organiser(user):
        return []
    count = db.session.scalar(
        select(func.count(Nomination.id)).where(Nomination.waiting_org_id == user.org_id, Nomination.status == NominationStatus.PENDING)
    )
    return [TodoItem(_("Nominations waiting for your approval"), count or 0, url_for("registration.waiting"), "danger")]


@todo_provider
def objections_open(user: User) -> list[TodoItem]:
    """Objections to the results of contests hosted by the user's unit: one item per event, opening its
    oldest open objection on the results page (where it is answered)."""
    if not policy.is_organiser(user):
        return []
    rows = db.session.execute(
        select(Event.id, Event.name, Contest.title, func.count(Objection.id), func.min(Objection.id))
        .select_from(Objection).join(Event, Event.id == Objection.event_id).join(Contest, Contest.id == Event.contest_id)
        .where(Contest.host_id == user.org_id, Objection.status == "open")
        .group_by(Event.id, Event.name, Contest.title).order_by(func.min(Objection.id))
    )
    return [
        TodoItem(_("Objections to answer: %(contest)s · %(event)s", contest=title, event=name), count,
                 url_for("results.ranking", event_id=event_id, _anchor=f"objection-{first}"), "danger")
        for event_id, name, title, count, first in rows
    ]
