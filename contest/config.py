"""Configuration classes.

``Config`` is the embedded default: SQLite in ``instance/`` unless ``DATABASE_URL`` is set.
``ProductionConfig`` refuses to start with the default secret key or without ``PUBLIC_BASE_URL``, and marks
cookies Secure.
"""

from __future__ import annotations

import os
import sys
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from contest import clock

DEFAULT_SECRET_KEY = "dev-only-change-me"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
# A wheel carries templates/, static/ and migrations/ here (copied in at build time by setup.py's build hook);
# a checkout (and an editable install) has them beside contest/ instead.
BUNDLE_DIR = Path(__file__).resolve().parent / "_bundle"
INSTALLED = BUNDLE_DIR.is_dir()


def resource_dir(name: str) -> Path:
    """The folder ``name`` ("templates", "static", "migrations"): the copy inside the installed package when there
    is one, else the checkout's top-level folder. The packaged copy wins, so an unrelated ``migrations`` folder
    that some other distribution put in site-packages is never picked up."""
    bundled = BUNDLE_DIR / name
    return bundled if bundled.is_dir() else PROJECT_ROOT / name


def _instance_path() -> Path:
    """``CONTEST_INSTANCE_PATH`` when set; else ``instance/`` in the checkout; for an installed package,
    Flask's convention for installed apps, ``<prefix>/var/contest-instance`` (never inside site-packages)."""
    configured = os.environ.get("CONTEST_INSTANCE_PATH")
    if configured:
        return Path(configured).resolve()
    if INSTALLED:
        return Path(sys.prefix) / "var" / "contest-instance"
    return PROJECT_ROOT / "instance"


INSTANCE_PATH = _instance_path()


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        return f"sqlite:///{INSTANCE_PATH / 'contest.sqlite3'}"
    # Accept the usual "postgres://" and "postgresql://" forms and use psycopg 3.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", DEFAULT_SECRET_KEY)
    SQLALCHEMY_DATABASE_URI = _database_url()
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    # SQLite only: NORMAL is durable with WAL except for the last transactions on power loss.
    SQLITE_SYNCHRONOUS = "NORMAL"

    # Babel: Simplified Chinese first, English second.
    BABEL_DEFAULT_LOCALE = "zh_CN"
    BABEL_DEFAULT_TIMEZONE = clock.TIMEZONE_NAME  # the one clock (contest/clock.py)
    LANGUAGES = {"zh_CN": "简体中文", "en": "English"}

    # Session and cookies.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    # Every login is a row in login_sessions (contest.services.sessions): a browser session ends after
    # LOGIN_SESSION_LIFETIME, a "stay logged in" one after REMEMBER_COOKIE_DURATION, logout ends it at once.
    LOGIN_SESSION_LIFETIME = timedelta(hours=24)
    REMEMBER_COOKIE_DURATION = timedelta(days=30)

    # Behind a reverse proxy (nginx …): how many proxies in front of the app set X-Forwarded-For/-Proto/-Host.
    # 0 (the default) trusts no such header; with the wrong number, clients can forge their address.
    TRUSTED_PROXY_HOPS = int(os.environ.get("TRUSTED_PROXY_HOPS", "0"))

    # CSRF on every form (Flask-WTF); the JSON API authenticates with bearer tokens instead.
    WTF_CSRF_TIME_LIMIT = None

    # Rate limits (Flask-Limiter): memory by default, Redis when RATELIMIT_STORAGE_URI is set.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    # A sliding window: a tablet's burst of queued writes after reconnecting is not stalled for a whole minute.
    RATELIMIT_STRATEGY = "moving-window"
    LOGIN_RATE_LIMIT = "20 per minute"  # failed attempts per address (a burst guard; correct logins never count)
    # Failed logins (contest.services.login_throttle): per account and address, per account over all
    # addresses (then each address that failed is held off), per address over all accounts.
    LOGIN_THROTTLE_ENABLED = True
    LOGIN_FAILURES_PER_CLIENT = "5 per 15 minutes"
    LOGIN_FAILURES_PER_ACCOUNT = "10 per 15 minutes"
    LOGIN_FAILURES_PER_ADDRESS = "50 per 15 minutes"
    API_TOKEN_RATE_LIMIT = "20 per minute"
    API_RATE_LIMIT = "600 per minute"  # API writes, per bearer token (a venue's tablets share one NAT address)
    VERIFY_RATE_LIMIT = "30 per minute;300 per hour"  # certificate verification, against enumeration

    # Password hashing (werkzeug). Tests use a cheap method.
    PASSWORD_HASH_METHOD = "scrypt"
    # The demo (seed-demo) may keep its published password; elsewhere it is refused as a new password.
    DEMO_MODE = os.environ.get("CONTEST_DEMO", "") in ("1", "true", "yes")
    API_TOKEN_LIFETIME = timedelta(hours=12)

    # Uploads (xlsx/csv imports, seal images).
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024
    IMPORT_MAX_ROWS = 20_000

    PER_PAGE = 50
    # Prometheus /metrics, only for these client networks (after TRUSTED_PROXY_HOPS). On in the demo (loopback
    # only), off in production unless METRICS_ENABLED is set.
    METRICS_ENABLED = os.environ.get("METRICS_ENABLED", "1") in ("1", "true", "yes")
    METRICS_ALLOW = tuple(n.strip() for n in os.environ.get("METRICS_ALLOW", "127.0.0.1/32,::1/128").split(",") if n.strip())
    # nginx in front (deploy/nginx/contest.conf): a stored certificate PDF is handed over to nginx with
    # X-Accel-Redirect under this internal location (e.g. "/_stored/certificates/") instead of the app sending
    # the bytes; nginx serves it from CERTIFICATE_FILE_STORE, a copy of certificate_documents kept by digest.
    # Empty (the embedded default): the app sends the bytes itself.
    CERTIFICATE_ACCEL_LOCATION = os.environ.get("CERTIFICATE_ACCEL_LOCATION", "")
    CERTIFICATE_FILE_STORE = os.environ.get("CERTIFICATE_FILE_STORE") or str(INSTANCE_PATH / "certificate-files")
    # Signed download links checked by nginx (ngx_http_secure_link_module; deploy/nginx/contest.conf): the pages
    # that offer a certificate link to /files/certificates/<fingerprint>.pdf?n=…&expires=…&md5=…, signed with
    # CERTIFICATE_LINK_SECRET (the same secret as nginx's secure_link_md5), valid for CERTIFICATE_LINK_SECONDS
    # (rounded up to the next 5 minutes, so a page shows the same link for a while and a browser's copy
    # revalidates); nginx serves the file from CERTIFICATE_FILE_STORE without asking the app. The permission is
    # checked when the page is drawn. On without a secret: the app refuses to start.
    CERTIFICATE_SIGNED_LINKS = os.environ.get("CERTIFICATE_SIGNED_LINKS", "") in ("1", "true", "yes")
    CERTIFICATE_LINK_SECRET = os.environ.get("CERTIFICATE_LINK_SECRET", "")
    CERTIFICATE_LINK_SECONDS = int(os.environ.get("CERTIFICATE_LINK_SECONDS") or 600)
    # The public results page of an anonymous visitor, and the ranking it shows, are cached per process for this
    # many seconds (contest.services.results.public_cache_seconds); 0 turns both caches off (bench/portal.py).
    PUBLIC_CACHE_SECONDS = float(os.environ.get("PUBLIC_CACHE_SECONDS") or 5)
    # Absolute base URL for links that leave the app (certificate QR codes).
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000")

    # E-mail of notifications (contest.notifications.delivery, sent by `flask --app contest deliver-notifications`):
    # SMTP when MAIL_SERVER is set, else the "console" backend (the log). MAIL_BACKEND forces one.
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND") or None
    MAIL_SERVER = os.environ.get("MAIL_SERVER") or None
    MAIL_PORT = int(os.environ.get("MAIL_PORT") or 0) or None  # 25, or 465 with MAIL_USE_SSL
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "") in ("1", "true", "yes")  # STARTTLS
    MAIL_USE_SSL = os.environ.get("MAIL_USE_SSL", "") in ("1", "true", "yes")  # implicit TLS
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER") or None
    MAIL_TIMEOUT = float(os.environ.get("MAIL_TIMEOUT") or 30)
    MAIL_MAX_ATTEMPTS = int(os.environ.get("MAIL_MAX_ATTEMPTS") or 8)


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret-key"
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False
    RATELIMIT_STORAGE_URI = "memory://"
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
    SERVER_NAME = None
    SQLITE_SYNCHRONOUS = "OFF"  # throw-away test databases need no fsync
    METRICS_ENABLED = True  # for the test client's 127.0.0.1
    API_VALIDATE_RESPONSES = True  # every API answer is checked against the OpenAPI description
    MAIL_BACKEND = "console"  # never a real mail server from the environment
    MAIL_SERVER = None


class ProductionConfig(Config):
    METRICS_ENABLED = os.environ.get("METRICS_ENABLED", "") in ("1", "true", "yes")
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
    # No default: a QR code printed with a loopback address is worthless once the certificate is handed out.
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "")

    @classmethod
    def check(cls, config: dict) -> None:
        """Refuse to start with the default or a short secret key, or without a public base URL that others
        can reach (http(s), a host that is not this machine's loopback)."""
        key = config.get("SECRET_KEY") or ""
        if key == DEFAULT_SECRET_KEY or len(key) < 32:
            raise RuntimeError(
                "Refusing to start in production: set SECRET_KEY to a random value of at least 32 characters."
            )
        url = urlsplit((config.get("PUBLIC_BASE_URL") or "").strip())
        host = (url.hostname or "").lower()
        if url.scheme not in ("http", "https") or not host or host == "localhost" or host.startswith("127.") or host in ("::1", "0.0.0.0"):
            raise RuntimeError(
                "Refusing to start in production: set PUBLIC_BASE_URL to the address the public uses "
                "(e.g. https://contest.example.org); certificate QR codes link to it."
            )


MIN_LINK_SECRET = 16


def check_certificate_links(config: dict) -> None:
    """Refuse to start with signed certificate links on but no (or a short) secret: every link would be signed
    with a guessable key, or nginx would refuse them all."""
    if config.get("CERTIFICATE_SIGNED_LINKS") and len(config.get("CERTIFICATE_LINK_SECRET") or "") < MIN_LINK_SECRET:
        raise RuntimeError(
            "Refusing to start: CERTIFICATE_SIGNED_LINKS is on but CERTIFICATE_LINK_SECRET is not set (a random value "
            f"of at least {MIN_LINK_SECRET} characters, the same as in nginx's secure_link_md5; "
            "see deploy/README.md)."
        )


CONFIGS = {"default": Config, "development": Config, "testing": TestConfig, "production": ProductionConfig}
