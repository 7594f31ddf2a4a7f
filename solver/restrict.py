"""Candidate slots for a part too dense to formulate whole, and the bound that still holds.

A metro consortium of 20,000 requests is one part of millions of eligible pairs; a variable (and
its rows) per pair costs gigabytes. Such a part is formulated over each request's `keep` best
candidates instead (its preferred sites, then the nearest; a cohort group keeps every slot, so
H6 is decided over all of them; a locked or existing assignment's slot is always kept). Every
assignment of the restricted formulation is an assignment of the whole part, so what it places
is feasible; what it cannot do alone is bound L1, so:

`priced_bound`: the LP relaxation of the restricted formulation has duals y ≥ 0 on its rows,
every row a valid inequality of the whole part too (H1 of a request, H3 of a slot, H5 over
slots in session together, H4 over pairwise simultaneous variables). For any such y and every
assignment x of the whole part, L1(x) ≤ Σ y·b + Σ_j max(0, c_j − a_jᵀy) over every pair j,
restricted or not. Over the restricted pairs that sum is the LP optimum; the pairs left out are
priced over arrays (each one's request row, its slot's capacity row and the H5 rows over its
slot; H4 rows do not name it, which only makes the bound looser). So the bound is a true upper
bound on L1 over the whole part, and it equals the LP bound of the whole part when no pair left
out prices positive.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import numpy as np

from solver.formulation import Formulation, build
from solver.geo import EARTH_RADIUS_KM
from solver.instance import Problem
from solver.objectives import l1_weights
from solver.relaxation import Relaxation, Relaxed

log = logging.getLogger(__name__)

PAIR_LIMIT = 1_000_000  # eligible pairs in a part above which it is formulated restricted
KEEP = 15  # candidate slots per request in a restricted part, to start with
ADD = 20  # pairs added per request and round of column generation, at most
PRICE_TOLERANCE = 1e-6
ROUNDS = 4  # LPs of column generation, at most


def restricted(problem: Problem, eligible: dict[str, list[str]], keep: int = KEEP
               ) -> dict[str, list[str]]:
    """Each request's `keep` best eligible slots, in the order of `eligible`: its preferred
    sites first, then by distance from home. A cohort group's members keep the same slots: the
    `keep` best (for its first member) of those every member may take with room for all. The
    slots of `existing` entries are always kept."""
    pinned: dict[str, set[str]] = {}
    for e in problem.existing:
        pinned.setdefault(e.request, set()).add(e.slot)
    groups: dict[str, list[str]] = {}
    for r in eligible:
        group = problem.requests[r].group
        if group is not None:
            groups.setdefault(group, []).append(r)
    out: dict[str, list[str]] = {}
    for r, slots in eligible.items():
        if problem.requests[r].group is None:
            out[r] = _best(problem, r, slots, keep, pinned.get(r, set()))
    for members in groups.values():
        common = set(eligible[members[0]]).intersection(*(eligible[m] for m in members[1:]))
        room = [s for s in eligible[members[0]]
                if s in common and problem.slots[s].capacity >= len(members)]
        pins = set().union(*(pinned.get(m, set()) for m in members))
        chosen = set(_best(problem, members[0], room, keep, pins))
        for m in members:  # the pairs no group variable can use are left out too
            out[m] = [s for s in eligible[m] if s in chosen or s in pins]
    return out


def _best(problem: Problem, r: str, slots: list[str], keep: int, pinned: set[str]
          ) -> list[str]:
    if len(slots) <= keep:
        return slots
    request = problem.requests[r]
    student = problem.students[request.student]
    sites = [problem.sites[problem.slots[s].site] for s in slots]
    km = _km(student.lat, student.lon, np.array([s.lat for s in sites]),
             np.array([s.lon for s in sites]))
    preferred = np.array([s.id in request.preferred_sites for s in sites])
    chosen = set(np.lexsort((km, ~preferred))[:keep].tolist())
    return [s for i, s in enumerate(slots) if i in chosen or s in pinned]


def _km(lat: float, lon: float, site_lat: np.ndarray, site_lon: np.ndarray) -> np.ndarray:
    p1, p2 = np.radians(lat), np.radians(site_lat)
    dp, dl = p2 - p1, np.radians(site_lon - lon)
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))


def priced_bound(f: Formulation, full: dict[str, list[str]], duals: list[float],
                 wanted: dict[str, list[str]] | None = None, per_request: int = ADD) -> float:
    """An upper bound on L1 over every pair of `full` (the whole part's eligibility), from
    duals of the restricted formulation's rows (see the module's docstring), computed here in
    full so that it holds for any duals, optimal or not: with y the duals of the rows other
    than H1, clipped at zero, and a_j = c_j − a_jᵀy for every pair j (restricted or not),
    L1 ≤ Σ y·b + Σ over requests (a cohort group as one) of max(0, max of its a_j), since
    each takes at most one pair. `wanted`, when given, receives per request (and per group,
    its members) the left-out pairs whose a_j beats every pair it has, up to `per_request`,
    highest first: the pairs to add to the restricted formulation (column generation)."""
    y = np.maximum(np.asarray(duals, dtype=float), 0.0)  # ≤ rows of a maximisation: y ≥ 0
    a = np.array([float(f.weight(v)) for v in range(f.size)])
    total = 0.0
    slots = sorted({s for ss in full.values() for s in ss} | set(f.slot_of))
    slot_index = {s: i for i, s in enumerate(slots)}
    on_slot = np.zeros(len(slots))  # per slot: its capacity row's and H5 rows' duals
    for i, (coefs, ub, kind) in enumerate(f.at_most):
        if y[i] == 0.0 or kind == "request":
            continue
        total += y[i] * ub
        for v, c in coefs.items():
            a[v] -= y[i] * c
        if kind in ("capacity", "preceptor"):
            for s in {f.slot_of[v] for v in coefs}:
                on_slot[slot_index[s]] += y[i]
    best: dict[tuple[str, ...], float] = {}  # per request or group: its best a_j so far
    for v, members in enumerate(f.members):
        unit = tuple(members)
        best[unit] = max(best.get(unit, -np.inf), a[v])
    groups: dict[str, list[str]] = {}
    for r in full:
        group = f.problem.requests[r].group
        if group is not None:
            groups.setdefault(group, []).append(r)
    left_out: list[tuple[tuple[str, ...], np.ndarray, np.ndarray]] = []
    for members in groups.values():
        # The group's slots left out: every member may take them, with room for all (and no
        # student twice in it, else the group has no variable at all, H4).
        if len({f.problem.requests[m].student for m in members}) < len(members):
            continue
        kept = f.vars_of.get(members[0], ())
        unit = tuple(f.members[kept[0]]) if kept else tuple(members)
        common = set(full[members[0]]).intersection(*(full[m] for m in members[1:]))
        have = {f.slot_of[v] for v in kept}
        rest = np.array([slot_index[s] for s in common if s not in have
                         and f.problem.slots[s].capacity >= len(members)], dtype=np.intp)
        if rest.size:
            weight = sum(f.problem.requests[m].priority for m in members)
            left_out.append((unit, rest, weight - len(members) * on_slot[rest]))
    for r, ss in full.items():
        request = f.problem.requests[r]
        kept = f.vars_of.get(r, ())
        if request.group is not None or len(ss) == len(kept):
            continue
        have = {f.slot_of[v] for v in kept}
        rest = np.array([slot_index[s] for s in ss if s not in have], dtype=np.intp)
        if rest.size:
            left_out.append(((r,), rest, request.priority - on_slot[rest]))
    for unit, rest, reduced in left_out:
        had = best.get(unit, 0.0)
        best[unit] = max(had, float(reduced.max()))
        if wanted is not None:
            chosen = _most_positive(reduced - max(had, 0.0), per_request)
            for r in unit:
                if chosen:
                    wanted[r] = [slots[rest[i]] for i in chosen]
    return total + sum(max(0.0, b) for b in best.values())


def _most_positive(reduced: np.ndarray, count: int) -> list[int]:
    """Indices of up to `count` positive entries, highest first."""
    positive = np.nonzero(reduced > PRICE_TOLERANCE)[0]
    return positive[np.argsort(-reduced[positive], kind="stable")[:count]].tolist()


def with_columns(eligible: dict[str, list[str]], used: dict[str, list[str]],
                 wanted: dict[str, list[str]]) -> dict[str, list[str]]:
    """`used` with the `wanted` pairs added, each request's slots in the order of
    `eligible`."""
    out = dict(used)
    for r, more in wanted.items():
        keep = set(used[r]) | set(more)
        out[r] = [s for s in eligible[r] if s in keep]
    return out


def completed(f: Formulation, values: list[int], full: dict[str, list[str]]
              ) -> tuple[Formulation, list[int], dict[str, int]]:
    """The restricted formulation's assignment as a formulation over every pair that could
    still take a request: each placed request's own pair, and each unplaced request's eligible
    slots (all of `full`, not only the restricted ones) that have a seat left. The repair pass
    and the reasons run on it, so no request is left unplaced, or explained, while a slot it
    may take has room. Also, per unplaced request, how many of its eligible slots are full
    (left out of the new formulation, counted by its reasons)."""
    problem = f.problem
    held: dict[str, str] = {}
    load: dict[str, int] = {}
    for v, x in enumerate(values):
        if x:
            for r in f.members[v]:
                held[r] = f.slot_of[v]
            load[f.slot_of[v]] = load.get(f.slot_of[v], 0) + len(f.members[v])
    eligible: dict[str, list[str]] = {}
    elsewhere: dict[str, int] = {}
    for r in problem.requests:
        if r in held:
            eligible[r] = [held[r]]
            continue
        slots = full.get(r, [])
        eligible[r] = [s for s in slots if load.get(s, 0) < problem.slots[s].capacity]
        elsewhere[r] = len(slots) - len(eligible[r])
    g = build(problem, eligible)
    start = [0] * g.size
    for r, s in held.items():
        start[g.var_of[(r, s)]] = 1
    return g, start, elsewhere


@dataclass
class Generated:
    """A restricted part after column generation: its formulation over `used`, the LP
    solution of that formulation, and the lowest priced bound over every round."""

    f: Formulation
    used: dict[str, list[str]]
    relaxed: Relaxed | None
    bound: float | None


def generate(problem: Problem, full: dict[str, list[str]], used: dict[str, list[str]],
             deadline: float, rounds: int = ROUNDS) -> Generated:
    """Column generation: the LP over `used`, then the left-out pairs that price positive
    added, for up to `rounds` LPs while time remains and pairs price positive. Every round's
    priced bound is a bound on L1; the lowest is kept."""
    found = None
    bound = None
    for done in range(rounds):
        began = time.perf_counter()
        f = build(problem, used)
        relaxed = Relaxation(f).maximize(l1_weights(f), deadline - time.perf_counter(),
                                         duals=True)
        if relaxed is None:  # out of time: the round before stands, if there was one
            return found or Generated(f, used, None, bound)
        wanted: dict[str, list[str]] = {}
        priced = priced_bound(f, full, relaxed.duals, wanted)
        bound = priced if bound is None else min(bound, priced)
        found = Generated(f, used, relaxed, bound)
        log.debug("column generation %d: %d pairs, LP %.1f, priced bound %.1f, %d to add, "
                  "%.1f s", done + 1, f.size, relaxed.value, priced,
                  sum(map(len, wanted.values())), time.perf_counter() - began)
        if not wanted or done + 1 == rounds:
            break
        # A round takes longer than the one before (its LP has more pairs): one that would
        # not end in time is not started, so its time goes to the search instead.
        if deadline - time.perf_counter() < 1.5 * (time.perf_counter() - began):
            break
        used = with_columns(full, used, wanted)
    return found
