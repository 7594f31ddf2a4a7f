"""A solve: one run of the allocation over the consortium (or one college's share of it).

    queued ──started──▶ running ──completed──▶ done
                         │  └──split──▶ running, in pieces ──completed──▶ done
                         └──failed (retries exhausted)──▶ failed
A worker that dies mid-run leaves the solve running; the retry starts it again (attempt + 1),
and only one `Completed` can ever be recorded, so proposals are written exactly once. A large
solve is split once, on the input it recorded: from then on its pieces carry it (each retried
alone) and it is never started again.
"""

from __future__ import annotations

from enum import StrEnum

from eventsourcing.domain import event

from domain.base import Aggregate
from domain.errors import Conflict


class SolveStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


UNFINISHED = frozenset({SolveStatus.QUEUED, SolveStatus.RUNNING})
FINISHED = frozenset({SolveStatus.DONE, SolveStatus.FAILED})


class Solve(Aggregate):
    @event("Requested")
    def __init__(self, actor: str, college: str | None, time_limit: float):
        self.college = college  # None: consortium-wide; else that college's requests only
        self.time_limit = time_limit
        self.status = SolveStatus.QUEUED
        self.attempts = 0
        self.problem_hash: str | None = None
        self.log_position: int | None = None
        self.pieces: int | None = None  # set when split: solved as that many separate jobs
        self.result: dict | None = None
        self.error: str | None = None
        self.excluded: list[dict] = []

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    def start(self, actor: str, worker: str) -> None:
        if self.finished:
            raise Conflict(f"the solve is already {self.status}", code="solve_finished")
        if self.pieces is not None:
            raise Conflict("the solve is split: its pieces carry it", code="solve_split")
        self._started(actor, worker)

    @event("Started")
    def _started(self, actor: str, worker: str) -> None:
        self.status = SolveStatus.RUNNING
        self.attempts += 1

    @event("InputRecorded")
    def record_input(self, actor: str, problem_hash: str, log_position: int,
                     excluded: list[dict] | None = None) -> None:
        """The exact problem solved: its content hash (input kept by hash), the log position
        the read models were at when it was built, and the records left out of it because they
        would have made it invalid (placements/exclusions.py)."""
        self.problem_hash = problem_hash
        self.log_position = log_position
        self.excluded = excluded or []

    def split(self, actor: str, problem_hash: str, pieces: int) -> None:
        """Solve the recorded input as `pieces` separate jobs, joined when all are done."""
        if self.finished:
            raise Conflict(f"the solve is already {self.status}", code="solve_finished")
        if self.pieces is not None:
            raise Conflict("the solve is already split", code="solve_split")
        if problem_hash != self.problem_hash:
            # Another attempt recorded a newer input since this one planned its pieces.
            raise Conflict("the solve's input changed since it was planned",
                           code="solve_input_changed")
        if pieces < 2:
            raise Conflict("a split needs at least two pieces", code="solve_split")
        self._split(actor, pieces)

    @event("Split")
    def _split(self, actor: str, pieces: int) -> None:
        self.pieces = pieces

    def complete(self, actor: str, result: dict) -> None:
        if self.finished:
            raise Conflict(f"the solve is already {self.status}", code="solve_finished")
        self._completed(actor, result)

    @event("Completed")
    def _completed(self, actor: str, result: dict) -> None:
        self.status = SolveStatus.DONE
        self.result = result

    def fail(self, actor: str, error: str) -> None:
        if not self.finished:
            self._failed(actor, error)

    @event("Failed")
    def _failed(self, actor: str, error: str) -> None:
        self.status = SolveStatus.FAILED
        self.error = error
