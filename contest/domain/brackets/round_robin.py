"""Round robin: circle-method schedule and standings."""

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


def round_robin_schedule(entrants: Sequence[Entrant], *, avoid_same_unit: bool = True) -> Structure:
    """Circle-method (Berger) schedule: every pair meets exactly once in n − 1 rounds (n rounds if n is odd).

    Rule: list the entrants by seed, adding a dummy when n is odd; in each round the i-th entrant of the list
    meets the i-th from the end, then every entrant but the first moves one place along the circle. Whoever
    meets the dummy has the round off (no match is generated for it). In odd rounds the entrant from the
    first half of the list is at home, in even rounds the one from the second half. With ``avoid_same_unit`` the rounds are rotated cyclically so that round 1 is the earliest round
    with the fewest same-unit pairings.
    """
    ordered = check_entrants(entrants)
    circle: list[Entrant | None] = list(ordered) + ([None] if len(ordered) % 2 else [])
    m = len(circle)
    rounds: list[list[tuple[Entrant, Entrant]]] = []
    for r in range(m - 1):
        pairs: list[tuple[Entrant, Entrant]] = []
        for i in range(m // 2):
            a, b = circle[i], circle[m - 1 - i]
            if a is None or b is None:
                continue
            pairs.append((a, b) if r % 2 == 0 else (b, a))
        rounds.append(pairs)
        circle = [circle[0], circle[-1], *circle[1:-1]]
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
    step: ``head_to_head`` = points earned in the games among the tied entrants only, ``score_difference`` =
    all scores for minus all scores against, ``scores_for`` = all scores for (higher is better for each).
    Entrants tied after all of them share the place.
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
