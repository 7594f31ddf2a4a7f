"""`placements solve` and `placements generate`: the solver on files, without a database."""

from __future__ import annotations

import json
import sys

import click


@click.command()
@click.argument("problem", type=click.File("r"))
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="write the solution here (default: stdout)")
@click.option("--time-limit", default=60.0, show_default=True, help="seconds")
@click.option("--workers", default=1, show_default=True,
              help="CP-SAT search workers per part (parts run one per core)")
def solve(problem, output: str | None, time_limit: float, workers: int) -> None:
    """Solve a placements-problem/1 file; exit 2 (one line per problem) if it is invalid."""
    from solver import ProblemError, parse_problem
    from solver import solve as run

    try:
        data = json.load(problem)
    except json.JSONDecodeError as e:
        click.echo(f"$: not JSON: {e}", err=True)
        sys.exit(2)
    try:
        parsed = parse_problem(data)
    except ProblemError as e:
        for line in e.errors:
            click.echo(line, err=True)
        sys.exit(2)
    text = json.dumps(run(parsed, time_limit=time_limit, workers=workers), indent=1)
    if output:
        with open(output, "w") as f:
            f.write(text + "\n")
    else:
        click.echo(text)


@click.command()
@click.option("--requests", "n", required=True, type=click.IntRange(1))
@click.option("--seed", default=1, show_default=True)
@click.option("--scarcity", default=0.8, show_default=True, help="seats per request")
@click.option("-o", "--output", type=click.File("w"), default="-")
def generate(n: int, seed: int, scarcity: float, output) -> None:
    """Write a realistic synthetic placements-problem/1 instance."""
    from solver.synthetic import generate as make

    json.dump(make(n, seed, scarcity), output)
    output.write("\n")
