"""The draw (抽签) of competitor numbers, and the documents printed from it (sign-in sheet, Excel list).

After registration closes, the host's organiser (or an administrator) holds one draw per event: the
confirmed entries get the numbers 1…n by ``contest.domain.draw`` with a fresh seed, and the seed, the
algorithm and the number of entries are recorded in ``Draw``, so anyone can recompute the numbers
(``verify_draw``). The draw is final: a second one for the same event is refused, and the unique
constraint on ``draws.event_id`` backs that even for two organisers pressing the button at once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from contest import clock, randomness
from contest.documents.sign_in import render_sign_in_sheet
from contest.documents.xlsx import write_xlsx
from contest.domain.contests import DRAW_HELD
from contest.domain.draw import ALGORITHM, SEED_BITS, draw_numbers
from contest.domain.entrants import EntrantKind
from contest.domain.errors import N_, DomainError
from contest.domain.identity import mask_resident_id
from contest.domain.nominations import NominationStatus
from contest.extensions import db
from contest.loaders import managed_event
from contest.models import Draw, Event, Nomination, NominationMember, Organisation, User
from contest.models.org import unit_path_loader
from contest.services import audit, transaction
from contest.services import search as search_service
from contest.services.registration import lock_event

logger = logging.getLogger(__name__)


def _managed_event(actor: User, event_id: int) -> Event:
    return managed_event(actor, event_id, N_("Only organisers of %(host)s hold the draw and print its lists."))


def _confirmed_ids(event_id: int) -> list[int]:
    return list(db.session.scalars(
        select(Nomination.id).where(Nomination.event_id == event_id, Nomination.status == NominationStatus.CONFIRMED)
        .order_by(Nomination.id)
    ))


def get_draw(event_id: int) -> Draw | None:
    return db.session.scalar(select(Draw).where(Draw.event_id == event_id))


def hold_draw(actor: User, event_id: int) -> Draw:
    """Number the event's confirmed entries by a recorded random draw.

    Refused unless the actor manages the contest, the contest's registration is closed (status
    ``closed``), no nomination of the event still waits for approval, the event has at least one
    confirmed entry, and no draw has been held for it yet.
    """
    with transaction():
        event = _managed_event(actor, event_id)
        lock_event(event)
        if get_draw(event.id) is not None:
            raise DomainError(N_("The draw for %(event)s has already been held; it is final."), event=event.name)
        if event.contest.status not in DRAW_HELD:
            raise DomainError(N_("Hold the draw after registration has closed."))
        pending = db.session.scalar(
            select(func.count(Nomination.id)).where(Nomination.event_id == event.id, Nomination.status == NominationStatus.PENDING)
        )
        if pending:
            raise DomainError(
                N_("%(count)d nominations of %(event)s still wait for approval; approve or reject them before the draw."),
                count=pending, event=event.name,
            )
        ids = _confirmed_ids(event.id)
        if not ids:
            raise DomainError(N_("%(event)s has no confirmed entries; there is nothing to draw."), event=event.name)
        seed = randomness.randbits(SEED_BITS)
        numbers = draw_numbers(ids, seed)
        for nomination in db.session.scalars(select(Nomination).where(Nomination.id.in_(ids))):
            nomination.competitor_number = numbers[nomination.id]
        draw = Draw(event_id=event.id, seed=seed, algorithm=ALGORITHM, entries=len(ids), held_by_id=actor.id)
        db.session.add(draw)
        db.session.flush()
        audit(actor, "draw.hold", "event", event.id, seed=seed, entries=len(ids))
    return draw


def verify_draw(event_id: int) -> bool:
    """True when the recorded seed, recomputed over the confirmed entries, gives exactly the stored numbers
    (and no other nomination of the event carries a number). False when no draw has been held."""
    draw = get_draw(event_id)
    if draw is None or draw.algorithm != ALGORITHM:
        return False
    ids = _confirmed_ids(event_id)
    stored = dict(db.session.execute(
        select(Nomination.id, Nomination.competitor_number)
        .where(Nomination.event_id == event_id, Nomination.competitor_number.is_not(None))
    ).all())
    return len(ids) == draw.entries and draw_numbers(ids, draw.seed) == stored


# ---------------------------------------------------------------------------------------------- documents


@dataclass(frozen=True)
class SignInRow:
    """One line of the sign-in sheet; ``names`` is the worker's name, or the team name with its members."""

    number: int | None
    names: str
    unit: str  # county · enterprise · team (Organisation.label)
    occupation: str
    resident_id: str  # masked; empty for a team
    unit_parts: tuple[str, ...] = ()


def _row(nomination: Nomination) -> SignInRow:
    users = [m.user for m in nomination.members]
    unit = tuple(nomination.org.unit_parts)
    entrant = nomination.entrant
    if entrant.kind != EntrantKind.WORKER:  # a team (its name and members) or a unit (its name)
        occupations = list(dict.fromkeys(u.profile.occupation for u in users if u.profile and u.profile.occupation))
        return SignInRow(nomination.competitor_number, entrant.with_members(), nomination.org.label, "、".join(occupations), "", unit)
    user = users[0]
    profile = user.profile
    return SignInRow(
        nomination.competitor_number, user.name, nomination.org.label,
        profile.occupation if profile else "", mask_resident_id(profile.resident_id) if profile else "", unit,
    )


def sign_in_rows(actor: User, event_id: int) -> list[SignInRow]:
    """The drawn entries of the event by competitor number; names are for the host's organisers only."""
    return [_row(n) for n in db.session.scalars(_drawn(actor, event_id).order_by(Nomination.competitor_number))]


def sign_in_page(actor: User, event_id: int, page: int, per_page: int, search: str = "",
                 unit: Organisation | None = None) -> tuple[list[SignInRow], int]:
    """One page of ``sign_in_rows`` (SQL ``LIMIT``/``OFFSET``) and the number of rows found: ``search`` finds a
    competitor number, a name (or pinyin initials, a team's name) or a unit (``search.entry_clause``), ``unit``
    keeps the entries of that unit's subtree."""
    query = _drawn(actor, event_id)
    if search_service.clean(search):
        query = query.where(search_service.entry_clause(search))
    if unit is not None:
        query = query.where(search_service.unit_clause(Nomination.org_id, unit))
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = db.session.scalars(query.order_by(Nomination.competitor_number).limit(per_page).offset((max(page, 1) - 1) * per_page))
    return [_row(n) for n in rows], total


def _drawn(actor: User, event_id: int):
    """The drawn entries of the event (a select); names are for the host's organisers only."""
    event = _managed_event(actor, event_id)
    if get_draw(event.id) is None:
        raise DomainError(N_("Hold the draw first: the sign-in sheet lists the competitor numbers."))
    return (
        select(Nomination)
        .where(Nomination.event_id == event.id, Nomination.status == NominationStatus.CONFIRMED,
               Nomination.competitor_number.is_not(None))
        .options(unit_path_loader(Nomination.org), selectinload(Nomination.members).selectinload(NominationMember.user).selectinload(User.profile))
    )


def _subtitle(event: Event) -> str:
    contest = event.contest
    parts = [event.name]
    if contest.contest_date:
        parts.append(contest.contest_date.isoformat())
    if contest.venue:
        parts.append(contest.venue)
    return " · ".join(parts)


def sign_in_pdf(actor: User, event_id: int) -> bytes:
    """The printable sign-in sheet (签到表) of the event, A4 portrait, sorted by competitor number."""
    rows = sign_in_rows(actor, event_id)
    event = db.session.get(Event, event_id)
    generated_at = clock.now()
    data = render_sign_in_sheet(event.contest.title, _subtitle(event), rows, generated_at, author=event.contest.issuer)
    logger.info("%s printed the sign-in sheet of event %s (%d entries)", actor.username, event_id, len(rows))
    return data


def draw_xlsx(actor: User, event_id: int) -> bytes:
    """The drawn entries as an Excel workbook, one row per entry, sorted by competitor number."""
    rows = sign_in_rows(actor, event_id)
    event = db.session.get(Event, event_id)
    headers = [_("Number"), _("Full name"), _("Unit"), _("Occupation (工种)"), _("Resident ID number"), _("Signature")]
    return write_xlsx(
        event.name, headers, ([r.number, r.names, r.unit, r.occupation, r.resident_id, ""] for r in rows),
        widths=(8, 30, 36, 14, 22, 14),  # the signature column stays wide enough to sign in
    )
