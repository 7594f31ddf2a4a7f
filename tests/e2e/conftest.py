"""Fixtures for end-to-end tests: real `placements worker` processes on the real Redis.

Waits are bounded by what the system promises, not by a guess at the machine's speed: a worker
counts as started once it has registered in Redis (a cold start imports OR-Tools and friends,
13 s of wall clock measured on a loaded 2-core machine), and a job gets as long as its own RQ
timeout (the solve time limit plus JOB_SLACK) before a test gives up on it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from api.app import create_app
from bootstrap import demo
from placements.app import PlacementsApp
from placements.principals import OPERATOR
from placements.settings import Settings
from tests.conftest import empty_database
from workers.job_queue import JOB_SLACK, RQJobs, redis_connection

PLACEMENTS = str(Path(sys.executable).parent / "placements")  # the installed console script
SOLVE_TIME_LIMIT = 20  # seconds, for the workers of these tests
JOB_WAIT = SOLVE_TIME_LIMIT + JOB_SLACK  # the RQ timeout of one job
WORKER_START = 120.0  # seconds for a worker process to import, recover and register


def parent(pid: int) -> int | None:
    """A process's parent id (from /proc), or None once it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return int(f.read().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


class Workers:
    """Starts and stops `placements worker` processes for one test."""

    def __init__(self, env: dict[str, str]):
        self.env = env
        self.procs: list[subprocess.Popen] = []

    def start(self, name: str, **extra_env: str) -> subprocess.Popen:
        proc = subprocess.Popen(
            [PLACEMENTS, "worker", "--name", name],
            env={**self.env, **extra_env}, start_new_session=True,
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        self.procs.append(proc)
        self.wait_ready(proc, name)
        return proc

    def wait_ready(self, proc: subprocess.Popen, name: str) -> None:
        """Until the worker has registered in Redis, so a test's waits start when it can take
        jobs; a worker that exits instead fails the test at once, with what it printed."""
        from rq import Worker

        connection = redis_connection(self.env["REDIS_URL"])
        key = Worker.redis_worker_namespace_prefix + name

        def ready() -> bool:
            if proc.poll() is not None:
                raise AssertionError(f"worker {name} exited with {proc.returncode}: "
                                     f"{proc.stderr.read().decode(errors='replace')}")
            return Worker.find_by_key(key, connection=connection) is not None

        wait_for(ready, timeout=WORKER_START)

    @staticmethod
    def kill(proc: subprocess.Popen) -> None:
        """SIGKILL the worker and its work horse, as a crashed host would. RQ puts each work
        horse in a process group of its own, so the horses are found as the worker's children
        (before the worker dies and they are handed to init) and killed with their groups."""
        horses = [pid for pid in map(int, filter(str.isdigit, os.listdir("/proc")))
                  if parent(pid) == proc.pid]
        for pid in horses:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(os.getpgid(pid), signal.SIGKILL)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)

    def stop_all(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)


@pytest.fixture
def rq_app(pg_url: str, redis_url: str) -> Iterator[PlacementsApp]:
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    settings = Settings(database_url=pg_url, redis_url=redis_url,
                        solve_time_limit=SOLVE_TIME_LIMIT)
    app = PlacementsApp(settings)
    app.jobs = RQJobs(settings)
    empty_database(app)
    yield app
    empty_database(app)
    app.engine.dispose()


@pytest.fixture
def workers(rq_app: PlacementsApp) -> Iterator[Workers]:
    env = {**os.environ, "DATABASE_URL": rq_app.settings.database_url,
           "REDIS_URL": rq_app.settings.redis_url,
           "PLACEMENTS_SOLVE_TIME_LIMIT": str(rq_app.settings.solve_time_limit)}
    pool = Workers(env)
    yield pool
    pool.stop_all()


def wait_for(predicate, timeout: float = JOB_WAIT, every: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout} s waiting for {predicate}")


@pytest.fixture
def loaded(rq_app):
    """The demo consortium, an HTTP client, and an admin's and a coordinator's token."""
    data = demo.load(rq_app)
    admin = rq_app.tokens.issue_token(OPERATOR, "admin", None)[0]
    college = next(iter(data.colleges.values()))
    coordinator = rq_app.tokens.issue_token(OPERATOR, "coordinator", college)[0]
    flask_app = create_app(rq_app)
    return flask_app.test_client(), {"admin": admin, "coordinator": coordinator}, data


def events(app, topic_suffix: str) -> int:
    with app.engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM placements_events WHERE topic LIKE :t"),
                            {"t": f"%{topic_suffix}"}).scalar()


def bearer(token: str, **extra: str) -> dict:
    return {"Authorization": f"Bearer {token}", **extra}


def solve_done(client, token, solve_id):
    body = client.get(f"/v1/solves/{solve_id}", headers=bearer(token)).get_json()
    return body if body["status"] in ("done", "failed") else None
