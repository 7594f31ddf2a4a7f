"""Token labels (who holds a token) and withdrawn placement requests (issue 12).

Revision ID: 0012
Revises: 0001
Create Date: 2026-11-30 16:24:53.618318
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.add_column(sa.Column("label", sa.String(length=200), nullable=True))

    # Every request filed so far is open; `placements replay` writes the same from the log.
    with op.batch_alter_table("placement_requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("status", sa.String(length=10), nullable=False,
                                      server_default="open"))


def downgrade() -> None:
    with op.batch_alter_table("placement_requests", schema=None) as batch_op:
        batch_op.drop_column("status")

    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_column("label")
