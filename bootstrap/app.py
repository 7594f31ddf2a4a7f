"""Assembly: the application over its migrated database with the job queue its settings
choose (RQ on Redis, or a thread of this process), and the Flask app over it."""

from __future__ import annotations

from flask import Flask

from api.app import create_app
from placements import schema
from placements.app import PlacementsApp
from placements.settings import Settings
from workers import job_queue


def build_app(settings: Settings | None = None, *, with_jobs: bool = True,
              decode: bool = True) -> PlacementsApp:
    """The application over the settings' database, migrated to the newest revision, its solve
    jobs going where the settings say (`with_jobs=False`: no queue, for commands that never
    request a solve). Unless `decode=False` (a command that only hashes stored bytes), it
    raises StoreUnreadable at once when the stored events cannot be decoded (an encrypted store
    without PLACEMENTS_CIPHER_KEY, or with another key)."""
    settings = settings or Settings.from_env()
    schema.upgrade(settings.database_url)
    app = PlacementsApp(settings)
    if decode:
        app.check_readable()
    if with_jobs:
        app.jobs = job_queue.for_settings(app)
    return app


def create_wsgi_app(settings: Settings | None = None) -> Flask:
    """The Flask app over a fully wired application (what `serve` and gunicorn run)."""
    return create_app(build_app(settings))
