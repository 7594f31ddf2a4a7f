"""Students and placement requests: read models and the coordinator's commands."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from domain.errors import InvalidInput
from domain.placements import HOLDING, LIVE, Placement
from domain.students import PlacementRequest, Student
from placements.base import AreaService, check_version, command
from placements.paging import Page, page
from placements.partnership import participants as partnership
from placements.principals import Principal
from placements.read.capacity import sites
from placements.read.students import placement_requests, students
from placements.readmodel import ids_in


def student_view(row: dict) -> dict:
    return {"id": row["id"], "version": row["version"], "college": row["college"],
            "name": row["name"], "home": {"lat": row["lat"], "lon": row["lon"]},
            "max_travel_km": row["max_travel_km"], "credentials": row["credentials"],
            "unavailable": row["unavailable"], "participant": row["participant"],
            "credential_records": row["credential_records"] or [],
            "waivers": row["waivers"] or []}


def request_view(row: dict) -> dict:
    return {k: v for k, v in row.items() if k != "seq"}


@dataclass(frozen=True)
class References:
    """What placement requests name, loaded once: the caller's students, the known sites."""

    students: set[str]
    sites: set[str]


class Students(AreaService):
    """A coordinator's commands over its own college's students and requests."""

    @command
    def register_student(self, principal: Principal, name: str, home: dict,
                         max_travel_km: float | None = None,
                         credentials: list[str] | None = None,
                         unavailable: list[dict] | None = None,
                         participant: str | None = None) -> dict:
        principal.require("coordinator")
        student = self.new_student(principal, name, home, max_travel_km, credentials,
                                   unavailable, participant)
        self.uow.commit(student)
        return self.student(principal, str(student.id))

    def new_student(self, principal: Principal, name: str, home: dict,
                    max_travel_km: float | None = None,
                    credentials: list[str] | None = None,
                    unavailable: list[dict] | None = None,
                    participant: str | None = None) -> Student:
        """A student of the caller's college, checked as every path that registers one checks
        it (POST /v1/students, the CSV import); not yet saved."""
        return Student.register(principal.actor, principal.org, name, home, max_travel_km,
                                credentials or [], unavailable or [],
                                partnership.link(self.uow, principal, participant))

    @command
    def request_placement(self, principal: Principal, student: str, discipline: str,
                          required_hours: int, earliest_start: date, latest_end: date,
                          priority: int = 1, group: str | None = None,
                          preferred_sites: list[str] | None = None) -> dict:
        principal.require("coordinator")
        refs = self.request_references(principal, [{"student": student,
                                                    "preferred_sites": preferred_sites}])
        request = self.new_request(principal, refs, student, discipline, required_hours,
                                   earliest_start, latest_end, priority, group, preferred_sites)
        self.uow.commit(request)
        return self.placement_request(principal, str(request.id))

    def request_references(self, principal: Principal, bodies: list[dict]) -> References:
        """The caller's students and the sites that request bodies name, loaded once for all
        of them (a query per thousand ids, not one per body)."""
        named = {str(b.get("student")) for b in bodies if b.get("student")}
        sites_named = {str(s) for b in bodies for s in b.get("preferred_sites") or ()}
        with self.uow.connection() as conn:
            own = ids_in(conn, students.c.id, named, students.c.college == principal.org)
            known_sites = ids_in(conn, sites.c.id, sites_named)
        return References(own, known_sites)

    def new_request(self, principal: Principal, refs: References, student: str,
                    discipline: str, required_hours: int, earliest_start: date,
                    latest_end: date, priority: int = 1, group: str | None = None,
                    preferred_sites: list[str] | None = None) -> PlacementRequest:
        """A placement request for one of the caller's students, checked as every path that
        files one checks it; not yet saved."""
        if discipline not in self.uow.settings.disciplines:
            raise InvalidInput("discipline", f"unknown discipline {discipline!r}")
        if student not in refs.students:
            raise InvalidInput("student", f"no such student of your college: {student}")
        for i, site in enumerate(preferred_sites or []):
            if site not in refs.sites:
                raise InvalidInput(f"preferred_sites.{i}", f"no such site: {site}")
        return PlacementRequest.file(principal.actor, principal.org, student, discipline,
                                     required_hours, earliest_start, latest_end,
                                     priority, group, preferred_sites)

    @command
    def withdraw_request(self, principal: Principal, request_id: str, reason: str,
                         if_match: int | None = None) -> dict:
        """The college takes a request back; a live proposal for it is declined with it."""
        principal.require("coordinator")
        request = self.uow.load(PlacementRequest, request_id, "placement request")
        principal.require_org(request.college, "placement request")
        check_version(request, if_match)
        request.withdraw(principal.actor, reason)
        self.uow.commit(request, *self._decline_proposals(principal, request_id, reason))
        return self.placement_request(principal, request_id)

    def _decline_proposals(self, principal: Principal, request_id: str, reason: str) -> list:
        from placements.read.placements import placement_rows

        with self.uow.connection() as conn:
            ids = [r.id for r in conn.execute(select(placement_rows.c.id).where(
                placement_rows.c.request == request_id,
                placement_rows.c.status.in_(LIVE - HOLDING)))]
        declined = []
        for pid in ids:
            placement = self.uow.load(Placement, pid, "placement")
            placement.decline(principal.actor, "college", f"request withdrawn: {reason}")
            declined.append(placement)
        return declined

    def student(self, principal: Principal, student_id: str) -> dict:
        principal.require("coordinator", "admin", "compliance")  # before the lookup: a wrong
        row = self.uow.read_row(students, student_id, "student")   # role learns nothing of ids
        principal.require_org(row["college"], "student")
        return student_view(row)

    def students(self, principal: Principal, limit: int, cursor: str | None) -> Page:
        principal.require("coordinator", "admin", "compliance")
        q = select(students)
        if principal.role == "coordinator":
            q = q.where(students.c.college == principal.org)
        p = page(self.uow.engine, students, q, limit, cursor)
        return Page([student_view(r) for r in p.items], p.next_cursor)

    def placement_request(self, principal: Principal, request_id: str) -> dict:
        principal.require("coordinator", "admin", "compliance")
        row = self.uow.read_row(placement_requests, request_id, "placement request")
        principal.require_org(row["college"], "placement request")
        return self._with_request_names([request_view(row)])[0]

    def _with_request_names(self, items: list[dict]) -> list[dict]:
        from placements.naming import name_requests  # it reads tables that import ours

        with self.uow.connection() as conn:
            return name_requests(conn, items)

    def placement_requests(self, principal: Principal, limit: int, cursor: str | None,
                           student: str | None = None) -> Page:
        principal.require("coordinator", "admin", "compliance")
        q = select(placement_requests)
        if principal.role == "coordinator":
            q = q.where(placement_requests.c.college == principal.org)
        if student:
            q = q.where(placement_requests.c.student == student)
        p = page(self.uow.engine, placement_requests, q, limit, cursor)
        return Page(self._with_request_names([request_view(r) for r in p.items]), p.next_cursor)
