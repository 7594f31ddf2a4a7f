"""Who comes, where and when: a site's roster, and the calendars of a student, a preceptor and a
site. Both list the placements that hold a seat (confirmed or accepted) with the names of what
they reference, their slot's weekly sessions and the student's compliance for the slot (judged
on the slot's dates: domain/onboarding.py).

Who may read: a roster, the site's employer only; a student's calendar, its college's
coordinator (and admin, compliance); a preceptor's or a site's calendar, its employer (and admin,
compliance). Another organisation's gets 404, another role 403, as everywhere in the API.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from domain.errors import InvalidInput
from domain.onboarding import effective_requirements, held_at, missing
from domain.placements import HOLDING
from placements.base import AreaService
from placements.naming import slot_label
from placements.principals import Principal
from placements.read.capacity import preceptors, sites, slots
from placements.read.organizations import organizations
from placements.read.placements import placement_rows
from placements.read.students import students
from placements.read.units import units

# A calendar of: its table, the column naming the organisation that owns it, the roles that may
# read it, the placements' column that names it, and the calendar's title.
CALENDARS = {
    "student": (students, "college", ("coordinator", "admin", "compliance"), "student",
                "Placements of {}"),
    "preceptor": (preceptors, "employer", ("employer", "admin", "compliance"), "preceptor",
                  "Students of {}"),
    "site": (sites, "employer", ("employer", "admin", "compliance"), "site",
             "Placements at {}"),
}
MAX_DAYS = 400  # a roster covers at most about a year, as the utilisation report does
SCHEDULE = ("discipline", "start_date", "end_date", "weekdays", "shift_start", "shift_end")


def _by_id(conn, table, columns, ids) -> dict[str, dict]:
    wanted = sorted({i for i in ids if i})
    if not wanted:
        return {}
    return {r.id: dict(r._mapping) for r in conn.execute(
        select(table.c.id, *(table.c[c] for c in columns)).where(table.c.id.in_(wanted)))}


def booked(conn, *where, first: date | None = None, last: date | None = None) -> list[dict]:
    """Placements holding a seat (and matching `where`), whose slot overlaps [first, last] if
    given, each with names, its slot's sessions and the student's compliance for it."""
    p, s = placement_rows.c, slots.c
    q = (select(p.id, p.status, p.student, p.college, p.site, p.preceptor, p.slot, s.unit,
                *(s[c] for c in SCHEDULE))
         .join(slots, slots.c.id == p.slot).where(p.status.in_(HOLDING), *where))
    if first is not None and last is not None:
        q = q.where(s.start_date <= last.isoformat(), s.end_date >= first.isoformat())
    found = [dict(r._mapping) for r in conn.execute(q)]
    who = _by_id(conn, students, ("name", "credential_records", "waivers"),
                 (r["student"] for r in found))
    college = _by_id(conn, organizations, ("name",), (r["college"] for r in found))
    site = _by_id(conn, sites, ("name", "requirements"), (r["site"] for r in found))
    unit = _by_id(conn, units, ("name", "requirements"), (r["unit"] for r in found))
    teacher = _by_id(conn, preceptors, ("name",), (r["preceptor"] for r in found))
    rows = []
    for r in found:
        student, where_ = who.get(r["student"], {}), site.get(r["site"], {})
        part = unit.get(r["unit"])
        required = effective_requirements(where_.get("requirements") or [],
                                          part["requirements"] if part else None)
        gaps = missing(required, held_at(student.get("credential_records") or [],
                                         student.get("waivers") or [], r["site"]),
                       r["end_date"])
        rows.append({
            "placement": r["id"], "status": r["status"],
            "student": r["student"], "student_name": student.get("name"),
            "college": r["college"], "college_name": college.get(r["college"], {}).get("name"),
            "site": r["site"], "site_name": where_.get("name"),
            "slot": r["slot"], "slot_name": slot_label(r, part["name"] if part else None),
            "unit": r["unit"], "unit_name": part["name"] if part else None,
            "preceptor": r["preceptor"],
            "preceptor_name": teacher.get(r["preceptor"], {}).get("name"),
            **{c: r[c] for c in SCHEDULE},
            "requirements": required, "compliant": not gaps, "missing": gaps})
    rows.sort(key=lambda r: (r["start_date"], r["shift_start"], r["unit_name"] or "",
                             r["student_name"] or "", r["placement"]))
    return rows


class Rosters(AreaService):
    def roster(self, principal: Principal, site_id: str, first: date, last: date) -> dict:
        """Every confirmed or accepted placement at the site whose slot overlaps the range."""
        principal.require("employer")
        if last < first:
            raise InvalidInput("to", "must not be before from")
        if (last - first).days > MAX_DAYS:
            raise InvalidInput("to", f"a roster covers at most {MAX_DAYS} days")
        row = self.uow.read_row(sites, site_id, "site")
        principal.require_org(row["employer"], "site")
        with self.uow.connection() as conn:
            rows = booked(conn, placement_rows.c.site == site_id, first=first, last=last)
        return {"site": site_id, "site_name": row["name"], "from": first.isoformat(),
                "to": last.isoformat(), "rows": rows}

    def calendar(self, principal: Principal, of: str, ident: str) -> dict:
        """The placements holding a seat of a student, a preceptor or a site (`of`), for a
        calendar feed: {"name", "rows"}."""
        table, owner, roles, column, title = CALENDARS[of]
        principal.require(*roles)
        row = self.uow.read_row(table, ident, of)
        principal.require_org(row[owner], of)
        with self.uow.connection() as conn:
            rows = booked(conn, placement_rows.c[column] == ident)
        return {"name": title.format(row["name"]), "rows": rows}
