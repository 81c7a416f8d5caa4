"""``flask --app contest check-db``: is this database (a restored backup, say) whole?

Four checks, each reporting how much it looked at and every problem found:

- **constraints**: every foreign key has its parent row, every unique constraint and unique index (partial
  ones with their condition) holds, every CHECK constraint holds, every entry has the members its kind of
  entrant takes (one worker, a team of at least one, a unit none) — read from the models' metadata, so a
  restore that skipped or deferred constraints is caught, on SQLite and PostgreSQL alike (SQLite also runs
  ``PRAGMA integrity_check``);
- **audit**: every score has its audit trail — as many audit rows as its version, the last one's new value
  equal to the stored value — and no audit trail lacks its score;
- **certificates**: serials are contiguous per host and year (1 … n, no gap);
- **results**: every event's stored results are computed again from its scores or bracket (in a
  transaction that is rolled back) and must come out identical: ranks, totals, components, awards, titles,
  explanations.

Nothing is written.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import (
    CheckConstraint,
    ForeignKeyConstraint,
    Index,
    UniqueConstraint,
    and_,
    exists,
    func,
    not_,
    or_,
    select,
    text,
)
from sqlalchemy.sql.elements import TextClause

from contest.domain.entrants import EntrantKind
from contest.extensions import db
from contest.models import (
    Certificate,
    Event,
    EventResult,
    EventResultNote,
    Nomination,
    NominationMember,
    Score,
    ScoreAudit,
)
from contest.services.results import _rank


@dataclass
class Check:
    name: str
    checked: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_database() -> list[Check]:
    try:
        return [_constraints(), _audit(), _certificates(), _results()]
    finally:
        db.session.rollback()


def _constraints() -> Check:
    check = Check("constraints")
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        verdict = connection.exec_driver_sql("PRAGMA integrity_check").scalar()
        if verdict != "ok":
            check.problems.append(f"SQLite integrity_check: {verdict}")
    for table in db.metadata.sorted_tables:
        for constraint in table.constraints:
            if isinstance(constraint, ForeignKeyConstraint):
                check.checked += 1
                parent = constraint.elements[0].column.table
                present = and_(*(c.is_not(None) for c in constraint.columns))
                referred = parent.alias("referred")  # an alias: a table may refer to itself (organisations.parent_id)
                matched = and_(*(e.parent == referred.c[e.column.name] for e in constraint.elements))
                orphans = connection.execute(
                    select(func.count()).select_from(table).where(present, not_(exists(select(1).select_from(referred).where(matched))))
                ).scalar()
                if orphans:
                    check.problems.append(f"{table.name}: {orphans} rows refer to missing {parent.name} ({constraint.name})")
            elif isinstance(constraint, UniqueConstraint):
                check.checked += 1
                _unique(check, connection, table, list(constraint.columns), constraint.name, None)
            elif isinstance(constraint, CheckConstraint):
                check.checked += 1
                rule = constraint.sqltext
                failing = text(f"NOT ({rule})") if isinstance(rule, TextClause) else not_(rule)
                broken = connection.execute(select(func.count()).select_from(table).where(failing)).scalar()
                if broken:
                    check.problems.append(f"{table.name}: {broken} rows break CHECK {constraint.name}")
        for index in table.indexes:
            if isinstance(index, Index) and index.unique:
                check.checked += 1
                where = index.dialect_options["postgresql"].get("where") if connection.dialect.name == "postgresql" else index.dialect_options["sqlite"].get("where")
                _unique(check, connection, table, list(index.columns), index.name, where)
        for column in table.columns:
            if column.unique:
                check.checked += 1
                _unique(check, connection, table, [column], f"{table.name}.{column.name}", None)
    _entrant_members(check, connection)
    return check


def _entrant_members(check: Check, connection) -> None:
    """What the entrant CHECK cannot see (``domain.entrants``): a worker entry has one member, a team at least
    one, a unit none."""
    check.checked += 1
    counts = select(NominationMember.nomination_id, func.count().label("n")).group_by(NominationMember.nomination_id).subquery()
    members = func.coalesce(counts.c.n, 0)
    broken = connection.execute(
        select(func.count()).select_from(Nomination).outerjoin(counts, counts.c.nomination_id == Nomination.id).where(or_(
            and_(Nomination.entrant_kind == EntrantKind.WORKER, members != 1),
            and_(Nomination.entrant_kind == EntrantKind.TEAM, members < 1),
            and_(Nomination.entrant_kind == EntrantKind.UNIT, members != 0),
        ))
    ).scalar()
    if broken:
        check.problems.append(f"nominations: {broken} entries whose members do not fit their kind of entrant")


def _unique(check: Check, connection, table, columns, name, where) -> None:
    query = select(*columns).where(*(c.is_not(None) for c in columns))
    if where is not None:
        query = query.where(text(str(where)) if isinstance(where, str) else where)
    duplicates = connection.execute(
        select(func.count()).select_from(query.group_by(*columns).having(func.count() > 1).subquery())
    ).scalar()
    if duplicates:
        check.problems.append(f"{table.name}: {duplicates} values appear more than once ({name})")


def _audit() -> Check:
    check = Check("audit")
    key = (ScoreAudit.judge_id, ScoreAudit.nomination_id, ScoreAudit.criterion_id)
    trails = select(*key, func.count().label("n"), func.max(ScoreAudit.id).label("last")).group_by(*key).subquery()
    last = ScoreAudit.__table__.alias("last_audit")
    audited = {
        (j, n, c): (count, value)
        for j, n, c, count, value in db.session.execute(
            select(trails.c.judge_id, trails.c.nomination_id, trails.c.criterion_id, trails.c.n, last.c.new_x100)
            .join(last, last.c.id == trails.c.last)
        )
    }
    for score_id, j, n, c, value, version in db.session.execute(
        select(Score.id, Score.judge_id, Score.nomination_id, Score.criterion_id, Score.value_x100, Score.version)
    ):
        check.checked += 1
        trail = audited.pop((j, n, c), None)
        if trail is None:
            check.problems.append(f"score {score_id}: no audit rows")
        elif trail[0] != version:
            check.problems.append(f"score {score_id}: version {version} but {trail[0]} audit rows")
        elif trail[1] != value:
            check.problems.append(f"score {score_id}: value {value} but the last audit row says {trail[1]}")
    for (j, n, c), _trail in audited.items():
        check.problems.append(f"audit rows for judge {j}, entry {n}, criterion {c} but no score")
    return check


def _certificates() -> Check:
    check = Check("certificates")
    for host_id, year, count, lowest, highest in db.session.execute(
        select(Certificate.host_id, Certificate.year, func.count(), func.min(Certificate.seq), func.max(Certificate.seq))
        .group_by(Certificate.host_id, Certificate.year)
    ):
        check.checked += count
        if lowest != 1 or highest != count:
            check.problems.append(f"host {host_id}, {year}: {count} serials numbered {lowest}…{highest}, not 1…{count}")
    return check


def _stored(event_id: int) -> tuple[list, Counter]:
    rows = sorted(tuple(row) for row in db.session.execute(
        select(EventResult.nomination_id, EventResult.rank, EventResult.total_x100, EventResult.components, EventResult.award,
               EventResult.titles, EventResult.decided_by).where(EventResult.event_id == event_id)
    ))
    notes = Counter((code, message, repr(sorted((params or {}).items()))) for code, message, params in db.session.execute(
        select(EventResultNote.code, EventResultNote.message, EventResultNote.params).where(EventResultNote.event_id == event_id)))
    return rows, notes


def _results() -> Check:
    check = Check("results")
    for event_id in db.session.scalars(select(EventResult.event_id).distinct().order_by(EventResult.event_id)):
        check.checked += 1
        before = _stored(event_id)
        try:
            _rank(db.session.get(Event, event_id))
            after = _stored(event_id)
        except Exception as exc:  # noqa: BLE001 - a result that cannot be computed again is the finding
            check.problems.append(f"event {event_id}: results cannot be computed again ({exc})")
            continue
        if after[0] != before[0]:
            old, new = {r[0]: r for r in before[0]}, {r[0]: r for r in after[0]}
            changed = sum(1 for n in old.keys() | new.keys() if old.get(n) != new.get(n))
            check.problems.append(f"event {event_id}: {changed} entries' stored results differ from a fresh computation")
        elif after[1] != before[1]:
            check.problems.append(f"event {event_id}: the stored explanations differ from a fresh computation")
    db.session.rollback()
    return check
