"""Single and double elimination structures and their final placements."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from contest.domain.brackets.model import (
    Bracket,
    Entrant,
    MatchSpec,
    Placement,
    Result,
    SlotSource,
    SourceKind,
    Structure,
    check_entrants,
    same_unit,
)
from contest.domain.brackets.resolution import MatchState, Resolution, resolve
from contest.domain.errors import N_, DomainError

SINGLE_ELIMINATION = "single_elimination"
DOUBLE_ELIMINATION = "double_elimination"


def bracket_size(n: int) -> int:
    """The smallest power of two that holds ``n`` entrants."""
    size = 1
    while size < n:
        size *= 2
    return size


def seed_order(size: int) -> list[int]:
    """Seeds in bracket-slot order for a power-of-two ``size``; slots 2i and 2i+1 meet in round 1.

    Rule: start from ``[1, 2]``; to double the size, replace the i-th seed ``s`` by the pair
    ``(s, 2·size' + 1 − s)`` when i is even and by ``(2·size' + 1 − s, s)`` when i is odd. For 16 this gives
    1 v 16, 9 v 8, 5 v 12, 13 v 4, 3 v 14, 11 v 6, 7 v 10, 15 v 2: the sum of seeds in every round-1 match is
    size + 1, seeds 1 and 2 are in opposite halves, 1–4 in different quarters, and so on, so the top 2^k seeds
    can meet only in the last k rounds.
    """
    if size < 1 or size & (size - 1):
        raise ValueError("size must be a power of two")
    order = [1]
    while len(order) < size:
        total = 2 * len(order) + 1
        nxt: list[int] = []
        for i, seed in enumerate(order):
            nxt.extend((seed, total - seed) if i % 2 == 0 else (total - seed, seed))
        order = nxt
    return order


def first_round_slots(entrants: Sequence[Entrant], avoid_same_unit: bool = True) -> list[Entrant | None]:
    """Entrants in bracket-slot order (``None`` is a bye) for the full power-of-two bracket.

    Seeds beyond the field are byes, so the top ``size − n`` seeds get byes. With ``avoid_same_unit``, a
    round-1 match between two entrants of the same unit is fixed, where possible, by swapping its lower seed
    with the lower seed of another round-1 match; lower seeds are always in the bottom band (seeds
    size/2 + 1 … size), so swapping within that band keeps every seeding guarantee (the top size/2 seeds
    keep their slots). A swap is made only if it creates no new same-unit match.
    """
    ordered = check_entrants(entrants)
    size = bracket_size(len(ordered))
    by_rank = {rank: e for rank, e in enumerate(ordered, start=1)}
    slots: list[Entrant | None] = [by_rank.get(seed) for seed in seed_order(size)]
    if avoid_same_unit:
        _swap_same_unit(slots)
    return slots


def _swap_same_unit(slots: list[Entrant | None]) -> None:
    pairs = len(slots) // 2

    def lower_index(i: int) -> int:
        """Slot index of the lower seed (the bottom-band entrant) of round-1 match i."""
        a, b = slots[2 * i], slots[2 * i + 1]
        if a is None:
            return 2 * i
        if b is None:
            return 2 * i + 1
        return 2 * i + 1 if a.seed < b.seed else 2 * i

    def upper(i: int) -> Entrant | None:
        return slots[2 * i + 1 - (lower_index(i) - 2 * i)]

    for i in range(pairs):
        li = lower_index(i)
        if not same_unit(slots[li], upper(i)):
            continue
        for j in range(pairs):
            lj = lower_index(j)
            if j == i or slots[lj] is None:
                continue
            if same_unit(slots[li], upper(j)) or same_unit(slots[lj], upper(i)):
                continue
            slots[li], slots[lj] = slots[lj], slots[li]
            break


def _source(entrant: Entrant | None) -> SlotSource:
    return SlotSource.bye() if entrant is None else SlotSource.entrant(entrant.id)


def _home_away(a: SlotSource, b: SlotSource, slots_seed: dict[int, int]) -> tuple[SlotSource, SlotSource]:
    """Round-1 orientation: the better seed is home."""
    if a.kind is SourceKind.ENTRANT and b.kind is SourceKind.ENTRANT:
        if slots_seed[a.entrant_id] > slots_seed[b.entrant_id]:  # type: ignore[index]
            return b, a
    elif a.kind is SourceKind.BYE:
        return b, a
    return a, b


def _winners_bracket(slots: list[Entrant | None], bracket: Bracket = Bracket.WINNERS) -> list[list[MatchSpec]]:
    """Full winners' bracket, byes included (removed later by :func:`_drop_byes`)."""
    seeds = {e.id: e.seed for e in slots if e is not None}
    rounds: list[list[MatchSpec]] = []
    first: list[MatchSpec] = []
    for pos in range(len(slots) // 2):
        home, away = _home_away(_source(slots[2 * pos]), _source(slots[2 * pos + 1]), seeds)
        first.append(MatchSpec(f"{bracket}1-{pos + 1}", 1, bracket, pos, home, away))
    rounds.append(first)
    rnd = 1
    while len(rounds[-1]) > 1:
        rnd += 1
        prev = rounds[-1]
        rounds.append(
            [
                MatchSpec(
                    f"{bracket}{rnd}-{pos + 1}",
                    rnd,
                    bracket,
                    pos,
                    SlotSource.winner_of(prev[2 * pos].key),
                    SlotSource.winner_of(prev[2 * pos + 1].key),
                )
                for pos in range(len(prev) // 2)
            ]
        )
    return rounds


def _drop_byes(matches: Sequence[MatchSpec]) -> tuple[MatchSpec, ...]:
    """Remove every match that has a bye in a slot, rewiring references to it.

    Rule: for a match with a bye against source X, "winner of" it becomes X and "loser of" it becomes a bye
    (a match of two byes yields byes both ways). Matches are processed in order, which is topological.
    """
    winner: dict[str, SlotSource] = {}
    loser: dict[str, SlotSource] = {}

    def subst(src: SlotSource) -> SlotSource:
        if src.kind is SourceKind.WINNER and src.match_key in winner:
            return winner[src.match_key]
        if src.kind is SourceKind.LOSER and src.match_key in loser:
            return loser[src.match_key]
        return src

    kept: list[MatchSpec] = []
    for spec in matches:
        home, away = subst(spec.home), subst(spec.away)
        if home.kind is SourceKind.BYE or away.kind is SourceKind.BYE:
            winner[spec.key] = away if home.kind is SourceKind.BYE else home
            loser[spec.key] = SlotSource.bye()
            continue
        if spec.bracket is Bracket.WINNERS and away.kind is SourceKind.ENTRANT and home.kind is not SourceKind.ENTRANT:
            home, away = away, home  # a seed that advanced on a bye plays at home
        kept.append(MatchSpec(spec.key, spec.round, spec.bracket, spec.position, home, away, spec.reset_of))
    return tuple(kept)


def single_elimination(
    entrants: Sequence[Entrant], *, third_place: bool = False, avoid_same_unit: bool = True
) -> Structure:
    """Single elimination: standard seeding (:func:`seed_order`), byes to the top seeds, optional 3rd-place match.

    The structure holds exactly n − 1 matches, plus a third-place match between the semi-final losers when
    ``third_place`` is set and both semi-finals are real matches (n ≥ 4).
    """
    ordered = check_entrants(entrants)
    rounds = _winners_bracket(first_round_slots(ordered, avoid_same_unit))
    matches = [m for rnd in rounds for m in rnd]
    if third_place and len(rounds) >= 2:
        semis = rounds[-2]
        matches.append(
            MatchSpec(
                "3P",
                len(rounds),
                Bracket.THIRD_PLACE,
                0,
                SlotSource.loser_of(semis[0].key),
                SlotSource.loser_of(semis[1].key),
            )
        )
    kept = _drop_byes(matches)
    has_third = any(m.bracket is Bracket.THIRD_PLACE for m in kept)
    return Structure(SINGLE_ELIMINATION, ordered, kept, third_place=has_third)


def _dropdown_order(sources: list[SlotSource], index: int) -> list[SlotSource]:
    """Order in which the losers of a winners' round enter the losers' bracket (avoids early rematches).

    Rule (the alternating "superior" losers'-bracket seeding described on TL.net, "Superior double
    elimination losers bracket seeding", and used by brackets-manager): the 1st, 3rd, 5th … drop-down
    round takes the winners'-round losers in reverse order; the 2nd, 4th … reverses each half of the list
    in place (``[a, b, c, d]`` → ``[b, a, d, c]``). Losers'-bracket round 1 pairs the losers of winners'
    round 1 among themselves in bracket order. With every favourite winning, no entrant dropping from
    winners' round 2 … k − 1 meets an entrant it has already played (with 16 entrants losers' round 4 is
    3 v 5 and 4 v 6); only the loser of the winners' final may meet an earlier opponent, which no order
    can prevent (with 4 entrants it always meets seed 3 again).
    """
    if index % 2 == 0:
        return sources[::-1]
    half = len(sources) // 2
    return sources[:half][::-1] + sources[half:][::-1]


def double_elimination(
    entrants: Sequence[Entrant], *, grand_final_reset: bool = True, avoid_same_unit: bool = True
) -> Structure:
    """Double elimination: an entrant is out after two defeats.

    Winners' bracket as in single elimination (size P = 2^k). Losers' bracket of 2(k − 1) rounds: round 1
    pairs the losers of winners' round 1 (matches 1–2, 3–4 …); each even losers' round 2r pairs the winners
    of losers' round 2r − 1 with the losers of winners' round r + 1 in :func:`_dropdown_order`; each odd
    losers' round > 1 pairs the previous round's winners among themselves. Grand final ``GF1``: winners'
    champion (home) v losers' champion (away); with ``grand_final_reset`` a second match ``GF2`` is played
    only if the away side wins ``GF1``. Byes are removed as in single elimination; the structure has
    2n − 2 matches, plus ``GF2`` when a reset is allowed.
    """
    ordered = check_entrants(entrants)
    w_rounds = _winners_bracket(first_round_slots(ordered, avoid_same_unit))
    matches = [m for rnd in w_rounds for m in rnd]
    k = len(w_rounds)
    lb_champion: SlotSource
    if k == 1:
        lb_champion = SlotSource.loser_of(w_rounds[0][0].key)
    else:
        l_rounds: list[list[MatchSpec]] = []
        w1 = w_rounds[0]
        l_rounds.append(
            [
                MatchSpec(
                    f"L1-{pos + 1}",
                    1,
                    Bracket.LOSERS,
                    pos,
                    SlotSource.loser_of(w1[2 * pos].key),
                    SlotSource.loser_of(w1[2 * pos + 1].key),
                )
                for pos in range(len(w1) // 2)
            ]
        )
        for w_index in range(1, k):
            prev = l_rounds[-1]
            rnd = 2 * w_index
            drops = _dropdown_order([SlotSource.loser_of(m.key) for m in w_rounds[w_index]], w_index - 1)
            l_rounds.append(
                [
                    MatchSpec(f"L{rnd}-{pos + 1}", rnd, Bracket.LOSERS, pos, SlotSource.winner_of(m.key), drops[pos])
                    for pos, m in enumerate(prev)
                ]
            )
            if w_index < k - 1:
                prev = l_rounds[-1]
                l_rounds.append(
                    [
                        MatchSpec(
                            f"L{rnd + 1}-{pos + 1}",
                            rnd + 1,
                            Bracket.LOSERS,
                            pos,
                            SlotSource.winner_of(prev[2 * pos].key),
                            SlotSource.winner_of(prev[2 * pos + 1].key),
                        )
                        for pos in range(len(prev) // 2)
                    ]
                )
        # Interleave so the list stays in a playable (topological) order.
        ordered_matches: list[MatchSpec] = list(w_rounds[0])
        for w_index in range(1, k):
            ordered_matches += w_rounds[w_index]
            ordered_matches += l_rounds[2 * w_index - 2]
            ordered_matches += l_rounds[2 * w_index - 1]
        matches = ordered_matches
        lb_champion = SlotSource.winner_of(l_rounds[-1][0].key)
    w_champion = SlotSource.winner_of(w_rounds[-1][0].key)
    gf_round = k + 1
    matches.append(MatchSpec("GF1", gf_round, Bracket.GRAND_FINAL, 0, w_champion, lb_champion))
    if grand_final_reset:
        matches.append(MatchSpec("GF2", gf_round + 1, Bracket.GRAND_FINAL, 1, w_champion, lb_champion, reset_of="GF1"))
    return Structure(DOUBLE_ELIMINATION, ordered, _drop_byes(matches), grand_final_reset=grand_final_reset)


def _require_finished(structure: Structure, results: Mapping[str, Result]) -> Resolution:
    resolution = resolve(structure, results)
    if not resolution.finished:
        raise DomainError(N_("The bracket is not finished yet."))
    return resolution


def _rank_by_stage(stage: dict[int, tuple[int, int]]) -> tuple[Placement, ...]:
    """Standard competition ranking: place = 1 + number of entrants eliminated strictly later."""
    values = sorted(stage.values(), reverse=True)
    out = []
    for entrant_id, value in stage.items():
        place = 1 + sum(1 for v in values if v > value)
        out.append(Placement(entrant_id, place))
    return tuple(sorted(out, key=lambda p: (p.place, p.entrant_id)))


CHAMPION = (10**6, 0)


def single_elimination_placements(structure: Structure, results: Mapping[str, Result]) -> tuple[Placement, ...]:
    """Places in a finished single elimination.

    Rule: the final's winner is 1st and its loser 2nd. With a third-place match its winner is 3rd and its
    loser 4th; without one both semi-final losers are joint 3rd. Every other entrant shares the place of the
    round it lost in: 1 + the number of entrants that lost in a later round or won (quarter-final losers are
    joint 5th, round-of-16 losers joint 9th, …).
    """
    resolution = _require_finished(structure, results)
    final = max((m for m in resolution.matches if m.spec.bracket is Bracket.WINNERS), key=lambda m: m.spec.round)
    stage: dict[int, tuple[int, int]] = {}
    for m in resolution.matches:  # the third-place match comes after the semi-finals and overrides them
        if m.spec.bracket is Bracket.THIRD_PLACE:
            stage[m.loser_id] = (m.spec.round - 1, 0)  # type: ignore[index]
            stage[m.winner_id] = (m.spec.round - 1, 1)  # type: ignore[index]
        else:
            stage[m.loser_id] = (m.spec.round, 0)  # type: ignore[index]
    stage[final.winner_id] = CHAMPION  # type: ignore[index]
    return _rank_by_stage(stage)


def double_elimination_placements(structure: Structure, results: Mapping[str, Result]) -> tuple[Placement, ...]:
    """Places in a finished double elimination.

    Rule: the grand-final winner (of ``GF2`` when it was played) is 1st and the other finalist 2nd. Every other
    entrant shares the place of the losers'-bracket round in which it suffered its second defeat:
    1 + the number of entrants eliminated in a later round (so with 8 entrants: 3rd, 4th, joint 5th, joint 7th).
    """
    resolution = _require_finished(structure, results)
    stage: dict[int, tuple[int, int]] = {}
    champion: int | None = None
    runner_up: int | None = None
    for m in resolution.matches:
        if m.state is not MatchState.FINISHED:
            continue
        if m.spec.bracket is Bracket.LOSERS:
            stage[m.loser_id] = (m.spec.round, 0)  # type: ignore[index]
        elif m.spec.bracket is Bracket.GRAND_FINAL:
            champion, runner_up = m.winner_id, m.loser_id
    stage[runner_up] = (CHAMPION[0] - 1, 0)  # type: ignore[index]
    stage[champion] = CHAMPION  # type: ignore[index]
    return _rank_by_stage(stage)
