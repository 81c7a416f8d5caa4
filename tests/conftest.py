"""Shared fixtures: ``app`` (fresh database per test), ``client``, ``runner``, ``world`` and ``login_as``.

The suite runs on SQLite. Building an application (werkzeug compiles every URL rule) and a schema costs far
more than a test, so on SQLite one application per test process serves every test, and each test starts from
a copy of a template database file made once per process: the empty schema, or the schema with the test world
when the test asks for ``world``. The configuration is restored after every test. Tests that need other
settings build their own application with ``app_factory``.

With ``--backend=postgresql`` the database-marked tests run against ``CONTEST_TEST_DATABASE_URL``, each test
in a schema of its own that is dropped afterwards, so reruns start clean.
"""

from __future__ import annotations

import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from sqlalchemy import create_engine, text

from contest import create_app
from contest.config import TestConfig
from contest.extensions import db
from tests.factories import World, build_world, load_world

PASSWORD = "Passw0rd!"

# Property tests judge rules, not speed: no per-example deadline and no "too slow" health check, both of which
# read the wall clock and fail on a busy machine. Tests that set their own settings inherit these.
settings.register_profile("contest", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("contest")


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
        app = make_test_app(config)
        made.append(app)
        return app

    yield make


PREBUILT_WORLD = pytest.StashKey[bool]()


def make_test_app(config: dict):
    """An application for tests. Tests keep one app context across requests, so Flask-Login's per-context cache
    of the current user is dropped at each request, as a server (one context per request) does."""
    from flask import g

    app = create_app(TestConfig, config)

    @app.before_request
    def forget_the_cached_user():
        g.pop("_login_user", None)

    return app


@dataclass(frozen=True)
class Templates:
    """SQLite template files: ``empty`` (the schema) and ``world`` (the schema with the test world)."""

    empty: Path
    world: Path


def restore_sqlite(app, path: Path, template: Path) -> None:
    """Close the app's connections and put a copy of ``template`` where its database file is."""
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(template, path)


@pytest.fixture(scope="session")
def sqlite_templates(tmp_path_factory) -> Templates:
    """The two template databases, built once per test process."""
    folder = tmp_path_factory.mktemp("templates")
    templates = Templates(folder / "empty.sqlite3", folder / "world.sqlite3")
    app = create_app(TestConfig, {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{templates.world}"})
    with app.app_context():
        db.create_all()
        db.session.remove()
        db.engine.dispose()
        shutil.copyfile(templates.world, templates.empty)
        build_world(PASSWORD)
        db.session.remove()
        db.engine.dispose()
    return templates


@pytest.fixture(scope="session")
def _shared_sqlite_app(tmp_path_factory):
    """One application for the SQLite tests of this process, on a database file that each test replaces."""
    path = tmp_path_factory.mktemp("shared") / "test.sqlite3"
    app = make_test_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    return app, path, SharedState(dict(app.config), frozenset(app.extensions))


@dataclass(frozen=True)
class SharedState:
    """What the shared application starts each test with: its settings, and the extensions made at start-up
    (state an extension makes on first use, such as the login throttle's counters, is dropped after a test)."""

    config: dict
    extensions: frozenset


def reset_shared_app(app, state: SharedState) -> None:
    """Its request limits are off (``TestConfig``): tests of limits build their own application."""
    app.config.clear()
    app.config.update(state.config)
    for name in set(app.extensions) - state.extensions:
        del app.extensions[name]


@pytest.fixture
def app(request):
    if request.config.getoption("--backend") == "postgresql":
        app = request.getfixturevalue("app_factory")()
        with app.app_context():
            db.create_all()
            yield app
            db.session.remove()
            db.engine.dispose()
        return
    templates = request.getfixturevalue("sqlite_templates")
    app, path, state = request.getfixturevalue("_shared_sqlite_app")
    prebuilt = "world" in request.fixturenames
    restore_sqlite(app, path, templates.world if prebuilt else templates.empty)
    reset_shared_app(app, state)
    request.node.stash[PREBUILT_WORLD] = prebuilt
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@dataclass(frozen=True)
class DemoTemplate:
    path: Path
    output: str  # what ``flask seed-demo`` printed


@pytest.fixture(scope="session")
def demo_template(sqlite_templates, tmp_path_factory) -> DemoTemplate:
    """A database seeded with the demo data by ``flask seed-demo``, built once per test process."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    shutil.copyfile(sqlite_templates.empty, path)
    app = create_app(TestConfig, {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["seed-demo"])
        assert result.exit_code == 0, result.output
        db.session.remove()
        db.engine.dispose()
    return DemoTemplate(path, result.output)


@pytest.fixture
def demo(app, request):
    """The app's database replaced by a copy of the seeded demo (SQLite only)."""
    if request.config.getoption("--backend") != "sqlite":
        pytest.skip("the seeded demo template is built on SQLite")
    _app, path, _state = request.getfixturevalue("_shared_sqlite_app")
    template = request.getfixturevalue("demo_template")
    restore_sqlite(app, path, template.path)
    return template


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def world(app, request) -> World:
    if request.node.stash.get(PREBUILT_WORLD, False):
        return load_world()
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
