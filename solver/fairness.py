"""L2 settled by discrete targets: HiGHS proves the lowest college rate optimal, or finds a
higher one.

L2 = min over colleges of placed ÷ requested takes only the values k ÷ requested, so an
assignment has a higher L2 than `values` exactly when every college places at least
⌊z × requested⌋ + 1 (`objectives.above`, z the L2 of `values`). Whether one does with L1 kept
is an L1 question: maximise L1 with those integer rows (`Mip` stage "targets", no L1 row) and
stop as soon as HiGHS's dual bound falls below the settled L1 (no such assignment: `values`'s
L2 is optimal, a proof) or an assignment reaches it (a higher L2: the exchanges raise it
further, and the next targets are tried). **Why not the rate as a continuous z:** measured on
metro-2k-a (2026-11-30), HiGHS's MIP maximising z with L1 kept closed neither its bound
(0.7277) nor its solution (0.7241, the exchanges' 0.7257) in 60 s, and the pure feasibility
model (L1 kept as a row, the targets as rows, no objective) did not settle in 30 s by HiGHS or
CP-SAT; maximising L1 over the targets proved them infeasible with 6.7 s of CPU, as L1's
objective lets HiGHS prune by its bound.
"""

from __future__ import annotations

import logging
import threading
import time

from solver.cpsat import Keep, StageResult
from solver.exchange import raise_lowest
from solver.formulation import Formulation
from solver.mip import Mip
from solver.objectives import Goals, above, lowest_rate

log = logging.getLogger(__name__)

EXCHANGE_SECONDS = 0.5  # at most, after each higher assignment HiGHS finds
MIN_SECONDS = 0.2  # no model is built with less time left


class Proof:
    """L2 from `hint` (L1 kept at `keep.l1`): the race's tuned backend for L2
    (solver/race.py), with `Mip`'s `found` and `cancel`."""

    def __init__(self, f: Formulation, goals: Goals, keep: Keep,
                 raised: threading.Event | None = None):
        """`raised` is set as soon as an assignment with a higher L2 is found."""
        self.f = f
        self.raised = raised
        self.goals = goals
        self.level = keep.l1
        self.found: int | None = None  # a value another backend found (unused: no bound here)
        self._mip: Mip | None = None
        self._cancelled = threading.Event()

    def cancel(self) -> None:
        self._cancelled.set()
        if self._mip is not None:
            self._mip.cancel()

    def solve(self, hint: list[int], time_limit: float, rel_gap: float = 0.0
              ) -> StageResult | None:
        """The best assignment found, OPTIMAL with its own L2 as bound once proven."""
        deadline = time.perf_counter() + time_limit
        values = hint
        colleges = self.goals.colleges
        # Each college's requests that some variable places: no target above it can be met.
        reachable = {c: len({r for v in vs for r in self.f.members[v]
                             if self.f.problem.students[
                                 self.f.problem.requests[r].student].college == c})
                     for c, vs in colleges.placed_by.items()}
        while not self._cancelled.is_set() and time.perf_counter() < deadline - MIN_SECONDS:
            began = time.perf_counter()
            targets = above(colleges, values)
            if any(t > reachable.get(c, 0) for c, t in targets.items()):
                return StageResult(values, "OPTIMAL", lowest_rate(colleges, values))
            self._mip = Mip(self.f, self.goals, Keep(l1=self.level), "targets",
                            targets=targets)
            if self._cancelled.is_set():
                break
            reached = self._mip.reach(self.level, deadline - time.perf_counter())
            log.debug("fairness: above %d: %s in %.1f s", lowest_rate(colleges, values),
                      "met" if reached else "unknown" if reached is None else "proven none",
                      time.perf_counter() - began)
            if reached is False:
                return StageResult(values, "OPTIMAL", lowest_rate(colleges, values))
            if reached is None:
                break
            if self.raised is not None:
                self.raised.set()
            values = raise_lowest(self.f, self.goals, reached, min(
                deadline, time.perf_counter() + EXCHANGE_SECONDS))
        return StageResult(values, "FEASIBLE", None)
