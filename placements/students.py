"""Students and placement requests: read models and the coordinator's commands."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import JSON, Column, Float, Integer, String, Table, select

from domain.errors import InvalidInput
from domain.placements import Placement
from domain.students import PlacementRequest, Student
from placements.base import Base, check_version, command
from placements.capacity import sites
from placements.organizations import common
from placements.paging import Page, page
from placements.partnership import participants as partnership
from placements.principals import Principal
from placements.readmodel import ids_in, metadata, projects

students = Table(
    "students", metadata,
    Column("id", String(36), primary_key=True),
    Column("seq", String(40), nullable=False, index=True),
    Column("version", Integer, nullable=False),
    Column("college", String(36), nullable=False, index=True),
    Column("name", String, nullable=False),
    Column("lat", Float, nullable=False),
    Column("lon", Float, nullable=False),
    Column("max_travel_km", Float),
    Column("credentials", JSON, nullable=False),
    Column("unavailable", JSON, nullable=False),
    Column("participant", String(36), index=True),
    # [{"code", "issued", "expires"}] by code, and [{"code", "site", "employer", "reason",
    # "until"}] as granted (SPEC section 8); credentials above: the codes held
    Column("credential_records", JSON),
    Column("waivers", JSON),
)

placement_requests = Table(
    "placement_requests", metadata,
    Column("id", String(36), primary_key=True),
    Column("seq", String(40), nullable=False, index=True),
    Column("version", Integer, nullable=False),
    Column("college", String(36), nullable=False, index=True),
    Column("student", String(36), nullable=False, index=True),
    Column("discipline", String(20), nullable=False),
    Column("required_hours", Integer, nullable=False),
    Column("earliest_start", String(10), nullable=False),
    Column("latest_end", String(10), nullable=False),
    Column("priority", Integer, nullable=False),
    Column("group", String),
    Column("preferred_sites", JSON, nullable=False),
    Column("placement", String(36)),
    Column("unplaced", JSON),
    Column("status", String(10), nullable=False),  # open or withdrawn
)


@projects(Student)
def _student_row(s: Student):
    yield students, {**common(s), "college": s.college, "name": s.name,
                     "lat": s.home["lat"], "lon": s.home["lon"],
                     "max_travel_km": s.max_travel_km, "credentials": s.credentials,
                     "unavailable": s.unavailable, "participant": s.participant,
                     "credential_records": sorted(s.credential_records.values(),
                                                  key=lambda r: r["code"]),
                     "waivers": s.waivers}


@projects(PlacementRequest)
def _request_row(r: PlacementRequest):
    yield placement_requests, {
        **common(r), "college": r.college, "student": r.student, "discipline": r.discipline,
        "required_hours": r.required_hours, "earliest_start": r.earliest_start,
        "latest_end": r.latest_end, "priority": r.priority, "group": r.group,
        "preferred_sites": r.preferred_sites, "placement": r.placement, "unplaced": r.unplaced,
        "status": "withdrawn" if r.withdrawn else "open",
    }


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


class Students(Base):
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
        self.commit(student)
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
                                partnership.link(self, principal, participant))

    @command
    def request_placement(self, principal: Principal, student: str, discipline: str,
                          required_hours: int, earliest_start: str, latest_end: str,
                          priority: int = 1, group: str | None = None,
                          preferred_sites: list[str] | None = None) -> dict:
        principal.require("coordinator")
        refs = self.request_references(principal, [{"student": student,
                                                    "preferred_sites": preferred_sites}])
        request = self.new_request(principal, refs, student, discipline, required_hours,
                                   earliest_start, latest_end, priority, group, preferred_sites)
        self.commit(request)
        return self.placement_request(principal, str(request.id))

    def request_references(self, principal: Principal, bodies: list[dict]) -> References:
        """The caller's students and the sites that request bodies name, loaded once for all
        of them (a query per thousand ids, not one per body)."""
        named = {str(b.get("student")) for b in bodies if b.get("student")}
        sites_named = {str(s) for b in bodies for s in b.get("preferred_sites") or ()}
        with self.connection() as conn:
            own = ids_in(conn, students.c.id, named, students.c.college == principal.org)
            known_sites = ids_in(conn, sites.c.id, sites_named)
        return References(own, known_sites)

    def new_request(self, principal: Principal, refs: References, student: str,
                    discipline: str, required_hours: int, earliest_start: str | date,
                    latest_end: str | date, priority: int = 1, group: str | None = None,
                    preferred_sites: list[str] | None = None) -> PlacementRequest:
        """A placement request for one of the caller's students, checked as every path that
        files one checks it; not yet saved."""
        if discipline not in self.settings.disciplines:
            raise InvalidInput("discipline", f"unknown discipline {discipline!r}")
        if student not in refs.students:
            raise InvalidInput("student", f"no such student of your college: {student}")
        for i, site in enumerate(preferred_sites or []):
            if site not in refs.sites:
                raise InvalidInput(f"preferred_sites.{i}", f"no such site: {site}")
        return PlacementRequest.file(principal.actor, principal.org, student, discipline,
                                     required_hours, str(earliest_start), str(latest_end),
                                     priority, group, preferred_sites)

    @command
    def withdraw_request(self, principal: Principal, request_id: str, reason: str,
                         if_match: int | None = None) -> dict:
        """The college takes a request back; a live proposal for it is declined with it."""
        principal.require("coordinator")
        request = self.load(PlacementRequest, request_id, "placement request")
        principal.require_org(request.college, "placement request")
        check_version(request, if_match)
        request.withdraw(principal.actor, reason)
        self.commit(request, *self._decline_proposals(principal, request_id, reason))
        return self.placement_request(principal, request_id)

    def _decline_proposals(self, principal: Principal, request_id: str, reason: str) -> list:
        from placements.workflow import placements as placements_table

        with self.connection() as conn:
            ids = [r.id for r in conn.execute(select(placements_table.c.id).where(
                placements_table.c.request == request_id,
                placements_table.c.status.in_(("proposed", "requested"))))]
        declined = []
        for pid in ids:
            placement = self.load(Placement, pid, "placement")
            placement.decline(principal.actor, "college", f"request withdrawn: {reason}")
            declined.append(placement)
        return declined

    def student(self, principal: Principal, student_id: str) -> dict:
        principal.require("coordinator", "admin", "compliance")  # before the lookup: a wrong
        row = self.read_row(students, student_id, "student")   # role learns nothing of ids
        principal.require_org(row["college"], "student")
        return student_view(row)

    def students(self, principal: Principal, limit: int, cursor: str | None) -> Page:
        principal.require("coordinator", "admin", "compliance")
        q = select(students)
        if principal.role == "coordinator":
            q = q.where(students.c.college == principal.org)
        p = page(self.engine, students, q, limit, cursor)
        return Page([student_view(r) for r in p.items], p.next_cursor)

    def placement_request(self, principal: Principal, request_id: str) -> dict:
        principal.require("coordinator", "admin", "compliance")
        row = self.read_row(placement_requests, request_id, "placement request")
        principal.require_org(row["college"], "placement request")
        return self._with_request_names([request_view(row)])[0]

    def _with_request_names(self, items: list[dict]) -> list[dict]:
        from placements.naming import name_requests  # it reads tables that import ours

        with self.connection() as conn:
            return name_requests(conn, items)

    def placement_requests(self, principal: Principal, limit: int, cursor: str | None,
                           student: str | None = None) -> Page:
        principal.require("coordinator", "admin", "compliance")
        q = select(placement_requests)
        if principal.role == "coordinator":
            q = q.where(placement_requests.c.college == principal.org)
        if student:
            q = q.where(placement_requests.c.student == student)
        p = page(self.engine, placement_requests, q, limit, cursor)
        return Page(self._with_request_names([request_view(r) for r in p.items]), p.next_cursor)
