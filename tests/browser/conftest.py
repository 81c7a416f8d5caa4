"""Real-browser tests: the app served on a free local port, Playwright driving Debian's Chromium."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from werkzeug.serving import make_server

from contest import create_app
from contest.config import TestConfig
from contest.extensions import db
from tests.conftest import restore_sqlite
from tests.factories import load_world

CHROMIUM = "/usr/bin/chromium"
# Limits on waiting for page state, not a pace: generous, so that a busy machine does not fail a journey.
WAIT_MS = 30_000
PASSWORD = "Passw0rd!"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@contextmanager
def serving(app) -> Iterator[str]:
    """Serve ``app`` with werkzeug on a free local port in a background thread; yields the base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)


@pytest.fixture(scope="module")
def _live_app(tmp_path_factory, sqlite_templates):
    """One server per test module: the app served by werkzeug in a background thread."""
    path = tmp_path_factory.mktemp("browser") / "live.sqlite3"
    shutil.copyfile(sqlite_templates.world, path)
    app = create_app(TestConfig, {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "WTF_CSRF_ENABLED": True})
    with app.app_context():
        world = load_world()
        ids = {
            "orgs": {k: v.id for k, v in world.orgs.items()},
            "users": {k: v.id for k, v in world.users.items()},
            "resident_ids": {k: v.profile.resident_id for k, v in world.users.items() if v.profile},
        }
        db.session.remove()
    with serving(app) as base:
        yield app, path, base, ids


@pytest.fixture
def live_server(_live_app, sqlite_templates):
    """The module's server with a fresh copy of the test world for each test."""
    app, path, base, ids = _live_app
    restore_sqlite(app, path, sqlite_templates.world)
    yield base, ids


@pytest.fixture(scope="module")
def browser():
    if shutil.which(CHROMIUM) is None:
        pytest.fail("Debian's chromium is required for browser tests: apt-get install -y chromium")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=WAIT_MS)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


def new_page(browser, width: int, height: int, *, locale: str = "zh-CN", **options):
    """A page in a browser context of its own (a viewport, a language and Playwright's context ``options``) that
    waits for page state up to ``WAIT_MS``; close it with ``page.context.close()``."""
    page = browser.new_context(viewport={"width": width, "height": height}, locale=locale, **options).new_page()
    page.set_default_timeout(WAIT_MS)
    return page


@pytest.fixture
def tablet(browser):
    """A portrait tablet, in Chinese, with touch."""
    page = new_page(browser, 768, 1024, has_touch=True)
    yield page
    page.context.close()


@pytest.fixture
def page(browser):
    page = new_page(browser, 1024, 768, locale="en-US")
    yield page
    page.context.close()


def login(page, base: str, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/")


def box_of(locator) -> dict:
    """The locator's element's box, read in the page in one step. ``Locator.bounding_box`` finds the element and
    then measures it in two round trips, and answers None when a page that redraws (the tablet re-renders its
    list when a fresh sheet lands) replaced the element in between."""
    return locator.evaluate("e => { const r = e.getBoundingClientRect();"
                            " return {x: r.x, y: r.y, width: r.width, height: r.height}; }")


def open_menu(page) -> None:
    """Unfold the phone's navigation and wait until it has finished sliding open: a tap on a link that is still
    moving can land beside it."""
    from playwright.sync_api import expect

    page.get_by_role("button", name="菜单").click()
    expect(page.locator("#nav.collapse.show")).to_be_visible()
    expect(page.locator("#nav.collapsing")).to_have_count(0)
