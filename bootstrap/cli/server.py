"""`placements serve`, `placements token`: run the API and issue tokens from the command line."""

from __future__ import annotations

import click

from placements.principals import OPERATOR


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
def serve(host: str, port: int) -> None:
    """Serve the HTTP API with Flask's server (use gunicorn in production: see docker/)."""
    from bootstrap.app import create_wsgi_app

    create_wsgi_app().run(host=host, port=port, threaded=True)


@click.group()
def token() -> None:
    """API tokens."""


@token.command("create")
@click.option("--role", required=True,
              type=click.Choice(["coordinator", "employer", "compliance", "admin"]))
@click.option("--org", default=None, help="organisation id (coordinator and employer roles)")
def token_create(role: str, org: str | None) -> None:
    """Issue a token; prints the token alone on stdout (it is stored hashed, shown only now)."""
    from bootstrap.app import build_app
    from domain.errors import DomainError

    try:
        secret, _ = build_app(with_jobs=False).issue_token(OPERATOR, role, org)
    except DomainError as e:
        raise click.ClickException(e.message) from None
    click.echo(secret)
