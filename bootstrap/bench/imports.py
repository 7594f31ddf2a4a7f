"""`placements bench import`: CSV imports of N students, then N placement requests, through the
application's HTTP routes (Flask's test client, in process) on the embedded default.

Each import is timed whole: the POST with its CSV body, read, checked, written and committed,
the answer built. Two references are measured in the same run on the same rows: the same file
read and validated alone (api/csv_format.py, as the route reads it, nothing checked against the
database and nothing written), and a bare multi-row INSERT of as many rows of the event table's
shape (the import's own stored events, copied) into a table of their own, in one transaction,
with nothing else (no read models, no ledger). Target (issue 13): 20,000 rows in ≤ 30 s.
"""

from __future__ import annotations

import cProfile
import io
import json
import pstats
import random
import tempfile
import time
from pathlib import Path

import click
from sqlalchemy import text

STUDENT_COLUMNS = ("name,home.lat,home.lon,max_travel_km,credentials,unavailable\r\n")
REQUEST_COLUMNS = ("student,discipline,required_hours,earliest_start,latest_end,priority,group,"
                   "preferred_sites\r\n")


def students_csv(rows: int, seed: int = 1) -> bytes:
    """N students around the Bay Area, as Excel saves "CSV UTF-8": a BOM and CRLF lines."""
    rng = random.Random(seed)
    out = ["\ufeff" + STUDENT_COLUMNS]
    for i in range(rows):
        unavailable = ('"[{""weekdays"":[0,2],""start"":""08:00"",""end"":""12:00""}]"'
                       if i % 3 == 0 else "")
        out.append(f"Student {i} Ruiz,{37.3 + rng.random():.5f},{-122.5 + rng.random():.5f},"
                   f"{rng.choice(('40', '60', ''))},BLS;TB,{unavailable}\r\n")
    return "".join(out).encode()


def requests_csv(students: list[str], sites: list[str], seed: int = 1) -> bytes:
    rng = random.Random(seed)
    out = [REQUEST_COLUMNS]
    for i, student in enumerate(students):
        out.append(f"{student},{rng.choice(('RN', 'MA', 'LVN'))},{rng.choice((80, 120))},"
                   f"2027-01-04,2027-05-28,{1 + i % 3},,{rng.choice(sites)}\r\n")
    return "".join(out).encode()


def post(client, path: str, body: bytes, token: str) -> tuple[dict, float]:
    started = time.perf_counter()
    r = client.post(path, data=body, headers={"Authorization": f"Bearer {token}",
                                              "Content-Type": "text/csv"})
    seconds = time.perf_counter() - started
    if r.status_code != 201:
        raise click.ClickException(f"{path} answered {r.status_code}: "
                                   f"{json.dumps(r.get_json())[:500]}")
    return r.get_json(), seconds


def read_alone(flask_app, schema, body: bytes) -> float:
    """The reference: the file read and validated as the route reads it, nothing else."""
    from flask import request

    from api.csv_format import read_rows
    from api.limits import MAX_IMPORT_BODY

    with flask_app.test_request_context("/", method="POST", data=body,
                                        content_type="text/csv"):
        request.max_content_length = MAX_IMPORT_BODY  # as the route's check sets it
        started = time.perf_counter()
        rows = read_rows(schema)
        seconds = time.perf_counter() - started
    assert not rows.errors, rows.errors[:3]
    return seconds


def bare_insert(app, after: int) -> tuple[float, int]:
    """The reference: the events the import stored, inserted again in one multi-row INSERT
    into a table of the event table's shape, in one transaction, nothing else."""
    from bootstrap.bench.recording import bare_table

    table = bare_table(app)
    with app.engine.connect() as conn:
        rows = [{"originator_id": oid, "originator_version": v, "topic": t, "state": s}
                for oid, v, t, s in conn.execute(text(
                    "SELECT originator_id, originator_version, topic, state "
                    "FROM placements_events WHERE id > :after"), {"after": after})]
    started = time.perf_counter()
    with app.engine.begin() as conn:
        conn.execute(table.insert(), rows)
    seconds = time.perf_counter() - started
    table.drop(app.engine)
    return seconds, len(rows)


def last_position(app) -> int:
    with app.engine.connect() as conn:
        return conn.execute(text("SELECT coalesce(max(id), 0) FROM placements_events")).scalar()


@click.command("import")
@click.option("--rows", default=20_000, show_default=True, help="Rows in each file.")
@click.option("--database-url", default=None,
              help="Where to import (default: SQLite in a temporary directory, the embedded "
                   "default).")
@click.option("--profile", is_flag=True,
              help="Print the 25 functions with the most time of their own, per import.")
def import_bench(rows: int, database_url: str | None, profile: bool) -> None:
    """Time the CSV imports of N students and N placement requests against references."""
    from api.app import create_app
    from api.students import PlacementRequestSchema, StudentSchema
    from bootstrap.app import build_app
    from placements.principals import OPERATOR, Principal
    from placements.settings import Settings

    with tempfile.TemporaryDirectory() as tmp:
        url = database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        app = build_app(Settings(database_url=url), with_jobs=False)
        college = app.organizations.register_organization(OPERATOR, "Bench College",
                                                          "college")["id"]
        employer = app.organizations.register_organization(OPERATOR, "Bench Health",
                                                           "employer")["id"]
        coordinator = app.tokens.issue_token(OPERATOR, "coordinator", college)[0]
        sites = [app.capacity.register_site(Principal("employer", employer), f"Bench site {i}",
                                            {"lat": 37.8, "lon": -122.3}, ["BLS"])["id"]
                 for i in range(20)]
        flask_app = create_app(app)
        client = flask_app.test_client()
        click.echo(f"{rows} rows per file, on {url.split(':')[0]} "
                   f"({'a temporary file' if database_url is None else url})")

        figures = []
        students_body = students_csv(rows)
        before = last_position(app)
        answer, seconds = timed(profile, lambda: post(client, "/v1/imports/students",
                                                      students_body, coordinator))
        figures.append(("students", seconds, read_alone(flask_app, StudentSchema(),
                                                        students_body),
                        *bare_insert(app, before), len(students_body)))
        requests_body = requests_csv(answer["ids"], sites)
        before = last_position(app)
        answer, seconds = timed(profile, lambda: post(client, "/v1/imports/placement-requests",
                                                      requests_body, coordinator))
        figures.append(("placement requests", seconds,
                        read_alone(flask_app, PlacementRequestSchema(), requests_body),
                        *bare_insert(app, before), len(requests_body)))
        assert answer["created"] == rows

        for what, seconds, reading, bare, events, size in figures:
            click.echo(f"\n{what}: {rows} rows, {size / 1e6:.1f} MB, {events} events")
            click.echo(f"  import (POST, all or none, one commit): {seconds:7.2f} s  "
                       f"{rows / seconds:8.0f} rows/s   target <= 30 s: "
                       f"{'met' if seconds <= 30 else 'MISSED'}")
            click.echo(f"  reference, read and validate alone:    {reading:7.2f} s  "
                       f"{rows / reading:8.0f} rows/s   import / reference "
                       f"{seconds / reading:5.2f}")
            click.echo(f"  reference, bare INSERT of its events:  {bare:7.2f} s  "
                       f"{rows / bare:8.0f} rows/s   import / reference "
                       f"{seconds / bare:5.2f}")
        app.engine.dispose()


def timed(profile: bool, fn):
    if not profile:
        return fn()
    profiler = cProfile.Profile()
    result = profiler.runcall(fn)
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(25)
    click.echo(out.getvalue())
    return result
