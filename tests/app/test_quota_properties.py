"""Property test: under any sequence of allocations, nominations, approvals, rejections and withdrawals,
no unit ever uses more places than it has, and no unit hands down more places than it has."""

from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from contest.domain.errors import DomainError
from contest.domain.nominations import LIVE, NominationStatus
from contest.extensions import db
from contest.models import Nomination, NominationMember, NominationStep, Organisation, Quota, Role
from contest.services import AccessError
from contest.services import registration as service
from tests.contest_factories import make_contest
from tests.factories import make_user

UNITS = ("county_a", "ent_a", "team_a", "county_b", "ent_b", "team_b")
PARENT_ORGANISER = {"county_a": "city", "county_b": "city", "ent_a": "county_a", "team_a": "ent_a", "ent_b": "county_b", "team_b": "county_b"}
REVIEWERS = ("team_a", "ent_a", "county_a", "county_b", "city")

operations = st.lists(
    st.one_of(
        st.tuples(st.just("alloc"), st.sampled_from(UNITS), st.integers(0, 3)),
        st.tuples(st.just("nominate"), st.integers(0, 7), st.sampled_from(("self", "team_a", "ent_a", "county_a", "county_b", "city"))),
        st.tuples(st.just("approve"), st.integers(0, 9), st.sampled_from(REVIEWERS)),
        st.tuples(st.just("reject"), st.integers(0, 9), st.sampled_from(REVIEWERS)),
        st.tuples(st.just("withdraw"), st.integers(0, 9), st.just("self")),
    ),
    max_size=25,
)


def check_invariants(event_id: int, host_id: int) -> None:
    orgs = {o.id: o for o in db.session.scalars(select(Organisation))}
    rows = dict(db.session.execute(select(Quota.org_id, Quota.places).where(Quota.event_id == event_id)).all())
    allocating = {orgs[o].parent_id for o in rows}

    def limit(org_id):  # an independent reading of the quota rule
        if org_id in rows:
            return rows[org_id]
        return 0 if orgs[org_id].parent_id in allocating and org_id != host_id else None

    used = Counter()
    for chain, level, status in db.session.execute(select(Nomination.chain, Nomination.level, Nomination.status).where(Nomination.event_id == event_id)):
        if status in LIVE:
            ids = [int(p) for p in chain.strip("/").split("/")]
            used.update(ids if status == NominationStatus.CONFIRMED else ids[:level])
    for org_id in orgs:
        if limit(org_id) is not None:
            assert used[org_id] <= limit(org_id), (orgs[org_id].name, used[org_id], limit(org_id))
            handed = sum(p for o, p in rows.items() if orgs[o].parent_id == org_id)
            assert handed <= limit(org_id)
    live_members = db.session.execute(select(NominationMember.user_id).where(NominationMember.event_id == event_id, NominationMember.live)).all()
    assert len(live_members) == len(set(live_members)), "a worker holds two live entries"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(ops=operations)
def test_quota_invariants_hold_under_any_sequence(world, ops):
    contest = getattr(test_quota_invariants_hold_under_any_sequence, "_contest", None)
    if contest is None or db.session.get(type(contest), contest.id) is None:
        contest = make_contest(world.users["city"])
        extra = [make_user(f"pw{i}", world.orgs["team_a" if i % 2 else "team_b"], {Role.WORKER}, world.users["worker"].password_hash)
                 for i in range(6)]
        db.session.commit()
        test_quota_invariants_hold_under_any_sequence._contest = contest
        test_quota_invariants_hold_under_any_sequence._workers = [world.users["worker"], world.users["worker_b"], *extra]
    event = contest.events[0]
    workers = test_quota_invariants_hold_under_any_sequence._workers
    for table in (NominationStep, NominationMember, Nomination, Quota):
        db.session.execute(delete(table))
    db.session.commit()

    created: list[int] = []
    for op, arg, who in ops:
        try:
            if op == "alloc":
                service.set_quota(world.users[PARENT_ORGANISER[arg]], event.id, world.orgs[arg].id, who)
            elif op == "nominate":
                worker = workers[arg]
                actor = worker if who == "self" else world.users[who]
                created.append(service.nominate(actor, event.id, [worker.id]).id)
            elif created:
                nomination_id = created[arg % len(created)]
                if op == "approve":
                    service.approve(world.users[who], nomination_id)
                elif op == "reject":
                    service.reject(world.users[who], nomination_id, "不符合条件")
                else:
                    member = db.session.get(Nomination, nomination_id).members[0].user
                    service.withdraw(member, nomination_id)
        except (DomainError, AccessError):
            db.session.rollback()
        check_invariants(event.id, contest.host_id)
