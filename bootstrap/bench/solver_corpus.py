"""`placements bench solver --corpus DIR`: every instance of a folder laid out like
shared/benchmarks/ (every `NAME.json` in it; figures, where known, in `reference.json`), each
solved by `placements solve` in a process of its own, so its time and peak RSS are the whole
command's (reading the file and writing the solution included). First-come-first-served and the
LP bound are measured in this process, in the same run; the reference's proven optimum, where it
has one, is what L1 is compared with, else the LP bound."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _solve(path: Path, time_limit: float) -> tuple[dict, float, float]:
    """The solution, the wall seconds and the peak RSS (MB) of `placements solve` on `path`."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "solution.json"
        began = time.perf_counter()
        child = subprocess.Popen(
            [str(Path(sys.executable).with_name("placements")), "solve", str(path), "-o", str(out),
             "--time-limit", str(time_limit), "--quiet"], stderr=subprocess.PIPE)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - began
        errors = child.stderr.read().decode() if child.stderr else ""
        child.stderr and child.stderr.close()
        if os.waitstatus_to_exitcode(status) != 0:
            raise RuntimeError(f"placements solve {path.name} failed:\n{errors}")
        return json.loads(out.read_text()), seconds, usage.ru_maxrss / 1024


def rows(corpus: Path, time_limit: float, echo) -> list[list[str]]:
    """One row of figures per instance of the corpus."""
    from solver import parse_problem
    from solver.baseline import first_come_first_served
    from solver.relaxation import lp_bound

    figures = corpus / "reference.json"
    reference = json.loads(figures.read_text())["instances"] if figures.exists() else {}
    out = []
    for path in sorted(p for p in corpus.glob("*.json") if p != figures):
        name, ref = path.stem, reference.get(path.stem, {})
        solution, seconds, rss = _solve(path, time_limit)
        problem = parse_problem(json.loads(path.read_text()))
        fcfs = first_come_first_served(problem)["objective"]["weighted_placed"]
        optimum = ref.get("optimum")
        target = float(optimum) if optimum is not None else lp_bound(problem)
        l1 = solution["objective"]["weighted_placed"]
        stages = {s["name"]: s for s in solution["stages"]}
        l3_gap = stages["L3"]["gap"]
        row = [name, str(len(problem.requests)), str(l1), str(solution["objective"]["bound"]),
               f"{target:.1f} ({'optimum' if optimum is not None else 'LP'})",
               f"{l1 / target:.4f}", solution["status"],
               f"{solution['objective']['min_college_fill_rate']:.4f} ({stages['L2']['status']})",
               "-" if l3_gap is None else f"{l3_gap:.2%} ({stages['L3']['status']})",
               f"{solution['solve_seconds']:.1f}", f"{seconds:.1f}", f"{rss:.0f}", str(fcfs),
               f"{(l1 - fcfs) / fcfs:+.2%}"]
        echo(" | ".join(row))
        out.append(row)
    return out


COLUMNS = ("instance", "requests", "L1", "proven bound", "optimum or LP bound", "L1 ratio",
           "status", "L2 (stage)", "L3 gap (stage)", "solve s", "process s", "peak RSS MB",
           "FCFS L1", "gain over FCFS")
