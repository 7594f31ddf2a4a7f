"""Students and placement requests: read models and the coordinator's commands."""

from __future__ import annotations

from sqlalchemy import select

from domain.errors import InvalidInput, NotFound
from domain.placements import Placement
from domain.students import PlacementRequest, Student
from placements.base import AreaService, check_version, command
from placements.paging import Page, page
from placements.partnership import participants as partnership
from placements.principals import Principal
from placements.read.capacity import sites
from placements.read.students import placement_requests, students


def student_view(row: dict) -> dict:
    return {"id": row["id"], "version": row["version"], "college": row["college"],
            "name": row["name"], "home": {"lat": row["lat"], "lon": row["lon"]},
            "max_travel_km": row["max_travel_km"], "credentials": row["credentials"],
            "unavailable": row["unavailable"], "participant": row["participant"]}


def request_view(row: dict) -> dict:
    return {k: v for k, v in row.items() if k != "seq"}


class Students(AreaService):
    """A coordinator's commands over its own college's students and requests."""

    @command
    def register_student(self, principal: Principal, name: str, home: dict,
                         max_travel_km: float | None = None,
                         credentials: list[str] | None = None,
                         unavailable: list[dict] | None = None,
                         participant: str | None = None) -> dict:
        principal.require("coordinator")
        student = Student.register(principal.actor, principal.org, name, home, max_travel_km,
                                   credentials or [], unavailable or [],
                                   partnership.link(self.uow, principal, participant))
        self.uow.commit(student)
        return self.student(principal, str(student.id))

    @command
    def request_placement(self, principal: Principal, student: str, discipline: str,
                          required_hours: int, earliest_start: str, latest_end: str,
                          priority: int = 1, group: str | None = None,
                          preferred_sites: list[str] | None = None) -> dict:
        principal.require("coordinator")
        if discipline not in self.uow.settings.disciplines:
            raise InvalidInput("discipline", f"unknown discipline {discipline!r}")
        who = self.uow.referenced(Student, student, "student", "student")
        if who.college != principal.org:
            raise InvalidInput("student", f"no such student of your college: {student}")
        for i, site in enumerate(preferred_sites or []):
            try:
                self.uow.read_row(sites, site, "site")
            except NotFound as e:
                raise InvalidInput(f"preferred_sites.{i}", e.message) from None
        request = PlacementRequest.file(principal.actor, who, discipline, required_hours,
                                        earliest_start, latest_end, priority, group,
                                        preferred_sites)
        self.uow.commit(request)
        return self.placement_request(principal, str(request.id))

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
                placement_rows.c.status.in_(("proposed", "requested"))))]
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
        return request_view(row)

    def placement_requests(self, principal: Principal, limit: int, cursor: str | None,
                           student: str | None = None) -> Page:
        principal.require("coordinator", "admin", "compliance")
        q = select(placement_requests)
        if principal.role == "coordinator":
            q = q.where(placement_requests.c.college == principal.org)
        if student:
            q = q.where(placement_requests.c.student == student)
        p = page(self.uow.engine, placement_requests, q, limit, cursor)
        return Page([request_view(r) for r in p.items], p.next_cursor)
