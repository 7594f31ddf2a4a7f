"""Solves: requesting one, the exact input a worker solved, and recording its proposals.

The jobs (placements/solving.py) call `begin_solve`, run the solver on the parsed problem it
returns (whole, or split into pieces: placements/pieces.py), and hand the solution to
`record_solution`, which writes every proposal, every unplaced reason and the solve's
completion in one transaction, at most once per solve.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update

from domain.errors import InvalidInput, NotFound, Unavailable
from domain.organizations import Organization
from domain.placements import LIVE, PlacementStatus
from domain.solves import UNFINISHED, Solve, SolveStatus
from domain.students import PlacementRequest
from placements import exclusions, pieces, solve_inputs
from placements.base import AreaService, command
from placements.paging import Page, page
from placements.principals import Principal
from placements.proposals import Proposals
from placements.read.placements import placement_rows
from placements.read.solves import solve_progress, solves
from placements.solving import injected_delay
from solver import Problem


@dataclass(frozen=True)
class SolveInput:
    """What a solve job works on: the recorded problem (parsed), its hash, the time limit."""

    problem: Problem
    problem_hash: str
    time_limit: float


class Solves(AreaService):
    @command
    def request_solve(self, principal: Principal, college: str | None = None,
                      time_limit: float | None = None) -> dict:
        """Record SolveRequested and enqueue its job, or neither (503 when the queue is down)."""
        principal.require("admin", "coordinator")
        if principal.role == "coordinator":
            if college not in (None, principal.org):
                raise InvalidInput("college", "a coordinator solves its own college only")
            college = principal.org
        elif college is not None:
            self.uow.referenced(Organization, college, "college", "organization")
        if self.uow.jobs is None:
            raise Unavailable("this process has no job queue configured")
        self.uow.jobs.check()
        limit = min(time_limit or self.uow.settings.solve_time_limit,
                    self.uow.settings.solve_time_limit)
        solve = Solve(principal.actor, college, limit)
        self.uow.commit(solve, before_commit=lambda: self.uow.jobs.enqueue_solve(str(solve.id)))
        return self.solve(principal, str(solve.id))

    def solve(self, principal: Principal, solve_id: str) -> dict:
        principal.require("admin", "coordinator", "compliance")
        row = self.uow.read_row(solves, solve_id, "solve")
        if principal.role == "coordinator" and row["college"] not in (None, principal.org):
            raise NotFound(f"no such solve: {solve_id}")
        return self._solve_view(principal, row)

    def solves(self, principal: Principal, limit: int, cursor: str | None) -> Page:
        principal.require("admin", "coordinator", "compliance")
        q = select(solves)
        if principal.role == "coordinator":
            q = q.where((solves.c.college.is_(None)) | (solves.c.college == principal.org))
        p = page(self.uow.engine, solves, q, limit, cursor)
        return Page(self._solve_views(principal, p.items), p.next_cursor)

    def _solve_view(self, principal: Principal, row: dict) -> dict:
        return self._solve_views(principal, [row])[0]

    def _solve_views(self, principal: Principal, rows: list[dict]) -> list[dict]:
        split = [r["id"] for r in rows if r["pieces"]]
        running = [r["id"] for r in rows if r["status"] == SolveStatus.RUNNING]
        done, progress = {}, {}
        if split or running:
            with self.uow.connection() as conn:
                done = pieces.done_counts(conn, split) if split else {}
                progress = dict(conn.execute(
                    select(solve_progress.c.solve, solve_progress.c.stages)
                    .where(solve_progress.c.solve.in_(running))).all()) if running else {}
        views = []
        for row in rows:
            result = row["result"] or {}
            unplaced = result.get("unplaced", [])
            excluded = result.get("excluded", [])
            if principal.role == "coordinator":  # only its own students
                unplaced = [u for u in unplaced if u.get("college") == principal.org]
                excluded = [e for e in excluded if e.get("college") == principal.org]
            views.append({
                "id": row["id"], "version": row["version"], "status": row["status"],
                "college": row["college"], "attempts": row["attempts"],
                "problem_hash": row["problem_hash"], "log_position": row["log_position"],
                "pieces": {"done": done.get(row["id"], 0), "total": row["pieces"]}
                if row["pieces"] else None,
                "solver_status": result.get("status"), "objective": result.get("objective"),
                "metrics": result.get("metrics"), "solve_seconds": result.get("solve_seconds"),
                # Settled so far while it runs; the solution's once done.
                "stages": result.get("stages") or progress.get(row["id"], []),
                "unplaced": unplaced, "excluded": excluded, "error": row["error"]})
        return views

    # The worker's side ---------------------------------------------------------------------

    @command
    def begin_solve(self, solve_id: str, worker: str) -> SolveInput | None:
        """Mark the solve running, record the exact problem to solve and return it parsed;
        None when the solve is finished, or split (its pieces carry it). The problem is parsed
        (placements/exclusions.py makes sure it is valid) before the commit takes the log's
        lock."""
        solve = self.uow.load(Solve, solve_id, "solve")
        if solve.finished or solve.pieces is not None:
            return None
        with self.uow.connection() as conn:
            position = self.uow.recorder.max_notification_id() or 0
            problem, parsed, excluded = exclusions.valid_problem(conn, solve.college)
            digest = solve_inputs.store(conn, problem)
        actor = f"worker:{worker}"
        solve.start(actor, worker)
        solve.record_input(actor, digest, position, excluded)
        self.uow.commit(solve)
        return SolveInput(parsed, digest, solve.time_limit)

    def solve_input(self, solve_id: str) -> dict:
        """The exact problem a solve ran on (to re-run it)."""
        row = self.uow.read_row(solves, solve_id, "solve")
        with self.uow.connection() as conn:
            problem = solve_inputs.load(conn, row["problem_hash"])
        if problem is None:
            raise NotFound(f"solve {solve_id} has no recorded input yet")
        return problem

    @command
    def record_solution(self, solve_id: str, worker: str, problem: Problem,
                        solution: dict) -> bool:
        """Write proposals, unplaced reasons and completion together; False if already done.

        The proposals (new ones, and the unconfirmed ones they replace) are built in bulk,
        without an aggregate each (placements/proposals.py): a proposal's student, college,
        site, employer and preceptor are the solved input's (fields that never change on those
        aggregates), and the proposal it supersedes is its read-model row."""
        solve = self.uow.load(Solve, solve_id, "solve")
        if solve.finished:
            return False
        actor = f"worker:{worker}"
        student_of = {r.id: r.student for r in problem.requests.values()}
        student_college = {s.id: s.college for s in problem.students.values()}
        assigned = {a["request"]: a["slot"] for a in solution["assignments"]}
        with self.uow.connection() as conn:
            live = {p["request"]: p for p in conn.execute(select(placement_rows).where(
                placement_rows.c.status.in_(LIVE))).mappings()}
        built = Proposals(self.uow.mapper, actor, solve_id)
        for request_id in student_of:
            current = live.get(request_id)
            slot_id = assigned.get(request_id)
            if current is not None and current["status"] != PlacementStatus.PROPOSED:
                continue  # a held seat is never touched by a solve
            if current is not None and current["slot"] == slot_id:
                continue  # the proposal stands
            if current is not None:
                built.supersede(dict(current))
            if slot_id is not None:
                student, slot = student_of[request_id], problem.slots[slot_id]
                built.create(request_id, student, student_college[student], slot_id,
                             slot.site, problem.sites[slot.site].employer, slot.preceptor)
        reasons = solution["unplaced"]
        unplaced_request = self.uow.load_many(PlacementRequest, [u["request"] for u in reasons],
                                              "placement request")
        changed: list = []
        unplaced = []
        for u, request in zip(reasons, unplaced_request, strict=True):
            request.record_unplaced(actor, solve_id, u["reason"], u.get("detail", ""))
            changed.append(request)
            unplaced.append({**u, "college": student_college.get(student_of[u["request"]])})
        solve.complete(actor, {k: solution.get(k) for k in ("status", "objective", "metrics",
                                                            "solve_seconds", "stages")}
                       | {"unplaced": unplaced, "assignments": len(assigned),
                          "excluded": solve.excluded})
        self.uow.commit(solve, *changed, batch=built.batch)
        injected_delay("record")
        return True

    @command
    def report_stage(self, solve_id: str, stage: dict) -> None:
        """A stage the worker settled (solver/report.py's record), shown while the solve runs.
        A piece of a split solve reports its own stages, tagged with the piece; a whole solve's
        L1 starts the list afresh (a retried attempt's)."""
        row = solve_progress.c
        with self.uow.engine.begin() as conn:
            stages = conn.execute(select(row.stages).where(row.solve == solve_id)).scalar()
            if stages is not None and stage["name"] == "L1" and "piece" not in stage:
                stages = []
            if stages is None:
                conn.execute(solve_progress.insert().values(solve=solve_id, stages=[stage]))
            else:
                conn.execute(update(solve_progress).where(row.solve == solve_id)
                             .values(stages=[*stages, stage]))

    def fail_solve(self, solve_id: str, worker: str, error: str) -> None:
        solve = self.uow.load(Solve, solve_id, "solve")
        solve.fail(f"worker:{worker}", error[:2000])
        self.uow.commit(solve)

    def unfinished_solves(self) -> list[str]:
        with self.uow.engine.connect() as conn:
            return [r.id for r in conn.execute(select(solves.c.id).where(
                solves.c.status.in_(UNFINISHED)).order_by(solves.c.seq))]
