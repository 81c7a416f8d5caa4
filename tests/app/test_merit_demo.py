"""The 立功竞赛 demo (``contest.merit_demo.seed_merit_contest``) on the seeded demo: three monthly periods, the
cumulative ranking confirmed with its awards, and 先进个人; the same every time."""

from __future__ import annotations

from sqlalchemy import select

from contest import randomness
from contest.domain.contests import ContestStatus
from contest.extensions import db
from contest.merit_demo import SERIES, seed_merit_contest
from contest.models import EventResult, Nomination
from contest.seed_support import by_username
from contest.services import periods


def _seed():
    with randomness.replayable(14):  # the demo's own seed (2026) would repeat the judges' keys
        return seed_merit_contest(by_username("city"))


def _ranking(event_id: int):
    return [(r.rank, r.total_x100, r.award) for r in db.session.scalars(
        select(EventResult).where(EventResult.event_id == event_id).order_by(EventResult.rank, EventResult.id))]


def test_the_merit_demo_has_three_periods_a_cumulative_ranking_and_advanced_workers(demo):
    merit = _seed()
    assert merit.contest.status == ContestStatus.SCORED
    assert [p.period_seq for p in merit.periods] == [1, 2, 3]
    assert [p.name for p in periods.periods_of(merit.contest.id, SERIES)] == [p.name for p in merit.periods]
    page = periods.period_page(by_username("city"), merit.contest.id)
    (table,) = page.tables
    assert table.confirmed and all(table.computed) and len(table.rows) == 5
    cumulative = _ranking(merit.cumulative.id)
    assert [award for _r, _t, award in cumulative].count("立功竞赛先进集体") == 2
    assert cumulative[0][1] == sum(row.cells[i].total for row in table.rows[:1] for i in range(3)) * 100
    people = db.session.scalars(select(Nomination).where(Nomination.event_id == merit.individual.id)).all()
    assert len(people) == 3 and all(n.members for n in people)
    assert [award for _r, _t, award in _ranking(merit.individual.id)].count("立功竞赛先进个人") == 2
