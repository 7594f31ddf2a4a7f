"""Solving, as one use case: begin a solve, split it or solve it whole, solve each piece, join
the pieces, record the solution.

A solve job builds the problem from the read models and records its exact input on the solve
(`begin_solve`, which hands back the parsed `Problem`). A large problem (more requests than the
split threshold, more than one independent piece) is then split: `split_solve` records
`Solve.Split` and enqueues a piece job per piece; each piece job settles its share of the
recorded input within its share of the time limit (`piece_time_limit`) and stores the result,
and the job that stores the last one enqueues the join, which records the solution. Any other
problem the solve job solves whole and records. Every step is safe to repeat: a retried solve
job starts the solve again (unless it is split), a retried piece does nothing once its result is
stored, and only one `Completed` can be recorded for a solve.

The same functions run in an RQ worker (workers/jobs.py) and in the embedded thread
(workers/job_queue.py); they take the application and the worker's name.
"""

from __future__ import annotations

import logging
import math
import os
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from domain.errors import NotFound
from placements.settings import Settings
from solver import Problem, solve
from solver.allocate import GLOBAL_LIMIT, join, plan, solve_piece

if TYPE_CHECKING:
    from placements.app import PlacementsApp

log = logging.getLogger(__name__)

T = TypeVar("T")
COMMIT_WAIT = 10.0  # seconds a job waits for the transaction that enqueued it to commit

# A piece's time limit is its share (by requests) of the solve's, so a split solve on one
# worker takes about as long as solved whole, and on k workers about 1/k of it; never less than
# this share, since every large part needs its LP and first neighbourhoods.
MIN_PIECE_SHARE = 0.25


def pieces_of(problem: Problem, settings: Settings) -> list[list[str]]:
    """The request ids of each piece to solve as a separate job; a single piece means whole.

    Only above the solver's GLOBAL_LIMIT (by default): below it the solver settles L2 and L3 in
    one model over every part; above it L3 part by part, and L2 across the parts of each piece
    (not across pieces: docs/JOBS.md)."""
    above = GLOBAL_LIMIT if settings.solve_split_above is None else settings.solve_split_above
    requests = len(problem.requests)
    if requests <= above:
        return [list(problem.requests)]
    return plan(problem, math.ceil(requests / settings.solve_piece_requests))


def piece_time_limit(time_limit: float, requests: int, of: int) -> float:
    """A piece's share of its solve's time limit, by requests, within [MIN_PIECE_SHARE, 1]."""
    return time_limit * min(1.0, max(MIN_PIECE_SHARE, requests / max(of, 1)))


def when_committed(begin: Callable[[], T], what: str) -> T | None:
    """`begin()`, waiting a little while it raises NotFound: a job is enqueued inside the
    transaction that records its solve (or its split), so it can start a moment before that
    commit is visible; one that never commits is never found."""
    deadline = time.monotonic() + COMMIT_WAIT
    while True:
        try:
            return begin()
        except NotFound:
            if time.monotonic() > deadline:
                log.warning("%s was never committed; nothing to do", what)
                return None
            time.sleep(0.2)


def injected_delay(point: str = "solve") -> None:
    """Fault injection for failure drills and tests: PLACEMENTS_FAULT_SOLVE_DELAY seconds of
    sleep just before a job solves, so a drill can kill its worker mid-solve;
    PLACEMENTS_FAULT_RECORD_DELAY seconds inside `record_solution`'s transaction, after its rows
    and events are written and before the commit (the event table locked), so a drill can kill
    it mid-record. Unset or 0: no delay."""
    delay = float(os.environ.get(f"PLACEMENTS_FAULT_{point.upper()}_DELAY") or 0)
    if delay:
        time.sleep(delay)


def run_solve(app: PlacementsApp, worker: str, solve_id: str) -> str:
    """The solve job: begin, then split or solve whole and record."""
    begun = when_committed(lambda: app.solves.begin_solve(solve_id, worker), f"solve {solve_id}")
    if begun is None:
        return "nothing to do: the solve is finished or split"
    pieces = pieces_of(begun.problem, app.settings)
    if len(pieces) > 1:
        if app.pieces.split_solve(solve_id, worker, begun.problem_hash, pieces):
            return f"split into {len(pieces)} pieces"
        return "nothing to do: another attempt finished, split or restarted the solve"
    injected_delay()
    solution = solve(begun.problem, time_limit=begun.time_limit,
                     progress=lambda stage: app.solves.report_stage(solve_id, stage))
    recorded = app.solves.record_solution(solve_id, worker, begun.problem, solution)
    return "recorded" if recorded else "already recorded by another attempt"


def run_piece(app: PlacementsApp, worker: str, solve_id: str, piece: int) -> str:
    """A piece job: solve one piece of a split solve, store it; the last one enqueues the join."""
    work = when_committed(lambda: app.pieces.begin_piece(solve_id, piece, worker),
                          f"the split of solve {solve_id}")
    if work is None:
        return "nothing to do: the solve is finished or the piece stored"
    injected_delay()
    result = solve_piece(work.problem, work.requests, work.time_limit,
                         progress=lambda stage: app.solves.report_stage(solve_id,
                                                                        {**stage, "piece": piece}))
    if app.pieces.store_piece(solve_id, piece, result):
        # Should this enqueue be lost (worker killed, Redis blinked), recovery enqueues the
        # join of a solve whose pieces are all stored.
        app.jobs.enqueue_join(solve_id)
        return "stored, the last piece: join enqueued"
    return "stored"


def run_join(app: PlacementsApp, worker: str, solve_id: str) -> str:
    """The join job: one solution from every piece's result, recorded once."""
    pieces = app.pieces.pieces_to_join(solve_id)
    if pieces is None:
        return "nothing to do: the solve is finished, or pieces are still to come"
    elapsed = time.time() - pieces.started
    # L2 is raised across the pieces with what is left of the solve's time limit (on several
    # workers the pieces end well before it; docs/JOBS.md).
    solution = join(pieces.problem, pieces.results, elapsed,
                    time.perf_counter() + max(0.0, pieces.time_limit - elapsed))
    recorded = app.solves.record_solution(solve_id, worker, pieces.problem, solution)
    return "recorded" if recorded else "already recorded by another attempt"


def run_or_fail(app: PlacementsApp, job: Callable[..., str], worker: str, solve_id: str,
                *args) -> None:
    """A job without retries (the embedded thread): a failure is recorded on the solve at once."""
    try:
        job(app, worker, solve_id, *args)
    except Exception as e:
        log.exception("solve %s failed", solve_id)
        app.solves.fail_solve(solve_id, worker, f"{type(e).__name__}: {e}")
