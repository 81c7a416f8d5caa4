"""Resolve a stored structure plus recorded results into who plays where, and what a correction invalidates."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from contest.domain.brackets.model import (
    Bracket,
    Game,
    MatchSpec,
    Result,
    ResultKind,
    SlotSource,
    SourceKind,
    Structure,
)
from contest.domain.errors import N_, DomainError

DRAWS_ALLOWED = frozenset({Bracket.ROUND_ROBIN, Bracket.SWISS})


class MatchState(StrEnum):
    PENDING = "pending"  # a participant is not known yet
    READY = "ready"  # both participants known, no (valid) result
    FINISHED = "finished"  # a valid result is recorded
    BYE = "bye"  # a Swiss bye: the single participant scores a win without playing
    VOID = "void"  # a grand-final reset that is not needed


@dataclass(frozen=True)
class ResolvedMatch:
    """A match with its participants worked out; ``result`` is set only when it is valid and counted."""

    spec: MatchSpec
    home_id: int | None
    away_id: int | None
    state: MatchState
    result: Result | None = None

    @property
    def key(self) -> str:
        return self.spec.key

    @property
    def winner_id(self) -> int | None:
        if self.state is MatchState.BYE:
            return self.home_id
        return self.result.winner_id if self.result is not None else None

    @property
    def loser_id(self) -> int | None:
        winner = self.winner_id
        if self.state is not MatchState.FINISHED or winner is None:
            return None
        return self.away_id if winner == self.home_id else self.home_id


@dataclass(frozen=True)
class Resolution:
    """Every match resolved, in structure order, and the keys of recorded results that no longer fit."""

    matches: tuple[ResolvedMatch, ...]
    invalid: tuple[str, ...]

    def match(self, key: str) -> ResolvedMatch:
        for m in self.matches:
            if m.key == key:
                return m
        raise DomainError(N_("Unknown match %(key)s."), key=key)

    @property
    def finished(self) -> bool:
        """True when no match is waiting to be played."""
        return all(m.state not in (MatchState.PENDING, MatchState.READY) for m in self.matches)


def _result_problem(m: ResolvedMatch, result: Result) -> str | None:
    """Why ``result`` cannot stand for the resolved match ``m`` (an untranslated message), or None."""
    if m.state in (MatchState.PENDING, MatchState.VOID, MatchState.BYE):
        return N_("Match %(key)s is not ready to be played.")
    if result.winner_id is None:
        if m.spec.bracket not in DRAWS_ALLOWED:
            return N_("A draw is not allowed in an elimination match.")
    elif result.winner_id not in (m.home_id, m.away_id):
        return N_("The winner of match %(key)s must be one of its two participants.")
    if (result.home_id is not None and result.home_id != m.home_id) or (
        result.away_id is not None and result.away_id != m.away_id
    ):
        return N_("The participants of match %(key)s have changed since the result was recorded.")
    return None


def _reset_state(first: ResolvedMatch) -> MatchState | None:
    """State of a reset match given the match it resets: None when the reset is to be played."""
    if first.state is not MatchState.FINISHED:
        return MatchState.PENDING
    if first.winner_id != first.away_id:
        return MatchState.VOID
    return None


def resolve(structure: Structure, results: Mapping[str, Result]) -> Resolution:
    """Work out the participants and state of every match from the recorded results.

    Rule: matches are taken in structure order. A slot is its fixed entrant, or the winner/loser of a match
    that is FINISHED (otherwise unknown). A match with an unknown slot is PENDING, one with a bye slot is a BYE,
    a reset match is VOID unless the away side won the match it resets. A recorded result counts only if the
    match is READY, the winner is one of the two participants (or None for a draw where draws are allowed) and
    any participants stored with the result are still the participants; otherwise its key is listed in
    ``invalid`` and the match is treated as unplayed, so later matches fall back to PENDING.
    """
    resolved: dict[str, ResolvedMatch] = {}
    invalid: list[str] = []

    def slot(src: SlotSource) -> int | None:
        if src.kind is SourceKind.ENTRANT:
            return src.entrant_id
        if src.kind is SourceKind.BYE:
            return None
        earlier = resolved.get(src.match_key or "")
        if earlier is None:
            return None
        return earlier.winner_id if src.kind is SourceKind.WINNER else earlier.loser_id

    for spec in structure.matches:
        home, away = slot(spec.home), slot(spec.away)
        if spec.away.kind is SourceKind.BYE or spec.home.kind is SourceKind.BYE:
            state = MatchState.BYE if (home is not None or away is not None) else MatchState.VOID
            home = home if home is not None else away
            away = None
        elif spec.reset_of is not None and (reset := _reset_state(resolved[spec.reset_of])) is not None:
            state, home, away = reset, None, None
        elif home is None or away is None:
            state = MatchState.PENDING
        else:
            state = MatchState.READY
        m = ResolvedMatch(spec, home, away, state)
        result = results.get(spec.key)
        if result is not None:
            if _result_problem(m, result) is None:
                m = ResolvedMatch(spec, home, away, MatchState.FINISHED, result)
            else:
                invalid.append(spec.key)
        resolved[spec.key] = m
    unknown = sorted(set(results) - set(resolved))
    return Resolution(tuple(resolved.values()), tuple(invalid) + tuple(unknown))


def validate_result(structure: Structure, results: Mapping[str, Result], key: str, result: Result) -> None:
    """Raise a DomainError if ``result`` cannot be recorded for match ``key`` given the other results."""
    others = {k: r for k, r in results.items() if k != key}
    m = resolve(structure, others).match(key)
    problem = _result_problem(m, result)
    if problem is not None:
        raise DomainError(problem, key=key)


def dependants(structure: Structure, match_key: str) -> tuple[str, ...]:
    """Keys of the matches whose participants depend, directly or transitively, on the result of ``match_key``.

    These are the results to clear (or re-check) when the result of ``match_key`` is corrected; they are
    listed in structure (playing) order, ``match_key`` itself excluded.
    """
    structure.match(match_key)
    affected = {match_key}
    out: list[str] = []
    for spec in structure.matches:
        sources = (spec.home.match_key, spec.away.match_key, spec.reset_of)
        if spec.key not in affected and any(s in affected for s in sources if s is not None):
            affected.add(spec.key)
            out.append(spec.key)
    return tuple(out)


def games(structure: Structure, results: Mapping[str, Result]) -> tuple[Game, ...]:
    """The finished games (and byes) of a round-robin or Swiss structure in flat form."""
    out: list[Game] = []
    for m in resolve(structure, results).matches:
        if m.state is MatchState.BYE and m.home_id is not None:
            out.append(Game(m.spec.round, m.home_id, None, m.home_id))
        elif m.state is MatchState.FINISHED and m.result is not None:
            r = m.result
            out.append(Game(m.spec.round, m.home_id, m.away_id, r.winner_id, r.home_score, r.away_score,  # type: ignore[arg-type]
                            forfeit=r.kind is ResultKind.WALKOVER))
    return tuple(out)
