"""Results day (issue 18 item 7): judges scoring, workers reading results and downloading certificates, and the
public verification page, all at once against one gunicorn on PostgreSQL, in one process tree.

    .venv/bin/python bench/results_day.py [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/test]
                                          [--redis redis://127.0.0.1:6379/0] [--judges 200] [--entries 400]
                                          [--workers 2000] [--holders 400] [--connections 32] [--seconds 30]

Setup (not timed), in a throw-away PostgreSQL schema: the score benchmark's running event (``score_load.build``:
``--entries`` drawn entries, ``--judges`` judges with bearer tokens), and a second contest whose event of
``--holders`` entries was scored, signed off, ranked, published and made final, with its certificates issued
(an award for 60 % of the entries). Each holder account is logged in once (its session cookie is what a
browser holds). The app runs under ``gunicorn -w 2 --threads 4`` (production configuration, rate limits on,
in Redis, so the verification limit holds across both workers).

Then, for ``--seconds``, together:

- every judge sends one sheet every 5 s (``score_load.open_loop``, as in the score benchmark);
- ``--workers`` simulated workers (``--holders`` accounts, several browsers each) take turns on
  ``--connections`` keep-alive connections: each opens the public results page of the final event (as an
  anonymous visitor, the way the link published on the federation's site opens; ``--logged-in-results``
  sends the session cookie, and a logged-in page is never cached), then its
  certificate page ("我的证书"), then downloads its certificate PDF, sending the ETag of its earlier copy
  (``If-None-Match``) when it has one, so it gets 304 while its copy is current;
- every 10th turn is a public verification (``/verify/<code>``) from the same address, under its limit
  (``VERIFY_RATE_LIMIT``).

Printed: score p50 / p99, results page requests/s, certificate downloads/s (200 and 304), certificate page
requests/s, verification answers by status (200 vs 429), every 5xx, and the reconciliation of the scores
(``score_load.reconcile_app``) and of the certificate documents (each 200's bytes = the stored bytes, the ETag =
the stored fingerprint, one stored document per downloaded certificate). Targets (issue 18.7): score p99 <
100 ms; results page ≥ 200 requests/s; downloads ≥ 300/s; no 5xx; reconciliation OK.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import random
import secrets
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent / "score_apps"))

from score_load import DEFAULT_URL, Http, Server, Stats, Target, build, open_loop, pct, reconcile_app  # noqa: E402
from sqlalchemy import create_engine, select, text  # noqa: E402

from contest import create_app  # noqa: E402
from contest.config import TestConfig  # noqa: E402
from contest.extensions import db  # noqa: E402

PASSWORD = "Passw0rd!"
AGENT = "results-day-bench"  # the browsers' User-Agent (a session is bound to address and agent)
VERIFY_EVERY = 10


# ---------------------------------------------------------------------------------------------- setup (not timed)


@dataclass
class Final:
    event_id: int
    accounts: list[str]  # usernames of the entrants
    certificates: dict[str, list[int]]  # username → live certificate ids
    codes: list[str]  # verification codes


def build_final(holders: int, seed: int = 7) -> Final:
    """A final contest: ``holders`` entries scored by three judges, ranked, published, final, certificates issued."""
    from contest.domain.contests import ContestStatus
    from contest.models import Certificate, Event, Organisation, OrgLevel, Role, User
    from contest.services import certificates, contests, draws, judging, registration, results
    from contest.services.accounts import hash_password
    from tests.contest_factories import make_contest
    from tests.factories import make_user

    rng = random.Random(seed)
    city = db.session.scalar(select(User).where(User.username == "city"))
    contest = make_contest(city, title="2026年衢州市职工职业技能大赛决赛", events=("焊工",))
    event = db.session.scalar(select(Event).where(Event.contest_id == contest.id))
    teams = list(db.session.scalars(select(Organisation).where(Organisation.level == OrgLevel.TEAM).order_by(Organisation.id)))
    pw = hash_password(PASSWORD)
    workers = [make_user(f"fw{i}", teams[i % len(teams)], {Role.WORKER}, pw, name=f"决赛选手{i}") for i in range(holders)]
    db.session.commit()
    for w in workers:
        registration.nominate(city, event.id, [w.id])
    contests.change_status(city, contest.id, ContestStatus.CLOSED)
    draws.hold_draw(city, event.id)
    contests.change_status(city, contest.id, ContestStatus.RUNNING)
    judges = list(db.session.scalars(select(User).where(User.username.in_(["j1", "j2", "j3"])).order_by(User.id)))
    for k, judge in enumerate(judges):
        judging.assign_judge(city, event.id, judge.id, chief=k == 0)
    criteria = [(c.id, c.kind.value, c.max_x100) for c in judging._criteria(event.id)]
    for judge in judges:
        entries = [e["competitor_number"] for e in judging.sheet(judge, event.id)["entries"]]
        for start in range(0, len(entries), 50):
            items = [{"competitor_number": n, "criterion_id": cid,
                      "value": str(rng.randint(0, 3) if kind == "judgement" else rng.randint(0, top // 100))}
                     for n in entries[start:start + 50] for cid, kind, top in criteria]
            answer = judging.submit_scores(judge, event.id, {"idempotency_key": uuid.uuid4().hex, "scores": items})
            assert answer.status == 200, answer
    judging.sign_off(judges[0], event.id)
    results.compute_results(city, event.id)
    results.publish(city, contest.id)
    contest.status = ContestStatus.FINAL  # the notice period is over (as the tests do)
    db.session.commit()
    certificates.issue_for_event(city, event.id)
    owned: dict[str, list[int]] = defaultdict(list)
    codes = []
    for cert in db.session.scalars(select(Certificate).where(Certificate.event_id == event.id, Certificate.revoked_at.is_(None))):
        owned[cert.holder.username].append(cert.id)
        codes.append(cert.code)
    return Final(event.id, [w.username for w in workers], dict(owned), codes)


def log_in(app, usernames: list[str]) -> dict[str, str]:
    """One browser session per account: the ``session`` cookie a login through the form gives."""
    cookies = {}
    for username in usernames:
        client = app.test_client()
        answer = client.post("/login", data={"username": username, "password": PASSWORD}, headers={"User-Agent": AGENT})
        assert answer.status_code == 302, (username, answer.status_code, answer.data[:300])
        set_cookies = [h.split(";", 1)[0] for h in answer.headers.getlist("Set-Cookie")]
        value = next((c.split("=", 1)[1] for c in set_cookies if c.startswith("session=")), None)
        assert value, (username, set_cookies)
        cookies[username] = value
    return cookies


# ---------------------------------------------------------------------------------------------- the workers


def page(path: str, cookie: str | None = None, etag: str | None = None) -> bytes:
    head = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: {AGENT}\r\nAccept-Language: zh-CN\r\n"
    if cookie:
        head += f"Cookie: session={cookie}\r\n"
    if etag:
        head += f"If-None-Match: {etag}\r\n"
    return (head + "\r\n").encode()


@dataclass
class Kind:
    statuses: Counter = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)


@dataclass
class Browsing:
    kinds: dict[str, Kind] = field(default_factory=lambda: defaultdict(Kind))
    served: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))  # certificate → sha256 of 200 bodies
    etags: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))
    bad_bodies: int = 0


@dataclass
class Worker:
    account: str
    step: int = 0
    etags: dict[int, str] = field(default_factory=dict)


async def browse(port: int, final: Final, cookies: dict[str, str], n_workers: int, connections: int, seconds: float,
                 seed: int, logged_in_results: bool = False) -> Browsing:
    out = Browsing()
    rng = random.Random(seed)
    # each worker starts at a step of its own, so that the three pages are asked for from the start
    workers = [Worker(final.accounts[i % len(final.accounts)], step=rng.randrange(6)) for i in range(n_workers)]
    rng.shuffle(workers)
    turn = 0
    end = time.perf_counter() + seconds

    async def connection(i: int) -> None:
        nonlocal turn
        http = Http(port, Stats())
        try:
            while time.perf_counter() < end:
                turn += 1
                if turn % VERIFY_EVERY == 0:
                    kind, raw, cert_id = "verify", page(f"/verify/{rng.choice(final.codes)}"), None
                else:
                    worker = workers[turn % len(workers)]
                    mine = final.certificates.get(worker.account, [])
                    action = worker.step % (3 if mine else 2)
                    worker.step += 1
                    cookie = cookies[worker.account]
                    cert_id = None
                    if action == 0:  # the public page, as the link shared on the federation's site opens it
                        kind, raw = "results", page(f"/public/results/{final.event_id}", cookie if logged_in_results else None)
                    elif action == 1:
                        kind, raw = "certificates", page("/my/certificates", cookie)
                    else:
                        cert_id = mine[worker.step % len(mine)]
                        kind, raw = "pdf", page(f"/certificates/{cert_id}.pdf", cookie, worker.etags.get(cert_id))
                t0 = time.perf_counter()
                status, body = await http.request(raw)
                t1 = time.perf_counter()
                record = out.kinds[kind]
                record.statuses[status] += 1
                record.latencies.append((t1 - t0) * 1000)
                if kind == "pdf":
                    etag = http.headers.get("etag", "")
                    out.etags[cert_id].add(etag)
                    if status == 200:
                        if not body.startswith(b"%PDF"):
                            out.bad_bodies += 1
                        out.served[cert_id].add(hashlib.sha256(body).hexdigest())
                        worker.etags[cert_id] = etag
        finally:
            http.close()

    await asyncio.gather(*(connection(i) for i in range(connections)))
    return out


async def results_day(target: Target, port: int, final: Final, cookies: dict[str, str], args) -> tuple[Stats, Browsing]:
    (scores, _secs), browsing = await asyncio.gather(
        open_loop(target, args.interval, args.seconds, seed=3),
        browse(port, final, cookies, args.workers, args.connections, args.seconds, seed=4,
               logged_in_results=args.logged_in_results),
    )
    return scores, browsing


# ---------------------------------------------------------------------------------------------- reconciliation


def reconcile_documents(browsing: Browsing) -> dict:
    from contest.models import CertificateDocument

    stored = {d.certificate_id: d for d in db.session.scalars(select(CertificateDocument))}
    downloaded = set(browsing.served) | {c for c, tags in browsing.etags.items() if tags}
    mismatched = sum(1 for c, hashes in browsing.served.items()
                     if c not in stored or hashes != {hashlib.sha256(stored[c].pdf).hexdigest()})
    wrong_tags = sum(1 for c, tags in browsing.etags.items() if c not in stored or tags != {f'"{stored[c].fingerprint}"'})
    return {
        "stored documents / certificates downloaded": f"{len(stored)} / {len(downloaded)}",
        "certificates whose 200s ≠ the stored bytes": mismatched,
        "certificates answered with another ETag": wrong_tags,
        "answers that were not a PDF": browsing.bad_bodies,
    }


def ok(checks: dict) -> bool:
    """As ``score_load.report``: every count of problems 0, every "stored / expected" pair equal."""
    return all(v == 0 for v in checks.values() if isinstance(v, int)) and all(
        a == b for v in checks.values() if isinstance(v, str) for a, b in [v.split(" / ")])


# ---------------------------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL, help="PostgreSQL URL; a throw-away schema is used")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0", help="rate-limit storage shared by the workers")
    parser.add_argument("--entries", type=int, default=400)
    parser.add_argument("--judges", type=int, default=200)
    parser.add_argument("--interval", type=float, default=5, help="seconds between a judge's sheets")
    parser.add_argument("--holders", type=int, default=400, help="entries (accounts) of the final event")
    parser.add_argument("--workers", type=int, default=2000, help="simulated workers (browsers) over the holder accounts")
    parser.add_argument("--connections", type=int, default=32, help="keep-alive connections the workers take turns on")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--logged-in-results", action="store_true",
                        help="open the public results page with the session cookie (never cached) instead of anonymously")
    parser.add_argument("--gunicorn-workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()

    from bench_app import bench_overrides

    url = args.database_url
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    secret = secrets.token_hex(32)
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    server = None
    try:
        app = create_app(TestConfig, {**bench_overrides(url, schema), "SECRET_KEY": secret,
                                      "PUBLIC_BASE_URL": "https://bench.example.org",
                                      "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"options": f"-csearch_path={schema}"}}})
        t0 = time.perf_counter()
        with app.app_context():
            db.create_all()
            world = build(args.entries, args.judges)
            final = build_final(args.holders)
            db.session.remove()
        cookies = log_in(app, final.accounts)  # outside the app context: each request its own (and its own g)
        print(f"setup: {len(world.numbers)} entries and {len(world.judges)} judges scoring; final event of "
              f"{len(final.accounts)} entries, {sum(map(len, final.certificates.values()))} certificates; "
              f"{len(cookies)} sessions; schema {schema} in {time.perf_counter() - t0:.1f} s (not timed)", flush=True)

        env = {"BENCH_DATABASE_URL": url, "BENCH_SCHEMA": schema, "SECRET_KEY": secret, "BENCH_REDIS": args.redis}
        with tempfile.TemporaryDirectory() as logs:
            server = Server("app", "results_day_app:create()", env, args.gunicorn_workers, args.threads, logs)
            status, _body = server.wait_ready(f"/api/v1/events/{world.event_id}/sheet", world.judges[0][1])
            assert status == 200, status
            target = Target("app", server.port, f"/api/v1/events/{world.event_id}/scores", world, seed=5)
            started = time.perf_counter()
            scores, browsing = asyncio.run(results_day(target, server.port, final, cookies, args))
            elapsed = time.perf_counter() - started
            server.stop()
            log = (Path(logs) / "app.log").read_text()
            errors = [line for line in log.splitlines() if "Traceback" in line or "ERROR" in line]

        with app.app_context():
            score_checks = reconcile_app(world, target.ledger)
            document_checks = reconcile_documents(browsing)
            db.session.remove()
        report(args, elapsed, scores, browsing, score_checks, document_checks, errors)
    finally:
        if server is not None:
            server.stop()
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def report(args, elapsed: float, scores: Stats, browsing: Browsing, score_checks: dict, document_checks: dict,
           errors: list[str]) -> None:
    secs = args.seconds
    kinds = browsing.kinds
    five = sum(n for k in kinds.values() for s, n in k.statuses.items() if s >= 500)
    five += sum(n for key, n in scores.refused.items() if key.startswith("5"))
    pdf = kinds["pdf"]
    print(f"\ngunicorn -w {args.gunicorn_workers} --threads {args.threads}; PostgreSQL; {args.seconds:.0f} s "
          f"(wall {elapsed:.1f} s); {args.judges} judges every {args.interval:.0f} s; {args.workers} workers over "
          f"{args.holders} accounts on {args.connections} connections\n")
    rows = [
        ("score sheets accepted (per s)", f"{scores.sheets} ({scores.sheets / secs:.1f}/s)"),
        ("score request p50 / p99 ms", f"{pct(scores.latencies, 50):.1f} / {pct(scores.latencies, 99):.1f}"),
        ("score sheets refused", f"{sum(scores.refused.values())} {dict(scores.refused) or ''}"),
    ]
    for name, label in (("results", "public results page"), ("certificates", "certificate page (我的证书)")):
        k = kinds[name]
        rows.append((f"{label} requests/s", f"{sum(k.statuses.values()) / secs:.1f}  {dict(k.statuses)}  "
                                            f"p50 / p99 {pct(k.latencies, 50):.0f} / {pct(k.latencies, 99):.0f} ms"))
    rows.append(("certificate downloads/s (200 + 304)",
                 f"{sum(pdf.statuses.values()) / secs:.1f}  {dict(pdf.statuses)}  "
                 f"p50 / p99 {pct(pdf.latencies, 50):.0f} / {pct(pdf.latencies, 99):.0f} ms"))
    rows.append(("verification answers", f"{dict(kinds['verify'].statuses)} (200/404 answered, 429 over the limit)"))
    rows.append(("5xx answers", str(five)))
    rows.append(("gunicorn log error lines", f"{len(errors)}" + (f", e.g. {errors[0][:160]}" if errors else "")))
    width = max(len(r[0]) for r in rows) + 2
    for label, value in rows:
        print(f"{label:<{width}}{value}")
    print("\nreconciliation, scores:")
    for label, value in score_checks.items():
        print(f"  {label:<46}{value}")
    print("reconciliation, certificate documents:")
    for label, value in document_checks.items():
        print(f"  {label:<46}{value}")
    print(f"\nreconciliation: {'OK' if ok(score_checks) and ok(document_checks) else 'FAILED'}")


if __name__ == "__main__":
    main()
