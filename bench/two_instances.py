"""Two app instances against one PostgreSQL and one Redis: do logins, sessions, CSRF, API tokens and rate
limits work across them? (issue 18.10; the set-up is deploy/README.md)

    .venv/bin/python bench/two_instances.py [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/test]
                                            [--redis redis://127.0.0.1:6379/0]

Starts two gunicorn instances (production configuration, one shared SECRET_KEY, rate limits in Redis under
a key prefix of this run) on a throw-away PostgreSQL schema with the test world's accounts, then checks, as
a browser behind a load balancer that alternates between them would see it:

1. the login form fetched from A (session cookie and CSRF token) is accepted by B, and the session that B
   starts is logged in on A;
2. an API token issued by A authenticates on B;
3. wrong passwords sent alternately to A and B hit one shared login limit (with per-process memory storage
   each instance's workers would each allow the whole limit);
4. ``/readyz`` on both says the database and Redis answer.

Prints each check and exits 1 if one fails. The instances are stopped and the schema dropped at the end.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
PASSWORD = "Passw0rd!"


def create():
    """The app of one instance (gunicorn 'two_instances:create()'), configured from the environment."""
    from contest import create_app

    schema = os.environ["TWO_SCHEMA"]
    return create_app("production", {
        "SECRET_KEY": os.environ["TWO_SECRET"],
        "SQLALCHEMY_DATABASE_URI": os.environ["TWO_DATABASE_URL"],
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "connect_args": {"options": f"-csearch_path={schema}"}},
        "RATELIMIT_STORAGE_URI": os.environ["TWO_REDIS"],
        "RATELIMIT_KEY_PREFIX": os.environ["TWO_PREFIX"],
        "SESSION_COOKIE_SECURE": False, "REMEMBER_COOKIE_SECURE": False,  # plain HTTP on 127.0.0.1 here
    })


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Browser:
    """Cookies kept across instances, as a browser behind one host name would keep them."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def request(self, port: int, method: str, path: str, form: dict | None = None, body: dict | None = None,
                headers: dict | None = None) -> tuple[int, dict, str]:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        sent = dict(headers or {})
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        payload = None
        if form is not None:
            payload = urllib.parse.urlencode(form)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        elif body is not None:
            payload = json.dumps(body)
            sent["Content-Type"] = "application/json"
        conn.request(method, path, body=payload, headers=sent)
        response = conn.getresponse()
        text_ = response.read().decode("utf-8", "replace")
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        conn.close()
        return response.status, dict(response.getheaders()), text_


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or re.search(r'value="([^"]+)"[^>]*name="csrf_token"', page)
    assert found, "no CSRF token on the page"
    return found.group(1)


def wait_ready(port: int) -> None:
    for _ in range(300):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"instance on {port} did not start")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    args = parser.parse_args()

    from contest import create_app
    from contest.config import TestConfig
    from contest.extensions import db
    from tests.factories import build_world

    schema = f"two_{uuid.uuid4().hex[:8]}"
    admin = create_engine(args.database_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    servers: list[subprocess.Popen] = []
    failures = 0
    try:
        setup = create_app(TestConfig, {"SQLALCHEMY_DATABASE_URI": args.database_url,
                                        "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"options": f"-csearch_path={schema}"}}})
        with setup.app_context():
            db.create_all()
            world = build_world(PASSWORD)
            username = world.users["city"].username
            db.session.remove()
            db.engine.dispose()
        env = {**os.environ, "TWO_SCHEMA": schema, "TWO_SECRET": secrets.token_hex(32), "TWO_DATABASE_URL": args.database_url,
               "TWO_REDIS": args.redis, "TWO_PREFIX": f"two-{schema}", "PYTHONPATH": f"{ROOT}:{ROOT / 'bench'}"}
        ports = [free_port(), free_port()]
        for port in ports:
            servers.append(subprocess.Popen(
                [str(Path(sys.executable).parent / "gunicorn"), "-w", "2", "--threads", "2", "-b", f"127.0.0.1:{port}",
                 "--log-level", "warning", "two_instances:create()"], env=env, cwd=ROOT / "bench",
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        for port in ports:
            wait_ready(port)
        a, b = ports

        def report(name: str, ok: bool, detail: str) -> None:
            nonlocal failures
            failures += not ok
            print(f"{'OK  ' if ok else 'FAIL'} {name}: {detail}", flush=True)

        browser = Browser()
        _status, _headers, page = browser.request(a, "GET", "/login")
        status, headers, _ = browser.request(b, "POST", "/login", form={"username": username, "password": PASSWORD, "csrf_token": csrf_of(page)})
        home, _h, _t = browser.request(a, "GET", "/")
        report("login across instances", status == 302 and home == 200,
               f"form from A, POST to B → {status} {headers.get('Location', '')}; home page on A with B's session → {home}")

        api = Browser()
        _s, _h, issued = api.request(a, "POST", "/api/v1/tokens", body={"username": username, "password": PASSWORD})
        token = json.loads(issued).get("token", "")
        me, _h, _t = api.request(b, "GET", "/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        report("API token across instances", me == 200, f"issued by A, /api/v1/me on B → {me}")

        attacker = Browser()
        limited_at = None
        for attempt in range(1, 41):
            port = a if attempt % 2 else b
            _s, _h, page = attacker.request(port, "GET", "/login")
            if _s == 429:
                limited_at = attempt
                break
            status, _h, _t = attacker.request(port, "POST", "/login", form={"username": username, "password": "wrong-password",
                                                                           "csrf_token": csrf_of(page)})
            if status == 429:
                limited_at = attempt
                break
        report("one login limit for both instances", limited_at is not None and limited_at <= 21,
               f"wrong passwords alternately to A and B: 429 at attempt {limited_at} (limit: LOGIN_RATE_LIMIT, shared in Redis)")

        for name, port in (("A", a), ("B", b)):
            status, _h, body = Browser().request(port, "GET", "/readyz")
            report(f"/readyz on {name}", status == 200 and json.loads(body)["checks"].get("redis") == "ok", f"{status} {body.strip()}")
    finally:
        for server in servers:
            server.send_signal(signal.SIGTERM)
        for server in servers:
            try:
                server.wait(20)
            except subprocess.TimeoutExpired:
                server.kill()
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
    print("two instances:", "OK" if not failures else f"{failures} checks FAILED")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
