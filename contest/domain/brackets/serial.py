"""A structure as plain JSON data and back, so a service can store it in one column."""

from __future__ import annotations

from typing import Any

from contest.domain.brackets.model import Bracket, Entrant, MatchSpec, SlotSource, SourceKind, Structure


def _source_to_json(src: SlotSource) -> list:
    if src.kind is SourceKind.ENTRANT:
        return ["entrant", src.entrant_id]
    if src.kind is SourceKind.BYE:
        return ["bye"]
    return [src.kind.value, src.match_key]


def _source_from_json(data: list) -> SlotSource:
    kind = SourceKind(data[0])
    if kind is SourceKind.ENTRANT:
        return SlotSource.entrant(int(data[1]))
    if kind is SourceKind.BYE:
        return SlotSource.bye()
    return SlotSource(kind, match_key=str(data[1]))


def structure_to_json(structure: Structure) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    if structure.colours:
        extra["colours"] = True
    if structure.tie_breakers:
        extra["tie_breakers"] = list(structure.tie_breakers)
    return {
        "format": structure.format,
        "entrants": [[e.id, e.seed, e.unit] for e in structure.entrants],
        "matches": [
            [m.key, m.round, m.bracket.value, m.position, _source_to_json(m.home), _source_to_json(m.away), m.reset_of]
            for m in structure.matches
        ],
        "third_place": structure.third_place,
        "grand_final_reset": structure.grand_final_reset,
        "rounds": structure.rounds,
        **extra,  # only when set, so structures stored before these options existed read back unchanged
    }


def structure_from_json(data: dict[str, Any]) -> Structure:
    return Structure(
        format=data["format"],
        entrants=tuple(Entrant(int(i), int(seed), unit) for i, seed, unit in data["entrants"]),
        matches=tuple(
            MatchSpec(key, int(rnd), Bracket(part), int(pos), _source_from_json(home), _source_from_json(away), reset_of)
            for key, rnd, part, pos, home, away, reset_of in data["matches"]
        ),
        third_place=bool(data.get("third_place")),
        grand_final_reset=bool(data.get("grand_final_reset")),
        rounds=data.get("rounds"),
        colours=bool(data.get("colours")),
        tie_breakers=tuple(data.get("tie_breakers") or ()),
    )
