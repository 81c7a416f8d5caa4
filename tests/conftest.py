"""Shared fixtures: ``app`` (fresh database per test), ``client``, ``runner``, ``world`` and ``login_as``.

The suite runs on SQLite. With ``--backend=postgresql`` the database-marked tests run against
``CONTEST_TEST_DATABASE_URL``, each test in a schema of its own that is dropped afterwards, so reruns
start clean.
"""

from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import create_engine, text

from contest import create_app
from contest.config import TestConfig
from contest.extensions import db
from tests.factories import World, build_world

PASSWORD = "Passw0rd!"


def pytest_addoption(parser):
    parser.addoption(
        "--backend",
        choices=("sqlite", "postgresql"),
        default="sqlite",
        help="database for the app fixture; postgresql needs CONTEST_TEST_DATABASE_URL",
    )


def pytest_configure(config):
    if config.getoption("--backend") == "postgresql" and not os.environ.get("CONTEST_TEST_DATABASE_URL"):
        raise pytest.UsageError("--backend=postgresql needs CONTEST_TEST_DATABASE_URL")


@pytest.fixture
def database_url(request, tmp_path):
    """A URL for an empty database of the selected backend; PostgreSQL gets a throw-away schema."""
    if request.config.getoption("--backend") == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.sqlite3'}", {}
        return
    url = os.environ["CONTEST_TEST_DATABASE_URL"]
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield url, {"connect_args": {"options": f"-csearch_path={schema}"}, "pool_pre_ping": True}
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def app_factory(database_url):
    """Build an app on the test database; keyword overrides go into the config."""
    url, engine_options = database_url
    made = []

    def make(**overrides):
        config = {"SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": engine_options, **overrides}
        app = create_app(TestConfig, config)
        made.append(app)
        return app

    yield make


@pytest.fixture
def app(app_factory):
    app = app_factory()
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def world(app) -> World:
    return build_world(PASSWORD)


@pytest.fixture
def login_as(client, world):
    """``login_as("county_a")`` logs the test client in as one of the world's users."""

    def login(key: str):
        user = world.users[key]
        client.get("/locale/zh_CN")
        response = client.post("/login", data={"username": user.username, "password": PASSWORD})
        assert response.status_code == 302, response.data.decode()[:500]
        return user

    return login
