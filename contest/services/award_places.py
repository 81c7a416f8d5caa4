"""Award places handed down (名额下达): the host of a unit event (安康杯) gives each child unit — each county of a
city contest — a number of places per award tier ("优胜企业: 柯城区 3, 衢江区 2 …"); the award engine then gives each
tier within each child unit's entries up to its places (``domain.awards.assign_awards_by_group``).

Rules: only the host's organisers (and administrators) set places, for unit events, until the results are
published; places are whole numbers ≥ 0 and, for a tier given by count, add up to no more than its count
(``domain.awards.check_award_places``). An empty field is "not set"; an event without any row keeps the ordinary
award rules. The organisers of a child unit (and of the units below it) see the places given to it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import delete, insert, select

from contest import policy
from contest.domain import awards
from contest.domain import contests as states
from contest.domain.entrants import EntrantKind
from contest.domain.errors import N_, DomainError
from contest.domain.orgtree import path_ids
from contest.extensions import db
from contest.loaders import get_event, managed_event, require
from contest.models import AwardPlace, Event, Nomination, Organisation, User
from contest.services import NotFound, audit, transaction
from contest.services.contests import award_scheme_of

logger = logging.getLogger(__name__)

MANAGE_PLACES = N_("Only organisers of %(host)s hand down award places.")


@dataclass(frozen=True)
class PlacesView:
    """What the award places page shows: the event's tiers, the child units shown (all of them for the host, the
    viewer's own for a child unit's organisers), the places set (unit id → tier → places), the totals per tier,
    and whether the viewer may change them now."""

    event: Event
    tiers: tuple[awards.Tier, ...]
    units: list[Organisation]
    places: dict[int, dict[str, int]]
    totals: dict[str, int]
    may_set: bool
    editable: bool


def _unit_event(event: Event) -> None:
    if event.entrant_kind != EntrantKind.UNIT:
        raise NotFound(N_("%(event)s is not an event for units."), event=event.name)


def _children(event: Event) -> list[Organisation]:
    return list(db.session.scalars(
        select(Organisation).where(Organisation.parent_id == event.contest.host_id, Organisation.active.is_(True))
        .order_by(Organisation.position, Organisation.id)
    ))


def _places(event_id: int, org_ids: Iterable[int] | None = None) -> dict[int, dict[str, int]]:
    query = select(AwardPlace.org_id, AwardPlace.tier, AwardPlace.places).where(AwardPlace.event_id == event_id)
    if org_ids is not None:
        query = query.where(AwardPlace.org_id.in_(list(org_ids)))
    places: dict[int, dict[str, int]] = {}
    for org_id, tier, count in db.session.execute(query.order_by(AwardPlace.id)):
        places.setdefault(org_id, {})[tier] = count
    return places


def places_view(actor: User, event_id: int) -> PlacesView:
    """The award places of a unit event as ``actor`` may see them (403 for anyone else)."""
    event = get_event(actor, event_id)
    _unit_event(event)
    contest = event.contest
    children = _children(event)
    may_set = policy.can_manage(actor, contest)
    if may_set:
        shown = children
    else:
        shown = [child for child in children if policy.sees_award_places_of(actor, child)]
        require(bool(shown), MANAGE_PLACES, host=contest.host.name)
    tiers = award_scheme_of(event).tiers
    places = _places(event.id, [u.id for u in shown])
    totals = {t.name: sum(p.get(t.name, 0) for p in places.values()) for t in tiers}
    return PlacesView(event, tiers, shown, places, totals, may_set, contest.status not in states.PUBLISHED)


def set_award_places(actor: User, event_id: int, places: Mapping[int, Mapping[str, int | None]]) -> int:
    """The host hands down its award places: ``places`` maps each child unit's id to tier → places (None: not set).
    Replaces every earlier row of the event in one transaction; returns the number of rows now set."""
    with transaction():
        event = managed_event(actor, event_id, MANAGE_PLACES)
        _unit_event(event)
        if event.contest.status in states.PUBLISHED:
            raise DomainError(N_("The results are published; award places can no longer change."))
        children = {o.id for o in _children(event)}
        unknown = set(places) - children
        if unknown:
            raise DomainError(N_("Award places are handed down only to the units directly below %(host)s."),
                              host=event.contest.host.name)
        cleaned = {org_id: {tier: value for tier, value in given.items() if value is not None}
                   for org_id, given in places.items()}
        cleaned = {org_id: given for org_id, given in cleaned.items() if given}
        awards.check_award_places(award_scheme_of(event), cleaned)
        db.session.execute(delete(AwardPlace).where(AwardPlace.event_id == event.id))
        rows = [{"event_id": event.id, "org_id": org_id, "tier": tier, "places": value, "set_by_id": actor.id}
                for org_id, given in cleaned.items() for tier, value in given.items()]
        if rows:
            db.session.execute(insert(AwardPlace), rows)
        audit(actor, "award_places.set", "event", event.id, places={str(k): dict(v) for k, v in cleaned.items()})
        logger.info("%s set %d award place row(s) for event %s", actor.username, len(rows), event.id)
    return len(rows)


def for_ranking(event: Event, entry_ids: Iterable[int]) -> dict:
    """The keyword arguments of ``domain.awards.assign_awards`` for the places handed down in ``event``: empty when
    none are set (the ordinary rules apply), else ``places_by_group`` (child unit → tier → places, tiers of the
    current scheme only), ``group_of`` (nomination → the child unit of the host containing its entrant) and
    ``group_names``. Two queries."""
    tiers = {t.name for t in award_scheme_of(event).tiers}
    places = {org_id: {t: n for t, n in given.items() if t in tiers} for org_id, given in _places(event.id).items()}
    places = {org_id: given for org_id, given in places.items() if given}
    if not places:
        return {}
    host_id = event.contest.host_id
    group_of: dict[int, int | None] = {}
    ids = list(entry_ids)
    for nomination_id, path in db.session.execute(
        select(Nomination.id, Organisation.path).join(Organisation, Organisation.id == Nomination.org_id).where(Nomination.id.in_(ids))
    ):
        chain = path_ids(path)
        below = chain[chain.index(host_id) + 1:] if host_id in chain else []
        group_of[nomination_id] = below[0] if below else None
    wanted = set(places) | {g for g in group_of.values() if g is not None}
    names = {i: name for i, name in db.session.execute(select(Organisation.id, Organisation.name).where(Organisation.id.in_(wanted)))}
    return {"places_by_group": places, "group_of": group_of, "group_names": names}
