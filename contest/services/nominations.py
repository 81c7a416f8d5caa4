"""The one nomination writer: every nomination — from the page form, from a spreadsheet import, or promoted from a
preliminary — is written here, with its entrant (``domain.entrants``), its approval chain, its members and its
first timeline steps.

Callers plan first (``registration.plan_nomination`` / ``plan_unit_nomination`` apply every rule and count the
quotas; ``results.promote`` plans a promotion), under the event lock they took; this module only turns plans into
rows, with multi-row INSERTs (an import writes thousands at once). It never checks a rule and never commits.

What a plan becomes:

- ``chain`` is written bottom first with ``orgtree.make_path``; ``level`` is the index of the unit now waiting
  (``waiting_org_id`` is that unit), or the chain's length once every unit has approved (status confirmed);
- the members are the worker's or the team's ``nomination_members`` rows (live, in order); a unit has none;
- the first step records the act (``submit``, ``import``, ``promote``) at the actor's unit (or the plan's
  ``step_org_id``) with the plan's ``step_reason``; when the act confirms the entry, the host's ``confirm`` step
  follows, except for a promotion (which records where the entry came from instead).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import insert, select

from contest.domain.entrants import EntrantKind, check_shape
from contest.domain.nominations import NominationStatus
from contest.domain.orgtree import make_path
from contest.extensions import db
from contest.models import Nomination, NominationMember, NominationStep, User, utcnow


@dataclass(frozen=True)
class PlannedNomination:
    """A nomination checked against every rule, ready to be written."""

    event_id: int
    host_id: int
    kind: EntrantKind
    member_ids: tuple[int, ...]
    team_name: str | None
    unit_id: int | None
    org_id: int  # the lowest unit containing the entrant: the chain starts here
    chain: tuple[int, ...]
    level: int | None  # index in ``chain`` of the unit now waiting; None: confirmed by this act
    source: str | None = None  # a promotion's origin
    step_org_id: int | None = None  # the first step's unit, when not the actor's
    step_reason: str = ""

    def __post_init__(self) -> None:
        check_shape(self.kind, len(self.member_ids), self.team_name, self.unit_id is not None)

    @property
    def confirmed(self) -> bool:
        return self.level is None or self.level >= len(self.chain)


def write_nominations(actor: User, plans: Sequence[PlannedNomination], action: str, confirm_step: bool = True) -> list[int]:
    """Insert the nominations of ``plans`` with their members and first steps; returns their ids in order.
    ``confirm_step``: whether an entry this act confirms also gets the host's ``confirm`` step (a promotion's
    timeline records only where the entry came from)."""
    if not plans:
        return []
    now = utcnow()
    rows = []
    for plan in plans:
        level = len(plan.chain) if plan.confirmed else plan.level
        rows.append({
            "event_id": plan.event_id, "org_id": plan.org_id, "chain": make_path(plan.chain), "level": level,
            "waiting_org_id": None if plan.confirmed else plan.chain[level],
            "status": NominationStatus.CONFIRMED if plan.confirmed else NominationStatus.PENDING,
            "entrant_kind": plan.kind, "team_name": plan.team_name, "unit_id": plan.unit_id,
            "created_by_id": actor.id, "created_at": now, "source": plan.source,
        })
    ids = list(db.session.scalars(insert(Nomination).returning(Nomination.id, sort_by_parameter_order=True), rows))
    members, steps = [], []
    for nomination_id, plan in zip(ids, plans, strict=True):
        members += [{"nomination_id": nomination_id, "event_id": plan.event_id, "user_id": user_id, "live": True, "position": i}
                    for i, user_id in enumerate(plan.member_ids)]
        org_id = plan.step_org_id if plan.step_org_id is not None else actor.org_id
        steps.append({"nomination_id": nomination_id, "at": now, "actor_id": actor.id, "org_id": org_id, "action": action,
                      "reason": plan.step_reason})
        if plan.confirmed and confirm_step:
            steps.append({"nomination_id": nomination_id, "at": now, "actor_id": actor.id, "org_id": plan.host_id,
                          "action": "confirm", "reason": ""})
    if members:
        db.session.execute(insert(NominationMember), members)
    db.session.execute(insert(NominationStep), steps)
    return ids


def load(ids: Sequence[int]) -> list[Nomination]:
    """The nominations just written, as objects, in the order of ``ids``."""
    if not ids:
        return []
    found = {n.id: n for n in db.session.scalars(select(Nomination).where(Nomination.id.in_(list(ids))))}
    return [found[i] for i in ids]
