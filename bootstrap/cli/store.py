"""`placements replay` (rebuild the read models from the log, with a progress bar) and
`placements verify-log` (recompute the audit hash chain)."""

from __future__ import annotations

import json
import time

import click
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)


def progress_bar(label: str) -> Progress:
    return Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    TimeRemainingColumn(), transient=False)


@click.command()
def replay() -> None:
    """Rebuild every read model from the event log alone (streaming, one transaction)."""
    from bootstrap.app import build_app
    from placements.replay import count_events
    from placements.replay import replay as run_replay

    app = build_app(with_jobs=False)
    total = count_events(app)
    start = time.perf_counter()
    with progress_bar("replaying events") as progress:
        task = progress.add_task("replay", total=total)
        count = run_replay(app, lambda n: progress.advance(task, n))
    seconds = time.perf_counter() - start
    click.echo(f"rebuilt read models of {count} aggregates from {total} events "
               f"in {seconds:.1f} s ({total / max(seconds, 1e-9):,.0f} events/s)")


@click.command("verify-log")
@click.option("--json", "as_json", is_flag=True, help="print the same JSON as GET /v1/audit/verify")
@click.option("--checkpoint", metavar="POSITION:SHA256",
              help="a checkpoint kept off-site; the chain must reach that digest there")
def verify_log(as_json: bool, checkpoint: str | None) -> None:
    """Recompute the hash chain over the whole log; exit 1 at the first position that fails.

    Prints `ok: N events, head POSITION:SHA256`: keep that line's head off-site and pass it as
    --checkpoint next time. On a failure: the first failing position, what failed there, the
    head verified before it (with its position) and the last checkpoint that still holds. It
    hashes the stored bytes, so it needs no cipher key.
    """
    from bootstrap.app import build_app
    from placements import ledger
    from placements.principals import OPERATOR

    try:
        offsite = ledger.Checkpoint.parse(checkpoint) if checkpoint else None
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="--checkpoint") from None
    result = build_app(with_jobs=False, decode=False).audit.verify_log(OPERATOR, offsite)
    if as_json:
        click.echo(json.dumps(result.as_dict()))
    elif result.ok:
        click.echo(f"ok: {result.events} events, head {result.keep}")
        click.echo(f"keep the head off-site (it vouches for every event up to position "
                   f"{result.head_position}); check against it with --checkpoint {result.keep}")
    else:
        click.echo(f"failed at position {result.failed_position}: {result.problem}: "
                   f"{ledger.PROBLEMS[result.problem]}")
        last = result.last_good_checkpoint
        click.echo(f"{result.events} events verified before it, head {result.keep}; last "
                   f"checkpoint that still holds: "
                   f"{f'{last.position}:{last.digest}' if last else 'none'}")
    raise SystemExit(0 if result.ok else 1)
