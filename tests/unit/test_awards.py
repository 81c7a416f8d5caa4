"""Unit tests for contest.domain.awards."""

from __future__ import annotations

import itertools
import random
from decimal import Decimal
from decimal import Decimal as D
from fractions import Fraction
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contest.domain.awards import (
    BOUNDARY_POLICIES,
    ROUNDING_RULES,
    ROUNDINGS,
    TITLE_PREDICATES,
    AwardScheme,
    Tier,
    TitleRule,
    all_of,
    assign_awards,
    attribute_equals,
    award_column_order,
    has_award,
    tier_quotas,
    top_ranks_title,
    youth_title,
)
from contest.domain.errors import DomainError
from contest.domain.ranking import Contender, RankedEntry, rank_entries

GOLD, SILVER, BRONZE = "一等奖", "二等奖", "三等奖"
PERCENT_10_20_30 = (Tier(GOLD, 10), Tier(SILVER, 20), Tier(BRONZE, 30))


def ranking_from_groups(*sizes: int, entrants: int = 20):
    """A ranking of ``entrants`` entries whose first tie groups have the given sizes (rest untied).
    Entry ids are positions 1..entrants; totals are 1000 - group index."""
    totals = []
    for index, size in enumerate(sizes):
        totals += [1000 - index] * size
    while len(totals) < entrants:
        totals.append(totals[-1] - 1 if totals else 1000)
    return rank_entries([Contender(i + 1, D(t)) for i, t in enumerate(totals)])


def tiers_by_position(result) -> list[str | None]:
    return [o.tier for o in result.outcomes]


def layout(gold: int, silver: int, bronze: int, entrants: int = 20) -> list[str | None]:
    return [GOLD] * gold + [SILVER] * silver + [BRONZE] * bronze + [None] * (
        entrants - gold - silver - bronze)


def scheme(policy="tied_take_higher", **kwargs) -> AwardScheme:
    return AwardScheme(PERCENT_10_20_30, boundary_policy=policy, **kwargs)


# --------------------------------------------------------------------------- quotas


def test_quotas_10_20_30_of_20():
    assert tier_quotas(scheme(), 20) == {GOLD: 2, SILVER: 4, BRONZE: 6}


@pytest.mark.parametrize(
    ("rounding", "expected"),
    [("floor", {GOLD: 1, SILVER: 3, BRONZE: 4}),
     ("half_up", {GOLD: 2, SILVER: 3, BRONZE: 5}),
     ("ceil", {GOLD: 2, SILVER: 3, BRONZE: 5})],
)
def test_quota_rounding_per_tier_on_15_entrants(rounding, expected):
    # 10 % of 15 = 1.5, 20 % = 3, 30 % = 4.5
    assert tier_quotas(scheme(rounding=rounding), 15) == expected


@pytest.mark.parametrize(
    ("rounding", "expected"),
    [("floor", 1), ("half_up", 1), ("ceil", 2)],
)
def test_quota_rounding_below_half(rounding, expected):
    # 10 % of 14 = 1.4
    assert tier_quotas(scheme(rounding=rounding), 14)[GOLD] == expected


def test_fixed_counts():
    fixed = AwardScheme((Tier(GOLD, count=1), Tier(SILVER, count=2), Tier(BRONZE, count=3)))
    result = assign_awards(ranking_from_groups(entrants=10), fixed)
    assert tiers_by_position(result) == layout(1, 2, 3, 10)
    assert result.quotas == {GOLD: 1, SILVER: 2, BRONZE: 3} == result.counts
    assert result.notes == ()


def test_fixed_counts_capped_by_entrants():
    fixed = AwardScheme((Tier(GOLD, count=1), Tier(SILVER, count=2), Tier(BRONZE, count=3)))
    result = assign_awards(ranking_from_groups(entrants=2), fixed)
    assert tiers_by_position(result) == [GOLD, SILVER]


def test_zero_place_tier_and_no_entrants():
    result = assign_awards(ranking_from_groups(entrants=5), scheme(rounding="floor"))
    # 10 % of 5 = 0.5 -> 0 gold; 20 % -> 1 silver; 30 % -> 1 bronze
    assert tiers_by_position(result) == [SILVER, BRONZE, None, None, None]
    empty = assign_awards((), scheme())
    assert empty.outcomes == () and empty.counts == {GOLD: 0, SILVER: 0, BRONZE: 0}


# --------------------------------------------------------------------------- 10/20/30 of 20, ties


def test_no_ties():
    result = assign_awards(ranking_from_groups(), scheme())
    assert tiers_by_position(result) == layout(2, 4, 6)
    assert result.notes == ()


@pytest.mark.parametrize(
    ("groups", "policy", "expected", "note"),
    [
        # tie at the 一等奖 boundary: positions 2-3
        ((1, 2), "tied_take_higher", layout(3, 3, 6),
         "2 entries tied at rank 2 at the 一等奖 boundary (places left: 1): all receive 一等奖; "
         "places for the following tiers reduced by 1."),
        ((1, 2), "tied_take_lower", layout(1, 5, 6),
         "2 entries tied at rank 2 at the 一等奖 boundary (places left: 1): all receive 二等奖."),
        # tie at the 二等奖 boundary: positions 6-7
        ((1, 1, 1, 1, 1, 2), "tied_take_higher", layout(2, 5, 5),
         "2 entries tied at rank 6 at the 二等奖 boundary (places left: 1): all receive 二等奖; "
         "places for the following tiers reduced by 1."),
        ((1, 1, 1, 1, 1, 2), "tied_take_lower", layout(2, 3, 7),
         "2 entries tied at rank 6 at the 二等奖 boundary (places left: 1): all receive 三等奖."),
        # tie at the 三等奖 boundary: positions 11-14
        ((1,) * 10 + (4,), "tied_take_higher", layout(2, 4, 8),
         "4 entries tied at rank 11 at the 三等奖 boundary (places left: 2): all receive 三等奖 "
         "(2 above the quota)."),
        ((1,) * 10 + (4,), "tied_take_lower", layout(2, 4, 4),
         "4 entries tied at rank 11 at the 三等奖 boundary (places left: 2): none receives an award."),
        # one tie group spanning the 一等奖 and 二等奖 boundaries: positions 2-8
        ((1, 7), "tied_take_higher", layout(8, 0, 4),
         "7 entries tied at rank 2 at the 一等奖 boundary (places left: 1): all receive 一等奖; "
         "places for the following tiers reduced by 6."),
        ((1, 7), "tied_take_lower", layout(1, 0, 11),
         "7 entries tied at rank 2 at the 一等奖 boundary (places left: 1): all receive 三等奖."),
        # everybody tied
        ((20,), "tied_take_higher", layout(20, 0, 0),
         "20 entries tied at rank 1 at the 一等奖 boundary (places left: 2): all receive 一等奖; "
         "places for the following tiers reduced by 18."),
        ((20,), "tied_take_lower", layout(0, 0, 0),
         "20 entries tied at rank 1 at the 一等奖 boundary (places left: 2): none receives an award."),
        # tie exactly filling a tier is not a boundary tie: positions 1-2
        ((2,), "tied_take_higher", layout(2, 4, 6), None),
        ((2,), "tied_take_lower", layout(2, 4, 6), None),
    ],
)
def test_ties_at_each_boundary(groups, policy, expected, note):
    result = assign_awards(ranking_from_groups(*groups), scheme(policy))
    assert tiers_by_position(result) == expected
    assert [str(n) for n in result.notes] == ([note] if note else [])
    assert all(n.code == "boundary_tie" for n in result.notes)


@pytest.mark.parametrize("policy", list(BOUNDARY_POLICIES))
def test_ties_at_all_three_boundaries(policy):
    # tie groups at positions 2-3, 6-7 and 12-13
    groups = (1, 2, 1, 1, 2, 1, 1, 1, 1, 2)
    result = assign_awards(ranking_from_groups(*groups), scheme(policy))
    if policy == "tied_take_higher":
        assert tiers_by_position(result) == layout(3, 4, 6)
        assert result.counts == {GOLD: 3, SILVER: 4, BRONZE: 6}
    else:
        # 2-3 fall to 二等奖, 6-7 fall to 三等奖, 12-13 fall out of the awards
        assert tiers_by_position(result) == layout(1, 4, 6)
    assert [n.params["rank"] for n in result.notes] == [2, 6, 12]


def test_boundary_note_params_for_ui():
    result = assign_awards(ranking_from_groups(1, 2), scheme())
    (note,) = result.notes
    assert note.params == {"count": 2, "rank": 2, "tier": GOLD, "places": 1, "award": GOLD, "over": 1}


# --------------------------------------------------------------------------- minimum score


def test_min_score_no_award_and_no_cascade():
    ranking = ranking_from_groups()  # totals 1000, 999, ..., 981
    result = assign_awards(ranking, scheme(min_score=D(992)))
    # positions 1-9 have totals >= 992; places 10-12 (bronze) are not given to anyone
    assert tiers_by_position(result) == layout(2, 4, 3)
    assert result.quotas == {GOLD: 2, SILVER: 4, BRONZE: 6}
    assert result.counts == {GOLD: 2, SILVER: 4, BRONZE: 3}
    (note,) = result.notes
    assert note.code == "below_min_score" and note.params["count"] == 3


def test_min_score_is_inclusive():
    result = assign_awards(ranking_from_groups(), scheme(min_score=D(989)))
    assert tiers_by_position(result) == layout(2, 4, 6)


# --------------------------------------------------------------------------- titles


def test_top_ranks_title_includes_ties_at_n():
    titles = (top_ranks_title("技术能手", 3),)
    result = assign_awards(ranking_from_groups(1, 1, 3), scheme(titles=titles))
    assert [o.titles for o in result.outcomes][:6] == [("技术能手",)] * 5 + [()]


def test_top_ranks_title_requires_award_by_default():
    ranking = ranking_from_groups()
    titles = (top_ranks_title("技术能手", 3), top_ranks_title("前三名", 3, requires_award=False))
    result = assign_awards(ranking, scheme(min_score=D(999), titles=titles))
    assert [o.titles for o in result.outcomes][:4] == [
        ("技术能手", "前三名"), ("技术能手", "前三名"), ("前三名",), ()]


def test_youth_title_for_award_winners_35_or_under():
    attributes = {1: {"age": 35}, 2: {"age": 36}, 3: {}, 4: {"age": None}, 20: {"age": 22}}
    result = assign_awards(ranking_from_groups(), scheme(titles=(youth_title(),)), attributes)
    by_entry = result.by_entry()
    assert by_entry[1].titles == ("青年岗位能手",)
    assert by_entry[2].titles == by_entry[3].titles == by_entry[4].titles == ()
    assert by_entry[20].titles == ()  # young, but no award
    assert youth_title("青年能手", 30).name == "青年能手"


def test_custom_predicate_title_stacks():
    women = TitleRule("巾帼建功标兵", all_of(has_award(), attribute_equals("gender", "F")))
    gold_only = TitleRule("金牌", TITLE_PREDICATES["tier_in"](GOLD))
    result = assign_awards(
        ranking_from_groups(), scheme(titles=(top_ranks_title("技术能手", 1), women, gold_only)),
        {1: {"gender": "F"}, 3: {"gender": "F"}},
    )
    by_entry = result.by_entry()
    assert by_entry[1].titles == ("技术能手", "巾帼建功标兵", "金牌")
    assert by_entry[2].titles == ("金牌",)
    assert by_entry[3].titles == ("巾帼建功标兵",)


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    "kwargs",
    [
        {"tiers": (Tier(GOLD, 10), Tier(GOLD, 20))},
        {"tiers": (Tier(GOLD),)},
        {"tiers": (Tier(GOLD, 10, 2),)},
        {"tiers": (Tier(GOLD, 60), Tier(SILVER, 50))},
        {"tiers": (Tier(GOLD, -1),)},
        {"tiers": (Tier(GOLD, 10.0),)},
        {"tiers": (Tier(GOLD, count=-1),)},
        {"tiers": (Tier(GOLD, count=True),)},
        {"tiers": PERCENT_10_20_30, "rounding": "banker"},
        {"tiers": PERCENT_10_20_30, "boundary_policy": "coin_toss"},
    ],
)
def test_scheme_validation(kwargs):
    with pytest.raises(DomainError):
        AwardScheme(**kwargs)


def test_inconsistent_ranking_refused():
    good = ranking_from_groups(entrants=3)
    bad_rank = (good[0], good[1], RankedEntry(3, 4, good[2].total, 1, "total", good[2].contender))
    with pytest.raises(DomainError):
        assign_awards(bad_rank, scheme())
    bad_total = (good[0], RankedEntry(2, 2, D(5000), 1, "total", good[1].contender))
    with pytest.raises(DomainError):
        assign_awards(bad_total, scheme())
    bad_tie = (good[0], RankedEntry(2, 1, D(1), 2, None, good[1].contender))
    with pytest.raises(DomainError):
        assign_awards(bad_tie, scheme())


def test_registries():
    assert set(ROUNDINGS) == {"floor", "half_up", "ceil"}
    assert set(BOUNDARY_POLICIES) == {"tied_take_higher", "tied_take_lower"}


# --------------------------------------------------------------------------- properties

tier_strategy = st.one_of(
    st.integers(0, 40).map(lambda p: ("percent", p)), st.integers(0, 6).map(lambda c: ("count", c))
)


@st.composite
def award_cases(draw):
    totals = draw(st.lists(st.integers(0, 8), max_size=30))
    specs = draw(st.lists(tier_strategy, min_size=1, max_size=4))
    tiers = []
    for i, (kind, amount) in enumerate(specs):
        tiers.append(Tier(f"T{i}", percent=amount) if kind == "percent" else Tier(f"T{i}", count=amount))
    if sum(t.percent or 0 for t in tiers) > 100:
        tiers = [Tier(t.name, count=3) for t in tiers]
    award_scheme = AwardScheme(
        tuple(tiers),
        rounding=draw(st.sampled_from(ROUNDING_RULES)),
        boundary_policy=draw(st.sampled_from(sorted(BOUNDARY_POLICIES))),
        min_score=draw(st.one_of(st.none(), st.integers(0, 8).map(D))),
    )
    ranking = rank_entries([Contender(i, D(t)) for i, t in enumerate(totals)])
    return ranking, award_scheme


def level(result, tier):
    names = list(result.counts)
    return len(names) if tier is None else names.index(tier)


@settings(max_examples=300, deadline=None)
@given(award_cases())
def test_award_properties(case):
    ranking, award_scheme = case
    result = assign_awards(ranking, award_scheme)
    outcomes = result.outcomes
    n = len(outcomes)
    assert [o.entry_id for o in outcomes] == [r.entry_id for r in ranking]

    # no entry gets a lower tier than an entry ranked below it; ties share a tier
    for a, b in pairwise(outcomes):
        assert level(result, a.tier) <= level(result, b.tier)
        if a.rank == b.rank:
            assert a.tier == b.tier

    # the minimum score is respected and does not cascade
    without_min = assign_awards(ranking, AwardScheme(
        award_scheme.tiers, award_scheme.rounding, award_scheme.boundary_policy))
    for with_min, plain in zip(outcomes, without_min.outcomes, strict=True):
        if award_scheme.min_score is not None and with_min.total < award_scheme.min_score:
            assert with_min.tier is None
        else:
            assert with_min.tier == plain.tier

    # exact counts against the documented cut-off rule (without the minimum score)
    def group_of(position):  # (first, last) positions of the tie group holding ``position``
        rank = ranking[position - 1].rank
        last = max(i + 1 for i, r in enumerate(ranking) if r.rank == rank)
        return rank, last

    awarded_so_far = 0
    cut = 0
    for tier in award_scheme.tiers:
        quota = result.quotas[tier.name]
        previous_cut, previous_awarded = cut, awarded_so_far
        cut = min(n, cut + quota)
        count = without_min.counts[tier.name]
        awarded_so_far += count
        if cut == 0:
            assert awarded_so_far == 0
            continue
        first, last = group_of(cut)
        if award_scheme.boundary_policy == "tied_take_higher":
            assert awarded_so_far == last
            # a tier exceeds its quota only by the group straddling its cut-off
            assert count <= quota + (last - cut)
        else:
            assert awarded_so_far == (cut if last == cut else first - 1)
            assert awarded_so_far <= cut
            # a tier exceeds its quota only by the groups pushed down from the tier above
            assert count <= quota + (previous_cut - previous_awarded)
    assert sum(result.counts.values()) <= sum(without_min.counts.values())


def test_ranking_and_awards_scale():
    rnd = random.Random(5)
    contenders = [Contender(i, D(rnd.randint(0, 10000)).scaleb(-2)) for i in range(10_000)]
    ranking = rank_entries(contenders)
    result = assign_awards(ranking, scheme(titles=(top_ranks_title("技术能手", 20), youth_title())),
                           {i: {"age": 20 + i % 30} for i in range(10_000)})
    # Its speed is measured by bench/domain_scale.py, not here.
    assert sum(result.counts.values()) in range(5990, 6100)


# --------------------------------------------------------------------------- cumulative rounding (issue 17)


def test_cumulative_rounding_is_the_default_and_never_awards_more_than_the_share():
    assert AwardScheme(PERCENT_10_20_30).rounding == "cumulative"
    assert tier_quotas(AwardScheme(PERCENT_10_20_30), 5) == {GOLD: 1, SILVER: 1, BRONZE: 1}
    assert tier_quotas(AwardScheme(PERCENT_10_20_30, rounding="half_up"), 5) == {GOLD: 1, SILVER: 1, BRONZE: 2}


@pytest.mark.parametrize(("entrants", "expected"), [(1, (1, 0, 0)), (2, (1, 0, 0)), (3, (1, 1, 0)), (4, (1, 1, 0)),
                                                    (5, (1, 1, 1)), (7, (1, 1, 2)), (20, (2, 4, 6))])
def test_small_fields_give_the_higher_awards_first(entrants, expected):
    result = assign_awards(ranking_from_groups(entrants=entrants), AwardScheme(PERCENT_10_20_30))
    assert tuple(result.quotas.values()) == expected == tuple(result.counts.values())
    assert result.outcomes[0].tier == GOLD
    assert any(note.code == "small_field" for note in result.notes) == (entrants in (1, 2, 3, 4))


def reference_quotas(tiers: list[Tier], entrants: int) -> list[int]:
    """Independent reading of the cumulative rule, place by place: award place i (1-based) belongs to the first
    tier whose exact cumulative share reaches i - 1/2 (the midpoint rule, equivalent to rounding running
    totals half-up), but never to a lower tier than the i-th tier with a share (the small-field rule)."""
    shares = [Fraction(t.count) if t.count is not None else Fraction(Decimal(t.percent)) * entrants / 100 for t in tiers]
    total_share = sum(shares, Fraction(0))
    places = min(entrants, int(total_share + Fraction(1, 2)))
    with_share = [k for k, share in enumerate(shares) if share > 0]
    counts = [0] * len(tiers)
    for i in range(1, places + 1):
        running, midpoint_tier = Fraction(0), len(tiers) - 1
        for k, share in enumerate(shares):
            running += share
            if running >= i - Fraction(1, 2):
                midpoint_tier = k
                break
        tier = min(midpoint_tier, with_share[i - 1]) if i <= len(with_share) else midpoint_tier
        counts[tier] += 1
    return counts


tier_specs = st.lists(
    st.one_of(st.integers(0, 40).map(lambda p: ("percent", p)),
              st.decimals(0, 40, places=1).map(lambda p: ("percent", p)),
              st.integers(0, 5).map(lambda c: ("count", c))),
    min_size=1, max_size=4,
)


@settings(max_examples=200, deadline=None)
@given(tier_specs, st.integers(0, 60), st.lists(st.integers(0, 6), max_size=60))
def test_cumulative_quotas_against_a_place_by_place_reference(specs, entrants, totals):
    tiers = [Tier(f"T{i}", percent=v) if kind == "percent" else Tier(f"T{i}", count=v) for i, (kind, v) in enumerate(specs)]
    if sum(t.percent or 0 for t in tiers) > 100:
        return
    award_scheme = AwardScheme(tuple(tiers), boundary_policy="tied_take_lower")
    quotas = list(tier_quotas(award_scheme, entrants).values())
    assert quotas == reference_quotas(tiers, entrants)
    share = sum((Fraction(t.count) if t.count is not None else Fraction(Decimal(t.percent)) * entrants / 100
                 for t in tiers), Fraction(0))
    assert sum(quotas) <= int(share + Fraction(1, 2))  # never above the scheme's share, rounded once
    # with the lower-award tie policy the awarded counts never exceed any cumulative quota
    ranking = rank_entries([Contender(i, D(t)) for i, t in enumerate(totals[:entrants])])
    result = assign_awards(ranking, award_scheme)
    awarded = 0
    for tier, quota_so_far in zip(tiers, itertools.accumulate(result.quotas.values()), strict=True):
        awarded += result.counts[tier.name]
        assert awarded <= quota_so_far


def test_award_columns_follow_the_schemes_tier_order():
    default = ("一等奖", "二等奖", "三等奖")
    assert award_column_order({"三等奖", "一等奖", "二等奖"}, [default]) == ["一等奖", "二等奖", "三等奖"]
    # a unit event's single tier after the longer scheme; a label no scheme names (changed since) last
    assert award_column_order({"优胜企业", "三等奖", "一等奖", "旧奖项"}, [("优胜企业",), default]) == ["一等奖", "三等奖", "优胜企业", "旧奖项"]
    assert award_column_order({"二等奖", "金奖"}, [("金奖", "银奖"), default, default]) == ["二等奖", "金奖"]
    assert award_column_order(set(), [default]) == []
