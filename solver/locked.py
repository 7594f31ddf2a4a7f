"""H7: locked `existing` entries are kept, so a problem whose locked entries break H1–H6 is
invalid. Each error names the entry's JSON path and the constraint it breaks."""

from __future__ import annotations

from collections import defaultdict

from domain.schedule import peak_overlap, simultaneous
from solver.instance import Problem
from solver.rules import failures


def check_locked(problem: Problem) -> list[str]:
    errors = []
    raw = problem.raw.get("existing", [])
    index = {(e.get("request"), e.get("slot")): i for i, e in enumerate(raw)
             if isinstance(e, dict)}
    locked = [e for e in problem.existing if e.locked]
    path = {e.request: f"existing[{index[(e.request, e.slot)]}]" for e in locked}
    per_slot = defaultdict(list)
    per_student = defaultdict(list)
    for e in locked:
        request, slot = problem.requests[e.request], problem.slots[e.slot]
        student = problem.students[request.student]
        broken = failures(request, slot, student, problem.sites[slot.site])
        if broken:
            errors.append(f"{path[e.request]}: locked assignment is not eligible (H2: "
                          f"{', '.join(broken)})")
        per_slot[e.slot].append(e)
        per_student[request.student].append(e)
    for slot_id, entries in per_slot.items():
        if len(entries) > problem.slots[slot_id].capacity:
            errors.append(f"{path[entries[-1].request]}: slot {slot_id!r} holds "
                          f"{len(entries)} locked requests, capacity "
                          f"{problem.slots[slot_id].capacity} (H3)")
    for student_id, entries in per_student.items():
        for i, a in enumerate(entries):
            for b in entries[i + 1:]:
                if simultaneous(problem.slots[a.slot].schedule, problem.slots[b.slot].schedule):
                    errors.append(f"{path[b.request]}: student {student_id!r} is locked into "
                                  f"simultaneous slots {a.slot!r} and {b.slot!r} (H4)")
    per_preceptor = defaultdict(list)
    for e in locked:
        p = problem.slots[e.slot].preceptor
        if p:
            per_preceptor[p].append(e)
    for p, entries in per_preceptor.items():
        peak = peak_overlap([problem.slots[e.slot].schedule for e in entries])
        if peak > problem.preceptors[p].max_students:
            errors.append(f"{path[entries[-1].request]}: preceptor {p!r} would supervise "
                          f"{peak} at once, max_students "
                          f"{problem.preceptors[p].max_students} (H5)")
    groups = defaultdict(list)
    for r in problem.requests.values():
        if r.group is not None:
            groups[r.group].append(r.id)
    slot_of = {e.request: e.slot for e in locked}
    for group, members in groups.items():
        placed = {slot_of[m] for m in members if m in slot_of}
        if not placed:
            continue
        first = path[next(m for m in members if m in slot_of)]
        if len(placed) > 1:
            errors.append(f"{first}: group {group!r} is locked into different slots (H6)")
            continue
        slot = problem.slots[next(iter(placed))]
        for m in members:  # a locked member takes the whole group into its slot
            request = problem.requests[m]
            student = problem.students[request.student]
            if m not in slot_of and failures(request, slot, student, problem.sites[slot.site]):
                errors.append(f"{first}: group {group!r} is locked into slot {slot.id!r}, "
                              f"which its member {m!r} may not take (H6)")
        others = len([e for e in per_slot[slot.id] if problem.requests[e.request].group != group])
        if others + len(members) > slot.capacity:
            errors.append(f"{first}: group {group!r} does not fit in slot {slot.id!r} (H6, H3)")
    return errors
