"""Fixtures: the application on SQLite and on the real PostgreSQL, an HTTP client, tokens.

PostgreSQL tests use their own database per xdist worker (`placements_test_<worker>`), created
afresh at the start of the run and emptied after each test. Redis tests use db 13 + worker index.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import text

from placements import schema
from placements.app import PlacementsApp
from placements.settings import Settings

PG_ADMIN_DSN = os.environ.get("TEST_PG_DSN", "host=127.0.0.1 port=5432 user=postgres dbname=test")
REDIS_BASE_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379")
# Two runs of the suite at once on one machine need different databases and Redis dbs.
DB_PREFIX = os.environ.get("TEST_DB_PREFIX", "placements_test")
REDIS_DB_BASE = int(os.environ.get("TEST_REDIS_DB_BASE", "13"))


def worker_id(request: pytest.FixtureRequest) -> str:
    return getattr(request.config, "workerinput", {}).get("workerid", "gw0")


@pytest.fixture(scope="session")
def pg_url(request: pytest.FixtureRequest) -> str:
    name = f"{DB_PREFIX}_{worker_id(request)}"
    try:
        with psycopg.connect(PG_ADMIN_DSN, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as e:
        pytest.fail(f"PostgreSQL is needed for this test and is not reachable: {e}")
    url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    schema.upgrade(url)
    return url


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file brought to the newest revision once; each test gets a copy of it."""
    path = tmp_path_factory.mktemp("schema") / "migrated.db"
    schema.upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture
def sqlite_url(migrated_sqlite: Path, tmp_path: Path) -> str:
    """A fresh, migrated SQLite database of this test's own."""
    path = tmp_path / "placements.db"
    shutil.copyfile(migrated_sqlite, path)
    return f"sqlite:///{path}"


@pytest.fixture(scope="session")
def redis_url(request: pytest.FixtureRequest) -> str:
    import redis

    index = int(worker_id(request).removeprefix("gw") or 0)
    url = f"{REDIS_BASE_URL}/{REDIS_DB_BASE + index}"
    try:
        redis.Redis.from_url(url).flushdb()
    except redis.ConnectionError as e:
        pytest.fail(f"Redis is needed for this test and is not reachable: {e}")
    return url


def empty_database(app: PlacementsApp) -> None:
    """Every row gone but the schema's revision."""
    with app.engine.begin() as conn:
        names = [r[0] for r in conn.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
            "AND tablename <> 'alembic_version'"))]
        if names:
            conn.execute(text(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE"))


@contextmanager
def application_on(request: pytest.FixtureRequest, store: str,
                   cipher_key: str | None = None) -> Iterator[PlacementsApp]:
    """The application on a fresh SQLite file (`store` "sqlite") or on the worker's emptied
    PostgreSQL database, emptied again after."""
    if store == "sqlite":
        yield PlacementsApp(Settings(database_url=request.getfixturevalue("sqlite_url"),
                                     cipher_key=cipher_key))
        return
    application = PlacementsApp(Settings(database_url=request.getfixturevalue("pg_url"),
                                         cipher_key=cipher_key))
    empty_database(application)
    yield application
    empty_database(application)
    application.engine.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def app(request: pytest.FixtureRequest) -> Iterator[PlacementsApp]:
    """The application on the embedded default and on PostgreSQL."""
    with application_on(request, request.param) as application:
        yield application


@pytest.fixture
def sqlite_app(sqlite_url: str) -> PlacementsApp:
    return PlacementsApp(Settings(database_url=sqlite_url))


@pytest.fixture
def pg_app(pg_url) -> Iterator[PlacementsApp]:
    application = PlacementsApp(Settings(database_url=pg_url))
    empty_database(application)
    yield application
    empty_database(application)
    application.engine.dispose()


@dataclass
class Consortium:
    """Two colleges, two employers, a union and a community organisation (partners), and a
    token for each role and organisation."""

    college: str
    other_college: str
    employer: str
    other_employer: str
    tokens: dict[str, str]
    union: str = ""
    community: str = ""

    def headers(self, who: str, **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}", **extra}


def make_consortium(app: PlacementsApp) -> Consortium:
    from placements.principals import OPERATOR

    def org(name: str, kind: str) -> str:
        return app.organizations.register_organization(OPERATOR, name, kind)["id"]

    c1, c2 = org("College of Marin", "college"), org("Laney College", "college")
    e1, e2 = org("Marin Health", "employer"), org("East Bay Clinics", "employer")
    u1, n1 = org("SEIU-UHW", "union"), org("Canal Alliance", "community")
    tokens = {
        "admin": app.tokens.issue_token(OPERATOR, "admin", None)[0],
        "compliance": app.tokens.issue_token(OPERATOR, "compliance", None)[0],
        "coordinator": app.tokens.issue_token(OPERATOR, "coordinator", c1)[0],
        "other_coordinator": app.tokens.issue_token(OPERATOR, "coordinator", c2)[0],
        "employer": app.tokens.issue_token(OPERATOR, "employer", e1)[0],
        "other_employer": app.tokens.issue_token(OPERATOR, "employer", e2)[0],
        "partner": app.tokens.issue_token(OPERATOR, "partner", u1)[0],
        "other_partner": app.tokens.issue_token(OPERATOR, "partner", n1)[0],
    }
    return Consortium(c1, c2, e1, e2, tokens, u1, n1)


@pytest.fixture
def consortium(app: PlacementsApp) -> Consortium:
    return make_consortium(app)


@pytest.fixture
def client(app: PlacementsApp):
    from api.app import create_app

    flask_app = create_app(app)
    flask_app.testing = True
    return flask_app.test_client()
