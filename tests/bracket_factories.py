"""A running contest with a head-to-head event, its entries confirmed and drawn, built through the services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from contest.clock import today
from contest.domain.contests import ContestStatus
from contest.extensions import db
from contest.models import Event, Nomination, NominationMember, Role, User
from contest.services import contests, draws, judging, registration
from contest.services.contests import ContestInput, EventInput
from tests.factories import make_user


@dataclass
class BracketScene:
    event: Event
    chief: User  # a city judge, chief of the event: never in conflict
    judge: User  # the world's judge, of 柯城电力: in conflict with its entries
    numbers: dict[str, int]  # worker username → competitor number
    nominations: dict[int, int]  # competitor number → nomination id


def bracket_event(world, fmt: str, entrants: int, name: str = "羽毛球", open_status: ContestStatus = ContestStatus.RUNNING) -> BracketScene:
    """City sports contest with one individual event decided by ``fmt``; ``entrants`` workers alternately from
    柯城电力 and 衢江机械, nominated by the city, drawn; the chief judge (city) and the world's judge assigned."""
    city = world.users["city"]
    start = today()
    contest = contests.create_contest(city, ContestInput(f"2026年职工技能运动会 {name}", start.year, "sports", start - timedelta(days=1),
                                                         start + timedelta(days=30), start + timedelta(days=60)))
    event = contests.create_event(city, contest.id, EventInput(name, bracket_format=fmt))
    contests.change_status(city, contest.id, ContestStatus.OPEN)
    pw = world.users["worker"].password_hash
    workers = [make_user(f"p{i:03d}", world.orgs["team_a" if i % 2 else "team_b"], {Role.WORKER}, pw, name=f"选手{i}")
               for i in range(1, entrants + 1)]
    chief = db.session.scalar(select(User).where(User.username == "chief")) or make_user("chief", world.orgs["city"], {Role.JUDGE}, pw, name="裁判长")
    db.session.commit()
    for worker in workers:
        registration.nominate(city, event.id, [worker.id])
    contests.change_status(city, contest.id, ContestStatus.CLOSED)
    draws.hold_draw(city, event.id)
    if open_status == ContestStatus.RUNNING:
        contests.change_status(city, contest.id, ContestStatus.RUNNING)
    judging.assign_judge(city, event.id, chief.id, chief=True)
    judging.assign_judge(city, event.id, world.users["judge"].id)
    numbers, nominations = {}, {}
    for username, number, nomination_id in db.session.execute(
        select(User.username, Nomination.competitor_number, Nomination.id)
        .join(NominationMember, NominationMember.user_id == User.id)
        .join(Nomination, Nomination.id == NominationMember.nomination_id).where(Nomination.event_id == event.id)
    ):
        numbers[username] = number
        nominations[number] = nomination_id
    return BracketScene(event, chief, world.users["judge"], numbers, nominations)
