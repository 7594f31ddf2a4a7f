"""Pure optimisation: problem file <-> dataclasses, CP-SAT model, baseline, explanations.

    from solver import parse_problem, solve
    solution = solve(parse_problem(json.load(f)), time_limit=60, workers=2)
"""

from solver.allocate import solve
from solver.instance import Problem, ProblemError
from solver.parse import parse_problem

__all__ = ["Problem", "ProblemError", "parse_problem", "solve"]
