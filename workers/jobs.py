"""The job functions RQ workers (or the embedded thread) run for a solve.

A solve job builds the problem from the read models and records its exact input on the solve.
A large problem (more requests than the split threshold, more than one independent piece) is
then split: the job records `Solve.Split` and enqueues a piece job per piece; each piece job
settles its share of the recorded input and stores the result, and the job that stores the
last one enqueues the join, which records the solution. Any other problem the solve job solves
whole and records. Every step is safe to repeat: a retried solve job starts the solve again
(unless it is split), a retried piece does nothing once its result is stored, and only one
`Completed` can be recorded for a solve.
"""

from __future__ import annotations

import logging
import math
import os
import socket
import time
from collections.abc import Callable
from typing import TypeVar

from domain.errors import NotFound
from placements import faults
from placements.app import PlacementsApp
from placements.settings import Settings
from solver import Problem, parse_problem, solve
from solver.allocate import GLOBAL_LIMIT, join, plan, solve_piece
from workers import queue

log = logging.getLogger(__name__)

T = TypeVar("T")
COMMIT_WAIT = 10.0  # seconds a job waits for the transaction that enqueued it to commit

_app: PlacementsApp | None = None


def application() -> PlacementsApp:
    """One application per worker process, configured from the environment; its jobs go to the
    queue the settings choose, so a solve job can enqueue its pieces, and a piece the join."""
    global _app
    if _app is None:
        _app = PlacementsApp()
        _app.jobs = queue.for_settings(_app)
        # RQ runs each job in a forked child: the child must open its own database connections,
        # not share the parent's (one server session used by two processes interleaves their
        # messages, and their prepared statements collide).
        os.register_at_fork(after_in_child=lambda: _app.engine.dispose(close=False))
    return _app


def pieces_of(problem: Problem, settings: Settings) -> list[list[str]]:
    """The request ids of each piece to solve as a separate job; a single piece means whole.

    Only above the solver's GLOBAL_LIMIT (by default) does the solver settle L2 and L3 part by
    part anyway, so only there does splitting leave the objective as it is."""
    above = GLOBAL_LIMIT if settings.solve_split_above is None else settings.solve_split_above
    requests = len(problem.requests)
    if requests <= above:
        return [list(problem.requests)]
    return plan(problem, math.ceil(requests / settings.solve_piece_requests))


def when_committed(begin: Callable[[], T], what: str) -> T | None:
    """`begin()`, waiting a little while it raises NotFound: a job is enqueued inside the
    transaction that records its solve (or its split), so it can start a moment before that
    commit is visible; one that never commits is never found."""
    deadline = time.monotonic() + COMMIT_WAIT
    while True:
        try:
            return begin()
        except NotFound:
            if time.monotonic() > deadline:
                log.warning("%s was never committed; nothing to do", what)
                return None
            time.sleep(0.2)


def run_solve_in(app: PlacementsApp, worker: str, solve_id: str) -> str:
    begun = when_committed(lambda: app.begin_solve(solve_id, worker), f"solve {solve_id}")
    if begun is None:
        return "nothing to do: the solve is finished or split"
    problem = parse_problem(begun.problem)
    pieces = pieces_of(problem, app.settings)
    if len(pieces) > 1:
        if app.split_solve(solve_id, worker, begun.problem_hash, pieces):
            return f"split into {len(pieces)} pieces"
        return "nothing to do: another attempt finished, split or restarted the solve"
    faults.hold("solve")
    solution = solve(problem, time_limit=begun.time_limit)
    recorded = app.record_solution(solve_id, worker, begun.problem, solution)
    return "recorded" if recorded else "already recorded by another attempt"


def run_piece_in(app: PlacementsApp, worker: str, solve_id: str, piece: int) -> str:
    work = when_committed(lambda: app.begin_piece(solve_id, piece, worker),
                          f"the split of solve {solve_id}")
    if work is None:
        return "nothing to do: the solve is finished or the piece stored"
    faults.hold("solve")
    result = solve_piece(parse_problem(work.problem), work.requests, work.time_limit)
    if app.store_piece(solve_id, piece, result):
        # Should this enqueue be lost (worker killed, Redis blinked), recovery enqueues the
        # join of a solve whose pieces are all stored.
        app.jobs.enqueue_join(solve_id)
        return "stored, the last piece: join enqueued"
    return "stored"


def run_join_in(app: PlacementsApp, worker: str, solve_id: str) -> str:
    pieces = app.pieces_to_join(solve_id)
    if pieces is None:
        return "nothing to do: the solve is finished, or pieces are still to come"
    solution = join(parse_problem(pieces.problem), pieces.results,
                    time.time() - pieces.started)
    recorded = app.record_solution(solve_id, worker, pieces.problem, solution)
    return "recorded" if recorded else "already recorded by another attempt"


def _worker_name() -> str:
    from rq import get_current_job

    job = get_current_job()
    return (job.worker_name if job else None) or f"{socket.gethostname()}:{os.getpid()}"


def run_solve(solve_id: str) -> str:
    """The RQ job of a solve."""
    return run_solve_in(application(), _worker_name(), solve_id)


def run_piece(solve_id: str, piece: int) -> str:
    """The RQ job of one piece of a split solve."""
    return run_piece_in(application(), _worker_name(), solve_id, piece)


def run_join(solve_id: str) -> str:
    """The RQ job that joins a split solve's pieces."""
    return run_join_in(application(), _worker_name(), solve_id)


def run_embedded(app: PlacementsApp, job: Callable[..., str], solve_id: str, *args) -> None:
    """A job in the embedded thread: no retries, so a failure is recorded at once."""
    try:
        job(app, "embedded", solve_id, *args)
    except Exception as e:
        log.exception("solve %s failed", solve_id)
        app.fail_solve(solve_id, "embedded", f"{type(e).__name__}: {e}")


def on_solve_failure(job, connection, exc_type, exc_value, tb) -> None:
    """RQ failure callback of every job of a solve: once retries are exhausted, the solve is
    marked failed."""
    if not job.retries_left:
        application().fail_solve(job.args[0], job.worker_name or "rq",
                                 f"{exc_type.__name__}: {exc_value}")
