"""Pure rules behind the organisers' pages: places really left, preliminaries of the same trade, next steps."""

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from contest.domain.contests import ContestStatus, EventKind, Trade, same_trade
from contest.domain.next_steps import ContestProgress, next_steps
from contest.domain.quotas import places_left

limits = st.one_of(st.none(), st.integers(0, 20))


def test_the_tightest_unit_on_the_way_up_decides():
    chain = [("team", None, 0), ("enterprise", None, 1), ("county", 1, 1), ("city", 10, 4)]
    assert places_left(chain) == (0, "county")  # not "no limit" because the team has no quota of its own
    assert places_left([("team", None, 0), ("city", None, 3)]) == (None, None)
    assert places_left([("team", 2, 0), ("county", 2, 0)]) == (2, "team")  # the lowest unit on a tie
    assert places_left([("team", 1, 3)]) == (0, "team")  # never negative


@given(st.lists(st.tuples(limits, st.integers(0, 20)), min_size=1, max_size=5))
def test_places_left_never_exceeds_any_units_remaining_places(rows):
    chain = [(i, limit, used) for i, (limit, used) in enumerate(rows)]
    left, key = places_left(chain)
    limited = [(i, limit - used) for i, limit, used in chain if limit is not None]
    if not limited:
        assert (left, key) == (None, None)
    else:
        assert left == max(min(r for _i, r in limited), 0)
        assert all(left <= max(r, 0) for _i, r in limited) and key in {i for i, _r in limited}


def test_a_preliminary_feeds_a_final_of_its_own_trade():
    electrician = Trade("电工", ("电工",), EventKind.INDIVIDUAL)
    assert same_trade(electrician, Trade("电 工", (), EventKind.INDIVIDUAL))
    assert same_trade(electrician, Trade("维修电工（决赛）", ("维修电工", "电工"), EventKind.INDIVIDUAL))
    assert not same_trade(electrician, Trade("焊工", ("焊工",), EventKind.INDIVIDUAL))
    assert not same_trade(electrician, Trade("电工", ("电工",), EventKind.TEAM))


DAY = date(2026, 5, 1)


def messages(progress):
    return [step.message % step.params if step.params else step.message for step in next_steps(progress, DAY)]


def test_next_steps_of_a_unit_below_the_host():
    given_places = ContestProgress(ContestStatus.OPEN, hosted=False, registration_closes=date(2026, 5, 20),
                                   allocated_events=(7, 8), handed_down_events=frozenset({7}), has_units_below=True, waiting=2)
    steps = next_steps(given_places, DAY)
    assert steps[0].target == "quotas" and steps[0].event_id == 8 and steps[0].urgent
    assert messages(given_places)[1:] == ["2 nominations wait for your approval.", "Registration closes on 2026-05-20."]
    handed = ContestProgress(ContestStatus.OPEN, hosted=False, registration_closes=date(2026, 5, 20), allocated_events=(7,),
                             handed_down_events=frozenset({7}), has_units_below=True)
    assert messages(handed) == ["Registration closes on 2026-05-20."]
    team = ContestProgress(ContestStatus.OPEN, hosted=False, registration_closes=date(2026, 5, 20), allocated_events=(7,))
    assert all(s.target != "quotas" for s in next_steps(team, DAY))  # nothing to hand down without units below
    assert next_steps(ContestProgress(ContestStatus.RUNNING, hosted=False), DAY) == []


def test_next_steps_of_the_host_through_the_lifecycle():
    assert messages(ContestProgress(ContestStatus.DRAFT, hosted=True)) == ["Add the events."]
    assert messages(ContestProgress(ContestStatus.OPEN, hosted=True, registration_opens=date(2026, 5, 10),
                                    registration_closes=date(2026, 5, 20))) == ["Registration opens on 2026-05-10."]
    assert messages(ContestProgress(ContestStatus.CLOSED, hosted=True, events_without_draw=2)) == ["Hold the draw for 2 events."]
    assert messages(ContestProgress(ContestStatus.CLOSED, hosted=True)) == ["Every draw is held: start the contest."]
    assert messages(ContestProgress(ContestStatus.RUNNING, hosted=True, events_unsigned=3)) == [
        "3 events wait for the chief judge's sign-off."]
    assert messages(ContestProgress(ContestStatus.PUBLISHED, hosted=True, open_objections=1, notice_until=date(2026, 6, 1))) == [
        "1 objections to answer.", "Notice period until 2026-06-01, then make the results final."]
    assert messages(ContestProgress(ContestStatus.FINAL, hosted=True)) == ["The results are final: issue the certificates."]
