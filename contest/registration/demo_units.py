"""Demo data for unit enrolment (安康杯, issue 14 part 1): the host's award places handed down to its counties, and
a few enterprises' enrolments left waiting for their county's approval, for the README tour.

``seed_unit_enrolment`` works on a unit event that another seeder built (the demo 安康杯); it writes through the
services only (``award_places.set_award_places``, ``registration.enrol_units``), so the demo shows exactly what the
pages would have written. Deterministic: units are taken in tree order.

Imports: models, extensions, services. Imported by: the demo seeder (``contest.seed``) only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select

from contest.domain.orgtree import OrgLevel
from contest.extensions import db
from contest.models import Event, Nomination, Organisation, Role, User, UserRole
from contest.services import award_places, registration
from contest.services.contests import award_scheme_of


@dataclass(frozen=True)
class UnitEnrolmentDemo:
    places: dict[str, dict[str, int]]  # county name → tier → places
    pending: list[Nomination]  # enrolments waiting at their county


def _organiser_of(org_id: int) -> User | None:
    return db.session.scalar(
        select(User).join(UserRole, UserRole.user_id == User.id)
        .where(User.org_id == org_id, User.active.is_(True), UserRole.role == Role.ORGANISER).order_by(User.id).limit(1)
    )


def seed_unit_enrolment(event: Event, places: Mapping[str, int | Mapping[str, int]], pending: int = 2) -> UnitEnrolmentDemo:
    """Hand down ``places`` (county name → places of the event's first award tier, or tier name → places) as the
    host's organiser, then let ``pending`` enterprises of those counties that are not entered yet enrol themselves
    through their own organiser, so their entries wait at the county. Call it while registration is open (the
    enrolments need it; the places do not). Raises ``LookupError`` for a county name that is not below the host or
    a host without an organiser."""
    host = event.contest.host
    host_organiser = _organiser_of(host.id)
    if host_organiser is None:
        raise LookupError(f"{host.name} has no organiser")
    counties = {o.name: o for o in db.session.scalars(select(Organisation).where(Organisation.parent_id == host.id))}
    first_tier = award_scheme_of(event).tiers[0].name
    given: dict[str, dict[str, int]] = {}
    for name, value in places.items():
        if name not in counties:
            raise LookupError(f"{name} is not directly below {host.name}")
        given[name] = {first_tier: int(value)} if isinstance(value, int) else {t: int(n) for t, n in value.items()}
    award_places.set_award_places(host_organiser, event.id, {counties[n].id: dict(v) for n, v in given.items()})

    written: list[Nomination] = []
    entered = registration.entered_unit_ids(event.id)
    for name in given:
        if len(written) >= pending:
            break
        enterprises = db.session.scalars(
            select(Organisation).where(Organisation.path.startswith(counties[name].path), Organisation.level == OrgLevel.ENTERPRISE,
                                       Organisation.active.is_(True)).order_by(Organisation.path)
        )
        for enterprise in enterprises:
            organiser = _organiser_of(enterprise.id) if enterprise.id not in entered else None
            if organiser is None:
                continue
            written += registration.enrol_units(organiser, event.id, [enterprise.id])
            break
    return UnitEnrolmentDemo(given, written)
