"""Alembic's environment: the application's tables as the target, on the connection
placements/schema.py hands over (or, from alembic's own command line, on DATABASE_URL)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from placements.schema import compare_type, models
from placements.settings import Settings


def run(connection) -> None:
    context.configure(connection=connection, target_metadata=models(), compare_type=compare_type,
                      render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    run(connection)
else:
    engine = create_engine(Settings.from_env().database_url)
    with engine.begin() as conn:
        run(conn)
    engine.dispose()
