"""A structure survives being stored as JSON: same matches, sources, options, and the same resolution."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from contest.domain.brackets import Entrant, build_bracket, resolve, structure_from_json, structure_to_json


@settings(max_examples=60, deadline=None)
@given(fmt=st.sampled_from(["single_elimination", "double_elimination", "round_robin", "swiss"]), n=st.integers(2, 40),
       flag=st.booleans(), units=st.integers(1, 5))
def test_round_trip_through_json(fmt, n, flag, units):
    entrants = [Entrant(100 + i, i + 1, f"u{i % units}") for i in range(n)]
    options = {"single_elimination": {"third_place": flag}, "double_elimination": {"grand_final_reset": flag},
               "round_robin": {}, "swiss": {"rounds": max(1, n // 2)}}[fmt]
    structure = build_bracket(fmt, entrants, **options)
    stored = json.loads(json.dumps(structure_to_json(structure)))  # what the JSON column gives back
    assert structure_from_json(stored) == structure
    assert resolve(structure_from_json(stored), {}) == resolve(structure, {})


def test_a_structure_stored_before_issue_17_resolves_as_stored(monkeypatch):
    """Double eliminations stored with the earlier drop-down order (reverse, then halves swapped) and Swiss
    structures stored without the colour and tie-break keys read back and resolve exactly as stored."""
    from contest.domain.brackets import MatchState, Result, elimination

    def earlier_order(sources, index):
        if index % 2 == 0:
            return sources[::-1]
        half = len(sources) // 2
        return sources[half:] + sources[:half]

    entrants = [Entrant(100 + s, s) for s in range(1, 17)]
    with monkeypatch.context() as patch:
        patch.setattr(elimination, "_dropdown_order", earlier_order)
        stored = json.loads(json.dumps(structure_to_json(build_bracket("double_elimination", entrants))))
    structure = structure_from_json(stored)
    assert structure != build_bracket("double_elimination", entrants)  # today's order differs …
    results: dict = {}
    while ready := [m for m in resolve(structure, results).matches if m.state is MatchState.READY]:
        for m in ready:
            results[m.key] = Result(min(m.home_id, m.away_id), home_id=m.home_id, away_id=m.away_id)
    resolution = resolve(structure, results)
    assert resolution.finished and resolution.invalid == ()
    fourth = {frozenset((m.home_id - 100, m.away_id - 100)) for m in resolution.matches if m.key.startswith("L4-")}
    assert fourth == {frozenset((3, 6)), frozenset((4, 5))}  # … and the stored one is what is played

    swiss = structure_to_json(build_bracket("swiss", entrants[:6], rounds=3))
    assert "colours" not in swiss and "tie_breakers" not in swiss
    again = structure_from_json(swiss)
    assert again.colours is False and again.tie_breakers == ()
