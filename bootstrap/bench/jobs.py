"""`placements bench jobs`: wall time of one large solve with 1 and with 2 `placements worker`
processes, on the real Redis and PostgreSQL, in the same run, on the same problem.

A generated consortium (solver/synthetic.py) is loaded once through the application's commands
(placements/problem_import.py) into a template database, kept for later runs of the same size
and seed. Each run gets an identical copy (CREATE DATABASE … TEMPLATE), an emptied Redis db and
its own worker processes, requests one consortium-wide solve and times it from the request to
`Solve.Completed`. The reference is the split solve on the first (fewest) workers; the same
solve not split, on one worker, is measured too (`--no-whole` skips it).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import click
import psycopg
from rich.console import Console
from rich.table import Table
from sqlalchemy.engine import make_url

from bootstrap.cli.store import progress_bar

DEFAULT_DATABASE = "postgresql+psycopg://postgres@127.0.0.1:5432/placements_bench_jobs"
DEFAULT_REDIS = "redis://127.0.0.1:6379/3"
PLACEMENTS = str(Path(sys.executable).parent / "placements")


def _admin(url: str) -> psycopg.Connection:
    """A connection to the same server's `postgres` database, to create and copy databases."""
    u = make_url(url)
    return psycopg.connect(host=u.host or "127.0.0.1", port=u.port or 5432,
                           user=u.username or "postgres", password=u.password,
                           dbname="postgres", autocommit=True, connect_timeout=5)


def _template(url: str, requests: int, seed: int, reload: bool, console: Console) -> None:
    """The loaded consortium in database `url`: reused when it holds this size and seed."""
    from bootstrap.app import build_app
    from placements import problem_import
    from placements.settings import Settings
    from solver.synthetic import generate

    name = make_url(url).database
    marker = f"placements bench jobs: requests={requests} seed={seed}"
    with _admin(url) as conn:
        found = conn.execute("SELECT shobj_description(oid, 'pg_database') FROM pg_database "
                             "WHERE datname = %s", (name,)).fetchone()
        if found and found[0] == marker and not reload:
            console.print(f"reusing the consortium loaded in {name} ({marker})")
            return
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    problem = generate(requests, seed)
    app = build_app(Settings(database_url=url), with_jobs=False)
    started = time.perf_counter()
    with progress_bar(f"loading {requests:,} requests through the commands") as progress:
        task = progress.add_task("load", total=problem_import.commands(problem))
        problem_import.load(app, problem, lambda n: progress.advance(task, n))
    app.engine.dispose()  # a template database takes no other connections while copied
    console.print(f"loaded in {time.perf_counter() - started:.0f} s")
    with _admin(url) as conn:
        conn.execute(f"COMMENT ON DATABASE \"{name}\" IS '{marker}'")


def _copy(url: str, suffix: str) -> str:
    u = make_url(url)
    copy = f"{u.database}_{suffix}"
    with _admin(url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{copy}" TEMPLATE "{u.database}"')
    return u.set(database=copy).render_as_string(hide_password=False)


def _drop(url: str) -> None:
    with _admin(url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')


def _run(url: str, redis_url: str, workers: int, env: dict[str, str]) -> dict:
    """One solve with `workers` worker processes on a fresh copy of the consortium."""
    from redis import Redis
    from rq import Worker
    from sqlalchemy import select

    from bootstrap.app import build_app
    from domain.solves import FINISHED, SolveStatus
    from placements.principals import OPERATOR
    from placements.read.pieces import solve_pieces
    from placements.settings import Settings

    Redis.from_url(redis_url).flushdb()
    env = {**os.environ, **env, "DATABASE_URL": url, "REDIS_URL": redis_url}
    settings = Settings.from_env(env)
    app = build_app(settings)  # REDIS_URL is set: its jobs go to RQ
    procs = [subprocess.Popen([PLACEMENTS, "worker", "--name", f"bench-{workers}w-{i}"], env=env,
                              start_new_session=True, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL) for i in range(workers)]
    try:
        while len(Worker.all(queue=app.jobs.queue)) < workers:  # started up, ready to work
            time.sleep(0.2)
        started = time.time()
        solve = app.solves.request_solve(OPERATOR)
        while (solve := app.solves.solve(OPERATOR, solve["id"]))["status"] not in FINISHED:
            time.sleep(0.5)
        ended = time.time()
    finally:
        for proc in procs:
            os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs:
            proc.wait(30)
    if solve["status"] != SolveStatus.DONE:
        raise click.ClickException(f"the solve failed: {solve['error']}")
    with app.engine.connect() as conn:
        pieces = conn.execute(select(solve_pieces.c.started, solve_pieces.c.finished).where(
            solve_pieces.c.solve == solve["id"])).all()
    app.engine.dispose()
    first = min((p.started for p in pieces), default=ended)
    last = max((p.finished for p in pieces), default=ended)
    return {"solve": solve, "wall": ended - started, "split": first - started,
            "pieces": last - first, "join": ended - last}


@click.command("jobs")
@click.option("--requests", default=8000, show_default=True, help="size of the generated problem")
@click.option("--seed", default=1, show_default=True)
@click.option("--time-limit", default=25.0, show_default=True,
              help="solver seconds per solve (its pieces share them)")
@click.option("--piece-requests", type=int, default=None,
              help="PLACEMENTS_SOLVE_PIECE_REQUESTS for the workers (default: its default)")
@click.option("--workers", "counts", default="1,2", show_default=True,
              help="worker processes of each run, in order")
@click.option("--database-url", default=DEFAULT_DATABASE, show_default=True,
              help="PostgreSQL database for the loaded consortium (dropped and created "
                   "afresh, unless it holds this size and seed); each run uses a copy")
@click.option("--redis-url", default=DEFAULT_REDIS, show_default=True,
              help="Redis db the runs use; it is emptied before each run")
@click.option("--whole/--no-whole", default=True, show_default=True,
              help="first solve it whole (not split) on one worker, for reference")
@click.option("--reload", is_flag=True, help="load the consortium again even if present")
def bench_jobs(requests: int, seed: int, time_limit: float, piece_requests: int | None,
               counts: str, database_url: str, redis_url: str, whole: bool,
               reload: bool) -> None:
    """Wall time of one large solve with 1 and with 2 `placements worker` processes."""
    console = Console(width=160)
    if make_url(database_url).get_backend_name() != "postgresql":
        raise click.UsageError("bench jobs runs on PostgreSQL: give a postgresql+psycopg URL")
    _template(database_url, requests, seed, reload, console)
    env = {"PLACEMENTS_SOLVE_TIME_LIMIT": str(time_limit)}
    if piece_requests is not None:
        env["PLACEMENTS_SOLVE_PIECE_REQUESTS"] = str(piece_requests)
    plans = [("split", int(c), env) for c in counts.split(",")]
    if whole:  # the same solve not split, for what splitting costs and buys on one worker
        plans.insert(0, ("whole", 1, {**env, "PLACEMENTS_SOLVE_SPLIT_ABOVE": str(sys.maxsize)}))
    runs = []
    for solved, workers, run_env in plans:
        copy = _copy(database_url, f"{solved}_{workers}w")
        console.print(f"{solved}, {workers} worker(s): solving on {make_url(copy).database} …")
        try:
            runs.append((solved, workers, _run(copy, redis_url, workers, run_env)))
        finally:
            _drop(copy)
        console.print(f"  done in {runs[-1][2]['wall']:.1f} s")

    table = Table(title=f"placements bench jobs: {requests:,} requests (seed {seed}), "
                        f"time limit {time_limit:g} s, {os.cpu_count()} cores")
    for col in ("solved", "workers", "pieces", "wall s", "input + split s", "pieces s",
                "join + record s", "L1", "bound", "status", "placed", "vs split, 1st"):
        table.add_column(col, justify="right")
    reference = next(run["wall"] for solved, _, run in runs if solved == "split")
    for solved, workers, run in runs:
        s = run["solve"]
        pieces = solved == "split"
        table.add_row(solved, str(workers), str((s["pieces"] or {}).get("total", 1)),
                      f"{run['wall']:.1f}", f"{run['split']:.1f}" if pieces else "",
                      f"{run['pieces']:.1f}" if pieces else "",
                      f"{run['join']:.1f}" if pieces else "",
                      str(s["objective"]["weighted_placed"]), str(s["objective"]["bound"]),
                      s["solver_status"], str(s["metrics"]["placed"]),
                      f"{run['wall'] / reference:.2f}")
    console.print(table)
    hashes = {run["solve"]["problem_hash"] for _, _, run in runs}
    console.print("same input in every run: " + ("yes, " + hashes.pop()[:16] + "…"
                                                if len(hashes) == 1 else "NO"))
