"""`placements solve`, `placements generate` and `placements bench solver`."""

from __future__ import annotations

import json
import resource
import sys
import time

import click

from placements.cli.main import bench, main


@main.command()
@click.argument("problem", type=click.File("r"))
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="write the solution here (default: stdout)")
@click.option("--time-limit", default=60.0, show_default=True, help="seconds")
@click.option("--workers", default=1, show_default=True,
              help="CP-SAT search workers per part (parts run one per core)")
@click.option("--quiet", is_flag=True, help="no progress on stderr")
def solve(problem, output: str | None, time_limit: float, workers: int, quiet: bool) -> None:
    """Solve a placements-problem/1 file; exit 2 (one line per problem) if it is invalid.

    Each stage prints a line on stderr as it settles (stage, objective, bound, gap, seconds)
    unless --quiet. The time limit covers reading the file too."""
    began = time.perf_counter()
    from solver import ProblemError, parse_problem
    from solver import solve as run

    try:
        data = json.load(problem)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as e:
        click.echo(f"$: not JSON: {e}", err=True)
        sys.exit(2)
    try:
        parsed = parse_problem(data)
    except ProblemError as e:
        for line in e.errors:
            click.echo(line, err=True)
        sys.exit(2)
    left = max(1.0, time_limit - (time.perf_counter() - began))
    solution = run(parsed, time_limit=left, workers=workers,
                   progress=None if quiet else _print_stage)
    text = json.dumps(solution, indent=1)
    if output:
        with open(output, "w") as f:
            f.write(text + "\n")
    else:
        click.echo(text)


def _print_stage(stage: dict) -> None:
    """One stage as it settles, on stderr."""
    bound = "-" if stage["bound"] is None else f"{stage['bound']:g}"
    gap = "-" if stage["gap"] is None else f"{stage['gap']:.2%}"
    click.echo(f"{stage['name']} {stage['status']}: objective {stage['objective']:g}, "
               f"bound {bound}, gap {gap}, {stage['seconds']:.1f} s", err=True)


@main.command()
@click.option("--requests", "n", required=True, type=click.IntRange(1))
@click.option("--seed", default=1, show_default=True)
@click.option("--scarcity", default=0.8, show_default=True, help="seats per request")
@click.option("--metro", is_flag=True,
              help="the dense kind: one metro area, requests open all year")
@click.option("-o", "--output", type=click.File("w"), default="-")
def generate(n: int, seed: int, scarcity: float, metro: bool, output) -> None:
    """Write a realistic synthetic placements-problem/1 instance."""
    from solver.synthetic import generate as make

    json.dump(make(n, seed, scarcity, metro), output)
    output.write("\n")


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@bench.command("solver")
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

        from placements.cli.solver_corpus import COLUMNS, rows

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
