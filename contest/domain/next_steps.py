"""What an organiser should do next in each of his contests (the home page's "my contests").

``next_steps(progress, today)`` turns the facts of one contest, as seen from the organiser's unit, into
ordered steps. Each step has a message (a msgid with parameters, translated by the web layer) and a
target the page links to: ``contest`` (the contest page), ``quotas`` (the quota page of ``event_id``),
or ``waiting`` (the approval queue).

Rules, for the contest's host:

* draft: no events → add the events; else → check the events and open registration.
* open: before the window → "registration opens on …"; within it → "registration closes on …".
* open or closed: nominations waiting at the unit → "N nominations wait for your approval".
* closed: events with confirmed entries but no draw → "hold the draw for N events"; none → start the contest.
* running: events with entries not yet signed off → "N events wait for the chief judge's sign-off".
* scored: compute the results and publish them.
* published: open objections → "N objections to answer"; then "notice period until …, then finalise".
* final: issue the certificates.

For a unit below the host (the contest is hosted above it), while registration is being prepared or open:

* places allocated to the unit in some events, the unit has units below it and has not handed places down
  in all of those events → "places have been allocated to you: allocate them to your units";
* nominations waiting at the unit → "N nominations wait for your approval";
* open → "registration closes on …".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from contest.domain import contests as states
from contest.domain.contests import ContestStatus
from contest.domain.errors import N_


@dataclass(frozen=True)
class ContestProgress:
    status: ContestStatus
    hosted: bool  # the organiser's unit hosts the contest
    registration_opens: date | None = None
    registration_closes: date | None = None
    events: int = 0
    waiting: int = 0  # nominations waiting at the organiser's unit
    allocated_events: tuple[int, ...] = ()  # events in which the unit received places
    handed_down_events: frozenset[int] = field(default_factory=frozenset)  # events in which it allocated below
    has_units_below: bool = False
    events_without_draw: int = 0
    events_unsigned: int = 0
    open_objections: int = 0
    notice_until: date | None = None


@dataclass(frozen=True)
class Step:
    message: str
    target: str
    params: dict = field(default_factory=dict)
    urgent: bool = False
    event_id: int | None = None


PREPARING = states.PREPARING


def _window(p: ContestProgress, today: date) -> list[Step]:
    if p.status != ContestStatus.OPEN or p.registration_closes is None:
        return []
    if p.registration_opens is not None and today < p.registration_opens:
        return [Step(N_("Registration opens on %(date)s."), "contest", {"date": p.registration_opens.isoformat()})]
    return [Step(N_("Registration closes on %(date)s."), "contest", {"date": p.registration_closes.isoformat()})]


def _waiting(p: ContestProgress) -> list[Step]:
    if p.waiting and p.status in states.REVIEWING:
        return [Step(N_("%(count)d nominations wait for your approval."), "waiting", {"count": p.waiting}, urgent=True)]
    return []


def next_steps(p: ContestProgress, today: date) -> list[Step]:
    """The steps for one contest, most pressing first (see the module's rules)."""
    if not p.hosted:
        if p.status not in PREPARING:
            return []
        steps = []
        pending = [e for e in p.allocated_events if e not in p.handed_down_events]
        if p.has_units_below and pending:
            steps.append(Step(N_("Places have been allocated to your unit: allocate them to your units."), "quotas",
                              urgent=True, event_id=pending[0]))
        return steps + _waiting(p) + _window(p, today)
    if p.status == ContestStatus.DRAFT:
        if not p.events:
            return [Step(N_("Add the events."), "contest", urgent=True)]
        return [Step(N_("Check the events and open registration."), "contest")]
    if p.status == ContestStatus.OPEN:
        return _waiting(p) + _window(p, today)
    if p.status == ContestStatus.CLOSED:
        steps = _waiting(p)
        if p.events_without_draw:
            steps.append(Step(N_("Hold the draw for %(count)d events."), "contest", {"count": p.events_without_draw}, urgent=True))
        elif not p.waiting:
            steps.append(Step(N_("Every draw is held: start the contest."), "contest"))
        return steps
    if p.status == ContestStatus.RUNNING:
        if p.events_unsigned:
            return [Step(N_("%(count)d events wait for the chief judge's sign-off."), "contest", {"count": p.events_unsigned})]
        return []
    if p.status == ContestStatus.SCORED:
        return [Step(N_("Compute the results and publish them."), "contest", urgent=True)]
    if p.status == ContestStatus.PUBLISHED:
        steps = []
        if p.open_objections:
            steps.append(Step(N_("%(count)d objections to answer."), "contest", {"count": p.open_objections}, urgent=True))
        if p.notice_until is not None:
            steps.append(Step(N_("Notice period until %(date)s, then make the results final."), "contest", {"date": p.notice_until.isoformat()}))
        return steps
    return [Step(N_("The results are final: issue the certificates."), "contest")]
