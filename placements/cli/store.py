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
