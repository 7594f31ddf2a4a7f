"""The LP-relaxation bound on L1: the same formulation with variables in [0, 1], solved by GLOP.

Solved part by part (solver/components.py): L1 is a sum over independent parts, so the parts'
LP optima add up to the LP optimum of the whole.
"""

from __future__ import annotations

from ortools.linear_solver import pywraplp

from solver.components import components
from solver.formulation import build
from solver.instance import Problem
from solver.rules import eligibility


def lp_bound(problem: Problem) -> float:
    eligible = eligibility(problem)
    total = 0.0
    for part in components(problem, eligible):
        f = build(problem.subproblem(set(part.requests), set(part.slots)),
                  {r: eligible[r] for r in part.requests})
        if f.size == 0:
            continue
        lp = pywraplp.Solver.CreateSolver("GLOP")
        x = [lp.NumVar(1.0 if v in f.fixed else 0.0, 1.0, "") for v in range(f.size)]
        for coefs, ub, _ in f.at_most:
            lp.Add(sum(c * x[v] for v, c in coefs.items()) <= ub)
        lp.Maximize(sum(f.weight(v) * x[v] for v in range(f.size)))
        if lp.Solve() != pywraplp.Solver.OPTIMAL:
            raise RuntimeError("the LP relaxation did not solve to optimality")
        total += lp.Objective().Value()
    return total
