"""`placements db upgrade`: bring the database's schema to the newest migration."""

from __future__ import annotations

import click


@click.group()
def db() -> None:
    """The database schema (alembic migrations, placements/migrations/)."""


@db.command()
def upgrade() -> None:
    """Apply every migration not yet applied to DATABASE_URL's database (serve, worker and
    demo do it on start too); a database made before migrations is stamped, not recreated."""
    from placements import schema
    from placements.settings import Settings

    url = Settings.from_env().database_url
    schema.upgrade(url)
    click.echo(f"schema at revision {schema.current(url)}")
