"""The 安康杯 demo on an indicator sheet (``contest.indicators.demo``), run on the seeded demo: last year's
edition final with unit certificates, this year's copied from it, inspected, one enterprise vetoed despite 97
points, awards to the others."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from contest.domain.contests import ContestStatus
from contest.extensions import db
from contest.indicators.demo import seed_safety_contest, seed_safety_inspection
from contest.models import Certificate, Contest, Event, EventResult, Nomination
from contest.seed_support import by_username
from contest.services import indicator_sheets


def test_the_safety_demo(demo):
    safety = seed_safety_contest(by_username("city"))
    last = db.session.get(Contest, safety.last_contest_id)
    assert last.status == ContestStatus.FINAL
    assert db.session.scalar(select(func.count(Certificate.id)).where(Certificate.org_id.is_not(None),
                                                                      Certificate.event_id.in_([e.id for e in last.events]))) > 0
    contest = db.session.get(Contest, safety.contest_id)
    assert contest.copied_from_id == last.id and contest.status == ContestStatus.CLOSED
    enterprise = db.session.get(Event, safety.enterprise_event_id)
    assert indicator_sheets.sheet_of(enterprise).max_points == 100
    assert [len(safety.entries[e.id]) for e in contest.events] == [12, 8]
    seed_safety_inspection(safety)
    rows = list(db.session.scalars(select(EventResult).where(EventResult.event_id == enterprise.id).order_by(EventResult.rank)))
    vetoed = next(r for r in rows if db.session.get(Nomination, r.nomination_id).unit_id == safety.vetoed_unit_id)
    assert vetoed.total_x100 == 9700 and vetoed.award is None and "亡人事故" in vetoed.excluded_reason
    awarded = [r for r in rows if r.award]
    assert awarded and all(r.award == "优胜企业" and r.total_x100 >= 9000 for r in awarded)
    teams = list(db.session.scalars(select(EventResult).where(EventResult.event_id == safety.team_event_id)))
    assert any(r.award == "优胜班组" for r in teams)
    assert Decimal(vetoed.total_x100) / 100 == indicator_sheets.unit_results(enterprise)[vetoed.nomination_id].total
