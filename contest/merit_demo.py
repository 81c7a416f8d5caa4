"""Demo data for a 立功竞赛 (called once from ``contest.seed``): the city's labour competition on the 衢州至丽水
railway, three monthly periods of 月度考核 (progress, quality, safety, innovation) scoring three construction
enterprises and two of their teams, the cumulative ranking (``period_total``) confirmed and computed with
立功竞赛先进集体 for the top two, and a 立功竞赛先进个人 individual event whose workers were nominated by their
enterprises. Deterministic: fixed marks, labels derived from ``today()``, keys from ``contest.randomness``.

The period events use the rubric method; the lead may switch them to the indicators method after merging.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from contest.clock import today
from contest.commands import score_items
from contest.domain.contests import ContestStatus
from contest.extensions import db
from contest.models import Contest, Event, Nomination, User
from contest.seed_support import add_rubric, by_username, workers_of
from contest.services import contests, draws, judging, periods, registration, results
from contest.services.contests import ContestInput, EventInput

SERIES = "月度考核"
PERIOD_RUBRIC = (
    ("施工进度", 30, "mean", (("节点完成率", "100", "measurement"),)),
    ("工程质量", 30, "mean", (("质量检查得分", "100", "measurement"),)),
    ("安全文明施工", 25, "mean", (("安全检查得分", "100", "measurement"),)),
    ("技术创新", 15, "mean", (("创新成果得分", "100", "measurement"),)),
)
PERSON_RUBRIC = (("先进事迹", 100, "mean", (("事迹评分", "100", "measurement"),)),)
#: (login of the unit's organiser, or of the team's leader) for the units in the series.
UNITS = ("qujiang.e3", "longyou.e3", "kecheng.e3", "qujiang.e3.t1", "longyou.e3.t2")
#: Marks per period (progress, quality, safety, innovation) by unit, in the order of ``UNITS``.
MARKS = (
    (("92", "90", "95", "80"), ("85", "88", "90", "70"), ("88", "86", "92", "75"), ("90", "92", "94", "60"), ("80", "84", "88", "65")),
    (("94", "91", "96", "82"), ("89", "90", "91", "78"), ("86", "85", "90", "72"), ("91", "93", "95", "66"), ("82", "83", "87", "70")),
    (("93", "92", "94", "85"), ("90", "92", "93", "80"), ("87", "88", "91", "74"), ("92", "94", "96", "70"), ("84", "85", "89", "72")),
)
#: 先进个人: (enterprise login nominating, team of the worker, the worker's mark).
PEOPLE = (("qujiang.e3", "qujiang.e3.t1", "93"), ("longyou.e3", "longyou.e3.t2", "90"), ("kecheng.e3", "kecheng.e3.t1", "88"))


@dataclass(frozen=True)
class MeritDemo:
    contest: Contest
    periods: list[Event]
    cumulative: Event
    individual: Event


def _month_labels(count: int) -> list[str]:
    now = today()
    index = now.year * 12 + now.month - 1 - count  # the last complete month is the last period
    return [f"{(index + i) // 12}年{(index + i) % 12 + 1}月" for i in range(count)]


def _score(chief: User, second: User, event: Event, marks: dict[int, tuple[str, ...]]) -> None:
    """Both inspectors give the same marks (the group agrees them on site); the chief signs off."""
    criteria = [c["id"] for c in judging.sheet(chief, event.id)["criteria"]]
    for judge in (chief, second):
        items = [{"competitor_number": number, "criterion_id": criterion, "value": value}
                 for number, values in marks.items() for criterion, value in zip(criteria, values, strict=True)]
        judging.enter_scores(judge, event.id, score_items(items))
    judging.sign_off(chief, event.id)


def _numbers(event: Event) -> dict[int, int]:
    """Unit (or, for a worker's entry, the nomination) → competitor number."""
    rows = db.session.scalars(select(Nomination).where(Nomination.event_id == event.id, Nomination.competitor_number.is_not(None)))
    return {n.unit_id or n.id: n.competitor_number for n in rows}


def seed_merit_contest(city: User) -> MeritDemo:
    """The city's 立功竞赛 with three monthly periods, the cumulative ranking and 先进个人 (see the module)."""
    now = today()
    year = now.year
    labels = _month_labels(3)
    contest = contests.create_contest(city, ContestInput(
        f"{year}年衢州至丽水铁路衢州段建设劳动竞赛", year, "merit", now - timedelta(days=1), now + timedelta(days=30),
        now + timedelta(days=60), "衢丽铁路衢州段各标段",
        "围绕衢丽铁路衢州段建设，按月考核参建单位和班组的施工进度、工程质量、安全文明施工和技术创新，年终按累计得分评选立功竞赛先进集体和先进个人。"))
    period = contests.create_event(city, contest.id, EventInput(SERIES, kind="unit"))
    add_rubric(city, period, PERIOD_RUBRIC)
    cumulative = contests.create_event(city, contest.id, EventInput("立功竞赛先进集体", kind="unit", method=periods.METHOD))
    contests.set_ranking_rules(city, cumulative.id, [], {"mode": "count", "tiers": [{"name": "立功竞赛先进集体", "value": "2"}]})
    individual = contests.create_event(city, contest.id, EventInput("立功竞赛先进个人"))
    add_rubric(city, individual, PERSON_RUBRIC)
    contests.set_ranking_rules(city, individual.id, [], {"mode": "count", "tiers": [{"name": "立功竞赛先进个人", "value": "2"}]})
    contests.change_status(city, contest.id, ContestStatus.OPEN)
    periods.start_series(city, period.id, SERIES, labels[0])

    units = [by_username(login).org for login in UNITS]
    for unit in units:
        registration.nominate_unit(city, period.id, unit.id)
    for enterprise_login, team, _mark in PEOPLE:  # nominated by the enterprise, approved by the county and the city
        enterprise = by_username(enterprise_login)
        nomination = registration.nominate(enterprise, individual.id, [workers_of(team)[0].id])
        registration.approve(by_username(enterprise_login.split(".")[0]), nomination.id)
        registration.approve(city, nomination.id)
    contests.change_status(city, contest.id, ContestStatus.CLOSED)
    draws.hold_draw(city, period.id)
    draws.hold_draw(city, individual.id)
    periods.set_up_cumulative(city, cumulative.id, SERIES)  # the units enter the cumulative ranking with their numbers
    contests.change_status(city, contest.id, ContestStatus.RUNNING)

    chief, second = by_username("judge06"), by_username("judge07")
    judging.assign_judge(city, period.id, chief.id, chief=True)
    judging.assign_judge(city, period.id, second.id)
    all_periods = [period]
    for month, label in enumerate(labels):
        event = all_periods[-1] if month == 0 else periods.add_next_period(city, all_periods[-1].id, label)
        if month:
            all_periods.append(event)
        number = _numbers(event)
        _score(chief, second, event, {number[unit.id]: MARKS[month][i] for i, unit in enumerate(units)})
        results.compute_results(city, event.id)

    person_chief = by_username("judge08")
    judging.assign_judge(city, individual.id, person_chief.id, chief=True)
    numbers = _numbers(individual)
    entries = db.session.scalars(select(Nomination).where(Nomination.event_id == individual.id).order_by(Nomination.id)).all()
    criterion = judging.sheet(person_chief, individual.id)["criteria"][0]["id"]
    judging.enter_scores(person_chief, individual.id, score_items([
        {"competitor_number": numbers[n.id], "criterion_id": criterion, "value": mark} for n, (_e, _t, mark) in zip(entries, PEOPLE, strict=True)]))
    judging.sign_off(person_chief, individual.id)
    results.compute_results(city, individual.id)

    periods.confirm_cumulative(city, cumulative.id)
    results.compute_results(city, cumulative.id)
    return MeritDemo(contest, all_periods, cumulative, individual)
