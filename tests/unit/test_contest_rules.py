"""Contest lifecycle, event completeness, quotas, eligibility, the approval climb and the draw."""

import dataclasses
import random
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contest.domain.contests import (
    TRANSITIONS,
    ComponentSpec,
    ContestFacts,
    ContestStatus,
    CriterionSpec,
    EventKind,
    EventSpec,
    check_event,
    check_transition,
    check_window,
    registration_is_open,
)
from contest.domain.draw import draw_numbers
from contest.domain.errors import DomainError
from contest.domain.identity import generate_resident_id
from contest.domain.nominations import (
    Candidate,
    Eligibility,
    approval_chain,
    check_eligibility,
    check_no_duplicates,
    check_team_size,
    common_unit_path,
    first_waiting,
    may_act,
)

TODAY = date(2026, 5, 1)
RUBRIC = (ComponentSpec("理论", 30, (CriterionSpec("笔试", Decimal(100)),)),
          ComponentSpec("实操", 70, (CriterionSpec("接线", Decimal(60)), CriterionSpec("安全", Decimal(40)))))
EVENT = EventSpec("电工", EventKind.INDIVIDUAL, RUBRIC)


def facts(status=ContestStatus.DRAFT, events=(EVENT,), opens=date(2026, 4, 1), closes=date(2026, 5, 31), no_draw=0):
    return ContestFacts(status, opens, closes, events, no_draw)


def test_open_needs_a_window_events_and_complete_rubrics():
    assert check_transition(facts(), ContestStatus.OPEN, TODAY) == "open"
    with pytest.raises(DomainError, match="at least one event"):
        check_transition(facts(events=()), ContestStatus.OPEN, TODAY)
    with pytest.raises(DomainError, match="registration window"):
        check_transition(facts(opens=None), ContestStatus.OPEN, TODAY)
    with pytest.raises(DomainError, match="ended"):
        check_transition(facts(closes=date(2026, 4, 30)), ContestStatus.OPEN, TODAY)
    bad = EventSpec("焊工", EventKind.INDIVIDUAL, (ComponentSpec("理论", 30, (CriterionSpec("笔试", Decimal(100)),)),))
    with pytest.raises(DomainError, match="add up to 100"):
        check_transition(facts(events=(EVENT, bad)), ContestStatus.OPEN, TODAY)


@pytest.mark.parametrize("source", list(ContestStatus))
@pytest.mark.parametrize("target", list(ContestStatus))
def test_only_listed_transitions_are_possible(source, target):
    f = facts(status=source)
    if (source, target) in TRANSITIONS:
        assert check_transition(f, target, TODAY)
    else:
        with pytest.raises(DomainError, match="cannot go from"):
            check_transition(f, target, TODAY)


def test_start_needs_every_draw():
    with pytest.raises(DomainError, match="draw"):
        check_transition(facts(status=ContestStatus.CLOSED, no_draw=2), ContestStatus.RUNNING, TODAY)


@pytest.mark.parametrize(
    "event, message",
    [
        (EventSpec("x", EventKind.TEAM, RUBRIC, team_min=1, team_max=3), "between 2 and 20"),
        (EventSpec("x", EventKind.TEAM, RUBRIC, team_min=4, team_max=3), "between 2 and 20"),
        (EventSpec("x", EventKind.INDIVIDUAL, RUBRIC, team_min=1, team_max=2), "exactly one"),
        (EventSpec("x", EventKind.INDIVIDUAL, RUBRIC, min_age=40, max_age=30), "minimum age"),
        (EventSpec("x", EventKind.INDIVIDUAL, RUBRIC, min_age=12), "between 16 and 70"),
        (EventSpec("x", EventKind.INDIVIDUAL, ()), "no components"),
        (EventSpec("x", EventKind.INDIVIDUAL, (ComponentSpec("a", 100, ()),)), "no criteria"),
        (EventSpec("x", EventKind.INDIVIDUAL, (ComponentSpec("a", 100, (CriterionSpec("c", Decimal(0)),)),)), "positive maximum"),
    ],
)
def test_incomplete_events_are_refused(event, message):
    with pytest.raises(DomainError, match=message):
        check_event(event)


def test_bracket_events_need_no_rubric():
    check_event(EventSpec("羽毛球", EventKind.INDIVIDUAL, (), rubric=False))


def test_window_rules():
    with pytest.raises(DomainError):
        check_window(date(2026, 5, 2), date(2026, 5, 1), None)
    with pytest.raises(DomainError):
        check_window(date(2026, 5, 1), date(2026, 5, 10), date(2026, 5, 9))
    assert registration_is_open(ContestStatus.OPEN, date(2026, 4, 1), date(2026, 5, 1), date(2026, 5, 1))
    assert not registration_is_open(ContestStatus.OPEN, date(2026, 4, 1), date(2026, 5, 1), date(2026, 5, 2))
    assert not registration_is_open(ContestStatus.CLOSED, date(2026, 4, 1), date(2026, 5, 1), date(2026, 4, 2))


def candidate(born=date(1990, 6, 1), skill="level3", occupation="电工", user_id=1, name="张三"):
    rid = generate_resident_id(random.Random(user_id), "330802", born, "M")
    return Candidate(user_id, name, rid, skill, occupation, "/1/2/3/4/")


def test_eligibility_by_age_on_the_contest_date_skill_and_occupation():
    rules = Eligibility(contest_date=date(2026, 6, 1), max_age=35)
    check_eligibility(candidate(born=date(1990, 6, 2)), rules)  # 35 on the day
    with pytest.raises(DomainError, match="maximum age is 35"):
        check_eligibility(candidate(born=date(1990, 6, 1)), rules)  # 36 that day
    with pytest.raises(DomainError, match="minimum age"):
        check_eligibility(candidate(born=date(2009, 1, 1)), Eligibility(date(2026, 6, 1), min_age=18))
    with pytest.raises(DomainError, match="skill level"):
        check_eligibility(candidate(skill="level5"), Eligibility(date(2026, 6, 1), min_skill_level="level3"))
    check_eligibility(candidate(skill="level1"), Eligibility(date(2026, 6, 1), min_skill_level="level3"))
    with pytest.raises(DomainError, match="works as 焊工"):
        check_eligibility(candidate(occupation="焊工"), Eligibility(date(2026, 6, 1), occupations=("电工", "电力电缆工")))


def test_team_size_and_duplicates():
    check_team_size(False, 1, 1, 1)
    check_team_size(True, 3, 2, 3)
    with pytest.raises(DomainError, match="2 to 3 members"):
        check_team_size(True, 4, 2, 3)
    with pytest.raises(DomainError, match="twice"):
        check_no_duplicates([candidate(user_id=1), candidate(user_id=1)], set())
    with pytest.raises(DomainError, match="already entered"):
        check_no_duplicates([candidate(user_id=1)], {1})


def test_approval_chain_climbs_from_the_entrant_to_the_host():
    assert approval_chain("/1/2/5/9/", "/1/") == [9, 5, 2, 1]
    assert approval_chain("/1/2/5/9/", "/1/2/") == [9, 5, 2]
    assert approval_chain("/1/7/8/", "/1/") == [8, 7, 1]  # enterprise directly under the city
    with pytest.raises(DomainError):
        approval_chain("/1/3/5/", "/1/2/")


def test_nominating_organiser_counts_for_its_own_level_and_below():
    chain = [9, 5, 2, 1]
    assert first_waiting(chain, None) == 0  # a worker applies: the team approves first
    assert first_waiting(chain, 9) == 1  # the team leader nominates: the enterprise is next
    assert first_waiting(chain, 5) == 2
    assert first_waiting(chain, 1) is None  # the host nominates: confirmed at once
    assert first_waiting(chain, 42) == 0


def test_acting_is_allowed_at_own_unit_and_below_only():
    assert may_act("/1/2/", "/1/2/5/")
    assert may_act("/1/2/", "/1/2/")
    assert not may_act("/1/2/5/", "/1/2/")
    assert not may_act("/1/3/", "/1/2/5/")


def test_common_unit_of_team_members():
    assert common_unit_path(["/1/2/5/9/", "/1/2/5/10/"]) == "/1/2/5/"
    assert common_unit_path(["/1/2/5/9/"]) == "/1/2/5/9/"


@settings(max_examples=200, deadline=None)
@given(ids=st.sets(st.integers(1, 10**6), max_size=200), seed=st.integers(0, 2**63 - 1))
def test_draw_is_a_reproducible_permutation(ids, seed):
    numbers = draw_numbers(ids, seed)
    assert sorted(numbers.values()) == list(range(1, len(ids) + 1))
    assert set(numbers) == ids
    assert draw_numbers(list(reversed(sorted(ids))), seed) == numbers


def test_an_event_whose_decision_method_is_not_ready_is_refused_with_its_reason():
    ready = EventSpec("优胜企业", EventKind.UNIT, (), rubric=False)
    check_event(ready)
    with pytest.raises(DomainError, match="优胜企业 has no indicator sheet"):
        check_event(dataclasses.replace(ready, not_ready="Event %(event)s has no indicator sheet yet."))
