"""CSRF, cookies, headers, rate limits and the production secret-key check."""

import re

import pytest

from contest import create_app
from contest.config import DEFAULT_SECRET_KEY, ProductionConfig, TestConfig


def test_forms_require_a_csrf_token(app_factory):
    app = app_factory(WTF_CSRF_ENABLED=True)
    from contest.extensions import db
    from tests.factories import build_world

    with app.app_context():
        db.create_all()
        build_world("Passw0rd!")
        client = app.test_client()
        response = client.post("/login", data={"username": "county_a", "password": "Passw0rd!"})
        assert response.status_code == 400 and "重新加载" in response.data.decode()  # refused: no token
        page = client.get("/login").data.decode()
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        response = client.post("/login", data={"username": "county_a", "password": "Passw0rd!", "csrf_token": token})
        assert response.status_code == 302
        assert client.post("/logout").status_code == 400  # logout without a token is refused
        assert client.post("/api/v1/tokens", json={"username": "county_a", "password": "Passw0rd!"}).status_code == 201
        db.session.remove()


def test_login_is_rate_limited(app_factory):
    app = app_factory(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
    from contest.extensions import db

    with app.app_context():
        db.create_all()
        client = app.test_client()
        statuses = [client.post("/login", data={"username": "x", "password": "y"}).status_code for _ in range(4)]
        assert statuses == [422, 422, 422, 429]
        assert "稍后" in client.post("/login", data={"username": "x", "password": "y"}).data.decode()
        assert client.get("/login").status_code == 200  # only attempts are limited
        db.session.remove()


def test_security_headers_and_cookie_flags(world, client, login_as):
    login_as("worker")
    response = client.get("/")
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    app = client.application
    assert app.config["SESSION_COOKIE_HTTPONLY"] and app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_production_refuses_the_default_secret_key(monkeypatch):
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(ProductionConfig, {"SECRET_KEY": DEFAULT_SECRET_KEY, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    app = create_app(ProductionConfig, {"SECRET_KEY": "x" * 40, "SQLALCHEMY_DATABASE_URI": "sqlite://",
                                        "PUBLIC_BASE_URL": "https://jnjs.qzzgh.example.cn"})
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]


@pytest.mark.parametrize("url", ["", "http://127.0.0.1:5000", "http://localhost:8000/", "https://[::1]/", "jnjs.qzzgh.cn", "ftp://x.cn"])
def test_production_refuses_to_start_without_a_public_base_url(url):
    """QR codes printed with a loopback address are worthless once the certificates are handed out."""
    with pytest.raises(RuntimeError, match="PUBLIC_BASE_URL"):
        create_app(ProductionConfig, {"SECRET_KEY": "x" * 40, "SQLALCHEMY_DATABASE_URI": "sqlite://", "PUBLIC_BASE_URL": url})


def test_passwords_are_hashed(world):
    assert world.users["worker"].password_hash.startswith("pbkdf2:")
    assert TestConfig.PASSWORD_HASH_METHOD != ProductionConfig.PASSWORD_HASH_METHOD == "scrypt"


def test_errors_are_pages_in_chinese(world, client, login_as):
    assert "页面不存在" in client.get("/no-such-page").data.decode()
    login_as("worker")
    response = client.get("/orgs/")
    assert response.status_code == 403 and "权限" in response.data.decode()


def test_unhandled_error_gives_the_500_page(world, client, login_as, monkeypatch):
    import contest.home.views as views

    def boom(user):
        raise RuntimeError("boom")

    monkeypatch.setattr(views, "todo_items", boom)
    login_as("county_a")
    response = client.get("/")
    assert response.status_code == 500 and "服务器" in response.data.decode()


def test_a_locked_database_gives_a_try_again_page(world, client, login_as, monkeypatch):
    import sqlite3

    from sqlalchemy.exc import OperationalError

    import contest.home.views as views

    def locked(user):
        raise OperationalError("UPDATE events", {}, sqlite3.OperationalError("database is locked"))

    monkeypatch.setattr(views, "todo_items", locked)
    login_as("county_a")
    response = client.get("/")
    assert response.status_code == 503 and "重试" in response.data.decode()
