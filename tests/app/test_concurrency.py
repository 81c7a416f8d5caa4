"""Two organisers approving at the same moment can never exceed a quota together (row lock on the event)."""

import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from contest.domain.errors import DomainError
from contest.domain.nominations import NominationStatus
from contest.extensions import db
from contest.models import Nomination, NominationMember, Role, User
from contest.services import registration
from tests.contest_factories import make_contest
from tests.factories import make_user


@pytest.mark.db
def test_simultaneous_approvals_respect_the_quota(app, world):
    event = make_contest(world.users["city"]).events[0]
    registration.set_quota(world.users["city"], event.id, world.orgs["county_a"].id, 1)
    second = make_user("w2", world.orgs["team_a"], {Role.WORKER}, world.users["worker"].password_hash)
    db.session.commit()
    ids = [registration.nominate(world.users["ent_a"], event.id, [w.id]).id for w in (world.users["worker"], second)]
    approver_id, city_id = world.users["county_a"].id, world.orgs["city"].id
    db.session.remove()

    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def approve(nomination_id: int) -> None:
        with app.app_context():
            actor = db.session.get(User, approver_id)
            barrier.wait()
            try:
                registration.approve(actor, nomination_id)
                outcomes.append("approved")
            except DomainError as exc:
                outcomes.append(exc.message)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=approve, args=(i,)) for i in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(outcomes) == 2 and outcomes.count("approved") == 1, outcomes
    assert "used all its" in next(o for o in outcomes if o != "approved")
    waiting_at_city = db.session.scalar(
        select(func.count(Nomination.id)).where(Nomination.waiting_org_id == city_id, Nomination.status == NominationStatus.PENDING)
    )
    assert waiting_at_city == 1


@pytest.mark.db
def test_one_live_entry_per_worker_per_event_is_a_schema_rule(world):
    event = make_contest(world.users["city"]).events[0]
    nomination = registration.nominate(world.users["city"], event.id, [world.users["worker"].id])
    db.session.add(NominationMember(nomination_id=nomination.id, event_id=event.id, user_id=world.users["worker"].id, live=True))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    db.session.add(NominationMember(nomination_id=nomination.id, event_id=event.id, user_id=world.users["worker"].id, live=False))
    db.session.commit()  # ended entries do not count


@pytest.mark.db
def test_two_tablets_recording_one_match_never_overwrite_each_other(app, world):
    from contest.models import Match, MatchAudit
    from contest.services import brackets
    from tests.bracket_factories import bracket_event

    scene = bracket_event(world, "single_elimination", 4)
    brackets.generate(world.users["city"], scene.event.id, brackets.Setup())
    match_id = next(m.id for m in brackets.bracket_view(scene.chief, scene.event.id).matches if m.state == "ready")
    chief_id = scene.chief.id
    db.session.remove()

    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def record(winner: str) -> None:
        with app.app_context():
            chief = db.session.get(User, chief_id)
            barrier.wait()
            try:
                brackets.record_result(chief, match_id, brackets.Entry(winner, 21 if winner == "home" else 9, 9 if winner == "home" else 21, version=0))
                outcomes.append("recorded")
            except brackets.StaleMatch:
                outcomes.append("stale")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=record, args=(w,)) for w in ("home", "away")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcomes) == ["recorded", "stale"], outcomes
    stored = db.session.get(Match, match_id)
    assert stored.version == 1
    assert db.session.scalar(select(func.count(MatchAudit.id)).where(MatchAudit.match_id == match_id)) == 1
