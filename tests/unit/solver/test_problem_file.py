"""`placements solve` on invalid files: exit 2, one line per problem naming its JSON path,
nothing written; and on a valid one, a placements-solution/1 file."""

from __future__ import annotations

import json

from click.testing import CliRunner

from bootstrap.cli.main import main
from tests.unit.solver.instances import problem, request, slot, student


def run(tmp_path, data) -> tuple[int, str, object]:
    src = tmp_path / "problem.json"
    src.write_text(data if isinstance(data, str) else json.dumps(data))
    out = tmp_path / "solution.json"
    result = CliRunner().invoke(main, ["solve", str(src), "-o", str(out), "--time-limit", "5"])
    return result.exit_code, result.stderr, json.loads(out.read_text()) if out.exists() else None


def valid() -> dict:
    return problem(slots=[slot("a", capacity=2)], students=[student("st1")],
                   requests=[request("r1", "st1")])


def test_valid_file_gives_a_solution(tmp_path):
    code, _, solution = run(tmp_path, valid())
    assert code == 0
    assert solution["format"] == "placements-solution/1"
    assert solution["assignments"] == [{"request": "r1", "slot": "a"}]


def errors_for(tmp_path, data) -> list[str]:
    code, err, solution = run(tmp_path, data)
    assert code == 2 and solution is None
    return err.strip().splitlines()


def test_unknown_student(tmp_path):
    p = valid()
    p["requests"].append(request("r2", "st9"))
    assert errors_for(tmp_path, p) == ["requests[1].student: unknown student 'st9'"]


def test_every_problem_gets_its_line(tmp_path):
    p = valid()
    p["slots"].append(slot("a", capacity=-1))                       # duplicate id
    p["slots"].append(slot("b", capacity=-1))                       # negative capacity
    p["slots"].append(slot("c", dates=("2027-02-30", "2027-03-05")))  # impossible date
    p["slots"].append(slot("d", start="25:00"))                     # bad time
    p["students"].append(student("st2", "c9"))                      # unknown college
    p["requests"] += [request("g1", "st1", group="g"), request("g2", "st2", group="g",
                                                                discipline="MA")]
    lines = errors_for(tmp_path, p)
    assert "slots[1].id: duplicate id 'a' (also slots[0])" in lines
    assert "slots[2].capacity: must not be negative, got -1" in lines
    assert any(line.startswith("slots[3].start_date:") for line in lines)
    assert any(line.startswith("slots[4].shift_start:") for line in lines)
    assert "students[1].college: unknown college 'c9'" in lines
    assert any(line.startswith("requests[2].group: group 'g' mixes disciplines")
               for line in lines)


def test_locked_entry_breaking_capacity_is_invalid(tmp_path):
    p = problem(slots=[slot("a", capacity=1)], students=[student("st1"), student("st2")],
                requests=[request("r1", "st1"), request("r2", "st2")],
                existing=[{"request": "r1", "slot": "a", "locked": True},
                          {"request": "r2", "slot": "a", "locked": True}])
    lines = errors_for(tmp_path, p)
    assert lines == ["existing[1]: slot 'a' holds 2 locked requests, capacity 1 (H3)"]


def test_locked_entry_that_is_not_eligible_is_invalid(tmp_path):
    p = problem(slots=[slot("a")], students=[student("st1", travel=1)],
                requests=[request("r1", "st1")],
                existing=[{"request": "r1", "slot": "a", "locked": True}])
    assert errors_for(tmp_path, p) == [
        "existing[0]: locked assignment is not eligible (H2: travel)"]


def test_not_json_and_wrong_types(tmp_path):
    assert errors_for(tmp_path, "{nope")[0].startswith("$: not JSON")
    p = valid()
    p["slots"][0]["capacity"] = "two"
    assert errors_for(tmp_path, p) == ["slots[0].capacity: expected an integer, got 'two'"]


def test_request_windows_at_the_ends_of_the_calendar_solve(tmp_path):
    """Two requests of one student open from 0001-01-01 to 9999-12-31 ("no limit"): solved,
    not a traceback from a day added past the calendar."""
    p = problem(slots=[slot("a", capacity=2), slot("b", weekdays=(3,))],
                students=[student("st1")],
                requests=[request("r1", "st1", window=("0001-01-01", "9999-12-31")),
                          request("r2", "st1", window=("0001-01-01", "9999-12-31"))])
    code, _, solution = run(tmp_path, p)
    assert code == 0
    assert sorted(a["slot"] for a in solution["assignments"]) == ["a", "b"]


def test_slot_dates_at_the_ends_of_the_calendar_are_invalid(tmp_path):
    p = valid()
    p["slots"][0]["start_date"] = "0001-01-01"
    assert errors_for(tmp_path, p) == [
        "slots[0].start_date: out of range (1900-01-01 to 9998-12-31): 0001-01-01"]
    p = valid()
    p["slots"][0]["end_date"] = "9999-12-31"
    assert errors_for(tmp_path, p) == [
        "slots[0].end_date: out of range (1900-01-01 to 9998-12-31): 9999-12-31"]


def test_each_stage_is_printed_on_stderr_unless_quiet(tmp_path):
    src = tmp_path / "problem.json"
    src.write_text(json.dumps(valid()))
    loud = CliRunner().invoke(main, ["solve", str(src), "--time-limit", "5"])
    assert loud.exit_code == 0
    assert json.loads(loud.stdout)["format"] == "placements-solution/1"  # stdout: JSON alone
    lines = loud.stderr.strip().splitlines()
    assert [line.split()[0] for line in lines] == ["L1", "L2", "L3"]
    assert lines[0].startswith("L1 OPTIMAL: objective 1, bound 1, gap 0.00%, ")
    quiet = CliRunner().invoke(main, ["solve", str(src), "--time-limit", "5", "--quiet"])
    assert quiet.exit_code == 0 and quiet.stderr == ""
