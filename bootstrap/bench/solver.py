"""`placements bench solver`: the solver against first-come-first-served, on generated
instances or (`--corpus DIR`) on a folder of instances (bootstrap/bench/solver_corpus.py)."""

from __future__ import annotations

import resource
import time

import click


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@click.command("solver")
@click.option("--sizes", default="200,2000,20000", show_default=True)
@click.option("--seed", default=1, show_default=True)
@click.option("--time-limit", default=120.0, show_default=True)
@click.option("--corpus", type=click.Path(exists=True, file_okay=False), default=None,
              help="solve every instance of this folder (with its reference.json) instead")
def bench_solver(sizes: str, seed: int, time_limit: float, corpus: str | None) -> None:
    """The solver against first-come-first-served, on generated instances in one process (L1,
    the proven bound and the gap to it, the LP-relaxation bound, L2, times and peak memory), or
    on a corpus, each instance by `placements solve` in a process of its own."""
    from rich.console import Console
    from rich.table import Table

    if corpus is not None:
        from pathlib import Path

        from bootstrap.bench.solver_corpus import COLUMNS, rows

        console = Console(width=200)
        table = Table(title=f"placements bench solver --corpus {corpus} "
                            f"(time limit {time_limit:g} s)")
        for col in COLUMNS:
            table.add_column(col, justify="right")
        for row in rows(Path(corpus), time_limit, console.print):
            table.add_row(*row)
        console.print(table)
        return

    from solver import parse_problem
    from solver import solve as run
    from solver.baseline import first_come_first_served
    from solver.relaxation import lp_bound
    from solver.synthetic import generate as make

    console = Console(width=160)
    table = Table(title=f"placements bench solver (seed {seed}, time limit {time_limit:g} s)")
    for col in ("requests", "method", "L1", "bound", "gap", "LP bound", "L1/LP", "L2",
                "status", "L1 s", "total s", "peak RSS MB", "vs FCFS"):
        table.add_column(col, justify="right")
    for n in (int(s) for s in sizes.split(",")):
        problem = parse_problem(make(n, seed))
        started = time.perf_counter()
        fcfs = first_come_first_served(problem)
        fcfs_seconds = time.perf_counter() - started
        lp = lp_bound(problem)
        solution = run(problem, time_limit=time_limit)
        rss = _peak_rss_mb()
        l1, base = solution["objective"]["weighted_placed"], fcfs["objective"]["weighted_placed"]
        bound = solution["objective"]["bound"]
        table.add_row(str(n), "FCFS", str(base), "", f"{(bound - base) / bound:.2%}",
                      f"{lp:.1f}", f"{base / lp:.4f}",
                      f"{fcfs['objective']['min_college_fill_rate']:.3f}", "", "",
                      f"{fcfs_seconds:.2f}", "", "1.000")
        console.print(f"{n} requests: CP-SAT L1 {l1} ({solution['status']}), FCFS {base}, "
                      f"LP bound {lp:.1f}, {solution['solve_seconds']:.1f} s")
        table.add_row(str(n), "CP-SAT", str(l1), str(bound), f"{(bound - l1) / bound:.2%}",
                      f"{lp:.1f}", f"{l1 / lp:.4f}",
                      f"{solution['objective']['min_college_fill_rate']:.3f}",
                      solution["status"], f"{solution['l1_seconds']:.2f}",
                      f"{solution['solve_seconds']:.2f}", f"{rss:.0f}", f"{l1 / base:.3f}")
    console.print(table)
