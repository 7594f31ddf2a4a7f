"""Independent parts of a problem: requests and slots linked by eligibility, a student's
requests whose windows meet, a cohort group's members, and a preceptor's slots whose dates
meet. Each part can be solved alone and the solutions joined: L1 is the sum over parts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from solver.instance import Problem


def within_a_day(first_a: date, last_a: date, first_b: date, last_b: date) -> bool:
    """Whether two date ranges meet, with a day's slack (a night shift reaches into the next
    day). On ordinals, so the ends of the calendar (0001-01-01, 9999-12-31) are ranges too."""
    return (first_a.toordinal() - 1 <= last_b.toordinal()
            and first_b.toordinal() - 1 <= last_a.toordinal())


@dataclass(frozen=True)
class Component:
    requests: frozenset[str]
    slots: frozenset[str]


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, a: str) -> str:
        self.parent.setdefault(a, a)
        while self.parent[a] != a:
            self.parent[a] = self.parent[self.parent[a]]
            a = self.parent[a]
        return a

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[ra] = rb


def _linked_requests(problem: Problem) -> list[list[str]]:
    """Requests that must be solved together: a group's members, and a student's requests
    whose windows overlap (with a day's slack for night shifts) so their slots may meet (H4)."""
    linked: list[list[str]] = []
    groups: dict[str, list[str]] = {}
    by_student: dict[str, list] = {}
    for r in problem.requests.values():
        if r.group is not None:
            groups.setdefault(r.group, []).append(r.id)
        by_student.setdefault(r.student, []).append(r)
    linked += groups.values()
    for requests in by_student.values():
        for i, a in enumerate(requests):
            for b in requests[i + 1:]:
                if within_a_day(a.earliest_start, a.latest_end, b.earliest_start, b.latest_end):
                    linked.append([a.id, b.id])
    return linked


def components(problem: Problem, eligible: dict[str, list[str]]) -> list[Component]:
    """The independent parts, largest first (requests with no eligible slot each stand alone)."""
    uf = _UnionFind()
    for r, slots in eligible.items():
        uf.find("r:" + r)
        for s in slots:
            uf.union("r:" + r, "s:" + s)
    for members in _linked_requests(problem):
        for r in members[1:]:
            uf.union("r:" + members[0], "r:" + r)
    by_preceptor: dict[str, list[str]] = {}
    for s in {s for slots in eligible.values() for s in slots}:
        p = problem.slots[s].preceptor
        if p is not None:
            by_preceptor.setdefault(p, []).append(s)
    for slots in by_preceptor.values():  # only slots whose dates meet can meet in time (H5)
        for i, a in enumerate(slots):
            for b in slots[i + 1:]:
                sa, sb = problem.slots[a].schedule, problem.slots[b].schedule
                if within_a_day(sa.start_date, sa.end_date, sb.start_date, sb.end_date):
                    uf.union("s:" + a, "s:" + b)
    parts: dict[str, tuple[set[str], set[str]]] = {}
    for key in list(uf.parent):
        root = uf.find(key)
        requests, slots = parts.setdefault(root, (set(), set()))
        (requests if key.startswith("r:") else slots).add(key[2:])
    found = [Component(frozenset(r), frozenset(s)) for r, s in parts.values() if r]
    return sorted(found, key=lambda c: (-len(c.requests), min(c.requests)))


def bundled(parts: list[Component], requests: int) -> list[Component]:
    """Parts smaller than `requests` grouped into bundles of up to that many requests (larger
    parts stay alone). A bundle of independent parts is solved as one model: its optimum is the
    sum of theirs, and one model costs far less than thousands of tiny ones."""
    out: list[Component] = []
    open_requests: set[str] = set()
    open_slots: set[str] = set()
    for part in parts:
        if len(part.requests) >= requests:
            out.append(part)
            continue
        if len(open_requests) + len(part.requests) > requests:
            out.append(Component(frozenset(open_requests), frozenset(open_slots)))
            open_requests, open_slots = set(), set()
        open_requests |= part.requests
        open_slots |= part.slots
    if open_requests:
        out.append(Component(frozenset(open_requests), frozenset(open_slots)))
    return out
