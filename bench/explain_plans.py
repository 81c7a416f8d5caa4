"""Hot lookups of score submission on PostgreSQL: sequential scans counted, EXPLAIN plans printed (issue 18.3).

    .venv/bin/python bench/explain_plans.py [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/test]
                                            [--entries 400] [--judges 200] [--sheets 2000]

In a throw-away schema: the score benchmark's world (``bench/score_load.build``: one event, ten criteria,
``--entries`` drawn entries, ``--judges`` city judges with bearer tokens), then ``--sheets`` submissions
through the service (10 % changes of an earlier sheet) so the tables have realistic sizes, then ANALYZE.
It then (1) counts the sequential and index scans per table during another 200 submissions and token
look-ups (``pg_stat_user_tables`` before and after; the statistics are per table, so the counts only see
this schema), and (2) captures the statements of one new sheet, one changed sheet and one bearer-token
look-up and prints the plan of each (``EXPLAIN ANALYZE`` for reads, ``EXPLAIN`` for writes). The schema is
dropped at the end.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from sqlalchemy import create_engine, event, text  # noqa: E402

from contest import create_app  # noqa: E402
from contest.commands import SubmitScores  # noqa: E402
from contest.config import TestConfig  # noqa: E402
from contest.extensions import db  # noqa: E402

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def sheet(world, rng: random.Random, number: int, version: int | None = None) -> dict:
    items = []
    for criterion_id, kind, max_x100 in world.criteria:
        value = str(rng.randint(0, 3)) if kind == "judgement" else f"{rng.randint(0, max_x100) / 100:.2f}"
        item = {"competitor_number": number, "criterion_id": criterion_id, "value": value}
        if version is not None:
            item.update(version=version, reason="复核")
        items.append(item)
    return {"idempotency_key": uuid.uuid4().hex, "scores": items}


def table_scans(schema: str) -> dict[str, tuple[int, int]]:
    rows = db.session.execute(text("SELECT relname, seq_scan, coalesce(idx_scan, 0) FROM pg_stat_user_tables WHERE schemaname = :s"),
                              {"s": schema}).all()
    db.session.commit()
    return {name: (seq, idx) for name, seq, idx in rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--entries", type=int, default=400)
    parser.add_argument("--judges", type=int, default=200)
    parser.add_argument("--sheets", type=int, default=2000)
    parser.add_argument("--no-seqscan", action="store_true",
                        help="plan with enable_seqscan off: which index serves each lookup once the small tables "
                             "(events, criteria, organisations, judge_assignments, api_tokens) are large")
    args = parser.parse_args()

    from score_load import build

    from contest.models import User
    from contest.services import judging
    from contest.services.accounts import user_for_token

    schema = f"plans_{uuid.uuid4().hex[:8]}"
    admin = create_engine(args.database_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        app = create_app(TestConfig, {"SQLALCHEMY_DATABASE_URI": args.database_url,
                                      "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"options": f"-csearch_path={schema}"}}})
        with app.app_context():
            db.create_all()
            t0 = time.perf_counter()
            world = build(args.entries, args.judges)
            judges = {j: db.session.get(User, j) for j, _token in world.judges}
            rng = random.Random(18)
            scored: dict[tuple[int, int], int] = {}  # (judge, number) → version

            def submit_one() -> None:
                judge_id, _token = rng.choice(world.judges)
                number = rng.choice(world.numbers)
                version = scored.get((judge_id, number))
                if version is not None and rng.random() > 0.1:
                    return submit_one()
                answer = judging.submit_scores(judges[judge_id], world.event_id, SubmitScores.from_json(world.event_id, sheet(world, rng, number, version)))
                assert answer.status == 200, answer.body
                scored[(judge_id, number)] = (version or 0) + 1

            for _ in range(args.sheets):
                submit_one()
            db.session.execute(text("ANALYZE"))
            db.session.commit()
            print(f"setup: {len(world.numbers)} entries, {len(world.judges)} judges, {len(scored)} scored sheets "
                  f"({len(scored) * len(world.criteria)} scores) in {time.perf_counter() - t0:.0f} s\n")

            before = table_scans(schema)
            for _ in range(200):
                submit_one()
                user_for_token(rng.choice(world.judges)[1])
                db.session.commit()
            after = table_scans(schema)
            print("Scans per table during 200 submissions and 200 token look-ups (sequential / index):")
            for name in sorted(after):
                seq = after[name][0] - before.get(name, (0, 0))[0]
                idx = after[name][1] - before.get(name, (0, 0))[1]
                if seq or idx:
                    print(f"  {name:24} {seq:6} / {idx:6}")

            captured: list[tuple[str, object]] = []

            def capture(_conn, _cursor, statement, parameters, _context, _many):
                captured.append((statement, parameters))

            def explain(title: str, work) -> None:
                captured.clear()
                event.listen(db.engine, "before_cursor_execute", capture)
                try:
                    work()
                finally:
                    event.remove(db.engine, "before_cursor_execute", capture)
                db.session.rollback()
                print(f"\n== {title}")
                raw = db.engine.raw_connection()
                try:
                    cursor = raw.cursor()
                    for statement, parameters in captured:
                        first_line = " ".join(statement.split())[:110]
                        # Reads are run (ANALYZE: real row counts); writes were already done by the service, so
                        # they are only planned.
                        analyze = statement.lstrip().upper().startswith("SELECT")
                        if args.no_seqscan:
                            cursor.execute("SET LOCAL enable_seqscan = off")
                        cursor.execute(("EXPLAIN (ANALYZE, BUFFERS OFF, TIMING OFF, SUMMARY OFF) " if analyze else "EXPLAIN ") + statement, parameters)
                        plan = [row[0] for row in cursor.fetchall()]
                        raw.rollback()
                        print(f"-- {first_line}…")
                        for line in plan:
                            print("   " + line)
                finally:
                    raw.close()

            judge_id, token = world.judges[1]
            fresh = next(n for n in world.numbers if (judge_id, n) not in scored)
            explain("a new sheet (service statements)",
                    lambda: judging.submit_scores(judges[judge_id], world.event_id, SubmitScores.from_json(world.event_id, sheet(world, rng, fresh))))
            again = next((j, n) for (j, n) in scored)
            explain("a changed sheet",
                    lambda: judging.submit_scores(judges[again[0]], world.event_id, SubmitScores.from_json(world.event_id, sheet(world, rng, again[1], scored[again]))))
            explain("bearer-token look-up", lambda: user_for_token(token))
            db.session.remove()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


if __name__ == "__main__":
    main()
