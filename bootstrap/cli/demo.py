"""`placements demo`: load the demo consortium (once) and print a token per role."""

from __future__ import annotations

import click


@click.command()
def demo() -> None:
    """Load a Bay Area demo consortium into an empty database; print a fresh token per role."""
    from bootstrap import demo as demo_data
    from bootstrap.app import build_app
    from bootstrap.demo import onboarding as demo_onboarding
    from bootstrap.demo import partnership as demo_partnership
    from placements.principals import OPERATOR

    app = build_app(with_jobs=False)
    if demo_data.has_data(app):
        click.echo("The database already holds a consortium; issuing fresh tokens only.")
    else:
        loaded = demo_data.load(app)
        click.echo(f"Loaded {len(loaded.colleges)} colleges, {len(loaded.employers)} employers, "
                   f"{len(loaded.slots)} slots, {len(loaded.students)} students and "
                   f"{len(loaded.requests)} placement requests.")
        story = demo_onboarding.load(app, next(iter(loaded.employers.values())),
                                     next(iter(loaded.colleges.values())))
        click.echo(f"Loaded onboarding at {demo_onboarding.SITE}: units, dated credentials "
                   "(one TB test expiring mid-term) and a waiver.")
        marin = demo_partnership.load(app)
        click.echo(f"Loaded the Marin partnership: {marin.participants} participants in "
                   f"{len(demo_partnership.COMMUNITIES)} communities, {len(marin.services)} "
                   f"support services, initiative {marin.initiative}.")
    orgs = {o["kind"]: o["id"] for o in reversed(
        app.organizations.organizations(OPERATOR, limit=500, cursor=None).items)}
    tokens = {
        "admin": app.tokens.issue_token(OPERATOR, "admin", None)[0],
        "compliance": app.tokens.issue_token(OPERATOR, "compliance", None)[0],
        "coordinator": app.tokens.issue_token(OPERATOR, "coordinator", orgs["college"])[0],
        "employer": app.tokens.issue_token(OPERATOR, "employer", orgs["employer"])[0],
        "partner": app.tokens.issue_token(OPERATOR, "partner", orgs["workforce_board"])[0],
    }
    click.echo("\nTokens (shown once, stored hashed):")
    for role, token in tokens.items():
        click.echo(f"  {role:<12} {token}")
    click.echo("\nTry:\n  curl -s -H 'Authorization: Bearer "
               f"{tokens['coordinator']}' http://127.0.0.1:8000/v1/placement-requests?limit=3")
    initiative = app.initiatives.initiatives(OPERATOR, limit=1, cursor=None).items[0]["id"]
    click.echo(f"  curl -s -H 'Authorization: Bearer {tokens['partner']}' -H 'Accept: text/html' "
               f"'http://127.0.0.1:8000/v1/initiatives/{initiative}/progress?by=community'"
               " > progress.html")
    story = demo_onboarding.find(app)
    if story is not None:
        click.echo("  # onboarding: accepting a student whose TB expires mid-term is refused (409 "
                   "onboarding_incomplete), then the site's roster as CSV")
        click.echo(f"  curl -s -X POST -H 'Authorization: Bearer {tokens['employer']}' "
                   f"http://127.0.0.1:8000/v1/placements/{story.waiting}/accept")
        click.echo(f"  curl -s -H 'Authorization: Bearer {tokens['employer']}' -H 'Accept: "
                   f"text/csv' 'http://127.0.0.1:8000/v1/sites/{story.site}/roster"
                   f"?from={demo_onboarding.TERM[0]}&to={demo_onboarding.TERM[1]}'")
    click.echo("  open http://127.0.0.1:8000/docs for the API reference")
