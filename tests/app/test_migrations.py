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
