"""`placements solve` and `placements generate`: the solver on files, without a database."""

from __future__ import annotations

import json
import os
import sys
import time

import click


@click.command()
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
    from solver.race import backends_running

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
    if backends_running():
        # A backend past its deadline (HiGHS in an LP it does not interrupt, seconds at worst)
        # is not waited for: the solution is written. Not at interpreter exit either, where a
        # HiGHS thread still running aborts the process.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)


def _print_stage(stage: dict) -> None:
    """One stage as it settles, on stderr."""
    bound = "-" if stage["bound"] is None else f"{stage['bound']:g}"
    gap = "-" if stage["gap"] is None else f"{stage['gap']:.2%}"
    click.echo(f"{stage['name']} {stage['status']}: objective {stage['objective']:g}, "
               f"bound {bound}, gap {gap}, {stage['seconds']:.1f} s", err=True)


@click.command()
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
