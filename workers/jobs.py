"""The job functions RQ workers (or the embedded thread) run for a solve.

A job builds the problem from the read models, records its exact input on the solve, runs the
solver, and records the proposals. Every step is safe to repeat: a job retried after its worker
died starts the same solve again, and only one `Completed` can be recorded for it.
"""

from __future__ import annotations

import logging
import os
import socket
import time

from domain.errors import NotFound
from placements.app import PlacementsApp

log = logging.getLogger(__name__)

COMMIT_WAIT = 10.0  # seconds a job waits for the request that enqueued it to commit

_app: PlacementsApp | None = None


def application() -> PlacementsApp:
    """One application per worker process, configured from the environment."""
    global _app
    if _app is None:
        _app = PlacementsApp()
        # RQ runs each job in a forked child: the child must open its own database connections,
        # not share the parent's (one server session used by two processes interleaves their
        # messages, and their prepared statements collide).
        os.register_at_fork(after_in_child=lambda: _app.engine.dispose(close=False))
    return _app


def solve_problem(problem: dict, time_limit: float, workers: int = 2) -> dict:
    from solver import parse_problem, solve

    return solve(parse_problem(problem), time_limit=time_limit, workers=workers)


def begin(app: PlacementsApp, solve_id: str, worker: str) -> dict | None:
    # The job is enqueued inside the transaction that records the solve, so it can start a
    # moment before that commit is visible; a solve that never commits is never found.
    deadline = time.monotonic() + COMMIT_WAIT
    while True:
        try:
            return app.begin_solve(solve_id, worker)
        except NotFound:
            if time.monotonic() > deadline:
                log.warning("solve %s was never committed; nothing to do", solve_id)
                return None
            time.sleep(0.2)


def run_solve_in(app: PlacementsApp, solve_id: str, worker: str) -> str:
    problem = begin(app, solve_id, worker)
    if problem is None:
        return "nothing to do"
    # Fault injection for failure drills and tests: hold the job after its input is recorded.
    delay = float(os.environ.get("PLACEMENTS_FAULT_SOLVE_DELAY") or 0)
    if delay:
        time.sleep(delay)
    solution = solve_problem(problem, app.settings.solve_time_limit)
    recorded = app.record_solution(solve_id, worker, problem, solution)
    return "recorded" if recorded else "already recorded by another attempt"


def run_solve(solve_id: str) -> str:
    """The RQ job."""
    from rq import get_current_job

    job = get_current_job()
    worker = (job.worker_name if job else None) or f"{socket.gethostname()}:{os.getpid()}"
    return run_solve_in(application(), solve_id, worker)


def run_embedded(app: PlacementsApp, solve_id: str) -> None:
    """The embedded thread's job: no retries, so a failure is recorded at once."""
    try:
        run_solve_in(app, solve_id, "embedded")
    except Exception as e:
        log.exception("solve %s failed", solve_id)
        app.fail_solve(solve_id, "embedded", f"{type(e).__name__}: {e}")


def on_solve_failure(job, connection, exc_type, exc_value, tb) -> None:
    """RQ failure callback: once retries are exhausted, the solve is marked failed."""
    if not job.retries_left:
        application().fail_solve(job.args[0], job.worker_name or "rq",
                                 f"{exc_type.__name__}: {exc_value}")
