"""Contest test data built through the services (so the same rules apply as in production)."""

from __future__ import annotations

from datetime import date, timedelta

from contest.clock import today
from contest.domain.contests import ContestStatus
from contest.services import contests
from contest.services.contests import ContestInput, EventInput


def make_contest(actor, title="2026年衢州市职工职业技能大赛", open_=True, events=("电工",), team_event=None, **event_options):
    """A contest hosted by ``actor``'s unit with simple complete events; opened unless ``open_`` is False."""
    start = today()
    contest = contests.create_contest(actor, ContestInput(title, start.year, "skills", start - timedelta(days=1),
                                                          start + timedelta(days=30), start + timedelta(days=60)))
    for name in events:
        event = contests.create_event(actor, contest.id, EventInput(name, **event_options))
        add_simple_rubric(actor, event.id)
    if team_event:
        event = contests.create_event(actor, contest.id, EventInput(team_event, kind="team", team_min=2, team_max=3))
        add_simple_rubric(actor, event.id)
    if open_:
        contests.change_status(actor, contest.id, ContestStatus.OPEN)
    return contest


def add_simple_rubric(actor, event_id: int) -> None:
    theory = contests.add_component(actor, event_id, "理论", 30, "mean")
    contests.add_criterion(actor, theory.id, "笔试", "100", "measurement")
    practice = contests.add_component(actor, event_id, "实操", 70, "trimmed_mean")
    contests.add_criterion(actor, practice.id, "操作", "60", "measurement")
    contests.add_criterion(actor, practice.id, "安全", "10", "judgement")


def past(days: int) -> date:
    return today() - timedelta(days=days)
