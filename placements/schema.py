"""The database schema and its migrations (alembic, placements/migrations/).

Every table the application uses is declared with SQLAlchemy (the read models, the ledger, the
idempotency keys, the solve inputs and pieces: `metadata`; the event table: eventsourcing's) and
created or changed only by a migration. `upgrade` brings a database to the newest revision; a
database made before migrations existed (by `create_all`, which every start used to run) holds
the first revision's tables and is stamped with it, not dropped, then upgraded.

Add a table or column: change its `Table`, then
`alembic -c placements/migrations/alembic.ini revision --autogenerate -m "what"` with
DATABASE_URL set, read the generated file, and run `placements db upgrade`.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from eventsourcing_sqlalchemy.datastore import SQLAlchemyDatastore
from sqlalchemy import MetaData, create_engine, inspect, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy_utils import UUIDType

from placements import ledger
from placements.readmodel import metadata

FIRST_REVISION = "0001"
MIGRATIONS = Path(__file__).with_name("migrations")
SNAPSHOTS_TABLE = "placements_snapshots"
LOCK_KEY = 0x706C61636D6E7473  # the advisory lock upgrades hold on PostgreSQL


def event_store() -> MetaData:
    """eventsourcing-sqlalchemy's event and snapshot tables, as its recorders declare them (the
    same record classes: the library keeps one per table name)."""
    store = MetaData()
    for cls_name, table, base in (
            ("PlacementsEvent", ledger.EVENTS_TABLE,
             SQLAlchemyDatastore.base_stored_event_record_cls),
            ("PlacementsSnapshot", SNAPSHOTS_TABLE, SQLAlchemyDatastore.base_snapshot_record_cls)):
        record = SQLAlchemyDatastore.define_record_class(
            cls_name=cls_name, table_name=table, schema_name=None, base_cls=base)
        record.__table__.to_metadata(store)
    return store


def models() -> list[MetaData]:
    """Every table the application declares: what the migrations must create."""
    import placements.app  # noqa: F401  (importing the application registers every table)

    return [metadata, event_store()]


def compare_type(context, inspected_column, metadata_column, inspected_type,
                 metadata_type) -> bool | None:
    """Alembic's type comparison, but for the event store's UUIDType: SQLite keeps it as
    BINARY(16), which its reflection reads back as NUMERIC, so it can never compare equal."""
    if isinstance(metadata_type, UUIDType) and context.dialect.name == "sqlite":
        return False
    return None  # alembic's own comparison


def pending(conn: Connection) -> list:
    """What autogenerate would still change to make the database match the models (empty when
    the migrations and the models agree)."""
    context = MigrationContext.configure(conn, opts={"compare_type": compare_type})
    return compare_metadata(context, models())


def config(conn: Connection) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = conn
    return cfg


def current(database: str) -> str | None:
    """The database's revision (None: not migrated)."""
    engine = create_engine(database)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()


def upgrade(database: str | Engine) -> None:
    """Bring the database to the newest revision (a no-op when it is there)."""
    engine = create_engine(database) if isinstance(database, str) else database
    try:
        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":  # processes starting together take turns
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
            tables = set(inspect(conn).get_table_names())
            if "alembic_version" not in tables and ledger.EVENTS_TABLE in tables:
                command.stamp(config(conn), FIRST_REVISION)  # made by create_all
            command.upgrade(config(conn), "head")
    finally:
        if isinstance(database, str):
            engine.dispose()
