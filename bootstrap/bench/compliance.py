"""`placements bench compliance`: the DAS report over one apprentice with 5,000 events.

The reference, measured in the same run on the same database, is the library's own load of the
same events (`app.events.get`: select and decode, nothing else), so the ratio says what the
positions query and the rules add to merely reading the record. Target: the report ≤ 200 ms.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import click

BATCH = 500  # events per unit of work while building (one commit per batch)


def build(app, events: int) -> tuple[object, str]:
    """An employer, a journeyworker, a program and one apprentice with `events` events."""
    from bootstrap.demo.apprenticeship import STANDARDS
    from domain.apprenticeship import Apprentice, ApprenticeshipProgram
    from placements.apprenticeship import new_event_id
    from placements.principals import OPERATOR, Principal

    org = app.organizations.register_organization(OPERATOR, "Bench Clinics", "employer")["id"]
    employer = Principal("employer", org, "bench")
    site = app.capacity.register_site(employer, "Bench clinic", {"lat": 37.8, "lon": -122.3},
                                      [])["id"]
    jw = app.capacity.register_preceptor(employer, site, "Bench journeyworker", ["CHW"], 2,
                                         True)["id"]
    # The demo's registered CHW standards (2,000 h, 144 RSI h/yr, $21 → $23 → $25).
    program = app.apprenticeship.create_program(
        employer, {**STANDARDS, "effective_date": date(2020, 1, 1)})["id"]
    codes = [wp["code"] for wp in STANDARDS["work_processes"]]
    app.apprenticeship.amend_program(employer, program, date(2022, 1, 1),
                                     {"rsi_hours_per_year": 150})
    ident = app.apprenticeship.sign_apprentice(employer, program, "Bench Apprentice",
                                               date(2020, 1, 6), "CA-BENCH",
                                               date(2020, 1, 20))["id"]
    prog = app.load(ApprenticeshipProgram, program)
    start, written, logged, today = date(2020, 1, 6), 1, [], date.today()
    while written < events:
        apprentice = app.load(Apprentice, ident)
        for _ in range(min(BATCH, events - written)):
            i = written
            day = start + timedelta(days=i // 3)
            if i % 10 == 9:
                apprentice.log_rsi("employer:bench", new_event_id(),
                                   {"date": day, "course": "CHW", "provider": "college",
                                    "hours": 3}, today)
            elif i % 25 == 24:
                apprentice.pay_wages("employer:bench", new_event_id(),
                                     {"period_start": day, "period_end": day, "hours": 8,
                                      "hourly_rate": 22}, today)
            elif i % 50 == 49 and logged:
                target = logged.pop()
                apprentice.correct("employer:bench", new_event_id(), target, "bench", None,
                                   prog, today)
            else:
                eid = new_event_id()
                apprentice.log_ojt("employer:bench", eid, {
                    "date": day, "work_process": codes[i % len(codes)], "hours": 4,
                    "journeyworker": jw, "journeyworker_employer": org, "site": site}, prog, today)
                logged.append(eid)
            written += 1
        app.commit(apprentice)
    return employer, ident


def median_ms(fn, runs: int) -> float:
    fn()  # warm caches and connections
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


@click.command("compliance")
@click.option("--database-url", default=None,
              help="Where to build the apprentice (default: SQLite in a temporary directory).")
@click.option("--events", default=5000, show_default=True)
@click.option("--runs", default=9, show_default=True)
def compliance(database_url: str | None, events: int, runs: int) -> None:
    """Time the compliance report over one apprentice with many events."""
    from uuid import UUID

    from bootstrap.app import build_app
    from placements.settings import Settings

    with tempfile.TemporaryDirectory() as tmp:
        url = database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        app = build_app(Settings(database_url=url), with_jobs=False)
        started = time.perf_counter()
        employer, ident = build(app, events)
        click.echo(f"built an apprentice with {events} events in "
                   f"{time.perf_counter() - started:.1f} s on {url.split(':')[0]}")
        as_of = date(2030, 1, 1)
        reference = median_ms(lambda: list(app.events.get(UUID(ident))), runs)
        report = median_ms(lambda: app.apprenticeship.apprentice_compliance(employer, ident,
                                                                            as_of), runs)
        found = app.apprenticeship.apprentice_compliance(employer, ident, as_of)
        click.echo(f"load the {events} events (reference): {reference:8.1f} ms")
        click.echo(f"compliance report:                 {report:8.1f} ms  "
                   f"({report / reference:.2f}x the reference; target <= 200 ms: "
                   f"{'met' if report <= 200 else 'MISSED'})")
        click.echo(f"  ({len(found['violations'])} violations, "
                   f"{found['ojt_hours']['total']:g} OJT hours, median of {runs} runs)")
        app.engine.dispose()
