"""Alembic migrations of the application's schema (placements/schema.py runs them)."""
