"""The ledger's chain functions on PostgreSQL: `ledger_link` and the aggregate `ledger_chain`,
with which one statement appends and seals any number of events (placements/ledger.py
`APPEND_AND_SEAL`). Nothing on SQLite, where the recorder chains in Python.

Revision ID: 0016
Revises: 0014
Create Date: 2026-11-30 16:40:00
"""

from __future__ import annotations

from alembic import op

from placements.ledger import CHAIN_FUNCTIONS

revision = "0016"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(CHAIN_FUNCTIONS)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP AGGREGATE IF EXISTS ledger_chain(text, bigint, uuid, bigint, text, bytea)")
        op.execute("DROP FUNCTION IF EXISTS "
                   "ledger_link(text, text, bigint, uuid, bigint, text, bytea)")
