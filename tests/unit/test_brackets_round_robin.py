"""Round robin: FIDE Berger schedule and standings with ordered tie-breakers."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contest.domain.brackets import (
    Entrant,
    Game,
    PointsScheme,
    Result,
    build_bracket,
    games,
    placements,
    round_robin_schedule,
    round_robin_standings,
)
from contest.domain.errors import DomainError

A, B, C, D, E, F = 11, 12, 13, 14, 15, 16
SIX = [Entrant(i, i - 10) for i in (A, B, C, D, E, F)]

# Hand-checked table (3/1/0):
#   A 13 pts; B, C, D 7 pts each and a head-to-head circle (B>C, C>D, D>B) -> score difference B +3, D +1, C -3;
#   E, F 4 pts each, F beat E -> F ahead on head-to-head although E has the better score difference (-5 v -6).
SIX_GAMES = [
    (A, B, 2, 1),
    (A, C, 3, 0),
    (A, D, 1, 1),
    (A, E, 2, 0),
    (A, F, 4, 0),
    (B, C, 2, 0),
    (C, D, 1, 0),
    (D, B, 2, 1),
    (B, E, 3, 0),
    (B, F, 0, 0),
    (C, E, 2, 2),
    (C, F, 1, 0),
    (D, E, 0, 1),
    (D, F, 2, 0),
    (E, F, 0, 1),
]


def game(home: int, away: int, hs: int, as_: int, rnd: int = 1) -> Game:
    winner = home if hs > as_ else away if as_ > hs else None
    return Game(rnd, home, away, winner, hs, as_)


def test_six_entrant_standings_hand_checked():
    table = round_robin_standings(SIX, [game(*g) for g in SIX_GAMES])
    assert [(s.entrant_id, s.place, s.points) for s in table] == [
        (A, 1, 13),
        (B, 2, 7),
        (D, 3, 7),
        (C, 4, 7),
        (F, 5, 4),
        (E, 6, 4),
    ]
    b = table[1]
    assert (b.played, b.won, b.drawn, b.lost, b.scores_for, b.scores_against, b.score_difference) == (
        5,
        2,
        1,
        2,
        7,
        4,
        3,
    )
    e = table[5]
    assert (e.scores_for, e.scores_against) == (3, 8)


def test_tie_breaker_order_is_configurable():
    table = round_robin_standings(SIX, [game(*g) for g in SIX_GAMES], tie_breakers=("score_difference",))
    assert [s.entrant_id for s in table][-2:] == [E, F]
    table = round_robin_standings(SIX, [game(*g) for g in SIX_GAMES], tie_breakers=())
    assert [(s.entrant_id, s.place) for s in table] == [(A, 1), (B, 2), (C, 2), (D, 2), (E, 5), (F, 5)]


def test_points_scheme_is_configurable():
    table = round_robin_standings(
        SIX, [game(*g) for g in SIX_GAMES], points=PointsScheme(Decimal(2), Decimal(1), Decimal(0))
    )
    assert [s.points for s in table] == [9, 5, 5, 5, 3, 3]


def test_fully_tied_entrants_share_the_place():
    three = [Entrant(1, 1), Entrant(2, 2), Entrant(3, 3)]
    table = round_robin_standings(three, [game(1, 2, 1, 1), game(2, 3, 1, 1), game(3, 1, 1, 1)])
    assert [(s.entrant_id, s.place) for s in table] == [(1, 1), (2, 1), (3, 1)]
    # all draws, so head-to-head and score difference tie; scores for splits 1 (3 goals), 3 (2), 2 (1)
    table = round_robin_standings(three, [game(1, 2, 1, 1), game(2, 3, 0, 0), game(3, 1, 2, 2)])
    assert [(s.entrant_id, s.place, s.scores_for) for s in table] == [(1, 1, 3), (3, 2, 2), (2, 3, 1)]


def test_head_to_head_is_computed_inside_the_tied_group():
    # 1 and 2 tie on points; 2 beat 1, so 2 ranks first despite the worse score difference.
    four = [Entrant(i, i) for i in range(1, 5)]
    played = [
        game(1, 2, 0, 1),
        game(1, 3, 5, 0),
        game(1, 4, 5, 0),
        game(2, 3, 0, 1),
        game(2, 4, 1, 0),
        game(3, 4, 0, 1),
    ]
    assert [s.entrant_id for s in round_robin_standings(four, played)][:2] == [2, 1]


def test_unknown_tie_breaker_is_refused():
    with pytest.raises(DomainError, match="tie-breaker"):
        round_robin_standings(SIX, [], tie_breakers=("coin_toss",))


def test_structure_results_feed_placements():
    s = build_bracket("round_robin", SIX)
    pair_key = {frozenset((m.home.entrant_id, m.away.entrant_id)): m for m in s.matches}
    results = {}
    for h, a, hs, as_ in SIX_GAMES:
        m = pair_key[frozenset((h, a))]
        if m.home.entrant_id != h:
            h, a, hs, as_ = a, h, as_, hs
        results[m.key] = Result(h if hs > as_ else a if as_ > hs else None, hs, as_)
    with pytest.raises(DomainError):
        placements(s, dict(list(results.items())[:-1]))
    assert len(games(s, results)) == 15
    assert [(p.entrant_id, p.place) for p in placements(s, results)] == [(A, 1), (B, 2), (D, 3), (C, 4), (F, 5), (E, 6)]


def test_first_round_avoids_same_unit_where_possible():
    entrants = [Entrant(1, 1, "X"), Entrant(2, 2, "Y"), Entrant(3, 3, "Y"), Entrant(4, 4, "X")]
    plain = round_robin_schedule(entrants, avoid_same_unit=False)
    unit = {e.id: e.unit for e in entrants}

    def clashes(s, rnd):
        return sum(unit[m.home.entrant_id] == unit[m.away.entrant_id] for m in s.matches if m.round == rnd)

    assert clashes(plain, 1) == 2
    assert clashes(round_robin_schedule(entrants), 1) == 0


@settings(max_examples=80, deadline=None)
@given(n=st.integers(2, 128))
def test_schedule_properties(n):
    s = round_robin_schedule([Entrant(1000 + i, i) for i in range(1, n + 1)])
    assert len(s.matches) == n * (n - 1) // 2
    pairs = Counter(frozenset((m.home.entrant_id, m.away.entrant_id)) for m in s.matches)
    assert set(pairs.values()) == {1} and len(pairs) == n * (n - 1) // 2
    rounds = {m.round for m in s.matches}
    assert rounds == set(range(1, (n if n % 2 else n - 1) + 1))
    idle = Counter()
    for r in rounds:
        ids = [i for m in s.matches if m.round == r for i in (m.home.entrant_id, m.away.entrant_id)]
        assert len(ids) == len(set(ids))
        assert len(ids) == n - n % 2  # one bye per round for an odd field
        idle.update({1000 + i for i in range(1, n + 1)} - set(ids))
    assert set(idle.values()) <= {1} and len(idle) == n % 2 * n
    home = Counter(m.home.entrant_id for m in s.matches)
    assert max(home.values(), default=0) - min(home.values(), default=0) <= n // 2 + 1


@settings(max_examples=80, deadline=None)
@given(data=st.data(), n=st.integers(2, 8))
def test_standings_places_are_competition_ranking(data, n):
    entrants = [Entrant(i, i) for i in range(1, n + 1)]
    played = [
        game(a, b, data.draw(st.integers(0, 3)), data.draw(st.integers(0, 3)))
        for a, b in combinations(range(1, n + 1), 2)
    ]
    table = round_robin_standings(entrants, played)
    assert sorted(s.entrant_id for s in table) == list(range(1, n + 1))
    assert [s.points for s in table] == sorted((s.points for s in table), reverse=True)
    for i, s in enumerate(table):
        assert s.place == 1 + sum(1 for t in table if t.place < s.place)
        assert s.place <= i + 1
    assert sum(s.points for s in table) == sum(3 if g.winner_id else 2 for g in played)


# --- FIDE Berger tables and re-applied head-to-head (issue 17) -------------------------------------------------

# FIDE Handbook C.05 Annex 1, copied from the printed tables (white/home first).
BERGER_4 = [[(1, 4), (2, 3)], [(4, 3), (1, 2)], [(2, 4), (3, 1)]]
BERGER_6 = [[(1, 6), (2, 5), (3, 4)], [(6, 4), (5, 3), (1, 2)], [(2, 6), (3, 1), (4, 5)],
            [(6, 5), (1, 4), (2, 3)], [(3, 6), (4, 2), (5, 1)]]


def berger_reference(n: int) -> list[set[tuple[int, int]]]:
    """Independent closed form of the Berger table for even n: numbers i < j < n meet in the round
    r ≡ i + j − 1 (mod n − 1), the smaller at home when i + j is odd; n meets i in the round r ≡ 2i − 1
    (mod n − 1), i at home when i ≤ n/2."""
    m = n - 1
    rounds: list[set[tuple[int, int]]] = [set() for _ in range(m)]
    for i, j in combinations(range(1, n), 2):
        r = (i + j - 1) % m or m
        rounds[r - 1].add((i, j) if (i + j) % 2 else (j, i))
    for i in range(1, n):
        r = (2 * i - 1) % m or m
        rounds[r - 1].add((i, n) if i <= n // 2 else (n, i))
    return rounds


def schedule_by_seed(n: int) -> list[set[tuple[int, int]]]:
    s = round_robin_schedule([Entrant(1000 + i, i) for i in range(1, n + 1)], avoid_same_unit=False)
    seed = {e.id: e.seed for e in s.entrants}
    return [{(seed[m.home.entrant_id], seed[m.away.entrant_id]) for m in s.matches if m.round == r}
            for r in range(1, s.rounds + 1)]


def test_schedule_is_the_printed_fide_berger_table():
    assert schedule_by_seed(4) == [set(r) for r in BERGER_4]
    assert schedule_by_seed(6) == [set(r) for r in BERGER_6]
    # seed 4 of 4 is no longer away in every round
    assert [next(h == 4 for h, a in r if 4 in (h, a)) for r in BERGER_4] == [False, True, False]


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 24))
def test_schedule_matches_the_berger_closed_form_with_balanced_colours(n):
    got = schedule_by_seed(n)
    even = n + n % 2
    expected = [{(h, a) for h, a in r if h <= n and a <= n} for r in berger_reference(even)]
    assert got == expected
    for seed in range(1, n + 1):
        colours = [h == seed for r in got for h, a in r if seed in (h, a)]
        assert abs(colours.count(True) - colours.count(False)) <= 1
        assert all(not (x == y == z) for x, y, z in zip(colours, colours[1:], colours[2:], strict=False))


def test_head_to_head_is_reapplied_to_the_pair_still_tied():
    """Entrants 1, 3, 4 and 6 finish on 6 points. Among the four, 3 and 6 have 6 points and 1 and 4 have 3;
    re-applied to each pair, 3 beat 6 and 1 beat 4, so they finish in that order although 6 and 4 have the
    better score differences (which decided before)."""
    field = [Entrant(i, i) for i in range(1, 7)]
    played = [game(h, a, hs, as_) for h, a, hs, as_ in [
        (1, 2, 4, 1), (1, 3, 0, 1), (1, 4, 1, 0), (1, 5, 0, 1), (1, 6, 0, 2), (2, 3, 4, 1), (2, 4, 1, 4), (2, 5, 4, 1),
        (2, 6, 1, 0), (3, 4, 1, 4), (3, 5, 0, 1), (3, 6, 2, 0), (4, 5, 1, 4), (4, 6, 0, 2), (5, 6, 1, 0)]]
    table = round_robin_standings(field, played)
    assert {s.entrant_id for s in table if s.points == 6} == {1, 3, 4, 6}
    assert [s.entrant_id for s in table] == [5, 2, 3, 6, 1, 4]
    assert [s.place for s in table] == [1, 2, 3, 4, 5, 6]


def reference_order(ids, played, points_of):
    """Independent reading of the rule: points; then, within each tied group, head-to-head points, re-applied
    to each smaller group left tied; then overall score difference; then scores for. Returns groups."""
    def h2h(i, group):
        return sum(points_of(i, g) for g in played if {g.home_id, g.away_id} <= group and i in (g.home_id, g.away_id))

    def by(key, group):
        values = sorted({key(i) for i in group}, reverse=True)
        return [[i for i in group if key(i) == v] for v in values]

    def head_to_head(group):
        parts = by(lambda i: h2h(i, frozenset(group)), group)
        if len(parts) == 1:
            return [group]
        return [sub for part in parts for sub in (head_to_head(part) if len(part) > 1 else [part])]

    def diff(i):
        return sum((g.home_score - g.away_score) * (1 if g.home_id == i else -1) for g in played if i in (g.home_id, g.away_id))

    def scored(i):
        return sum(g.home_score if g.home_id == i else g.away_score for g in played if i in (g.home_id, g.away_id))

    total = {i: sum(points_of(i, g) for g in played if i in (g.home_id, g.away_id)) for i in ids}
    out = []
    for group in by(total.__getitem__, ids):
        for part in head_to_head(group):
            for sub in by(diff, part):
                out.extend(by(scored, sub))
    return out


@settings(max_examples=200, deadline=None)
@given(st.integers(3, 7), st.data())
def test_standings_against_an_independent_reading_of_the_tie_rules(n, data):
    field = [Entrant(i, i) for i in range(1, n + 1)]
    scores = st.sampled_from([(1, 0), (0, 1), (1, 1), (2, 0), (0, 2), (4, 1), (1, 4)])
    played = [game(h, a, *data.draw(scores)) for h, a in combinations(range(1, n + 1), 2)]

    def points_of(i, g):
        return 1 if g.winner_id is None else (3 if g.winner_id == i else 0)

    groups = reference_order(list(range(1, n + 1)), played, points_of)
    expected = {}
    place = 1
    for group in groups:
        for i in group:
            expected[i] = place
        place += len(group)
    assert {s.entrant_id: s.place for s in round_robin_standings(field, played)} == expected
