"""A generated problem loaded through the commands comes back from the read models as the same
problem: the same counts, and the same proven optimum."""

from __future__ import annotations

import pytest

from placements import problem_import
from placements.problem import build
from solver import parse_problem, solve
from solver.synthetic import generate


@pytest.mark.slow
def test_a_loaded_problem_is_built_back_the_same(sqlite_app):
    original = generate(200, seed=3)
    calls = []
    problem_import.load(sqlite_app, original, calls.append)
    assert len(calls) == problem_import.commands(original)
    with sqlite_app.engine.connect() as conn:
        built = build(conn)
    for key in ("colleges", "slots", "students", "requests"):
        assert len(built[key]) == len(original[key]), key
    used = {p for s in original["slots"] for p in [s["preceptor"]] if p}
    assert len(built["preceptors"]) == len(used) == len(original["preceptors"])
    a = solve(parse_problem(original), time_limit=20)
    b = solve(parse_problem(built), time_limit=20)
    assert a["status"] == b["status"] == "OPTIMAL"
    assert a["objective"]["weighted_placed"] == b["objective"]["weighted_placed"]
