"""Command-line tools: ``flask --app contest <command>``."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from datetime import datetime
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from contest.domain.errors import DomainError
from contest.extensions import db


def register(app: Flask) -> None:
    for command in (init_db, seed_demo_command, create_admin, backup, import_orgs_command, import_workers_command):
        app.cli.add_command(command)


@click.command("init-db")
@with_appcontext
def init_db() -> None:
    """Create or upgrade the database schema (Alembic migrations to head)."""
    from flask_migrate import upgrade

    upgrade()
    click.echo("Database schema is up to date.")


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing (and succeed) when the database already has data.")
@with_appcontext
def seed_demo_command(if_empty: bool) -> None:
    """Fill an empty database with the Quzhou demo data."""
    from contest.seed import DEMO_PASSWORD, is_seeded, seed_demo

    if is_seeded():
        if if_empty:
            click.echo("Demo data already present; nothing to do.")
            return
        raise click.ClickException("The database already has data; seed-demo only fills an empty database.")
    logins = seed_demo()
    click.echo(f"Demo data created. Every demo account has the password {DEMO_PASSWORD}:")
    for login in logins:
        click.echo(f"  {login.username:<20} {login.role:<10} {login.unit}")


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
        check_password_strength(password)
    except DomainError as exc:
        raise click.ClickException(str(exc)) from None
    if db.session.scalar(select(User.id).where(User.username == username)) is not None:
        raise click.ClickException(f"User {username} already exists.")
    root = db.session.scalar(select(Organisation).where(Organisation.parent_id.is_(None)))
    if root is None:
        root = orgs.create_root("衢州市总工会")
    user = User(username=username, name=name, org=root, password_hash=hash_password(password), active=True)
    user.role_rows = [UserRole(role=Role.ADMIN)]
    db.session.add(user)
    db.session.commit()
    click.echo(f"Administrator {username} created.")


@click.command("backup")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Target file (default: instance/backups/…)")
@with_appcontext
def backup(output: str | None) -> None:
    """Write a consistent copy of the database (SQLite online backup, or pg_dump for PostgreSQL)."""
    url = db.engine.url
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
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
            raise click.ClickException("pg_dump is not installed.")
        target = Path(output or folder / f"contest-{stamp}.dump")
        dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
        subprocess.run(["pg_dump", "--format=custom", f"--file={target}", dsn], check=True)
    else:
        raise click.ClickException(f"No backup method for {url.get_backend_name()}.")
    click.echo(f"Backup written to {target}")


def _actor(username: str):
    from sqlalchemy import select

    from contest.models import User

    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise click.ClickException(f"No user {username}.")
    return user


def _report_table_error(exc) -> None:
    for error in exc.errors:
        where = f"row {error.row}" if error.row else "file"
        column = f", column {error.column}" if error.column else ""
        click.echo(f"  {where}{column}: {error.message % error.params if error.params else error.message}", err=True)
    raise click.ClickException("Nothing was imported.")


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
    click.echo(f"{len(created)} units imported.")


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
    click.echo(f"{len(created)} accounts imported.")
