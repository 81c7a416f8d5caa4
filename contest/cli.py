"""Command-line tools: ``flask --app contest <command>``."""

from __future__ import annotations

import logging
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _
from sqlalchemy import text

from contest import clock
from contest.domain.errors import DomainError
from contest.extensions import db
from contest.i18n import translate


def register(app: Flask) -> None:
    for command in (init_db, seed_demo_command, create_admin, backup, check_db, import_orgs_command, import_workers_command,
                    serve):
        app.cli.add_command(command)


verbose_option = click.option("--verbose", "-v", is_flag=True, help="Also print the log lines (migrations, audit rows).")


@contextmanager
def _log_lines(verbose: bool) -> Iterator[None]:
    """Without ``--verbose`` a command prints its own messages only: no INFO lines from the audit log of every
    row it writes, nor from Alembic (``migrations/env.py`` reads ``ALEMBIC_QUIET``). Restored afterwards, for
    commands run inside a longer process (tests)."""
    names = ("contest", "alembic", "flask_migrate")
    levels = {name: logging.getLogger(name).level for name in names}
    current_app.config["ALEMBIC_QUIET"] = not verbose
    for name in names:
        logging.getLogger(name).setLevel(logging.INFO if verbose else logging.WARNING)
    try:
        yield
    finally:
        current_app.config.pop("ALEMBIC_QUIET", None)
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


@click.command("init-db")
@verbose_option
@with_appcontext
def init_db(verbose: bool) -> None:
    """Create or upgrade the database schema (Alembic migrations to head)."""
    from flask_migrate import upgrade

    with _log_lines(verbose):
        upgrade()
    click.echo(_("The database schema is up to date."))


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing (and succeed) when the database already has data.")
@verbose_option
@with_appcontext
def seed_demo_command(if_empty: bool, verbose: bool) -> None:
    """Fill an empty database with the Quzhou demo data."""
    from contest.seed import DEMO_PASSWORD, is_seeded, seed_demo

    if is_seeded():
        if if_empty:
            click.echo(_("The demo data is already there; nothing to do."))
            return
        raise click.ClickException(_("The database already has data; seed-demo only fills an empty database."))
    with _log_lines(verbose):
        logins = seed_demo()
    click.echo(_("Demo data created. Every demo account has the password %(password)s:", password=DEMO_PASSWORD))
    for login in logins:
        click.echo(f"  {login.username:<20} {login.role:<10} {login.unit}")


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@with_appcontext
def serve(host: str, port: int) -> None:
    """Serve the app for a demo or a single machine, saying where once it listens (production: gunicorn)."""
    from werkzeug.serving import make_server

    from contest.seed import DEMO_PASSWORD, DEMO_TOUR

    server = make_server(host, port, current_app._get_current_object(), threaded=True)
    click.echo(_("Contest is running at %(url)s (Ctrl+C stops it).", url=f"http://{host}:{server.server_port}/"))
    click.echo(_("Demo logins (password %(password)s):", password=DEMO_PASSWORD))
    for stop in DEMO_TOUR[:3]:
        click.echo(f"  {stop.username:<16} {_(stop.shows)}")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


@click.command("create-admin")
@click.argument("username")
@click.option("--name", default="系统管理员")
@click.password_option()
@with_appcontext
def create_admin(username: str, name: str, password: str) -> None:
    """Create an administrator (and the top unit 衢州市总工会 if the tree is empty)."""
    from sqlalchemy import select

    from contest.models import Organisation, Role, User, UserRole
    from contest.services import orgs
    from contest.services.accounts import check_password_strength, hash_password

    try:
        check_password_strength(password, username)
    except DomainError as exc:
        raise click.ClickException(translate(exc)) from None
    if db.session.scalar(select(User.id).where(User.username == username)) is not None:
        raise click.ClickException(_("The user %(username)s already exists.", username=username))
    root = db.session.scalar(select(Organisation).where(Organisation.parent_id.is_(None)))
    if root is None:
        root = orgs.create_root("衢州市总工会")
    user = User(username=username, name=name, org=root, password_hash=hash_password(password), active=True)
    user.role_rows = [UserRole(role=Role.ADMIN)]
    db.session.add(user)
    db.session.commit()
    click.echo(_("Administrator %(username)s created.", username=username))


@click.command("backup")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Target file (default: instance/backups/…)")
@with_appcontext
def backup(output: str | None) -> None:
    """Write a consistent copy of the database (SQLite online backup, or pg_dump for PostgreSQL)."""
    url = db.engine.url
    stamp = clock.now().strftime("%Y%m%d-%H%M%S")
    folder = Path(current_app.instance_path) / "backups"
    folder.mkdir(parents=True, exist_ok=True)
    if url.get_backend_name() == "sqlite":
        target = Path(output or folder / f"contest-{stamp}.sqlite3")
        source = sqlite3.connect(url.database)
        try:
            with sqlite3.connect(target) as copy:
                source.backup(copy)
        finally:
            source.close()
    elif url.get_backend_name() == "postgresql":
        if shutil.which("pg_dump") is None:
            raise click.ClickException(_("pg_dump is not installed."))
        target = Path(output or folder / f"contest-{stamp}.dump")
        dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
        # The app's schema only (the one on its search_path), so a database shared by several apps is not
        # dumped whole; pg_dump reads in one snapshot, so writes going on meanwhile give a consistent copy.
        schema = db.session.execute(text("SELECT current_schema()")).scalar()
        db.session.rollback()
        subprocess.run(["pg_dump", "--format=custom", "--no-owner", f"--schema={schema}", f"--file={target}", dsn], check=True)
    else:
        raise click.ClickException(_("There is no backup method for %(backend)s.", backend=url.get_backend_name()))
    click.echo(_("Backup written to %(path)s.", path=target))


@click.command("check-db")
@with_appcontext
def check_db() -> None:
    """Verify the database (a restored backup, say): constraints, audit rows against scores, certificate
    serials contiguous per host and year, every stored result computed again and identical. Writes nothing;
    exits with status 1 when a check fails."""
    from contest.services.integrity import check_database

    failed = False
    for check in check_database():
        state = _("OK") if check.ok else _("FAILED")
        click.echo(_("%(check)s: %(state)s (%(count)d checked)", check=check.name, state=state, count=check.checked))
        for problem in check.problems[:50]:
            click.echo(f"  {problem}")
        if len(check.problems) > 50:
            click.echo("  " + _("… and %(count)d more", count=len(check.problems) - 50))
        failed = failed or not check.ok
    if failed:
        raise SystemExit(1)


def _actor(username: str):
    from sqlalchemy import select

    from contest.models import User

    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise click.ClickException(_("There is no user %(username)s.", username=username))
    return user


def _report_table_error(exc) -> None:
    for error in exc.errors:
        where = _("row %(row)d", row=error.row) if error.row else _("file")
        column = _(", column %(column)s", column=error.column) if error.column else ""
        click.echo(f"  {where}{column}: {translate(error)}", err=True)
    raise click.ClickException(_("Nothing was imported."))


@click.command("import-orgs")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--as", "username", required=True, help="The organiser or administrator doing the import.")
@with_appcontext
def import_orgs_command(path: str, username: str) -> None:
    """Import units from an .xlsx or .csv file (columns 单位名称, 层级, 上级单位)."""
    from contest.services.orgs import import_orgs
    from contest.spreadsheets import TableError

    try:
        created = import_orgs(_actor(username), Path(path).read_bytes(), path)
    except TableError as exc:
        _report_table_error(exc)
    click.echo(_("%(count)d units imported.", count=len(created)))


@click.command("import-workers")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--as", "username", required=True, help="The organiser or administrator doing the import.")
@click.option("--confirm-id", "confirmed", multiple=True,
              help="A resident ID ending in 000 that was checked against the ID card (repeat for each).")
@with_appcontext
def import_workers_command(path: str, username: str, confirmed: tuple[str, ...]) -> None:
    """Import workers and judges from an .xlsx or .csv file; prints the initial passwords."""
    from contest.services.accounts import import_accounts
    from contest.spreadsheets import TableError

    try:
        created = import_accounts(_actor(username), Path(path).read_bytes(), path, confirmed_ids=confirmed)
    except TableError as exc:
        _report_table_error(exc)
    for item in created:
        click.echo(f"{item.user.username}\t{item.user.name}\t{item.password}")
    click.echo(_("%(count)d accounts imported.", count=len(created)))
