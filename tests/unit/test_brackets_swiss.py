"""Swiss: pairing from the results so far, byes, no rematches, Buchholz and Sonneborn-Berger standings."""

from __future__ import annotations

import random
from collections import Counter
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contest.domain.brackets import (
    Entrant,
    Game,
    MatchState,
    Result,
    SourceKind,
    build_bracket,
    games,
    placements,
    resolve,
    swiss_next_round,
    swiss_pair_round,
    swiss_standings,
)
from contest.domain.errors import DomainError


def nine() -> list[Entrant]:
    return [Entrant(200 + s, s) for s in range(1, 10)]


def sid(i: int) -> int:
    return i - 200


def pairing(specs) -> tuple[set[frozenset[int]], int | None]:
    pairs = {
        frozenset((sid(m.home.entrant_id), sid(m.away.entrant_id))) for m in specs if m.away.kind is SourceKind.ENTRANT
    }
    bye = next((sid(m.home.entrant_id) for m in specs if m.away.kind is SourceKind.BYE), None)
    return pairs, bye


def P(*pairs: tuple[int, int]) -> set[frozenset[int]]:
    return {frozenset(p) for p in pairs}


# Nine entrants, four rounds, 1/½/0 scoring, bye = 1 point. Pairings were worked out by hand from the rule in
# swiss_pair_round's docstring; results are (winner seed or None for a draw) per pair.
EXPECTED_ROUNDS = [
    (P((1, 5), (2, 6), (3, 7), (4, 8)), 9, {(1, 5): 1, (2, 6): 2, (3, 7): None, (4, 8): 8}),
    # 3 v 7 would be a rematch, so 3 meets the top of the next group (4) and 7 drops to 5
    (P((1, 8), (2, 9), (3, 4), (5, 7)), 6, {(1, 8): 1, (2, 9): None, (3, 4): 4, (5, 7): 7}),
    (P((1, 2), (7, 9), (4, 6), (3, 8)), 5, {(1, 2): 2, (7, 9): None, (4, 6): 6, (3, 8): 3}),
    # 2 (alone on 2½) floats down; 1 and 6 are rematches for 2, so 2 v 7
    (P((2, 7), (1, 6), (3, 9), (4, 5)), 8, {(2, 7): 2, (1, 6): None, (3, 9): 3, (4, 5): 4}),
]


def test_nine_entrants_four_rounds_hand_checked():
    s = build_bracket("swiss", nine(), rounds=4)
    results: dict[str, Result] = {}
    for rnd, (pairs, bye, outcome) in enumerate(EXPECTED_ROUNDS, start=1):
        if rnd > 1:
            s = swiss_next_round(s, results)
        specs = [m for m in s.matches if m.round == rnd]
        assert pairing(specs) == (pairs, bye)
        winners = {frozenset(k): v for k, v in outcome.items()}
        for m in specs:
            if m.away.kind is SourceKind.ENTRANT:
                w = winners[frozenset((sid(m.home.entrant_id), sid(m.away.entrant_id)))]
                results[m.key] = Result(None if w is None else 200 + w)
    with pytest.raises(DomainError, match="All 4"):
        swiss_next_round(s, results)
    table = swiss_standings(s.entrants, games(s, results))
    got = [(sid(t.entrant_id), t.place, t.points, t.buchholz, t.sonneborn_berger) for t in table]
    d = Decimal
    assert got == [
        (2, 1, d("3.5"), d(9), d(8)),
        (1, 2, d("2.5"), d(9), d("4.25")),
        (3, 3, d("2.5"), d(8), d(5)),
        (6, 4, d("2.5"), d(8), d("3.25")),
        (7, 5, d(2), d(9), d("3.25")),
        (4, 6, d(2), d(8), d("3.5")),
        (9, 7, d(2), d(8), d("2.75")),
        (8, 8, d(2), d(7), d(2)),
        (5, 9, d(1), d("6.5"), d(0)),
    ]
    assert [(sid(p.entrant_id), p.place) for p in placements(s, results)] == [(x[0], x[1]) for x in got]


def test_next_round_needs_finished_round():
    s = build_bracket("swiss", nine(), rounds=3)
    with pytest.raises(DomainError, match="not finished"):
        swiss_next_round(s, {})
    with pytest.raises(DomainError, match="not finished"):
        placements(s, {})


def test_bye_is_a_match_worth_a_win():
    s = build_bracket("swiss", nine(), rounds=1)
    res = resolve(s, {})
    bye = [m for m in res.matches if m.state is MatchState.BYE]
    assert len(bye) == 1 and bye[0].winner_id == 209
    assert Game(1, 209, None, 209) in games(s, {})


def test_first_round_avoids_same_unit():
    entrants = [Entrant(i, i, "X" if i in (1, 3) else None) for i in range(1, 5)]
    assert pairing_plain(swiss_pair_round(entrants, (), 1, avoid_same_unit=False)) == P((1, 3), (2, 4))
    assert pairing_plain(swiss_pair_round(entrants, (), 1)) == P((1, 4), (2, 3)) or pairing_plain(
        swiss_pair_round(entrants, (), 1)
    ) == P((1, 2), (3, 4))


def pairing_plain(specs) -> set[frozenset[int]]:
    return {frozenset((m.home.entrant_id, m.away.entrant_id)) for m in specs}


def test_no_second_bye():
    three = [Entrant(i, i) for i in range(1, 4)]
    played = [Game(1, 1, None, 1), Game(2, 2, None, 2), Game(3, 3, None, 3)]
    with pytest.raises(DomainError, match="bye"):
        swiss_pair_round(three, played, 4)


def test_round_numbers_must_move_forward():
    with pytest.raises(DomainError):
        swiss_pair_round(nine(), [Game(2, 201, 202, 201)], 2)


# --- properties -------------------------------------------------------------------------------------------------


def rematch_free_pairing_exists(ids: list[int], met: set[frozenset[int]], had_bye: set[int]) -> bool:
    """Brute force: a legal bye (odd field) and a perfect pairing of the rest without a rematch."""

    def perfect(pool: list[int]) -> bool:
        if not pool:
            return True
        first, rest = pool[0], pool[1:]
        return any(frozenset((first, other)) not in met and perfect([x for x in rest if x != other]) for other in rest)

    if len(ids) % 2 == 0:
        return perfect(ids)
    return any(perfect([x for x in ids if x != b]) for b in ids if b not in had_bye)


@settings(max_examples=200, deadline=None)
@given(data=st.data(), n=st.one_of(st.integers(2, 12), st.integers(13, 128)), seed=st.integers(0, 2**32))
def test_swiss_properties(data, n, seed):
    """Small fields: rematches are checked against a brute-force search. Fields of 13+ play at most 5 rounds,
    so everyone still has at least half the field as fresh opponents and a rematch-free pairing always exists
    (Dirac's theorem), so any rematch there is a failure."""
    small = n <= 12
    rounds = data.draw(st.integers(1, n - 1 if small else 5))
    entrants = [
        Entrant(500 + i, i, data.draw(st.sampled_from(["A", "B", None])) if small else None) for i in range(1, n + 1)
    ]
    rng = random.Random(seed)
    s = build_bracket("swiss", entrants, rounds=rounds)
    results: dict[str, Result] = {}
    met: set[frozenset[int]] = set()
    had_bye: set[int] = set()
    for rnd in range(1, rounds + 1):
        if rnd > 1:
            avoidable = not small or rematch_free_pairing_exists([e.id for e in entrants], met, had_bye)
            s = swiss_next_round(s, results)
        else:
            avoidable = True
        specs = [m for m in s.matches if m.round == rnd]
        ids = [src.entrant_id for m in specs for src in (m.home, m.away) if src.kind is SourceKind.ENTRANT]
        assert sorted(ids) == sorted(e.id for e in entrants)  # everyone exactly once per round
        byes = [m.home.entrant_id for m in specs if m.away.kind is SourceKind.BYE]
        assert len(byes) == n % 2
        assert not set(byes) & had_bye
        had_bye.update(byes)
        pairs = [frozenset((m.home.entrant_id, m.away.entrant_id)) for m in specs if m.away.kind is SourceKind.ENTRANT]
        if avoidable:
            assert not set(pairs) & met
        met.update(pairs)
        for m in specs:
            if m.away.kind is SourceKind.ENTRANT:
                winner = rng.choice((m.home.entrant_id, m.away.entrant_id, None))
                results[m.key] = Result(winner, rng.randint(0, 3), rng.randint(0, 3))
    placed = placements(s, results)
    assert sorted(p.entrant_id for p in placed) == sorted(e.id for e in entrants)
    table = swiss_standings(s.entrants, games(s, results))
    assert sum(t.points for t in table) == rounds * (n // 2) + rounds * (n % 2)
    assert Counter(t.byes for t in table)[2] == 0
