"""The RQ entry points of a solve's jobs: thin wrappers over placements/solving.py.

RQ imports them by their dotted names (workers/job_queue.py enqueues `workers.jobs.run_solve`
and its kin as strings), so nothing here is imported by the code that enqueues. Each runs the
use case on this process's application with the RQ worker's name.
"""

from __future__ import annotations

import os
import socket

from placements import solving
from placements.app import PlacementsApp
from workers import job_queue

_app: PlacementsApp | None = None


def application() -> PlacementsApp:
    """One application per worker process, configured from the environment; its jobs go to the
    queue the settings choose, so a solve job can enqueue its pieces, and a piece the join."""
    global _app
    if _app is None:
        _app = PlacementsApp()
        _app.jobs = job_queue.for_settings(_app)
        # RQ runs each job in a forked child: the child must open its own database connections,
        # not share the parent's (one server session used by two processes interleaves their
        # messages, and their prepared statements collide).
        os.register_at_fork(after_in_child=lambda: _app.engine.dispose(close=False))
    return _app


def _worker_name() -> str:
    from rq import get_current_job

    job = get_current_job()
    return (job.worker_name if job else None) or f"{socket.gethostname()}:{os.getpid()}"


def run_solve(solve_id: str) -> str:
    """The RQ job of a solve."""
    return solving.run_solve(application(), _worker_name(), solve_id)


def run_piece(solve_id: str, piece: int) -> str:
    """The RQ job of one piece of a split solve."""
    return solving.run_piece(application(), _worker_name(), solve_id, piece)


def run_join(solve_id: str) -> str:
    """The RQ job that joins a split solve's pieces."""
    return solving.run_join(application(), _worker_name(), solve_id)


def on_solve_failure(job, connection, exc_type, exc_value, tb) -> None:
    """RQ failure callback of every job of a solve: once retries are exhausted, the solve is
    marked failed."""
    if not job.retries_left:
        application().solves.fail_solve(job.args[0], job.worker_name or "rq",
                                        f"{exc_type.__name__}: {exc_value}")
