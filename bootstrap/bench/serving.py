"""The API under gunicorn (2 workers, 4 threads each) on a free local port, for benchmarks."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def gunicorn(database_url: str, *options: str) -> Iterator[int]:
    """Serve `api.wsgi:app` on the database (no job queue) while the block runs; its port."""
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": database_url}
    env.pop("REDIS_URL", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "2", "--threads", "4", *options,
         "-b", f"127.0.0.1:{port}", "bootstrap.wsgi:app"], env=env, cwd=Path(__file__).parents[2],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        yield port
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:  # a graceful stop that a busy machine made too slow
            server.kill()
            server.wait(10)
