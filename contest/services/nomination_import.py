"""Bulk nomination from .xlsx/.csv: every row is checked first, then all are written in one transaction.

Columns (the downloadable template is in Chinese): 竞赛项目 (event name), 身份证号 (identifies the worker),
姓名 (must match the record, a guard against a wrong ID), 队名 (team events: rows with the same team name
form one team). The importing organiser counts as having approved up to its own unit, exactly as when
nominating on the page, and the same rules apply (``registration.plan_nomination``). Quotas are checked
cumulatively across the file. Writing uses multi-row INSERTs, so 10,000 rows stay well under ten seconds
(see ``bench/nomination_import.py``).
"""

from __future__ import annotations

import logging
from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from contest import policy
from contest.clock import today
from contest.domain.errors import N_, DomainError
from contest.domain.identity import LOST_DIGITS, InvalidResidentId, normalise_resident_id, probably_lost_digits
from contest.extensions import db
from contest.loaders import get_contest, require
from contest.models import Organisation, User, WorkerProfile
from contest.services import PermissionDenied, audit, notifications, transaction
from contest.services.nominations import write_nominations
from contest.services.registration import (
    _check_open,
    _orgs_for,
    entered_user_ids,
    lock_event,
    plan_nomination,
    quota_facts,
)
from contest.spreadsheets import Column, RowError, TableError, read_table

logger = logging.getLogger(__name__)

COLUMNS = (
    Column("event", "竞赛项目", aliases=("项目", "工种", "event"), example="电工", width=16),
    Column("resident_id", "身份证号", aliases=("身份证号码", "公民身份号码", "resident_id"), example="330802199001011232", text=True, width=22),
    Column("name", "姓名", aliases=("name",), example="张三", width=12),
    Column("team", "队名", aliases=("团队名称", "代表队", "team"), required=False, example="", width=20),
)
NOTES = (
    "每行一名参赛职工。竞赛项目须与本竞赛的项目名称一致；姓名须与系统中登记的姓名一致。",
    "身份证号一列请设为“文本”格式；若被表格软件显示为 3.30802E+17 这样的数字，已丢失位数，系统会拒绝导入。",
    "团体项目：同一队的队员填写相同的队名，每队人数须符合项目要求。",
    "只要有一行有错，整个文件都不会导入；名额按文件中的全部报名累计核对。",
)
CHUNK = 500


def _load_workers(resident_ids: set[str]) -> dict[str, User]:
    found: dict[str, User] = {}
    ids = sorted(resident_ids)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        users = db.session.scalars(
            select(User).join(WorkerProfile).where(WorkerProfile.resident_id.in_(chunk))
            .options(selectinload(User.profile), selectinload(User.role_rows))
        )
        found.update({u.profile.resident_id: u for u in users})
    return found


def import_nominations(actor: User, contest_id: int, data: bytes, filename: str, max_rows: int = 20_000) -> list[int]:
    """Create every nomination in the file, or none; returns the new nominations' ids."""
    require(policy.can_import_nominations(actor))
    contest = get_contest(actor, contest_id)
    _check_open(contest)
    rows = read_table(data, filename, COLUMNS, max_rows=max_rows)
    events = {e.name: e for e in contest.events}
    header = {c.key: c.header for c in COLUMNS}
    errors: list[RowError] = []

    parsed: list[tuple[int, object, str, str, str]] = []  # row, event, resident id, name, team
    for row in rows:
        event = events.get(row.get("event").strip())
        if event is None:
            errors.append(RowError(row.number, header["event"], N_("This contest has no event named %(value)s."), {"value": row.get("event")}))
            continue
        cell = row.cells["resident_id"]
        try:
            resident_id = normalise_resident_id(row.get("resident_id"), number_cell=cell.numeric, today=today())
        except InvalidResidentId as exc:
            errors.append(RowError(row.number, header["resident_id"], exc.message, exc.params))
            continue
        parsed.append((row.number, event, resident_id, row.get("name").strip(), " ".join(row.get("team").split())))

    workers = _load_workers({p[2] for p in parsed})
    groups: dict[tuple[int, str], list[tuple[int, User]]] = defaultdict(list)
    seen: dict[tuple[int, str], int] = {}
    for number, event, resident_id, name, team in parsed:
        user = workers.get(resident_id)
        if user is None:
            if probably_lost_digits(resident_id):  # most likely damaged by a spreadsheet: say so, not "unknown"
                errors.append(RowError(number, header["resident_id"], LOST_DIGITS, {"value": resident_id}))
            else:
                errors.append(RowError(number, header["resident_id"], N_("No worker with this resident ID number is registered; add the worker first.")))
            continue
        if name != user.name:
            errors.append(RowError(number, header["name"], N_("The name %(given)s does not match the registered name of this resident ID number."), {"given": name}))
            continue
        if not policy.in_scope(actor, user.org):
            errors.append(RowError(number, header["resident_id"], N_("%(name)s is not in your units."), {"name": user.name}))
            continue
        key = (event.id, resident_id)
        if key in seen:
            errors.append(RowError(number, header["resident_id"], N_("This resident ID number also appears in row %(other)d."), {"other": seen[key]}))
            continue
        seen[key] = number
        if event.is_team and not team:
            errors.append(RowError(number, header["team"], N_("%(event)s is a team event: give the team name."), {"event": event.name}))
            continue
        groups[(event.id, team if event.is_team else f"#{number}")].append((number, user))

    by_event = {e.id: e for e in contest.events}
    with transaction():
        # Lock the events first, so that the quota counts read below cannot change before the write.
        for event_id in sorted({k[0] for k in groups}):
            lock_event(by_event[event_id])
        plans = _plan(actor, contest, groups, by_event, header, errors)
        if errors:
            raise TableError(sorted(errors, key=lambda e: (e.row or 0)))
        ids = write_nominations(actor, [plan for _event, plan in plans], "import")
        audit(actor, "nomination.import", "contest", contest.id, filename=filename, count=len(ids))
        notifications.notify_progress_of(ids)
    logger.info("Imported %d nominations into contest %s", len(ids), contest.id)
    return ids


def _plan(actor, contest, groups, by_event, header, errors) -> list:
    facts = {event_id: quota_facts(by_event[event_id]) for event_id in {k[0] for k in groups}}
    all_users = [u for members in groups.values() for _, u in members]
    orgs: dict[int, Organisation] = _orgs_for([u.org.path for u in all_users] + [contest.host.path])
    entered = {event_id: entered_user_ids(event_id, [u.id for (e, _), members in groups.items() if e == event_id for _, u in members])
               for event_id in facts}
    plans = []
    for (event_id, team), members in groups.items():
        event = by_event[event_id]
        try:
            plan = plan_nomination(actor, event, [u for _, u in members], team if event.is_team else None,
                                   facts[event_id], orgs, entered[event_id])
        except (DomainError, PermissionDenied) as exc:
            column = header["team"] if event.is_team else header["resident_id"]
            errors.append(RowError(members[0][0], column, exc.message, exc.params))
            continue
        plans.append((event, plan))
    return plans
