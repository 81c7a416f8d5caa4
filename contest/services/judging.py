"""Judging: assignments and conflicts of interest, the score sheet, idempotent all-or-nothing score
submission with versions, the append-only audit, completeness and the chief judge's sign-off.

Scores have one set of checks and one write (``_process``, ``_write_scores``) behind two doors:
``submit_scores`` for the JSON API (``PUT /api/v1/events/<id>/scores``, and therefore the tablet page), which
takes the typed ``SubmitScores`` and answers in the API's words under an idempotency key; and
``enter_scores`` for pages (a method's entry page; ``correct_score``, the chief judge's correction), which
takes typed ``ScoreItem``s and raises typed refusals. Neither picks a status: that is the API's
(``contest.api.errors.REFUSALS``) or the page's. Rules are in ``contest.domain.judging`` (conflicts, who may
change what) and ``contest.domain.scoring`` (mark ranges, aggregation, completeness).
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import cache

from flask_babel import gettext
from sqlalchemy import (
    Exists,
    Insert,
    Integer,
    Select,
    and_,
    bindparam,
    case,
    false,
    func,
    insert,
    or_,
    select,
    tuple_,
    union_all,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.elements import BindParameter

from contest import clock, randomness
from contest.commands import MAX_SCORE_ITEMS as MAX_ITEMS
from contest.commands import CorrectScore, ScoreItem, SubmitScores
from contest.documents.xlsx import write_xlsx
from contest.domain import contests as states
from contest.domain import scoring
from contest.domain.contests import ContestStatus, CriterionKind
from contest.domain.errors import (
    N_,
    DomainError,
    InvalidItems,
    InvalidRequest,
    LockedEvent,
    SignOffRefused,
    StaleScore,
)
from contest.domain.judging import SCOPE_LEVELS, WriteRefused, check_write, in_conflict
from contest.domain.nominations import NominationStatus
from contest.domain.orgtree import path_ids
from contest.domain.scoring_types import scoring_type
from contest.extensions import db
from contest.i18n import translate
from contest.loaders import assignment_or_404, event_or_404, get_event, judged_event, managed_event, require
from contest.models import (
    Component,
    Contest,
    Criterion,
    Event,
    IdempotencyRecord,
    JudgeAssignment,
    Nomination,
    NominationMember,
    Organisation,
    OrgLevel,
    Role,
    Score,
    ScoreAudit,
    SignOff,
    User,
    UserRole,
    utcnow,
)
from contest.policy import can_follow_scoring, can_manage, can_see_all_scores, can_sign_off
from contest.policy import judge_assignment as assignment_of
from contest.services import NotFound, PermissionDenied, audit, driver, idempotency, transaction
from contest.services import search as search_service
from contest.services.accounts import TokenCaller
from contest.services.registration import lock_event

logger = logging.getLogger(__name__)
Judge = User | TokenCaller  # who submits: the ORM user (pages, tests) or the API's light caller of a bearer token

MAX_KEY = 100
SCORING = states.SCORING
CORRECTING = states.CORRECTING  # corrections answer objections during the notice


# ---------------------------------------------------------------------------------------------- assignments


def assignments(event_id: int) -> list[JudgeAssignment]:
    return list(db.session.scalars(
        select(JudgeAssignment).where(JudgeAssignment.event_id == event_id).order_by(JudgeAssignment.is_chief.desc(), JudgeAssignment.id)
    ))


def my_assignments(user: User) -> list[JudgeAssignment]:
    return list(db.session.scalars(
        select(JudgeAssignment).join(Event).join(Contest)
        .where(JudgeAssignment.judge_id == user.id, Contest.status != ContestStatus.DRAFT)
        .order_by(Contest.year.desc(), Event.id)
    ))


def _managed(actor: User, event_id: int) -> Event:
    return managed_event(actor, event_id, N_("Only organisers of %(host)s assign judges."))


def assignable_judges(actor: User, event: Event, search: str = "", unit: Organisation | None = None):
    """Active judges of the host's units not yet assigned to the event (a select to paginate), found by name,
    username or pinyin initials and narrowed to ``unit``'s subtree."""
    assigned = select(JudgeAssignment.judge_id).where(JudgeAssignment.event_id == event.id)
    query = (
        select(User).join(User.org)
        .where(Organisation.path.startswith(event.contest.host.path), User.active.is_(True),
               User.role_rows.any(UserRole.role == Role.JUDGE), User.id.not_in(assigned))
        .order_by(Organisation.path, User.name, User.id)
    )
    if search_service.clean(search):
        query = query.where(search_service.person_clause(search))
    if unit is not None:
        query = query.where(search_service.unit_clause(User.org_id, unit))
    return query


def assign_judge(actor: User, event_id: int, judge_id: int, chief: bool = False) -> JudgeAssignment:
    with transaction():
        event = _managed(actor, event_id)
        if event.contest.status in states.FINAL:
            raise DomainError(N_("The contest is final; judges can no longer change."))
        judge = db.session.get(User, judge_id)
        if judge is None or not judge.has_role(Role.JUDGE) or not judge.active:
            raise DomainError(N_("Choose an active judge."))
        if not judge.org.path.startswith(event.contest.host.path):
            raise DomainError(N_("%(name)s is not a judge of the host's units."), name=judge.name)
        if assignment_of(judge, event.id) is not None:
            raise DomainError(N_("%(name)s is already assigned to this event."), name=judge.name)
        if chief:
            _clear_chief(event.id)
        assignment = JudgeAssignment(event_id=event.id, judge_id=judge.id, is_chief=chief, assigned_by_id=actor.id)
        db.session.add(assignment)
        db.session.flush()
        audit(actor, "judge.assign", "event", event.id, judge=judge.id, chief=chief)
    return assignment


def _clear_chief(event_id: int) -> None:
    db.session.execute(update(JudgeAssignment).where(JudgeAssignment.event_id == event_id).values(is_chief=False))
    db.session.flush()


def set_chief(actor: User, event_id: int, judge_id: int) -> None:
    with transaction():
        event = _managed(actor, event_id)
        if sign_off_of(event.id):
            raise DomainError(N_("The event has been signed off; the chief judge can no longer change."))
        assignment = assignment_or_404(event.id, judge_id)
        _clear_chief(event.id)
        assignment.is_chief = True
        audit(actor, "judge.chief", "event", event.id, judge=judge_id)


def remove_judge(actor: User, event_id: int, judge_id: int) -> None:
    with transaction():
        event = _managed(actor, event_id)
        assignment = assignment_or_404(event.id, judge_id)
        if db.session.scalar(select(func.count(Score.id)).where(Score.event_id == event.id, Score.judge_id == judge_id)):
            raise DomainError(N_("%(name)s has already entered scores and stays on the event."), name=assignment.judge.name)
        db.session.delete(assignment)
        audit(actor, "judge.remove", "event", event.id, judge=judge_id)


# ---------------------------------------------------------------------------------------------- entries and conflicts


@dataclass(frozen=True)
class Entry:
    nomination_id: int
    number: int
    member_paths: tuple[tuple[int, ...], ...]


def entries_of(event_id: int, numbers: list[int] | None = None, with_paths: bool = True) -> list[Entry]:
    """Confirmed, numbered entries, with their members' unit paths unless ``with_paths`` is False."""
    query = select(Nomination.id, Nomination.competitor_number).where(
        Nomination.event_id == event_id, Nomination.status == NominationStatus.CONFIRMED, Nomination.competitor_number.is_not(None)
    )
    if numbers is not None:
        query = query.where(Nomination.competitor_number.in_(numbers))
    rows = db.session.execute(query.order_by(Nomination.competitor_number)).all()
    paths = member_paths([r[0] for r in rows]) if rows and with_paths else {}
    return [Entry(i, n, paths.get(i, ())) for i, n in rows]


def member_paths(nomination_ids: list[int]) -> dict[int, tuple[tuple[int, ...], ...]]:
    """Nomination id → the unit paths (ids, root first) of its members, or of the unit itself (unit entrants)."""
    paths: dict[int, list[tuple[int, ...]]] = {}
    members = (
        select(NominationMember.nomination_id, Organisation.path)
        .join(User, User.id == NominationMember.user_id).join(Organisation, Organisation.id == User.org_id)
        .where(NominationMember.nomination_id.in_(nomination_ids))
    )
    units = (
        select(Nomination.id, Organisation.path).join(Organisation, Organisation.id == Nomination.unit_id)
        .where(Nomination.id.in_(nomination_ids))
    )
    for nomination_id, path in db.session.execute(union_all(members, units)):
        paths.setdefault(nomination_id, []).append(tuple(path_ids(path)))
    return {i: tuple(p) for i, p in paths.items()}


def _levels(paths) -> dict[int, str]:
    ids = {i for path in paths for i in path}
    return {i: level.value for i, level in db.session.execute(select(Organisation.id, Organisation.level).where(Organisation.id.in_(ids)))} if ids else {}


def conflicts_for(judge: User, contest: Contest, entries: list[Entry]) -> set[int]:
    """Nomination ids the judge must not score."""
    return _conflicted(judge, contest.conflict_scope, entries)


def _org_path(judge: Judge) -> str:
    return judge.org_path if isinstance(judge, TokenCaller) else judge.org.path


def _conflicted(judge: Judge, scope: str, entries: list[Entry]) -> set[int]:
    """Nomination ids among ``entries`` in conflict with the judge under ``scope`` (see ``in_conflict``)."""
    judge_path = path_ids(_org_path(judge))
    levels = _levels([judge_path, *[p for e in entries for p in e.member_paths]])
    return {e.nomination_id for e in entries if in_conflict(judge_path, e.member_paths, levels, scope)}


def _may_conflict_clause(judge_path: BindParameter) -> Exists:
    """SQL for "a unit on the judge's path has a level the contest's conflict scope compares" (enterprise;
    with the county scope also county), correlated with ``contests``. When false the judge can conflict
    with no entry (``in_conflict`` finds no unit of his to compare), so the members' units need no lookup."""
    compared = or_(*(and_(Contest.conflict_scope == scope.value, Organisation.level.in_([OrgLevel(level) for level in levels]))
                     for scope, levels in SCOPE_LEVELS.items()))
    return select(Organisation.id).where(Organisation.id.in_(judge_path), compared).exists()


def conflict_overview(actor: User, event_id: int) -> list[tuple[JudgeAssignment, list[int], int]]:
    """Per assigned judge: the competitor numbers he may not score, and how many scores he has entered."""
    event = _managed(actor, event_id)
    entries = entries_of(event.id)
    counts = dict(db.session.execute(
        select(Score.judge_id, func.count(Score.id)).where(Score.event_id == event.id).group_by(Score.judge_id)
    ).all())
    result = []
    for assignment in assignments(event.id):
        conflicted = conflicts_for(assignment.judge, event.contest, entries)
        result.append((assignment, [e.number for e in entries if e.nomination_id in conflicted], counts.get(assignment.judge_id, 0)))
    return result


# ---------------------------------------------------------------------------------------------- the sheet


def sign_off_of(event_id: int) -> SignOff | None:
    return db.session.scalar(select(SignOff).where(SignOff.event_id == event_id))


def _criteria(event_id: int) -> list[Criterion]:
    return list(db.session.scalars(
        select(Criterion).join(Component).where(Component.event_id == event_id).order_by(Component.position, Component.id, Criterion.position, Criterion.id)
    ))


def _judge_context(judge: User, event_id: int) -> tuple[Event, JudgeAssignment]:
    return judged_event(judge, event_id)


def value_text(x100: int) -> str:
    return f"{Decimal(x100) / 100:.2f}"


def _control(criterion: Criterion) -> dict:
    """The tablet control of a criterion, from its scoring type (``domain.scoring_types``), its texts in the
    user's language, and its range."""
    control = scoring_type(criterion.kind.value).control_json(criterion.max_marks, gettext)
    return {"range": {k: control[k] for k in ("min", "max", "step")}, "control": control}


def sheet(judge: User, event_id: int) -> dict:
    """What a judge's tablet needs: criteria, the entries he may score (numbers only), his own scores."""
    event, assignment = _judge_context(judge, event_id)
    entries = entries_of(event.id)
    conflicted = conflicts_for(judge, event.contest, entries)
    visible = [e for e in entries if e.nomination_id not in conflicted]
    number_of = {e.nomination_id: e.number for e in visible}
    scores = db.session.execute(
        select(Score.nomination_id, Score.criterion_id, Score.value_x100, Score.version, Score.note)
        .where(Score.event_id == event.id, Score.judge_id == judge.id)
    ).all()
    signed = sign_off_of(event.id)
    extras = event.method.sheet_extras(event, number_of)  # e.g. an indicator sheet's guidance and the units' figures
    return {
        **({"indicators": extras} if extras else {}),
        "event": {"id": event.id, "name": event.name, "contest": event.contest.title, "status": event.contest.status.value,
                  "signed_off": signed is not None, "chief": assignment.is_chief,
                  "open": event.contest.status in SCORING and signed is None},
        "criteria": [
            {"id": c.id, "component": c.component.name, "name": c.name, "max": value_text(c.max_x100), "kind": c.kind.value,
             **_control(c)}
            for c in _criteria(event.id)
        ],
        "entries": [{"competitor_number": e.number} for e in visible],
        "scores": [
            {"competitor_number": number_of[n], "criterion_id": c, "value": value_text(v), "version": version,
             **({"note": note} if note else {})}
            for n, c, v, version, note in scores if n in number_of
        ],
    }


# ---------------------------------------------------------------------------------------------- submission


SubmitResult = idempotency.Answer


def submit_scores(judge: Judge, event_id: int, command: SubmitScores) -> SubmitResult:
    """All-or-nothing, idempotent submission of score items (see DESIGN.md, JSON API v1).

    ``command`` is the typed ``SubmitScores``: ``contest.api.parsers`` builds it from the request, seeders,
    tests and benchmarks with ``SubmitScores.from_json``. The answer is the API's (``idempotency.answer``):
    the result body or a typed refusal, never a status chosen here. Pages write with ``enter_scores``.

    Refused in this order: the event exists (``NotFound``) and the caller is one of its judges
    (``PermissionDenied``); the key and the item list are well-formed (``InvalidRequest``); a replayed
    idempotency key returns the first answer. Then items are checked (``InvalidItems`` with per-item details:
    unknown entry or criterion, conflict of interest — checked at every submission —, value out of the
    rubric's range, missing reason); then locks (``LockedEvent``) and versions (``StaleScore`` with the current
    values); then everything is written with an audit row per creation or change, in one transaction with the
    idempotency record. Refusals from the items on are stored under the key too.

    Statements for a sheet of a judge who cannot conflict: one query of facts (``_facts``), one of the
    entries and their current scores (``_entries``), then one INSERT of the new scores and/or one UPDATE of
    the changed ones, one INSERT of the audit rows and one of the idempotency record. A judge who can
    conflict adds two (members' units and their levels).
    """
    key = command.idempotency_key
    try:
        with transaction():
            # Held until the commit: a sign-off (``lock_event``) waits for this submission to finish, or this
            # submission waits for the sign-off and then reads it (every read below comes after the lock).
            share_event_lock(event_id)
            return _submit(judge, event_id, command)
    except (NotFound, PermissionDenied, InvalidRequest) as exc:
        return idempotency.answer(exc)  # before the key is looked at: nothing to store
    except (IntegrityError, _LostRace):
        # The same key submitted twice at once (the other request stored its answer), or a score created
        # or changed meanwhile by another tablet: answer with what is now true, never with a double write.
        # The refusal is stored under the key, so a retry of this request gets it again word for word.
        lost = idempotency.answer(StaleScore(N_("These scores were changed elsewhere meanwhile; reload the sheet.")))
        return idempotency.store_refusal(judge.id, key, event_id, lost, command.fingerprint)


def _submit(judge: Judge, event_id: int, command: SubmitScores) -> SubmitResult:
    key = command.idempotency_key
    facts = _judge_facts(judge, event_id, key or "")
    if not idempotency.valid_key(key):
        raise InvalidRequest(N_("An idempotency_key of 8 to 100 characters is required."))
    if facts.replay is not None:
        return idempotency.replay(facts.replay, facts.fingerprint, command.fingerprint)
    if command.items is None:
        raise InvalidRequest(N_("Send between 1 and %(limit)d score items."), limit=MAX_ITEMS)
    try:
        checked = _process(judge, event_id, facts, command.items)
    except (LockedEvent, InvalidItems, StaleScore) as exc:
        refused = idempotency.answer(exc)
        idempotency.store(judge.id, key, event_id, refused, command.fingerprint)
        return refused
    return _write(judge.id, event_id, key, checked, command.fingerprint)


def enter_scores(judge: Judge, event_id: int, items: Sequence[ScoreItem]) -> list[dict]:
    """Scores entered on a page (a method's entry page, the chief judge's correction): the same checks, write
    and audit rows as ``submit_scores``, under a fresh client key kept in the audit rows, but no idempotency
    key and no answer (a page that posts again sees what is stored and sends versions).

    Raises the typed refusals for the page to show beside its fields: ``NotFound``, ``PermissionDenied``,
    ``InvalidRequest`` (no items, or more than 500), ``LockedEvent``, ``InvalidItems`` (per-item details with
    the item's ``index``), ``StaleScore`` (also when another tablet wrote meanwhile). Returns the saved scores
    (competitor number, criterion id, value, version, note), as the API's answer lists them."""
    key = randomness.token_hex(16)  # replayable in ``seed-demo``
    try:
        with transaction():
            share_event_lock(event_id)
            facts = _judge_facts(judge, event_id, key)
            if not 0 < len(items) <= MAX_ITEMS:
                raise InvalidRequest(N_("Send between 1 and %(limit)d score items."), limit=MAX_ITEMS)
            return _write_scores(judge.id, event_id, key, _process(judge, event_id, facts, tuple(items)), utcnow())
    except (IntegrityError, _LostRace):
        raise StaleScore(N_("These scores were changed elsewhere meanwhile; reload the sheet.")) from None


def correct_score(judge: User, command: CorrectScore) -> None:
    """One score changed from the scoring page (the chief judge's correction after sign-off): ``enter_scores``
    with one item, raising its typed refusals for the page to show beside its fields."""
    enter_scores(judge, command.event_id, (ScoreItem(
        0, command.competitor_number, command.criterion_id, command.value, command.version, command.reason, command.judge_id,
        sent_number=command.competitor_number, sent_criterion=command.criterion_id),))


_PG_SHARE_LOCK = "SELECT id FROM events WHERE id = %(event_id)s FOR KEY SHARE"


def share_event_lock(event_id: int) -> None:
    """The lock a score submission holds until it commits. On PostgreSQL a ``FOR KEY SHARE`` row lock on the
    event: submissions do not block each other, but ``lock_event`` (``FOR UPDATE``, taken by the sign-off)
    waits for them and they wait for it. On SQLite, which begins transactions lazily, the same no-op write
    as ``lock_event`` (SQLite has one writer at a time anyway). Read in READ COMMITTED after this statement,
    the sign-off is the committed one."""
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(update(Event).where(Event.id == event_id).values(id=Event.id))
    else:
        driver.execute(db.session.connection(), _PG_SHARE_LOCK, {"event_id": event_id})


@cache
def _insert(model: type) -> Insert:
    """A Core INSERT into the model's table, built once. Executed with a list of rows, the RETURNING makes
    SQLAlchemy send them as one multi-row INSERT ("insertmanyvalues") rather than one INSERT per row."""
    table = model.__table__
    return insert(table).returning(table.c.id)


# ---------------------------------------------------------------------------------------------- submission: reads


@dataclass(frozen=True)
class _Facts:
    """What a submission checks about the event and the judge, read in one query (``_facts``)."""

    status: ContestStatus
    conflict_scope: str
    assigned: bool
    is_chief: bool
    signed: bool
    may_conflict: bool  # a unit of a level the conflict scope compares is on the judge's path
    replay: SubmitResult | None  # the stored answer for this key
    fingerprint: str | None  # of the request that stored it
    criteria: dict[int, scoring.Criterion]  # the event's rubric


@cache
def _facts_query() -> Select:
    """One row per criterion of the event (one row with no criterion for an empty rubric), each carrying the
    contest's status and conflict scope, the judge's assignment, the sign-off, the answer stored for the
    key and whether the judge can conflict. Parameters: ``event_id``, ``judge_id``, ``key``, ``judge_path``."""
    judge_id = bindparam("judge_id", type_=Integer)
    return (
        select(Contest.status, Contest.conflict_scope, JudgeAssignment.id.label("assignment_id"), JudgeAssignment.is_chief,
               SignOff.id.label("sign_off_id"), IdempotencyRecord.status_code, IdempotencyRecord.response,
               IdempotencyRecord.fingerprint,
               _may_conflict_clause(bindparam("judge_path", expanding=True)).label("may_conflict"),
               Criterion.id.label("criterion_id"), Criterion.name, Criterion.max_x100, Criterion.kind)
        .select_from(Event)
        .join(Contest, Contest.id == Event.contest_id)
        .outerjoin(JudgeAssignment, and_(JudgeAssignment.event_id == Event.id, JudgeAssignment.judge_id == judge_id))
        .outerjoin(SignOff, SignOff.event_id == Event.id)
        .outerjoin(IdempotencyRecord, and_(IdempotencyRecord.user_id == judge_id, IdempotencyRecord.key == bindparam("key")))
        .outerjoin(Component, Component.event_id == Event.id)
        .outerjoin(Criterion, Criterion.component_id == Component.id)
        .where(Event.id == bindparam("event_id", type_=Integer))
    )


def _judge_facts(judge: Judge, event_id: int, key: str) -> _Facts:
    """``_facts`` of an event that exists and that ``judge`` judges: ``NotFound`` or ``PermissionDenied`` otherwise
    (the first two refusals of every score write, API or page)."""
    facts = _facts(judge, event_id, key)
    if facts is None:
        raise NotFound(N_("This event does not exist."))
    if not facts.assigned:
        raise PermissionDenied(N_("You are not a judge of this event."))
    return facts


def _facts(judge: Judge, event_id: int, key: str) -> _Facts | None:
    """Everything ``submit_scores`` checks before it looks at entries, or None when the event does not exist.

    Read fresh at every submission (nothing cached across requests): the rubric is frozen once the draw is
    held, but status, assignment and sign-off are not.
    """
    connection = db.session.connection()
    params = {"event_id": event_id, "judge_id": judge.id, "key": key, "judge_path": path_ids(_org_path(judge))}
    if driver.on_postgresql(connection):
        rows = driver.execute(connection, _pg_facts(), params).fetchall()
    else:
        rows = [tuple(row) for row in connection.execute(_facts_query(), params)]
    if not rows:
        return None
    status, scope, assignment_id, is_chief, sign_off_id, status_code, response, stored_fingerprint, may_conflict = rows[0][:9]
    return _Facts(
        status=ContestStatus(status), conflict_scope=scope, assigned=assignment_id is not None,
        is_chief=bool(is_chief), signed=sign_off_id is not None, may_conflict=bool(may_conflict),
        replay=SubmitResult(status_code, response) if status_code is not None else None,
        fingerprint=stored_fingerprint,
        criteria={criterion_id: scoring.Criterion(criterion_id, scoring.from_hundredths(max_x100), CriterionKind(kind).value, name=name)
                  for *_facts, criterion_id, name, max_x100, kind in rows if criterion_id is not None},
    )


@cache
def _pg_facts() -> str:
    """``_facts_query`` as psycopg SQL (PostgreSQL; the same joins, columns and order, the lists as arrays)."""
    compared = " OR ".join(
        f"(c.conflict_scope = '{scope.value}' AND o.level IN ({', '.join(repr(str(level)) for level in levels)}))"
        for scope, levels in SCOPE_LEVELS.items())
    return (
        "SELECT c.status, c.conflict_scope, ja.id, ja.is_chief, so.id, ir.status_code, ir.response, ir.fingerprint, "
        f"EXISTS (SELECT 1 FROM organisations o WHERE o.id = ANY(%(judge_path)s) AND ({compared})), "
        "k.id, k.name, k.max_x100, k.kind "
        "FROM events e JOIN contests c ON c.id = e.contest_id "
        "LEFT JOIN judge_assignments ja ON ja.event_id = e.id AND ja.judge_id = %(judge_id)s "
        "LEFT JOIN sign_offs so ON so.event_id = e.id "
        "LEFT JOIN idempotency_records ir ON ir.user_id = %(judge_id)s AND ir.key = %(key)s "
        "LEFT JOIN components m ON m.event_id = e.id "
        "LEFT JOIN criteria k ON k.component_id = m.id "
        "WHERE e.id = %(event_id)s"
    )


@dataclass(frozen=True)
class _Current:
    """A score as read before the write."""

    id: int
    value_x100: int
    version: int


@cache
def _entries_query() -> Select:
    """Confirmed entries of ``event_id`` among the competitor ``numbers``, each joined with its scores by
    ``judge_ids`` (one row per score, one row with no score for an entry without)."""
    return (
        select(Nomination.id, Nomination.competitor_number, Score.id.label("score_id"), Score.judge_id, Score.criterion_id,
               Score.value_x100, Score.version)
        .select_from(Nomination)
        .outerjoin(Score, and_(Score.nomination_id == Nomination.id, Score.event_id == Nomination.event_id,
                               Score.judge_id.in_(bindparam("judge_ids", expanding=True))))
        .where(Nomination.event_id == bindparam("event_id", type_=Integer), Nomination.status == NominationStatus.CONFIRMED,
               Nomination.competitor_number.in_(bindparam("numbers", expanding=True)))
    )


def _entries(event_id: int, numbers: list[int], judge_ids: set[int]) -> tuple[dict[int, int], dict[tuple[int, int, int], _Current]]:
    """In one query: competitor number → nomination id for the confirmed entries among ``numbers``, and the
    current scores (judge, nomination, criterion) → ``_Current`` of those entries by ``judge_ids``."""
    if not numbers:
        return {}, {}
    connection = db.session.connection()
    params = {"event_id": event_id, "numbers": numbers, "judge_ids": sorted(judge_ids)}
    if driver.on_postgresql(connection):
        rows = driver.execute(connection, _PG_ENTRIES, params).fetchall()
    else:
        rows = [tuple(row) for row in connection.execute(_entries_query(), params)]
    entries = {number: nomination_id for nomination_id, number, *_score in rows}
    current = {(judge_id, nomination_id, criterion_id): _Current(score_id, value_x100, version)
               for nomination_id, _n, score_id, judge_id, criterion_id, value_x100, version in rows if score_id is not None}
    return entries, current


# ``_entries_query`` as psycopg SQL (PostgreSQL; the same joins, columns and order, the lists as arrays).
_PG_ENTRIES = (
    "SELECT n.id, n.competitor_number, s.id, s.judge_id, s.criterion_id, s.value_x100, s.version "
    "FROM nominations n LEFT JOIN scores s ON s.nomination_id = n.id AND s.event_id = n.event_id "
    "AND s.judge_id = ANY(%(judge_ids)s) "
    f"WHERE n.event_id = %(event_id)s AND n.status = '{NominationStatus.CONFIRMED.value}' "
    "AND n.competitor_number = ANY(%(numbers)s)"
)


# ---------------------------------------------------------------------------------------------- submission: checks


@dataclass(frozen=True)
class _Item:
    index: int
    number: int
    nomination_id: int
    criterion: scoring.Criterion
    x100: int
    version: int | None
    reason: str
    judge_id: int  # whose score (the chief judge may correct another judge's score after sign-off)
    note: str = ""  # the inspector's note (stored in ``scores.note`` and in the audit row)


@dataclass(frozen=True)
class _Checked:
    """A submission that passed every check, ready for ``_write``."""

    items: list[_Item]
    signed: bool
    current: dict[tuple[int, int, int], _Current]


def _process(judge: Judge, event_id: int, facts: _Facts, items: tuple[ScoreItem, ...]) -> _Checked:
    """Validate every item: raises ``LockedEvent``, ``InvalidItems`` or ``StaleScore``, else the checked items."""
    allowed = CORRECTING if facts.signed else SCORING
    if facts.status not in allowed:
        raise LockedEvent(N_("Scoring is not open for this event."))
    numbers = sorted({i.competitor_number for i in items if i.competitor_number is not None})
    judge_ids = {judge.id} | {i.judge_id for i in items if i.judge_id is not None}
    entries, current = _entries(event_id, numbers, judge_ids)
    conflicted = _conflicted(judge, facts.conflict_scope, _with_paths(entries)) if facts.may_conflict and entries else set()
    details, parsed = _parse(judge, facts, items, entries, conflicted)
    stale = []
    for item in parsed:
        score = current.get((item.judge_id, item.nomination_id, item.criterion.id))
        try:
            check_write(signed_off=facts.signed, is_chief=facts.is_chief, own_score=item.judge_id == judge.id,
                        exists=score is not None, current_version=score.version if score else None,
                        given_version=item.version, reason=item.reason)
        except WriteRefused as exc:
            if exc.code == "locked":
                raise LockedEvent(exc.message, **exc.params) from None
            if exc.code == "stale":
                stale.append({"index": item.index, "competitor_number": item.number, "criterion_id": item.criterion.id,
                              "current": {"value": value_text(score.value_x100), "version": score.version} if score else None})
            else:
                details.append({"index": item.index, "competitor_number": item.number, "criterion_id": item.criterion.id,
                                "message": translate(exc)})
    if details:
        raise InvalidItems(N_("Some scores are not valid; nothing was saved."), sorted(details, key=lambda d: d["index"]))
    if stale:
        raise StaleScore(N_("Some scores were changed elsewhere; nothing was saved. Check the current values."), stale)
    return _Checked(parsed, facts.signed, current)


def _with_paths(entries: dict[int, int]) -> list[Entry]:
    paths = member_paths(list(entries.values()))
    return [Entry(nomination_id, number, paths.get(nomination_id, ())) for number, nomination_id in entries.items()]


def _parse(judge: Judge, facts: _Facts, items: tuple[ScoreItem, ...], entries: dict[int, int],
           conflicted: set[int]) -> tuple[list[dict], list[_Item]]:
    """Per item: an object, a known entry and criterion of the event, no conflict of interest for the judge's
    own scores, then the item's shape defect if any (a positive whole version, a reason of at most 500
    characters, a whole judge_id: see ``ScoreItem``), the judge's own score (another judge's only for the chief
    judge after sign-off), no duplicate, a mark within the rubric. Returns the problems (index, number,
    criterion, message) and the checked items."""
    details, parsed, seen = [], [], set()
    for item in items:
        problem = None
        judge_id = judge.id if item.judge_id is None else item.judge_id
        nomination_id = entries.get(item.competitor_number) if item.competitor_number is not None else None
        criterion = facts.criteria.get(item.criterion_id) if item.criterion_id is not None else None
        if not item.is_object:
            problem = gettext(item.defect)
        elif nomination_id is None:
            problem = gettext("There is no entry with this competitor number in the event.")
        elif criterion is None:
            problem = gettext("The criterion does not belong to this event.")
        elif nomination_id in conflicted and judge_id == judge.id:
            problem = gettext("Conflict of interest: you may not score this entry.")
        elif item.defect is not None:
            problem = gettext(item.defect)
        elif judge_id != judge.id and not (facts.signed and facts.is_chief):
            problem = gettext("Judges enter only their own scores.")
        elif (item.competitor_number, item.criterion_id, judge_id) in seen:
            problem = gettext("The same score appears twice in this submission.")
        else:
            try:
                mark = scoring.check_mark(item.value, criterion)
            except DomainError as exc:
                problem = translate(exc)
            else:
                kind = scoring_type(criterion.kind)
                if kind.note_required(mark) and not item.note:
                    problem = gettext(kind.note_missing)
                else:
                    seen.add((item.competitor_number, item.criterion_id, judge_id))
                    parsed.append(_Item(item.index, item.competitor_number, nomination_id, criterion, scoring.to_hundredths(mark),
                                        item.version, item.reason, judge_id, item.note))
        if problem:
            details.append({"index": item.index, "competitor_number": item.sent_number, "criterion_id": item.sent_criterion,
                            "message": problem})
    return details, parsed


def _domain_criterion(criterion: Criterion) -> scoring.Criterion:
    return scoring.Criterion(criterion.id, criterion.max_marks, criterion.kind.value, name=criterion.name)


# ---------------------------------------------------------------------------------------------- submission: writes


class _LostRace(Exception):
    """A score read before the write was changed by another request before it (its version moved on)."""


def _write(judge_id: int, event_id: int, key: str, checked: _Checked, request: str) -> SubmitResult:
    """``_write_scores``, then the answer stored under the key (in the caller's transaction)."""
    now = utcnow()
    result = idempotency.answer({"idempotency_key": key, "saved": _write_scores(judge_id, event_id, key, checked, now)})
    # The key is stored with the answer in the same transaction. A concurrent duplicate of this request
    # blocks on the score rows written above (unique index or row lock) until this commits, then fails
    # and replays this answer (see ``submit_scores``).
    idempotency.store(judge_id, key, event_id, result, request, now)
    return result


def _write_scores(judge_id: int, event_id: int, key: str, checked: _Checked, now: datetime) -> list[dict]:
    """Write checked items in the caller's transaction: new scores in one INSERT (a score created meanwhile
    fails on the unique (judge, entry, criterion) index), changes in one UPDATE that only touches rows still
    at the version read (``_LostRace`` otherwise), one audit row per item (with ``key`` as its client key).
    Returns the saved scores."""
    new_rows, changes, audits, saved = [], {}, [], []
    for item in checked.items:
        score = checked.current.get((item.judge_id, item.nomination_id, item.criterion.id))
        if score is None:
            new_rows.append({"event_id": event_id, "judge_id": item.judge_id, "nomination_id": item.nomination_id,
                             "criterion_id": item.criterion.id, "value_x100": item.x100, "version": 1, "updated_at": now,
                             "updated_by_id": judge_id, "note": item.note})
            version, old = 1, None
        else:
            changes[score.id] = (score.version, item.x100, item.note)
            version, old = score.version + 1, score.value_x100
        audits.append({"event_id": event_id, "nomination_id": item.nomination_id, "criterion_id": item.criterion.id,
                       "judge_id": item.judge_id, "actor_id": judge_id, "at": now, "old_x100": old, "new_x100": item.x100,
                       "reason": item.reason, "note": item.note, "client_key": key,
                       "kind": "correction" if checked.signed else ("entry" if old is None else "change")})
        saved.append({"competitor_number": item.number, "criterion_id": item.criterion.id, "value": value_text(item.x100), "version": version,
                      **({"note": item.note} if item.note else {})})
    if new_rows:
        _insert_scores(new_rows)
    if changes:
        _change_scores(changes, judge_id, now)
    _insert_audits(audits)
    return saved


def _change_scores(changes: dict[int, tuple[int, int, str]], judge_id: int, now: datetime) -> None:
    """Score id → (version read, new value, note): one UPDATE, each row only if still at the version read, each
    version one up. Raises ``_LostRace`` unless every row was changed."""
    connection = db.session.connection()
    if driver.on_postgresql(connection):
        changed = driver.execute(connection, _CHANGED_SCORES, {
            "now": now, "actor_id": judge_id, "ids": list(changes), "versions": [v for v, _x100, _n in changes.values()],
            "values": [x100 for _v, x100, _n in changes.values()], "notes": [n for _v, _x100, n in changes.values()]}).rowcount
        if changed != len(changes):
            raise _LostRace()
        return
    scores = Score.__table__.c
    changed = connection.execute(
        update(Score.__table__)
        .where(tuple_(scores.id, scores.version).in_([(score_id, version) for score_id, (version, _x100, _n) in changes.items()]))
        .values(value_x100=case({score_id: x100 for score_id, (_version, x100, _n) in changes.items()}, value=scores.id),
                note=case({score_id: note for score_id, (_version, _x100, note) in changes.items()}, value=scores.id),
                version=scores.version + 1, updated_at=now, updated_by_id=judge_id)
    ).rowcount
    if changed != len(changes):
        raise _LostRace()


# On PostgreSQL the three writes of a sheet take their rows as arrays (``unnest``): each statement has the same
# text and a handful of parameters whatever the number of items, so psycopg prepares it once per connection
# (after ``prepare_threshold`` uses) instead of the server parsing a multi-row VALUES of 80-110 parameters at
# every submission. Same rows, same constraints, same version guard as the portable path above. Sent on the
# driver's cursor (``contest.services.driver``), like the submission's reads (``_pg_facts``, ``_PG_ENTRIES``).
_NEW_SCORES = (
    "INSERT INTO scores (event_id, judge_id, nomination_id, criterion_id, value_x100, note, version, updated_at, updated_by_id) "
    "SELECT %(event_id)s, t.judge_id, t.nomination_id, t.criterion_id, t.value_x100, t.note, 1, %(now)s, %(actor_id)s "
    "FROM unnest(%(judge_ids)s::integer[], %(nomination_ids)s::integer[], %(criterion_ids)s::integer[], "
    "%(values)s::integer[], %(notes)s::text[]) AS t(judge_id, nomination_id, criterion_id, value_x100, note)"
)
_CHANGED_SCORES = (
    "UPDATE scores SET value_x100 = t.value_x100, note = t.note, version = scores.version + 1, updated_at = %(now)s, "
    "updated_by_id = %(actor_id)s "
    "FROM unnest(%(ids)s::integer[], %(versions)s::integer[], %(values)s::integer[], %(notes)s::text[]) "
    "AS t(id, version, value_x100, note) "
    "WHERE scores.id = t.id AND scores.version = t.version"
)
_AUDIT_ROWS = (
    "INSERT INTO score_audit (event_id, nomination_id, criterion_id, judge_id, actor_id, at, old_x100, new_x100, reason, "
    "note, client_key, kind) "
    "SELECT %(event_id)s, t.nomination_id, t.criterion_id, t.judge_id, %(actor_id)s, %(now)s, t.old_x100, t.new_x100, t.reason, "
    "t.note, %(client_key)s, t.kind "
    "FROM unnest(%(nomination_ids)s::integer[], %(criterion_ids)s::integer[], %(judge_ids)s::integer[], "
    "%(old)s::integer[], %(new)s::integer[], %(reasons)s::text[], %(notes)s::text[], %(kinds)s::text[]) "
    "AS t(nomination_id, criterion_id, judge_id, old_x100, new_x100, reason, note, kind)"
)


def _insert_scores(rows: list[dict]) -> None:
    """New score rows (``_write``): one statement; a score created meanwhile fails on the unique index."""
    connection = db.session.connection()
    if not driver.on_postgresql(connection):
        connection.execute(_insert(Score), rows)
        return
    first = rows[0]
    driver.execute(connection, _NEW_SCORES, {
        "event_id": first["event_id"], "now": first["updated_at"], "actor_id": first["updated_by_id"],
        "judge_ids": [r["judge_id"] for r in rows], "nomination_ids": [r["nomination_id"] for r in rows],
        "criterion_ids": [r["criterion_id"] for r in rows], "values": [r["value_x100"] for r in rows],
        "notes": [r["note"] for r in rows]})


def _insert_audits(rows: list[dict]) -> None:
    """The audit rows of one submission (``_write``; one event, actor, time and client key): one statement."""
    connection = db.session.connection()
    if not driver.on_postgresql(connection):
        connection.execute(_insert(ScoreAudit), rows)
        return
    first = rows[0]
    driver.execute(connection, _AUDIT_ROWS, {
        "event_id": first["event_id"], "actor_id": first["actor_id"], "now": first["at"], "client_key": first["client_key"],
        "nomination_ids": [r["nomination_id"] for r in rows], "criterion_ids": [r["criterion_id"] for r in rows],
        "judge_ids": [r["judge_id"] for r in rows], "old": [r["old_x100"] for r in rows],
        "new": [r["new_x100"] for r in rows], "reasons": [r["reason"] for r in rows], "notes": [r["note"] for r in rows],
        "kinds": [r["kind"] for r in rows]})


# ---------------------------------------------------------------------------------------------- completeness, sign-off


def completeness(event: Event) -> scoring.CompletenessReport:
    entries = entries_of(event.id)
    judges = [a.judge for a in assignments(event.id)]
    exempt = [(j.id, n) for j in judges for n in conflicts_for(j, event.contest, entries)]
    rubric = rubric_of(event)
    marks = [
        scoring.Mark(j, n, c, Decimal(v) / 100)
        for j, n, c, v in db.session.execute(select(Score.judge_id, Score.nomination_id, Score.criterion_id, Score.value_x100).where(Score.event_id == event.id))
    ]
    return scoring.completeness_report(rubric, [j.id for j in judges], [e.nomination_id for e in entries], marks, exempt)


def rubric_of(event: Event) -> scoring.Rubric:
    return scoring.Rubric(tuple(
        scoring.Component(c.id, Decimal(c.weight), tuple(_domain_criterion(k) for k in c.criteria), c.aggregation.value, c.name)
        for c in event.components
    ))


def sign_off(chief: User, event_id: int) -> SignOff:
    """The chief judge locks a complete event; when every event with entries is signed off the contest is scored."""
    with transaction():
        event, assignment = _judge_context(chief, event_id)
        require(can_sign_off(assignment), N_("Only the chief judge signs the event off."))
        if event.contest.status not in SCORING:
            raise LockedEvent(N_("Scoring is not open for this event."))
        # Submissions hold a shared lock on the event until they commit (``share_event_lock``): this waits
        # for those in flight, and the completeness read below sees their scores; later ones see the sign-off.
        lock_event(event)
        if sign_off_of(event.id):
            raise SignOffRefused(N_("The event has already been signed off."))
        try:
            report = completeness(event)
        except DomainError as exc:  # an incomplete rubric: nothing can be complete
            raise SignOffRefused(exc.message, **exc.params) from exc
        if not report.complete:
            raise SignOffRefused(N_("%(count)d scores are still missing; the event cannot be signed off yet."), count=len(report.missing))
        record = SignOff(event_id=event.id, chief_id=chief.id)
        db.session.add(record)
        db.session.flush()
        scored = mark_contest_scored_if_done(event)
        audit(chief, "event.sign_off", "event", event.id, contest_scored=scored)
    return record


def mark_contest_scored_if_done(event: Event) -> bool:
    """After a sign-off (of marks or of a bracket): the contest is scored once every event with confirmed
    entries is signed off. Returns True when it just became scored. The contest row is locked first, so of
    two events signed off at once the second to lock sees the first's sign-off."""
    _lock_contest(event.contest_id)
    unsigned = db.session.scalar(
        select(func.count(func.distinct(Nomination.event_id)))
        .join(Event, Event.id == Nomination.event_id)
        .outerjoin(SignOff, SignOff.event_id == Event.id)
        .where(Event.contest_id == event.contest_id, Nomination.status == NominationStatus.CONFIRMED, SignOff.id.is_(None))
    )
    if not unsigned:
        event.contest.status = ContestStatus.SCORED
    return not unsigned


def _lock_contest(contest_id: int) -> None:
    if db.session.get_bind().dialect.name != "sqlite":  # SQLite: the sign-off already holds the write lock
        db.session.execute(select(Contest.id).where(Contest.id == contest_id).with_for_update())


def audit_query(actor: User, event_id: int, judge_id: int | None = None, number: int | None = None, kind: str | None = None):
    event = get_event(actor, event_id)
    if not can_see_all_scores(actor, event):
        raise PermissionDenied(N_("Only the chief judge and the host's organisers see the score audit."))
    query = select(ScoreAudit).where(ScoreAudit.event_id == event.id).order_by(ScoreAudit.at.desc(), ScoreAudit.id.desc())
    if judge_id:
        query = query.where(ScoreAudit.judge_id == judge_id)
    if number:
        query = query.join(Nomination, Nomination.id == ScoreAudit.nomination_id).where(Nomination.competitor_number == number)
    if kind:
        query = query.where(ScoreAudit.kind == kind)
    return event, query


# ---------------------------------------------------------------------------------------------- overview and audit export


@dataclass
class ScoreOverview:
    event: Event
    assignment: JudgeAssignment | None
    all_scores: bool
    signed_off: SignOff | None
    report: scoring.CompletenessReport
    entries: list[Entry]
    judges: list[JudgeAssignment]
    criteria: list[Criterion]
    values: dict  # (nomination_id, criterion_id, judge_id) → (value_x100, version)
    results: dict  # nomination_id → scoring.EntryResult
    missing_by_judge: dict  # judge_id → count
    rubric_problem: str | None = None  # why there is nothing to score yet (an incomplete rubric), translated
    numbers: dict = field(default_factory=dict)  # nomination_id → competitor number, of every entry
    total: int = 0  # entries found (``entries`` is one page of them)
    names_searched: bool = False  # the search looks at names and units (the host's organisers), else numbers only


def score_overview(user: User, event_id: int, page: int = 1, per_page: int | None = None, search: str = "",
                   unit: Organisation | None = None) -> ScoreOverview:
    """Progress for everyone involved; every judge's values only for the chief judge and the host's
    organisers (and for all assigned judges after sign-off).

    The entry rows are one page (``per_page``; all when None) of the entries found by ``search``: a competitor
    number, and — for the host's organisers only, who see names — a name, pinyin initials or a unit
    (``search.entry_clause``), within ``unit``; judges see numbers only, so they search by number only."""
    event = event_or_404(event_id)
    assignment = assignment_of(user, event.id)
    if not can_follow_scoring(user, event, assignment):
        raise PermissionDenied(N_("Only the event's judges and the host's organisers follow its scoring."))
    try:
        report, rubric_problem = completeness(event), None
    except DomainError as exc:  # an event whose rubric is not complete yet has nothing to score
        report, rubric_problem = scoring.CompletenessReport(0, 0, ()), translate(exc)
    all_scores = can_see_all_scores(user, event)
    names_searched = can_manage(user, event.contest)
    numbers = dict(db.session.execute(_numbered(event.id).order_by(Nomination.competitor_number)).all())
    if per_page is None and not search_service.clean(search) and unit is None:
        entries, total = entries_of(event.id), len(numbers)
    else:
        entries, total = _entry_page(event, page, per_page, search, unit if names_searched else None, names_searched)
    values, results = {}, {}
    query = select(Score.nomination_id, Score.criterion_id, Score.judge_id, Score.value_x100, Score.version).where(Score.event_id == event.id)
    if len(entries) < len(numbers):
        query = query.where(Score.nomination_id.in_([e.nomination_id for e in entries]))
    if not all_scores:
        query = query.where(Score.judge_id == user.id)
    for n, c, j, v, version in db.session.execute(query):
        values[(n, c, j)] = (v, version)
    if all_scores and values and rubric_problem is None:
        marks = [scoring.Mark(j, n, c, Decimal(v) / 100) for (n, c, j), (v, _version) in values.items()]
        results = scoring.compute_event_results(rubric_of(event), marks)
    missing: dict[int, int] = {}
    for item in report.missing:
        missing[item.judge_id] = missing.get(item.judge_id, 0) + 1
    return ScoreOverview(event, assignment, all_scores, sign_off_of(event.id), report, entries, assignments(event.id),
                         _criteria(event.id), values, results, missing, rubric_problem, numbers, total, names_searched)


def _numbered(event_id: int):
    return select(Nomination.id, Nomination.competitor_number).where(
        Nomination.event_id == event_id, Nomination.status == NominationStatus.CONFIRMED, Nomination.competitor_number.is_not(None)
    )


def _entry_page(event: Event, page: int, per_page: int | None, search: str, unit: Organisation | None,
                names: bool) -> tuple[list[Entry], int]:
    query = _numbered(event.id)
    text = search_service.clean(search)
    if text and names:
        query = query.where(search_service.entry_clause(text))
    elif text:
        query = query.where(Nomination.competitor_number == int(text) if text.isdigit() else false())
    if unit is not None:
        query = query.where(search_service.unit_clause(Nomination.org_id, unit))
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    query = query.order_by(Nomination.competitor_number)
    if per_page is not None:
        query = query.limit(per_page).offset((max(page, 1) - 1) * per_page)
    rows = db.session.execute(query).all()
    paths = member_paths([r[0] for r in rows]) if rows else {}
    return [Entry(i, n, paths.get(i, ())) for i, n in rows], total


def audit_workbook(event: Event, query, with_sign_off: bool = True) -> bytes:
    numbers = {e.nomination_id: e.number for e in entries_of(event.id)}
    kinds = {"entry": gettext("First entry"), "change": gettext("Change"), "correction": gettext("Correction after sign-off")}
    rows = (
        (clock.local(a.at).replace(microsecond=0), numbers.get(a.nomination_id), a.criterion.name, a.judge.name, a.actor.name,
         scoring.from_hundredths(a.old_x100) if a.old_x100 is not None else None, scoring.from_hundredths(a.new_x100),
         kinds.get(a.kind, a.kind), a.reason, a.client_key or "")
        for a in db.session.scalars(query)
    )
    signed = sign_off_of(event.id)
    if signed is not None and with_sign_off:  # who signed the event off and when, as the log's last line
        rows = itertools.chain(rows, [(clock.local(signed.at).replace(microsecond=0), "", "", "", signed.chief.name, "", "", gettext("Sign-off"), "", "")])
    headers = [gettext("Time"), gettext("No."), gettext("Criterion"), gettext("Judge"), gettext("Changed by"),
               gettext("Old value"), gettext("New value"), gettext("Kind"), gettext("Reason"), gettext("Client key")]
    return write_xlsx(event.name, headers, rows)
