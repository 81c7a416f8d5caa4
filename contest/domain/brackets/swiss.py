"""Swiss system (FIDE Dutch criteria, exact by maximum-weight matching): pair one round at a time from the
results so far; standings with the FIDE C.07 tie-breaks."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace

import networkx as nx

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
from contest.domain.brackets.standings import SWISS_TIE_BREAK_CHOICES, Standing, build_table, rank_table
from contest.domain.errors import N_, DomainError

SWISS = "swiss"
SWISS_TIE_BREAKERS = ("buchholz_cut1", "buchholz", "sonneborn_berger")

# Priority levels of the pairing objective, most important first (each weight, 10^15 times the next, exceeds
# the largest possible total of every level below it for fields of up to 256 entrants and 300 rounds).
_LEVELS = ("rematch", "bye", "colour", "unit", "difference", "square", "float", "fold")
_WEIGHT = dict(zip(reversed(_LEVELS), (10 ** (15 * k) for k in range(len(_LEVELS))), strict=True))
_BYE = -1  # the dummy vertex that pairs with the bye recipient


def swiss_pair_round(
    entrants: Sequence[Entrant],
    played: Iterable[Game],
    round_no: int,
    *,
    points: PointsScheme = SWISS_POINTS,
    avoid_same_unit: bool = True,
    colours: bool = False,
) -> tuple[MatchSpec, ...]:
    """Pair Swiss round ``round_no`` from the games of the earlier rounds, by the criteria of the FIDE Dutch
    system (FIDE Handbook C.04.3, with the basic rules of C.04.1), solved exactly as one maximum-weight
    perfect matching (Edmonds' blossom algorithm, ``networkx.max_weight_matching``) instead of greedily.

    Rule: rank entrants by points so far (byes count ``points.bye``), then by seed. With an odd field a dummy
    "bye" joins the field. Among all pairings, choose the one that is best on these criteria, each one
    deciding only among pairings equal on all earlier ones:

    1. no rematch (C.04.1 b; only if every pairing has one, as few rematches as possible);
    2. the bye (C.04.1 c, d): nobody receives a second bye while someone else can take it, and it goes to the
       lowest-ranked such entrant (if everyone has had one, to the lowest-ranked of those with the fewest);
    3. with ``colours`` (chess): as few pairs as possible of two entrants who must both have the same colour
       (absolute colour preference, C.04.3 A.6: colour difference beyond ±1, or the same colour twice running);
    4. in round 1 with ``avoid_same_unit``: as few pairs from the same unit as possible (a union rule, not
       all-or-nothing: seeds 1–8 from units ABBBABBB give 2 same-unit pairs, not 4);
    5. the smallest total score difference over all pairs (C.04.3 C.6–C.7: fewest and smallest floats —
       the pairing is made within score groups and an odd one out floats to the nearest group);
    6. the smallest sum of squared score differences (two small floats rather than one large one);
    7. the floaters are the lowest-ranked of their score group (first) and meet the highest-ranked of the
       group they float to (then) (C.04.3 B.5): distances from those positions, summed over floating pairs;
    8. within score groups, the Dutch fold (C.04.3 B.2: the top half meets the bottom half in order, 1st v
       (m/2 + 1)-th of a group of m): the sum of distances from that position.

    The home side is the higher-ranked entrant; with ``colours`` home is white and colours follow C.04.3 E:
    the entrant with the stronger colour preference (larger colour difference, then the colour it did not
    have last) gets its colour, otherwise the higher-ranked one; in round 1 the higher seed has white on
    odd boards and black on even boards. The bye is returned as a match whose away slot is a bye.
    """
    ordered = check_entrants(entrants)
    history = tuple(played)
    if round_no < 1 or any(g.round >= round_no for g in history):
        raise DomainError(N_("Round %(round_no)s cannot be paired after later rounds."), round_no=round_no)
    table = build_table(ordered, history, points)
    score = {i: line.points for i, line in table.lines.items()}
    seed = {e.id: e.seed for e in ordered}
    by_id = {e.id: e for e in ordered}
    byes = {i: line.byes for i, line in table.lines.items()}
    ranked = tuple(sorted(seed, key=lambda i: (-score[i], seed[i])))
    rank_of = {i: n for n, i in enumerate(ranked)}
    met = Counter(frozenset((g.home_id, g.away_id)) for g in history if g.away_id is not None)
    history_colours = _colour_history(history) if colours else {}
    units = avoid_same_unit and not history

    # Position within the score group, for the fold.
    group_pos: dict[int, tuple[int, int]] = {}
    for value in sorted(set(score.values()), reverse=True):
        members = [i for i in ranked if score[i] == value]
        for p, i in enumerate(members):
            group_pos[i] = (p, len(members))
    scale = 100  # scores have at most two decimals

    def penalty(a: int, b: int) -> int:
        if b == _BYE:
            fewest = min(byes.values())
            level = (len(ranked) - rank_of[a]) + (len(ranked) + 1) * (byes[a] - fewest)
            return _WEIGHT["bye"] * level
        diff = int(abs(score[a] - score[b]) * scale)
        total = _WEIGHT["rematch"] * met[frozenset((a, b))] + _WEIGHT["difference"] * diff + _WEIGHT["square"] * diff * diff
        if colours and _absolute_conflict(history_colours.get(a, ()), history_colours.get(b, ())):
            total += _WEIGHT["colour"]
        if units and same_unit(by_id[a], by_id[b]):
            total += _WEIGHT["unit"]
        if diff == 0:
            (pa, size), (pb, _) = group_pos[a], group_pos[b]
            total += _WEIGHT["fold"] * abs(abs(pa - pb) - size // 2)
        else:
            (pa, size_a), (pb, _) = group_pos[a], group_pos[b]
            if score[a] < score[b]:
                (pa, size_a), (pb, _) = group_pos[b], group_pos[a]
            total += _WEIGHT["float"] * ((size_a - 1 - pa) * (len(ranked) + 1) + pb)
        return total

    vertices = list(ranked) + ([_BYE] if len(ranked) % 2 else [])
    penalties = {(a, b): penalty(a, b) for x, a in enumerate(vertices) for b in vertices[x + 1:]}
    ceiling = max(penalties.values(), default=0) + 1
    graph = nx.Graph()
    graph.add_nodes_from(vertices)
    graph.add_weighted_edges_from((a, b, ceiling - cost) for (a, b), cost in penalties.items())
    matching = nx.max_weight_matching(graph, maxcardinality=True)
    bye: int | None = None
    pairs: list[tuple[int, int]] = []
    for a, b in matching:
        if _BYE in (a, b):
            bye = a if b == _BYE else b
        else:
            pairs.append((a, b) if rank_of[a] < rank_of[b] else (b, a))
    pairs.sort(key=lambda p: (rank_of[p[0]], rank_of[p[1]]))
    specs = []
    for pos, (a, b) in enumerate(pairs):
        home, away = _colours_for(a, b, pos, history_colours) if colours else (a, b)
        specs.append(
            MatchSpec(f"SW{round_no}-{pos + 1}", round_no, Bracket.SWISS, pos, SlotSource.entrant(home), SlotSource.entrant(away))
        )
    if bye is not None:
        specs.append(
            MatchSpec(f"SW{round_no}-{len(pairs) + 1}", round_no, Bracket.SWISS, len(pairs), SlotSource.entrant(bye), SlotSource.bye())
        )
    return tuple(specs)


def _colour_history(history: Sequence[Game]) -> dict[int, tuple[str, ...]]:
    """Each entrant's colours in round order: ``"W"`` at home, ``"B"`` away (byes and walkovers have none)."""
    out: dict[int, list[tuple[int, str]]] = {}
    for g in history:
        if g.away_id is None or g.forfeit:
            continue
        out.setdefault(g.home_id, []).append((g.round, "W"))
        out.setdefault(g.away_id, []).append((g.round, "B"))
    return {i: tuple(c for _, c in sorted(cs)) for i, cs in out.items()}


def _due(colours: tuple[str, ...]) -> tuple[int, str | None]:
    """(strength, colour due): 2 absolute, 1 strong/mild, 0 none (C.04.3 A.6)."""
    if not colours:
        return 0, None
    difference = colours.count("W") - colours.count("B")
    last = colours[-1]
    other = "B" if last == "W" else "W"
    if difference > 1 or difference < -1 or (len(colours) >= 2 and colours[-1] == colours[-2]):
        return 2, ("B" if difference > 1 else "W" if difference < -1 else other)
    if difference != 0:
        return 1, "B" if difference > 0 else "W"
    return 1, other


def _absolute_conflict(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    (sa, ca), (sb, cb) = _due(a), _due(b)
    return sa == 2 and sb == 2 and ca == cb


def _colours_for(higher: int, lower: int, board: int, history: Mapping[int, tuple[str, ...]]) -> tuple[int, int]:
    """(white, black) for a pair whose ``higher`` entrant is ranked above ``lower``."""
    ha, hb = history.get(higher, ()), history.get(lower, ())
    (sa, ca), (sb, cb) = _due(ha), _due(hb)
    if ca is None and cb is None:  # round 1 (or neither has played): alternate by board
        return (higher, lower) if board % 2 == 0 else (lower, higher)
    if ca != cb and ca is not None and cb is not None:
        return (higher, lower) if ca == "W" else (lower, higher)
    if ca is None or (cb is not None and (sb, abs(hb.count("W") - hb.count("B"))) > (sa, abs(ha.count("W") - ha.count("B")))):
        return (lower, higher) if cb == "W" else (higher, lower)
    return (higher, lower) if ca == "W" else (lower, higher)


def swiss(
    entrants: Sequence[Entrant],
    *,
    rounds: int,
    avoid_same_unit: bool = True,
    colours: bool = False,
    tie_breakers: Sequence[str] = (),
) -> Structure:
    """A Swiss structure of ``rounds`` rounds with round 1 paired; pair later rounds with :func:`swiss_next_round`.

    Rule: 1 ≤ ``rounds`` ≤ n − 1 (with more rounds than that, someone would have to meet an opponent twice
    or sit out twice). ``colours`` (chess) makes home white and allocates colours; ``tie_breakers`` is the
    ordered list of :data:`SWISS_TIE_BREAK_CHOICES` (empty: :data:`SWISS_TIE_BREAKERS`).
    """
    ordered = check_entrants(entrants)
    if not 1 <= rounds <= len(ordered) - 1:
        raise DomainError(
            N_("A Swiss event of %(count)d entries plays 1 to %(max)d rounds."), count=len(ordered), max=len(ordered) - 1
        )
    unknown = [t for t in tie_breakers if t not in SWISS_TIE_BREAK_CHOICES]
    if unknown or len(set(tie_breakers)) != len(tuple(tie_breakers)):
        raise DomainError(N_("Choose each Swiss tie-break at most once from the list."))
    first = swiss_pair_round(ordered, (), 1, avoid_same_unit=avoid_same_unit, colours=colours)
    return Structure(SWISS, ordered, first, rounds=rounds, colours=colours, tie_breakers=tuple(tie_breakers))


def swiss_next_round(
    structure: Structure, results: Mapping[str, Result], *, points: PointsScheme = SWISS_POINTS
) -> Structure:
    """The structure with the next round appended, paired from the results of all earlier rounds."""
    paired = max((m.round for m in structure.matches), default=0)
    if structure.rounds is not None and paired >= structure.rounds:
        raise DomainError(N_("All %(rounds)s Swiss rounds have been paired."), rounds=structure.rounds)
    if not resolve(structure, results).finished:
        raise DomainError(N_("Round %(round_no)s is not finished yet."), round_no=paired)
    new = swiss_pair_round(structure.entrants, games(structure, results), paired + 1, points=points,
                           colours=structure.colours)
    return replace(structure, matches=structure.matches + new)


def swiss_standings(
    entrants: Sequence[Entrant],
    played: Iterable[Game],
    points: PointsScheme = SWISS_POINTS,
    tie_breakers: Sequence[str] = SWISS_TIE_BREAKERS,
) -> tuple[Standing, ...]:
    """Swiss table.

    Rule (FIDE Handbook C.07, Tie-Break Regulations 2024): order by points (win/draw/loss/bye per ``points``),
    then by ``tie_breakers`` in order (default Buchholz Cut-1, Buchholz, Sonneborn-Berger):
    Buchholz = the sum of the final points of every opponent (Art. 8.1); Buchholz Cut-1 = without the lowest
    of those values, Median-Buchholz = without the highest and the lowest (Art. 14); Sonneborn-Berger = the
    sum over rounds of the points earned × that opponent's final points (Art. 9.1). The entrant's own
    unplayed rounds (a bye, a walkover) count as games against a dummy opponent whose points equal the
    entrant's own final points (Art. 16). Entrants still tied share the place.
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
    table = swiss_standings(structure.entrants, games(structure, results), points, structure.tie_breakers or SWISS_TIE_BREAKERS)
    return tuple(Placement(s.entrant_id, s.place) for s in table)
