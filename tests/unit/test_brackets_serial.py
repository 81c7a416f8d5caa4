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
