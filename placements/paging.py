"""Cursor paging over read-model tables: stable order by (created position, id)."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, Table, and_, or_
from sqlalchemy.engine import Engine

from domain.errors import InvalidInput

MAX_LIMIT = 500


@dataclass(frozen=True)
class Page:
    items: list[dict]
    next_cursor: str | None


def encode_cursor(key: Any, ident: str) -> str:
    return base64.urlsafe_b64encode(json.dumps([key, ident]).encode()).decode()


def decode_cursor(cursor: str) -> tuple[Any, str]:
    try:
        key, ident = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, TypeError):
        key = ident = None
    # Every cursor this API gives out is a pair of short texts (creation position, id).
    if not all(isinstance(v, str) and len(v) <= 64 and "\x00" not in v for v in (key, ident)):
        raise InvalidInput("cursor", "not a cursor this API gave out")
    return key, ident


def page(engine: Engine, table: Table, query: Select, limit: int, cursor: str | None) -> Page:
    """`limit` rows of `query` (over `table`, which has `seq` and `id`) after the cursor."""
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput("limit", f"must be between 1 and {MAX_LIMIT}")
    if cursor:
        seq, ident = decode_cursor(cursor)
        query = query.where(
            or_(table.c.seq > seq, and_(table.c.seq == seq, table.c.id > ident))
        )
    query = query.order_by(table.c.seq, table.c.id).limit(limit + 1)
    with engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(query)]
    more = len(rows) > limit
    rows = rows[:limit]
    nxt = encode_cursor(rows[-1]["seq"], rows[-1]["id"]) if more and rows else None
    return Page(rows, nxt)
