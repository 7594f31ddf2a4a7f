"""Names beside ids in listings (SPEC section 8: placements and requests carry the student's,
site's and slot's names). A slot has no name of its own: its name is a label made from what it
is (`slot_label`): its unit, discipline, weekly sessions and dates.

One query per kind of thing named, for a whole page at once.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.engine import Connection

from placements.read.capacity import sites, slots
from placements.read.students import students
from placements.read.units import units

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def slot_label(slot: dict, unit_name: str | None = None) -> str:
    """E.g. "4 West ICU: RN Mon/Tue 07:00-15:30, 2027-01-11 to 2027-03-05"."""
    days = "/".join(DAYS[d] for d in sorted(slot["weekdays"]))
    text = (f"{slot['discipline']} {days} {slot['shift_start']}-{slot['shift_end']}, "
            f"{slot['start_date']} to {slot['end_date']}")
    return f"{unit_name}: {text}" if unit_name else text


def _names(conn: Connection, table, ids: Iterable[str | None]) -> dict[str, str]:
    wanted = sorted({i for i in ids if i})
    if not wanted:
        return {}
    return dict(conn.execute(select(table.c.id, table.c.name).where(table.c.id.in_(wanted))).all())


def slot_names(conn: Connection, ids: Iterable[str | None]) -> dict[str, str]:
    wanted = sorted({i for i in ids if i})
    if not wanted:
        return {}
    rows = [dict(r._mapping) for r in conn.execute(select(slots).where(slots.c.id.in_(wanted)))]
    unit_name = _names(conn, units, (r["unit"] for r in rows))
    return {r["id"]: slot_label(r, unit_name.get(r["unit"])) for r in rows}


def name_placements(conn: Connection, items: list[dict]) -> list[dict]:
    """Placements with `student_name`, `site_name` and `slot_name` beside their ids."""
    student = _names(conn, students, (p["student"] for p in items))
    site = _names(conn, sites, (p["site"] for p in items))
    slot = slot_names(conn, (p["slot"] for p in items))
    return [{**p, "student_name": student.get(p["student"]), "site_name": site.get(p["site"]),
             "slot_name": slot.get(p["slot"])} for p in items]


def name_requests(conn: Connection, items: list[dict]) -> list[dict]:
    """Placement requests with `student_name`, and the `slot`, `site` (and their names) of the
    placement holding a seat for it (null while it holds none)."""
    from placements.read.placements import (
        placement_rows,  # the workflow's table (it imports students)
    )

    student = _names(conn, students, (r["student"] for r in items))
    held = {}
    wanted = sorted({r["placement"] for r in items if r.get("placement")})
    if wanted:
        held = {p.id: (p.slot, p.site) for p in conn.execute(
            select(placement_rows.c.id, placement_rows.c.slot, placement_rows.c.site)
            .where(placement_rows.c.id.in_(wanted)))}
    site = _names(conn, sites, (s for _, s in held.values()))
    slot = slot_names(conn, (s for s, _ in held.values()))
    out = []
    for r in items:
        slot_id, site_id = held.get(r.get("placement"), (None, None))
        out.append({**r, "student_name": student.get(r["student"]), "slot": slot_id,
                    "slot_name": slot.get(slot_id), "site": site_id,
                    "site_name": site.get(site_id)})
    return out
