"""`placements worker` and `placements requeue`: run solve jobs from Redis; recover lost ones."""

from __future__ import annotations

import os
import socket
import threading

import click

RECOVERY_INTERVAL = 60.0


def _rq_jobs():
    from placements.settings import Settings
    from workers.job_queue import RQJobs

    settings = Settings.from_env()
    if not settings.redis_url:
        raise click.ClickException(
            "REDIS_URL is unset: in the embedded mode solves run inside `placements serve`")
    return RQJobs(settings)


@click.command()
@click.option("--burst", is_flag=True, help="stop when the queue is empty")
@click.option("--name", default=None, help="worker name (default: host and process id)")
def worker(burst: bool, name: str | None) -> None:
    """Run solve jobs (solves, pieces, joins) from Redis; any number, on any number of hosts."""
    from rq import Worker

    from placements import schema
    from workers.jobs import application
    from workers.recovery import requeue

    jobs = _rq_jobs()
    schema.upgrade(jobs.settings.database_url)
    app = application()
    app.check_readable()  # an encrypted store without its key: stop now, with one line
    jobs.check()
    requeued = requeue(app, jobs)
    if requeued:
        click.echo(f"re-enqueued {len(requeued)} lost job(s): {', '.join(requeued)}")

    stop = threading.Event()

    def recover() -> None:
        while not stop.wait(RECOVERY_INTERVAL):
            try:
                requeue(app, jobs)
            except Exception as e:  # Redis or the database blinked: try again next round
                click.echo(f"recovery round failed: {e}", err=True)

    threading.Thread(target=recover, name="recovery", daemon=True).start()
    rq_worker = Worker([jobs.queue], connection=jobs.connection,
                       name=name or f"{socket.gethostname()}.{os.getpid()}",
                       job_monitoring_interval=5)
    try:
        rq_worker.work(burst=burst, with_scheduler=True, logging_level="INFO")
    finally:
        stop.set()


@click.command()
def requeue() -> None:
    """Enqueue again every job of an unfinished solve that vanished or whose worker died."""
    from workers.jobs import application
    from workers.recovery import requeue as run_requeue

    jobs = _rq_jobs()
    jobs.check()
    again = run_requeue(application(), jobs)
    click.echo(f"re-enqueued {len(again)} job(s)" + (f": {', '.join(again)}" if again else ""))
