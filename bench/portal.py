"""Benchmark: a public results page under load, cached and uncached (issue 15: 200 requests/s on this machine).

    python bench/portal.py [--requests 3000] [--clients 8] [--entries 200]

Setup (not timed): a SQLite file with the test world and a published city contest whose event has ``--entries``
ranked results (names masked on the public page). The app runs under gunicorn (2 workers × 4 threads, the
deployment's shape) on a local port; ``--clients`` threads send ``GET /public/results/<event>`` over keep-alive
connections as anonymous visitors, first with the results page's cache on (``PUBLIC_CACHE_SECONDS=5``, the
default: the rendered page and the ranking behind it), then off (``0``: every request reads the ranking and draws
the page; each answer is checked to say so — ``X-Accel-Expires`` only when cached). Prints requests per second,
median and 95th-percentile latency for each.
"""

from __future__ import annotations

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from contest import create_app  # noqa: E402
from contest.config import TestConfig  # noqa: E402
from contest.extensions import db  # noqa: E402


def build(url: str, entries: int) -> int:
    from contest.domain.contests import ContestStatus
    from contest.models import EventResult, Nomination, NominationMember, Publication, Role, User, UserRole, utcnow
    from tests.contest_factories import make_contest
    from tests.factories import build_world

    app = create_app(TestConfig, {"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context(), app.test_request_context():
        db.create_all()
        world = build_world("Passw0rd!")
        contest = make_contest(world.users["city"], title="基准竞赛")
        event = contest.events[0]
        team = world.orgs["team_a"]
        for i in range(entries):
            user = User(username=f"p{i}", password_hash="x", name=f"张{i}三", org_id=team.id)
            db.session.add(user)
            db.session.flush()
            db.session.add(UserRole(user_id=user.id, role=Role.WORKER))
            nomination = Nomination(event_id=event.id, org_id=team.id, chain=f"/{team.id}/", level=0, status="confirmed", competitor_number=i + 1)
            db.session.add(nomination)
            db.session.flush()
            db.session.add(NominationMember(nomination_id=nomination.id, event_id=event.id, user_id=user.id, position=0))
            db.session.add(EventResult(event_id=event.id, nomination_id=nomination.id, rank=i + 1, total_x100=10000 - i, components={},
                                       award="一等奖" if i < 20 else None, titles=[]))
        contest.status = ContestStatus.PUBLISHED
        db.session.add(Publication(contest_id=contest.id, notice_until=utcnow().replace(year=utcnow().year + 1)))
        db.session.commit()
        event_id = event.id
        db.session.remove()
        db.engine.dispose()
    return event_id


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(db_path: str, cache_seconds: int, logs: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db_path}", "PUBLIC_CACHE_SECONDS": str(cache_seconds), "METRICS_ENABLED": "0"}
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-w", "2", "--threads", "4", "-b", f"127.0.0.1:{port}", "--log-level", "warning",
         "contest:create_app()"], cwd=ROOT, env=env, stdout=open(logs / f"gunicorn-{cache_seconds}.log", "w"), stderr=subprocess.STDOUT)
    for _ in range(300):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process, port
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("gunicorn did not start")


def load(port: int, path: str, total: int, clients: int, cached: bool) -> tuple[float, list[float]]:
    latencies: list[float] = []
    lock = threading.Lock()
    counter = iter(range(total))

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        while True:
            with lock:
                if next(counter, None) is None:
                    break
            t0 = time.perf_counter()
            conn.request("GET", path)
            response = conn.getresponse()
            body = response.read()
            assert response.status == 200 and b"\xe5\xbc\xa0*" in body, response.status  # 张* … masked
            assert (response.getheader("X-Accel-Expires") is not None) == cached, "the cache switch was not honoured"
            mine.append((time.perf_counter() - t0) * 1000)
        conn.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return total / (time.perf_counter() - t0), latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--entries", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db_path = f"{tmp}/portal.sqlite3"
        event_id = build(f"sqlite:///{db_path}", args.entries)
        path = f"/public/results/{event_id}"
        for cache in (5, 0):
            process, port = serve(db_path, cache, Path(tmp))
            try:
                load(port, path, 50, 2, cached=bool(cache))  # warm-up: both workers, templates compiled
                rate, latencies = load(port, path, args.requests, args.clients, cached=bool(cache))
            finally:
                process.terminate()
                process.wait(timeout=30)
            latencies.sort()
            print(f"{'cached' if cache else 'uncached'} ({args.entries} results): {rate:.0f} requests/s, median {statistics.median(latencies):.1f} ms, "
                  f"p95 {latencies[int(len(latencies) * 0.95)]:.1f} ms ({args.requests} requests, {args.clients} clients; target ≥ 200/s)")
        print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())} ({os.cpu_count()} CPUs)")


if __name__ == "__main__":
    main()
