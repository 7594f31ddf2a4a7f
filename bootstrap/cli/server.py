"""`placements serve`, `placements token create|list|revoke`: run the API; manage API tokens."""

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
    """API tokens: issue, list, revoke."""


def _app():
    from bootstrap.app import build_app

    return build_app(with_jobs=False)


@token.command("create")
@click.option("--role", required=True,
              type=click.Choice(["coordinator", "employer", "compliance", "admin"]))
@click.option("--org", default=None, help="organisation id (coordinator and employer roles)")
@click.option("--label", default=None,
              help="who holds it (a person or a system); shown as the actor in the audit log")
def token_create(role: str, org: str | None, label: str | None) -> None:
    """Issue a token; prints the token alone on stdout (it is stored hashed, shown only now)."""
    from domain.errors import DomainError

    try:
        secret, _ = _app().tokens.issue_token(OPERATOR, role, org, label)
    except DomainError as e:
        raise click.ClickException(e.message) from None
    click.echo(secret)


@token.command("list")
def token_list() -> None:
    """Every token: id, role, organisation, label, created, revoked (never a secret)."""
    app, cursor = _app(), None
    while True:
        page = app.tokens.tokens(OPERATOR, 500, cursor)
        for t in page.items:
            click.echo("\t".join([t["id"], t["role"], t["organization"] or "-",
                                  t["label"] or "-", t["created"],
                                  "revoked" if t["revoked"] else "active"]))
        cursor = page.next_cursor
        if cursor is None:
            return


@token.command("revoke")
@click.argument("token_id")
def token_revoke(token_id: str) -> None:
    """Revoke a token by its id: it answers 401 from then on."""
    from domain.errors import DomainError

    try:
        _app().tokens.revoke_token(OPERATOR, token_id)
    except DomainError as e:
        raise click.ClickException(e.message) from None
    click.echo(f"revoked {token_id}")
