"""Stage records combined over parts and pieces: what each may claim."""

from __future__ import annotations

from solver.report import StageRecord, combine, record


def test_a_record_is_optimal_only_at_its_bound():
    assert record("placed", 1.0, 10, 10).status == "OPTIMAL"
    assert record("placed", 1.0, 9, 10).status == "TIME_LIMIT"
    assert record("placed", 1.0, 9, None).status == "TIME_LIMIT"
    assert record("preferences", 1.0, 995, 1000, 0.01).status == "WITHIN_GAP"
    assert record("preferences", 1.0, 985, 1000, 0.01).status == "TIME_LIMIT"
    negative = record("preferences", 1.0, -1005, -1000, 0.01)  # travel: relative to |bound|
    assert negative.status == "WITHIN_GAP" and negative.as_json()["gap"] == 0.005
    assert record("fairness", 1.0, 6500, 7000).as_json() == {
        "name": "L2", "status": "TIME_LIMIT", "seconds": 1.0, "gap": round(500 / 7000, 6),
        "objective": 0.65, "bound": 0.7}


def test_parts_add_up_and_the_worst_status_holds():
    parts = [StageRecord("L1", "OPTIMAL", 1.0, 10, 10), StageRecord("L1", "TIME_LIMIT", 2.0, 5, 7)]
    both = combine("L1", parts, 2.0)
    assert (both.status, both.value, both.bound) == ("TIME_LIMIT", 15, 17)
    unknown = combine("L3", [StageRecord("L3", "OPTIMAL", 1.0, 3, 3),
                             StageRecord("L3", "TIME_LIMIT", 1.0, 2, None)], 1.0)
    assert unknown.bound is None


def test_l2_part_by_part_claims_no_bound():
    parts = [StageRecord("L2", "OPTIMAL", 1.0, 7000, 7000),
             StageRecord("L2", "OPTIMAL", 1.0, 8000, 8000)]
    whole = combine("L2", parts, 1.0, value=6900)
    assert (whole.status, whole.value, whole.bound) == ("FEASIBLE", 6900, None)
    one = combine("L2", parts[:1], 1.0)
    assert (one.status, one.value, one.bound) == ("OPTIMAL", 7000, 7000)
