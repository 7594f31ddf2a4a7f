"""Onboarding: students' dated credentials, employers' waivers, and compliance for a slot.

A coordinator records a credential of its college's student (`Student.CredentialRecorded`); an
employer waives a requirement for a student at one of its own sites (`Student.WaiverGranted`).
Both are events of the student, each naming its actor. Compliance for a slot is judged on the
slot's dates (domain/onboarding.py): what the slot requires (its site's requirements plus its
unit's) against what the student holds through the slot's end. Accepting a placement runs the
same check (placements/workflow.py `require_onboarded`, 409 `onboarding_incomplete`).

Who may look: the student's coordinator; an employer for its own slots, and only at students
it already knows (a placement of the student at one of its sites, in any state); admin and
compliance. Everyone else learns nothing (403 for the wrong role, 404 for another
organisation's student).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from domain.capacity import Site
from domain.errors import InvalidInput, NotFound
from domain.onboarding import effective_requirements
from domain.students import Student
from placements.base import AreaService, check_version, command
from placements.capacity import slot_visible
from placements.principals import Principal
from placements.read.capacity import sites, slots
from placements.read.placements import placement_rows
from placements.read.units import units


def slot_requirements(conn, slot_row: dict) -> list[str]:
    """A slot's onboarding requirements, from the read models: its site's plus its unit's."""
    site_req = conn.execute(select(sites.c.requirements).where(
        sites.c.id == slot_row["site"])).scalar() or []
    unit_req = None
    if slot_row.get("unit"):
        unit_req = conn.execute(select(units.c.requirements).where(
            units.c.id == slot_row["unit"])).scalar()
    return effective_requirements(site_req, unit_req)


class Onboarding(AreaService):
    """Credentials, waivers and the compliance check."""

    @command
    def record_credential(self, principal: Principal, student_id: str, code: str,
                          issued: date, expires: date | None = None,
                          if_match: int | None = None) -> dict:
        principal.require("coordinator")
        student = self.uow.load(Student, student_id, "student")
        principal.require_org(student.college, "student")
        check_version(student, if_match)
        record = student.record_credential(principal.actor, code, issued, expires)
        self.uow.commit(student)
        return {"student": student_id, "version": student.version, **record}

    @command
    def grant_waiver(self, principal: Principal, student_id: str, code: str, site: str,
                     reason: str, until: date | None = None,
                     if_match: int | None = None) -> dict:
        principal.require("employer")
        student = self.uow.load(Student, student_id, "student")
        self._require_known(principal, student_id)
        where = self.uow.referenced(Site, site, "site", "site")
        if where.employer != principal.org:
            raise InvalidInput("site", f"no such site of yours: {site}")
        with self.uow.connection() as conn:
            required = set(where.requirements).union(*(r for (r,) in conn.execute(
                select(units.c.requirements).where(units.c.site == site))))
        if code.strip() not in required:
            raise InvalidInput("code", f"neither the site nor any of its units requires "
                                       f"{code.strip()!r}")
        check_version(student, if_match)
        waiver = student.grant_waiver(principal.actor, code, site, principal.org, reason, until)
        self.uow.commit(student)
        return {"student": student_id, "version": student.version, **waiver}

    def _require_known(self, principal: Principal, student_id: str) -> None:
        """An employer reaches a student only through a placement at one of its sites."""
        if principal.role != "employer":
            return
        with self.uow.connection() as conn:
            known = conn.execute(select(placement_rows.c.id).where(
                placement_rows.c.student == student_id,
                placement_rows.c.employer == principal.org).limit(1)).first()
        if known is None:
            raise NotFound(f"no such student: {student_id}")

    def onboarding_compliance(self, principal: Principal, student_id: str, slot_id: str
                              ) -> dict:
        """Whether the student meets the slot's requirements through its end date."""
        principal.require("coordinator", "employer", "admin", "compliance")
        student = self.uow.load(Student, student_id, "student")
        if principal.role == "coordinator":
            principal.require_org(student.college, "student")
        self._require_known(principal, student_id)
        row = self._visible_slot(principal, slot_id)
        with self.uow.connection() as conn:
            required = slot_requirements(conn, row)
        end = date.fromisoformat(row["end_date"])  # a read-model row's text
        gaps = student.onboarding_gaps(row["site"], required, end)
        return {"student": student_id, "slot": slot_id, "site": row["site"],
                "unit": row["unit"], "start_date": row["start_date"],
                "end_date": row["end_date"], "requirements": required,
                "compliant": not gaps, "missing": gaps}

    def _visible_slot(self, principal: Principal, slot_id: str) -> dict:
        try:
            row = self.uow.read_row(slots, slot_id, "slot")
        except NotFound as e:
            raise InvalidInput("slot", e.message) from None
        if not slot_visible(principal, row):
            raise InvalidInput("slot", f"no such slot: {slot_id}")
        return row
