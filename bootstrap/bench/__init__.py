"""`placements bench …`: benchmarks; each prints its figures as a ratio to a reference measured
in the same run (docs/BENCHMARKS.md records the commands and figures)."""

from __future__ import annotations

import importlib

import click

# Each benchmark's command, by name: its module is imported only when it is run or listed, so
# the other commands do not pay for what benchmarks import (SQLAlchemy, the app: 0.19 s of a
# `placements solve` process that has 10 s in all).
COMMANDS = {
    "api": ("api", "bench_api"),
    "compliance": ("compliance", "compliance"),
    "import": ("imports", "import_bench"),
    "jobs": ("jobs", "bench_jobs"),
    "outcomes": ("outcomes", "outcomes_bench"),
    "solver": ("solver", "bench_solver"),
    "store": ("store", "store_bench"),
    "utilization": ("utilization", "utilization"),
}


class _Benchmarks(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module, command = COMMANDS[name]
        return getattr(importlib.import_module(f"bootstrap.bench.{module}"), command)


@click.group(cls=_Benchmarks)
def bench() -> None:
    """Benchmarks; each prints its figures as a ratio to a reference measured in the same run."""
