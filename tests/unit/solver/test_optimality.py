"""L1 and L2 against brute force on small random instances; feasibility by the independent
checker on generated ones; the solver against first-come-first-served."""

from __future__ import annotations

import itertools
import random

import pytest

from solver import parse_problem, solve
from solver.baseline import first_come_first_served
from solver.synthetic import generate
from tests.unit.solver.checker import eligible, l1, min_rate, violations
from tests.unit.solver.instances import problem, request, slot, student

SHIFTS = [((0,), "07:00", "15:00"), ((0,), "12:00", "20:00"), ((1,), "07:00", "15:00"),
          ((0,), "22:00", "06:00"), ((1,), "05:00", "09:00"), ((2, 3), "09:00", "17:00")]


def random_problem(rng: random.Random) -> dict:
    preceptors = [{"id": "p1", "site": "s1", "max_students": rng.choice([1, 2])}]
    slots = []
    for i in range(rng.randint(2, 4)):
        days, start, end = rng.choice(SHIFTS)
        slots.append(slot(f"sl{i}", rng.choice(["s1", "s2"]), capacity=rng.randint(1, 2),
                          preceptor="p1" if rng.random() < 0.4 else None, weekdays=days,
                          start=start, end=end, discipline=rng.choice(["RN", "MA"]),
                          colleges=["c2"] if rng.random() < 0.15 else None))
    for s in slots:  # a preceptor's slots are at its site
        if s["preceptor"]:
            s["site"] = "s1"
    students = [student(f"st{i}", rng.choice(["c1", "c2"]),
                        credentials=("BLS",) if rng.random() < 0.8 else ())
                for i in range(rng.randint(2, 4))]
    requests = []
    for i in range(rng.randint(2, 6)):
        group = "g" if i < 2 and rng.random() < 0.2 else None
        requests.append(request(f"r{i}", rng.choice(students)["id"] if group is None else
                                students[i]["id"], priority=rng.randint(1, 3), group=group,
                                discipline="RN" if group else rng.choice(["RN", "MA"])))
    return problem(preceptors=preceptors, slots=slots, students=students, requests=requests)


def brute_force(p: dict) -> tuple[int, float]:
    """Best L1, and the best L2 among assignments with that L1."""
    slots = {s["id"]: s for s in p["slots"]}
    options = [[None] + [s for s in slots if eligible(p, r, slots[s])] for r in p["requests"]]
    best = (-1, -1.0)
    for choice in itertools.product(*options):
        solution = {"assignments": [{"request": r["id"], "slot": s}
                                    for r, s in zip(p["requests"], choice, strict=True) if s]}
        if violations(p, solution):
            continue
        value = (l1(p, solution), min_rate(p, {a["request"] for a in solution["assignments"]}))
        best = max(best, value)
    return best


@pytest.mark.parametrize("seed", range(60))
def test_l1_and_l2_match_brute_force(seed):
    p = random_problem(random.Random(seed))
    solution = solve(parse_problem(p), time_limit=10, workers=2)
    assert violations(p, solution) == []
    best_l1, best_l2 = brute_force(p)
    assert solution["status"] == "OPTIMAL"
    assert l1(p, solution) == best_l1 == solution["objective"]["weighted_placed"]
    assert solution["objective"]["bound"] == best_l1
    assert solution["objective"]["min_college_fill_rate"] == pytest.approx(best_l2, abs=1e-4)
    accounted = ([a["request"] for a in solution["assignments"]]
                 + [u["request"] for u in solution["unplaced"]])
    assert sorted(accounted) == sorted(r["id"] for r in p["requests"])  # each exactly once


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2])
def test_generated_instances_are_feasible_and_beat_fcfs(seed):
    p = generate(400, seed)
    parsed = parse_problem(p)
    solution = solve(parsed, time_limit=20, workers=2)
    fcfs = first_come_first_served(parsed)
    assert violations(p, solution) == []
    assert violations(p, fcfs) == []
    assert solution["objective"]["weighted_placed"] >= fcfs["objective"]["weighted_placed"]
    assert solution["objective"]["weighted_placed"] <= solution["objective"]["bound"]
    accounted = ([a["request"] for a in solution["assignments"]]
                 + [u["request"] for u in solution["unplaced"]])
    assert sorted(accounted) == sorted(r["id"] for r in p["requests"])  # each exactly once
    reasons = {u["reason"] for u in solution["unplaced"]}
    assert reasons <= {"no_eligible_slot", "capacity_contention", "schedule_conflict",
                       "group_infeasible"}


def test_generator_is_deterministic():
    assert generate(300, 7) == generate(300, 7)
    assert generate(300, 7) != generate(300, 8)
