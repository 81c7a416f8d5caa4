"""Round robin: FIDE Berger-table schedule and standings."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from contest.domain.brackets.model import (
    Bracket,
    Entrant,
    Game,
    MatchSpec,
    Placement,
    PointsScheme,
    Result,
    SlotSource,
    Structure,
    check_entrants,
    same_unit,
)
from contest.domain.brackets.resolution import games, resolve
from contest.domain.brackets.standings import Standing, build_table, rank_table
from contest.domain.errors import N_, DomainError

ROUND_ROBIN = "round_robin"
DEFAULT_POINTS = PointsScheme()
DEFAULT_TIE_BREAKERS = ("head_to_head", "score_difference", "scores_for")


def berger_rounds(n: int) -> list[list[tuple[int, int]]]:
    """The FIDE Berger tables (FIDE Handbook C.05, Annex 1) for ``n`` numbers (n even): rounds of
    (white/home, black/away) pairs of the numbers 1..n.

    Rule: with m = n − 1, number n meets in round r (1-based) the number a = ((r − 1)·n/2 mod m) + 1, with
    n at home in even rounds and away in odd rounds; every other table pairs a + k with a − k (k = 1 …
    n/2 − 1, counted cyclically on 1..m), a + k at home. For 6: round 1 is 1–6, 2–5, 3–4; round 2 is 6–4,
    5–3, 1–2; round 3 is 2–6, 3–1, 4–5. Every number's home and away games differ by at most one and
    alternate as far as possible.
    """
    m = n - 1
    rounds = []
    for r in range(1, n):
        a = ((r - 1) * (n // 2)) % m + 1
        pairs = [(n, a) if r % 2 == 0 else (a, n)]
        for k in range(1, n // 2):
            pairs.append(((a + k - 1) % m + 1, (a - k - 1) % m + 1))
        rounds.append(pairs)
    return rounds


def round_robin_schedule(entrants: Sequence[Entrant], *, avoid_same_unit: bool = True) -> Structure:
    """Round robin by the FIDE Berger tables (:func:`berger_rounds`): every pair meets exactly once in n − 1
    rounds (n rounds if n is odd), with home/away (white/black) balanced.

    Rule: seed s takes Berger number s; when n is odd a dummy takes number n + 1 and whoever meets it has
    the round off (no match is generated). With ``avoid_same_unit`` the rounds are rotated cyclically so that
    round 1 is the earliest round with the fewest same-unit pairings (the pairings and home/away of every
    round stay the Berger table's; only their order may change).
    """
    ordered = check_entrants(entrants)
    size = len(ordered) + len(ordered) % 2
    by_number: dict[int, Entrant] = dict(enumerate(ordered, start=1))
    rounds: list[list[tuple[Entrant, Entrant]]] = [
        [(by_number[h], by_number[a]) for h, a in pairs if h in by_number and a in by_number]
        for pairs in berger_rounds(size)
    ]
    if avoid_same_unit:
        clashes = [sum(same_unit(a, b) for a, b in pairs) for pairs in rounds]
        start = clashes.index(min(clashes))
        rounds = rounds[start:] + rounds[:start]
    matches = tuple(
        MatchSpec(f"RR{r}-{pos + 1}", r, Bracket.ROUND_ROBIN, pos, SlotSource.entrant(a.id), SlotSource.entrant(b.id))
        for r, pairs in enumerate(rounds, start=1)
        for pos, (a, b) in enumerate(pairs)
    )
    return Structure(ROUND_ROBIN, ordered, matches, rounds=len(rounds))


def round_robin_standings(
    entrants: Sequence[Entrant],
    played: Iterable[Game],
    points: PointsScheme = DEFAULT_POINTS,
    tie_breakers: Sequence[str] = DEFAULT_TIE_BREAKERS,
) -> tuple[Standing, ...]:
    """Round-robin table.

    Rule: each game gives ``points.win``/``points.draw``/``points.loss`` to each side. Entrants are ordered by
    points; ties are broken by ``tie_breakers`` in order, each computed within the group still tied at that
    step: ``head_to_head`` = points earned in the games among the tied entrants only, **re-applied** to every
    smaller subgroup that is still tied until it splits no further (as UEFA's and FIFA's group-stage
    regulations do: UEFA Champions League Regulations Art. 17.01, FIFA World Cup Regulations Art. 13 —
    "if, after applying criteria a) to c), teams still have an equal ranking, criteria a) to c) are
    reapplied exclusively to the matches between the teams in question"), and only then
    ``score_difference`` = all scores for minus all scores against and ``scores_for`` = all scores for
    (higher is better for each). Entrants tied after all of them share the place.
    """
    ordered = check_entrants(entrants)
    return rank_table(ordered, build_table(ordered, played, points), tie_breakers)


def round_robin_placements(
    structure: Structure,
    results: Mapping[str, Result],
    points: PointsScheme = DEFAULT_POINTS,
    tie_breakers: Sequence[str] = DEFAULT_TIE_BREAKERS,
) -> tuple[Placement, ...]:
    """Final places of a finished round robin: the standings' places."""
    if not resolve(structure, results).finished:
        raise DomainError(N_("The bracket is not finished yet."))
    table = round_robin_standings(structure.entrants, games(structure, results), points, tie_breakers)
    return tuple(Placement(s.entrant_id, s.place) for s in table)
