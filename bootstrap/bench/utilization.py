"""`placements bench utilization`: the utilisation report over one term of a generated
consortium (default 20,000 requests) on PostgreSQL. Target: ≤ 2 s.

Built as the application builds it: the generated consortium's organisations, sites,
preceptors, slots, students and requests through their commands (placements/problem_import.py,
LOAD_BATCH commands to a unit of work: each its own command, committed together),
its dates moved two years back so the terms have passed (hours are never logged in the future);
the first-come-first-served assignment asked for (`request_slot`) and accepted through the
workflow's commands (BATCH to a unit of work); then, for every accepted placement of the
measured term, one entry per session day logged, four in five signed off, through the same
domain methods and unit of work as the API's commands, BATCH students per transaction (one
command per entry would take an hour); a day a student's other placement already fills is left
out, as the log refuses it. A build stopped after loading resumes where it stopped. The
reference, in the same run, is the report's own two queries with nothing folded: what the
database alone costs.
"""

from __future__ import annotations

import statistics
import time
from datetime import date, timedelta

import click
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

SHIFT = timedelta(days=-728)  # 104 weeks back: the generated 2027 terms end in 2025, same weekdays
BATCH = 200  # placements, or students' hours logs, per transaction while building
LOAD_BATCH = 500  # the consortium's loading commands per transaction


def shifted(problem: dict) -> dict:
    def move(day: str) -> str:
        return (date.fromisoformat(day) + SHIFT).isoformat()

    for s in problem["slots"]:
        s["start_date"], s["end_date"] = move(s["start_date"]), move(s["end_date"])
    for r in problem["requests"]:
        r["earliest_start"], r["latest_end"] = move(r["earliest_start"]), move(r["latest_end"])
    return problem


def file_ids(app, problem: dict) -> dict[str, str]:
    """The application's id of each of the file's colleges, employers, slots and requests, by
    creation order (problem_import loads them in file order), so a stopped build resumes."""
    from placements.read.capacity import slots
    from placements.read.organizations import organizations
    from placements.read.students import placement_requests

    def ordered(table, *where) -> list[str]:
        with app.engine.connect() as conn:
            return list(conn.execute(select(table.c.id).where(*where).order_by(
                table.c.seq)).scalars())

    pairs = [([c["id"] for c in problem["colleges"]],
              ordered(organizations, organizations.c.kind == "college")),
             (sorted({s["employer"] for s in problem["sites"]}),
              ordered(organizations, organizations.c.kind == "employer")),
             ([s["id"] for s in problem["slots"]], ordered(slots)),
             ([r["id"] for r in problem["requests"]], ordered(placement_requests))]
    return {k: v for keys, values in pairs for k, v in zip(keys, values, strict=True)}


def place(app, problem: dict, ids: dict[str, str]) -> int:
    """Ask for and accept each first-come-first-served assignment not yet placed, through the
    workflow's commands, BATCH of them per unit of work; the number accepted."""
    from domain.errors import DomainError
    from placements.base import command
    from placements.principals import Principal
    from placements.read.placements import placement_rows
    from solver.baseline import first_come_first_served
    from solver.parse import parse_problem

    solution = first_come_first_served(parse_problem(problem))
    college = {s["id"]: s["college"] for s in problem["students"]}
    student = {r["id"]: r["student"] for r in problem["requests"]}
    employer = {s["id"]: s["employer"] for s in problem["sites"]}
    site = {s["id"]: s["site"] for s in problem["slots"]}
    with app.engine.connect() as conn:
        placed = set(conn.execute(select(placement_rows.c.request)).scalars())
    todo = [a for a in solution["assignments"] if ids[a["request"]] not in placed]

    def batch(_, assignments: list[dict]) -> int:
        accepted = 0
        for a in assignments:
            coordinator = Principal("coordinator", ids[college[student[a["request"]]]], "bench")
            try:
                p = app.workflow.request_slot(coordinator, ids[a["request"]], ids[a["slot"]])
                app.workflow.accept_placement(Principal("employer", ids[employer[site[a["slot"]]]],
                                                        "bench"), p["id"])
                accepted += 1
            except DomainError:  # refused before anything changed: left out
                continue
        return accepted

    return sum(command(batch)(app, todo[i:i + BATCH]) for i in range(0, len(todo), BATCH))


def log_hours(app, first: str, last: str) -> tuple[int, int]:
    """Entries for every session day of accepted placements whose slot runs in [first, last]:
    the session's hours on most days, four in five signed off by the slot's (or any) preceptor
    of the site. Returns (entries, signed)."""
    from domain.capacity import Slot
    from domain.clinical_hours import ClinicalHours
    from domain.errors import InvalidInput
    from domain.placements import Placement, PlacementStatus
    from placements.apprenticeship import new_event_id
    from placements.read.capacity import preceptors, slots
    from placements.read.clinical_hours import clinical_hours
    from placements.read.placements import placement_rows

    with app.engine.connect() as conn:
        rows = conn.execute(
            select(placement_rows.c.id, placement_rows.c.student).join(
                slots, slots.c.id == placement_rows.c.slot).where(
                placement_rows.c.status == PlacementStatus.ACCEPTED, slots.c.start_date >= first,
                slots.c.end_date <= last).order_by(placement_rows.c.student)).all()
        site_preceptor = dict(conn.execute(select(preceptors.c.site,
                                                  func.min(preceptors.c.id)).group_by(
            preceptors.c.site)).all())
        done = set(conn.execute(select(clinical_hours.c.student).distinct()).scalars())
    by_student: dict[str, list[str]] = {}
    for r in rows:
        by_student.setdefault(r.student, []).append(r.id)
    today = date.today()
    entries = signed = 0
    students = sorted(set(by_student) - done)  # a build stopped half-way resumes
    for i in range(0, len(students), BATCH):
        logs = []
        for student in students[i:i + BATCH]:
            log = None
            for pid in by_student[student]:
                placement = app.load(Placement, pid)
                if log is None:
                    log = ClinicalHours("employer:bench", student, placement.college)
                facts = app.clinical_hours._facts(placement)
                slot = app.load(Slot, placement.slot)
                schedule = slot.schedule
                signer = slot.preceptor or site_preceptor.get(slot.site)
                for n, day in enumerate(schedule.session_days(schedule.start_date,
                                                              schedule.end_date)):
                    hours = facts.session_hours if n % 7 else max(1.0, facts.session_hours - 2)
                    eid = new_event_id()
                    try:
                        log.log("employer:bench", eid, facts, {"date": day,
                                                               "hours": hours}, today)
                    except InvalidInput:  # the student's other placement fills that day
                        continue
                    entries += 1
                    if signer and n % 5:
                        log.sign_off("employer:bench", new_event_id(), pid, eid, signer, None)
                        signed += 1
            logs.append(log)
        app.commit(*logs)
    return entries, signed


def median_s(fn, runs: int) -> float:
    fn()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


@click.command("utilization")
@click.option("--database-url", required=True,
              help="An empty PostgreSQL database to build in (or one this bench built before, "
                   "to measure again without building).")
@click.option("--requests", "n", default=20000, show_default=True)
@click.option("--seed", default=1, show_default=True)
@click.option("--runs", default=5, show_default=True)
@click.option("--measure-only", "skip_placing", is_flag=True,
              help="Measure a database this bench built, without resuming its build.")
def utilization(database_url: str, n: int, seed: int, runs: int, skip_placing: bool) -> None:
    """Time the utilisation report over one term of a generated consortium."""
    from bootstrap.app import build_app
    from bootstrap.bench.store import load
    from domain.clinical_hours import EntryStatus
    from placements import problem_import
    from placements.principals import OPERATOR
    from placements.read.capacity import slots
    from placements.read.clinical_hours import clinical_hours
    from placements.settings import Settings
    from solver.synthetic import TERMS, generate

    if make_url(database_url).get_backend_name() != "postgresql":
        raise click.UsageError("bench utilization measures PostgreSQL: give a postgresql URL")
    click.echo(f"machine load before the run: {load()}")
    app = build_app(Settings(database_url=database_url), with_jobs=False)
    first, last = (d + SHIFT for d in TERMS[0])
    with app.engine.connect() as conn:
        built = conn.execute(select(func.count()).select_from(slots)).scalar()
    if not built:
        problem = shifted(generate(n, seed))
        started = time.perf_counter()
        problem_import.load(app, problem, per_transaction=LOAD_BATCH)
        click.echo(f"loaded {problem_import.commands(problem)} commands' worth of consortium "
                   f"({n} requests) in {time.perf_counter() - started:.0f} s")
    if not skip_placing:
        problem = shifted(generate(n, seed))
        started = time.perf_counter()
        accepted = place(app, problem, file_ids(app, problem))
        if accepted:  # none when a database built before is measured again
            click.echo(f"asked for and accepted {accepted} placements in "
                       f"{time.perf_counter() - started:.0f} s")
    started = time.perf_counter()
    entries, signed = (0, 0) if skip_placing else log_hours(app, first.isoformat(),
                                                            last.isoformat())
    if entries:  # none when a database built before is measured again
        click.echo(f"logged {entries} hours entries ({signed} signed off) in "
                   f"{time.perf_counter() - started:.0f} s")
    with app.engine.connect() as conn:
        held = conn.execute(select(func.sum(slots.c.held))).scalar()
        hours_rows = conn.execute(select(func.count()).select_from(clinical_hours)).scalar()

    def reference() -> None:
        h = clinical_hours
        with app.engine.connect() as conn:
            conn.execute(select(slots).where(slots.c.start_date <= last.isoformat(),
                                             slots.c.end_date >= first.isoformat())).all()
            conn.execute(select(h.c.slot, h.c.date, func.sum(h.c.hours)).where(
                h.c.status == EntryStatus.SIGNED, h.c.date >= first.isoformat(),
                h.c.date <= last.isoformat()).group_by(h.c.slot, h.c.date)).all()

    def report() -> dict:
        return app.utilization.utilization_report(OPERATOR, first, last)

    rows = report()["rows"]
    ref = median_s(reference, runs)
    took = median_s(report, runs)
    click.echo(f"term {first}..{last}: {len(rows)} rows; {held} seats held, "
               f"{hours_rows} hours entries in the database")
    click.echo(f"reference (the report's queries alone): {ref * 1000:8.1f} ms")
    click.echo(f"utilisation report:                     {took * 1000:8.1f} ms  "
               f"({took / ref:.2f}x the reference; target <= 2 s: "
               f"{'met' if took <= 2 else 'MISSED'}; median of {runs} runs)")
    click.echo(f"machine load after the run: {load()}")
    click.echo(f"TARGET {'MET    ' if took <= 2 else 'NOT MET'}  the utilisation report over "
               f"a term of a {n:,}-request consortium in <= 2 s: {took:.3f} s "
               f"(its queries alone {ref:.3f} s, {took / ref:.2f}x)")
    app.engine.dispose()
