"""``contest.policy`` as a table: role × contest state × action.

The expected answers are written here from the rules as the design states them (who: the host's organisers,
the event's judges, entrants, everyone; when: the state sets of ``contest.domain.contests``), independently of
the code under test, and every cell of the table is checked.
"""

from __future__ import annotations

import pytest
from flask_login import AnonymousUserMixin
from sqlalchemy import select

from contest import policy
from contest.domain import contests as states
from contest.domain.contests import ContestStatus
from contest.domain.nominations import NominationStatus
from contest.extensions import db
from contest.models import JudgeAssignment, Nomination, Notification, Role, SignOff
from contest.services import registration
from tests.contest_factories import make_contest
from tests.factories import make_user

S = ContestStatus
ALL = frozenset(S)
ROLES = ("anonymous", "admin", "host", "other_organiser", "judge", "chief", "worker", "team_leader")
ORGANISERS = {"admin", "host", "other_organiser", "team_leader"}  # hold the organiser (or admin) role
WORKERS = {"worker", "team_leader"}
HOST = {"admin", "host"}  # manage the contest: its host's organisers and administrators
SIGNED_IN = set(ROLES) - {"anonymous"}

# action → (roles, states) that may; every other cell may not.
ABILITIES = {
    "manage": (HOST, ALL),
    "edit": (HOST, {S.DRAFT, S.OPEN, S.CLOSED}),
    "delete": (HOST, {S.DRAFT}),
    "import_nominations": (ORGANISERS, {S.OPEN}),
    "enter": (WORKERS, {S.OPEN}),
    "draw": (HOST, ALL - {S.DRAFT}),
    "hold_draw": (HOST, {S.CLOSED}),
    "results": (HOST, {S.RUNNING, S.SCORED, S.PUBLISHED, S.FINAL}),
    "compute": (HOST, {S.RUNNING, S.SCORED, S.PUBLISHED}),
    "rules": (HOST, ALL - {S.PUBLISHED, S.FINAL}),
    "publish": (HOST, {S.SCORED}),
    "finalise": (HOST, {S.PUBLISHED}),
    "issue": (HOST, {S.FINAL}),
    "judge": ({"judge", "chief"}, {S.RUNNING}),
    "object": (SIGNED_IN, {S.PUBLISHED}),
    "scoring_open": (set(ROLES), {S.RUNNING}),
    "results_final": (set(ROLES), {S.FINAL}),
}


def _published_or(roles: set[str]) -> dict[S, set[str]]:
    """Everyone once published (or final); before that only ``roles``."""
    return {s: set(ROLES) if s in (S.PUBLISHED, S.FINAL) else roles for s in S}


# The other rules of the module, by state.
RULES = {
    "can_see_results": _published_or({"admin", "host", "chief"}),
    "can_view_bracket": _published_or({"admin", "host", "judge", "chief", "worker"}),  # worker: a confirmed entrant
    "can_see_all_scores": {s: {"admin", "host", "chief"} for s in S},  # before sign-off
    "can_watch_matches": {s: {"admin", "host", "chief"} for s in S},
    "shows_full_names": {s: HOST for s in S},
}


@pytest.fixture
def setting(world):
    """A contest of the city with one event; a judge and a chief judge assigned; the worker's entry confirmed."""
    city = world.users["city"]
    contest = make_contest(city)
    event = contest.events[0]
    entry = registration.nominate(city, event.id, [world.users["worker"].id])
    assert entry.status == NominationStatus.CONFIRMED
    chief = make_user("chief", world.orgs["ent_b"], {Role.JUDGE}, world.users["judge"].password_hash, "裁判长")
    db.session.flush()
    db.session.add_all([
        JudgeAssignment(event_id=event.id, judge_id=world.users["judge"].id, is_chief=False, assigned_by_id=city.id),
        JudgeAssignment(event_id=event.id, judge_id=chief.id, is_chief=True, assigned_by_id=city.id),
    ])
    db.session.commit()
    users = {
        "anonymous": AnonymousUserMixin(), "admin": world.users["admin"], "host": city, "other_organiser": world.users["county_a"],
        "judge": world.users["judge"], "chief": chief, "worker": world.users["worker"], "team_leader": world.users["team_a"],
    }
    return contest, event, users


@pytest.mark.parametrize("status", list(S))
def test_abilities_table(setting, status):
    contest, event, users = setting
    contest.status = status
    db.session.commit()
    wrong = []
    for role, user in users.items():
        may = policy.abilities(user, contest, event)
        for action, (roles, allowed_states) in ABILITIES.items():
            expected = role in roles and status in allowed_states
            if getattr(may, action) != expected:
                wrong.append(f"{role} {action}: {getattr(may, action)}, expected {expected}")
    assert not wrong, f"{status.value}: " + "; ".join(wrong)


def test_abilities_name_every_attribute():
    """The table covers every ability the templates can ask for."""
    assert set(ABILITIES) == {f for f in policy.Abilities.__dataclass_fields__}


@pytest.mark.parametrize("status", list(S))
def test_rules_table(setting, status):
    contest, event, users = setting
    contest.status = status
    db.session.commit()
    wrong = []
    for rule, by_state in RULES.items():
        for role, user in users.items():
            if rule in ("can_see_all_scores", "can_watch_matches") and role == "anonymous":
                continue  # these pages require a login before the rule is asked
            answer = bool(getattr(policy, rule)(user, contest if rule == "shows_full_names" else event))
            if answer != (role in by_state[status]):
                wrong.append(f"{rule} {role}: {answer}")
    assert not wrong, f"{status.value}: " + "; ".join(wrong)


def test_state_sets_are_the_lifecycles_states():
    """Every state set names states of the lifecycle, in lifecycle order (the order shown in lists)."""
    order = list(S)
    for name in ("PREPARING", "DELETABLE", "REGISTRATION", "REVIEWING", "DRAW_HELD", "DRAWING", "BRACKET_SETUP", "SCORING", "CORRECTING",
                 "SIGN_OFF_LIFTABLE", "RESULTS_STAGE", "COMPUTING", "PUBLISHABLE", "FINALISABLE", "PUBLISHED", "OBJECTIONS",
                 "FINAL", "SET_BY_SERVICES", "UPCOMING", "PUBLIC"):
        value = getattr(states, name)
        assert isinstance(value, tuple) and value, name
        assert list(value) == sorted(value, key=order.index), name


def test_scores_after_sign_off(setting):
    """After sign-off every judge of the event sees every score; before, only the chief judge and the host."""
    contest, event, users = setting
    assert not policy.can_see_all_scores(users["judge"], event)
    db.session.add(SignOff(event_id=event.id, chief_id=users["chief"].id))
    db.session.commit()
    assert policy.can_see_all_scores(users["judge"], event)
    assert not policy.can_see_all_scores(users["worker"], event)


def test_nominations(setting, world):
    """Reviewing: the unit a pending nomination waits at, or a unit above it; viewing: members, the units on
    its chain and the organisers whose subtree holds the entrant."""
    contest, event, users = setting
    worker_b, county_b = world.users["worker_b"], world.users["county_b"]
    nomination = registration.nominate(worker_b, event.id, [worker_b.id])  # waits at 焊接班's enterprise and up
    assert nomination.status == NominationStatus.PENDING and nomination.waiting_org is not None
    for user in (users["admin"], users["host"], county_b, worker_b):
        assert policy.can_view_nomination(user, nomination), user.username
    for user in (users["other_organiser"], users["judge"], users["worker"]):
        assert not policy.can_view_nomination(user, nomination), user.username
    assert policy.can_review_nomination(users["admin"], nomination)
    for user in (users["other_organiser"], users["worker"], users["judge"], worker_b):
        assert not policy.can_review_nomination(user, nomination), user.username
    assert policy.can_withdraw_nomination(worker_b, nomination) and policy.can_withdraw_nomination(county_b, nomination)
    assert not policy.can_withdraw_nomination(users["other_organiser"], nomination)


# ---------------------------------------------------------------------------------------------- rules moved out of the services

NOMINATORS = ORGANISERS  # organisers and administrators nominate others, enrol units, upload nomination files


@pytest.mark.parametrize("rule", ["can_nominate_others", "can_enrol_units", "can_import_nominations"])
def test_who_nominates_for_others(setting, rule):
    """Organisers (any unit) and administrators; never a worker, a judge (the pages need a login first)."""
    _contest, _event, users = setting
    answers = {role: getattr(policy, rule)(user) for role, user in users.items() if role != "anonymous"}
    assert answers == {role: role in NOMINATORS for role in answers}


def test_the_unit_a_nomination_starts_approved_at(setting, world):
    """An organiser nominating others acts for his own unit, an administrator for the host, a worker entering
    himself (or an organiser entering himself) for nobody."""
    contest, _event, users = setting
    expected = {"admin": contest.host_id, "host": world.orgs["city"].id, "other_organiser": world.orgs["county_a"].id,
                "team_leader": world.orgs["team_a"].id, "judge": None, "chief": None, "worker": None}
    for role, unit in expected.items():
        assert policy.nominating_unit(users[role], contest, for_others=True) == unit, role
        assert policy.nominating_unit(users[role], contest, for_others=False) is None, role


@pytest.mark.parametrize("status", list(S))
def test_who_may_allocate_places_and_when(setting, world, status):
    """The unit directly above (its organisers; administrators too), before the contest starts."""
    contest, _event, users = setting
    contest.status = status
    db.session.commit()
    city, county_a = world.orgs["city"], world.orgs["county_a"]
    for role, user in users.items():
        if role == "anonymous":
            continue
        assert policy.can_allocate_places(user, city) == (role in ("admin", "host")), role  # the city's children
        assert policy.can_allocate_places(user, county_a) == (role in ("admin", "other_organiser")), role
        assert policy.may_allocate_places(user, city, contest) == (
            role in ("admin", "host") and status in (S.DRAFT, S.OPEN, S.CLOSED)), role


@pytest.mark.parametrize("status", list(S))
def test_the_withdraw_button(setting, status):
    """Who (a member, an organiser of the entrant's units, an administrator) and when (a live entry while
    registration is open)."""
    contest, event, users = setting
    entry = db.session.scalar(select(Nomination).where(Nomination.event_id == event.id))
    contest.status = status
    db.session.commit()
    who = {"admin", "host", "other_organiser", "team_leader", "worker"}  # the worker's unit is 运维一班 under 柯城区
    for role, user in users.items():
        if role == "anonymous":
            continue
        assert policy.can_withdraw_nomination(user, entry) == (role in who), role
        assert policy.may_withdraw(user, entry) == (role in who and status == S.OPEN), role


def test_award_places_are_read_by_the_units_they_were_handed_to_and_below(world):
    county_a, ent_a = world.orgs["county_a"], world.orgs["ent_a"]
    assert policy.sees_award_places_of(world.users["county_a"], county_a)
    assert policy.sees_award_places_of(world.users["ent_a"], county_a)  # below 柯城区
    assert policy.sees_award_places_of(world.users["team_a"], county_a)
    assert not policy.sees_award_places_of(world.users["county_a"], ent_a)  # above the unit: not its row
    assert not policy.sees_award_places_of(world.users["county_b"], county_a)
    assert not policy.sees_award_places_of(world.users["worker"], county_a)  # workers: no role to read them
    assert not policy.sees_award_places_of(world.users["judge"], county_a)


def test_a_units_certificates_are_its_organisers(world):
    ent_a = world.orgs["ent_a"].id
    assert policy.can_download_unit_certificates(world.users["ent_a"], ent_a)
    for key in ("county_a", "city", "judge", "team_a", "admin"):  # not the unit's own organiser (admins: as hosts)
        assert not policy.can_download_unit_certificates(world.users[key], ent_a), key


@pytest.mark.parametrize("status", list(S))
def test_only_the_chief_judge_signs_off_and_corrects_after(setting, status):
    """The rule is the judge's, whatever the state (the services refuse by state separately)."""
    contest, event, users = setting
    contest.status = status
    db.session.commit()
    for role, user in users.items():
        assignment = policy.judge_assignment(user, event.id)
        assert policy.is_chief(assignment) == (role == "chief"), role
        assert policy.can_sign_off(assignment) == (role == "chief"), role
        assert policy.can_correct_signed_off(assignment) == (role == "chief"), role


def test_a_notification_is_its_recipients(world):
    note = Notification(user_id=world.users["worker"].id, kind="quota_allocated", params={})
    assert policy.can_read_notification(world.users["worker"], note)
    for key in ("worker_b", "admin", "city"):
        assert not policy.can_read_notification(world.users[key], note), key
