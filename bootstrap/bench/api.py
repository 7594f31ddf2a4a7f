"""`placements bench api`: read throughput and p99 latency under gunicorn with 2 workers.

The reference, measured in the same run against the same server, is `/healthz` (no database,
no authentication): the ratio says how much of the server's bare request rate reads keep.
"""

from __future__ import annotations

import http.client
import multiprocessing
import os
import tempfile
import time

import click
from rich.console import Console
from rich.table import Table

from bootstrap.bench.serving import gunicorn


def _client(args: tuple[int, list[str], str, float]) -> list[float]:
    """One client process: keep-alive requests in a loop; returns each latency in seconds."""
    port, paths, token, seconds = args
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Authorization": f"Bearer {token}"}
    latencies, i = [], 0
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        path = paths[i % len(paths)]
        i += 1
        start = time.perf_counter()
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"GET {path} answered {response.status}")
        latencies.append(time.perf_counter() - start)
    conn.close()
    return latencies


def _load(port: int, paths: list[str], token: str, clients: int, seconds: float):
    with multiprocessing.get_context("spawn").Pool(clients) as pool:
        started = time.perf_counter()
        results = pool.map(_client, [(port, paths, token, seconds)] * clients)
        elapsed = time.perf_counter() - started
    latencies = sorted(x for r in results for x in r)
    p = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000  # noqa: E731
    return len(latencies) / elapsed, p(0.50), p(0.99)


@click.command("api")
@click.option("--seconds", default=10.0, show_default=True, help="load per measurement")
@click.option("--clients", default=8, show_default=True, help="concurrent client processes")
@click.option("--database-url", default=None, help="default: a fresh SQLite file")
def bench_api(seconds: float, clients: int, database_url: str | None) -> None:
    """Reads/s and p99 under gunicorn (2 workers) on the demo; target ≥ 300/s at p99 ≤ 100 ms."""
    from bootstrap import demo
    from bootstrap.app import build_app
    from placements.principals import OPERATOR
    from placements.settings import Settings

    console = Console()
    tmp = tempfile.mkdtemp(prefix="placements-bench-")
    url = database_url or f"sqlite:///{tmp}/bench.db"
    app = build_app(Settings(database_url=url), with_jobs=False)
    data = demo.load(app) if not demo.has_data(app) else None
    token = app.tokens.issue_token(OPERATOR, "admin", None)[0]
    requests = data.requests if data else [r["id"] for r in app.students.placement_requests(
        OPERATOR, limit=100, cursor=None).items]
    paths = ["/v1/slots?limit=20", "/v1/placement-requests?limit=20", "/v1/placements?limit=20",
             "/v1/sites?limit=20"] + [f"/v1/placement-requests/{r}" for r in requests[:20]]
    with gunicorn(url) as port:
        _load(port, paths, token, clients, 1.0)  # warm both workers
        ref = _load(port, ["/healthz"], token, clients, seconds)
        reads = _load(port, paths, token, clients, seconds)
    table = Table(title=f"API reads: gunicorn -w 2 --threads 4, {clients} client processes, "
                        f"{seconds:.0f} s each, {os.cpu_count()} cores, {url.split(':')[0]}")
    for col in ("load", "req/s", "p50 ms", "p99 ms", "vs /healthz"):
        table.add_column(col, justify="right")
    table.add_row("/healthz (reference)", f"{ref[0]:.0f}", f"{ref[1]:.1f}", f"{ref[2]:.1f}", "1.00")
    table.add_row("authenticated reads", f"{reads[0]:.0f}", f"{reads[1]:.1f}", f"{reads[2]:.1f}",
                  f"{reads[0] / ref[0]:.2f}")
    console.print(table)
    ok = reads[0] >= 300 and reads[2] <= 100
    console.print(f"target ≥ 300 req/s at p99 ≤ 100 ms: {'met' if ok else 'NOT met'}")
