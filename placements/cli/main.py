"""Entry point of the `placements` command: the click group every command module attaches to."""

from __future__ import annotations

import click


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Clinical placement and apprenticeship backend.

    Every command reads DATABASE_URL and REDIS_URL from the environment.
    """


@main.group()
def bench() -> None:
    """Benchmarks; each prints its figures as a ratio to a reference measured in the same run."""


def _register() -> None:
    # Imported here, not at the top, so each module can import `main` / `bench` from this one.
    from placements.cli import (  # noqa: F401
        api_bench,
        compliance_bench,
        demo,
        jobs,
        jobs_bench,
        server,
        solve,
        store,
        store_bench,
        utilization_bench,
    )


_register()
