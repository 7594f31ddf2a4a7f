"""The migrations and the models agree, on SQLite and PostgreSQL; a database made before the
migrations (by `create_all`) is stamped with the first revision and upgraded, keeping its data."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine

from placements import schema
from placements.app import PlacementsApp
from placements.principals import OPERATOR
from placements.settings import Settings
from tests.conftest import DB_PREFIX, PG_ADMIN_DSN, worker_id


@pytest.fixture(params=["sqlite", "postgres"])
def empty_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    """An empty database: no tables at all."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/empty.db"
        return
    request.applymarker(pytest.mark.postgres)
    name = f"{DB_PREFIX}_{worker_id(request)}_migrations"
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


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
    engine = create_engine(empty_url)
    for metadata in schema.models():  # what every start ran before there were migrations
        metadata.create_all(engine)
    engine.dispose()
    before = PlacementsApp(Settings(database_url=empty_url))
    college = before.register_organization(OPERATOR, "College of Marin", "college")["id"]
    before.engine.dispose()
    assert schema.current(empty_url) is None

    schema.upgrade(empty_url)

    assert schema.current(empty_url) == head()
    assert pending(empty_url) == []
    after = PlacementsApp(Settings(database_url=empty_url))
    assert after.organization(OPERATOR, college)["name"] == "College of Marin"
    assert len(after.log()) == 1
    after.engine.dispose()
