"""Where solve jobs run: RQ on Redis when REDIS_URL is set, else a thread of this process.

Either way a job is named by its solve id, so enqueueing the same solve twice is one job.
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
from placements.app import PlacementsApp
from placements.settings import Settings

log = logging.getLogger(__name__)

QUEUE_NAME = "solves"
RETRY = Retry(max=3, interval=[2, 10, 30])
JOB_SLACK = 120  # seconds a job may run past its solver time limit (building input, writing)


def redis_connection(url: str) -> Redis:
    return Redis.from_url(url, socket_connect_timeout=2, socket_timeout=10)


class RQJobs:
    """Solve jobs on the RQ queue `solves`; any number of `placements worker` processes run them."""

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
        from workers import jobs

        try:
            self.queue.enqueue(
                jobs.run_solve, solve_id, job_id=solve_id,
                job_timeout=int(self.settings.solve_time_limit) + JOB_SLACK,
                retry=RETRY, on_failure=Callback(jobs.on_solve_failure), result_ttl=86400,
                failure_ttl=7 * 86400,
            )
        except RedisError as e:
            raise Unavailable(f"the job queue (Redis) does not answer: {e}") from None


class ThreadJobs:
    """The embedded default: one background thread runs solves in order, in this process."""

    def __init__(self, run: Callable[[str], None]):
        self.run = run
        self.pending: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._loop, name="solve-jobs", daemon=True).start()

    def check(self) -> None:
        """A thread of this process is always there."""

    def enqueue_solve(self, solve_id: str) -> None:
        self.pending.put(solve_id)

    def _loop(self) -> None:
        while True:
            solve_id = self.pending.get()
            try:
                self.run(solve_id)
            except Exception:  # even recording the failure failed: log it, keep serving
                log.exception("solve %s failed", solve_id)


def for_settings(app: PlacementsApp) -> RQJobs | ThreadJobs:
    """The queue the app's settings choose: RQ when REDIS_URL is set, else a thread of `app`."""
    if app.settings.redis_url:
        return RQJobs(app.settings)
    from workers import jobs

    return ThreadJobs(lambda solve_id: jobs.run_embedded(app, solve_id))
