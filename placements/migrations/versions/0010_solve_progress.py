"""solve_progress: the stages a running solve has settled

Revision ID: 0010
Revises: 0012
Create Date: 2026-11-30 16:23:23.568974
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "solve_progress",
        sa.Column("solve", sa.String(length=36), nullable=False),
        sa.Column("stages", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("solve"),
        info={"projected": False},
    )


def downgrade() -> None:
    op.drop_table("solve_progress")
