"""Results day (issue 18 item 7): judges scoring, workers reading results and downloading certificates, and the
public verification page, all at once against gunicorn on PostgreSQL behind nginx (the judges' API on an
instance of its own), in one process tree.

    .venv/bin/python bench/results_day.py [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/test]
                                          [--redis redis://127.0.0.1:6379/0] [--judges 200] [--entries 400]
                                          [--workers 2000] [--holders 400] [--seconds 30]
                                          [--front nginx|none] [--generator wrk|asyncio] [--downloads signed|app]
                                          [--results-rate 250] [--pdf-rate 350] [--pages-rate 50] [--verify-rate 2]
                                          [--api-instance | --no-api-instance] [--api-workers 1] [--api-threads 4]
                                          [--page-nice 10]

Setup (not timed), in a throw-away PostgreSQL schema: the score benchmark's running event (``score_load.build``:
``--entries`` drawn entries, ``--judges`` judges with bearer tokens), and a second contest whose event of
``--holders`` entries was scored, signed off, ranked, published and made final, with its certificates issued
(an award for 60 % of the entries) and drawn and stored once. Each holder account is logged in once (its
session cookie is what a browser holds). The app runs under ``gunicorn -w 2 --threads 4`` with
``deploy/gunicorn.conf.py`` (production configuration, rate limits on, in Redis, so the verification limit holds
across both workers).

``--front nginx`` (the default when nginx is installed): Debian's nginx in front as ``deploy/nginx/contest.conf``
sets it up (``support/front.py``: anonymous results pages from ``proxy_cache``, stored PDFs sent by nginx after
the app's ``X-Accel-Redirect`` from a file store in the temporary folder, of which every 10th file is removed
before the run so that missing files are rebuilt). ``--downloads signed`` (the default behind nginx): signed
download links (``CERTIFICATE_SIGNED_LINKS``) that nginx checks (``secure_link``) and serves without the app; each
simulated worker downloads by the links its certificate page (我的证书) gave it during the setup (a certificate
whose file was removed is linked to the app's route, which writes the file again). ``--downloads app``: every
download through the app's route (permission check, then ``X-Accel-Redirect``).

Then, for ``--seconds``, together: every judge sends one sheet every 5 s (``score_load.open_loop``, asyncio),
and the browsing:

- ``--generator wrk`` (the default when wrk is installed): four wrk processes (``support/browse.lua``), one per
  kind of request, each paced to its offered rate (0: as fast as it goes): the public results page of the final
  event as an anonymous visitor; a simulated worker's certificate page (我的证书) with its session cookie; its
  certificate PDF by the page's link, with the ETag of its copy (``If-None-Match``) once it holds one; a verification
  (``/verify/<code>``) from the same address, under its limit. ``--workers`` simulated workers take turns over
  the ``--holders`` accounts.
- ``--generator asyncio``: the earlier loop: the workers take turns on ``--connections`` keep-alive connections,
  results page → certificate page → PDF, every 10th turn a verification.

Printed: score p50 / p99, requests/s and latency per kind, verification answers by status (200 vs 429), every
5xx and server log error, the CPU each group of processes used (gunicorn, nginx, PostgreSQL, Redis, the
generator, everything else on the machine), and the reconciliation of the scores (``score_load.reconcile_app``)
and of the certificate documents (each 200's bytes = the stored bytes, each ETag a stored fingerprint, the file
store = the stored documents).

``--api-instance`` (the default behind nginx): the judges' API (``/api/v1/``) runs on a gunicorn instance of its
own (``--api-workers`` × ``--api-threads``, same app and configuration), which nginx routes to (upstream
``contest_api``, as ``deploy/nginx/contest.conf`` and ``contest-api@.service``); the pages, downloads and
verifications stay on the other instance (``--gunicorn-workers`` × ``--threads``). ``--page-nice N`` lowers the
page instance's CPU priority by N after it started (what ``Nice=``/``CPUWeight=`` in its systemd unit do), so a
score request is scheduled ahead of page renders. Targets (issue 18.7): score p99 < 100 ms; results page ≥ 200 requests/s;
downloads ≥ 300/s; no 5xx; reconciliation OK.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import html
import json
import os
import random
import re
import resource
import secrets
import shutil
import subprocess
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

from score_load import (  # noqa: E402
    DEFAULT_URL,
    Http,
    Server,
    Stats,
    Target,
    build,
    free_port,
    open_loop,
    pct,
    reconcile_app,
    server_cpu,
)
from sqlalchemy import create_engine, select, text  # noqa: E402
from support import front  # noqa: E402

from contest import create_app  # noqa: E402
from contest.commands import SubmitScores  # noqa: E402
from contest.config import TestConfig  # noqa: E402
from contest.extensions import db  # noqa: E402

PASSWORD = "Passw0rd!"
AGENT = "results-day-bench"  # the browsers' User-Agent (a session is bound to address and agent)
VERIFY_EVERY = 10
PAGE_NICE = 10  # --page-nice default


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
            answer = judging.submit_scores(judge, event.id, SubmitScores.from_json(event.id, {"idempotency_key": uuid.uuid4().hex, "scores": items}))
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


CERTIFICATE_HREF = re.compile(r'href="(/files/certificates/[0-9a-f]{64}\.pdf\?[^"]+|/certificates/[0-9]+\.pdf)"')


def page_links(app, cookies: dict[str, str], fingerprints: dict[int, str]) -> dict[str, list[tuple[str, str]]]:
    """Each account's certificate page (我的证书) as its browser gets it: the download links it offers, each with
    the fingerprint of the document it names (a signed link names it; the app's route by certificate id)."""
    links = {}
    for username, cookie in cookies.items():
        client = app.test_client()
        client.set_cookie("session", cookie)
        answer = client.get("/my/certificates", headers={"User-Agent": AGENT})
        assert answer.status_code == 200, (username, answer.status_code)
        found = []
        for href in CERTIFICATE_HREF.findall(answer.text):
            href = html.unescape(href)
            digest = re.match(r"/files/certificates/([0-9a-f]{64})\.pdf", href)
            found.append((href, digest.group(1) if digest else fingerprints[int(re.findall(r"[0-9]+", href)[0])]))
        links[username] = found
    return links


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


# ---------------------------------------------------------------------------------------------- wrk and the CPU


WRK_KINDS = ("results", "pages", "pdf", "verify")


def prepare_documents(final: Final, drop_every: int = 10) -> dict[int, str]:
    """Every live certificate drawn and stored once (as its first download would), its file in the store when
    nginx is in front; then every ``drop_every``-th file removed, so the run also writes missing files again
    from ``certificate_documents``. Returns certificate id → fingerprint."""
    from contest.models import Certificate
    from contest.services import certificates

    fingerprints = {}
    for ids in final.certificates.values():
        for cert_id in ids:
            stored = certificates.stored_pdf(db.session.get(Certificate, cert_id), handover=True)
            fingerprints[cert_id] = stored.etag
    if certificates._handed_over():
        for k, etag in enumerate(sorted(fingerprints.values())):
            if k % drop_every == 0:
                certificates._file_of(etag).unlink()
    return fingerprints


def write_wrk_data(folder: Path, final: Final, cookies: dict[str, str], links: dict[str, list[tuple[str, str]]],
                   n_workers: int, fingerprints: dict[int, str], seed: int = 4) -> None:
    """What ``support/browse.lua`` reads: the simulated workers (a session cookie and the download links its
    account's certificate page gave, each with its fingerprint), the certificates' fingerprints and stored bytes,
    the verification codes, the event."""
    from contest.models import CertificateDocument

    rng = random.Random(seed)
    workers = [final.accounts[i % len(final.accounts)] for i in range(n_workers)]
    rng.shuffle(workers)
    (folder / "workers.txt").write_text("".join(
        f"{cookies[a]} {','.join(f'{href}|{fp}' for href, fp in links.get(a, []))}\n" for a in workers))
    (folder / "certificates.txt").write_text("".join(f"{c} {fp}\n" for c, fp in fingerprints.items()))
    (folder / "codes.txt").write_text("".join(f"{code}\n" for code in final.codes))
    (folder / "event.txt").write_text(f"{final.event_id}\n")
    (folder / "expect").mkdir()
    for doc in db.session.scalars(select(CertificateDocument)):
        (folder / "expect" / f"{doc.fingerprint}.pdf").write_bytes(doc.pdf)


class Wrk:
    """One wrk process (one thread) for one kind of request, paced to ``rate`` per second (0: unpaced)."""

    def __init__(self, kind: str, port: int, connections: int, seconds: float, rate: float, data: Path):
        self.kind = kind
        script = Path(__file__).resolve().parent / "support" / "browse.lua"
        self.proc = subprocess.Popen(
            ["wrk", "-t1", f"-c{connections}", f"-d{int(seconds)}s", "--timeout", "10s", "-s", str(script),
             f"http://127.0.0.1:{port}", "--", kind, str(rate), str(data)],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    def finish(self) -> tuple[dict, float]:
        """The script's figures and the CPU seconds the process took (``wait4``'s resource usage)."""
        _pid, _status, usage = os.wait4(self.proc.pid, 0)
        self.proc.returncode = 0
        output = self.proc.stdout.read()
        self.proc.stdout.close()
        line = next((x for x in output.splitlines() if x.startswith("BENCH-JSON ")), None)
        if line is None:
            raise RuntimeError(f"wrk {self.kind}: no figures\n{output[-2000:]}")
        return json.loads(line.removeprefix("BENCH-JSON ")), usage.ru_utime + usage.ru_stime


async def probe(port: int, final: Final, cookies: dict[str, str], links: dict[str, list[tuple[str, str]]]) -> None:
    """One download by the app's route, one by a page's signed link (if any) and one anonymous results page through
    nginx, twice each, with the headers that matter printed."""
    account, ids = next(iter(final.certificates.items()))
    signed = next((href for found in links.values() for href, _fp in found if href.startswith("/files/")), None)
    paths = [(f"/certificates/{ids[0]}.pdf", cookies[account])] + ([(signed, None)] if signed else [])
    http = Http(port, Stats())
    try:
        for path, cookie in (*paths, (f"/public/results/{final.event_id}", None)):
            for _ in range(2):
                status, body = await http.request(page(path, cookie))
                shown = {k: v for k, v in http.headers.items()
                         if k in ("content-type", "content-disposition", "etag", "cache-control", "vary", "x-cache-status",
                                  "x-accel-redirect", "set-cookie", "content-length")}
                print(f"probe {path[:60]}: {status}, {len(body)} bytes, {shown}")
    finally:
        http.close()


def named_cpu(*names: str) -> float:
    """CPU seconds so far of every process on the machine whose name starts with one of ``names``."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            raw = stat.read_text()
        except OSError:
            continue
        name = raw[raw.index("(") + 1:raw.rindex(")")]
        if name.startswith(names):
            fields = raw.rpartition(")")[2].split()
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def machine_busy() -> float:
    """CPU seconds the whole machine was busy so far (``/proc/stat``: all but idle and iowait)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return (sum(fields) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


def cpu_snapshot(server: Server, nginx, api: Server | None = None) -> dict[str, float]:
    own = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "gunicorn (app" + (", pages" if api is not None else "") + ")": server_cpu(server.proc.pid),
        **({"gunicorn (judges' API instance)": server_cpu(api.proc.pid)} if api is not None else {}),
        "nginx": server_cpu(nginx.pid) if nginx is not None else 0.0,
        "PostgreSQL (every backend on the machine)": named_cpu("postgres"),
        "Redis": named_cpu("redis-server"),
        "bench process (scoring clients" + (", browsing" if nginx is None else "") + ")": own.ru_utime + own.ru_stime,
        "machine, all processes": machine_busy(),
    }


def renice(pid: int, increment: int) -> int:
    """Lower the CPU priority of a gunicorn master and its workers by ``increment`` (an unprivileged user may);
    returns how many processes were changed."""
    changed = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if stat.parent.name == str(pid) or fields[1] == str(pid):
            proc = int(stat.parent.name)
            os.setpriority(os.PRIO_PROCESS, proc, os.getpriority(os.PRIO_PROCESS, proc) + increment)
            changed += 1
    return changed


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
    parser.add_argument("--connections", type=int, default=32, help="keep-alive connections of the asyncio browsing")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--logged-in-results", action="store_true",
                        help="asyncio browsing: the public results page with the session cookie (never cached)")
    parser.add_argument("--gunicorn-workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--no-gunicorn-config", action="store_true",
                        help="start gunicorn without deploy/gunicorn.conf.py (the collector not frozen after loading)")
    parser.add_argument("--front", choices=("nginx", "none"), default="nginx" if front.available() else "none",
                        help="nginx in front as deploy/nginx sets it up (the default when nginx is installed)")
    parser.add_argument("--generator", choices=("wrk", "asyncio"), default="wrk" if shutil.which("wrk") else "asyncio",
                        help="the browsing load: wrk processes (C, one per kind of request) or the asyncio loop")
    parser.add_argument("--downloads", choices=("signed", "app"), default="signed",
                        help="behind nginx: signed download links nginx checks (CERTIFICATE_SIGNED_LINKS), or the app's route")
    parser.add_argument("--results-rate", type=float, default=250, help="wrk: public results pages per second offered")
    parser.add_argument("--pdf-rate", type=float, default=350, help="wrk: certificate downloads per second offered")
    parser.add_argument("--pages-rate", type=float, default=50, help="wrk: certificate pages (我的证书) per second offered")
    parser.add_argument("--verify-rate", type=float, default=2, help="wrk: verifications per second offered")
    parser.add_argument("--wrk-connections", default="results=8,pages=4,pdf=16,verify=1")
    parser.add_argument("--api-instance", action=argparse.BooleanOptionalAction, default=None,
                        help="behind nginx: the judges' API (/api/v1/) on a gunicorn instance of its own (default: on)")
    parser.add_argument("--api-workers", type=int, default=1, help="workers of the API instance")
    parser.add_argument("--api-threads", type=int, default=4, help="threads per worker of the API instance")
    parser.add_argument("--page-nice", type=int, default=PAGE_NICE,
                        help="with the API instance: lower the page instance's CPU priority by this (nice increment)")
    args = parser.parse_args()
    if args.api_instance is None:
        args.api_instance = args.front == "nginx"
    if args.api_instance and args.front != "nginx":
        parser.error("--api-instance needs --front nginx (nginx routes /api/v1/ to it)")

    from bench_app import bench_overrides

    url = args.database_url
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    secret = secrets.token_hex(32)
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    server = nginx = api = None
    tmp = Path(tempfile.mkdtemp(prefix="results-day-"))
    store = tmp / "certificate-files"
    link_secret = secrets.token_hex(24)
    front_env = {"CERTIFICATE_ACCEL_LOCATION": front.ACCEL_LOCATION, "CERTIFICATE_FILE_STORE": str(store),
                 "TRUSTED_PROXY_HOPS": "1"} if args.front == "nginx" else {}
    if front_env and args.downloads == "signed":
        front_env.update({"CERTIFICATE_SIGNED_LINKS": "1", "CERTIFICATE_LINK_SECRET": link_secret})
    try:
        app = create_app(TestConfig, {**bench_overrides(url, schema), "SECRET_KEY": secret,
                                      "PUBLIC_BASE_URL": "https://bench.example.org",
                                      "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"options": f"-csearch_path={schema}"}},
                                      **{k: v for k, v in front_env.items() if k != "TRUSTED_PROXY_HOPS"},
                                      "CERTIFICATE_SIGNED_LINKS": "CERTIFICATE_SIGNED_LINKS" in front_env,
                                      "CERTIFICATE_LINK_SECRET": link_secret})
        t0 = time.perf_counter()
        with app.app_context():
            db.create_all()
            world = build(args.entries, args.judges)
            final = build_final(args.holders)
            with app.test_request_context():
                fingerprints = prepare_documents(final)
            db.session.remove()
        cookies = log_in(app, final.accounts)  # outside the app context: each request its own (and its own g)
        links = page_links(app, cookies, fingerprints)
        data = tmp / "wrk"
        data.mkdir()
        with app.app_context():
            write_wrk_data(data, final, cookies, links, args.workers, fingerprints)
            db.session.remove()
        signed = sum(href.startswith("/files/") for found in links.values() for href, _fp in found)
        print(f"download links on the certificate pages: {signed} signed (nginx), "
              f"{sum(map(len, links.values())) - signed} to the app's route", flush=True)
        print(f"setup: {len(world.numbers)} entries and {len(world.judges)} judges scoring; final event of "
              f"{len(final.accounts)} entries, {sum(map(len, final.certificates.values()))} certificates (drawn and "
              f"stored{', files in the store, every 10th removed again' if front_env else ''}); {len(cookies)} sessions; "
              f"schema {schema} in {time.perf_counter() - t0:.1f} s (not timed)", flush=True)

        env = {"BENCH_DATABASE_URL": url, "BENCH_SCHEMA": schema, "SECRET_KEY": secret, "BENCH_REDIS": args.redis, **front_env}
        logs = tmp / "logs"
        logs.mkdir()
        server = Server("app", "results_day_app:create()", env, args.gunicorn_workers, args.threads, str(logs),
                        config=None if args.no_gunicorn_config else str(ROOT / "deploy" / "gunicorn.conf.py"))
        status, _body = server.wait_ready(f"/api/v1/events/{world.event_id}/sheet", world.judges[0][1])
        assert status == 200, status
        port = server.port
        reniced = 0
        if args.api_instance:
            api = Server("api", "results_day_app:create()", env, args.api_workers, args.api_threads, str(logs),
                         config=None if args.no_gunicorn_config else str(ROOT / "deploy" / "gunicorn.conf.py"))
            status, _body = api.wait_ready(f"/api/v1/events/{world.event_id}/sheet", world.judges[0][1])
            assert status == 200, status
            if args.page_nice:
                reniced = renice(server.proc.pid, args.page_nice)
        if args.front == "nginx":
            nginx = front.Nginx(server.port, store, tmp / "nginx", free_port(), link_secret,
                                api_port=api.port if api is not None else None)
            port = nginx.port
        target = Target("app", port, f"/api/v1/events/{world.event_id}/scores", world, seed=5)
        if nginx is not None:
            asyncio.run(probe(port, final, cookies, links))
        if api is not None:
            print(f"judges' API on its own instance (gunicorn -w {args.api_workers} --threads {args.api_threads}); "
                  f"page instance niced +{args.page_nice} ({reniced} processes)", flush=True)
        before = cpu_snapshot(server, nginx, api)
        started = time.perf_counter()
        wrks, figures = [], {}
        if args.generator == "wrk":
            conns = dict(item.split("=") for item in args.wrk_connections.split(","))
            rates = {"results": args.results_rate, "pages": args.pages_rate, "pdf": args.pdf_rate, "verify": args.verify_rate}
            wrks = [Wrk(kind, port, int(conns[kind]), args.seconds, rates[kind], data) for kind in WRK_KINDS]
            scores, _secs = asyncio.run(open_loop(target, args.interval, args.seconds, seed=3))
            browsing = None
            wrk_cpu = 0.0
            for w in wrks:
                figures[w.kind], cpu = w.finish()
                wrk_cpu += cpu
        else:
            scores, browsing = asyncio.run(results_day(target, port, final, cookies, args))
        elapsed = time.perf_counter() - started
        after = cpu_snapshot(server, nginx, api)
        cpu = {k: after[k] - before[k] for k in before}
        if wrks:
            cpu["wrk (4 processes, browsing)"] = wrk_cpu
        machine = cpu.pop("machine, all processes")
        cpu["everything else on the machine (other users' jobs)"] = machine - sum(cpu.values())
        cpu["machine, all processes"] = machine
        server.stop()
        if api is not None:
            api.stop()
        log = (logs / "app.log").read_text() + ((logs / "api.log").read_text() if api is not None else "")
        errors = [line for line in log.splitlines() if "Traceback" in line or "ERROR" in line]
        if nginx is not None:
            errors += nginx.errors()
            nginx.stop()

        with app.app_context():
            score_checks = reconcile_app(world, target.ledger)
            if browsing is not None:
                document_checks = reconcile_documents(browsing)
            else:
                document_checks = reconcile_wrk(figures, fingerprints)
            if front_env:
                document_checks.update(reconcile_store(store))
            db.session.remove()
        if browsing is not None:
            report(args, elapsed, scores, browsing, score_checks, document_checks, errors, cpu)
        else:
            report_wrk(args, elapsed, scores, figures, score_checks, document_checks, errors, cpu)
    finally:
        if nginx is not None:
            nginx.stop()
        if server is not None:
            server.stop()
        if api is not None:
            api.stop()
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
        shutil.rmtree(tmp, ignore_errors=True)


def reconcile_wrk(figures: dict, fingerprints: dict[int, str]) -> dict:
    """wrk's PDF answers against ``certificate_documents``: each 200's bytes = the stored bytes of the
    certificate its ETag names, each ETag a stored fingerprint of a live certificate."""
    from contest.models import CertificateDocument

    stored = {d.certificate_id: d.fingerprint for d in db.session.scalars(select(CertificateDocument))}
    pdf = figures["pdf"]
    served = set(pdf["served"])
    return {
        "stored documents / live certificates": f"{len(stored)} / {len(fingerprints)}",
        "certificates served (200) with their stored bytes": len(served),
        "fingerprints served that are not stored": len(served - set(stored.values())),
        "200s whose bytes ≠ the stored bytes": pdf["wrong_bytes"],
        "answers with an unknown ETag": pdf["unknown_tags"],
        "answers that were not a PDF": pdf["not_pdf"],
    }


def reconcile_store(store: Path) -> dict:
    """The file store against ``certificate_documents``: every file equals the stored bytes of its fingerprint."""
    from contest.models import CertificateDocument

    stored = {d.fingerprint: bytes(d.pdf) for d in db.session.scalars(select(CertificateDocument))}
    files = {p.stem: p for p in store.glob("*/*.pdf")}
    return {
        "files in the store / stored documents": f"{len(files)} / {len(stored)}",
        "files ≠ their stored document": sum(1 for fp, p in files.items() if stored.get(fp) != p.read_bytes()),
        "half-written files left (.part)": len(list(store.glob("*/*.part"))),
    }


def cpu_rows(cpu: dict, secs: float) -> list[tuple[str, str]]:
    return [(f"  {name}", f"{value:.1f} s ({value / secs:.2f} cores)") for name, value in cpu.items()]


def score_rows(scores: Stats, secs: float) -> list[tuple[str, str]]:
    return [
        ("score sheets accepted (per s)", f"{scores.sheets} ({scores.sheets / secs:.1f}/s)"),
        ("score request p50 / p99 ms", f"{pct(scores.latencies, 50):.1f} / {pct(scores.latencies, 99):.1f}"),
        ("score sheets refused", f"{sum(scores.refused.values())} {dict(scores.refused) or ''}"),
    ]


def print_report(rows: list[tuple[str, str]], five: int, errors: list[str], cpu: dict, elapsed: float,
                 score_checks: dict, document_checks: dict) -> None:
    """The figures table both generators end with (5xx, server errors, CPU), then the reconciliation."""
    rows = [*rows, ("5xx answers", str(five)),
            ("server log error lines", f"{len(errors)}" + (f", e.g. {errors[0][:160]}" if errors else "")),
            ("CPU over the run", ""), *cpu_rows(cpu, elapsed)]
    width = max(len(r[0]) for r in rows) + 2
    for label, value in rows:
        print(f"{label:<{width}}{value}")
    print_reconciliation(score_checks, document_checks)


def report_wrk(args, elapsed: float, scores: Stats, figures: dict, score_checks: dict, document_checks: dict,
               errors: list[str], cpu: dict) -> None:
    secs = args.seconds
    five = sum(n for f in figures.values() for s, n in f["statuses"].items() if int(s) >= 500)
    five += sum(n for key, n in scores.refused.items() if key.startswith("5"))
    api = (f" + judges' API instance -w {args.api_workers} --threads {args.api_threads} (pages niced +{args.page_nice})"
           if args.api_instance else "")
    print(f"\ngunicorn -w {args.gunicorn_workers} --threads {args.threads}{api} behind {args.front}; downloads {args.downloads}; PostgreSQL; "
          f"{secs:.0f} s (wall {elapsed:.1f} s); {args.judges} judges every {args.interval:.0f} s (asyncio); "
          f"browsing by wrk over {args.workers} simulated workers of {args.holders} accounts "
          f"(connections {args.wrk_connections})\n")
    rows = score_rows(scores, secs)
    offered = {"results": args.results_rate, "pages": args.pages_rate, "pdf": args.pdf_rate, "verify": args.verify_rate}
    labels = {"results": "public results page", "pages": "certificate page (我的证书)", "pdf": "certificate downloads (200 + 304)",
              "verify": "verification"}
    for kind in WRK_KINDS:
        f = figures[kind]
        seconds = f["duration_us"] / 1e6
        errs = {k: v for k, v in f["errors"].items() if v}
        rows.append((f"{labels[kind]} per s", f"{f['requests'] / seconds:.1f} (offered {offered[kind]:.0f})  {f['statuses']}  "
                                              f"p50 / p99 {f['p50_ms']:.1f} / {f['p99_ms']:.1f} ms" + (f"  errors {errs}" if errs else "")
                                              + (f"  by signed link {f['via_link']}, by the app's route {f['via_app']}" if kind == "pdf" else "")))
    print_report(rows, five, errors, cpu, elapsed, score_checks, document_checks)


def print_reconciliation(score_checks: dict, document_checks: dict) -> None:
    print("\nreconciliation, scores:")
    for label, value in score_checks.items():
        print(f"  {label:<52}{value}")
    print("reconciliation, certificate documents:")
    for label, value in document_checks.items():
        print(f"  {label:<52}{value}")
    checks = {k: v for k, v in document_checks.items() if k != "certificates served (200) with their stored bytes"}
    print(f"\nreconciliation: {'OK' if ok(score_checks) and ok(checks) else 'FAILED'}")


def report(args, elapsed: float, scores: Stats, browsing: Browsing, score_checks: dict, document_checks: dict,
           errors: list[str], cpu: dict) -> None:
    secs = args.seconds
    kinds = browsing.kinds
    five = sum(n for k in kinds.values() for s, n in k.statuses.items() if s >= 500)
    five += sum(n for key, n in scores.refused.items() if key.startswith("5"))
    pdf = kinds["pdf"]
    print(f"\ngunicorn -w {args.gunicorn_workers} --threads {args.threads} behind {args.front}; PostgreSQL; {args.seconds:.0f} s "
          f"(wall {elapsed:.1f} s); {args.judges} judges every {args.interval:.0f} s; {args.workers} workers over "
          f"{args.holders} accounts on {args.connections} connections (asyncio)\n")
    rows = score_rows(scores, secs)
    for name, label in (("results", "public results page"), ("certificates", "certificate page (我的证书)")):
        k = kinds[name]
        rows.append((f"{label} requests/s", f"{sum(k.statuses.values()) / secs:.1f}  {dict(k.statuses)}  "
                                            f"p50 / p99 {pct(k.latencies, 50):.0f} / {pct(k.latencies, 99):.0f} ms"))
    rows.append(("certificate downloads/s (200 + 304)",
                 f"{sum(pdf.statuses.values()) / secs:.1f}  {dict(pdf.statuses)}  "
                 f"p50 / p99 {pct(pdf.latencies, 50):.0f} / {pct(pdf.latencies, 99):.0f} ms"))
    rows.append(("verification answers", f"{dict(kinds['verify'].statuses)} (200/404 answered, 429 over the limit)"))
    print_report(rows, five, errors, cpu, elapsed, score_checks, document_checks)


if __name__ == "__main__":
    main()
