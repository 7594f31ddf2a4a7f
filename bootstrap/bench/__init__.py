"""`placements bench …`: benchmarks; each prints its figures as a ratio to a reference measured
in the same run (docs/BENCHMARKS.md records the commands and figures)."""

from __future__ import annotations

import click

from bootstrap.bench import (
    api,
    compliance,
    imports,
    jobs,
    outcomes,
    solver,
    store,
    utilization,
)


@click.group()
def bench() -> None:
    """Benchmarks; each prints its figures as a ratio to a reference measured in the same run."""


for _command in (api.bench_api, compliance.compliance, jobs.bench_jobs, solver.bench_solver,
                 store.store_bench, outcomes.outcomes_bench, utilization.utilization,
                 imports.import_bench):
    bench.add_command(_command)
