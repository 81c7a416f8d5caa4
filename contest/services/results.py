"""Results: compute the ranking of a signed-off event (scores → aggregation → ranking → awards → stored rows),
publish the contest for its notice period (公示), take and resolve objections (异议), finalise, and promote
the top entries of a preliminary into its final.

One path per rule: totals come from ``domain.scoring``, ranks from ``domain.ranking``, awards and titles from
``domain.awards``; this module only loads facts and stores what they return.
"""

from __future__ import annotations

import dataclasses
import gc
import json
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from flask import current_app
from sqlalchemy import delete, func, insert, or_, select
from sqlalchemy.orm import joinedload

from contest import clock, policy
from contest.clock import format_local, today
from contest.documents.results_sheet import ResultRow, render_results_sheet
from contest.domain import awards
from contest.domain import contests as states
from contest.domain.contests import ContestStatus, same_trade
from contest.domain.errors import N_, DomainError
from contest.domain.identity import age_on
from contest.domain.nominations import NominationStatus
from contest.domain.orgtree import path_ids
from contest.domain.quotas import check_approval
from contest.extensions import db
from contest.loaders import event_or_404, get_contest, get_event, or_404, require, require_host
from contest.models import (
    Contest,
    Event,
    EventResult,
    EventResultNote,
    Nomination,
    NominationMember,
    Objection,
    Organisation,
    Publication,
    User,
    WorkerProfile,
    utcnow,
)
from contest.models.org import unit_path_loader
from contest.policy import can_see_results as can_see_results  # re-exported for the views and the API
from contest.policy import shows_full_names
from contest.services import NotFound, audit, award_places, nominations, notifications, transaction
from contest.services import search as search_service
from contest.services.contests import award_scheme_of
from contest.services.judging import sign_off_of, value_text
from contest.services.nominations import PlannedNomination
from contest.services.registration import entered_unit_ids, entered_user_ids, lock_event, quota_facts

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
        if event.contest.status in states.FINAL:
            raise DomainError(N_("The results are final."))
        if sign_off_of(event.id) is None:
            raise DomainError(N_("The chief judge has not signed this event off yet."))
        count = rank_and_store(event)
        audit(actor, "results.compute", "event", event.id, entries=count)
    return list(db.session.scalars(select(EventResult).where(EventResult.event_id == event.id).order_by(EventResult.rank, EventResult.id)))


def rank_and_store(event: Event) -> int:
    """``_rank`` (in the current transaction) with the cyclic garbage collector paused. A large event builds a few
    hundred thousand short-lived, acyclic objects (marks, totals, contenders, rows): reference counting frees
    them, and the collector would only walk them, and every other object of the process with them (a worker
    keeps some 400,000: pypinyin's dictionaries alone are 240,000 lists), in a full collection that took
    0.5–0.7 s of a 10,000-entry ranking."""
    with paused_gc():
        return _rank(event)


def _rank(event: Event) -> int:
    """Ranking input → awards → stored rows (in the current transaction); returns the number of entries.

    The event's decision method supplies the entries in rank order (``event.method.ranking_input``: marks
    ranked with the tie-breakers, or a bracket's final placements shown with league points or matches won);
    awards and titles then follow the same way for every method."""
    given = event.method.ranking_input(event)
    ranked, shown = given.ranked, given.shown_x100
    scheme = award_scheme_of(event)
    if not given.marks and scheme.min_score is not None:
        scheme = dataclasses.replace(scheme, min_score=None)  # places, not marks: a minimum score has no meaning
    places = award_places.for_ranking(event, [r.entry_id for r in ranked])  # 名额下达: tiers per child unit, if set
    excluded = given.excluded  # e.g. an indicator sheet's 一票否决: no award, rank and total kept
    result = awards.assign_awards(ranked, scheme, _attributes(event) if scheme.titles else {}, excluded, **places)
    outcomes = result.by_entry()
    db.session.execute(delete(EventResult).where(EventResult.event_id == event.id))
    db.session.execute(delete(EventResultNote).where(EventResultNote.event_id == event.id))
    now = utcnow()
    rows = [
        {"event_id": event.id, "nomination_id": r.entry_id, "rank": r.rank,
         "total_x100": shown[r.entry_id] if shown is not None else _x100(r.total),
         "components": {str(k): str(v) for k, v in r.contender.component_totals.items()},
         "award": outcomes[r.entry_id].tier, "titles": list(outcomes[r.entry_id].titles), "decided_by": r.decided_by,
         "computed_at": now, "excluded_reason": excluded.get(r.entry_id)}
        for r in ranked
    ]
    if rows:
        _store_results(rows)
    notes = [{"event_id": event.id, "code": n.code, "message": n.message,
              "params": {k: v if isinstance(v, int | str) else str(v) for k, v in n.params.items()}}
             for n in result.notes]
    if notes:
        db.session.execute(insert(EventResultNote), notes)
    return len(rows)


#: The columns ``_rank``'s rows fill, in the order PostgreSQL's COPY receives them.
_RESULT_COLUMNS = ("event_id", "nomination_id", "rank", "total_x100", "components", "award", "titles", "decided_by",
                   "excluded_reason", "computed_at")
_COPY_RESULTS = f"COPY event_results ({', '.join(_RESULT_COLUMNS)}) FROM STDIN"


def _store_results(rows: list[dict]) -> None:
    """Insert the rows ``_rank`` computed (one event, one time) in the current transaction: Core, no ORM
    bookkeeping. On PostgreSQL with COPY, on the session's connection: no statement to plan per row and no
    document to parse (an insert from one JSON document took twice as long for 10,000 rows). The JSON columns
    get the text ``json.dumps`` gives, as SQLAlchemy's JSON type would send it."""
    if db.session.get_bind().dialect.name != "postgresql":
        db.session.execute(insert(EventResult.__table__), rows)
        return
    dumps = json.dumps
    with db.session.connection().connection.cursor() as cursor, cursor.copy(_COPY_RESULTS) as copy:
        write = copy.write_row
        for row in rows:
            write((row["event_id"], row["nomination_id"], row["rank"], row["total_x100"], dumps(row["components"]),
                   row["award"], dumps(row["titles"]), row["decided_by"], row["excluded_reason"], row["computed_at"]))


class _Hundredths(dict):
    """The text of a whole number of hundredths → its Decimal, made once per distinct value."""

    def __missing__(self, text: str) -> Decimal:
        value = self[text] = Decimal(text) / 100
        return value


#: One row per entry and criterion, its marks in one comma-separated text (the order of the marks within a group
#: is the database's; every aggregation rule in domain.scoring is independent of it).
_GROUPED_MARKS = {
    "postgresql": "SELECT nomination_id, criterion_id, string_agg(value_x100::text, ',') FROM scores "
                  "WHERE event_id = %s GROUP BY nomination_id, criterion_id",
    "sqlite": "SELECT nomination_id, criterion_id, group_concat(value_x100, ',') FROM scores "
              "WHERE event_id = ? GROUP BY nomination_id, criterion_id",
}


def grouped_marks(event_id: int) -> dict[int, dict[int, tuple[Decimal, ...]]]:
    """Every score of the event as ``{entry: {criterion: (values)}}``. The database groups them (one row per entry
    and criterion, a fifth of the rows of a five-judge event, and no per-mark tuple), fetched with the driver's
    cursor in the session's transaction (no ORM or Row objects), one Decimal per distinct value. Only the grouping
    is in SQL: every rule (aggregation, totals, ties) stays in ``domain.scoring``.

    The marks of a criterion are a tuple, not a list: the garbage collector stops tracking a tuple of Decimals
    (and then the dict holding them) at its first pass, while 100,000 lists would stay tracked and make the
    next full collections walk them all (0.3–0.6 s of a 10,000-entry ranking went there)."""
    connection = db.session.connection()
    cursor = connection.connection.cursor()  # the driver's cursor: plain tuples, no Row objects
    hundredths = _Hundredths()
    decimal_of = hundredths.__getitem__
    grouped: dict[int, dict[int, tuple[Decimal, ...]]] = {}
    with paused_gc():
        cursor.execute(_GROUPED_MARKS["sqlite" if connection.dialect.name == "sqlite" else "postgresql"], (event_id,))
        rows = cursor.fetchall()
        cursor.close()
        for entry_id, criterion_id, marks in rows:
            values = tuple(map(decimal_of, marks.split(",")))
            per_criterion = grouped.get(entry_id)
            if per_criterion is None:
                grouped[entry_id] = {criterion_id: values}
            else:
                per_criterion[criterion_id] = values
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
    excluded_reason: str | None = None  # no award whatever the total (an indicator sheet's 一票否决), for the host


def result_lines(event: Event, viewer: User | None) -> list[ResultLine]:
    """The stored ranking as ``viewer`` may see it (``viewer=None``: the public), in two queries; names in full or
    masked by the one rule, ``contests.shows_full_names``."""
    masked = not shows_full_names(viewer, event.contest)
    return _lines(event, masked, _results_query(event, masked).order_by(EventResult.rank, EventResult.id))


def result_page(event: Event, viewer: User | None, page: int, per_page: int, search: str = "",
                unit: Organisation | None = None) -> tuple[list[ResultLine], int]:
    """One page of ``result_lines`` (SQL ``LIMIT``/``OFFSET``; each line keeps its rank) and the number of lines
    found, in three queries. ``search`` finds a competitor number, a unit (by name or pinyin initials, with the
    entries below it) and — only where ``viewer`` sees names in full — an entrant's name, username, pinyin initials
    or team name: a masked name is never searched, so a search cannot reveal it. ``unit`` keeps the entries of
    that unit's subtree."""
    masked = not shows_full_names(viewer, event.contest)
    query = _results_query(event, masked, search, unit)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    query = query.order_by(EventResult.rank, EventResult.id).limit(per_page).offset((max(page, 1) - 1) * per_page)
    return _lines(event, masked, query), total


def _results_query(event: Event, masked: bool, search: str = "", unit: Organisation | None = None):
    query = select(EventResult).where(EventResult.event_id == event.id)
    text = search_service.clean(search)
    if text or unit is not None:
        query = query.join(Nomination, Nomination.id == EventResult.nomination_id)
    if text:
        query = query.where(search_service.entry_clause(text, names=not masked))
    if unit is not None:
        query = query.where(search_service.unit_clause(Nomination.org_id, unit))
    return query


def _lines(event: Event, masked: bool, query) -> list[ResultLine]:
    results = list(db.session.scalars(query.options(unit_path_loader(EventResult.nomination, Nomination.org))))
    component_ids = [str(c.id) for c in event.components]
    lines = []
    for r in results:
        n = r.nomination
        lines.append(ResultLine(
            r.rank, n.competitor_number, n.shown_name(masked), n.org.label,
            tuple(f"{Decimal(r.components.get(c, '0')):.2f}" for c in component_ids), value_text(r.total_x100),
            r.award or "", tuple(r.titles or ()), r.decided_by, n.id, r.excluded_reason,
        ))
    return lines


def notes_of(event: Event) -> list[EventResultNote]:
    return list(db.session.scalars(select(EventResultNote).where(EventResultNote.event_id == event.id).order_by(EventResultNote.id)))


#: Notes only the host's organisers read: ``excluded`` names the reasons of an indicator sheet's vetoes
#: (一票否决); everyone else sees only "not eligible for awards" on the excluded entry's line.
HOST_ONLY_NOTES = frozenset({"excluded"})


def shown_notes(event: Event, viewer: User | None) -> list[EventResultNote]:
    """The notes of the event's ranking that ``viewer`` may read (``None``: the public): every note for those who
    manage the contest, the others without ``HOST_ONLY_NOTES``."""
    notes = notes_of(event)
    if viewer is not None and policy.can_manage(viewer, event.contest):
        return notes
    return [n for n in notes if n.code not in HOST_ONLY_NOTES]


def publication_of(contest: Contest) -> Publication | None:
    return db.session.scalar(select(Publication).where(Publication.contest_id == contest.id))


def visible_event(user: User | None, event_id: int) -> Event:
    """The event whose results ``user`` may see (404 / 403 otherwise)."""
    event = event_or_404(event_id)
    require(can_see_results(user, event))
    return event


def public_event(event_id: int) -> Event:
    """An event of a contest in public notice or final (404 otherwise: nothing to show yet)."""
    event = db.session.get(Event, event_id)
    if event is None or event.contest.status not in states.PUBLISHED:
        raise NotFound(N_("This event does not exist."))
    return event


def objections_of(event: Event) -> list[Objection]:
    return list(db.session.scalars(select(Objection).where(Objection.event_id == event.id).order_by(Objection.filed_at)))


def get_objection(objection_id: int) -> Objection:
    objection = or_404(Objection, objection_id)
    return objection


def results_sheet_pdf(event: Event, viewer: User | None, translate: Callable[[EventResultNote], str]) -> bytes:
    """The printed results sheet (成绩表) of the event as ``viewer`` may see it; ``translate`` renders a note."""
    rows = [ResultRow(line.rank, line.number, line.name, line.unit, line.components, line.total, line.award, "、".join(line.titles))
            for line in result_lines(event, viewer)]
    return render_results_sheet(f"{event.contest.title} · {event.name}", event.contest.host.name,
                                [c.name for c in event.components], rows, [translate(n) for n in shown_notes(event, viewer)], clock.now(),
                                author=event.contest.issuer)


def seeding_sources(user: User, event: Event) -> list[Event]:
    """Events whose ranking can seed this event's bracket, newest first: ranked events of the user's own contests
    and of published or final contests (public rankings), other than this one; two queries."""
    visible = or_(Contest.status.in_(states.PUBLISHED), Contest.host_id == user.org_id)
    ranked = select(EventResult.event_id).where(EventResult.event_id != event.id).distinct()
    events = db.session.scalars(
        select(Event).join(Contest, Contest.id == Event.contest_id).options(joinedload(Event.contest))
        .where(Event.id.in_(ranked), visible).order_by(Contest.year.desc(), Contest.id.desc(), Event.position)
    )
    return [e for e in events if policy.can_manage(user, e.contest) or can_see_results(user, e)]


# ---------------------------------------------------------------------------------------------- the public page


@dataclass(frozen=True)
class PublicResults:
    """What the public results page shows of an event's stored ranking (the same for every visitor): one page of
    lines (``total`` lines found in all)."""

    lines: tuple[ResultLine, ...]
    notes: tuple[EventResultNote, ...]
    publication: Publication | None
    total: int = 0


PUBLIC_CACHE_SECONDS = 5.0  # the default of the ``PUBLIC_CACHE_SECONDS`` setting
PUBLIC_PER_PAGE = 100
_PUBLIC_CACHE_MAX = 512


def public_cache_seconds() -> float:
    """How long the public results page and its ranking are cached: the ``PUBLIC_CACHE_SECONDS`` setting
    (configuration or environment), 5 s by default; 0 turns the caching off."""
    return float(current_app.config.get("PUBLIC_CACHE_SECONDS", PUBLIC_CACHE_SECONDS))


def _public_cache() -> dict[tuple, tuple[float, PublicResults]]:
    """Per application (a test run makes many apps over databases whose ids repeat)."""
    return current_app.extensions.setdefault("contest.public_results", {})


def _results_marker(event_id: int) -> tuple:
    """Changes whenever the stored ranking is computed again (rows are replaced, with new ids and times)."""
    return tuple(db.session.execute(
        select(func.count(EventResult.id), func.max(EventResult.id), func.max(EventResult.computed_at))
        .where(EventResult.event_id == event_id)
    ).one())


def public_state(event: Event) -> tuple:
    """What the public page of an event depends on, as a cache key: the event, its contest's state and the
    marker of the stored ranking (one small query). Objections filed or answered are part of the key too."""
    summary = dataclasses.astuple(objection_summary(event.id))
    return (event.id, str(event.contest.status), _results_marker(event.id), summary)


def public_results(event: Event, page: int = 1, search: str = "", per_page: int = PUBLIC_PER_PAGE) -> PublicResults:
    """One page of the public ranking (names masked; ``search`` finds a competitor number or a unit, see
    ``result_page``), with the notes and publication of the event; the pages of the whole ranking (no search)
    are cached per process for a few seconds, a search is answered afresh (it must not evict the common pages).

    The key holds the event, the page, the contest's state and the marker of the stored ranking (one small
    query), so a publication, a finalisation or a new computation (an upheld objection) shows at once, in every
    process; what the key cannot see (a holder's name corrected without a new computation) shows within
    ``public_cache_seconds()`` (0: not cached). Rows are detached plain values: nothing lazy is loaded from a
    cached entry.
    """
    def drawn() -> PublicResults:
        lines, total = result_page(event, None, page, per_page, search)
        return PublicResults(tuple(lines), tuple(shown_notes(event, None)), publication_of(event.contest), total)

    seconds = public_cache_seconds()
    if seconds <= 0 or search_service.clean(search):
        return drawn()
    key = (event.id, page, per_page, str(event.contest.status), _results_marker(event.id))
    now = time.monotonic()
    cache = _public_cache()
    hit = cache.get(key)
    if hit is not None and now - hit[0] < seconds:
        return hit[1]
    value = drawn()
    for note in value.notes:
        db.session.expunge(note)
    if value.publication is not None:
        db.session.expunge(value.publication)
    if len(cache) >= _PUBLIC_CACHE_MAX:
        cache.clear()
    cache[key] = (now, value)
    return value


# ---------------------------------------------------------------------------------------------- publication


def publish(actor: User, contest_id: int, notice_days: int | None = None) -> Publication:
    """Start the public notice: every event with entries must have computed results."""
    with transaction():
        contest = get_contest(actor, contest_id)
        require_host(actor, contest, MANAGE_RESULTS)
        if contest.status not in states.PUBLISHABLE:
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
        event = event_or_404(event_id)
        publication = publication_of(event.contest)
        if event.contest.status not in states.OBJECTIONS or publication is None or utcnow() > publication.notice_until:
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
        objection = or_404(Objection, objection_id)
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
            rank_and_store(event)  # scores may have been corrected by the chief judge meanwhile
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
        if contest.status not in states.FINALISABLE or publication is None:
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
        .where(Contest.host_id.in_(ancestors), Contest.status.in_(states.PREPARING))
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
        final = event_or_404(final_event_id)
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
    with transaction():
        event = get_event(actor, event_id)
        require_host(actor, event.contest, MANAGE_RESULTS)
        if event.contest.status not in states.FINAL:
            raise DomainError(N_("Only final results can be promoted."))
        final = db.session.get(Event, event.final_event_id) if event.final_event_id else None
        if final is None:
            raise DomainError(N_("Link this event to a final first."))
        if final.contest.status not in states.REVIEWING:
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
        plans = []
        chain = path_ids(host.path)[::-1]
        final_chain = tuple(chain[: chain.index(final.contest.host_id) + 1])
        entered = entered_user_ids(final.id)
        entered_units = entered_unit_ids(final.id)
        for result in results:
            tag = f"{source} #{result.rank} ({result.nomination_id})"
            entrant = result.nomination.entrant
            if tag in already or any(i in entered for i in entrant.member_ids) or (entrant.unit and entrant.unit.org_id in entered_units):
                continue
            check_approval(unit_name=host.name, limit=facts.limit(host), used=facts.used[host.id])
            facts.used.update([host.id])
            plans.append(PlannedNomination(
                final.id, final.contest.host_id, entrant.kind, entrant.member_ids, entrant.team_name,
                entrant.unit.org_id if entrant.unit else None, host.id, final_chain, final_chain.index(host.id) + 1,
                source=tag, step_org_id=host.id, step_reason=f"{source} 第{result.rank}名",
            ))
        created = nominations.load(nominations.write_nominations(actor, plans, "promote", confirm_step=False))
        audit(actor, "results.promote", "event", event.id, final=final.id, count=len(created))
        notifications.notify_progress(created)
    return created


def visible_publications(user: User | None, text: str = ""):
    """Contests in notice or final, newest first (the public results list); ``text`` finds a title or the host
    unit (name or pinyin initials)."""
    query = select(Contest).where(Contest.status.in_(states.PUBLISHED)).order_by(Contest.year.desc(), Contest.id.desc())
    if search_service.clean(text):
        hosts = select(Organisation.id).where(search_service.unit_name_clause(text))
        query = query.where(or_(search_service.contains(Contest.title, text), Contest.host_id.in_(hosts)))
    return query
