"""One stage over a whole formulation, raced: HiGHS (solver/mip.py) and CP-SAT (solver/cpsat.py)
each solve it in a thread of their own from the same hint, until the deadline. The first to
settle the stage (proven optimal, or within its relative gap) stops the other. The result is
the better of their solutions and the lower of their proven bounds, so it is never worse than
either backend alone given the same time.

Both release the GIL while they search, so on two cores each has one. Above CPSAT_LIMIT
variables HiGHS runs alone: measured on a 47,000-variable dense metro model, CP-SAT with one
worker found no solution from a feasible hint in 35 s while HiGHS proved the optimum, and on a
shared machine the core CP-SAT took was HiGHS's loss.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from solver.cpsat import Keep, Model, StageResult
from solver.formulation import Formulation
from solver.mip import Mip
from solver.objectives import Goals

log = logging.getLogger(__name__)

# Variables: CP-SAT races HiGHS up to this size, where it was measured proving generated
# instances' parts whole in seconds (docs/BENCHMARKS.md).
CPSAT_LIMIT = 40_000


def settled(score: int, bound: int | None, rel_gap: float) -> bool:
    """Whether a stage's value is proven within `rel_gap` of its bound (0: optimal)."""
    return bound is not None and bound - score <= rel_gap * max(1, abs(bound))


def race(stage: str, f: Formulation, goals: Goals, keep: Keep, hint: list[int],
         deadline: float, score: Callable[[list[int]], int], rel_gap: float = 0.0,
         workers: int = 1) -> StageResult | None:
    """Settle `stage` ("placed", "fairness" or "preferences") over all of `f`; None when
    neither backend found a solution in time."""
    results: dict[str, StageResult | None] = {}
    backends: dict[str, object] = {}
    done = threading.Event()

    def run(name: str, make: Callable[[], object]) -> None:
        began = time.perf_counter()
        result = None
        try:
            backend = backends[name] = make()
            if not done.is_set():
                result = _run(name, backend, stage, hint, deadline, rel_gap)
        finally:
            results[name] = result
            if result is not None and settled(score(result.values), result.bound, rel_gap):
                done.set()
            log.debug("%s %s: %s in %.1f s", stage, name,
                      "no solution" if result is None else
                      f"{score(result.values)} (bound {result.bound})",
                      time.perf_counter() - began)

    threads = [threading.Thread(target=run, args=("highs", lambda: Mip(f, goals, keep, stage)))]
    if f.size <= CPSAT_LIMIT:
        threads.append(threading.Thread(target=run, args=(
            "cp-sat", lambda: Model(f, goals, keep, workers=workers))))
    for t in threads:
        t.start()
    while any(t.is_alive() for t in threads):
        # Past the deadline too: a backend can overrun its own time limit (e.g. in presolve).
        if done.wait(0.05) or time.perf_counter() > deadline:
            # Stop the other, again until it ends: a stop sent while it was still being
            # built would be lost.
            for backend in list(backends.values()):
                backend.cancel() if isinstance(backend, Mip) else backend.stop()
        for t in threads:
            t.join(0.05 if done.is_set() or time.perf_counter() > deadline else 0)
    found = [r for r in results.values() if r is not None]
    if not found:
        return None
    best = max(found, key=lambda r: score(r.values))
    bounds = [r.bound for r in found if r.bound is not None]
    bound = min(bounds) if bounds else None
    return StageResult(best.values,
                       "OPTIMAL" if settled(score(best.values), bound, 0.0) else "FEASIBLE",
                       bound)


def _run(name: str, backend, stage: str, hint: list[int], deadline: float, rel_gap: float
         ) -> StageResult | None:
    left = deadline - time.perf_counter()
    if left <= 0:
        return None
    if isinstance(backend, Mip):
        return backend.solve(hint, left, rel_gap)
    return getattr(backend, stage)(hint, left, rel_gap)
