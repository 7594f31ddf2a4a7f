"""A job in a work horse (the process RQ forks per job) never shares a database connection with
the worker process it was forked from, whose recovery thread keeps using its own."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import text

from workers import jobs

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


def backend_pid() -> int:
    with jobs.application().engine.connect() as conn:
        return conn.execute(text("SELECT pg_backend_pid()")).scalar()


def test_a_forked_job_opens_its_own_connections(pg_url, redis_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", pg_url)
    monkeypatch.setenv("REDIS_URL", redis_url)
    monkeypatch.setattr(jobs, "_app", None)
    parent = backend_pid()  # now idle in the worker's pool
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # the work horse
        try:
            os.write(write, str(backend_pid()).encode())
        finally:
            os._exit(0)
    os.close(write)
    horse = int(os.read(read, 32))
    os.waitpid(child, 0)
    assert horse != parent
    assert backend_pid() == parent  # the worker's own connection is intact
    jobs.application().engine.dispose()
