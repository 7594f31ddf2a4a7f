"""Where solve jobs run: RQ on Redis when REDIS_URL is set, else a thread of this process.

Three kinds of job, the same use case either way (placements/solving.py): a solve, a piece of a
split solve, and the join of a split solve's pieces. RQ is handed the entry points of
workers/jobs.py by dotted name, so this module does not import them.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable

from redis import Redis
from redis.exceptions import RedisError
from rq import Callback, Queue, Retry

from domain.errors import Unavailable
from placements import solving
from placements.app import PlacementsApp
from placements.settings import Settings

log = logging.getLogger(__name__)

QUEUE_NAME = "solves"
RETRY = Retry(max=3, interval=[2, 10, 30])
JOB_SLACK = 120  # seconds a job may run past its solver time limit (building input, writing)
# The RQ entry points (workers/jobs.py), by the dotted names a worker imports them by.
RUN_SOLVE = "workers.jobs.run_solve"
RUN_PIECE = "workers.jobs.run_piece"
RUN_JOIN = "workers.jobs.run_join"
ON_FAILURE = "workers.jobs.on_solve_failure"


def redis_connection(url: str) -> Redis:
    return Redis.from_url(url, socket_connect_timeout=2, socket_timeout=10)


def piece_job_id(solve_id: str, piece: int) -> str:
    return f"{solve_id}_piece_{piece}"


def join_job_id(solve_id: str) -> str:
    return f"{solve_id}_join"


class RQJobs:
    """Solve jobs on the RQ queue `solves`; any number of `placements worker` processes run them.

    A job is named by what it does (the solve id; a piece's or the join's id after it), so
    enqueueing the same work twice names one job.
    """

    def __init__(self, settings: Settings):
        assert settings.redis_url
        self.settings = settings
        self.connection = redis_connection(settings.redis_url)
        self.queue = Queue(QUEUE_NAME, connection=self.connection)

    def check(self) -> None:
        try:
            self.connection.ping()
        except RedisError as e:
            raise Unavailable(f"the job queue (Redis) does not answer: {e}; nothing was "
                              "recorded, try again later") from None

    def enqueue_solve(self, solve_id: str) -> None:
        self._enqueue(RUN_SOLVE, solve_id, job_id=solve_id)

    def enqueue_piece(self, solve_id: str, piece: int) -> None:
        self._enqueue(RUN_PIECE, solve_id, piece, job_id=piece_job_id(solve_id, piece))

    def enqueue_join(self, solve_id: str) -> None:
        self._enqueue(RUN_JOIN, solve_id, job_id=join_job_id(solve_id))

    def _enqueue(self, function: str, *args, job_id: str) -> None:
        try:
            self.queue.enqueue(
                function, *args, job_id=job_id,
                job_timeout=int(self.settings.solve_time_limit) + JOB_SLACK,
                retry=RETRY, on_failure=Callback(ON_FAILURE), result_ttl=86400,
                failure_ttl=7 * 86400,
            )
        except RedisError as e:
            raise Unavailable(f"the job queue (Redis) does not answer: {e}") from None


class ThreadJobs:
    """The embedded default: one background thread of this process runs the same job functions
    in order (a split solve's pieces one after another, then its join)."""

    def __init__(self, app: PlacementsApp):
        self.app = app
        self.pending: queue.Queue[tuple[Callable, tuple]] = queue.Queue()
        threading.Thread(target=self._loop, name="solve-jobs", daemon=True).start()

    def check(self) -> None:
        """A thread of this process is always there."""

    def enqueue_solve(self, solve_id: str) -> None:
        self.pending.put((solving.run_solve, (solve_id,)))

    def enqueue_piece(self, solve_id: str, piece: int) -> None:
        self.pending.put((solving.run_piece, (solve_id, piece)))

    def enqueue_join(self, solve_id: str) -> None:
        self.pending.put((solving.run_join, (solve_id,)))

    def _loop(self) -> None:
        while True:
            function, args = self.pending.get()
            try:
                solving.run_or_fail(self.app, function, "embedded", *args)
            except Exception:  # even recording the failure failed: log it, keep serving
                log.exception("solve job %s%s failed", function.__name__, args)


def for_settings(app: PlacementsApp) -> RQJobs | ThreadJobs:
    """The queue the app's settings choose: RQ when REDIS_URL is set, else a thread of `app`."""
    return RQJobs(app.settings) if app.settings.redis_url else ThreadJobs(app)
