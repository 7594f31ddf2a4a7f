"""One stage over a whole formulation, raced: HiGHS (solver/mip.py) in one thread, and in the
other CP-SAT over the whole formulation (up to CPSAT_LIMIT variables) or, above, CP-SAT on
neighbourhoods guided by the stage's LP (solver/stages.py), all from the same hint until the
deadline. HiGHS proves bounds; the other often finds the better assignment first, and tells
HiGHS, which stops as soon as its bound comes down to it. Once the best assignment found is
proven (optimal, or within the stage's relative gap), the others are stopped. The result is the
better of their solutions and the lower of their proven bounds, so it is never worse than either
backend alone given the same time.

The backends release the GIL while they search, so on two cores each has one. **Why not CP-SAT
whole above CPSAT_LIMIT:** measured on a 47,000-variable dense metro model, CP-SAT with one
worker found no solution from a feasible hint in 35 s (its root LP alone takes that long), while
HiGHS proved the optimum.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from solver.cpsat import Keep, Model, StageResult
from solver.fairness import Proof
from solver.formulation import Formulation
from solver.mip import Mip
from solver.objectives import Goals

log = logging.getLogger(__name__)

# Variables: CP-SAT races HiGHS whole up to this size, where it was measured proving generated
# instances' parts whole in seconds (docs/BENCHMARKS.md).
CPSAT_LIMIT = 40_000
GRACE = 0.25  # seconds past its deadline a race waits for a backend to heed its cancel
# Of a race's time, at most this much for the search before HiGHS starts, when they take turns.
TURN_SHARE = 0.6
BACKEND = "backend"  # the name of every thread a backend runs in begins with this


def backends_running() -> bool:
    """Whether a backend left to end past its deadline is still running (a process may exit
    without waiting for it: its result is no longer wanted)."""
    return any(t.name.startswith(BACKEND) and t.is_alive() for t in threading.enumerate())


class Stop:
    """Asks a search to end: checked between its rounds, and the model it is solving stopped
    at once (`halt`: a CP-SAT model's `stop` or a HiGHS model's `cancel`)."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self.halt: Callable[[], None] | None = None

    def set(self) -> None:
        self._event.set()
        if self.halt is not None:
            self.halt()

    def is_set(self) -> bool:
        return self._event.is_set()


# A neighbourhood search: (hint, deadline, stop, improved) -> its best assignment.
Search = Callable[[list[int], float, Stop, Callable[[list[int]], None]], list[int]]


def settled(score: int, bound: int | None, rel_gap: float) -> bool:
    """Whether a stage's value is proven within `rel_gap` of its bound (0: optimal)."""
    return bound is not None and bound - score <= rel_gap * max(1, abs(bound))


def race(stage: str, f: Formulation, goals: Goals, keep: Keep, hint: list[int],
         deadline: float, score: Callable[[list[int]], int], rel_gap: float = 0.0,
         workers: int = 1, search: Search | None = None, rival: str = "cp-sat",
         cancel: threading.Event | None = None, in_turn: bool = False) -> StageResult | None:
    """Settle `stage` ("placed", "fairness" or "preferences") over all of `f`; None when no
    backend found anything in time. HiGHS (tuned) races `search` when given, else `rival`:
    "cp-sat" (the whole model) or "highs" (HiGHS with its default settings, `Mip(plain=True)`).
    `cancel`, when set, ends the race as its deadline would. `in_turn` (with `search`): HiGHS
    starts once the search has ended (or TURN_SHARE of the time has passed), from its best
    assignment, rather than beside it from `hint`."""
    results: dict[str, StageResult | None] = {}
    found: list[list[int]] = []  # the neighbourhood search's improvements
    scores: list[int] = []  # of every result and improvement so far
    bounds: list[int] = []  # every bound proven so far
    lock = threading.Lock()
    mip: list[Mip | Proof] = []
    model: list[Model] = []
    stop = Stop()
    done = threading.Event()
    in_turn = in_turn and search is not None
    searched = threading.Event()  # the search has ended
    turn = time.perf_counter() + max(0.0, deadline - time.perf_counter()) * TURN_SHARE

    def kept(name: str, result: StageResult | None) -> None:
        with lock:
            results[name] = result
            if result is not None:
                scores.append(score(result.values))
                if result.bound is not None:
                    bounds.append(result.bound)

    def best() -> tuple[int | None, int | None]:
        """The best value found by anyone, and the lowest bound proven so far."""
        with lock:
            return max(scores, default=None), min(bounds, default=None)

    def check() -> None:
        value, bound = best()
        if value is not None and settled(value, bound, rel_gap):
            done.set()

    def improved(values: list[int]) -> None:
        value = score(values)
        with lock:
            found.append(values)
            scores.append(value)
        for m in mip:
            m.found = value
            if isinstance(m, Mip):
                m.offer(values)

    def run_highs(plain: bool = False) -> None:
        start = hint
        if in_turn:
            searched.wait(max(0.0, turn - time.perf_counter()))
            if stop.is_set():  # the race ended first: no model is built
                kept("highs", None)
                return
            with lock:
                start = max([hint, *found[-1:]], key=score)
        began = time.perf_counter(), time.thread_time()
        name = "plain highs" if plain else "highs"
        # L2's tuned backend proves it by discrete targets (solver/fairness.py).
        m = (Proof(f, goals, keep) if stage == "fairness" and not plain
             else Mip(f, goals, keep, stage, plain=plain))
        with lock:
            mip.append(m)
            if found:
                m.found = score(found[-1])
        left = deadline - time.perf_counter()
        kept(name, None if done.is_set() or stop.is_set() else m.solve(start, left, rel_gap))
        _log(stage, name, results[name], score, began)
        with lock:
            for other in mip:  # what it found is a value the other need not look beyond
                if other is not m and results[name] is not None:
                    other.found = max(other.found or score(results[name].values),
                                      score(results[name].values))
        check()

    def run_cpsat() -> None:
        began = time.perf_counter(), time.thread_time()
        m = Model(f, goals, keep, workers=workers)
        model.append(m)
        left = deadline - time.perf_counter()
        kept("cp-sat", None if done.is_set() or left <= 0
             else getattr(m, stage)(hint, left, rel_gap))
        _log(stage, "cp-sat", results["cp-sat"], score, began)
        check()

    def run_search() -> None:
        began = time.perf_counter(), time.thread_time()
        values = search(hint, deadline, stop, improved)
        searched.set()
        kept("neighbourhoods", StageResult(values, "FEASIBLE", None))
        _log(stage, "neighbourhoods", results["neighbourhoods"], score, began)
        check()

    if search is not None:
        others = run_search
    elif rival == "highs":
        def others() -> None:
            run_highs(plain=True)
    else:
        others = run_cpsat
    # A backend that does not heed its cancel (HiGHS in presolve, say) is left to end on its
    # own GRACE seconds past the deadline. Not a daemon thread: HiGHS still running in a daemon
    # thread at the interpreter's exit aborts the process ("terminate called without an active
    # exception": `placements solve metro-2k-a.json --time-limit 30` on a loaded machine,
    # 2026-11-30, with daemon threads); `placements solve` ends with `os._exit` once its
    # solution is written while one runs (`backends_running`).
    threads = [threading.Thread(target=run_highs, name=f"{BACKEND} {stage} highs"),
               threading.Thread(target=others, name=f"{BACKEND} {stage} {rival}")]
    for t in threads:
        t.start()
    cut = deadline  # the race's end: its deadline, or when `cancel` was set
    while any(t.is_alive() for t in threads):
        check()
        if cancel is not None and cancel.is_set():
            cut = min(cut, time.perf_counter())
        # Past the deadline too: a backend can overrun its own time limit (e.g. in presolve).
        if done.wait(0.05) or time.perf_counter() > cut:
            # Stop the others, again until they end: a stop sent while one was still being
            # built would be lost.
            for m in mip:
                m.cancel()
            for m in model:
                m.stop()
            stop.set()
            searched.set()  # a HiGHS waiting for its turn need wait no longer
        for t in threads:
            t.join(0.05 if done.is_set() or time.perf_counter() > cut else 0)
        if time.perf_counter() > cut + GRACE:
            log.debug("%s: a backend still running %.2f s past the race's end is left to end",
                      stage, time.perf_counter() - cut)
            break
    with lock:
        candidates = [r.values for r in results.values() if r is not None] + found[-1:]
        # A HiGHS model left running past the deadline has its dual bound as it went: proven
        # all the same (its own full model of the stage).
        bounds.extend(m.live_bound for m in mip
                      if isinstance(m, Mip) and m.live_bound is not None)
    if not candidates:
        return None
    values = max(candidates, key=score)
    _, bound = best()
    return StageResult(values, "OPTIMAL" if settled(score(values), bound, 0.0) else "FEASIBLE",
                       bound)


def _log(stage: str, name: str, result: StageResult | None, score,
         began: tuple[float, float]) -> None:
    """The wall seconds, and the thread's own CPU seconds (what a quiet machine would take)."""
    log.debug("%s %s: %s in %.1f s (%.1f s of CPU)", stage, name,
              "nothing" if result is None else f"{score(result.values)} (bound {result.bound})",
              time.perf_counter() - began[0], time.thread_time() - began[1])
