"""League tables for round robin and Swiss: points, ordered tie-breakers, shared places."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from contest.domain.brackets.model import Entrant, Game, PointsScheme
from contest.domain.errors import N_, DomainError


@dataclass(frozen=True)
class Standing:
    """One line of a league table; ``place`` is shared by entrants still tied after every tie-breaker."""

    entrant_id: int
    place: int
    played: int
    won: int
    drawn: int
    lost: int
    byes: int
    points: Decimal
    scores_for: int
    scores_against: int
    buchholz: Decimal = Decimal(0)
    sonneborn_berger: Decimal = Decimal(0)

    @property
    def score_difference(self) -> int:
        return self.scores_for - self.scores_against


@dataclass
class _Line:
    played: int = 0
    won: int = 0
    drawn: int = 0
    lost: int = 0
    byes: int = 0
    points: Decimal = Decimal(0)
    scores_for: int = 0
    scores_against: int = 0
    # (opponent id, points earned in that game) for every game actually played
    results: list[tuple[int, Decimal]] = field(default_factory=list)
    # points earned in each of the entrant's own unplayed rounds (a bye, a walkover won or lost)
    unplayed: list[Decimal] = field(default_factory=list)


@dataclass(frozen=True)
class Table:
    """Accumulated lines of every entrant, the games they come from, and the points scheme."""

    lines: dict[int, _Line]
    games: tuple[Game, ...]
    points: PointsScheme

    def game_points(self, entrant_id: int, game: Game) -> Decimal:
        if game.winner_id is None:
            return self.points.draw
        return self.points.win if game.winner_id == entrant_id else self.points.loss


def build_table(entrants: Sequence[Entrant], games: Iterable[Game], points: PointsScheme) -> Table:
    lines = {e.id: _Line() for e in entrants}
    all_games = tuple(games)
    table = Table(lines, all_games, points)
    for g in all_games:
        if g.home_id not in lines or (g.away_id is not None and g.away_id not in lines):
            raise DomainError(N_("A game involves an entrant who is not in the bracket."))
        if g.away_id is None:
            line = lines[g.home_id]
            line.byes += 1
            line.points += points.bye
            line.unplayed.append(points.bye)
            continue
        for me, other, sf, sa in (
            (g.home_id, g.away_id, g.home_score, g.away_score),
            (g.away_id, g.home_id, g.away_score, g.home_score),
        ):
            line = lines[me]
            earned = table.game_points(me, g)
            line.played += 1
            line.points += earned
            line.scores_for += sf
            line.scores_against += sa
            if g.forfeit:
                line.unplayed.append(earned)
            else:
                line.results.append((other, earned))
            if g.winner_id is None:
                line.drawn += 1
            elif g.winner_id == me:
                line.won += 1
            else:
                line.lost += 1
    return table


TieBreaker = Callable[[int, frozenset[int], Table], Decimal | int]


def _head_to_head(entrant_id: int, group: frozenset[int], table: Table) -> Decimal:
    """Points earned in games against the other members of the tied group only."""
    return sum(
        (
            table.game_points(entrant_id, g)
            for g in table.games
            if g.away_id is not None and {g.home_id, g.away_id} <= group and entrant_id in (g.home_id, g.away_id)
        ),
        Decimal(0),
    )


def _contributions(entrant_id: int, table: Table) -> list[tuple[Decimal, Decimal]]:
    """(opponent's final points, points earned against it) per round, FIDE C.07 (2024) Art. 16: each of the
    entrant's own unplayed rounds (a bye, a walkover) counts as a game against a dummy opponent whose
    points are the entrant's own final points; the points earned are those awarded for the round."""
    line = table.lines[entrant_id]
    own = line.points
    return [(table.lines[o].points, earned) for o, earned in line.results] + [(own, earned) for earned in line.unplayed]


def _buchholz(entrant_id: int, group: frozenset[int], table: Table) -> Decimal:
    """Buchholz (FIDE C.07 Art. 8.1): the sum of the final points of every opponent, own unplayed rounds
    through the dummy opponent (Art. 16)."""
    return sum((points for points, _ in _contributions(entrant_id, table)), Decimal(0))


def _buchholz_cut(entrant_id: int, table: Table, low: int, high: int) -> Decimal:
    values = sorted(points for points, _ in _contributions(entrant_id, table))
    kept = values[low: len(values) - high] if len(values) > low + high else []
    return sum(kept, Decimal(0))


def _buchholz_cut1(entrant_id: int, group: frozenset[int], table: Table) -> Decimal:
    """Buchholz Cut-1 (FIDE C.07 Art. 14.1, modifier Cut-1): Buchholz without the lowest contribution."""
    return _buchholz_cut(entrant_id, table, 1, 0)


def _median_buchholz(entrant_id: int, group: frozenset[int], table: Table) -> Decimal:
    """Median-Buchholz (FIDE C.07 Art. 14.2, modifier Median-1): Buchholz without the highest and the lowest
    contribution."""
    return _buchholz_cut(entrant_id, table, 1, 1)


def _sonneborn_berger(entrant_id: int, group: frozenset[int], table: Table) -> Decimal:
    """Sonneborn-Berger (FIDE C.07 Art. 9.1): the sum over rounds of (points earned × that opponent's final
    points), own unplayed rounds through the dummy opponent (Art. 16)."""
    return sum((points * earned for points, earned in _contributions(entrant_id, table)), Decimal(0))


TIE_BREAKERS: dict[str, TieBreaker] = {
    "head_to_head": _head_to_head,
    "score_difference": lambda i, group, table: table.lines[i].scores_for - table.lines[i].scores_against,
    "scores_for": lambda i, group, table: table.lines[i].scores_for,
    "buchholz": _buchholz,
    "buchholz_cut1": _buchholz_cut1,
    "median_buchholz": _median_buchholz,
    "sonneborn_berger": _sonneborn_berger,
}
#: Tie-breakers an organiser may order for a Swiss event (FIDE C.07 names).
SWISS_TIE_BREAK_CHOICES = ("buchholz_cut1", "buchholz", "median_buchholz", "sonneborn_berger")


def rank_table(entrants: Sequence[Entrant], table: Table, tie_breakers: Sequence[str]) -> tuple[Standing, ...]:
    """Order by points, then split each group of entrants still tied by each tie-breaker in turn.

    Every tie-breaker value is "higher is better" and is computed for the group as it stands when that
    tie-breaker is reached (this matters for head-to-head, which only counts games inside the group). A group
    split by one tie-breaker is split further by the next ones, sub-group by sub-group; head-to-head is first
    re-applied to each smaller sub-group it leaves tied (:data:`REAPPLIED`). Entrants still tied at
    the end share a place (standard competition ranking 1, 2, 2, 4) and are listed by seed.
    """
    unknown = [name for name in tie_breakers if name not in TIE_BREAKERS]
    if unknown:
        raise DomainError(N_("Unknown tie-breaker %(name)s."), name=unknown[0])
    seed = {e.id: e.seed for e in entrants}
    groups = _split([sorted(seed, key=seed.__getitem__)], lambda i, g: table.lines[i].points)
    for name in tie_breakers:
        breaker = TIE_BREAKERS[name]
        key = lambda i, g, breaker=breaker: breaker(i, g, table)  # noqa: E731
        groups = _split_again(groups, key) if name in REAPPLIED else _split(groups, key)
    out: list[Standing] = []
    for group in groups:
        place = len(out) + 1
        for i in group:
            line = table.lines[i]
            out.append(
                Standing(
                    i,
                    place,
                    line.played,
                    line.won,
                    line.drawn,
                    line.lost,
                    line.byes,
                    line.points,
                    line.scores_for,
                    line.scores_against,
                    _buchholz(i, frozenset(), table),
                    _sonneborn_berger(i, frozenset(), table),
                )
            )
    return tuple(out)


#: Tie-breakers computed within the tied group that are re-applied to each smaller group still tied.
REAPPLIED = frozenset({"head_to_head"})


def _split_again(groups: list[list[int]], key: Callable[[int, frozenset[int]], Decimal | int]) -> list[list[int]]:
    """Split each group by ``key`` computed within it, then split every resulting smaller group that is still
    tied by ``key`` computed within that smaller group, until no group splits further."""
    out: list[list[int]] = []
    for group in groups:
        parts = _split([group], key)
        if len(parts) == 1:
            out.append(group)
        else:
            out.extend(_split_again(parts, key))
    return out


def _split(groups: list[list[int]], key: Callable[[int, frozenset[int]], Decimal | int]) -> list[list[int]]:
    out: list[list[int]] = []
    for group in groups:
        if len(group) == 1:
            out.append(group)
            continue
        members = frozenset(group)
        values = {i: key(i, members) for i in group}
        for value in sorted(set(values.values()), reverse=True):
            out.append([i for i in group if values[i] == value])
    return out
