"""Results: compute the ranking of a signed-off event (scores → aggregation → ranking → awards → stored rows),
publish the contest for its notice period (公示), take and resolve objections (异议), finalise, and promote
the top entries of a preliminary into its final.

One path per rule: totals come from ``domain.scoring``, ranks from ``domain.ranking``, awards and titles from
``domain.awards``; this module only loads facts and stores what they return.
"""

from __future__ import annotations

import dataclasses
import gc
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import joinedload

from contest.clock import format_local, today
from contest.domain import awards, ranking, scoring
from contest.domain.contests import ContestStatus, same_trade
from contest.domain.errors import N_, DomainError
from contest.domain.identity import age_on
from contest.domain.nominations import NominationStatus
from contest.extensions import db
from contest.models import (
    Contest,
    Event,
    EventResult,
    EventResultNote,
    Nomination,
    NominationMember,
    NominationStep,
    Objection,
    Publication,
    User,
    WorkerProfile,
    utcnow,
)
from contest.models.org import unit_path_loader
from contest.services import NotFound, audit, notifications, transaction
from contest.services.contests import (
    award_scheme_of,
    can_manage,
    get_contest,
    get_event,
    require_host,
    shows_full_names,
)
from contest.services.judging import rubric_of, sign_off_of, value_text

logger = logging.getLogger(__name__)

MAX_OBJECTION = 1000
MANAGE_RESULTS = N_("Only organisers of %(host)s manage the results.")


@contextmanager
def paused_gc() -> Iterator[None]:
    """Building hundreds of thousands of small objects with no cycles: the cyclic collector only slows it."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _x100(value: Decimal) -> int:
    return int((value * 100).to_integral_value())


# ---------------------------------------------------------------------------------------------- computing


def compute_results(actor: User, event_id: int) -> list[EventResult]:
    """Rank a signed-off event and store its results (replacing earlier ones, e.g. after a correction)."""
    with transaction():
        event = get_event(actor, event_id)
        require_host(actor, event.contest, MANAGE_RESULTS)
        if event.contest.status == ContestStatus.FINAL:
            raise DomainError(N_("The results are final."))
        if sign_off_of(event.id) is None:
            raise DomainError(N_("The chief judge has not signed this event off yet."))
        count = _rank(event)
        audit(actor, "results.compute", "event", event.id, entries=count)
    return list(db.session.scalars(select(EventResult).where(EventResult.event_id == event.id).order_by(EventResult.rank, EventResult.id)))


def _rank(event: Event) -> int:
    """Scores → totals → ranks → awards → stored rows (in the current transaction); returns the number of entries.

    A head-to-head event is ranked by its bracket's final placements instead (shown with league points or
    matches won); awards and titles then follow exactly as for a scored event."""
    shown: dict[int, int] | None = None
    if event.bracket_format:
        from contest.services.brackets import ranked_entries

        ranked, shown = ranked_entries(event)
    else:
        totals = scoring.compute_grouped_results(rubric_of(event), _grouped_marks(event.id))
        # In entry order, not in the order the database returned the marks (which changes as rows are updated):
        # entries still tied keep their input order, so the ranking must not depend on the storage.
        contenders = [
            ranking.Contender(entry_id, r.total, r.component_totals, r.criterion_values) for entry_id, r in sorted(totals.items())
        ]
        ranked = ranking.rank_entries(contenders, ranking.tie_breakers_from_spec([tuple(t) for t in event.tie_breakers or []]))
    scheme = award_scheme_of(event)
    if event.bracket_format and scheme.min_score is not None:
        scheme = dataclasses.replace(scheme, min_score=None)  # places, not marks: a minimum score has no meaning
    result = awards.assign_awards(ranked, scheme, _attributes(event) if scheme.titles else {})
    outcomes = result.by_entry()
    db.session.execute(delete(EventResult).where(EventResult.event_id == event.id))
    db.session.execute(delete(EventResultNote).where(EventResultNote.event_id == event.id))
    now = utcnow()
    rows = [
        {"event_id": event.id, "nomination_id": r.entry_id, "rank": r.rank,
         "total_x100": shown[r.entry_id] if shown is not None else _x100(r.total),
         "components": {str(k): str(v) for k, v in r.contender.component_totals.items()},
         "award": outcomes[r.entry_id].tier, "titles": list(outcomes[r.entry_id].titles), "decided_by": r.decided_by,
         "computed_at": now}
        for r in ranked
    ]
    if rows:
        db.session.execute(insert(EventResult.__table__), rows)  # Core: no ORM bookkeeping for 10,000 rows
    notes = [{"event_id": event.id, "code": n.code, "message": n.message,
              "params": {k: v if isinstance(v, int | str) else str(v) for k, v in n.params.items()}}
             for n in result.notes]
    if notes:
        db.session.execute(insert(EventResultNote), notes)
    return len(rows)


def _grouped_marks(event_id: int) -> dict[int, dict[int, list[Decimal]]]:
    """Every score of the event as ``{entry: {criterion: [values]}}``: fetched with the driver's cursor in the
    session's transaction (no ORM or Row objects for 500,000 scores), one Decimal per distinct value."""
    connection = db.session.connection()
    marker = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    cursor = connection.connection.cursor()  # the driver's cursor: plain tuples, no Row objects
    decimals: dict[int, Decimal] = {}
    grouped: dict[int, dict[int, list[Decimal]]] = {}
    with paused_gc():
        cursor.execute(f"SELECT nomination_id, criterion_id, value_x100 FROM scores WHERE event_id = {marker}", (event_id,))
        rows = cursor.fetchall()
        cursor.close()
        for entry_id, criterion_id, x100 in rows:
            value = decimals.get(x100)
            if value is None:
                value = decimals[x100] = Decimal(x100) / 100
            per_criterion = grouped.get(entry_id)
            if per_criterion is None:
                grouped[entry_id] = {criterion_id: [value]}
            elif criterion_id in per_criterion:
                per_criterion[criterion_id].append(value)
            else:
                per_criterion[criterion_id] = [value]
    return grouped


def _attributes(event: Event) -> dict[int, dict]:
    """Title attributes per entry: ``age`` on the contest date (the oldest member's, for a team)."""
    on = event.contest.contest_date or today()
    ages: dict[int, int] = {}
    rows = db.session.execute(
        select(NominationMember.nomination_id, WorkerProfile.resident_id)
        .join(WorkerProfile, WorkerProfile.user_id == NominationMember.user_id)
        .join(Nomination, Nomination.id == NominationMember.nomination_id)
        .where(Nomination.event_id == event.id, Nomination.status == NominationStatus.CONFIRMED)
    )
    for nomination_id, resident_id in rows:
        age = age_on(resident_id, on)
        ages[nomination_id] = max(age, ages.get(nomination_id, 0))
    return {n: {"age": a} for n, a in ages.items()}


# ---------------------------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class ResultLine:
    rank: int
    number: int | None
    name: str
    unit: str
    components: tuple[str, ...]
    total: str
    award: str
    titles: tuple[str, ...]
    decided_by: str | None
    nomination_id: int


def result_lines(event: Event, viewer: User | None) -> list[ResultLine]:
    """The stored ranking as ``viewer`` may see it (``viewer=None``: the public), in two queries; names in full or
    masked by the one rule, ``contests.shows_full_names``."""
    masked = not shows_full_names(viewer, event.contest)
    results = list(db.session.scalars(
        select(EventResult).where(EventResult.event_id == event.id)
        .options(unit_path_loader(EventResult.nomination, Nomination.org))
        .order_by(EventResult.rank, EventResult.id)
    ))
    component_ids = [str(c.id) for c in event.components]
    lines = []
    for r in results:
        n = r.nomination
        lines.append(ResultLine(
            r.rank, n.competitor_number, n.shown_name(masked), n.org.label,
            tuple(f"{Decimal(r.components.get(c, '0')):.2f}" for c in component_ids), value_text(r.total_x100),
            r.award or "", tuple(r.titles or ()), r.decided_by, n.id,
        ))
    return lines


def notes_of(event: Event) -> list[EventResultNote]:
    return list(db.session.scalars(select(EventResultNote).where(EventResultNote.event_id == event.id).order_by(EventResultNote.id)))


def publication_of(contest: Contest) -> Publication | None:
    return db.session.scalar(select(Publication).where(Publication.contest_id == contest.id))


def can_see_results(user: User | None, event: Event) -> bool:
    """Published results are public; before that only the host's organisers and the event's chief judge."""
    if event.contest.status in (ContestStatus.PUBLISHED, ContestStatus.FINAL):
        return True
    if user is None or not user.is_authenticated:
        return False
    from contest.services.judging import assignment_of

    assignment = assignment_of(user, event.id)
    return can_manage(user, event.contest) or (assignment is not None and assignment.is_chief)


# ---------------------------------------------------------------------------------------------- publication


def publish(actor: User, contest_id: int, notice_days: int | None = None) -> Publication:
    """Start the public notice: every event with entries must have computed results."""
    with transaction():
        contest = get_contest(actor, contest_id)
        require_host(actor, contest, MANAGE_RESULTS)
        if contest.status != ContestStatus.SCORED:
            raise DomainError(N_("Only a scored contest can be published (every event signed off by its chief judge)."))
        missing = db.session.scalar(
            select(func.count(func.distinct(Nomination.event_id)))
            .join(Event, Event.id == Nomination.event_id)
            .where(Event.contest_id == contest.id, Nomination.status == NominationStatus.CONFIRMED,
                   ~select(EventResult.id).where(EventResult.event_id == Event.id).exists())
        )
        if missing:
            raise DomainError(N_("Compute the results of every event first (%(count)d left)."), count=missing)
        days = contest.notice_days if notice_days is None else int(notice_days)
        if not 1 <= days <= 30:
            raise DomainError(N_("The notice period is 1 to 30 days."))
        contest.notice_days = days
        now = utcnow()
        publication = Publication(contest_id=contest.id, published_at=now, notice_until=now + timedelta(days=days), published_by_id=actor.id)
        db.session.add(publication)
        contest.status = ContestStatus.PUBLISHED
        for event_id, event_name, user_ids in _entrants_by_event(contest.id):
            notifications.notify_many(user_ids, "results_published", event_id=event_id, event=event_name, contest=contest.title)
        audit(actor, "results.publish", "contest", contest.id, notice_days=days)
    return publication


def _entrants_by_event(contest_id: int) -> list[tuple[int, str, list[int]]]:
    """For each event of the contest with results, the members of its ranked entries."""
    by_event: dict[tuple[int, str], list[int]] = {}
    for event_id, event_name, user_id in db.session.execute(
        select(Event.id, Event.name, NominationMember.user_id)
        .join(EventResult, EventResult.event_id == Event.id)
        .join(NominationMember, NominationMember.nomination_id == EventResult.nomination_id)
        .where(Event.contest_id == contest_id).order_by(Event.position, Event.id)
    ):
        by_event.setdefault((event_id, event_name), []).append(user_id)
    return [(event_id, name, users) for (event_id, name), users in by_event.items()]


def file_objection(actor: User, event_id: int, text: str, nomination_id: int | None = None) -> Objection:
    """Any logged-in user may object during the notice period."""
    text = (text or "").strip()
    with transaction():
        event = db.session.get(Event, event_id)
        if event is None:
            raise NotFound(N_("This event does not exist."))
        publication = publication_of(event.contest)
        if event.contest.status != ContestStatus.PUBLISHED or publication is None or utcnow() > publication.notice_until:
            raise DomainError(N_("Objections can only be filed during the public notice."))
        if not text:
            raise DomainError(N_("Describe the objection."))
        if len(text) > MAX_OBJECTION:
            raise DomainError(N_("The objection is longer than %(limit)d characters."), limit=MAX_OBJECTION)
        if nomination_id is not None and db.session.scalar(
            select(EventResult.id).where(EventResult.event_id == event.id, EventResult.nomination_id == nomination_id)
        ) is None:
            raise DomainError(N_("Choose an entry of this event."))
        objection = Objection(event_id=event.id, nomination_id=nomination_id, filed_by_id=actor.id, text=text)
        db.session.add(objection)
        db.session.flush()
        audit(actor, "objection.file", "event", event.id, objection=objection.id)
    return objection


def resolve_objection(actor: User, objection_id: int, upheld: bool, resolution: str) -> Objection:
    """The host answers an objection. An upheld objection is corrected through the judging correction path
    (the chief judge corrects the scores); the results are then recomputed here."""
    resolution = (resolution or "").strip()
    with transaction():
        objection = db.session.get(Objection, objection_id)
        if objection is None:
            raise NotFound()
        event = objection.event
        require_host(actor, event.contest, MANAGE_RESULTS)
        if objection.status != "open":
            raise DomainError(N_("This objection has already been answered."))
        if not resolution:
            raise DomainError(N_("Write the answer to the objection; the person who filed it will see it."))
        objection.status = "upheld" if upheld else "dismissed"
        objection.resolution = resolution[:MAX_OBJECTION]
        objection.resolved_by_id, objection.resolved_at = actor.id, utcnow()
        if upheld:
            before = _standings(event.id)
            _rank(event)  # scores may have been corrected by the chief judge meanwhile
            objection.changes = _changes(before, _standings(event.id))
        notifications.notify(objection.filed_by_id, "objection_answered", objection=objection.id, decision=objection.status,
                             event=event.name, contest=event.contest.title)
        audit(actor, "objection.resolve", "event", event.id, objection=objection.id, upheld=upheld,
              changed=len(objection.changes or []))
    return objection


def _standings(event_id: int) -> dict[int, dict]:
    return {nomination_id: {"rank": rank, "award": award or "", "titles": list(titles or [])}
            for nomination_id, rank, award, titles in db.session.execute(
                select(EventResult.nomination_id, EventResult.rank, EventResult.award, EventResult.titles)
                .where(EventResult.event_id == event_id))}


def _changes(before: dict[int, dict], after: dict[int, dict]) -> list[dict]:
    """The entries whose rank, award or titles an upheld objection moved, in their new order."""
    empty = {"rank": None, "award": "", "titles": []}
    moved = [{"nomination_id": n, "before": before.get(n, empty), "after": after.get(n, empty)}
             for n in before.keys() | after.keys() if before.get(n, empty) != after.get(n, empty)]
    return sorted(moved, key=lambda c: (c["after"]["rank"] is None, c["after"]["rank"] or 0, c["nomination_id"]))


@dataclass(frozen=True)
class ObjectionChange:
    name: str  # masked, as on public pages
    before: dict
    after: dict


def changes_of(objection: Objection) -> list[ObjectionChange]:
    """What an upheld objection changed, with the entrants' names masked (the objector is not the host)."""
    ids = [c["nomination_id"] for c in objection.changes or []]
    nominations = {n.id: n for n in db.session.scalars(
        select(Nomination).where(Nomination.id.in_(ids)).options(joinedload(Nomination.members).joinedload(NominationMember.user))
    ).unique()} if ids else {}
    return [ObjectionChange(nominations[c["nomination_id"]].shown_name(masked=True) if c["nomination_id"] in nominations else "",
                            c["before"], c["after"]) for c in objection.changes or []]


def my_objections(user: User, limit: int | None = None) -> list[Objection]:
    """The objections the user filed, newest first, with their answers."""
    return list(db.session.scalars(
        select(Objection).where(Objection.filed_by_id == user.id)
        .options(joinedload(Objection.event).joinedload(Event.contest)).order_by(Objection.filed_at.desc(), Objection.id.desc())
        .limit(limit)
    ))


@dataclass(frozen=True)
class ObjectionSummary:
    """What the public may know about the objections to an event: counts and dates, nobody's name or words."""

    filed: int
    upheld: int
    dismissed: int
    last_answered_at: object | None

    @property
    def open(self) -> int:
        return self.filed - self.upheld - self.dismissed


def objection_summary(event_id: int) -> ObjectionSummary:
    counts = dict(db.session.execute(
        select(Objection.status, func.count(Objection.id)).where(Objection.event_id == event_id).group_by(Objection.status)
    ).all())
    last = db.session.scalar(select(func.max(Objection.resolved_at)).where(Objection.event_id == event_id))
    return ObjectionSummary(sum(counts.values()), counts.get("upheld", 0), counts.get("dismissed", 0), last)


def open_objections(contest: Contest) -> int:
    return db.session.scalar(
        select(func.count(Objection.id)).join(Event).where(Event.contest_id == contest.id, Objection.status == "open")
    ) or 0


def finalise(actor: User, contest_id: int) -> Contest:
    """After the notice period and with no open objection the results become final."""
    with transaction():
        contest = get_contest(actor, contest_id)
        require_host(actor, contest, MANAGE_RESULTS)
        publication = publication_of(contest)
        if contest.status != ContestStatus.PUBLISHED or publication is None:
            raise DomainError(N_("Publish the results first."))
        if utcnow() < publication.notice_until:
            raise DomainError(N_("The public notice runs until %(until)s."), until=format_local(publication.notice_until))
        count = open_objections(contest)
        if count:
            raise DomainError(N_("%(count)d objections are still open."), count=count)
        contest.status = ContestStatus.FINAL
        publication.finalised_at, publication.finalised_by_id = utcnow(), actor.id
        audit(actor, "results.finalise", "contest", contest.id)
    return contest


# ---------------------------------------------------------------------------------------------- preliminaries → finals


def final_candidates(event: Event) -> list[Event]:
    """Events that ``event`` may feed as a preliminary: the same trade (``domain.contests.same_trade``), in
    contests hosted by a unit above its host that still take or await entries."""
    ancestors = event.contest.host.ancestor_ids
    if not ancestors:
        return []
    candidates = db.session.scalars(
        select(Event).join(Contest).options(joinedload(Event.contest))
        .where(Contest.host_id.in_(ancestors), Contest.status.in_([ContestStatus.DRAFT, ContestStatus.OPEN, ContestStatus.CLOSED]))
        .order_by(Contest.year.desc(), Contest.id, Event.position, Event.id)
    )
    return [final for final in candidates if same_trade(event.trade, final.trade)]


def link_final(actor: User, event_id: int, final_event_id: int | None) -> Event:
    """Make a preliminary event (county or enterprise level) feed an event of a contest hosted above it."""
    with transaction():
        event = get_event(actor, event_id)
        require_host(actor, event.contest, MANAGE_RESULTS)
        if final_event_id is None:
            event.final_event_id = None
            return event
        final = db.session.get(Event, final_event_id)
        if final is None:
            raise NotFound(N_("This event does not exist."))
        host, final_host = event.contest.host, final.contest.host
        if final_host.id == host.id or not host.path.startswith(final_host.path):
            raise DomainError(N_("A preliminary feeds a final hosted by a unit above its own host."))
        if not same_trade(event.trade, final.trade):
            raise DomainError(N_("%(final)s is not the same trade as %(event)s; a preliminary feeds a final of its own trade."),
                              final=final.name, event=event.name)
        event.final_event_id = final.id
        audit(actor, "event.link_final", "event", event.id, final=final.id)
    return event


def promote(actor: User, event_id: int, count: int | None = None) -> list[Nomination]:
    """Enter the top ``count`` (default: the preliminary host's quota in the final, else 3) of a final
    preliminary into its final as confirmed-at-this-level nominations, recording where they came from."""
    from contest.domain.quotas import check_approval
    from contest.services.registration import entered_user_ids, lock_event, quota_facts

    with transaction():
        event = get_event(actor, event_id)
        require_host(actor, event.contest, MANAGE_RESULTS)
        if event.contest.status != ContestStatus.FINAL:
            raise DomainError(N_("Only final results can be promoted."))
        final = db.session.get(Event, event.final_event_id) if event.final_event_id else None
        if final is None:
            raise DomainError(N_("Link this event to a final first."))
        if final.contest.status not in (ContestStatus.OPEN, ContestStatus.CLOSED):
            raise DomainError(N_("The final is not taking entries."))
        lock_event(final)
        host = event.contest.host
        facts = quota_facts(final)
        if count is None:
            limit = facts.limit(host)
            count = limit if limit is not None else 3
        results = list(db.session.scalars(
            select(EventResult).where(EventResult.event_id == event.id, EventResult.rank <= count).order_by(EventResult.rank)
        ))
        source = f"{event.contest.title} · {event.name}"
        already = set(db.session.scalars(select(Nomination.source).where(Nomination.event_id == final.id, Nomination.source.is_not(None))))
        created = []
        chain = [int(p) for p in host.path.strip("/").split("/")][::-1]
        final_chain = chain[: chain.index(final.contest.host_id) + 1]
        entered = entered_user_ids(final.id)
        for result in results:
            tag = f"{source} #{result.rank} ({result.nomination_id})"
            prelim = result.nomination
            if tag in already or any(m.user_id in entered for m in prelim.members):
                continue
            level = final_chain.index(host.id) + 1
            check_approval(unit_name=host.name, limit=facts.limit(host), used=facts.used[host.id])
            facts.used.update([host.id])
            nomination = Nomination(
                event_id=final.id, org_id=host.id, chain="/" + "".join(f"{i}/" for i in final_chain), level=level,
                waiting_org_id=final_chain[level] if level < len(final_chain) else None,
                status=NominationStatus.PENDING if level < len(final_chain) else NominationStatus.CONFIRMED,
                team_name=prelim.team_name, created_by_id=actor.id, source=tag,
            )
            nomination.members = [NominationMember(event_id=final.id, user_id=m.user_id, live=True, position=m.position) for m in prelim.members]
            nomination.steps = [NominationStep(actor_id=actor.id, org_id=host.id, action="promote",
                                               reason=f"{source} 第{result.rank}名")]
            db.session.add(nomination)
            created.append(nomination)
        db.session.flush()
        audit(actor, "results.promote", "event", event.id, final=final.id, count=len(created))
        notifications.notify_progress(created)
    return created


def visible_publications(user: User | None):
    """Contests in notice or final, newest first (the public results list)."""
    return select(Contest).where(Contest.status.in_([ContestStatus.PUBLISHED, ContestStatus.FINAL])).order_by(Contest.year.desc(), Contest.id.desc())
