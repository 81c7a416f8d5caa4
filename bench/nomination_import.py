"""Benchmark: bulk nomination of 10,000 rows (.xlsx) — read, validate every row, write in one transaction.

    python bench/nomination_import.py [--rows 10000] [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/test]

Prints the time of each phase. Target (issue 3): 10,000 rows in under 10 s. The workers are inserted
directly (not timed); the import itself goes through the real service, as an upload would.
"""

from __future__ import annotations

import argparse
import io
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from openpyxl import Workbook  # noqa: E402
from sqlalchemy import insert  # noqa: E402

from bench.support import throwaway_app  # noqa: E402
from contest.domain.identity import generate_resident_id  # noqa: E402
from contest.extensions import db  # noqa: E402
from contest.models import Gender, Organisation, OrgLevel, Role, SkillLevel, User, UserRole, WorkerProfile  # noqa: E402


def build(rows: int):
    from tests.contest_factories import make_contest
    from tests.factories import build_world

    world = build_world("Passw0rd!")
    rng = random.Random(1)
    teams = []
    for e in range(rows // 100 + 1):
        enterprise = Organisation(name=f"企业{e}", level=OrgLevel.ENTERPRISE, parent=world.orgs["county_a"], path="/0/", position=e)
        db.session.add(enterprise)
        db.session.flush()
        enterprise.path = f"{world.orgs['county_a'].path}{enterprise.id}/"
        for t in range(2):
            team = Organisation(name=f"班组{t}", level=OrgLevel.TEAM, parent=enterprise, path="/0/", position=t)
            db.session.add(team)
            db.session.flush()
            team.path = f"{enterprise.path}{team.id}/"
            teams.append(team)
    db.session.commit()
    pw = world.users["worker"].password_hash
    users, seen = [], set()
    start = date(1970, 1, 1)
    for i in range(rows):
        while True:
            rid = generate_resident_id(rng, "330802", start + timedelta(days=rng.randrange(0, 11000)), "M")
            if rid not in seen:
                seen.add(rid)
                break
        users.append({"username": f"bench{i}", "password_hash": pw, "name": f"职工{i}", "org_id": teams[i % len(teams)].id,
                      "active": True, "must_change_password": False, "created_at": start, "rid": rid})
    ids = list(db.session.scalars(insert(User).returning(User.id, sort_by_parameter_order=True),
                                  [{k: v for k, v in u.items() if k != "rid"} for u in users]))
    db.session.execute(insert(UserRole), [{"user_id": i, "role": Role.WORKER} for i in ids])
    db.session.execute(insert(WorkerProfile), [{"user_id": i, "gender": Gender.MALE, "resident_id": u["rid"], "occupation": "电工",
                                                "skill_level": SkillLevel.LEVEL3} for i, u in zip(ids, users, strict=True)])
    db.session.commit()
    contest = make_contest(world.users["city"])
    wb = Workbook()
    sheet = wb.active
    sheet.append(["竞赛项目", "身份证号", "姓名", "队名"])
    for u in users:
        sheet.append(["电工", u["rid"], u["name"], ""])
    out = io.BytesIO()
    wb.save(out)
    return world.users["county_a"], contest, out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--database-url", default=None, help="PostgreSQL URL (a throw-away schema is used); default SQLite")
    args = parser.parse_args()
    with throwaway_app(args.database_url):
        t0 = time.perf_counter()
        actor, contest, data = build(args.rows)
        print(f"setup: {args.rows} workers and an {len(data) / 1024:.0f} KB workbook in {time.perf_counter() - t0:.1f} s (not timed)")
        from contest.services.nomination_import import COLUMNS, import_nominations
        from contest.spreadsheets import read_table

        t1 = time.perf_counter()
        read_table(data, "bench.xlsx", COLUMNS)
        t2 = time.perf_counter()
        ids = import_nominations(actor, contest.id, data, "bench.xlsx")
        t3 = time.perf_counter()
        assert len(ids) == args.rows
        print(f"backend: {db.engine.url.get_backend_name()}")
        print(f"read .xlsx alone: {t2 - t1:.2f} s")
        print(f"import {args.rows} rows (read + validate + write): {t3 - t2:.2f} s  ({args.rows / (t3 - t2):.0f} rows/s)")
        print("target: < 10 s for 10,000 rows —", "met" if t3 - t2 < 10 else "NOT met")


if __name__ == "__main__":
    main()
