"""The allocation as 0/1 variables and linear constraints, one small function per family.

A variable is one (request, slot) choice; a cohort group shares one variable per slot among its
members (H6). The same formulation feeds CP-SAT (solver/cpsat.py) and the LP relaxation that
bounds L1 (solver/bound.py).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from domain.schedule import moment_sets
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

    def weight(self, v: int) -> int:
        """L1 weight: the priorities of the requests the variable places."""
        return sum(self.problem.requests[r].priority for r in self.members[v])


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
        common = set(f.eligible[members[0]]).intersection(*(f.eligible[m] for m in members[1:]))
        for slot in f.eligible[members[0]]:
            if slot in common and f.problem.slots[slot].capacity >= len(members):
                add(members, slot)
    for r, slots in f.eligible.items():
        if r not in grouped:
            for slot in slots:
                add([r], slot)


def _vars_by_request(f: Formulation) -> dict[str, set[int]]:
    out: dict[str, set[int]] = defaultdict(set)
    for (r, _), v in f.var_of.items():
        out[r].add(v)
    return out


def one_slot_per_request(f: Formulation) -> None:
    """H1 (and H6: a group's shared variables make it one choice for all its members)."""
    seen = set()
    for vs in _vars_by_request(f).values():
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
    """H4: over each set of a student's candidate slots in session together, at most one."""
    by_request = _vars_by_request(f)
    requests_of: dict[str, list[str]] = defaultdict(list)
    for r in f.problem.requests.values():
        if by_request.get(r.id):
            requests_of[r.student].append(r.id)
    for requests in requests_of.values():
        if len(requests) < 2:
            continue  # H1 already allows one slot per request
        slots = sorted({f.slot_of[v] for r in requests for v in by_request[r]})
        index = {s: i for i, s in enumerate(slots)}
        for moment in moment_sets([f.problem.slots[s].schedule for s in slots]):
            vs = {v: 1 for r in requests for v in by_request[r] if index[f.slot_of[v]] in moment}
            if len(vs) > 1:
                f.at_most.append((vs, 1, "student"))


def locked(f: Formulation) -> None:
    """H7: locked existing assignments are kept."""
    for e in f.problem.existing:
        if e.locked:
            f.fixed.add(f.var_of[(e.request, e.slot)])
