"""Read models: SQLAlchemy tables kept in step with the aggregates, one projection per aggregate.

Each projection turns an aggregate's current state into its row. The unit of work calls them in
the same transaction that appends the aggregate's events, and `placements replay` calls the same
functions over aggregates rebuilt from the log: one way to fill a table, so live and rebuilt agree.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    ColumnElement,
    Integer,
    MetaData,
    String,
    Table,
    TextClause,
    bindparam,
    select,
    text,
)
from sqlalchemy.engine import Connection

metadata = MetaData()

Projection = Callable[[Any], Iterable[tuple[Table, dict]]]
_projections: dict[type, Projection] = {}


def projects(aggregate_cls: type) -> Callable[[Projection], Projection]:
    """Register `fn(aggregate) -> [(table, row), …]` as the projection of `aggregate_cls`."""

    def register(fn: Projection) -> Projection:
        _projections[aggregate_cls] = fn
        return fn

    return register


def identity(indexed: bool = True) -> tuple[Column, ...]:
    """The columns every read-model table starts with, which `identity_columns` fills: id,
    creation order (indexed for paging, placements/paging.py) and version."""
    return (Column("id", String(36), primary_key=True),
            Column("seq", String(40), nullable=False, index=indexed),
            Column("version", Integer, nullable=False))


def identity_columns(aggregate: Any) -> dict:
    """Columns every read model has: id, creation order and version."""
    return {"id": str(aggregate.id), "seq": aggregate.created_on.isoformat(),
            "version": aggregate.version}


def rows_for(aggregate: Any) -> list[tuple[Table, dict]]:
    fn = _projections.get(type(aggregate))
    return list(fn(aggregate)) if fn else []


def upsert(conn: Connection, table: Table, rows: list[dict]) -> None:
    """Insert rows, replacing any with the same primary key, in key order (so two transactions
    writing some of the same rows lock them in the same order and never deadlock). On
    PostgreSQL one statement writes them all, however many, sent as one JSON array; on SQLite
    (in process, no round trips) the cached statement runs once per row."""
    if not rows:
        return
    keys = [c.name for c in table.primary_key.columns]
    if len(keys) == 1:
        key = keys[0]
        rows = sorted(rows, key=lambda r: str(r[key]))
    else:
        rows = sorted(rows, key=lambda r: tuple(str(r[k]) for k in keys))
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(_bulk_upsert_statement(table, tuple(rows[0])),
                             {"rows": json.dumps(rows, default=str)})
    else:
        conn.execute(_upsert_statement(table, tuple(rows[0])), rows)


def insert(conn: Connection, table: Table, rows: list[dict]) -> None:
    """Insert rows of aggregates created in this transaction (fresh keys: a plain INSERT,
    cheaper than an upsert's conflict check per row; a key already present fails the
    transaction). One statement on PostgreSQL, as `upsert`."""
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(_bulk_insert_statement(table, tuple(rows[0])),
                             {"rows": json.dumps(rows, default=str)})
    else:
        conn.execute(table.insert(), rows)


def _conflict_action(table: Table) -> str:
    keys = [c.name for c in table.primary_key.columns]
    update = [c.name for c in table.columns if c.name not in keys]
    action = ("DO UPDATE SET " + ", ".join(f'"{c}" = excluded."{c}"' for c in update)
              if update else "DO NOTHING")
    key = ", ".join(f'"{k}"' for k in keys)
    return f"ON CONFLICT ({key}) {action}"


@functools.cache
def _bulk_upsert_statement(table: Table, columns: tuple[str, ...]) -> str:
    """PostgreSQL's `json_populate_recordset` turns the JSON array into rows of the table's own
    column types, so the statement is the same for any number. It makes a JSON null SQL NULL;
    a JSON column gets JSON `null` back, as SQLAlchemy's JSON type stores None (and replay)."""
    return f"{_bulk_insert_statement(table, columns)} {_conflict_action(table)}"


@functools.cache
def _bulk_insert_statement(table: Table, columns: tuple[str, ...]) -> str:
    names = ", ".join(f'"{c}"' for c in columns)
    values = ", ".join(f"""COALESCE("{c}", 'null'::json)""" if isinstance(table.c[c].type, JSON)
                       else f'"{c}"' for c in columns)
    return (f'INSERT INTO "{table.name}" ({names}) SELECT {values} FROM '
            f'json_populate_recordset(NULL::"{table.name}", %(rows)s)')


@functools.cache
def _upsert_statement(table: Table, columns: tuple[str, ...]) -> TextClause:
    """SQLite's `INSERT … ON CONFLICT (key) DO UPDATE` of one row, built once per table as a
    text clause with the columns' types. SQLAlchemy 2.0 does not cache the compiled
    form of its dialects' ON CONFLICT constructs (their Insert sets inherit_cache = False), and
    compiling one anew cost about half a millisecond per command."""
    names = ", ".join(f'"{c}"' for c in columns)
    values = ", ".join(f":{c}" for c in columns)
    return text(
        f'INSERT INTO "{table.name}" ({names}) VALUES ({values}) {_conflict_action(table)}'
    ).bindparams(*(bindparam(c, type_=table.c[c].type) for c in columns))


def project(conn: Connection, aggregates: Iterable[Any],
            rows: dict[Table, list[dict]] | None = None) -> dict[Table, list[dict]]:
    """Write the aggregates' rows (and `rows`, built without aggregates), one table at a time
    in the tables' name order (the same in every transaction); returns them by table."""
    by_table: dict[Table, list[dict]] = {t: list(r) for t, r in (rows or {}).items() if r}
    for aggregate in aggregates:
        for table, row in rows_for(aggregate):
            by_table.setdefault(table, []).append(row)
    for table in sorted(by_table, key=lambda t: t.name):
        upsert(conn, table, by_table[table])
    return by_table


IDS_PER_QUERY = 1000


def ids_in(conn: Connection, column: ColumnElement, ids: Iterable[str],
           *where: ColumnElement) -> set[str]:
    """Which of `ids` are in `column` (rows matching `where`): a query per IDS_PER_QUERY ids,
    so checking a whole import's references costs a few queries, not one per row."""
    wanted = sorted(set(ids))
    found: set[str] = set()
    for start in range(0, len(wanted), IDS_PER_QUERY):
        chunk = wanted[start:start + IDS_PER_QUERY]
        found.update(conn.execute(select(column).where(column.in_(chunk), *where)).scalars())
    return found


def projected_tables() -> list[Table]:
    """Tables filled by projections (what `replay` empties and rebuilds)."""
    return [t for t in metadata.sorted_tables if t.info.get("projected", True)]
