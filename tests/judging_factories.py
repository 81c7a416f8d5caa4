"""A running contest ready to be scored, built through the services."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from contest.domain.contests import ContestStatus
from contest.extensions import db
from contest.models import Event, Nomination, NominationMember, Role, User
from contest.services import contests, draws, judging, registration
from tests.contest_factories import make_contest
from tests.factories import make_user


@dataclass
class Running:
    event: Event
    chief: User  # a city judge, chief of the event
    judge: User  # the world's judge, in enterprise A: in conflict with entries from 柯城电力
    other: User  # a judge of county B's enterprise: in conflict with 衢江机械's entries
    numbers: dict[str, int]  # worker username → competitor number


def running_event(world, extra_workers: int = 2) -> Running:
    """City contest, one event (理论 30: 笔试 100 | 实操 70: 操作 60, 安全 10 judgement), entries from both
    counties confirmed and drawn, three judges assigned (one chief), contest running."""
    city = world.users["city"]
    contest = make_contest(city)
    event = contest.events[0]
    pw = world.users["worker"].password_hash
    workers = [world.users["worker"], world.users["worker_b"]]
    workers += [make_user(f"sw{i}", world.orgs["team_a" if i % 2 else "team_b"], {Role.WORKER}, pw, name=f"选手{i}")
                for i in range(extra_workers)]
    chief = make_user("chief", world.orgs["city"], {Role.JUDGE}, pw, name="裁判长")
    other = make_user("judge_b", world.orgs["ent_b"], {Role.JUDGE}, pw, name="裁判乙")
    db.session.commit()
    for worker in workers:
        registration.nominate(city, event.id, [worker.id])
    contests.change_status(city, contest.id, ContestStatus.CLOSED)
    draws.hold_draw(city, event.id)
    contests.change_status(city, contest.id, ContestStatus.RUNNING)
    judging.assign_judge(city, event.id, chief.id, chief=True)
    judging.assign_judge(city, event.id, world.users["judge"].id)
    judging.assign_judge(city, event.id, other.id)
    numbers = {}
    for username, number in db.session.execute(
        select(User.username, Nomination.competitor_number).join(NominationMember, NominationMember.user_id == User.id)
        .join(Nomination, Nomination.id == NominationMember.nomination_id).where(Nomination.event_id == event.id)
    ):
        numbers[username] = number
    return Running(event, chief, world.users["judge"], other, numbers)
