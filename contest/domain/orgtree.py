"""The organisation tree's level rules.

Levels, from the top: city (市) → county/district (县市区) → enterprise (企业) → team (班组).
A unit's parent must be of a level that may hold it:

- a county/district sits under the city;
- an enterprise sits under a county/district, or directly under the city (市直企业);
- a team sits under an enterprise.

The city is the single root. So a child is always strictly below its parent, and a team never
hangs directly under a county.
"""

from __future__ import annotations

import enum


class OrgLevel(str, enum.Enum):
    CITY = "city"
    COUNTY = "county"
    ENTERPRISE = "enterprise"
    TEAM = "team"

    @property
    def rank(self) -> int:
        """0 for the city, 3 for a team."""
        return list(OrgLevel).index(self)


ALLOWED_PARENTS: dict[OrgLevel, frozenset[OrgLevel]] = {
    OrgLevel.CITY: frozenset(),
    OrgLevel.COUNTY: frozenset({OrgLevel.CITY}),
    OrgLevel.ENTERPRISE: frozenset({OrgLevel.CITY, OrgLevel.COUNTY}),
    OrgLevel.TEAM: frozenset({OrgLevel.ENTERPRISE}),
}


def may_hold(parent: OrgLevel, child: OrgLevel) -> bool:
    """True when a unit of level ``child`` may sit directly under a unit of level ``parent``."""
    return parent in ALLOWED_PARENTS[child]


def child_levels(parent: OrgLevel) -> list[OrgLevel]:
    """The levels a unit of level ``parent`` may hold, top first."""
    return [level for level in OrgLevel if may_hold(parent, level)]


# --- the materialised path codec ----------------------------------------------------------------------------
# A unit's ``path`` lists the ids from the root down to the unit itself, each followed by a slash: "/1/7/42/".
# A nomination's approval ``chain`` is written the same way (bottom first). These two functions are the only
# place that reads or writes that shape.


def path_ids(path: str) -> list[int]:
    """The ids of a materialised path, in the order written: ``"/1/7/42/"`` → ``[1, 7, 42]``; ``"/"`` → ``[]``."""
    inner = path.strip("/")
    return [int(part) for part in inner.split("/")] if inner else []


def depth_of(path: str) -> int:
    """How far below the root the unit at ``path`` lies: ``"/1/"`` → 0 (the city), ``"/1/7/"`` → 1, ``"/"`` → -1."""
    return len(path_ids(path)) - 1


def make_path(ids) -> str:
    """The materialised path of ``ids`` in the order given: ``[1, 7, 42]`` → ``"/1/7/42/"``; ``[]`` → ``"/"``."""
    return "/" + "".join(f"{int(i)}/" for i in ids)


def child_path(parent_path: str | None, child_id: int) -> str:
    """The path of unit ``child_id`` under the unit at ``parent_path`` (``None``: the root)."""
    return make_path([*path_ids(parent_path or "/"), child_id])
