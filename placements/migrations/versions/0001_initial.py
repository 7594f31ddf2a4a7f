"""The first revision: the schema as `create_all` made it before there were migrations.

A database made then is stamped with this revision, not created again (placements/schema.py).

Revision ID: 0001
Revises:
Create Date: 2026-11-30 15:10:44.765256
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy_utils import UUIDType

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("seq", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("organization", sa.String(length=36), nullable=True),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_table(
        "apprentices",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("seq", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("program", sa.String(length=36), nullable=False),
        sa.Column("employer", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("signed_date", sa.String(length=10), nullable=False),
        sa.Column("registration_number", sa.String(), nullable=True),
        sa.Column("registered_date", sa.String(length=10), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("completed_on", sa.String(length=10), nullable=True),
        sa.Column("cancelled_on", sa.String(length=10), nullable=True),
        sa.Column("ojt_hours", sa.Float(), nullable=False),
        sa.Column("rsi_hours", sa.Float(), nullable=False),
        sa.Column("rsi_by_provider", sa.JSON(), nullable=False),
        sa.Column("rsi_providers", sa.String(), nullable=False),
        sa.Column("corrections", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_apprentices_employer", "apprentices", ["employer"], unique=False)
    op.create_index("ix_apprentices_program", "apprentices", ["program"], unique=False)
    op.create_index("ix_apprentices_seq", "apprentices", ["seq"], unique=False)

    op.create_table(
        "apprenticeship_programs",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("seq", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("sponsor", sa.String(length=36), nullable=True),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("occupation", sa.String(length=40), nullable=False),
        sa.Column("effective_date", sa.String(length=10), nullable=False),
        sa.Column("standards", sa.JSON(), nullable=False),
        sa.Column("amendments", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_apprenticeship_programs_seq", "apprenticeship_programs", ["seq"], unique=False
    )
    op.create_index(
        "ix_apprenticeship_programs_sponsor", "apprenticeship_programs", ["sponsor"], unique=False
    )

    op.create_table(
        "idempotency_keys",
        sa.Column("principal", sa.String(length=200), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("principal", "key"),
    )
    op.create_table(
        "ledger",
        sa.Column("position", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("position"),
    )
    op.create_table(
        "ledger_checkpoints",
        sa.Column("position", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column(
            "sealed_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("position"),
    )
    op.create_table(
        "organizations",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("seq", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_organizations_seq", "organizations", ["seq"], unique=False)

    op.create_table(
        "placement_requests",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("seq", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("college", sa.String(length=36), nullable=False),
        sa.Column("student", sa.String(length=36), nullable=False),
        sa.Column("discipline", sa.String(length=20), nullable=False),
        sa.Column("required_hours", sa.Integer(), nullable=False),
        sa.Column("earliest_start", sa.String(length=10), nullable=False),
        sa.Column("latest_end", sa.String(length=10), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("group", sa.String(), nullable=True),
        sa.Column("preferred_sites", sa.JSON(), nullable=False),
        sa.Column("placement", sa.String(length=36), nullable=True),
        sa.Column("unplaced", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_placement_requests_college", "placement_requests", ["college"], unique=False
    )
    op.create_index("ix_placement_requests_seq", "placement_requests", ["seq"], unique=False)
    op.create_index(
        "ix_placement_requests_student", "placement_requests", ["student"], unique=False
    )

    op.create_table(
        "placements",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("seq", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("request", sa.String(length=36), nullable=False),
        sa.Column("student", sa.String(length=36), nullable=False),
        sa.Column("college", sa.String(length=36), nullable=False),
        sa.Column("slot", sa.String(length=36), nullable=False),
        sa.Column("site", sa.String(length=36), nullable=False),
        sa.Column("employer", sa.String(length=36), nullable=False),
        sa.Column("preceptor", sa.String(length=36), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("solve", sa.String(length=36), nullable=True),
        sa.Column("reason", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_placements_college", "placements", ["college"], unique=False)
    op.create_index("ix_placements_employer", "placements", ["employer"], unique=False)
    op.create_index("ix_placements_request", "placements", ["request"], unique=False)
    op.create_index("ix_placements_seq", "placements", ["seq"], unique=False)
    op.create_index("ix_placements_slot", "placements", ["slot"], unique=False)
    op.create_index("ix_placements_status", "placements", ["status"], unique=False)
    op.create_index("ix_placements_student", "placements", ["student"], unique=False)

    op.create_table(
        "preceptors",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("seq", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("employer", sa.String(length=36), nullable=False),
        sa.Column("site", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("disciplines", sa.JSON(), nullable=False),
        sa.Column("max_students", sa.Integer(), nullable=False),
        sa.Column("journeyworker", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_preceptors_employer", "preceptors", ["employer"], unique=False)
    op.create_index("ix_preceptors_seq", "preceptors", ["seq"], unique=False)
    op.create_index("ix_preceptors_site", "preceptors", ["site"], unique=False)

    op.create_table(
        "sites",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("seq", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("employer", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("requirements", sa.JSON(), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_sites_employer", "sites", ["employer"], unique=False)
    op.create_index("ix_sites_seq", "sites", ["seq"], unique=False)

    op.create_table(
        "slots",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("seq", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("employer", sa.String(length=36), nullable=False),
        sa.Column("site", sa.String(length=36), nullable=False),
        sa.Column("discipline", sa.String(length=20), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("preceptor", sa.String(length=36), nullable=True),
        sa.Column("start_date", sa.String(length=10), nullable=False),
        sa.Column("end_date", sa.String(length=10), nullable=False),
        sa.Column("weekdays", sa.JSON(), nullable=False),
        sa.Column("shift_start", sa.String(length=5), nullable=False),
        sa.Column("shift_end", sa.String(length=5), nullable=False),
        sa.Column("hours", sa.Integer(), nullable=False),
        sa.Column("colleges", sa.JSON(), nullable=True),
        sa.Column("open_to", sa.String(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("held", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_slots_employer", "slots", ["employer"], unique=False)
    op.create_index("ix_slots_seq", "slots", ["seq"], unique=False)
    op.create_index("ix_slots_site", "slots", ["site"], unique=False)

    op.create_table(
        "solve_inputs",
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("problem", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("hash"),
    )
    op.create_table(
        "solve_pieces",
        sa.Column("solve", sa.String(length=36), nullable=False),
        sa.Column("piece", sa.Integer(), nullable=False),
        sa.Column("requests", sa.JSON(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("worker", sa.String(), nullable=True),
        sa.Column("started", sa.Float(), nullable=True),
        sa.Column("finished", sa.Float(), nullable=True),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("solve", "piece"),
    )
    op.create_table(
        "solves",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("seq", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("college", sa.String(length=36), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("time_limit", sa.Float(), nullable=False),
        sa.Column("problem_hash", sa.String(length=64), nullable=True),
        sa.Column("log_position", sa.Integer(), nullable=True),
        sa.Column("pieces", sa.Integer(), nullable=True),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_solves_seq", "solves", ["seq"], unique=False)
    op.create_index("ix_solves_status", "solves", ["status"], unique=False)

    op.create_table(
        "students",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("seq", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("college", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("max_travel_km", sa.Float(), nullable=True),
        sa.Column("credentials", sa.JSON(), nullable=False),
        sa.Column("unavailable", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_students_college", "students", ["college"], unique=False)
    op.create_index("ix_students_seq", "students", ["seq"], unique=False)

    op.create_table(
        "placements_events",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("originator_id", UUIDType(), nullable=False),
        sa.Column(
            "originator_version",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
        ),
        sa.Column("topic", sa.Text(), nullable=False),
        sa.Column("state", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "placements_events_aggregate_idx",
        "placements_events",
        ["originator_id", "originator_version"],
        unique=True,
    )

    op.create_table(
        "placements_snapshots",
        sa.Column("originator_id", UUIDType(), nullable=False),
        sa.Column(
            "originator_version",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
        ),
        sa.Column("topic", sa.Text(), nullable=False),
        sa.Column("state", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("originator_id", "originator_version"),
    )


def downgrade() -> None:
    op.drop_table("placements_snapshots")
    op.drop_index("placements_events_aggregate_idx", table_name="placements_events")

    op.drop_table("placements_events")
    op.drop_index("ix_students_seq", table_name="students")
    op.drop_index("ix_students_college", table_name="students")

    op.drop_table("students")
    op.drop_index("ix_solves_status", table_name="solves")
    op.drop_index("ix_solves_seq", table_name="solves")

    op.drop_table("solves")
    op.drop_table("solve_pieces")
    op.drop_table("solve_inputs")
    op.drop_index("ix_slots_site", table_name="slots")
    op.drop_index("ix_slots_seq", table_name="slots")
    op.drop_index("ix_slots_employer", table_name="slots")

    op.drop_table("slots")
    op.drop_index("ix_sites_seq", table_name="sites")
    op.drop_index("ix_sites_employer", table_name="sites")

    op.drop_table("sites")
    op.drop_index("ix_preceptors_site", table_name="preceptors")
    op.drop_index("ix_preceptors_seq", table_name="preceptors")
    op.drop_index("ix_preceptors_employer", table_name="preceptors")

    op.drop_table("preceptors")
    op.drop_index("ix_placements_student", table_name="placements")
    op.drop_index("ix_placements_status", table_name="placements")
    op.drop_index("ix_placements_slot", table_name="placements")
    op.drop_index("ix_placements_seq", table_name="placements")
    op.drop_index("ix_placements_request", table_name="placements")
    op.drop_index("ix_placements_employer", table_name="placements")
    op.drop_index("ix_placements_college", table_name="placements")

    op.drop_table("placements")
    op.drop_index("ix_placement_requests_student", table_name="placement_requests")
    op.drop_index("ix_placement_requests_seq", table_name="placement_requests")
    op.drop_index("ix_placement_requests_college", table_name="placement_requests")

    op.drop_table("placement_requests")
    op.drop_index("ix_organizations_seq", table_name="organizations")

    op.drop_table("organizations")
    op.drop_table("ledger_checkpoints")
    op.drop_table("ledger")
    op.drop_table("idempotency_keys")
    op.drop_index("ix_apprenticeship_programs_sponsor", table_name="apprenticeship_programs")
    op.drop_index("ix_apprenticeship_programs_seq", table_name="apprenticeship_programs")

    op.drop_table("apprenticeship_programs")
    op.drop_index("ix_apprentices_seq", table_name="apprentices")
    op.drop_index("ix_apprentices_program", table_name="apprentices")
    op.drop_index("ix_apprentices_employer", table_name="apprentices")

    op.drop_table("apprentices")
    op.drop_table("api_tokens")
