"""Shared set-up for the benchmarks: an app on a throw-away database (a temporary SQLite file, or a
PostgreSQL schema that is dropped afterwards)."""

from __future__ import annotations

import os
import signal
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from sqlalchemy import create_engine, text

from contest import create_app
from contest.config import TestConfig
from contest.extensions import db


@contextmanager
def throwaway_app(database_url: str | None) -> Iterator[Flask]:
    """The app (test config, cheap password hashing) with its tables created, inside an app and request context."""
    schema, options = None, {}
    with tempfile.TemporaryDirectory() as tmp:
        url = database_url or f"sqlite:///{tmp}/bench.sqlite3"
        if database_url:
            schema = f"bench_{uuid.uuid4().hex[:8]}"
            with create_engine(url, isolation_level="AUTOCOMMIT").connect() as conn:
                conn.execute(text(f'CREATE SCHEMA "{schema}"'))
            options = {"connect_args": {"options": f"-csearch_path={schema}"}}
        app = create_app(TestConfig, {"SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": options, "SQLITE_SYNCHRONOUS": "NORMAL"})
        try:
            with app.app_context(), app.test_request_context():
                db.create_all()
                yield app
                db.session.remove()
                db.engine.dispose()
        finally:
            if schema:
                with create_engine(url, isolation_level="AUTOCOMMIT").connect() as conn:
                    conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


def stop_process(proc: subprocess.Popen, sig: int, *, group: bool = False, grace: float = 10) -> None:
    """Stop a server started in a session of its own: ``sig`` to its master (``group``: to its whole process
    group), then SIGKILL to the group if it has not exited within ``grace`` seconds."""
    if proc.poll() is not None:
        return
    if group:
        os.killpg(proc.pid, sig)
    else:
        proc.send_signal(sig)
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
