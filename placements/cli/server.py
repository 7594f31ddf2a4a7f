"""`placements serve`: run the HTTP API."""

from __future__ import annotations

import click

from placements.cli.main import main


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
def serve(host: str, port: int) -> None:
    """Serve the HTTP API with Flask's server (use gunicorn in production: see docker/)."""
    from api.app import create_app
    from placements.base import StoreUnreadable

    try:
        flask_app = create_app()
    except StoreUnreadable as e:
        raise click.ClickException(str(e)) from None
    flask_app.run(host=host, port=port, threaded=True)
