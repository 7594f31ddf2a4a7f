"""Read models: SQLAlchemy tables kept in step with the aggregates, one projection per aggregate.

Each projection turns an aggregate's current state into its row. The unit of work calls them in
the same transaction that appends the aggregate's events, and `placements replay` calls the same
functions over aggregates rebuilt from the log: one way to fill a table, so live and rebuilt agree.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import MetaData, Table, TextClause, bindparam, text
from sqlalchemy.engine import Connection
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
    if rows:
        conn.execute(_upsert_statement(table, tuple(rows[0])), rows)


@functools.cache
def _upsert_statement(table: Table, columns: tuple[str, ...]) -> TextClause:
    """`INSERT … ON CONFLICT (key) DO UPDATE` (the same on PostgreSQL and SQLite), built once per
    table as a text clause with the columns' types. SQLAlchemy 2.0 does not cache the compiled
    form of its dialects' ON CONFLICT constructs (their Insert sets inherit_cache = False), and
    compiling one anew cost about half a millisecond per command."""
    keys = [c.name for c in table.primary_key.columns]
    update = [c.name for c in table.columns if c.name not in keys]
    action = ("DO UPDATE SET " + ", ".join(f'"{c}" = excluded."{c}"' for c in update)
              if update else "DO NOTHING")
    names = ", ".join(f'"{c}"' for c in columns)
    values = ", ".join(f":{c}" for c in columns)
    key = ", ".join(f'"{k}"' for k in keys)
    return text(
        f'INSERT INTO "{table.name}" ({names}) VALUES ({values}) ON CONFLICT ({key}) {action}'
    ).bindparams(*(bindparam(c, type_=table.c[c].type) for c in columns))


def project(conn: Session | Connection, aggregates: Iterable[Any]) -> dict[Table, list[dict]]:
    """Write the aggregates' rows; returns them by table."""
    by_table: dict[Table, list[dict]] = {}
    for aggregate in aggregates:
        for table, row in rows_for(aggregate):
            by_table.setdefault(table, []).append(row)
    for table, rows in by_table.items():
        upsert(conn, table, rows)
    return by_table


def projected_tables() -> list[Table]:
    """Tables filled by projections (what `replay` empties and rebuilds)."""
    return [t for t in metadata.sorted_tables if t.info.get("projected", True)]
