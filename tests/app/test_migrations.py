"""Migrations: ``flask db upgrade`` on an empty database gives exactly the models' schema."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from contest.extensions import db


@pytest.fixture
def empty_app(app_factory):
    app = app_factory()
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.mark.db
def test_upgrade_gives_the_models_schema(empty_app):
    upgrade()
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "render_as_batch": True})
        diff = compare_metadata(context, db.metadata)
    assert diff == [], f"models and migrations differ; run `flask db migrate`: {diff}"


@pytest.mark.db
def test_downgrade_to_base_and_up_again(empty_app):
    upgrade()
    downgrade(revision="base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    upgrade()
    assert "organisations" in inspect(db.engine).get_table_names()


@pytest.mark.db
def test_existing_units_get_their_initials(empty_app):
    """0023 writes the pinyin initials of the units that exist before it (later ones get them with the name)."""
    from sqlalchemy import text

    upgrade(revision="0021")
    with db.engine.begin() as conn:
        conn.execute(text("INSERT INTO organisations (name, level, path, active, position) VALUES ('柯城电力', 'enterprise', '/1/', true, 0)"))
    upgrade()
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT name_initials FROM organisations")).scalar_one() == "kcdl"
