"""Quotas (名额): how many entries each unit may send to an event, allocated down the tree.

Rules, per event:

1. The host allocates places to units directly below it; each unit may sub-allocate its places to the
   units directly below it. A unit's *limit* is its own allocation row. A unit without a row is limited
   only when its parent allocated to some of its children ("closed" parent: the others got 0 places);
   when its parent allocated to none, the unit has no limit of its own (the limits above still apply).
2. Sub-allocations never exceed the allocator's own limit: ``sum(children) ≤ limit(parent)``.
3. A unit's *used* places are the live nominations from its subtree that it has approved: approved at its
   level or above and not rejected or withdrawn since. Approving needs ``used < limit`` at that level.
4. An allocation may not drop below the places already used by that unit, nor below what the unit has
   itself handed down to its children.
5. A unit's first allocation closes it (rule 1): its other children then have 0 places, so it is refused
   while any of them already uses places or has handed places down — allocate to those first.

These rules keep, under any sequence of allocations, approvals, rejections and withdrawals, the invariant
``used(u) ≤ limit(u)`` and ``Σ allocated(children of u) ≤ limit(u)`` for every limited unit ``u``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from contest.domain.errors import N_, DomainError

UNLIMITED = None
K = TypeVar("K")


@dataclass(frozen=True)
class QuotaView:
    """What a quota screen shows for one unit: allocated / used / remaining (None = no limit of its own)."""

    org_id: int
    allocated: int | None
    used: int
    handed_down: int

    @property
    def remaining(self) -> int | None:
        return None if self.allocated is None else self.allocated - self.used


def effective_limit(org_id: int, parent_id: int | None, allocations: Mapping[int, int], allocating_parents: set[int]) -> int | None:
    """Rule 1: the unit's own row; 0 when the parent allocated to others only; else no limit of its own."""
    if org_id in allocations:
        return allocations[org_id]
    if parent_id is not None and parent_id in allocating_parents:
        return 0
    return UNLIMITED


def check_allocation(
    *,
    unit_name: str,
    new_places: int,
    allocator_limit: int | None,
    sibling_total: int,
    used: int,
    handed_down: int,
) -> None:
    """Rules 2 and 4 for setting ``unit``'s allocation to ``new_places``.

    ``sibling_total`` is what the allocator has given to its other children; ``used`` and ``handed_down``
    are the unit's own current use and sub-allocations.
    """
    if new_places < 0:
        raise DomainError(N_("The number of places cannot be negative."))
    if allocator_limit is not None and sibling_total + new_places > allocator_limit:
        raise DomainError(
            N_("Only %(free)d places are left to allocate (%(limit)d in all), so %(unit)s cannot get %(places)d."),
            free=max(allocator_limit - sibling_total, 0), limit=allocator_limit, unit=unit_name, places=new_places,
        )
    if new_places < used:
        raise DomainError(
            N_("%(unit)s has already used %(used)d places; its quota cannot drop to %(places)d."),
            unit=unit_name, used=used, places=new_places,
        )
    if new_places < handed_down:
        raise DomainError(
            N_("%(unit)s has handed %(handed)d places down to its units; its quota cannot drop to %(places)d."),
            unit=unit_name, handed=handed_down, places=new_places,
        )


def check_first_allocation(siblings: list[tuple[str, int, int]]) -> None:
    """Rule 5: ``siblings`` are (name, used, handed down) of the allocator's other children without a row."""
    for name, used, handed in siblings:
        if used or handed:
            raise DomainError(
                N_("%(unit)s already uses places; allocating to only some units would leave it none. Allocate to %(unit)s first."),
                unit=name,
            )


def check_approval(*, unit_name: str, limit: int | None, used: int) -> None:
    """Rule 3: one more approval at this unit must stay within its limit."""
    if limit is not None and used >= limit:
        raise DomainError(
            N_("%(unit)s has used all its %(limit)d places for this event; reject a nomination or ask for more places."),
            unit=unit_name, limit=limit,
        )


def places_left(chain: Sequence[tuple[K, int | None, int]]) -> tuple[int | None, K | None]:
    """What a unit can really still send: its own remaining places and those of every unit above it up to
    the host all apply, so the answer is the smallest ``limit - used`` (never below 0) along ``chain``, given
    as (key, limit, used) per unit, together with the key of the unit that sets it (the lowest one on a
    tie). ``(None, None)`` when no unit on the chain is limited."""
    best: tuple[int | None, K | None] = (None, None)
    for key, limit, used in chain:
        if limit is None:
            continue
        left = max(limit - used, 0)
        if best[0] is None or left < best[0]:
            best = (left, key)
    return best
