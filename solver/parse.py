"""Reading a `placements-problem/1` file: its structure (solver/instance.py), then its locked
`existing` entries against H1–H6 (H7, solver/locked.py). Either raises `ProblemError` with one
line per problem, naming its JSON path."""

from __future__ import annotations

from solver.instance import Problem, ProblemError, read_problem
from solver.locked import check_locked


def parse_problem(data: object) -> Problem:
    """Read and validate a `placements-problem/1` structure."""
    problem = read_problem(data)
    errors = check_locked(problem)
    if errors:
        raise ProblemError(errors)
    return problem
