"""Contest: skills-competition and contest management for a city federation of trade unions.

What lives here: ``create_app`` (the application factory, read top to bottom as named steps: extensions, blueprints,
error handlers, commands, template helpers) and the modules every layer shares — ``config``, ``extensions`` (the
extension objects, created unbound), ``clock`` (the one clock), ``policy`` and ``loaders`` (who may do what; load
by id or 404), ``access`` (the route decorators), ``commands`` (typed requests), ``i18n``, ``labels``, ``web`` and
``forms`` (web helpers), ``spreadsheets``, ``cli`` and the demo seed. The layers are the sub-packages: ``domain``,
``models``, ``services``, ``documents``, ``methods``, ``api`` and one package per blueprint (see
docs/ARCHITECTURE.md, "The map").

Imports: ``contest.config`` at module level; everything else (models, extensions, the blueprints and the api, from
an explicit list) inside ``create_app``'s steps, so importing any module of the package never builds an app.
Imported by: the WSGI entry point, the ``flask --app contest`` command line, tests and benchmarks;
inside the package nothing imports ``create_app``. The import rules between the layers are enforced by
tests/unit/test_import_rules.py.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from flask import Flask

from contest.config import CONFIGS, INSTANCE_PATH, ProductionConfig, check_certificate_links, resource_dir


def create_app(config: str | type | None = None, overrides: dict | None = None) -> Flask:
    """The application factory.

    ``config`` is a name from ``CONFIGS`` ("default", "testing", "production") or a config class;
    without it the ``CONTEST_CONFIG`` environment variable decides. ``overrides`` are applied last.
    """
    app = Flask(
        __name__,
        instance_path=str(INSTANCE_PATH),
        template_folder=str(resource_dir("templates")),
        static_folder=str(resource_dir("static")),
    )
    load_config(app, config, overrides or {})
    trust_proxies(app)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    configure_logging(app)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_input_hygiene(app)
    register_security_headers(app)
    register_template_helpers(app)
    register_assets(app)
    register_commands(app)
    return app


def load_config(app: Flask, config: str | type | None, overrides: dict) -> None:
    if config is None:
        config = os.environ.get("CONTEST_CONFIG", "default")
    config_class = CONFIGS[config] if isinstance(config, str) else config
    app.config.from_object(config_class)
    app.config.update(overrides)
    check_certificate_links(app.config)
    if issubclass(config_class, ProductionConfig):
        ProductionConfig.check(app.config)


def trust_proxies(app: Flask) -> None:
    """Behind ``TRUSTED_PROXY_HOPS`` reverse proxies, take the client's address, scheme and host from their
    X-Forwarded-* headers (werkzeug's ProxyFix); off by default, since a direct client could forge them."""
    hops = app.config["TRUSTED_PROXY_HOPS"]
    if hops > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]


def register_input_hygiene(app: Flask) -> None:
    from contest import boundary

    boundary.register(app)


def configure_logging(app: Flask) -> None:
    """JSON lines with a request id, personal numbers redacted (``contest.ops.logs``); request metrics."""
    from contest.ops import logs, metrics

    logs.configure(app)
    metrics.configure(app)
    # Alembic announces its plugins at import; its INFO lines are shown only by ``init-db --verbose``.
    logging.getLogger("alembic").setLevel(logging.WARNING)


def register_extensions(app: Flask) -> None:
    import flask_babel

    from contest import models  # noqa: F401  (register the models with the metadata)
    from contest.extensions import babel, csrf, db, limiter, login_manager, migrate
    from contest.i18n import select_locale

    db.init_app(app)
    configure_sqlite(app)
    migrate.init_app(app, db, directory=str(resource_dir("migrations")), render_as_batch=True, compare_type=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(Path(__file__).parent / "translations"),
    )
    limiter.init_app(app)
    from contest.api.errors import StrictJSONProvider

    app.json = StrictJSONProvider(app)
    # The locale is cached per app context; tests and CLI keep one app context across requests.
    app.before_request(flask_babel.refresh)

    from contest.auth.loaders import configure_login

    configure_login(app)


def configure_sqlite(app: Flask) -> None:
    """SQLite pragmas on every connection: enforce foreign keys, WAL journal, wait for locks."""
    from sqlalchemy import event

    from contest.extensions import db

    with app.app_context():
        engine = db.engine
    if engine.url.get_backend_name() != "sqlite":
        return
    synchronous = app.config["SQLITE_SYNCHRONOUS"]

    @event.listens_for(engine, "connect")
    def set_pragmas(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA synchronous={synchronous}")
        cursor.close()


def register_blueprints(app: Flask) -> None:
    from contest.api import api_bp
    from contest.assessments.views import assessments_bp
    from contest.auth.views import auth_bp
    from contest.brackets.views import brackets_bp
    from contest.certificates.views import certificates_bp
    from contest.contests.views import contests_bp
    from contest.dashboard.views import dashboard_bp
    from contest.home.views import home_bp
    from contest.indicators.views import indicators_bp
    from contest.judging.views import judging_bp
    from contest.merit.views import merit_bp
    from contest.methods.views import methods_bp
    from contest.notifications.views import notifications_bp
    from contest.offline.views import offline_bp
    from contest.ops.views import ops_bp
    from contest.orgs.views import orgs_bp
    from contest.people.views import people_bp
    from contest.portal.views import portal_bp
    from contest.registration.views import registration_bp
    from contest.results.views import results_bp

    for blueprint in (home_bp, auth_bp, orgs_bp, people_bp, contests_bp, registration_bp, judging_bp, results_bp, brackets_bp, certificates_bp,
                      notifications_bp, offline_bp, api_bp, ops_bp, methods_bp, dashboard_bp, portal_bp, assessments_bp,
                      indicators_bp, merit_bp):
        app.register_blueprint(blueprint)


def register_errorhandlers(app: Flask) -> None:
    from contest.errors import register

    register(app)


def register_security_headers(app: Flask) -> None:
    from contest.security import apply_security_headers

    app.after_request(apply_security_headers)


def register_template_helpers(app: Flask) -> None:
    from contest.templating import register

    register(app)


def register_assets(app: Flask) -> None:
    from contest.assets import register

    register(app)


def register_commands(app: Flask) -> None:
    from contest.cli import register

    register(app)
