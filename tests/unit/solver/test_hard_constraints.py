"""Each hard constraint on a hand-made instance built to tempt a wrong solver into breaking it,
checked by the independent checker; and each unplaced reason, checked for honesty."""

from __future__ import annotations

from solver import parse_problem, solve
from tests.unit.solver.checker import l1, violations
from tests.unit.solver.instances import problem, request, slot, student


def run(p: dict) -> dict:
    solution = solve(parse_problem(p), time_limit=10, workers=2)
    assert violations(p, solution) == []
    return solution


def reasons(solution: dict) -> dict[str, str]:
    return {u["request"]: u["reason"] for u in solution["unplaced"]}


def test_h1_h3_capacity_is_never_exceeded_even_for_high_priority():
    p = problem(slots=[slot("a", capacity=2)],
                students=[student(f"st{i}") for i in range(3)],
                requests=[request(f"r{i}", f"st{i}", priority=3) for i in range(3)])
    solution = run(p)
    assert len(solution["assignments"]) == 2
    assert solution["status"] == "OPTIMAL" and solution["objective"]["bound"] == 6
    assert list(reasons(solution).values()) == ["capacity_contention"]
    assert "1 full" in solution["unplaced"][0]["detail"]


def test_h4_night_shift_meets_the_next_morning():
    # Monday 22:00–06:00 runs into Tuesday 05:00–09:00: one student cannot take both.
    p = problem(slots=[slot("night", weekdays=[0], start="22:00", end="06:00"),
                       slot("morning", weekdays=[1], start="05:00", end="09:00")],
                students=[student("st1")],
                requests=[request("r1", "st1"), request("r2", "st1")])
    solution = run(p)
    assert len(solution["assignments"]) == 1
    assert list(reasons(solution).values()) == ["schedule_conflict"]


def test_h4_back_to_back_shifts_do_not_meet():
    p = problem(slots=[slot("night", weekdays=[0], start="22:00", end="06:00"),
                       slot("morning", weekdays=[1], start="06:00", end="09:00")],
                students=[student("st1")],
                requests=[request("r1", "st1"), request("r2", "st1")])
    assert len(run(p)["assignments"]) == 2


def test_h5_preceptor_limit_holds_across_its_slots_at_one_moment():
    p = problem(preceptors=[{"id": "p1", "site": "s1", "max_students": 1}],
                slots=[slot("a", capacity=1, preceptor="p1", weekdays=[0]),
                       slot("b", capacity=1, preceptor="p1", weekdays=[0], start="12:00",
                            end="18:00"),
                       slot("c", capacity=1, preceptor="p1", weekdays=[2])],
                students=[student(f"st{i}") for i in range(3)],
                requests=[request(f"r{i}", f"st{i}") for i in range(3)])
    solution = run(p)
    assert len(solution["assignments"]) == 2  # a and b overlap on Monday noon
    assert {a["slot"] for a in solution["assignments"]} >= {"c"}
    assert list(reasons(solution).values()) == ["capacity_contention"]
    assert "preceptor" in solution["unplaced"][0]["detail"]


def test_h6_group_goes_together_to_the_slot_that_fits_it():
    p = problem(slots=[slot("small", capacity=2), slot("big", site="s2", capacity=3)],
                students=[student(f"st{i}") for i in range(3)],
                requests=[request(f"r{i}", f"st{i}", group="cohort") for i in range(3)])
    solution = run(p)
    assert {a["slot"] for a in solution["assignments"]} == {"big"}
    assert len(solution["assignments"]) == 3


def test_h6_group_that_fits_nowhere_is_unplaced_with_its_reason():
    p = problem(slots=[slot("small", capacity=2)],
                students=[student(f"st{i}") for i in range(3)],
                requests=[request(f"r{i}", f"st{i}", group="cohort") for i in range(3)])
    solution = run(p)
    assert solution["assignments"] == []
    assert set(reasons(solution).values()) == {"group_infeasible"}


def test_h7_locked_assignment_is_kept_against_a_better_use():
    p = problem(slots=[slot("a")], students=[student("st1"), student("st2")],
                requests=[request("r1", "st1"), request("r2", "st2", priority=5)],
                existing=[{"request": "r1", "slot": "a", "locked": True}])
    solution = run(p)
    assert solution["assignments"] == [{"request": "r1", "slot": "a"}]
    assert l1(p, solution) == 1


def test_unlocked_existing_is_kept_when_nothing_better_needs_the_seat():
    p = problem(slots=[slot("a", capacity=1), slot("b", site="s2", capacity=1)],
                students=[student("st1")], requests=[request("r1", "st1", preferred=["s2"])],
                existing=[{"request": "r1", "slot": "a", "locked": False}])
    solution = run(p)
    assert solution["assignments"] == [{"request": "r1", "slot": "a"}]
    assert solution["metrics"]["moved_from_existing"] == 0


def test_l3_prefers_the_listed_site():
    p = problem(slots=[slot("a", capacity=1), slot("b", site="s2", capacity=1)],
                students=[student("st1")], requests=[request("r1", "st1", preferred=["s2"])])
    assert run(p)["assignments"] == [{"request": "r1", "slot": "b"}]


def test_l2_fairness_splits_scarce_seats_between_colleges():
    p = problem(slots=[slot("a", capacity=2)],
                students=[student("st0"), student("st1"), student("st2", "c2"),
                          student("st3", "c2")],
                requests=[request(f"r{i}", f"st{i}") for i in range(4)])
    solution = run(p)
    colleges = {a["request"] for a in solution["assignments"]}
    assert len(colleges & {"r0", "r1"}) == 1 and len(colleges & {"r2", "r3"}) == 1
    assert solution["objective"]["min_college_fill_rate"] == 0.5


def no_slot_detail(**kwargs) -> str:
    slot_kwargs = kwargs.pop("slot", {})
    p = problem(slots=[slot("a", **slot_kwargs)], students=[student("st1", **kwargs)],
                requests=[request("r1", "st1")])
    solution = run(p)
    assert reasons(solution) == {"r1": "no_eligible_slot"}
    return solution["unplaced"][0]["detail"]


def test_no_eligible_slot_names_the_rule():
    assert no_slot_detail(travel=1).startswith("travel")
    assert no_slot_detail(credentials=()).startswith("credentials")
    assert no_slot_detail(unavailable=[{"weekdays": [0], "start": "08:00",
                                        "end": "09:00"}]).startswith("availability")
    assert no_slot_detail(slot={"colleges": ["c2"]}).startswith("college_reserved")
    assert no_slot_detail(slot={"hours": 10}).startswith("hours")
    assert no_slot_detail(slot={"dates": ("2026-12-01", "2027-01-20")}).startswith("window")
    assert no_slot_detail(slot={"discipline": "MA"}).startswith("discipline")
