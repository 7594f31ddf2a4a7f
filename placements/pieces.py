"""Split solves: the pieces a large solve is cut into, their results, and what the join reads.

A solve job that finds its problem large records `Solve.Split` and writes one row per piece
(the request ids it settles) in the same transaction, enqueueing a job per piece just before
the commit. Each piece job stores its result in its row; the first attempt to store wins, so a
retried piece skips or is ignored. When the last piece is stored the join job reads them all
and records the solution once, through `record_solution` (placements/solves.py). The
jobs' side of it all is placements/solving.py.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.engine import Connection

from domain.errors import NotFound
from domain.solves import Solve
from placements import solve_inputs
from placements.base import AreaService, command
from placements.read.pieces import solve_pieces
from placements.solving import piece_time_limit
from solver import Problem, parse_problem


@dataclass(frozen=True)
class Piece:
    """What a piece job solves: the whole recorded input, its share of the requests, the limit."""

    problem: Problem
    requests: list[str]
    time_limit: float


@dataclass(frozen=True)
class PieceResults:
    """Everything the join needs: the recorded input, every piece's result, when they began
    (wall clock) and the solve's time limit."""

    problem: Problem
    results: list[dict]
    started: float
    time_limit: float


def done_counts(conn: Connection, solve_ids: list[str]) -> dict[str, int]:
    """Pieces stored so far, by solve (split solves only)."""
    return dict(conn.execute(
        select(solve_pieces.c.solve, func.count(solve_pieces.c.finished))
        .where(solve_pieces.c.solve.in_(solve_ids)).group_by(solve_pieces.c.solve)).all())


class SolvePieces(AreaService):
    @command
    def split_solve(self, solve_id: str, worker: str, problem_hash: str,
                    plan: list[list[str]]) -> bool:
        """Record the split into these pieces and enqueue a job for each, or none of it; False
        when another attempt finished the solve, split it, or recorded a newer input."""
        solve = self.uow.load(Solve, solve_id, "solve")
        if solve.finished or solve.pieces is not None or solve.problem_hash != problem_hash:
            return False
        solve.split(f"worker:{worker}", problem_hash, len(plan))
        with self.uow.connection() as conn:  # the command's transaction: they commit together
            conn.execute(solve_pieces.insert(), [
                {"solve": solve_id, "piece": n, "requests": requests, "attempts": 0}
                for n, requests in enumerate(plan)])

        def enqueue() -> None:
            for n in range(len(plan)):
                self.uow.jobs.enqueue_piece(solve_id, n)

        self.uow.commit(solve, before_commit=enqueue)
        return True

    def begin_piece(self, solve_id: str, piece: int, worker: str) -> Piece | None:
        """Count an attempt at a piece and return its work; None when the solve is finished or
        the piece already stored. NotFound until the split is committed. Not a command: the
        attempt is counted at once, in a transaction of its own."""
        solve = self.uow.load(Solve, solve_id, "solve")
        if solve.finished:
            return None
        if solve.pieces is None:
            raise NotFound(f"solve {solve_id} is not split")
        row = solve_pieces.c
        with self.uow.engine.begin() as conn:
            requests = conn.execute(
                update(solve_pieces)
                .where(row.solve == solve_id, row.piece == piece, row.finished.is_(None))
                .values(attempts=row.attempts + 1, worker=worker,
                        started=func.coalesce(row.started, time.time()))
                .returning(row.requests)).scalar()
            if requests is None:
                return None
            problem = solve_inputs.load(conn, solve.problem_hash)
        return Piece(parse_problem(problem), requests,
                     piece_time_limit(solve.time_limit, len(requests), len(problem["requests"])))

    def store_piece(self, solve_id: str, piece: int, result: dict) -> bool:
        """Keep a piece's result unless an earlier attempt's is kept; True when every piece of
        the solve is stored. Counted after the commit, so of two pieces finishing together at
        least the later one sees the set complete."""
        row = solve_pieces.c
        with self.uow.engine.begin() as conn:
            conn.execute(update(solve_pieces)
                         .where(row.solve == solve_id, row.piece == piece, row.finished.is_(None))
                         .values(result=result, finished=time.time()))
        return not self.missing_pieces(solve_id)

    def missing_pieces(self, solve_id: str) -> list[int] | None:
        """The pieces of a split solve not stored yet; None when the solve is not split."""
        row = solve_pieces.c
        with self.uow.connection() as conn:
            pieces = conn.execute(select(row.piece, row.finished)
                                  .where(row.solve == solve_id).order_by(row.piece)).all()
        return [p.piece for p in pieces if p.finished is None] if pieces else None

    def pieces_to_join(self, solve_id: str) -> PieceResults | None:
        """The input and every piece's result; None when the solve is finished, not split, or
        still has pieces to come."""
        solve = self.uow.load(Solve, solve_id, "solve")
        if solve.finished or solve.pieces is None:
            return None
        row = solve_pieces.c
        with self.uow.connection() as conn:
            pieces = conn.execute(select(row.result, row.started, row.finished)
                                  .where(row.solve == solve_id).order_by(row.piece)).all()
            if len(pieces) != solve.pieces or any(p.finished is None for p in pieces):
                return None
            problem = solve_inputs.load(conn, solve.problem_hash)
        return PieceResults(parse_problem(problem), [p.result for p in pieces],
                            min(p.started for p in pieces), solve.time_limit)
