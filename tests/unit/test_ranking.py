"""Unit tests for contest.domain.ranking."""

from __future__ import annotations

import functools
import random
from decimal import Decimal as D
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contest.domain.errors import DomainError
from contest.domain.ranking import (
    TIE_BREAKERS,
    Contender,
    higher_component,
    higher_criterion,
    rank_entries,
    shorter_completion_time,
    tie_breakers_from_spec,
)


def ranks(ranked) -> dict:
    return {r.entry_id: r.rank for r in ranked}


def test_standard_competition_ranking_1224():
    ranked = rank_entries([Contender("a", D(90)), Contender("b", D(95)), Contender("c", D(90)),
                           Contender("d", D(80))])
    assert [(r.entry_id, r.rank, r.tie_size) for r in ranked] == [
        ("b", 1, 1), ("a", 2, 2), ("c", 2, 2), ("d", 4, 1)]
    assert [r.decided_by for r in ranked] == [None, "total", None, "total"]


def test_equal_values_with_different_exponents_tie():
    ranked = rank_entries([Contender("a", D("90.5")), Contender("b", D("90.50"))])
    assert ranks(ranked) == {"a": 1, "b": 1}


def test_tie_breakers_apply_in_order():
    practical = higher_component("practical", "实操成绩")
    time_ = shorter_completion_time()
    crit = higher_criterion("safety", "安全文明")
    entrants = [
        Contender("a", D(90), {"practical": D(60)}, {"safety": D(8)}, 1200),
        Contender("b", D(90), {"practical": D(62)}, {"safety": D(5)}, 1500),
        Contender("c", D(90), {"practical": D(60)}, {"safety": D(9)}, 1100),
        Contender("d", D(90), {"practical": D(60)}, {"safety": D(7)}, 1100),
        Contender("e", D(90), {"practical": D(60)}, {"safety": D(7)}, 1100),
    ]
    ranked = rank_entries(entrants, (practical, time_, crit))
    assert [(r.entry_id, r.rank, r.decided_by) for r in ranked] == [
        ("b", 1, None),
        ("c", 2, "实操成绩"),
        ("d", 3, "安全文明"),
        ("e", 3, None),
        ("a", 5, "completion time"),
    ]


def test_missing_tie_break_value_ranks_after_present_values():
    ranked = rank_entries(
        [Contender("none1", D(50)), Contender("slow", D(50), completion_time=D("999.5")),
         Contender("none2", D(50)), Contender("fast", D(50), completion_time=10),
         Contender("better", D(51))],
        (shorter_completion_time(),),
    )
    assert [(r.entry_id, r.rank) for r in ranked] == [
        ("better", 1), ("fast", 2), ("slow", 3), ("none1", 4), ("none2", 4)]


def test_missing_value_then_next_tie_breaker_decides():
    ranked = rank_entries(
        [Contender("a", D(50), {"p": D(1)}), Contender("b", D(50), {"p": D(2)})],
        (shorter_completion_time(), higher_component("p")),
    )
    assert [(r.entry_id, r.rank, r.decided_by) for r in ranked] == [("b", 1, None), ("a", 2, "p")]


def test_tie_breakers_never_override_the_total():
    ranked = rank_entries(
        [Contender("a", D("89.99"), {"p": D(100)}), Contender("b", D(90), {"p": D(0)})],
        (higher_component("p"),),
    )
    assert ranks(ranked) == {"b": 1, "a": 2}


def test_duplicate_entry_refused():
    with pytest.raises(DomainError):
        rank_entries([Contender("a", D(1)), Contender("a", D(2))])


def test_empty():
    assert rank_entries([]) == ()


def test_spec_registry():
    breakers = tie_breakers_from_spec([
        ("higher_component", "practical", "实操"), ("shorter_completion_time", None),
        ("higher_criterion", "c7"), ("lower_attribute", "penalties"),
    ])
    assert [b.name for b in breakers] == ["实操", "completion time", "c7", "penalties"]
    assert [b.higher_is_better for b in breakers] == [True, False, True, False]
    assert set(TIE_BREAKERS) >= {"higher_component", "higher_criterion", "shorter_completion_time"}
    with pytest.raises(DomainError):
        tie_breakers_from_spec([("coin_toss", None)])


def test_attribute_tie_breaker():
    ranked = rank_entries(
        [Contender("a", D(5), attributes={"penalties": 2}),
         Contender("b", D(5), attributes={"penalties": 0})],
        tie_breakers_from_spec([("lower_attribute", "penalties")]),
    )
    assert ranks(ranked) == {"b": 1, "a": 2}


# --------------------------------------------------------------------------- properties

BREAKERS = (higher_component("p"), shorter_completion_time(), higher_criterion("c"))

small = st.one_of(st.none(), st.integers(0, 3).map(D))
contender_values = st.tuples(st.integers(0, 6), small, small, small)


def build(values) -> list[Contender]:
    out = []
    for i, (total, p, t, c) in enumerate(values):
        out.append(Contender(
            i, D(total) / 2,
            {} if p is None else {"p": p},
            {} if c is None else {"c": c},
            t,
        ))
    return out


def reference_compare(x: Contender, y: Contender) -> int:
    """Independent pairwise comparison: negative when x is strictly better than y."""
    if x.total != y.total:
        return -1 if x.total > y.total else 1
    pairs = [
        (x.component_totals.get("p"), y.component_totals.get("p"), True),
        (x.completion_time, y.completion_time, False),
        (x.criterion_values.get("c"), y.criterion_values.get("c"), True),
    ]
    for a, b, higher in pairs:
        if a is None and b is None:
            continue
        if a is None:
            return 1
        if b is None:
            return -1
        if a != b:
            return -1 if (a > b) == higher else 1
    return 0


@settings(max_examples=200, deadline=None)
@given(st.lists(contender_values, max_size=25), st.randoms(use_true_random=False))
def test_ranking_matches_reference_and_invariants(values, rnd):
    contenders = build(values)
    ranked = rank_entries(contenders, BREAKERS)
    got = ranks(ranked)

    # reference: 1 + number of entries strictly better
    for x in contenders:
        better = sum(1 for y in contenders if reference_compare(y, x) < 0)
        assert got[x.entry_id] == 1 + better

    # every entry ranked exactly once, in rank order, 1-based
    assert sorted(got) == list(range(len(contenders)))
    assert [r.rank for r in ranked] == sorted(r.rank for r in ranked)
    if ranked:
        assert ranked[0].rank == 1

    # a rank r shared by k entries is followed by r + k
    sizes: dict[int, int] = {}
    for r in ranked:
        sizes[r.rank] = sizes.get(r.rank, 0) + 1
    distinct = sorted(sizes)
    for r, nxt in pairwise(distinct):
        assert nxt == r + sizes[r]
    assert all(r.tie_size == sizes[r.rank] for r in ranked)

    # tied entries compare equal, consecutive groups strictly ordered
    by_id = {c.entry_id: c for c in contenders}
    for a, b in pairwise(ranked):
        cmp = reference_compare(by_id[a.entry_id], by_id[b.entry_id])
        assert cmp == (0 if a.rank == b.rank else -1)
        assert (b.decided_by is None) == (a.rank == b.rank)

    # permutation invariance
    shuffled = list(contenders)
    rnd.shuffle(shuffled)
    assert ranks(rank_entries(shuffled, BREAKERS)) == got


@settings(max_examples=100, deadline=None)
@given(st.lists(contender_values, min_size=1, max_size=20))
def test_sorting_by_reference_comparator_gives_same_order_of_groups(values):
    contenders = build(values)
    expected = sorted(contenders, key=functools.cmp_to_key(reference_compare))
    ranked = rank_entries(contenders, BREAKERS)
    assert [ranks(ranked)[c.entry_id] for c in expected] == [r.rank for r in ranked]


def test_ranking_scale():
    rnd = random.Random(3)
    contenders = [
        Contender(i, D(rnd.randint(0, 2000)).scaleb(-1), {"p": D(rnd.randint(0, 50))},
                  completion_time=rnd.choice([None, rnd.randint(600, 3600)]))
        for i in range(10_000)
    ]
    ranked = rank_entries(contenders, (higher_component("p"), shorter_completion_time()))
    # Its speed is measured by bench/domain_scale.py, not here.
    assert len(ranked) == 10_000
