"""`placements replay`: rebuild the read models from the log, with a progress bar."""

from __future__ import annotations

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from placements.cli.main import main


@main.command()
def replay() -> None:
    """Rebuild every read model from the event log alone."""
    from placements.app import PlacementsApp
    from placements.replay import replay as run_replay

    app = PlacementsApp()
    total = app.recorder.max_notification_id() or 0
    columns = (TextColumn("replaying events"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())
    with Progress(*columns, transient=False) as progress:
        task = progress.add_task("replay", total=total)
        count = run_replay(app, lambda n: progress.advance(task, n))
    click.echo(f"rebuilt read models of {count} aggregates from {total} events")


@main.command("verify-log")
@click.option("--json", "as_json", is_flag=True, help="print the same JSON as GET /v1/audit/verify")
def verify_log(as_json: bool) -> None:
    """Recompute the hash chain over the whole log; exit 1 at the first position that fails."""
    import json

    from placements.app import PlacementsApp
    from placements.principals import OPERATOR

    result = PlacementsApp().verify_log(OPERATOR)
    if as_json:
        click.echo(json.dumps(result.as_dict()))
    elif result.ok:
        click.echo(f"ok: {result.events} events, head {result.head}, "
                   f"{result.checkpoints} checkpoints hold")
    else:
        click.echo(f"FAILED at position {result.failed_position}: {result.problem} "
                   f"({result.events} events verified before it)")
    raise SystemExit(0 if result.ok else 1)
