"""Read models: SQLAlchemy tables kept in step with the aggregates, one projection per aggregate.

Each projection turns an aggregate's current state into its row. The unit of work calls them in
the same transaction that appends the aggregate's events, and `placements replay` calls the same
functions over aggregates rebuilt from the log: one way to fill a table, so live and rebuilt agree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import MetaData, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

metadata = MetaData()

Projection = Callable[[Any], Iterable[tuple[Table, dict]]]
_projections: dict[type, Projection] = {}


def projects(aggregate_cls: type) -> Callable[[Projection], Projection]:
    """Register `fn(aggregate) -> [(table, row), …]` as the projection of `aggregate_cls`."""

    def register(fn: Projection) -> Projection:
        _projections[aggregate_cls] = fn
        return fn

    return register


def rows_for(aggregate: Any) -> list[tuple[Table, dict]]:
    fn = _projections.get(type(aggregate))
    return list(fn(aggregate)) if fn else []


def upsert(conn: Session | Connection, table: Table, rows: list[dict]) -> None:
    """Insert rows, replacing any with the same primary key."""
    if not rows:
        return
    dialect = conn.get_bind().dialect.name if isinstance(conn, Session) else conn.dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(table)
    keys = [c.name for c in table.primary_key.columns]
    update = {c.name: stmt.excluded[c.name] for c in table.columns if c.name not in keys}
    stmt = stmt.on_conflict_do_update(index_elements=keys, set_=update) if update else (
        stmt.on_conflict_do_nothing(index_elements=keys)
    )
    conn.execute(stmt, rows)


def project(conn: Session | Connection, aggregates: Iterable[Any]) -> None:
    by_table: dict[Table, list[dict]] = {}
    for aggregate in aggregates:
        for table, row in rows_for(aggregate):
            by_table.setdefault(table, []).append(row)
    for table, rows in by_table.items():
        upsert(conn, table, rows)


def create_tables(engine: Engine) -> None:
    metadata.create_all(engine)


def projected_tables() -> list[Table]:
    """Tables filled by projections (what `replay` empties and rebuilds)."""
    return [t for t in metadata.sorted_tables if t.info.get("projected", True)]
