"""Faults during score submission: a gunicorn worker killed, then every database connection of the app cut
(issue 18.4). Reconciled afterwards: nothing lost, nothing doubled, no 5xx once the database is back.

    .venv/bin/python bench/faults.py [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/test]
                                     [--entries 200] [--judges 100] [--interval 5] [--seconds 40]

Setup (not timed) as ``bench/score_load.py`` in a throw-away schema. The app runs under gunicorn
(``-w 2 --threads 4``, production configuration, ``pool_pre_ping``); its connections carry an
``application_name`` of this run. Each judge sends a sheet every ``--interval`` seconds (10 % change an
earlier sheet); a request whose connection breaks is sent again on a new connection with the same key, a
5xx answer is sent again after 0.2 s with the same key, until it is answered (as a tablet does).

Faults, on a timer: at 25 % of the run ``kill -9`` of one gunicorn worker (the master starts another);
at 50 % ``pg_terminate_backend`` of every connection of the app — what a PostgreSQL restart does to the
app, without restarting a server other people's tests use (``pg_ctlcluster … restart`` gives the same
picture, plus refused connections for the seconds PostgreSQL is down). Printed: the answers by status and
phase, when the first 200 came after each fault, the 5xx after the database was back (target 0), and the
reconciliation of the database with every answer the judges received (as in ``score_load``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from score_load import DEFAULT_URL, Http, Server, Stats, Target, build, make_sheet, raw_request, reconcile_app  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

from contest import create_app  # noqa: E402
from contest.config import TestConfig  # noqa: E402
from contest.extensions import db  # noqa: E402


def worker_pids(master: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


async def run(target: Target, server: Server, admin, app_name: str, interval: float, seconds: float) -> dict:
    start = time.perf_counter()
    events: dict[str, float] = {}
    answers: list[tuple[float, int]] = []  # (time since start, status) of every answer, retries included
    lost_tablets = Counter()
    stats = Stats()

    async def tablet(i: int, judge) -> None:
        rng, http = random.Random(7000 + i), Http(target.port, stats)
        due = start + rng.uniform(0, interval)
        try:
            while due < start + seconds:
                await asyncio.sleep(max(0.0, due - time.perf_counter()))
                key, number, marks, body = make_sheet(judge, target.world, rng)
                raw = raw_request("PUT", target.path, judge.token, body)
                target.ledger.keys.add(key)
                deadline = time.perf_counter() + 60
                while True:
                    try:
                        status, answer = await http.request(raw)
                    except (OSError, asyncio.IncompleteReadError):
                        status, answer = 599, b""  # no answer at all: the same key again on a new connection
                        http.close()
                    answers.append((time.perf_counter() - start, status))
                    if status < 500 or time.perf_counter() > deadline:
                        break
                    await asyncio.sleep(0.2)
                if status == 200:
                    saved = json.loads(answer)["saved"]
                    judge.versions[number] = saved[0]["version"]
                    target.ledger.accepted[(judge.id, number)] += 1
                    target.ledger.last[(judge.id, number)] = marks
                    target.ledger.accepted_keys.add(key)
                else:
                    lost_tablets[status] += 1
                due += interval
        finally:
            http.close()

    async def faults() -> None:
        await asyncio.sleep(seconds * 0.25)
        pids = worker_pids(server.proc.pid)
        os.kill(pids[0], signal.SIGKILL)
        events["worker killed"] = time.perf_counter() - start
        await asyncio.sleep(seconds * 0.25)
        with admin.connect() as conn:
            cut = conn.execute(text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = :a"),
                               {"a": app_name}).scalar()
        events["database connections cut"] = time.perf_counter() - start
        events["connections cut"] = cut

    await asyncio.gather(faults(), *(tablet(i, j) for i, j in enumerate(target.judges)))
    return {"events": events, "answers": answers, "unanswered": lost_tablets, "stats": stats}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--entries", type=int, default=200)
    parser.add_argument("--judges", type=int, default=100)
    parser.add_argument("--interval", type=float, default=5)
    parser.add_argument("--seconds", type=float, default=40)
    args = parser.parse_args()

    url = args.database_url
    schema = f"faults_{uuid.uuid4().hex[:8]}"
    app_name = f"contest_{schema}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    server = None
    try:
        app = create_app(TestConfig, {"SQLALCHEMY_DATABASE_URI": url,
                                      "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"options": f"-csearch_path={schema}"}}})
        t0 = time.perf_counter()
        with app.app_context():
            db.create_all()
            world = build(args.entries, args.judges)
            db.session.remove()
        print(f"setup: {len(world.numbers)} entries, {len(world.judges)} judges in {time.perf_counter() - t0:.0f} s (not timed)", flush=True)
        logs = tempfile.mkdtemp(prefix="faults-")
        env = {"BENCH_DATABASE_URL": f"{url}?application_name={app_name}", "BENCH_SCHEMA": schema}
        server = Server("app", "bench_app:create_bench_app()", env, 2, 4, logs)
        path = f"/api/v1/events/{world.event_id}/scores"
        server.wait_ready(f"/api/v1/events/{world.event_id}/sheet", world.judges[0][1])
        target = Target("app", server.port, path, world, 18)
        print(f"load: {len(world.judges)} judges, one sheet every {args.interval:g} s each, {args.seconds:g} s", flush=True)
        outcome = asyncio.run(run(target, server, admin, app_name, args.interval, args.seconds))
        server.stop()
        events, answers = outcome["events"], outcome["answers"]
        killed, cut = events["worker killed"], events["database connections cut"]
        back = min((t for t, s in answers if t > cut and s == 200), default=None)
        phases = Counter()
        for t, status in answers:
            phase = "before faults" if t < killed else "after the kill" if t < cut else "database cut, until the first 200" if back is None or t < back else "database back"
            phases[(phase, status)] += 1
        print(f"\nworker killed at {killed:.1f} s; {events['connections cut']} database connections cut at {cut:.1f} s; "
              f"first 200 after the cut at {back - cut if back else float('nan'):.2f} s after it")
        for (phase, status), count in sorted(phases.items()):
            print(f"  {phase:<36} {status}: {count}")
        after_back = sum(c for (p, s), c in phases.items() if p == "database back" and s >= 500)
        print(f"5xx once the database was back: {after_back} (target 0); connections that broke and were resent: {outcome['stats'].resends}")
        print(f"sheets never answered 200: {dict(outcome['unanswered']) or 0}")
        with app.app_context():
            checks = reconcile_app(world, target.ledger)
            db.session.remove()
        print("reconciliation:")
        for name, value in checks.items():
            print(f"  {name}: {value}")
        problems = [k for k in ("cells stored more than once", "expected cells missing", "versions ≠ accepted sheets",
                                "values ≠ last accepted", "keys with ≠ 10 audit rows") if checks[k]]
        ok = not problems and not after_back and not outcome["unanswered"]
        print("RESULT:", "OK — nothing lost, nothing doubled, no 5xx once the database was back" if ok else f"FAILED {problems}")
        server.log = open(Path(logs) / "app.log")  # noqa: SIM115
        errors = [line for line in server.log if "Traceback" in line or "ERROR" in line]
        print(f"gunicorn log: {len(errors)} error lines ({logs}/app.log)")
    finally:
        if server is not None and server.proc.poll() is None:
            server.stop()
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


if __name__ == "__main__":
    main()
