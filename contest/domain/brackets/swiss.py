"""Swiss system: pair one round at a time from the results so far; standings with Buchholz and Sonneborn-Berger."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

from contest.domain.brackets.model import (
    SWISS_POINTS,
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

SWISS = "swiss"
SWISS_TIE_BREAKERS = ("buchholz", "sonneborn_berger")
SEARCH_BUDGET = 200_000  # pairing-search steps per attempt before falling back


class _BudgetExceeded(Exception):
    pass


def swiss_pair_round(
    entrants: Sequence[Entrant],
    played: Iterable[Game],
    round_no: int,
    *,
    points: PointsScheme = SWISS_POINTS,
    avoid_same_unit: bool = True,
) -> tuple[MatchSpec, ...]:
    """Pair Swiss round ``round_no`` from the games of the earlier rounds.

    Rule:
    1. Rank entrants by points so far (byes count ``points.bye``), then by seed.
    2. With an odd field the bye goes to the lowest-ranked entrant who has not had one yet, provided the others
       can then be paired without a rematch; if nobody qualifies that way, the lowest-ranked entrant without a
       bye gets it. Nobody gets a second bye (a DomainError if everyone has had one).
    3. Pair top-down: the highest-ranked unpaired entrant meets, in order of preference, an entrant of the same
       score group at the "fold" position (top half v bottom half of the group: 1st v (m//2 + 1)-th of its m
       still-unpaired members), then the others of its group by distance from that position, then entrants of
       lower score groups, nearest score first (an odd one out floats down to the next group).
    4. No rematch while any rematch-free pairing (with a legal bye) exists: the preference order is searched
       with backtracking under that constraint. Only if none exists are rematches allowed, rematches being
       avoided greedily. In round 1 with ``avoid_same_unit``, pairs from the same unit are also avoided first.
    The bye is returned as a match whose away slot is a bye.
    """
    ordered = check_entrants(entrants)
    history = tuple(played)
    if round_no < 1 or any(g.round >= round_no for g in history):
        raise DomainError(N_("Round %(round_no)s cannot be paired after later rounds."), round_no=round_no)
    table = build_table(ordered, history, points)
    score = {i: line.points for i, line in table.lines.items()}
    seed = {e.id: e.seed for e in ordered}
    had_bye = {i for i, line in table.lines.items() if line.byes}
    ranked = tuple(sorted(seed, key=lambda i: (-score[i], seed[i])))
    rematches = {frozenset((g.home_id, g.away_id)) for g in history if g.away_id is not None}
    attempts: list[set[frozenset[int]]] = []
    if avoid_same_unit and not history:
        by_id = {e.id: e for e in ordered}
        units = {frozenset((a, b)) for a in ranked for b in ranked if a < b and same_unit(by_id[a], by_id[b])}
        if units:
            attempts.append(rematches | units)
    attempts.append(rematches)

    eligible = [i for i in reversed(ranked) if i not in had_bye]
    if len(ranked) % 2 and not eligible:
        raise DomainError(N_("Every entrant has already had a bye."))
    pairs: list[tuple[int, int]] | None = None
    bye: int | None = None
    for forbidden in attempts:
        for candidate in eligible if len(ranked) % 2 else [None]:
            pool = tuple(i for i in ranked if i != candidate)
            pairs = _search(pool, score, forbidden, set())
            if pairs is not None:
                bye = candidate
                break
        if pairs is not None:
            break
    if pairs is None:  # rematches unavoidable: allow them, preferring fresh opponents
        bye = eligible[0] if len(ranked) % 2 else None
        pool = tuple(i for i in ranked if i != bye)
        pairs = _search(pool, score, set(), rematches)
        assert pairs is not None
    rank_of = {i: n for n, i in enumerate(ranked)}
    specs = []
    for pos, (a, b) in enumerate(pairs):
        home, away = (a, b) if rank_of[a] < rank_of[b] else (b, a)
        specs.append(
            MatchSpec(
                f"SW{round_no}-{pos + 1}",
                round_no,
                Bracket.SWISS,
                pos,
                SlotSource.entrant(home),
                SlotSource.entrant(away),
            )
        )
    if bye is not None:
        specs.append(
            MatchSpec(
                f"SW{round_no}-{len(pairs) + 1}",
                round_no,
                Bracket.SWISS,
                len(pairs),
                SlotSource.entrant(bye),
                SlotSource.bye(),
            )
        )
    return tuple(specs)


def _search(
    pool: tuple[int, ...],
    score: Mapping[int, Decimal],
    forbidden: set[frozenset[int]],
    penalised: set[frozenset[int]],
) -> list[tuple[int, int]] | None:
    """Backtracking search for a perfect pairing of ``pool`` (rank order) avoiding ``forbidden`` pairs."""
    failed: set[tuple[int, ...]] = set()
    steps = 0

    def go(pool: tuple[int, ...]) -> list[tuple[int, int]] | None:
        nonlocal steps
        if not pool:
            return []
        if pool in failed:
            return None
        steps += 1
        if steps > SEARCH_BUDGET:
            raise _BudgetExceeded
        top, rest = pool[0], pool[1:]
        group_size = sum(1 for i in pool if score[i] == score[top])
        fold = group_size // 2

        def preference(j: int) -> tuple[int, Decimal, int, int]:
            other = rest[j]
            penalty = 1 if frozenset((top, other)) in penalised else 0
            if score[other] == score[top]:
                return penalty, Decimal(0), abs(j + 1 - fold), j
            return penalty, score[top] - score[other], 0, j

        for j in sorted(range(len(rest)), key=preference):
            if frozenset((top, rest[j])) in forbidden:
                continue
            sub = go(rest[:j] + rest[j + 1 :])
            if sub is not None:
                return [(top, rest[j]), *sub]
        failed.add(pool)
        return None

    try:
        return go(pool)
    except _BudgetExceeded:
        return None


def swiss(entrants: Sequence[Entrant], *, rounds: int, avoid_same_unit: bool = True) -> Structure:
    """A Swiss structure of ``rounds`` rounds with round 1 paired; pair later rounds with :func:`swiss_next_round`."""
    ordered = check_entrants(entrants)
    if rounds < 1:
        raise DomainError(N_("A Swiss event needs at least one round."))
    first = swiss_pair_round(ordered, (), 1, avoid_same_unit=avoid_same_unit)
    return Structure(SWISS, ordered, first, rounds=rounds)


def swiss_next_round(
    structure: Structure, results: Mapping[str, Result], *, points: PointsScheme = SWISS_POINTS
) -> Structure:
    """The structure with the next round appended, paired from the results of all earlier rounds."""
    paired = max((m.round for m in structure.matches), default=0)
    if structure.rounds is not None and paired >= structure.rounds:
        raise DomainError(N_("All %(rounds)s Swiss rounds have been paired."), rounds=structure.rounds)
    if not resolve(structure, results).finished:
        raise DomainError(N_("Round %(round_no)s is not finished yet."), round_no=paired)
    new = swiss_pair_round(structure.entrants, games(structure, results), paired + 1, points=points)
    return Structure(structure.format, structure.entrants, structure.matches + new, rounds=structure.rounds)


def swiss_standings(
    entrants: Sequence[Entrant],
    played: Iterable[Game],
    points: PointsScheme = SWISS_POINTS,
    tie_breakers: Sequence[str] = SWISS_TIE_BREAKERS,
) -> tuple[Standing, ...]:
    """Swiss table.

    Rule: order by points (win/draw/loss/bye per ``points``), then by Buchholz = the sum of the final points
    of every opponent met (a bye adds nothing), then by Sonneborn-Berger = the sum over games played of the
    points earned in that game × that opponent's final points (beaten opponents' points plus half of drawn
    opponents' points under 1/½/0 scoring). Entrants still tied share the place.
    """
    ordered = check_entrants(entrants)
    return rank_table(ordered, build_table(ordered, played, points), tie_breakers)


def swiss_placements(
    structure: Structure, results: Mapping[str, Result], points: PointsScheme = SWISS_POINTS
) -> tuple[Placement, ...]:
    """Final places of a Swiss event once every round is paired and played."""
    paired = max((m.round for m in structure.matches), default=0)
    if (structure.rounds is not None and paired < structure.rounds) or not resolve(structure, results).finished:
        raise DomainError(N_("The bracket is not finished yet."))
    table = swiss_standings(structure.entrants, games(structure, results), points)
    return tuple(Placement(s.entrant_id, s.place) for s in table)
