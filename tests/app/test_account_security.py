"""Accounts that can be cut off (issue 12, items 1–3): login throttling by account and address behind a proxy,
logout / password change / reset revoking sessions, remember cookies and API tokens, first-login password
change on the web and the API, and the password policy."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from contest.extensions import db
from contest.models import ApiToken, LoginSession, User
from contest.seed import DEMO_PASSWORD
from contest.services import accounts as service
from tests.conftest import PASSWORD
from tests.factories import build_world
from tests.judging_factories import running_event

WRONG = "wrong-password-1"


def login(client, username, password, address=None, remember=False, **extra):
    data = {"username": username, "password": password}
    if remember:
        data["remember"] = "y"
    if address:
        extra["environ_base"] = {"REMOTE_ADDR": address}
    return client.post("/login", data=data, **extra)


def api_token(client, username, password=PASSWORD, address=None):
    extra = {"environ_base": {"REMOTE_ADDR": address}} if address else {}
    return client.post("/api/v1/tokens", json={"username": username, "password": password}, **extra)


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


# ---------------------------------------------------------------------------------------------- 1. throttling


def test_an_attackers_wrong_passwords_do_not_lock_out_the_owner_elsewhere(world, client):
    """64 wrong passwords from 8 addresses: each address is held off after 5, the account is then under attack
    (each further address gets one try), and the owner, from his own address, logs in at once."""
    statuses = []
    for a in range(8):
        statuses.append([login(client, "worker", WRONG, f"203.0.113.{a}").status_code for _ in range(8)])
    assert statuses[0] == [422] * 5 + [429] * 3  # per account and address: 5 tries
    assert all(s[0] == 422 and s[-1] == 429 for s in statuses)
    assert sum(s.count(422) for s in statuses) < 40  # once under attack, an address that failed gets no more
    locked = login(client, "worker", PASSWORD, "203.0.113.1")
    assert locked.status_code == 429 and "分钟后再试" in locked.data.decode()  # the right password too: no oracle
    assert locked.headers["Retry-After"].isdigit()
    assert login(client, "worker", PASSWORD, "198.51.100.7").status_code == 302  # the owner, elsewhere
    # Another account from the attacking addresses is not affected by this account's lock.
    client.post("/logout")
    assert login(client, "worker_b", PASSWORD, "203.0.113.1").status_code == 302


def test_the_token_endpoint_shares_the_throttle(world, client):
    for _ in range(5):
        assert api_token(client, "judge", WRONG).status_code == 401
    response = api_token(client, "judge")
    assert response.status_code == 429 and response.json["error"]["code"] == "rate_limited"
    assert "分钟" in response.json["error"]["message"] and int(response.headers["Retry-After"]) > 0
    assert login(client, "judge", PASSWORD).status_code == 429  # the same counters as the web
    assert api_token(client, "judge", address="10.0.0.2").status_code == 201


def test_one_address_spraying_many_accounts_is_held_off(app_factory):
    app = app_factory(LOGIN_FAILURES_PER_ADDRESS="6 per 15 minutes")
    with app.app_context():
        db.create_all()
        build_world(PASSWORD)
        client = app.test_client()
        for username in ("admin", "city", "county_a", "ent_a", "team_a", "judge"):
            assert login(client, username, WRONG, "203.0.113.9").status_code == 422
        refused = login(client, "worker", PASSWORD, "203.0.113.9")
        assert refused.status_code == 429 and "您所在网络" in refused.data.decode()
        assert login(client, "worker", PASSWORD, "198.51.100.1").status_code == 302
        db.session.remove()


def test_typing_errors_are_forgotten_after_the_owner_logs_in(world, client):
    for _ in range(4):
        login(client, "worker", WRONG)
    assert login(client, "worker", PASSWORD).status_code == 302
    client.post("/logout")
    for _ in range(4):
        assert login(client, "worker", WRONG).status_code == 422
    assert login(client, "worker", PASSWORD).status_code == 302


def test_correct_logins_never_use_up_the_address_limit(app_factory):
    """A training room behind one address: the per-address request limit counts failed attempts only."""
    app = app_factory(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute", API_TOKEN_RATE_LIMIT="3 per minute")
    with app.app_context():
        db.create_all()
        build_world(PASSWORD)
        client = app.test_client()
        for _ in range(6):
            assert login(client, "worker", PASSWORD).status_code == 302
            client.post("/logout")
            assert api_token(client, "worker").status_code == 201
        assert [login(client, "nobody", WRONG).status_code for _ in range(4)] == [422, 422, 422, 429]
        db.session.remove()


@pytest.mark.parametrize("hops", [0, 1])
def test_client_addresses_behind_a_trusted_proxy(app_factory, hops):
    """With TRUSTED_PROXY_HOPS=1 the proxy's X-Forwarded-For is the client's address: users behind one proxy
    are counted apart. With the default 0 the header is ignored, so a client cannot forge its way out."""
    app = app_factory(TRUSTED_PROXY_HOPS=hops, LOGIN_FAILURES_PER_CLIENT="2 per 15 minutes")
    with app.app_context():
        db.create_all()
        build_world(PASSWORD)
        client = app.test_client()
        for _ in range(2):
            login(client, "worker", WRONG, "192.0.2.1", headers={"X-Forwarded-For": "203.0.113.5"})
        other = login(client, "worker", PASSWORD, "192.0.2.1", headers={"X-Forwarded-For": "198.51.100.8"})
        assert other.status_code == (302 if hops else 429)
        db.session.remove()


def test_throttle_counters_are_shared_through_redis(app_factory):
    """Two app instances (two gunicorn workers) on one Redis see the same failures."""
    pytest.importorskip("redis")
    import redis

    try:
        redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    address = f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"
    config = {"RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0", "LOGIN_FAILURES_PER_CLIENT": "4 per 15 minutes"}
    first, second = app_factory(**config), app_factory(**config)
    with first.app_context():
        db.create_all()
        build_world(PASSWORD)
        username = f"worker-{uuid.uuid4().hex[:8]}"  # a fresh account name: Redis outlives the test
        for _ in range(2):
            assert login(first.test_client(), username, WRONG, address).status_code == 422
        with second.app_context():
            for _ in range(2):
                assert login(second.test_client(), username, WRONG, address).status_code == 422
            assert login(second.test_client(), username, WRONG, address).status_code == 429
        assert login(first.test_client(), username, WRONG, address).status_code == 429
        db.session.remove()


# ---------------------------------------------------------------------------------------------- 2. revocation


@pytest.fixture
def devices(app):
    """``devices(address)``: a browser of its own at ``address`` (the test apps drop Flask-Login's cached user at
    each request, as a server does: see ``tests.conftest.make_test_app``)."""

    def device(address: str = "127.0.0.1"):
        browser = app.test_client()
        browser.environ_base["REMOTE_ADDR"] = address
        return browser

    return device


def cookies_of(client) -> dict[str, str]:
    return {name: client.get_cookie(name).value for name in ("session", "remember_token") if client.get_cookie(name)}


def replay(device, cookies: dict[str, str]):
    """A fresh browser, at the same address, holding copies of ``cookies``."""
    other = device()
    for name, value in cookies.items():
        other.set_cookie(name, value)
    return other


def logged_in(client) -> bool:
    return client.get("/account").status_code == 200


@pytest.mark.db
def test_logout_ends_that_devices_session_remember_cookie_and_token(world, devices):
    run = running_event(world)
    client = devices()
    assert login(client, "judge", PASSWORD, remember=True).status_code == 302
    page = client.get(f"/judging/events/{run.event.id}").data.decode()
    assert page  # the tablet page asks for this device's token once (static/js/outbox.js)
    token = client.post("/device-token", headers={"X-Contest-Device": "1"}).get_json()["token"]
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200
    saved = cookies_of(client)
    assert set(saved) == {"session", "remember_token"}
    elsewhere = devices("10.0.0.2")  # the same judge on a second device
    login(elsewhere, "judge", PASSWORD)
    own_token = api_token(elsewhere, "judge").json["token"]

    assert client.post("/logout").status_code == 302
    assert not logged_in(replay(devices, saved))  # a copy of the old session cookie
    assert not logged_in(replay(devices, {"remember_token": saved["remember_token"]}))  # the remember cookie alone
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401  # the tablet page's token
    assert logged_in(elsewhere) and elsewhere.get("/api/v1/me", headers=bearer(own_token)).status_code == 200


@pytest.mark.db
def test_the_remember_cookie_logs_in_until_logout(world, devices):
    client = devices()
    login(client, "worker", PASSWORD, remember=True)
    saved = cookies_of(client)
    assert logged_in(replay(devices, {"remember_token": saved["remember_token"]}))


@pytest.mark.db
def test_a_password_change_ends_every_other_session_and_token(world, devices):
    other, client = devices("10.0.0.2"), devices()
    login(other, "worker", PASSWORD, remember=True)
    other_cookies = cookies_of(other)
    token = api_token(other, "worker").json["token"]
    login(client, "worker", PASSWORD, remember=True)
    response = client.post("/account/password", data={"current": PASSWORD, "new": "Kecheng-2027!", "confirm": "Kecheng-2027!"})
    assert response.status_code == 302
    assert logged_in(client)  # the browser that changed it stays logged in
    assert not logged_in(other) and not logged_in(replay(devices, {"remember_token": other_cookies["remember_token"]}))
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401
    worker = db.session.get(User, world.users["worker"].id)
    assert db.session.scalar(select(func.count()).select_from(LoginSession).where(LoginSession.user_id == worker.id)) == 1


@pytest.mark.db
def test_an_organisers_reset_ends_every_session_and_token(world, devices):
    client = devices("10.0.0.2")
    login(client, "worker", PASSWORD, remember=True)
    saved = cookies_of(client)
    token = api_token(client, "worker").json["token"]
    organiser = devices()
    login(organiser, "team_a", PASSWORD)
    assert organiser.post(f"/people/{world.users['worker'].id}/reset-password").status_code == 200
    assert not logged_in(client) and not logged_in(replay(devices, saved))
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401
    assert db.session.scalar(select(func.count()).select_from(ApiToken).where(ApiToken.user_id == world.users["worker"].id)) == 0


def test_deactivation_ends_sessions(world, devices):
    client = devices()
    login(client, "worker", PASSWORD)
    service.set_user_active(world.users["team_a"], world.users["worker"].id, False)
    service.set_user_active(world.users["team_a"], world.users["worker"].id, True)
    assert not logged_in(client)  # reactivating does not bring the old session back


# ---------------------------------------------------------------------------------------------- 3. first login


def test_an_initial_password_leads_every_page_to_the_password_change(world, client):
    user, password = _new_judge(world)
    assert login(client, user.username, password).location == "/account/password"
    for path in ("/", "/account", "/people/", "/judging/"):
        response = client.get(path)
        assert response.status_code == 302 and response.location == "/account/password", path
    assert client.post("/logout").status_code == 302  # logging out stays possible
    login(client, user.username, password)
    client.post("/account/password", data={"current": password, "new": "Longer-pass-42", "confirm": "Longer-pass-42"})
    assert client.get("/account").status_code == 200


def _new_judge(world):
    return service.create_account(world.users["county_a"], service.AccountInput(
        username="judge2", name="裁判乙", org_id=world.orgs["county_a"].id, roles=frozenset({service.Role.JUDGE})))


def test_the_api_refuses_an_initial_password(world, client):
    user, password = _new_judge(world)
    response = api_token(client, user.username, password)
    assert response.status_code == 403
    assert response.json["error"]["code"] == "password_change_required" and "修改初始密码" in response.json["error"]["message"]
    # A token from before an organiser's reset cannot act either (the reset deletes it; the flag refuses it too).
    token, _ = service.create_api_token(user, own_device=True)
    response = client.get("/api/v1/me", headers=bearer(token))
    assert response.status_code == 403 and response.json["error"]["code"] == "password_change_required"


@pytest.mark.parametrize(("new", "message"), [
    ("Short-1!", "至少"),  # 8 characters
    ("abcdefghijkl", "字母"),
    ("x-worker-2027", "用户名"),
    ("password123", "常见"),
    ("1qaz2wsx3edc", "常见"),
    (DEMO_PASSWORD, "演示"),
])
def test_the_password_policy(world, client, login_as, new, message):
    login_as("worker")
    response = client.post("/account/password", data={"current": PASSWORD, "new": new, "confirm": new})
    assert response.status_code == 422 and message in response.data.decode()


def test_the_demo_password_is_allowed_in_the_demo(app_factory):
    app = app_factory(DEMO_MODE=True)
    with app.app_context():
        db.create_all()
        build_world(PASSWORD)
        client = app.test_client()
        login(client, "worker", PASSWORD)
        response = client.post("/account/password", data={"current": PASSWORD, "new": DEMO_PASSWORD, "confirm": DEMO_PASSWORD})
        assert response.status_code == 302
        db.session.remove()


def test_the_common_password_list_ships_with_the_app():
    common = service.common_passwords()
    assert len(common) > 1500 and "qwertyuiop" in common and "woaini1314" in common
    assert all(len(p) >= 10 for p in common)
