"""Benchmark: 200 judges submitting score sheets to the API under gunicorn on PostgreSQL, against a baseline.

    python bench/score_load.py [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/test]
                               [--threads 4] [--concurrency 16] [--saturation-seconds 20] [--open-seconds 30]
                               [--profile 200]

Setup (not timed), in a throw-away PostgreSQL schema: a running city contest with one event (two components,
ten criteria), 400 confirmed and drawn entries, 200 city-level judges (no conflicts of interest) and a bearer
token each. Then the real app (``bench/score_apps/bench_app.py``) and a minimal Flask endpoint doing the same
write (``bench/score_apps/baseline_app.py``) run in turn under ``gunicorn -w 2 --threads N`` and a raw asyncio
HTTP client (stdlib only, 127.0.0.1) sends sheets (one entry × ten criteria, a fresh idempotency key each):

- about 10 % of sheets change an entry the judge already scored (with the version and a reason);
- 5 % are sent again after their answer (a replay: the answer must be the same, nothing written twice);
- 3 % are dropped: the client closes the connection before reading the answer, then resends the same key.

The baseline is by default the *fair* one (``bench/score_apps/fair_baseline_app.py``, issue 18.8): raw
psycopg on the project's own schema — same tables, constraints and indexes, same token, lock, idempotency
(with fingerprints), version and audit semantics — in a second throw-away schema holding the same world;
``--baseline light`` runs the earlier one on bare tables.

(a) saturation: a closed loop of ``--concurrency`` connections, sheets/s after a warm-up, app / baseline,
alternating in ``--rounds`` rounds so that both see the same machine (the ratio is printed per round);
(b) open loop: every judge sends one sheet every 5 s (about 40 sheets/s), latency p50/p95/p99.
Then both databases are reconciled with what the client saw accepted. Targets (issue 18.8): app ≥ 50 % of
the fair baseline's throughput at saturation; p99 < 50 ms in the open loop at 40 sheets/s.
``--profile N`` also profiles N submissions in-process (Flask test client): cProfile and SQL per request.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import json
import os
import pstats
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = Path(__file__).resolve().parent / "score_apps"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(APPS))

from sqlalchemy import create_engine, event, select, text  # noqa: E402

from bench.support import stop_process  # noqa: E402
from contest import create_app  # noqa: E402
from contest.config import TestConfig  # noqa: E402
from contest.extensions import db  # noqa: E402

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
CHANGE_RATE, RETRY_RATE, DROP_RATE = 0.10, 0.05, 0.03


# ---------------------------------------------------------------------------------------------- setup (not timed)


@dataclass
class World:
    event_id: int
    numbers: list[int]
    criteria: list[tuple[int, str, int]]  # id, kind, max in hundredths
    judges: list[tuple[int, str]]  # user id, bearer token


def build(entries: int, judges: int) -> World:
    from contest.domain.contests import ContestStatus
    from contest.models import Nomination, OrgLevel, Role
    from contest.services import contests, draws, judging, registration
    from contest.services.accounts import hash_password, issue_api_token
    from tests.contest_factories import make_contest
    from tests.factories import build_world, make_org, make_user

    world = build_world("Passw0rd!")
    city = world.users["city"]
    contest = make_contest(city, events=(), open_=False)
    ev = contests.create_event(city, contest.id, contests.EventInput("电工"))
    theory = contests.add_component(city, ev.id, "理论", 30, "mean")
    for i in range(4):
        contests.add_criterion(city, theory.id, f"笔试{i + 1}", "25", "measurement")
    practice = contests.add_component(city, ev.id, "实操", 70, "trimmed_mean")
    for i in range(5):
        contests.add_criterion(city, practice.id, f"操作{i + 1}", "12", "measurement")
    contests.add_criterion(city, practice.id, "安全", "10", "judgement")
    contests.change_status(city, contest.id, ContestStatus.OPEN)
    pw = hash_password("Passw0rd!")
    teams = []
    for e in range(20):
        ent = make_org(f"企业{e}", OrgLevel.ENTERPRISE, world.orgs["county_a" if e % 2 else "county_b"])
        teams.append(make_org(f"班组{e}", OrgLevel.TEAM, ent))
    workers = [make_user(f"w{i}", teams[i % len(teams)], {Role.WORKER}, pw, name=f"选手{i}") for i in range(entries)]
    judge_users = [make_user(f"j{i}", world.orgs["city"], {Role.JUDGE}, pw, name=f"裁判{i}") for i in range(judges)]
    db.session.commit()
    for w in workers:
        registration.nominate(city, ev.id, [w.id])
    contests.change_status(city, contest.id, ContestStatus.CLOSED)
    draws.hold_draw(city, ev.id)
    contests.change_status(city, contest.id, ContestStatus.RUNNING)
    for i, j in enumerate(judge_users):
        judging.assign_judge(city, ev.id, j.id, chief=i == 0)
    numbers = sorted(db.session.scalars(select(Nomination.competitor_number).where(Nomination.event_id == ev.id)))
    criteria = [(c.id, c.kind.value, c.max_x100) for c in judging._criteria(ev.id)]
    tokens = [(j.id, issue_api_token(j.username, "Passw0rd!", "127.0.0.1")[0]) for j in judge_users]
    return World(ev.id, numbers, criteria, tokens)


# ---------------------------------------------------------------------------------------------- servers


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by a gunicorn master and its workers (Linux ``/proc``)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if stat.parent.name == str(pid) or fields[1] == str(pid):  # fields[1]: the parent's pid
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


class Server:
    def __init__(self, name: str, spec: str, env: dict, workers: int, threads: int, log_dir: str, config: str | None = None):
        self.name, self.port = name, free_port()
        self.log = open(Path(log_dir) / f"{name}.log", "w+")  # noqa: SIM115
        full_env = {**os.environ, **env, "PYTHONPATH": f"{ROOT}{os.pathsep}{APPS}"}
        self.proc = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), *(["--config", config] if config else []), "-w", str(workers),
             "--threads", str(threads), "-b", f"127.0.0.1:{self.port}", "--log-level", "warning", spec],
            cwd=str(ROOT), env=full_env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )

    def wait_ready(self, path: str, token: str, timeout: float = 30) -> tuple[int, bytes]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                return asyncio.run(_one_request(self.port, "GET", path, token, None))
            except OSError:
                time.sleep(0.2)
        self.log.seek(0)
        raise RuntimeError(f"{self.name} did not start:\n{self.log.read()[-3000:]}")

    def stop(self) -> None:
        stop_process(self.proc, signal.SIGTERM, group=True)
        self.log.close()


# ---------------------------------------------------------------------------------------------- a raw HTTP/1.1 client


def raw_request(method: str, path: str, token: str, body: bytes | None) -> bytes:
    head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
    if body is not None:
        head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
    return (head + "\r\n").encode() + (body or b"")


class Http:
    """One keep-alive connection; a request whose connection breaks is sent again (safe: idempotency keys)."""

    def __init__(self, port: int, stats: Stats):
        self.port, self.stats = port, stats
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.headers: dict[str, str] = {}

    async def _ensure(self) -> None:
        if self.writer is None or self.reader.at_eof():
            self.close()
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
            self.stats.connects += 1

    def close(self) -> None:
        if self.writer is not None:
            self.writer.transport.abort()
        self.reader = self.writer = None

    async def request(self, raw: bytes) -> tuple[int, bytes]:
        for attempt in range(5):
            await self._ensure()
            try:
                self.writer.write(raw)
                await self.writer.drain()
                head = await self.reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                status = int(lines[0].split()[1])
                headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
                body = await self.reader.readexactly(int(headers.get("content-length", 0)))
            except (ConnectionError, asyncio.IncompleteReadError):
                self.close()
                self.stats.resends += 1
                if attempt == 4:
                    raise
                continue
            if headers.get("connection", "").lower() == "close":
                self.close()
            self.headers = headers  # of the last answer (bench/results_day.py reads ETags)
            return status, body
        raise AssertionError("unreachable")

    async def send_and_drop(self, raw: bytes) -> None:
        await self._ensure()
        self.writer.write(raw)
        await self.writer.drain()
        await asyncio.sleep(random.random() * 0.005)
        self.close()


async def _one_request(port: int, method: str, path: str, token: str, body: bytes | None) -> tuple[int, bytes]:
    http = Http(port, Stats())
    try:
        return await http.request(raw_request(method, path, token, body))
    finally:
        http.close()


# ---------------------------------------------------------------------------------------------- the judges


@dataclass
class Stats:
    sheets: int = 0  # accepted distinct submissions inside the measured window
    requests: int = 0
    latencies: list[float] = field(default_factory=list)  # ms per completed request (measured window)
    sheet_latencies: list[float] = field(default_factory=list)  # ms from due time to accepted answer (open loop)
    replays: int = 0
    replays_different: int = 0
    drops: int = 0
    resends: int = 0
    connects: int = 0
    refused: Counter = field(default_factory=Counter)


@dataclass
class Judge:
    id: int
    token: str
    order: list[int]
    pos: int = 0
    versions: dict[int, int] = field(default_factory=dict)  # competitor number → version of its ten scores


@dataclass
class Ledger:
    """What the client saw accepted, per target: to reconcile with the database afterwards."""

    accepted: dict[tuple[int, int], int] = field(default_factory=Counter)  # (judge, number) → distinct accepted sheets
    last: dict[tuple[int, int], dict[int, int]] = field(default_factory=dict)  # (judge, number) → criterion → x100
    keys: set[str] = field(default_factory=set)  # every key sent
    accepted_keys: set[str] = field(default_factory=set)


class Target:
    def __init__(self, name: str, port: int, path: str, world: World, seed: int):
        self.name, self.port, self.path, self.world = name, port, path, world
        self.pid = 0  # the gunicorn master's, for the CPU accounting
        rng = random.Random(seed)
        self.judges = [Judge(i, t, rng.sample(world.numbers, len(world.numbers))) for i, t in world.judges]
        self.ledger = Ledger()


def make_sheet(judge: Judge, world: World, rng: random.Random) -> tuple[str, int, dict[int, int], bytes]:
    if judge.versions and rng.random() < CHANGE_RATE:
        number = rng.choice(list(judge.versions))
        version = judge.versions[number]
    else:
        number, version = judge.order[judge.pos], None
        judge.pos += 1
    key = uuid.uuid4().hex
    marks = {cid: (rng.randint(0, 3) * 100 if kind == "judgement" else rng.randint(0, top)) for cid, kind, top in world.criteria}
    items = []
    for cid, x100 in marks.items():
        item = {"competitor_number": number, "criterion_id": cid, "value": f"{x100 // 100}.{x100 % 100:02d}"}
        if version is not None:
            item.update(version=version, reason="复核更正")
        items.append(item)
    return key, number, marks, json.dumps({"idempotency_key": key, "scores": items}).encode()


async def submit(target: Target, judge: Judge, http: Http, stats: Stats, rng: random.Random, due: float,
                 window: tuple[float, float]) -> None:
    key, number, marks, body = make_sheet(judge, target.world, rng)
    raw = raw_request("PUT", target.path, judge.token, body)
    target.ledger.keys.add(key)
    if rng.random() < DROP_RATE:
        stats.drops += 1
        await http.send_and_drop(raw)
    t0 = time.perf_counter()
    status, answer = await http.request(raw)
    t1 = time.perf_counter()
    measured = window[0] <= t1 <= window[1]
    if measured:
        stats.requests += 1
        stats.latencies.append((t1 - t0) * 1000)
    if status != 200:
        stats.refused[f"{status} {answer[:120].decode(errors='replace')}"] += 1
        return
    saved = json.loads(answer)["saved"]
    judge.versions[number] = saved[0]["version"]
    ledger = target.ledger
    ledger.accepted[(judge.id, number)] += 1
    ledger.last[(judge.id, number)] = marks
    ledger.accepted_keys.add(key)
    if measured:
        stats.sheets += 1
        stats.sheet_latencies.append((t1 - due) * 1000)
    if rng.random() < RETRY_RATE:
        t2 = time.perf_counter()
        status2, answer2 = await http.request(raw)
        t3 = time.perf_counter()
        stats.replays += 1
        if window[0] <= t3 <= window[1]:
            stats.requests += 1
            stats.latencies.append((t3 - t2) * 1000)
        if status2 != 200 or json.loads(answer2) != json.loads(answer):
            stats.replays_different += 1


async def closed_loop(target: Target, concurrency: int, warmup: float, seconds: float, seed: int) -> tuple[Stats, float]:
    stats = Stats()
    start = time.perf_counter()
    window = (start + warmup, start + warmup + seconds)

    async def session(i: int) -> None:
        rng, http = random.Random(seed * 1000 + i), Http(target.port, stats)
        mine = target.judges[i::concurrency]
        try:
            while time.perf_counter() < window[1]:
                for judge in mine:
                    if time.perf_counter() >= window[1]:
                        break
                    await submit(target, judge, http, stats, rng, time.perf_counter(), window)
        finally:
            http.close()

    await asyncio.gather(*(session(i) for i in range(concurrency)))
    return stats, seconds


async def open_loop(target: Target, interval: float, seconds: float, seed: int) -> tuple[Stats, float]:
    stats = Stats()
    start = time.perf_counter()
    window = (start, start + seconds + 10)

    async def tablet(i: int, judge: Judge) -> None:
        rng, http = random.Random(seed * 1000 + i), Http(target.port, stats)
        due = start + rng.uniform(0, interval)
        try:
            while due < start + seconds:
                await asyncio.sleep(max(0.0, due - time.perf_counter()))
                await submit(target, judge, http, stats, rng, due, window)
                due += interval
        finally:
            http.close()

    await asyncio.gather(*(tablet(i, j) for i, j in enumerate(target.judges)))
    return stats, seconds


# ---------------------------------------------------------------------------------------------- reconciliation


def reconcile_app(world: World, ledger: Ledger) -> dict:
    from contest.models import IdempotencyRecord, Nomination, Score, ScoreAudit

    number_of = dict(db.session.execute(select(Nomination.id, Nomination.competitor_number).where(Nomination.event_id == world.event_id)).all())
    rows = db.session.execute(select(Score.judge_id, Score.nomination_id, Score.criterion_id, Score.value_x100, Score.version)
                              .where(Score.event_id == world.event_id)).all()
    audits = Counter(db.session.scalars(select(ScoreAudit.client_key).where(ScoreAudit.event_id == world.event_id)))
    records = dict(db.session.execute(select(IdempotencyRecord.key, IdempotencyRecord.status_code)
                                      .where(IdempotencyRecord.event_id == world.event_id)).all())
    stored = [(j, number_of[n], c, v, ver) for j, n, c, v, ver in rows]
    return _compare(ledger, stored, audits, records, [c for c, _k, _m in world.criteria])


def reconcile_baseline(conn, world: World, ledger: Ledger) -> dict:
    stored = [tuple(r) for r in conn.execute(text("SELECT judge_id, entry, criterion_id, value_x100, version FROM base_scores"))]
    audits = Counter(k for (k,) in conn.execute(text("SELECT client_key FROM base_audit")))
    records = dict(conn.execute(text("SELECT key, status FROM base_idempotency")).all())
    return _compare(ledger, stored, audits, records, [c for c, _k, _m in world.criteria])


def _compare(ledger: Ledger, stored: list[tuple], audits: Counter, records: dict, criteria: list[int]) -> dict:
    n_criteria = len(criteria)
    cells = Counter((j, n, c) for j, n, c, _v, _ver in stored)
    wrong_version = wrong_value = 0
    for j, n, c, v, ver in stored:
        wrong_version += ver != ledger.accepted.get((j, n))
        wrong_value += v != ledger.last.get((j, n), {}).get(c)
    expected_cells = len(ledger.accepted) * n_criteria
    return {
        "scores stored / expected": f"{len(stored)} / {expected_cells}",
        "cells stored more than once": sum(1 for k in cells.values() if k > 1),
        "expected cells missing": len({(j, n, c) for (j, n) in ledger.accepted for c in criteria} - cells.keys()),
        "versions ≠ accepted sheets": wrong_version,
        "values ≠ last accepted": wrong_value,
        "audit rows / accepted writes": f"{sum(audits.values())} / {len(ledger.accepted_keys) * n_criteria}",
        "keys with ≠ 10 audit rows": sum(1 for k in ledger.accepted_keys if audits.get(k, 0) != n_criteria)
        + sum(1 for k in audits if k not in ledger.accepted_keys),
        "idempotency records / keys sent": f"{len(records)} / {len(ledger.keys)}",
        "records not 200": sum(1 for s in records.values() if s != 200),
    }


# ---------------------------------------------------------------------------------------------- profile


def profile(app, world: World, count: int) -> None:
    """cProfile and SQL statements of ``count`` submissions through the Flask test client (same database)."""
    client = app.test_client()
    rng = random.Random(99)
    target = Target("profile", 0, f"/api/v1/events/{world.event_id}/scores", world, 99)
    from contest.models import Nomination, Score

    with app.app_context():  # skip the entries the load runs scored
        scored = set(db.session.execute(select(Score.judge_id, Nomination.competitor_number)
                                        .join(Nomination, Nomination.id == Score.nomination_id)).all())
        db.session.remove()
    for j in target.judges:
        j.order = [n for n in j.order if (j.id, n) not in scored]
    statements: Counter = Counter()
    timings: Counter = Counter()

    def before(conn, cursor, statement, params, context, executemany):
        conn.info["t0"] = time.perf_counter()

    def after(conn, cursor, statement, params, context, executemany):
        key = " ".join(statement.split())[:110]
        statements[key] += 1
        timings[key] += time.perf_counter() - conn.info["t0"]

    def one(judge: Judge) -> None:
        key, number, _marks, body = make_sheet(judge, world, rng)
        resp = client.put(target.path, data=body, headers={"Authorization": f"Bearer {judge.token}", "Content-Type": "application/json"})
        assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
        judge.versions[number] = resp.get_json()["saved"][0]["version"]

    with app.app_context():
        engine = db.engine
    for j in target.judges[:20]:  # warm up
        one(j)
    t0, cpu0 = time.perf_counter(), time.thread_time()
    for i in range(count):
        one(target.judges[(20 + i) % len(target.judges)])
    plain, plain_cpu = (time.perf_counter() - t0) / count, (time.thread_time() - cpu0) / count
    t0 = time.perf_counter()
    for i in range(count):
        judge = target.judges[i % len(target.judges)]
        assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {judge.token}"}).status_code == 200
    auth_only = (time.perf_counter() - t0) / count
    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    prof = cProfile.Profile(time.thread_time)  # CPU time: the waits for the database count for nothing
    prof.enable()
    for i in range(count):
        one(target.judges[(20 + count + i) % len(target.judges)])
    prof.disable()
    event.remove(engine, "before_cursor_execute", before)
    event.remove(engine, "after_cursor_execute", after)
    print(f"\nprofile: GET /api/v1/me (Flask + bearer token only) {auth_only * 1000:.2f} ms; "
          f"one submission in-process (test client, one thread, production config): {plain * 1000:.2f} ms, "
          f"of which {plain_cpu * 1000:.2f} ms CPU in this process; "
          f"{sum(statements.values()) / count:.1f} SQL statements, {sum(timings.values()) / count * 1000:.2f} ms in SQL (under cProfile)")
    print("SQL per submission (count × ms):")
    for stmt, n in sorted(statements.items(), key=lambda kv: -timings[kv[0]]):
        print(f"  {n / count:5.2f} × {timings[stmt] / count * 1000:6.3f} ms  {stmt}")
    print("CPU of this process (cProfile with thread_time):")
    for order, lines in (("cumulative", 45), ("tottime", 30)):
        out = io.StringIO()
        pstats.Stats(prof, stream=out).sort_stats(order).print_stats(lines)
        print("\n".join(line for line in out.getvalue().splitlines()[6:] if line.strip()))


# ---------------------------------------------------------------------------------------------- main


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL, help="PostgreSQL URL; a throw-away schema is used")
    parser.add_argument("--entries", type=int, default=400)
    parser.add_argument("--judges", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--concurrency", type=int, default=16, help="connections of the closed loop")
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument("--saturation-seconds", type=float, default=20)
    parser.add_argument("--open-seconds", type=float, default=30)
    parser.add_argument("--interval", type=float, default=5, help="seconds between a judge's sheets (open loop)")
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="also profile N submissions in-process")
    parser.add_argument("--only", choices=("app", "baseline"), default=None)
    parser.add_argument("--baseline", choices=("fair", "light"), default="fair",
                        help="fair: raw psycopg on the project's own schema (a second throw-away schema, issue 18.8); "
                             "light: the earlier baseline on tables without foreign keys")
    parser.add_argument("--rounds", type=int, default=4,
                        help="saturation alternates app and baseline in this many rounds (ratio per round)")
    args = parser.parse_args()

    from bench_app import bench_overrides
    from sqlalchemy.engine import make_url

    url = args.database_url
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    fair_schema = f"{schema}_fair"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        if args.baseline == "fair":
            conn.execute(text(f'CREATE SCHEMA "{fair_schema}"'))
    servers: list[Server] = []
    results: dict = {}
    try:
        app = create_app(TestConfig, {**bench_overrides(url, schema), "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"options": f"-csearch_path={schema}"}}})
        t0 = time.perf_counter()
        with app.app_context():
            db.create_all()
            world = build(args.entries, args.judges)
            db.session.remove()
        from baseline_app import SCHEMA_SQL

        from contest.services.accounts import _digest
        with admin.connect() as conn:
            conn.execute(text(f'SET search_path TO "{schema}"'))
            for stmt in SCHEMA_SQL.split(";"):
                if stmt.strip():
                    conn.execute(text(stmt))
            conn.execute(text("INSERT INTO base_tokens (digest, user_id, expires_at) VALUES (:d, :u, now() + interval '12 hours')"),
                         [{"d": _digest(t), "u": j} for j, t in world.judges])
        fair_app = fair_world = None
        if args.baseline == "fair":  # the same world built again in a schema of its own for the fair baseline
            fair_app = create_app(TestConfig, {**bench_overrides(url, fair_schema),
                                               "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"options": f"-csearch_path={fair_schema}"}}})
            with fair_app.app_context():
                db.create_all()
                fair_world = build(args.entries, args.judges)
                db.session.remove()
        print(f"setup: {len(world.numbers)} entries, {len(world.judges)} judges, {len(world.criteria)} criteria, "
              f"schema {schema} in {time.perf_counter() - t0:.1f} s (not timed)", flush=True)

        u = make_url(url)
        dsn = f"host={u.host or '127.0.0.1'} port={u.port or 5432} dbname={u.database} user={u.username}" + (f" password={u.password}" if u.password else "")
        env = {"BENCH_DATABASE_URL": url, "BENCH_SCHEMA": schema, "BENCH_DSN": dsn}
        targets = []
        with tempfile.TemporaryDirectory() as logs:
            baseline_spec = "fair_baseline_app:app" if args.baseline == "fair" else "baseline_app:app"
            baseline_world = fair_world if args.baseline == "fair" else world
            baseline_env = {**env, "BENCH_SCHEMA": fair_schema} if args.baseline == "fair" else env
            for name, spec, path, w, e in (("app", "bench_app:create_bench_app()", f"/api/v1/events/{world.event_id}/scores", world, env),
                                           ("baseline", baseline_spec, f"/scores/{baseline_world.event_id}", baseline_world, baseline_env)):
                if args.only and args.only != name:
                    continue
                server = Server(name, spec, e, args.workers, args.threads, logs)
                servers.append(server)
                if name == "app":
                    status, body = server.wait_ready(f"/api/v1/events/{world.event_id}/sheet", world.judges[0][1])
                    sheet = json.loads(body)
                    assert status == 200 and len(sheet["criteria"]) == 10 and len(sheet["entries"]) == len(world.numbers), body[:300]
                else:
                    server.wait_ready("/", "x")
                targets.append(Target(name, server.port, path, w, seed=5))
                targets[-1].pid = server.proc.pid
            run_alternating(targets, args, results)
            for server in servers:
                server.stop()
                server.log.close()
                log = (Path(logs) / f"{server.name}.log").read_text()
                errors = [line for line in log.splitlines() if "Traceback" in line or "ERROR" in line]
                if errors:
                    print(f"{server.name}: {len(errors)} error lines in the gunicorn log, e.g. {errors[0][:200]}")

        with app.app_context():
            checks = {t.name: (reconcile_app(world, t.ledger) if t.name == "app" else None) for t in targets}
            db.session.remove()
        for t in targets:
            if t.name != "baseline":
                continue
            if fair_app is not None:
                with fair_app.app_context():
                    checks["baseline"] = reconcile_app(fair_world, t.ledger)
                    db.session.remove()
            else:
                with admin.connect() as conn:
                    conn.execute(text(f'SET search_path TO "{schema}"'))
                    checks["baseline"] = reconcile_baseline(conn, world, t.ledger)

        report(args, results, checks, [t.name for t in targets])
        if args.profile:
            from bench_app import create_bench_app

            os.environ.update(env)
            profile(create_bench_app(), world, args.profile)
    finally:
        for server in servers:
            server.stop()
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{fair_schema}" CASCADE'))
        admin.dispose()


def run_alternating(targets: list[Target], args, results: dict) -> None:
    """Saturation in ``args.rounds`` rounds, app and baseline alternating within each round (both servers are
    up, the idle one uses no CPU), so the machine's load drifts over both alike; then the open loops in turn."""
    per_round = args.saturation_seconds / args.rounds
    totals = {t.name: Stats() for t in targets}
    ratios = []
    cpu_per_sheet: dict[str, list[float]] = {}
    for r in range(args.rounds):
        sheets = {}
        for target in targets:
            cpu0, wall0 = server_cpu(target.pid), time.perf_counter()
            sat, secs = asyncio.run(closed_loop(target, args.concurrency, args.warmup if r == 0 else 1, per_round, seed=1 + r))
            sheets[target.name] = sat.sheets / secs
            # The server's CPU per sheet: its processes' CPU per second of the round (warm-up included, at the
            # same throughput) over the sheets per second in the window.
            cpu_rate = (server_cpu(target.pid) - cpu0) / (time.perf_counter() - wall0)
            cpu_per_sheet.setdefault(target.name, []).append(1000 * cpu_rate / max(1e-9, sheets[target.name]))
            total = totals[target.name]
            for attr in ("sheets", "requests", "replays", "replays_different", "drops", "resends", "connects"):
                setattr(total, attr, getattr(total, attr) + getattr(sat, attr))
            total.latencies += sat.latencies
            total.refused.update(sat.refused)
        line = ", ".join(f"{n} {v:.0f}" for n, v in sheets.items())
        if len(sheets) == 2:
            ratios.append(sheets["app"] / max(1e-9, sheets["baseline"]))
            line += f" → {ratios[-1]:.0%}"
        line += "; server CPU ms/sheet " + ", ".join(f"{n} {v[-1]:.1f}" for n, v in cpu_per_sheet.items())
        print(f"round {r + 1}: saturation sheets/s {line}", flush=True)
    for target in targets:
        results[(target.name, "sat")] = (totals[target.name], args.saturation_seconds)
    results["ratios"] = ratios
    results["cpu"] = cpu_per_sheet
    for target in targets:
        time.sleep(1)
        opn, secs = asyncio.run(open_loop(target, args.interval, args.open_seconds, seed=2))
        results[(target.name, "open")] = (opn, secs)
        print(f"{target.name}: open loop p99 {pct(opn.latencies, 99):.1f} ms", flush=True)


def report(args, results: dict, checks: dict, names: list[str]) -> None:
    print(f"\ngunicorn -w {args.workers} --threads {args.threads}; PostgreSQL; closed loop {args.concurrency} connections, "
          f"{args.saturation_seconds:.0f} s after {args.warmup:.0f} s warm-up; open loop {args.judges} "
          f"judges every {args.interval:.0f} s for {args.open_seconds:.0f} s")
    print(f"\n{'':34}" + "".join(f"{n:>14}" for n in names))
    rows = []
    for label, fn in (
        ("(a) saturation sheets/s", lambda s, secs: f"{s.sheets / secs:.0f}"),
        ("(a) requests/s (incl. replays)", lambda s, secs: f"{s.requests / secs:.0f}"),
        ("(a) latency p50 / p99 ms", lambda s, secs: f"{pct(s.latencies, 50):.0f} / {pct(s.latencies, 99):.0f}"),
    ):
        rows.append((label, [fn(*results[(n, "sat")]) for n in names]))
    for label, fn in (
        ("(b) open loop sheets/s", lambda s, secs: f"{s.sheets / secs:.1f}"),
        ("(b) request latency p50 ms", lambda s, secs: f"{pct(s.latencies, 50):.1f}"),
        ("(b) request latency p95 ms", lambda s, secs: f"{pct(s.latencies, 95):.1f}"),
        ("(b) request latency p99 ms", lambda s, secs: f"{pct(s.latencies, 99):.1f}"),
        ("(b) request latency max ms", lambda s, secs: f"{max(s.latencies, default=float('nan')):.1f}"),
        ("(b) sheet p99 incl. drops ms", lambda s, secs: f"{pct(s.sheet_latencies, 99):.1f}"),
    ):
        rows.append((label, [fn(*results[(n, "open")]) for n in names]))
    both = {n: [results[(n, k)][0] for k in ("sat", "open")] for n in names}
    for label, attr in (("replays (same answer)", "replays"), ("replays with a different answer", "replays_different"),
                        ("dropped connections", "drops"), ("requests sent again", "resends")):
        rows.append((label, [str(sum(getattr(s, attr) for s in both[n])) for n in names]))
    rows.append(("refused answers", [str(sum(sum(s.refused.values()) for s in both[n])) for n in names]))
    for label, values in rows:
        print(f"{label:34}" + "".join(f"{v:>14}" for v in values))
    for n in names:
        for s in both[n]:
            for what, k in s.refused.most_common(3):
                print(f"  {n} refused {k}×: {what}")
    print("\nreconciliation (database vs answers the client saw):")
    for label in next(iter(checks.values())):
        print(f"  {label:32}" + "".join(f"{str(checks[n][label]):>18}" for n in names))
    ok = all(v == 0 for c in checks.values() for v in c.values() if isinstance(v, int)) and all(
        a == b for c in checks.values() for v in c.values() if isinstance(v, str) for a, b in [v.split(" / ")])
    print("  reconciliation:", "OK" if ok else "MISMATCH")
    if "app" in names and "baseline" in names:
        ratio = results[("app", "sat")][0].sheets / max(1, results[("baseline", "sat")][0].sheets)
        rounds = ", ".join(f"{r:.0%}" for r in results.get("ratios", []))
        print(f"\n(a) app / {args.baseline} baseline throughput: {ratio:.0%} (per round: {rounds})  "
              f"(target ≥ 50 % of the fair baseline: {'met' if ratio >= 0.5 else 'NOT met'})")
    if results.get("cpu"):
        print("server CPU per sheet at saturation (gunicorn master + workers, median of the rounds): " + ", ".join(
            f"{n} {sorted(v)[len(v) // 2]:.1f} ms" for n, v in results["cpu"].items()))
    if "app" in names:
        p99 = pct(results[("app", "open")][0].latencies, 99)
        print(f"(b) app p99 at ~{results[('app', 'open')][0].sheets / args.open_seconds:.0f} sheets/s: "
              f"{p99:.1f} ms  (target < 50 ms at 40 sheets/s: {'met' if p99 < 50 else 'NOT met'})")


if __name__ == "__main__":
    main()
