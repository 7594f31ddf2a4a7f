"""Re-enqueue solves whose job was lost: Redis restarted, or the worker running it died.

Run by `placements worker` at start-up and every minute, and by `placements requeue`.
"""

from __future__ import annotations

import logging
import os
import socket
import time

from rq import Worker
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus

from placements.app import PlacementsApp
from workers.queue import RQJobs

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


def lost(jobs: RQJobs, solve_id: str) -> bool:
    """Whether no live job will ever finish this solve."""
    try:
        job = Job.fetch(solve_id, connection=jobs.connection)
    except NoSuchJobError:
        return True
    status = job.get_status(refresh=True)
    if status in (JobStatus.QUEUED, JobStatus.DEFERRED, JobStatus.SCHEDULED):
        return False
    if status == JobStatus.STARTED:
        return not worker_alive(jobs, job.worker_name)
    return True  # finished, failed, stopped or canceled while the solve is still unfinished


def requeue(app: PlacementsApp, jobs: RQJobs) -> list[str]:
    """Enqueue again every unfinished solve whose job is lost; returns their ids."""
    again = []
    for solve_id in app.unfinished_solves():
        if lost(jobs, solve_id):
            try:
                Job.fetch(solve_id, connection=jobs.connection).delete()
            except NoSuchJobError:
                pass
            jobs.enqueue_solve(solve_id)
            again.append(solve_id)
            log.warning("re-enqueued solve %s: its job was lost", solve_id)
    return again
