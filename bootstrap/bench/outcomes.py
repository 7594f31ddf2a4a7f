"""`placements bench outcomes`: an initiative's progress over a large partnership on PostgreSQL,
against a plain COUNT(*) over the same rows in the same run.

The participants and their outcomes are the demo's generator (bootstrap/demo/partnership.py)
at scale: aggregates built by the domain's commands and committed through the application's
unit of work 5,000 a transaction (`commit_in_batches`, as the demo loads them): the same
events, ledger digests and read-model rows the commands write. Progress is then read from the
read models, as the API does.
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
BENCH_INITIATIVE = "Bench"


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
              help="an empty PostgreSQL database (default $DATABASE_URL), or one this bench "
                   "built before, with --measure-only")
@click.option("--participants", default=100_000, show_default=True)
@click.option("--repeat", default=5, show_default=True, help="runs of each read (median)")
@click.option("--measure-only", is_flag=True,
              help="measure a database this bench built before, without building")
def outcomes_bench(database_url: str, participants: int, repeat: int,
                   measure_only: bool) -> None:
    """Progress of an initiative (every SPEC metric) over N participants, vs COUNT(*)."""
    from bootstrap.app import build_app
    from bootstrap.bench.store import load
    from bootstrap.demo import partnership as demo
    from placements.principals import OPERATOR
    from placements.read.initiatives import initiatives
    from placements.read.outcomes import employments, enrollments, wage_history
    from placements.read.participants import participants as participants_table
    from placements.settings import Settings

    if make_url(database_url).get_backend_name() != "postgresql":
        raise click.UsageError("bench outcomes measures PostgreSQL: give a postgresql+psycopg URL")
    console = Console()
    console.print(f"machine load before the run: {load()}")
    app = build_app(Settings(database_url=database_url), with_jobs=False)
    with app.engine.connect() as conn:
        present = conn.execute(select(func.count()).select_from(participants_table)).scalar()
        initiative = conn.execute(select(initiatives.c.id).where(
            initiatives.c.name == BENCH_INITIATIVE)).scalar()
    if measure_only:
        if initiative is None:
            raise click.UsageError("no initiative of this bench in that database: build first")
    elif present:
        raise click.UsageError("the database already holds participants: give an empty one "
                               "(or --measure-only to measure it again)")
    else:
        partners = demo.register_partners(app)
        employers = [app.organizations.register_organization(OPERATOR, f"Employer {i}",
                                                             "employer")["id"]
                     for i in range(12)]
        start = time.perf_counter()
        with progress_bar("participants and their outcomes") as bar:
            task = bar.add_task("load", total=participants)

            def counted():
                from domain.partnership.participants import Participant

                for aggregate in demo.cohort(participants, partners, employers, TODAY):
                    if isinstance(aggregate, Participant):
                        bar.advance(task)
                    yield aggregate

            aggregates, events = demo.commit_in_batches(app, counted(), batch=5_000)
        loaded = time.perf_counter() - start
        console.print(f"Committed {aggregates:,} aggregates ({events:,} events) of "
                      f"{participants:,} participants in {loaded:.0f} s, through the "
                      "application's unit of work (events, ledger digests, read-model rows), "
                      "5,000 aggregates a transaction")
        initiative = app.initiatives.launch_initiative(OPERATOR, BENCH_INITIATIVE,
                                                       demo.TARGETS)["id"]
    tables = (participants_table, enrollments, employments, wage_history)
    with app.engine.begin() as conn:
        for t in tables:
            conn.execute(text(f"ANALYZE {t.name}"))
        rows = {t.name: conn.execute(select(func.count()).select_from(t)).scalar()
                for t in tables}
    console.print("rows: " + ", ".join(f"{k} {v:,}" for k, v in rows.items()))

    def count_all() -> None:
        with app.engine.connect() as conn:
            for t in tables:
                conn.execute(select(func.count()).select_from(t)).scalar()

    reference = _timed(count_all, repeat)
    out = RichTable(title=f"bench outcomes: {len(demo.TARGETS)} targets + the other metrics, "
                          f"as of {TODAY}, {rows[participants_table.name]:,} participants")
    for col in ("read", "median s", "× COUNT(*)", "target", "verdict"):
        out.add_column(col)
    out.add_row("COUNT(*) over the four tables (reference)", f"{reference:.3f}", "1.0", "", "")
    verdict = None
    for label, kwargs in (("progress", {}), ("progress by community", {"by": "community"}),
                          ("progress by employer", {"by": "employer"}),
                          ("progress by occupation", {"by": "occupation"})):
        for ids in (False, True):
            seconds = _timed(lambda kw=kwargs, i=ids: app.initiatives.progress(
                OPERATOR, initiative, as_of=TODAY, ids=i, **kw), repeat)
            target = "≤ 1 s" if not kwargs and not ids else ""
            met = "met" if seconds <= 1 else "NOT MET"
            out.add_row(f"{label}{' with ids' if ids else ''}", f"{seconds:.3f}",
                        f"{seconds / reference:.1f}", target, met if target else "")
            if target:
                verdict = (seconds, seconds <= 1)
    console.print(out)
    console.print(f"machine load after the run: {load()}")
    seconds, met = verdict
    console.print(f"TARGET {'MET    ' if met else 'NOT MET'}  progress over "
                  f"{rows[participants_table.name]:,} participants in ≤ 1 s: {seconds:.3f} s "
                  f"(COUNT(*) of the same rows {reference:.3f} s, "
                  f"{seconds / reference:.1f}×)")
