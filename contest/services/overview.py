"""An organiser's contests with their state and next steps, for his home page.

The facts of every listed contest are read in a fixed number of queries (one per kind of fact, grouped
by contest), then ``contest.domain.next_steps`` decides what to show.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from flask_babel import to_user_timezone
from sqlalchemy import and_, exists, func, or_, select

from contest.clock import today
from contest.domain.contests import REVIEWING, ContestStatus
from contest.domain.next_steps import ContestProgress, Step, next_steps
from contest.domain.nominations import NominationStatus
from contest.extensions import db
from contest.models import Contest, Draw, Event, Nomination, Objection, Organisation, Publication, Quota, SignOff, User

MAX_CONTESTS = 12


@dataclass(frozen=True)
class ContestOverview:
    contest: Contest
    steps: list[Step]


def my_contests(user: User, limit: int = MAX_CONTESTS) -> list[ContestOverview]:
    """Contests hosted by the user's unit that are not final, and the final ones of this and last year;
    then contests hosted above it that are being prepared or taking entries. Most pressing first."""
    org = user.org
    this_year = today().year
    hosted = and_(Contest.host_id == org.id, or_(Contest.status != ContestStatus.FINAL, Contest.year >= this_year - 1))
    above = and_(Contest.host_id.in_(org.ancestor_ids), Contest.status.in_(REVIEWING))
    contests = list(db.session.scalars(
        select(Contest).where(or_(hosted, above) if org.ancestor_ids else hosted)
        .order_by(Contest.status == ContestStatus.FINAL, Contest.year.desc(), Contest.registration_closes, Contest.id.desc())
        .limit(limit)
    ))
    if not contests:
        return []
    ids = [c.id for c in contests]

    def grouped(query) -> dict[int, int]:
        return dict(db.session.execute(query).all())

    events = grouped(select(Event.contest_id, func.count(Event.id)).where(Event.contest_id.in_(ids)).group_by(Event.contest_id))
    waiting = grouped(
        select(Event.contest_id, func.count(Nomination.id)).join(Event, Event.id == Nomination.event_id)
        .where(Event.contest_id.in_(ids), Nomination.waiting_org_id == org.id, Nomination.status == NominationStatus.PENDING)
        .group_by(Event.contest_id)
    )
    allocated: dict[int, list[int]] = defaultdict(list)
    for contest_id, event_id in db.session.execute(
        select(Event.contest_id, Event.id).join(Quota, Quota.event_id == Event.id)
        .where(Event.contest_id.in_(ids), Quota.org_id == org.id, Quota.places > 0).order_by(Event.position, Event.id)
    ):
        allocated[contest_id].append(event_id)
    handed_down = set(db.session.scalars(
        select(Quota.event_id).join(Organisation, Organisation.id == Quota.org_id)
        .join(Event, Event.id == Quota.event_id).where(Event.contest_id.in_(ids), Organisation.parent_id == org.id)
    ))
    has_units_below = db.session.scalar(select(exists().where(Organisation.parent_id == org.id, Organisation.active.is_(True))))
    with_entries = exists().where(Nomination.event_id == Event.id, Nomination.status == NominationStatus.CONFIRMED)
    without_draw = grouped(
        select(Event.contest_id, func.count(Event.id)).where(Event.contest_id.in_(ids), with_entries, ~exists().where(Draw.event_id == Event.id))
        .group_by(Event.contest_id)
    )
    unsigned = grouped(
        select(Event.contest_id, func.count(Event.id)).where(Event.contest_id.in_(ids), with_entries, ~exists().where(SignOff.event_id == Event.id))
        .group_by(Event.contest_id)
    )
    objections = grouped(
        select(Event.contest_id, func.count(Objection.id)).join(Event, Event.id == Objection.event_id)
        .where(Event.contest_id.in_(ids), Objection.status == "open").group_by(Event.contest_id)
    )
    notices = grouped(select(Publication.contest_id, Publication.notice_until).where(Publication.contest_id.in_(ids)))

    on, result = today(), []
    for contest in contests:
        notice = notices.get(contest.id)
        progress = ContestProgress(
            status=contest.status, hosted=contest.host_id == org.id,
            registration_opens=contest.registration_opens, registration_closes=contest.registration_closes,
            events=events.get(contest.id, 0), waiting=waiting.get(contest.id, 0),
            allocated_events=tuple(allocated.get(contest.id, ())),
            handed_down_events=frozenset(e for e in allocated.get(contest.id, ()) if e in handed_down),
            has_units_below=bool(has_units_below),
            events_without_draw=without_draw.get(contest.id, 0), events_unsigned=unsigned.get(contest.id, 0),
            open_objections=objections.get(contest.id, 0),
            notice_until=to_user_timezone(notice).date() if notice else None,
        )
        result.append(ContestOverview(contest, next_steps(progress, on)))
    return result
