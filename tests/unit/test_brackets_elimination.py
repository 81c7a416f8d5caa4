"""Single and double elimination: seeding, byes, advancement, corrections and placements."""

from __future__ import annotations

import random
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contest.domain.brackets import (
    Bracket,
    Entrant,
    MatchState,
    Result,
    SourceKind,
    Structure,
    dependants,
    double_elimination,
    first_round_slots,
    placements,
    resolve,
    seed_order,
    single_elimination,
    validate_result,
)
from contest.domain.errors import DomainError


def field(n: int, units: list[str | None] | None = None) -> list[Entrant]:
    """Entrants with ids 100 + seed (ids deliberately differ from seeds)."""
    return [Entrant(100 + s, s, units[s - 1] if units else None) for s in range(1, n + 1)]


def seed_of(structure: Structure) -> dict[int, int]:
    return {e.id: e.seed for e in structure.entrants}


def play(structure: Structure, pick, results: dict[str, Result] | None = None) -> dict[str, Result]:
    """Play every ready match until none is left; ``pick(match)`` returns the winner id."""
    results = dict(results or {})
    while True:
        ready = [m for m in resolve(structure, results).matches if m.state is MatchState.READY]
        if not ready:
            return results
        for m in ready:
            results[m.key] = Result(pick(m), 1, 0, home_id=m.home_id, away_id=m.away_id)


def better_seed(structure: Structure):
    seeds = seed_of(structure)
    return lambda m: min((m.home_id, m.away_id), key=seeds.__getitem__)


def places(structure: Structure, results: dict[str, Result]) -> dict[int, int]:
    seeds = seed_of(structure)
    return {seeds[p.entrant_id]: p.place for p in placements(structure, results)}


# --- seeding -------------------------------------------------------------------------------------------------


def test_seed_order_16_pairs_one_with_sixteen_eight_with_nine():
    order = seed_order(16)
    pairs = [sorted(order[i : i + 2]) for i in range(0, 16, 2)]
    assert pairs[:4] == [[1, 16], [8, 9], [5, 12], [4, 13]]
    assert all(a + b == 17 for a, b in pairs)
    assert 1 in order[:8] and 2 in order[8:]
    assert {1, 2, 3, 4} == {min(order[q * 4 : q * 4 + 4]) for q in range(4)}


def test_thirteen_entrants_byes_to_top_three_and_play_to_a_champion():
    s = single_elimination(field(13))
    seeds = seed_of(s)
    assert len(s.matches) == 12
    first = [m for m in s.matches if m.round == 1]
    assert sorted(sorted((seeds[m.home.entrant_id], seeds[m.away.entrant_id])) for m in first) == [
        [4, 13],
        [5, 12],
        [6, 11],
        [7, 10],
        [8, 9],
    ]
    round_two_fixed = {
        seeds[m.home.entrant_id] for m in s.matches if m.round == 2 and m.home.kind is SourceKind.ENTRANT
    }
    assert round_two_fixed == {1, 2, 3}
    results = play(s, better_seed(s))
    final = resolve(s, results).match("W4-1")
    assert (seeds[final.winner_id], seeds[final.loser_id]) == (1, 2)
    assert places(s, results) == {1: 1, 2: 2, 3: 3, 4: 3, **{k: 5 for k in range(5, 9)}, **{k: 9 for k in range(9, 14)}}


def test_third_place_match_decides_third_and_fourth():
    s = single_elimination(field(8), third_place=True)
    assert len(s.matches) == 8
    seeds = seed_of(s)
    # the worse seed wins the third-place match
    results = play(
        s,
        lambda m: (
            max((m.home_id, m.away_id), key=seeds.__getitem__)
            if m.key == "3P"
            else min((m.home_id, m.away_id), key=seeds.__getitem__)
        ),
    )
    assert places(s, results) == {1: 1, 2: 2, 4: 3, 3: 4, 5: 5, 6: 5, 7: 5, 8: 5}


def test_third_place_is_dropped_when_a_semi_final_is_a_bye():
    s = single_elimination(field(3), third_place=True)
    assert [m.key for m in s.matches] == ["W1-2", "W2-1"]
    results = play(s, better_seed(s))
    assert places(s, results) == {1: 1, 2: 2, 3: 3}


def test_placements_refused_before_the_end():
    s = single_elimination(field(4))
    with pytest.raises(DomainError):
        placements(s, {})


# --- results, advancement and corrections -------------------------------------------------------------------


def test_winner_advances_and_correction_reflows():
    s = single_elimination(field(8), third_place=True)
    results = play(s, better_seed(s))
    assert resolve(s, results).invalid == ()
    assert dependants(s, "W1-1") == ("W2-1", "W3-1", "3P")
    assert dependants(s, "W3-1") == ()

    # correction: seed 8 beat seed 1 after all
    m = resolve(s, results).match("W1-1")
    corrected = {**results, "W1-1": Result(m.away_id, 0, 1, home_id=m.home_id, away_id=m.away_id)}
    res = resolve(s, corrected)
    assert set(res.invalid) == {"W2-1", "W3-1", "3P"}
    assert res.match("W2-1").state is MatchState.READY
    assert res.match("W2-1").home_id == 108
    assert res.match("W3-1").state is MatchState.PENDING

    # the service clears the dependants and replays them
    cleared = {k: r for k, r in corrected.items() if k not in dependants(s, "W1-1")}
    assert resolve(s, cleared).invalid == ()
    replayed = play(s, better_seed(s), cleared)
    assert places(s, replayed)[8] == 4  # seed 8 reached the semi-final, lost the third-place match to seed 3


def test_result_without_participants_is_invalid_only_if_winner_left():
    s = single_elimination(field(4))
    results = {"W1-1": Result(101), "W1-2": Result(102), "W2-1": Result(102)}
    assert resolve(s, results).invalid == ()
    corrected = {**results, "W1-1": Result(104)}
    assert resolve(s, corrected).invalid == ()  # 102 still plays in the final; no participants were stored
    corrected["W2-1"] = Result(101)
    assert resolve(s, corrected).invalid == ("W2-1",)


def test_validate_result():
    s = single_elimination(field(4))
    validate_result(s, {}, "W1-1", Result(101))
    with pytest.raises(DomainError, match="draw"):
        validate_result(s, {}, "W1-1", Result(None))
    with pytest.raises(DomainError, match="one of its two participants"):
        validate_result(s, {}, "W1-1", Result(102))
    with pytest.raises(DomainError, match="not ready"):
        validate_result(s, {}, "W2-1", Result(101))
    with pytest.raises(DomainError, match="Unknown match"):
        validate_result(s, {}, "W9-9", Result(101))


def test_unknown_result_keys_are_invalid():
    s = single_elimination(field(2))
    assert resolve(s, {"X": Result(101)}).invalid == ("X",)


# --- double elimination ---------------------------------------------------------------------------------------


def test_eight_entrant_double_elimination_reaches_grand_final():
    s = double_elimination(field(8))
    assert len(s.matches) == 15
    assert Counter(m.bracket for m in s.matches) == {Bracket.WINNERS: 7, Bracket.LOSERS: 6, Bracket.GRAND_FINAL: 2}
    seeds = seed_of(s)
    results = play(s, better_seed(s))
    res = resolve(s, results)
    gf = res.match("GF1")
    assert (seeds[gf.home_id], seeds[gf.away_id], seeds[gf.winner_id]) == (1, 2, 1)
    assert res.match("GF2").state is MatchState.VOID
    assert res.finished
    assert places(s, results) == {1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 6: 5, 7: 7, 8: 7}


def test_grand_final_reset_is_played_when_losers_bracket_winner_wins():
    s = double_elimination(field(4))
    results = play(s, lambda m: m.away_id if m.key == "GF1" else min(m.home_id, m.away_id))
    res = resolve(s, results)
    assert res.match("GF1").winner_id == 102
    gf2 = res.match("GF2")
    assert gf2.state is MatchState.FINISHED and (gf2.home_id, gf2.away_id) == (101, 102)
    assert gf2.winner_id == 101
    assert places(s, results) == {1: 1, 2: 2, 3: 3, 4: 4}
    # correcting the first grand final voids the reset
    fixed = {**results, "GF1": Result(101, home_id=101, away_id=102)}
    res = resolve(s, fixed)
    assert res.match("GF2").state is MatchState.VOID and res.invalid == ("GF2",)


def test_without_reset_the_first_grand_final_decides():
    s = double_elimination(field(4), grand_final_reset=False)
    assert len(s.matches) == 6
    results = play(s, lambda m: m.away_id if m.key == "GF1" else min(m.home_id, m.away_id))
    assert places(s, results) == {2: 1, 1: 2, 3: 3, 4: 4}


def drop_in_rematches(structure: Structure, results: dict[str, Result]) -> list[tuple[str, int, int]]:
    """Every losers'-bracket match in which an entrant who has just dropped from the winners' bracket meets
    someone it has already played, except the drop from the winners' final (no order can prevent that one).

    Written from the played games only (who met whom, in playing order), independently of how the
    structure orders its drop-downs.
    """
    seeds = seed_of(structure)
    res = resolve(structure, results)
    winners_final = max(m.spec.round for m in res.matches if m.spec.bracket is Bracket.WINNERS)
    lost_in_winners: dict[int, int] = {}  # entrant -> winners' round it lost in
    met: set[frozenset[int]] = set()
    bad = []
    first_loser_match: set[int] = set()
    for m in res.matches:
        if m.state is not MatchState.FINISHED:
            continue
        pair = frozenset((m.home_id, m.away_id))
        if m.spec.bracket is Bracket.LOSERS:
            for me in (m.home_id, m.away_id):
                dropped = lost_in_winners.get(me)
                if me in first_loser_match or dropped is None:
                    continue
                first_loser_match.add(me)
                if dropped >= 2 and dropped != winners_final and pair in met:
                    bad.append((m.key, seeds[m.home_id], seeds[m.away_id]))
        elif m.spec.bracket is Bracket.WINNERS:
            lost_in_winners[m.loser_id] = m.spec.round
        met.add(pair)
    return bad


def test_sixteen_favourites_losers_round_four_avoids_winners_round_two_rematches():
    s = double_elimination(field(16))
    results = play(s, better_seed(s))
    res = resolve(s, results)
    seeds = seed_of(s)
    fourth = {frozenset((seeds[m.home_id], seeds[m.away_id])) for m in res.matches if m.key.startswith("L4-")}
    assert fourth == {frozenset((3, 5)), frozenset((4, 6))}
    assert drop_in_rematches(s, results) == []


@pytest.mark.parametrize("n", range(2, 65))
def test_no_rematch_after_any_drop_with_favourites_winning(n):
    s = double_elimination(field(n), avoid_same_unit=False)
    assert drop_in_rematches(s, play(s, better_seed(s))) == []


@settings(max_examples=100, deadline=None)
@given(n=st.integers(2, 64), units=st.lists(st.sampled_from(["A", "B", "C", "D", None]), min_size=64, max_size=64))
def test_no_rematch_after_any_drop_with_units_kept_apart(n, units):
    """Unit separation swaps only bottom-band seeds in round 1; the drop-down orders still avoid rematches."""
    s = double_elimination(field(n, units[:n]))
    assert drop_in_rematches(s, play(s, better_seed(s))) == []


# --- unit avoidance ---------------------------------------------------------------------------------------------


def test_same_unit_first_round_swapped_within_bottom_band():
    units = ["A", "B", "C", "D", "E", "F", "G", "A"]  # seeds 1 and 8 from the same unit
    slots = first_round_slots(field(8, units))
    pairs = [(slots[i], slots[i + 1]) for i in range(0, 8, 2)]
    assert all(a.unit != b.unit for a, b in pairs)
    assert all(min(a.seed, b.seed) <= 4 < max(a.seed, b.seed) for a, b in pairs)
    seeds = [e.seed for e in slots]
    assert 1 in seeds[:4] and 2 in seeds[4:]
    plain = first_round_slots(field(8, units), avoid_same_unit=False)
    assert (plain[0].seed, plain[1].seed) == (1, 8)


# --- properties -------------------------------------------------------------------------------------------------


def assert_once_per_round(structure: Structure, results: dict[str, Result]) -> None:
    by_round: dict[tuple[Bracket, int], list[int]] = {}
    for m in resolve(structure, results).matches:
        if m.state is MatchState.FINISHED:
            by_round.setdefault((m.spec.bracket, m.spec.round), []).extend((m.home_id, m.away_id))
    for ids in by_round.values():
        assert len(ids) == len(set(ids))


units_strategy = st.lists(st.sampled_from(["A", "B", "C", None]), min_size=128, max_size=128)


@settings(max_examples=200, deadline=None)
@given(n=st.integers(2, 128), third=st.booleans(), seed=st.integers(0, 2**32), units=units_strategy)
def test_single_elimination_properties(n, third, seed, units):
    s = single_elimination(field(n, units[:n]), third_place=third)
    assert len(s.matches) == n - 1 + (1 if third and n >= 4 else 0)
    assert len({m.key for m in s.matches}) == len(s.matches)
    slots = first_round_slots(s.entrants)
    size = len(slots)
    assert slots.index(s.entrants[0]) < size // 2 <= slots.index(s.entrants[1])
    rng = random.Random(seed)
    results = play(s, lambda m: rng.choice((m.home_id, m.away_id)))
    assert resolve(s, results).finished
    assert_once_per_round(s, results)
    losses = Counter(m.loser_id for m in resolve(s, results).matches if m.spec.bracket is Bracket.WINNERS)
    assert len(losses) == n - 1 and set(losses.values()) == {1}
    placed = placements(s, results)
    assert sorted(p.entrant_id for p in placed) == sorted(e.id for e in s.entrants)
    assert [p.place for p in placed].count(1) == 1
    # better seed always wins: seeds 1 and 2 meet in the final
    det = play(s, better_seed(s))
    final = max((m for m in resolve(s, det).matches if m.spec.bracket is Bracket.WINNERS), key=lambda m: m.spec.round)
    assert {final.home_id, final.away_id} == {s.entrants[0].id, s.entrants[1].id}


@settings(max_examples=200, deadline=None)
@given(n=st.integers(2, 128), reset=st.booleans(), seed=st.integers(0, 2**32), units=units_strategy)
def test_double_elimination_properties(n, reset, seed, units):
    s = double_elimination(field(n, units[:n]), grand_final_reset=reset)
    assert len(s.matches) == 2 * n - 2 + (1 if reset else 0)
    for m in s.matches:
        assert SourceKind.BYE not in (m.home.kind, m.away.kind)
    rng = random.Random(seed)
    results = play(s, lambda m: rng.choice((m.home_id, m.away_id)))
    res = resolve(s, results)
    assert res.finished and res.invalid == ()
    assert_once_per_round(s, results)
    losses = Counter(m.loser_id for m in res.matches if m.state is MatchState.FINISHED)
    champion = next(p.entrant_id for p in placements(s, results) if p.place == 1)
    assert losses[champion] <= 1
    others = {e.id for e in s.entrants} - {champion}
    if reset:
        assert all(losses[i] == 2 for i in others)
    else:
        assert all(1 <= losses[i] <= 2 for i in others)
    # nobody plays after their second defeat
    defeats: Counter[int] = Counter()
    for m in res.matches:
        if m.state is MatchState.FINISHED:
            assert defeats[m.home_id] < 2 and defeats[m.away_id] < 2
            defeats[m.loser_id] += 1
