"""`placements bench outcomes`: an initiative's progress over a large partnership on PostgreSQL,
against a plain COUNT(*) over the same rows in the same run.

The participants and their outcomes are the demo's generator (bootstrap/demo/partnership.py)
at scale: aggregates built by the domain's commands, their events stored through the
application's mapper and COPYed into the log with their ledger digests (as `bench store` loads
its log), then the read models rebuilt from the log by `replay`: the same events and rows the
commands write, loaded in bulk. Progress is then read from the read models, as the API does.
"""

from __future__ import annotations

import statistics
import time
from datetime import date

import click
from rich.console import Console
from rich.table import Table as RichTable
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from bootstrap.cli.store import progress_bar

TODAY = date(2026, 11, 30)


def _timed(fn, repeat: int) -> float:
    """The median of `repeat` runs, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


@click.command("outcomes")
@click.option("--database-url", envvar="DATABASE_URL", required=True,
              help="an empty PostgreSQL database (default $DATABASE_URL)")
@click.option("--participants", default=100_000, show_default=True)
@click.option("--repeat", default=5, show_default=True, help="runs of each read (median)")
def outcomes_bench(database_url: str, participants: int, repeat: int) -> None:
    """Progress of an initiative (every SPEC metric) over N participants, vs COUNT(*)."""
    from bootstrap.app import build_app
    from bootstrap.bench.store import copy_events
    from bootstrap.demo import partnership as demo
    from domain.partnership.participants import Participant
    from placements import ledger
    from placements.principals import OPERATOR
    from placements.read.outcomes import employments, enrollments, wage_history
    from placements.read.participants import participants as participants_table
    from placements.replay import replay
    from placements.settings import Settings

    if make_url(database_url).get_backend_name() != "postgresql":
        raise click.UsageError("bench outcomes measures PostgreSQL: give a postgresql+psycopg URL")
    console = Console()
    app = build_app(Settings(database_url=database_url), with_jobs=False)
    with app.engine.connect() as conn:
        if conn.execute(select(func.count()).select_from(participants_table)).scalar():
            raise click.UsageError("the database already holds participants: give an empty one")
    partners = demo.register_partners(app)
    employers = [app.organizations.register_organization(OPERATOR, f"Employer {i}",
                                                         "employer")["id"]
                 for i in range(12)]
    to_stored = app.mapper.to_stored_event
    with app.engine.begin() as conn:
        position, link = ledger.head(conn)
    start = time.perf_counter()
    events, rows = 0, []
    with progress_bar("participants and their outcomes") as bar:
        task = bar.add_task("load", total=participants)
        for aggregate in demo.cohort(participants, partners, employers, TODAY):
            for event in aggregate.collect_events():
                stored = to_stored(event)
                position += 1
                rows.append((position, stored.originator_id, stored.originator_version,
                             stored.topic, stored.state))
            if isinstance(aggregate, Participant):
                bar.advance(task)
            if len(rows) >= 50_000:
                link = copy_events(app, rows, link)
                events, rows = events + len(rows), []
        if rows:
            copy_events(app, rows, link)
            events += len(rows)
    loaded = time.perf_counter() - start
    start = time.perf_counter()
    replay(app)  # the read models from the log, as `placements replay` builds them
    replayed = time.perf_counter() - start
    initiative = app.initiatives.launch_initiative(OPERATOR, "Bench", demo.TARGETS)["id"]
    tables = (participants_table, enrollments, employments, wage_history)
    with app.engine.begin() as conn:
        for t in tables:
            conn.execute(text(f"ANALYZE {t.name}"))
        rows = {t.name: conn.execute(select(func.count()).select_from(t)).scalar()
                for t in tables}
    console.print(f"Appended {events:,} events of {participants:,} participants in {loaded:.0f} s"
                  f" (COPY, with their ledger digests); read models replayed in {replayed:.0f} s;"
                  " rows: "
                  + ", ".join(f"{k} {v:,}" for k, v in rows.items()))

    def count_all() -> None:
        with app.engine.connect() as conn:
            for t in tables:
                conn.execute(select(func.count()).select_from(t)).scalar()

    reference = _timed(count_all, repeat)
    out = RichTable(title=f"bench outcomes: {len(demo.TARGETS)} targets + the other metrics, "
                          f"as of {TODAY}")
    for col in ("read", "median s", "× COUNT(*)"):
        out.add_column(col)
    out.add_row("COUNT(*) over the four tables (reference)", f"{reference:.3f}", "1.0")
    for label, kwargs in (("progress", {}), ("progress by community", {"by": "community"}),
                          ("progress by employer", {"by": "employer"}),
                          ("progress by occupation", {"by": "occupation"})):
        for ids in (False, True):
            seconds = _timed(lambda kw=kwargs, i=ids: app.initiatives.progress(
                OPERATOR, initiative, as_of=TODAY, ids=i, **kw), repeat)
            out.add_row(f"{label}{' with ids' if ids else ''}", f"{seconds:.3f}",
                        f"{seconds / reference:.1f}")
    console.print(out)
