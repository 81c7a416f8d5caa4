"""Nominations (报名) through the hierarchy: eligibility, duplicates, team size and the approval climb.

A nomination starts at the bottom and climbs the chain of units from the entrant's own unit up to the
contest's host: team → enterprise → county → host (units that do not exist on the way, e.g. an enterprise
directly under the city, are simply not in the chain). Each unit approves — within its quota — or
rejects with a reason. The host's approval confirms the entry.

- When an organiser nominates, the levels from the bottom up to the organiser's own unit count as approved
  by that act (a team leader's nomination skips the team step, an enterprise's the team and enterprise steps).
- An organiser may act on a nomination waiting at its own unit or at any unit below it (on behalf of a unit
  that has no organiser), never above.
- Withdrawal is possible while the nomination is pending or confirmed and registration is open.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from contest.domain.errors import N_, DomainError
from contest.domain.identity import age_on
from contest.domain.orgtree import make_path, path_ids


class NominationStatus(str, enum.Enum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


LIVE = frozenset({NominationStatus.PENDING, NominationStatus.CONFIRMED})

# 职业技能等级 from lowest to highest; "none" ranks below every level.
SKILL_RANK = {"none": 0, "level5": 1, "level4": 2, "level3": 3, "level2": 4, "level1": 5}


@dataclass(frozen=True)
class Candidate:
    user_id: int
    name: str
    resident_id: str | None
    skill_level: str  # a key of SKILL_RANK
    occupation: str
    org_path: str


@dataclass(frozen=True)
class Eligibility:
    contest_date: date
    min_age: int | None = None
    max_age: int | None = None
    min_skill_level: str | None = None
    occupations: tuple[str, ...] = ()  # empty: any occupation


def check_eligibility(candidate: Candidate, rules: Eligibility) -> None:
    """Age (completed years on the contest date, from the resident ID), skill level and occupation."""
    if rules.min_age is not None or rules.max_age is not None:
        if not candidate.resident_id:
            raise DomainError(N_("%(name)s has no resident ID number, so the age limit cannot be checked."), name=candidate.name)
        age = age_on(candidate.resident_id, rules.contest_date)
        if rules.min_age is not None and age < rules.min_age:
            raise DomainError(N_("%(name)s is %(age)d on the contest date; the minimum age is %(limit)d."), name=candidate.name, age=age, limit=rules.min_age)
        if rules.max_age is not None and age > rules.max_age:
            raise DomainError(N_("%(name)s is %(age)d on the contest date; the maximum age is %(limit)d."), name=candidate.name, age=age, limit=rules.max_age)
    if rules.min_skill_level and SKILL_RANK.get(candidate.skill_level, 0) < SKILL_RANK[rules.min_skill_level]:
        raise DomainError(N_("%(name)s does not hold the skill level this event requires."), name=candidate.name)
    if rules.occupations and candidate.occupation not in rules.occupations:
        raise DomainError(
            N_("%(name)s works as %(occupation)s; this event is for %(wanted)s."),
            name=candidate.name, occupation=candidate.occupation or "—", wanted="、".join(rules.occupations),
        )


def check_team_size(is_team: bool, members: int, team_min: int, team_max: int) -> None:
    if not is_team:
        if members != 1:
            raise DomainError(N_("An individual entry has exactly one entrant."))
        return
    if not team_min <= members <= team_max:
        raise DomainError(N_("A team for this event has %(min)d to %(max)d members (%(count)d given)."), min=team_min, max=team_max, count=members)


def check_no_duplicates(candidates: Sequence[Candidate], already_entered: set[int]) -> None:
    """One live entry per worker per event, and nobody twice in one team."""
    seen: set[int] = set()
    for candidate in candidates:
        if candidate.user_id in seen:
            raise DomainError(N_("%(name)s appears twice in this entry."), name=candidate.name)
        seen.add(candidate.user_id)
        if candidate.user_id in already_entered:
            raise DomainError(N_("%(name)s is already entered in this event."), name=candidate.name)


def approval_chain(entrant_org_path: str, host_path: str) -> list[int]:
    """Unit ids that approve, bottom first: from the entrant's unit up to and including the host."""
    if not entrant_org_path.startswith(host_path):
        raise DomainError(N_("Only workers of units under the host may enter this contest."))
    ids = path_ids(entrant_org_path)
    host_depth = len(path_ids(host_path)) - 1
    return list(reversed(ids[host_depth:]))


def common_unit_path(paths: Sequence[str]) -> str:
    """The lowest unit containing all ``paths`` (a team entry's members may come from several teams)."""
    parts = [path_ids(p) for p in paths]
    common: list[int] = []
    for level in zip(*parts, strict=False):
        if len(set(level)) != 1:
            break
        common.append(level[0])
    return make_path(common)


def first_waiting(chain: Sequence[int], nominator_org_id: int | None) -> int | None:
    """Index in ``chain`` of the first unit that still has to approve; ``None`` when all have (confirmed).

    A nominating organiser's own unit and every unit below it in the chain count as approved.
    """
    if nominator_org_id is None or nominator_org_id not in chain:
        return 0
    index = chain.index(nominator_org_id) + 1
    return index if index < len(chain) else None


def may_act(actor_path: str, waiting_org_path: str) -> bool:
    """An organiser acts on nominations waiting at its own unit or any unit below it."""
    return waiting_org_path.startswith(actor_path)
