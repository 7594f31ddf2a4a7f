"""Build the `placements-problem/1` structure (SPEC section 4) from the read models.

Open requests in scope are free to place; requests whose placement holds a seat go in as locked
`existing` entries (so capacity taken is respected and never moved); requests with a live
proposal go in as unlocked `existing` entries (so a re-solve moves as few students as it can).
Requests the college asked a slot for directly are left to that ask; withdrawn requests are in
no solve. Onboarding (docs/ONBOARDING.md): a slot in a unit lists the unit's requirements as its
own `requirements` (the solver adds its site's); a student's credentials carry their expiry
(`{"code", "expires"}`) and its waivers at the problem's sites go in its `waivers`.
Group names are scoped by college (SPEC H6): a cohort is `<college>/<group>`, so no
college can join, block or see another's. placements/exclusions.py makes sure the result is valid.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.engine import Connection

from domain.capacity import SlotStatus
from domain.placements import HOLDING, LIVE, PlacementStatus
from domain.students import RequestStatus
from placements.read.capacity import preceptors, sites, slots
from placements.read.organizations import organizations
from placements.read.placements import placement_rows
from placements.read.students import placement_requests, students
from placements.read.units import units

REQUEST_FIELDS = ("id", "student", "discipline", "required_hours", "earliest_start",
                  "latest_end", "priority", "group", "preferred_sites")
SLOT_FIELDS = ("id", "site", "discipline", "capacity", "preceptor", "start_date", "end_date",
               "weekdays", "shift_start", "shift_end", "hours", "colleges")


def build(conn: Connection, college: str | None = None) -> dict:
    """The problem over every open slot; free requests of `college` (None: every college)."""
    open_slots = {r.id: r._mapping for r in conn.execute(
        select(slots).where(slots.c.status == SlotStatus.OPEN))}
    live = {}  # request id -> (slot, locked)
    for p in conn.execute(select(placement_rows).where(
            placement_rows.c.status.in_(LIVE))):
        live[p.request] = (p.slot, p.status in HOLDING, p.status, p.college)

    requests, existing = [], []
    for r in conn.execute(select(placement_requests).order_by(placement_requests.c.seq)):
        slot, locked, status, _ = live.get(r.id, (None, False, None, None))
        in_scope = college is None or r.college == college
        if status == PlacementStatus.REQUESTED or r.status == RequestStatus.WITHDRAWN:
            continue
        if slot is not None and slot in open_slots and (locked or in_scope):
            existing.append({"request": r.id, "slot": slot, "locked": locked})
        elif not in_scope or r.placement is not None:
            continue
        request = {k: r._mapping[k] for k in REQUEST_FIELDS}
        if request["group"] is not None:
            request["group"] = f"{r.college}/{request['group']}"
        requests.append(request)

    wanted_students = {r["student"] for r in requests}
    student_rows = [s for s in conn.execute(select(students).order_by(students.c.seq))
                    if s.id in wanted_students]
    used_sites = {s["site"] for s in open_slots.values()}
    unit_requirements = dict(conn.execute(select(units.c.id, units.c.requirements)).all()) \
        if any(s["unit"] for s in open_slots.values()) else {}
    return {
        "format": "placements-problem/1",
        "colleges": [{"id": o.id, "name": o.name} for o in conn.execute(
            select(organizations).where(organizations.c.kind == "college")
            .order_by(organizations.c.seq))],
        "sites": [{"id": s.id, "employer": s.employer,
                   "location": {"lat": s.lat, "lon": s.lon}, "requirements": s.requirements}
                  for s in conn.execute(select(sites).order_by(sites.c.seq))
                  if s.id in used_sites],
        "preceptors": [{"id": p.id, "site": p.site, "max_students": p.max_students}
                       for p in conn.execute(select(preceptors).order_by(preceptors.c.seq))],
        "slots": [_slot(s, unit_requirements) for s in
                  sorted(open_slots.values(), key=lambda s: (s["seq"], s["id"]))],
        "students": [_student(s, used_sites) for s in student_rows],
        "requests": requests,
        "existing": existing,
    }


def _slot(row, unit_requirements: dict[str, list[str]]) -> dict:
    slot = {k: row[k] for k in SLOT_FIELDS}
    if row["unit"] and unit_requirements.get(row["unit"]):
        slot["requirements"] = unit_requirements[row["unit"]]
    return slot


def _student(row, used_sites: set[str]) -> dict:
    """A student as section 4 lists it: credentials with their expiry where they have one
    (codes alone otherwise, so problems without dated credentials read as before)."""
    records = row.credential_records
    credentials = row.credentials if records is None else [
        r["code"] if r["expires"] is None else {"code": r["code"], "expires": r["expires"]}
        for r in records]
    student = {"id": row.id, "college": row.college, "home": {"lat": row.lat, "lon": row.lon},
               "max_travel_km": row.max_travel_km, "credentials": credentials,
               "unavailable": row.unavailable}
    waivers = [{"code": w["code"], "site": w["site"], "until": w["until"]}
               for w in row.waivers or [] if w["site"] in used_sites]
    if waivers:
        student["waivers"] = waivers
    return student
