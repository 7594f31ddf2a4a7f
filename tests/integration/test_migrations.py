"""The migrations and the models agree, on SQLite and PostgreSQL; a database made before the
migrations (by `create_all`) is stamped with the first revision and upgraded, keeping its data."""

from __future__ import annotations

import psycopg
import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text

from placements import schema
from placements.app import PlacementsApp
from placements.principals import OPERATOR
from placements.settings import Settings
from tests.conftest import DB_PREFIX, PG_ADMIN_DSN, worker_id


@pytest.fixture(scope="session")
def scratch_pg(request: pytest.FixtureRequest) -> str:
    """A PostgreSQL database of this worker's own for these tests, made once (CREATE DATABASE
    is slow on a busy server); each test empties it."""
    name = f"{DB_PREFIX}_{worker_id(request)}_migrations"
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"


@pytest.fixture(params=["sqlite", "postgres"])
def empty_url(request: pytest.FixtureRequest, tmp_path) -> str:
    """An empty database: no tables at all."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/empty.db"
    request.applymarker(pytest.mark.postgres)
    url = request.getfixturevalue("scratch_pg")
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


def head() -> str:
    return ScriptDirectory(str(schema.MIGRATIONS)).get_current_head()


def pending(url: str) -> list:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return schema.pending(conn)
    finally:
        engine.dispose()


def test_the_migrations_make_the_schema_the_models_declare(empty_url):
    assert len(pending(empty_url)) > 10  # an empty database lacks every table
    schema.upgrade(empty_url)
    assert pending(empty_url) == []
    assert schema.current(empty_url) == head()
    schema.upgrade(empty_url)  # at the head: nothing to do
    assert schema.current(empty_url) == head()


def test_a_database_made_by_create_all_is_stamped_and_kept(empty_url):
    # What every start ran before there were migrations: create_all of the tables of that time
    # (the first revision's, unstamped; later revisions add tables and columns the old code
    # never made).
    engine = create_engine(empty_url)
    with engine.begin() as conn:
        command.upgrade(schema.config(conn), schema.FIRST_REVISION)
        conn.execute(text("DROP TABLE alembic_version"))
        conn.execute(text("INSERT INTO organizations (id, seq, version, name, kind) "
                          "VALUES ('c1', '2026-01-01', 1, 'College of Marin', 'college')"))
    engine.dispose()
    assert schema.current(empty_url) is None

    schema.upgrade(empty_url)

    assert schema.current(empty_url) == head()
    assert pending(empty_url) == []
    after = PlacementsApp(Settings(database_url=empty_url))
    kept = after.organizations.organizations(OPERATOR, limit=10, cursor=None).items
    assert [(o["id"], o["name"]) for o in kept] == [("c1", "College of Marin")]
    after.engine.dispose()
