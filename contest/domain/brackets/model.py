"""Value objects shared by every bracket format.

A bracket is generated once as a :class:`Structure`: a tuple of :class:`MatchSpec` whose two slots are
each a :class:`SlotSource` (a fixed entrant, a bye, or the winner/loser of an earlier match). A service stores
the structure as rows and the recorded :class:`Result` per match key; :func:`~.resolution.resolve` then
computes who plays where, so winners advance and corrections re-flow without any stored derived state.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from contest.domain.errors import N_, DomainError


@dataclass(frozen=True)
class Entrant:
    """An entry in a bracket. ``seed`` 1 is the strongest; ``unit`` is the sending organisation, if known."""

    id: int
    seed: int
    unit: str | None = None


class SourceKind(StrEnum):
    ENTRANT = "entrant"
    BYE = "bye"
    WINNER = "winner"
    LOSER = "loser"


@dataclass(frozen=True)
class SlotSource:
    """Where a match slot's participant comes from: an entrant, a bye, or the winner/loser of ``match_key``."""

    kind: SourceKind
    entrant_id: int | None = None
    match_key: str | None = None

    @classmethod
    def entrant(cls, entrant_id: int) -> SlotSource:
        return cls(SourceKind.ENTRANT, entrant_id=entrant_id)

    @classmethod
    def bye(cls) -> SlotSource:
        return cls(SourceKind.BYE)

    @classmethod
    def winner_of(cls, match_key: str) -> SlotSource:
        return cls(SourceKind.WINNER, match_key=match_key)

    @classmethod
    def loser_of(cls, match_key: str) -> SlotSource:
        return cls(SourceKind.LOSER, match_key=match_key)


class Bracket(StrEnum):
    """Which part of a format a match belongs to."""

    WINNERS = "W"
    LOSERS = "L"
    GRAND_FINAL = "GF"
    THIRD_PLACE = "3P"
    ROUND_ROBIN = "RR"
    SWISS = "SW"


@dataclass(frozen=True)
class MatchSpec:
    """One match of a generated structure.

    ``key`` is unique within the structure (e.g. ``"W2-3"``: winners' bracket, round 2, 3rd match).
    ``position`` is the 0-based place of the match within its round of the full (power-of-two) bracket.
    ``reset_of`` marks a grand-final reset: it is played only if the away side (the losers'-bracket winner)
    wins the match ``reset_of``; otherwise it is void.
    """

    key: str
    round: int
    bracket: Bracket
    position: int
    home: SlotSource
    away: SlotSource
    reset_of: str | None = None


class ResultKind(StrEnum):
    NORMAL = "normal"
    WALKOVER = "walkover"
    RETIRED = "retired"


@dataclass(frozen=True)
class Result:
    """A recorded match result. ``winner_id`` None is a draw (round robin and Swiss only).

    ``home_id``/``away_id``, when given, are the participants the result was recorded for; the result
    becomes invalid if a correction elsewhere changes who plays in the match.
    """

    winner_id: int | None
    home_score: int = 0
    away_score: int = 0
    kind: ResultKind = ResultKind.NORMAL
    home_id: int | None = None
    away_id: int | None = None


@dataclass(frozen=True)
class Structure:
    """A generated bracket: its format name, entrants, matches (in playing/topological order) and options."""

    format: str
    entrants: tuple[Entrant, ...]
    matches: tuple[MatchSpec, ...]
    third_place: bool = False
    grand_final_reset: bool = False
    rounds: int | None = None
    colours: bool = False  # Swiss: home is white and colours are allocated (chess)
    tie_breakers: tuple[str, ...] = ()  # Swiss: the ordered tie-breaks (empty: the format's default)

    def match(self, key: str) -> MatchSpec:
        for spec in self.matches:
            if spec.key == key:
                return spec
        raise DomainError(N_("Unknown match %(key)s."), key=key)


@dataclass(frozen=True)
class Placement:
    """A final place; entrants sharing a place are jointly placed (standard competition ranking 1, 2, 3, 3, 5)."""

    entrant_id: int
    place: int


@dataclass(frozen=True)
class PointsScheme:
    """League points per game outcome; ``bye`` is what a Swiss bye is worth."""

    win: Decimal = Decimal(3)
    draw: Decimal = Decimal(1)
    loss: Decimal = Decimal(0)
    bye: Decimal = Decimal(3)


SWISS_POINTS = PointsScheme(win=Decimal(1), draw=Decimal("0.5"), loss=Decimal(0), bye=Decimal(1))


@dataclass(frozen=True)
class Game:
    """A finished round-robin or Swiss game in flat form; ``away_id`` None means a bye for ``home_id``.
    ``forfeit`` marks a walkover: it counts for points, but for tie-breaks it is an unplayed round."""

    round: int
    home_id: int
    away_id: int | None
    winner_id: int | None
    home_score: int = 0
    away_score: int = 0
    forfeit: bool = False  # a walkover: scored as recorded, but not played over the board (FIDE C.07 Art. 16)


def check_entrants(entrants: Iterable[Entrant], minimum: int = 2) -> tuple[Entrant, ...]:
    """Validate entrants (unique ids and seeds, at least ``minimum``) and return them ordered by seed."""
    ordered = tuple(sorted(entrants, key=lambda e: e.seed))
    if len(ordered) < minimum:
        raise DomainError(N_("A bracket needs at least %(minimum)s entrants."), minimum=minimum)
    if len({e.id for e in ordered}) != len(ordered):
        raise DomainError(N_("Each entrant may appear only once in a bracket."))
    if len({e.seed for e in ordered}) != len(ordered):
        raise DomainError(N_("Seeds must be unique within a bracket."))
    return ordered


def same_unit(a: Entrant | None, b: Entrant | None) -> bool:
    """True when both entrants exist and come from the same (known) unit."""
    return a is not None and b is not None and a.unit is not None and a.unit == b.unit


def entrant_index(entrants: Sequence[Entrant]) -> dict[int, Entrant]:
    return {e.id: e for e in entrants}
