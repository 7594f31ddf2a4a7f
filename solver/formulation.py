"""The allocation as 0/1 variables and linear constraints, one small function per constraint family.

A variable is one (request, slot) choice; a cohort group shares one variable per slot among its
members (H6). Every hard constraint is a row "Σ coefficient × variable ≤ bound" here, so the
same formulation feeds CP-SAT (solver/cpsat.py), the LP relaxation (solver/relaxation.py) and
the greedy passes (solver/greedy.py) alike. The "at one moment" limits are clique rows: H5 over
the sets of a preceptor's slots in session together, H4 over one student's requests.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from domain.schedule import Schedule, moment_sets, simultaneous
from solver.components import within_a_day
from solver.instance import Problem

Choice = tuple[str, str]  # (request id, slot id)


@dataclass
class Formulation:
    problem: Problem
    eligible: dict[str, list[str]]
    var_of: dict[Choice, int] = field(default_factory=dict)  # choice -> variable index
    members: list[list[str]] = field(default_factory=list)  # variable -> requests it places
    slot_of: list[str] = field(default_factory=list)  # variable -> slot
    # Each constraint: (variable -> coefficient, upper bound, kind) meaning Σ c·v <= ub; kind is
    # "request", "capacity", "preceptor" or "student" (what an unplaced request was blocked by).
    at_most: list[tuple[dict[int, int], int, str]] = field(default_factory=list)
    fixed: set[int] = field(default_factory=set)  # H7 locked variables (= 1)

    @property
    def size(self) -> int:
        return len(self.slot_of)

    @cached_property
    def rows_of(self) -> list[list[int]]:
        """Variable -> the indices of the rows it appears in."""
        out: list[list[int]] = [[] for _ in range(self.size)]
        for i, (coefs, _, _) in enumerate(self.at_most):
            for v in coefs:
                out[v].append(i)
        return out

    @cached_property
    def vars_of(self) -> dict[str, list[int]]:
        """Request -> its variables, in slot order."""
        out: dict[str, list[int]] = defaultdict(list)
        for (r, _), v in self.var_of.items():
            out[r].append(v)
        return {r: sorted(vs) for r, vs in out.items()}

    def weight(self, v: int) -> int:
        """L1 weight: the priorities of the requests the variable places."""
        return sum(self.problem.requests[r].priority for r in self.members[v])


@lru_cache(maxsize=1 << 20)
def _meets(a: Schedule, b: Schedule) -> bool:
    """Whether two slots with these schedules are simultaneous (a slot meets itself when it has
    a session at all); cached, as one consortium has far fewer schedules than slot pairs."""
    return simultaneous(a, b)


def build(problem: Problem, eligible: dict[str, list[str]]) -> Formulation:
    f = Formulation(problem, eligible)
    choices(f)
    one_slot_per_request(f)
    slot_capacity(f)
    preceptor_at_one_moment(f)
    student_at_one_moment(f)
    locked(f)
    return f


def _groups(problem: Problem) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = defaultdict(list)
    for r in problem.requests.values():
        if r.group is not None:
            groups[r.group].append(r.id)
    return groups


def choices(f: Formulation) -> None:
    """One variable per eligible (request, slot); a group's members share one per common slot."""
    def add(requests: list[str], slot: str) -> None:
        v = len(f.slot_of)
        f.slot_of.append(slot)
        f.members.append(requests)
        for r in requests:
            f.var_of[(r, slot)] = v

    grouped = set()
    for members in _groups(f.problem).values():
        grouped.update(members)
        if len({f.problem.requests[r].student for r in members}) < len(members):
            continue  # one student twice in a cohort would sit in one slot twice (H4)
        common = set(f.eligible[members[0]]).intersection(*(f.eligible[m] for m in members[1:]))
        for slot in f.eligible[members[0]]:
            if slot in common and f.problem.slots[slot].capacity >= len(members):
                add(members, slot)
    for r, slots in f.eligible.items():
        if r not in grouped:
            for slot in slots:
                add([r], slot)


def one_slot_per_request(f: Formulation) -> None:
    """H1 (and H6: a group's shared variables make it one choice for all its members)."""
    seen = set()
    for vs in f.vars_of.values():
        key = frozenset(vs)
        if len(vs) > 1 and key not in seen:
            seen.add(key)
            f.at_most.append(({v: 1 for v in vs}, 1, "request"))


def _vars_by_slot(f: Formulation) -> dict[str, list[int]]:
    out: dict[str, list[int]] = defaultdict(list)
    for v, slot in enumerate(f.slot_of):
        out[slot].append(v)
    return out


def slot_capacity(f: Formulation) -> None:
    """H3: a slot holds at most `capacity` requests (a group counts each member)."""
    for slot, vs in _vars_by_slot(f).items():
        load = {v: len(f.members[v]) for v in vs}
        if sum(load.values()) > f.problem.slots[slot].capacity:
            f.at_most.append((load, f.problem.slots[slot].capacity, "capacity"))


def preceptor_at_one_moment(f: Formulation) -> None:
    """H5: over each set of a preceptor's slots in session together, at most max_students."""
    by_slot = _vars_by_slot(f)
    slots_of: dict[str, list[str]] = defaultdict(list)
    for slot in by_slot:
        p = f.problem.slots[slot].preceptor
        if p is not None:
            slots_of[p].append(slot)
    for p, slots in slots_of.items():
        limit = f.problem.preceptors[p].max_students
        for moment in moment_sets([f.problem.slots[s].schedule for s in slots]):
            load = {v: len(f.members[v]) for i in moment for v in by_slot[slots[i]]}
            if sum(load.values()) > limit:
                f.at_most.append((load, limit, "preceptor"))


def student_at_one_moment(f: Formulation) -> None:
    """H4 as clique rows: for two requests of one student whose windows meet, each schedule among
    the first's candidate slots, together with every candidate slot of the second that meets it.
    One request takes at most one slot (H1), so such a set may hold one chosen variable at most,
    and every simultaneous pair lies in one of these sets."""
    by_request = f.vars_of
    requests_of: dict[str, list] = defaultdict(list)
    for r in f.problem.requests.values():
        if by_request.get(r.id):
            requests_of[r.student].append(r)
    schedule = [f.problem.slots[s].schedule for s in f.slot_of]
    for requests in requests_of.values():
        for i, a in enumerate(requests):
            for b in requests[i + 1:]:
                if not within_a_day(a.earliest_start, a.latest_end, b.earliest_start,
                                    b.latest_end):
                    continue
                mine: dict[Schedule, list[int]] = defaultdict(list)
                for u in by_request[a.id]:
                    mine[schedule[u]].append(u)
                for when, us in mine.items():
                    theirs = [v for v in by_request[b.id] if _meets(when, schedule[v])]
                    if theirs:
                        f.at_most.append(({v: 1 for v in us + theirs}, 1, "student"))


def locked(f: Formulation) -> None:
    """H7: locked existing assignments are kept."""
    for e in f.problem.existing:
        if e.locked:
            f.fixed.add(f.var_of[(e.request, e.slot)])
