"""Small helpers shared by the demo seeders (``contest.seed`` and ``contest.dashboard.demo``): a module of its own,
so that neither imports the other.

Imports: models, extensions, services. Imported by: the demo seeders only.
"""

from __future__ import annotations

from sqlalchemy import select

from contest.extensions import db
from contest.models import User
from contest.services import contests


def by_username(username: str) -> User:
    return db.session.scalar(select(User).where(User.username == username))


def add_rubric(actor: User, event, parts) -> None:
    for name, weight, aggregation, criteria in parts:
        component = contests.add_component(actor, event.id, name, weight, aggregation)
        for criterion, max_marks, kind in criteria:
            contests.add_criterion(actor, component.id, criterion, max_marks, kind)


def workers_of(team_prefix: str) -> list[User]:
    """The workers (not the leader) of one demo team, e.g. ``kecheng.e1.t1``."""
    leader = by_username(team_prefix)
    return list(db.session.scalars(
        select(User).where(User.org_id == leader.org_id, User.id != leader.id).order_by(User.username)
    ))
