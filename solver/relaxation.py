"""The LP relaxation of a formulation (variables in [0, 1]), solved by GLOP.

Two uses. Its L1 optimum, rounded down, is a proven upper bound on L1 (every hard constraint is
a row here, so any assignment is a point of the LP). And its solutions guide the search: on
these assignment-like problems they are integral almost everywhere, so CP-SAT only has to settle
the few places where they are not (solver/neighbourhood.py).

`lp_bound` is the reference `placements bench solver` reports L1 against: the parts' LP optima
added up (L1 is a sum over independent parts).
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass

from ortools.linear_solver import pywraplp

from solver import objectives
from solver.components import components
from solver.formulation import Formulation, build
from solver.instance import Problem
from solver.objectives import FAIRNESS_SCALE
from solver.rules import eligibility

log = logging.getLogger(__name__)

TOLERANCE = 1e-5  # relative: GLOP's optimum is exact only to its feasibility tolerances


@dataclass
class Relaxed:
    value: float
    x: list[float]
    duals: list[float] | None = None  # of the formulation's rows, in order (when asked)


class Relaxation:
    """One LP per formulation; later stages add their `keep` rows to it."""

    def __init__(self, f: Formulation):
        self.f = f
        self.lp = pywraplp.Solver.CreateSolver("GLOP")
        self.x = [self.lp.NumVar(1.0 if v in f.fixed else 0.0, 1.0, "") for v in range(f.size)]
        for coefs, ub, _ in f.at_most:
            row = self.lp.Constraint(-self.lp.infinity(), ub)
            for v, c in coefs.items():
                row.SetCoefficient(self.x[v], c)

    def _at_least(self, coefs: dict[int, float], lb: float, z: pywraplp.Variable | None = None,
                  z_coef: float = 0.0) -> None:
        row = self.lp.Constraint(lb, self.lp.infinity())
        for v, c in coefs.items():
            row.SetCoefficient(self.x[v], c)
        if z is not None:
            row.SetCoefficient(z, z_coef)

    def keep_at_least(self, coefs: list[int], value: float) -> None:
        self._at_least({v: c for v, c in enumerate(coefs) if c}, value)

    def _solve(self, objective: dict[pywraplp.Variable, float], seconds: float | None,
               duals: bool = False) -> Relaxed | None:
        """The LP optimum, or None if GLOP did not reach it (in `seconds`, when given)."""
        if seconds is not None:
            if seconds <= 0:
                return None
            self.lp.SetTimeLimit(max(1, int(seconds * 1000)))
        goal = self.lp.Objective()
        goal.Clear()
        for var, c in objective.items():
            goal.SetCoefficient(var, c)
        goal.SetMaximization()
        began = time.perf_counter()
        status = self.lp.Solve()
        log.debug("LP over %d variables: status %d in %.1f s", len(self.x), status,
                  time.perf_counter() - began)
        if status != pywraplp.Solver.OPTIMAL:
            return None
        rows = self.lp.constraints()[:len(self.f.at_most)] if duals else None
        return Relaxed(goal.Value(), [x.solution_value() for x in self.x],
                       None if rows is None else [row.dual_value() for row in rows])

    def maximize(self, coefs: list[int], seconds: float | None = None, duals: bool = False
                 ) -> Relaxed | None:
        return self._solve({self.x[v]: c for v, c in enumerate(coefs) if c}, seconds, duals)

    def maximize_lowest_rate(self, colleges: objectives.Colleges, seconds: float | None = None
                             ) -> Relaxed | None:
        """L2: the lowest college placement rate (scaled), as z ≤ every college's rate."""
        z = self.lp.NumVar(0.0, FAIRNESS_SCALE, "lowest_rate")
        for college, n in colleges.requested.items():
            terms = colleges.placed_by.get(college, {})
            self._at_least({v: FAIRNESS_SCALE * k for v, k in terms.items()}, 0.0, z, -n)
        relaxed = self._solve({z: 1.0}, seconds)
        z.SetBounds(0.0, 0.0)  # later stages keep L2 through their own rows, not this column
        return relaxed


    def keep_lowest_rate(self, colleges: objectives.Colleges, value: int) -> None:
        for college, n in colleges.requested.items():
            terms = colleges.placed_by.get(college, {})
            self._at_least({v: FAIRNESS_SCALE * k for v, k in terms.items()}, n * value)


def l1_bound(relaxed: Relaxed) -> int:
    """L1 is an integer, so the LP optimum rounded down bounds it too (up to GLOP's tolerance,
    so a bound is never cut below an optimum GLOP reports a hair short of it)."""
    return math.floor(relaxed.value + TOLERANCE * max(1.0, abs(relaxed.value)))


def lp_bound(problem: Problem) -> float:
    """The LP optimum of L1 over the whole problem, part by part."""
    eligible = eligibility(problem)
    total = 0.0
    for part in components(problem, eligible):
        f = build(problem.subproblem(set(part.requests), set(part.slots)),
                  {r: eligible[r] for r in part.requests})
        if f.size:
            relaxed = Relaxation(f).maximize(objectives.l1_weights(f))
            if relaxed is None:
                raise RuntimeError("the LP relaxation did not solve to optimality")
            total += relaxed.value
    return total
