"""Seat booking: what a placement holds while it holds a seat, in one place.

Holding a seat books the slot, the student, the placement request and the preceptor (if any)
for the placement; releasing frees them again. The workflow calls both (confirm, accept,
decline, cancel); capacity calls `release` when a slot is withdrawn or shrinks under its
placements. Each returns the aggregates it changed, for the caller's one `commit`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from domain.base import Aggregate
from domain.capacity import Preceptor, Slot
from domain.placements import Placement
from domain.students import PlacementRequest, Student

Load = Callable[..., Any]  # the unit of work's `load(cls, id, what)`


def hold(load: Load, actor: str, placement: Placement) -> list[Aggregate]:
    """Book slot, preceptor and student for the placement; refuse (409) if any is full."""
    slot = load(Slot, placement.slot, "slot")
    student = load(Student, placement.student, "student")
    request = load(PlacementRequest, placement.request, "placement request")
    pid = str(placement.id)
    slot.hold(actor, pid)
    student.book(actor, pid, slot.schedule)
    request.attach(actor, pid)
    changed: list[Aggregate] = [slot, student, request]
    if slot.preceptor:
        preceptor = load(Preceptor, slot.preceptor, "preceptor")
        preceptor.book(actor, pid, slot.schedule)
        changed.append(preceptor)
    return changed


def release(load: Load, actor: str, placement: Placement,
            from_slot: bool = True) -> list[Aggregate]:
    """Undo `hold`; `from_slot=False` when the slot itself already let the seat go."""
    pid = str(placement.id)
    changed: list[Aggregate] = []
    if from_slot:
        slot = load(Slot, placement.slot, "slot")
        slot.release(actor, pid)
        changed.append(slot)
    student = load(Student, placement.student, "student")
    student.release(actor, pid)
    request = load(PlacementRequest, placement.request, "placement request")
    request.detach(actor, pid)
    changed += [student, request]
    if placement.preceptor:
        preceptor = load(Preceptor, placement.preceptor, "preceptor")
        preceptor.release(actor, pid)
        changed.append(preceptor)
    return changed
