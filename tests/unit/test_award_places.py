"""Award places handed down per group (名额下达): ``domain.awards.assign_awards_by_group`` and
``check_award_places``, checked against the rules written out independently here."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contest.domain.awards import AwardScheme, Tier, assign_awards, assign_awards_by_group, check_award_places
from contest.domain.errors import DomainError
from contest.domain.ranking import Contender, rank_entries

WIN, MERIT = "优胜企业", "先进单位"
BY_COUNT = AwardScheme((Tier(WIN, count=5), Tier(MERIT, count=5)))


def ranked(totals):
    return rank_entries([Contender(i, D(t)) for i, t in enumerate(totals)])


def test_each_county_gets_its_places_in_rank_order():
    # entries 0..5 with falling totals; counties A (0, 2, 4, 5) and B (1, 3)
    ranking = ranked([99, 98, 97, 96, 95, 94])
    group_of = {0: "A", 1: "B", 2: "A", 3: "B", 4: "A", 5: "A"}
    result = assign_awards(ranking, BY_COUNT, places_by_group={"A": {WIN: 2, MERIT: 1}, "B": {WIN: 1}}, group_of=group_of)
    tiers = {o.entry_id: o.tier for o in result.outcomes}
    assert tiers == {0: WIN, 1: WIN, 2: WIN, 3: None, 4: MERIT, 5: None}
    assert result.quotas == {WIN: 3, MERIT: 1} and result.counts == {WIN: 3, MERIT: 1}


def test_excluded_and_below_minimum_pass_their_place_on_and_a_short_group_is_noted():
    ranking = ranked([99, 98, 97, 90])
    scheme = AwardScheme((Tier(WIN, count=5),), min_score=D(95))
    result = assign_awards_by_group(ranking, scheme, {"A": {WIN: 3}}, {0: "A", 1: "A", 2: "A", 3: "A"}, excluded={0},
                                    group_names={"A": "柯城区"})
    assert [o.tier for o in result.outcomes] == [None, WIN, WIN, None]
    assert [(n.code, n.params["group"], n.params["count"]) for n in result.notes] == [("group_short", "柯城区", 2)]


def test_a_tie_that_does_not_fit_falls_to_the_next_tier():
    ranking = ranked([99, 98, 98, 97])
    result = assign_awards(ranking, BY_COUNT, places_by_group={"A": {WIN: 2, MERIT: 2}}, group_of=dict.fromkeys(range(4), "A"))
    assert [o.tier for o in result.outcomes] == [WIN, MERIT, MERIT, None]
    assert [n.code for n in result.notes] == ["group_tie"]


def test_units_without_places_are_named():
    ranking = ranked([99, 98])
    result = assign_awards(ranking, BY_COUNT, places_by_group={"A": {WIN: 1}}, group_of={0: "A", 1: "B"},
                           group_names={"A": "柯城区", "B": "衢江区"})
    assert [o.tier for o in result.outcomes] == [WIN, None]
    assert result.notes[-1].code == "no_places" and result.notes[-1].params["units"] == "衢江区"


def test_checking_places_against_the_scheme():
    check_award_places(BY_COUNT, {"A": {WIN: 3}, "B": {WIN: 2, MERIT: 0}})
    with pytest.raises(DomainError, match="more than"):
        check_award_places(BY_COUNT, {"A": {WIN: 3}, "B": {WIN: 3}})
    with pytest.raises(DomainError, match="whole numbers"):
        check_award_places(BY_COUNT, {"A": {WIN: -1}})
    with pytest.raises(DomainError, match="no award"):
        check_award_places(BY_COUNT, {"A": {"特等奖": 1}})
    check_award_places(AwardScheme((Tier(WIN, percent=10),)), {"A": {WIN: 40}})  # a share has no fixed total


# ---------------------------------------------------------------------------------------------- properties

TIERS = (WIN, MERIT)
GROUPS = ("A", "B", "C")


@st.composite
def worlds(draw):
    n = draw(st.integers(0, 25))
    totals = draw(st.lists(st.integers(80, 100), min_size=n, max_size=n))
    groups = draw(st.lists(st.sampled_from((*GROUPS, None)), min_size=n, max_size=n))
    places = draw(st.dictionaries(st.sampled_from(GROUPS), st.dictionaries(st.sampled_from(TIERS), st.integers(0, 6)), max_size=3))
    excluded = draw(st.sets(st.integers(0, max(n - 1, 0)), max_size=3)) if n else set()
    min_score = draw(st.sampled_from((None, D(85), D(95))))
    return totals, dict(enumerate(groups)), places, excluded, min_score


@settings(max_examples=300, deadline=None)
@given(worlds())
def test_places_are_never_exceeded_and_rank_order_is_respected(world):
    totals, group_of, places, excluded, min_score = world
    scheme = AwardScheme((Tier(WIN, count=30), Tier(MERIT, count=30)), min_score=min_score)
    ranking = ranked(totals)
    result = assign_awards_by_group(ranking, scheme, places, group_of, excluded=excluded)
    tier = {o.entry_id: o.tier for o in result.outcomes}
    rank = {r.entry_id: r.rank for r in ranking}
    order = {WIN: 0, MERIT: 1, None: 2}
    for group in (*GROUPS, None):
        ids = [i for i, g in group_of.items() if g == group]
        for name in TIERS:
            given_ = sum(1 for i in ids if tier[i] == name)
            assert given_ <= (places.get(group, {}).get(name, 0) if group is not None else 0)
        eligible = [i for i in ids if i not in excluded and (min_score is None or totals[i] >= min_score)]
        for a in eligible:
            for b in eligible:
                if rank[a] < rank[b]:
                    assert order[tier[a]] <= order[tier[b]]  # never a better tier below in the group
                if rank[a] == rank[b]:
                    assert tier[a] == tier[b]  # ties in a group share the tier
        # places are used as far as the group's untied entries allow
        if len({totals[i] for i in eligible}) == len(eligible) and group is not None:
            want = sum(places.get(group, {}).get(name, 0) for name in TIERS)
            assert sum(1 for i in ids if tier[i] is not None) == min(want, len(eligible))
    for i in excluded:
        assert tier.get(i) is None
    if min_score is not None:
        assert all(tier[i] is None for i in group_of if totals[i] < min_score)
    assert result.counts == {name: sum(1 for t in tier.values() if t == name) for name in TIERS}


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(80, 100), max_size=20), st.sampled_from((None, {})))
def test_no_places_is_todays_behaviour_exactly(totals, none):
    scheme = AwardScheme((Tier(WIN, percent=20), Tier(MERIT, percent=30)))
    ranking = ranked(totals)
    assert assign_awards(ranking, scheme, places_by_group=none, group_of={0: "A"}) == assign_awards(ranking, scheme)
