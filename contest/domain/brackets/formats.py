"""The registry of bracket formats: one object per format with ``build`` and ``placements``."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from contest.domain.brackets.elimination import (
    DOUBLE_ELIMINATION,
    SINGLE_ELIMINATION,
    double_elimination,
    double_elimination_placements,
    single_elimination,
    single_elimination_placements,
)
from contest.domain.brackets.model import Entrant, Placement, Result, Structure
from contest.domain.brackets.round_robin import ROUND_ROBIN, round_robin_placements, round_robin_schedule
from contest.domain.brackets.swiss import SWISS, swiss, swiss_placements
from contest.domain.errors import N_, DomainError


@dataclass(frozen=True)
class BracketFormat:
    """A bracket format. ``incremental`` formats (Swiss) are built one round at a time."""

    name: str
    build: Callable[..., Structure]
    placements: Callable[[Structure, Mapping[str, Result]], tuple[Placement, ...]]
    incremental: bool = False


BRACKETS: dict[str, BracketFormat] = {
    SINGLE_ELIMINATION: BracketFormat(SINGLE_ELIMINATION, single_elimination, single_elimination_placements),
    DOUBLE_ELIMINATION: BracketFormat(DOUBLE_ELIMINATION, double_elimination, double_elimination_placements),
    ROUND_ROBIN: BracketFormat(ROUND_ROBIN, round_robin_schedule, round_robin_placements),
    SWISS: BracketFormat(SWISS, swiss, swiss_placements, incremental=True),
}


def bracket_format(name: str) -> BracketFormat:
    try:
        return BRACKETS[name]
    except KeyError:
        raise DomainError(N_("Unknown bracket format %(name)s."), name=name) from None


def build_bracket(name: str, entrants: Sequence[Entrant], **options: Any) -> Structure:
    """Generate the structure of format ``name`` (options as the format's build function takes them)."""
    return bracket_format(name).build(entrants, **options)


def placements(structure: Structure, results: Mapping[str, Result]) -> tuple[Placement, ...]:
    """Final places of a finished bracket of any format (DomainError if it is not finished)."""
    return bracket_format(structure.format).placements(structure, results)
