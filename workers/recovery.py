"""Re-enqueue the lost jobs of unfinished solves: Redis restarted, or the worker running one died.

A solve not split needs its solve job; a split solve needs a job for each piece not yet stored
and, once all are stored, its join: only those are enqueued again, never a stored piece. Run by
`placements worker` at start-up and every minute, and by `placements requeue`.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Callable

from rq import Worker
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus

from placements.app import PlacementsApp
from workers.job_queue import RQJobs, join_job_id, piece_job_id

log = logging.getLogger(__name__)

HEARTBEAT_STALE = 60.0  # seconds without a heartbeat after which a worker counts as dead


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def worker_alive(jobs: RQJobs, name: str | None) -> bool:
    if not name:
        return False
    worker = Worker.find_by_key(Worker.redis_worker_namespace_prefix + name,
                                connection=jobs.connection)
    if worker is None:
        return False
    if worker.hostname == socket.gethostname() and worker.pid and not _pid_alive(worker.pid):
        return False
    beat = worker.last_heartbeat
    return beat is not None and time.time() - beat.timestamp() < HEARTBEAT_STALE


def lost(jobs: RQJobs, job_id: str) -> bool:
    """Whether no live job of that id will ever run to its end."""
    try:
        job = Job.fetch(job_id, connection=jobs.connection)
    except NoSuchJobError:
        return True
    status = job.get_status(refresh=True)
    if status in (JobStatus.QUEUED, JobStatus.DEFERRED, JobStatus.SCHEDULED):
        return False
    if status == JobStatus.STARTED:
        return not worker_alive(jobs, job.worker_name)
    return True  # finished, failed, stopped or canceled while the solve is still unfinished


def lost_jobs(app: PlacementsApp, jobs: RQJobs, solve_id: str) -> list[tuple[str, Callable]]:
    """The jobs an unfinished solve still needs that no live job will run: (id, enqueue)."""
    missing = app.pieces.missing_pieces(solve_id)
    if missing is None:
        needed = [(solve_id, lambda: jobs.enqueue_solve(solve_id))]
    elif missing:
        needed = [(piece_job_id(solve_id, n), lambda n=n: jobs.enqueue_piece(solve_id, n))
                  for n in missing]
    else:
        needed = [(join_job_id(solve_id), lambda: jobs.enqueue_join(solve_id))]
    return [(job_id, enqueue) for job_id, enqueue in needed if lost(jobs, job_id)]


def requeue(app: PlacementsApp, jobs: RQJobs) -> list[str]:
    """Enqueue again every job an unfinished solve needs and has lost; returns their ids."""
    again = []
    for solve_id in app.solves.unfinished_solves():
        for job_id, enqueue in lost_jobs(app, jobs, solve_id):
            try:
                Job.fetch(job_id, connection=jobs.connection).delete()
            except NoSuchJobError:
                pass
            enqueue()
            again.append(job_id)
            log.warning("re-enqueued job %s of solve %s: it was lost", job_id, solve_id)
    return again
