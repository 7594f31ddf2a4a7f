"""L2 by discrete targets (solver/fairness.py): the targets' arithmetic is exact, and a proof is
a proof — from the L1-optimal assignment with the lowest L2, `Proof` reaches the best L2 that
brute force finds among L1-optimal assignments, and says OPTIMAL only there; a whole solve's L2
stage, settled, is that best."""

from __future__ import annotations

import itertools
import random
from fractions import Fraction

import pytest

from solver import parse_problem, solve
from solver.cpsat import Keep
from solver.fairness import Proof
from solver.formulation import build
from solver.objectives import Colleges, above, at_least, goals, lowest_rate, placed_counts
from solver.rules import eligibility
from tests.unit.solver.checker import eligible, l1, violations
from tests.unit.solver.instances import problem, request, slot, student
from tests.unit.solver.test_optimality import SHIFTS, random_problem


def test_targets_are_the_fewest_placements_at_and_above_the_lowest_rate():
    # One variable per request placed; college a places 2 of 3, b 5 of 7: L2 = 2/3.
    c = Colleges({"a": 3, "b": 7}, {"a": {0: 1, 1: 1, 2: 1},
                                    "b": {v: 1 for v in range(3, 10)}})
    values = [1, 1, 0] + [1] * 5 + [0, 0]
    assert placed_counts(c, values) == {"a": 2, "b": 5}
    assert at_least(c, values) == {"a": 2, "b": 5}  # ⌈2/3 × 7⌉ = 5
    assert above(c, values) == {"a": 3, "b": 5}  # ⌊2/3 × 7⌋ + 1 = 5: 5/7 > 2/3
    assert lowest_rate(c, values) == 6666


def rate(counts: dict[str, int], requested: dict[str, int]) -> Fraction:
    return min(Fraction(counts[c], n) for c, n in requested.items())


def optimal_assignments(p: dict) -> list[dict[str, str]]:
    """Every assignment with the best L1, by brute force (the independent checker)."""
    slots = {s["id"]: s for s in p["slots"]}
    options = [[None] + [s for s in slots if eligible(p, r, slots[s])] for r in p["requests"]]
    found: list[tuple[int, dict[str, str]]] = []
    for choice in itertools.product(*options):
        solution = {"assignments": [{"request": r["id"], "slot": s}
                                    for r, s in zip(p["requests"], choice, strict=True) if s]}
        if not violations(p, solution):
            found.append((l1(p, solution), {a["request"]: a["slot"]
                                            for a in solution["assignments"]}))
    best = max(value for value, _ in found)
    return [a for value, a in found if value == best]


def contested(rng: random.Random) -> dict:
    """A tiny dense instance: five requests of three colleges, each reaching most of four
    slots (one discipline, one site), seats for about half of them, a preceptor with a limit
    across two of the slots, shifts that may meet: many L1-optimal assignments, of different
    L2."""
    preceptors = [{"id": "p1", "site": "s1", "max_students": rng.choice([1, 2])}]
    slots = []
    for i in range(4):
        days, start, end = rng.choice(SHIFTS)
        slots.append(slot(f"sl{i}", "s1", capacity=rng.randint(1, 2),
                          preceptor="p1" if i < 2 else None, weekdays=days, start=start,
                          end=end, discipline="RN",
                          colleges=["c3"] if rng.random() < 0.15 else None))
    students = [student(f"st{i}", rng.choice(["c1", "c2", "c3"])) for i in range(4)]
    requests = [request(f"r{i}", students[i % 4]["id"], priority=rng.choice([1, 1, 2]),
                        discipline="RN") for i in range(5)]
    p = problem(preceptors=preceptors, slots=slots, students=students, requests=requests)
    p["colleges"].append({"id": "c3", "name": "Chabot"})
    return p


@pytest.mark.parametrize("case", [("random", seed) for seed in range(20)]
                         + [("contested", seed) for seed in range(40)])
def test_the_proof_reaches_the_best_l2_and_claims_only_it(case):
    kind, seed = case
    p = (random_problem if kind == "random" else contested)(random.Random(seed))
    parsed = parse_problem(p)
    f = build(parsed, eligibility(parsed))
    g = goals(f)
    requested = g.colleges.requested
    college = {r["id"]: {s["id"]: s["college"] for s in p["students"]}[r["student"]]
               for r in p["requests"]}
    optimal = optimal_assignments(p)

    def counts(assignment: dict[str, str]) -> dict[str, int]:
        return {c: sum(college[r] == c for r in assignment) for c in requested}

    best = max(rate(counts(a), requested) for a in optimal)
    worst = min(optimal, key=lambda a: rate(counts(a), requested))
    values = [0] * f.size
    for r, s in worst.items():
        values[f.var_of[(r, s)]] = 1  # a group's members share one variable
    level = sum(parsed.requests[r].priority for r in worst)
    result = Proof(f, g, Keep(l1=level)).solve(values, 60)
    assert result.status == "OPTIMAL"
    assert sum(g.weights[v] for v, x in enumerate(result.values) if x) >= level
    assert rate(placed_counts(g.colleges, result.values), requested) == best
    assert result.bound == lowest_rate(g.colleges, result.values)
    # The whole solve: its L2 stage, settled, is brute force's best.
    solution = solve(parsed, time_limit=60)
    fairness = solution["stages"][1]
    assert fairness["status"] == "OPTIMAL"
    assert fairness["objective"] == pytest.approx(float(best), abs=1e-4)
    assert solution["objective"]["min_college_fill_rate"] == pytest.approx(float(best), abs=1e-4)
