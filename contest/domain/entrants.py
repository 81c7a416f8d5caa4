"""Entrants (参赛主体): who competes in an event — a worker, a team of workers, or a unit (an enterprise or a team
organisation, e.g. the 安康杯's 优胜企业 and 优胜班组).

An event declares the kind of entrant it takes (``entrant_kind_of``: an individual event takes workers, a team
event teams, a unit event units). A nomination is the entry of one entrant: it carries the approval chain and,
once drawn, the competitor number; scores, results, awards and certificates refer to the nomination and read
who it is through an ``Entrant`` value, never through members or team names directly.

The rules, exactly:

- a **worker** entrant has exactly one member and neither a team name nor a unit;
- a **team** entrant has at least one member (the event's size limits are checked when nominating), a
  non-empty team name, and no unit;
- a **unit** entrant has a unit, no members and no team name.

Names: a team is shown by its team name and a unit by the unit's name, both as they are (they are public
names); a worker's name is masked on public pages (张*三). Certificates name each member of a worker or team
entrant (a team member's certificate also names the team), and the unit itself for a unit entrant.

Pure Python: no Flask, no SQLAlchemy.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from contest.domain.contests import EventKind
from contest.domain.identity import mask_name


class EntrantKind(str, enum.Enum):
    WORKER = "worker"
    TEAM = "team"
    UNIT = "unit"


ENTRANT_OF_EVENT: dict[EventKind, EntrantKind] = {
    EventKind.INDIVIDUAL: EntrantKind.WORKER,
    EventKind.TEAM: EntrantKind.TEAM,
    EventKind.UNIT: EntrantKind.UNIT,
}


def entrant_kind_of(event_kind: EventKind) -> EntrantKind:
    """The kind of entrant an event of ``event_kind`` takes."""
    return ENTRANT_OF_EVENT[EventKind(event_kind)]


class InvalidEntrant(ValueError):
    """An entrant that breaks the shape rules of its kind (a programming error, never a user's)."""


@dataclass(frozen=True)
class Member:
    user_id: int
    name: str


@dataclass(frozen=True)
class Unit:
    org_id: int
    name: str


@dataclass(frozen=True)
class Holder:
    """Who a certificate names: a worker (``user_id``) or a unit (``org_id``), exactly one of them."""

    name: str
    user_id: int | None = None
    org_id: int | None = None

    @property
    def is_unit(self) -> bool:
        return self.org_id is not None


@dataclass(frozen=True)
class Entrant:
    kind: EntrantKind
    members: tuple[Member, ...] = ()
    team_name: str | None = None
    unit: Unit | None = None

    def __post_init__(self) -> None:
        check_shape(self.kind, len(self.members), self.team_name, self.unit is not None)

    @classmethod
    def worker(cls, user_id: int, name: str) -> Entrant:
        return cls(EntrantKind.WORKER, (Member(user_id, name),))

    @classmethod
    def team(cls, team_name: str, members) -> Entrant:
        return cls(EntrantKind.TEAM, tuple(Member(*m) if not isinstance(m, Member) else m for m in members), team_name)

    @classmethod
    def of_unit(cls, org_id: int, name: str) -> Entrant:
        return cls(EntrantKind.UNIT, unit=Unit(org_id, name))

    @property
    def is_unit(self) -> bool:
        return self.kind == EntrantKind.UNIT

    @property
    def member_ids(self) -> tuple[int, ...]:
        return tuple(m.user_id for m in self.members)

    def name(self, masked: bool = False) -> str:
        """The team's name, the unit's name, or the worker's name (partly masked, 张*三, when ``masked``)."""
        if self.kind == EntrantKind.TEAM:
            return self.team_name or ""
        if self.kind == EntrantKind.UNIT:
            return self.unit.name if self.unit else ""
        return "、".join(mask_name(m.name) if masked else m.name for m in self.members)

    def with_members(self) -> str:
        """A team's name followed by its members (``一队（张三、李四）``); otherwise the name."""
        if self.kind == EntrantKind.TEAM:
            return f"{self.team_name}（{'、'.join(m.name for m in self.members)}）"
        return self.name()

    @property
    def holders(self) -> tuple[Holder, ...]:
        """Whom the entry's certificates name: each member in order, or the unit."""
        if self.unit is not None:
            return (Holder(self.unit.name, org_id=self.unit.org_id),)
        return tuple(Holder(m.name, user_id=m.user_id) for m in self.members)

    @property
    def certificate_team(self) -> str:
        """The team named on a team member's certificate (作为<team>成员); empty for other entrants."""
        return (self.team_name or "") if self.kind == EntrantKind.TEAM else ""


def check_shape(kind: EntrantKind, members: int, team_name: str | None, has_unit: bool) -> None:
    """Raise ``InvalidEntrant`` unless the parts fit ``kind`` (the rules in the module docstring)."""
    kind = EntrantKind(kind)
    if kind == EntrantKind.WORKER:
        ok = members == 1 and team_name is None and not has_unit
    elif kind == EntrantKind.TEAM:
        ok = members >= 1 and bool(team_name) and not has_unit
    else:
        ok = members == 0 and team_name is None and has_unit
    if not ok:
        raise InvalidEntrant(f"a {kind.value} entrant cannot have {members} members, team name {team_name!r}, unit {has_unit}")
