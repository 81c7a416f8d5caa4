"""Brackets for head-to-head events: single and double elimination, round robin and Swiss.

Generate a :class:`Structure` (``build_bracket`` or a format's function), store it, record results per match
key, and call :func:`resolve` to see who plays where; :func:`dependants` lists the matches to clear after a
correction; :func:`placements` gives the final places for the ranking and awards engine. One module per format
(``elimination``, ``round_robin``, ``swiss``), the registry of formats (``formats.BRACKETS``), the stored shape
(``model``, ``serial``), resolution and standings.

Imports: only ``contest.domain`` (pure: no Flask, no SQLAlchemy). Imported by: ``services.brackets``, the bracket
decision method (``methods.bracket``), ``models.bracket`` and the unit tests; the rest of the app goes through
``services.brackets``.
"""

from contest.domain.brackets.elimination import (
    bracket_size,
    double_elimination,
    first_round_slots,
    seed_order,
    single_elimination,
)
from contest.domain.brackets.formats import BRACKETS, BracketFormat, bracket_format, build_bracket, placements
from contest.domain.brackets.model import (
    SWISS_POINTS,
    Bracket,
    Entrant,
    Game,
    MatchSpec,
    Placement,
    PointsScheme,
    Result,
    ResultKind,
    SlotSource,
    SourceKind,
    Structure,
)
from contest.domain.brackets.resolution import (
    MatchState,
    Resolution,
    ResolvedMatch,
    dependants,
    games,
    resolve,
    validate_result,
)
from contest.domain.brackets.round_robin import round_robin_placements, round_robin_schedule, round_robin_standings
from contest.domain.brackets.serial import structure_from_json, structure_to_json
from contest.domain.brackets.standings import SWISS_TIE_BREAK_CHOICES, TIE_BREAKERS, Standing
from contest.domain.brackets.swiss import (
    SWISS_TIE_BREAKERS,
    swiss,
    swiss_next_round,
    swiss_pair_round,
    swiss_placements,
    swiss_standings,
)

__all__ = [
    "BRACKETS",
    "SWISS_POINTS",
    "SWISS_TIE_BREAKERS",
    "SWISS_TIE_BREAK_CHOICES",
    "TIE_BREAKERS",
    "Bracket",
    "BracketFormat",
    "Entrant",
    "Game",
    "MatchSpec",
    "MatchState",
    "Placement",
    "PointsScheme",
    "Resolution",
    "ResolvedMatch",
    "Result",
    "ResultKind",
    "SlotSource",
    "SourceKind",
    "Standing",
    "Structure",
    "bracket_format",
    "bracket_size",
    "build_bracket",
    "dependants",
    "double_elimination",
    "first_round_slots",
    "games",
    "placements",
    "resolve",
    "round_robin_placements",
    "round_robin_schedule",
    "round_robin_standings",
    "seed_order",
    "single_elimination",
    "structure_from_json",
    "structure_to_json",
    "swiss",
    "swiss_next_round",
    "swiss_pair_round",
    "swiss_placements",
    "swiss_standings",
    "validate_result",
]
