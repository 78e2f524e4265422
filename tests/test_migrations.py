"""The schema is made only by migrations: they apply to an empty database and match the models."""
from __future__ import annotations

import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from tests.conftest import TEST_DATABASE_URL, _admin_connection, _pg_url, make_test_app
from webapp.extensions import db

BACKENDS = ["sqlite"] + (["postgresql"] if TEST_DATABASE_URL else [])


@pytest.fixture(params=BACKENDS)
def empty_database(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite'}"
        return
    name = f"shaodian_migr_{os.getpid()}"
    with _admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    yield _pg_url(name)
    with _admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _differences(app) -> list:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def test_migrations_build_the_models_schema_on_an_empty_database(empty_database):
    app = make_test_app(empty_database)
    with app.app_context():
        upgrade()
        assert _differences(app) == []
        db.engine.dispose()


def test_migrations_go_down_and_up_again(empty_database):
    app = make_test_app(empty_database)
    with app.app_context():
        upgrade()
        downgrade(revision="base")
        upgrade()
        assert _differences(app) == []
        db.engine.dispose()
