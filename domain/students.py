"""Students a college registers and the placement requests it files for them.

A student books the placements it attends; two bookings in simultaneous slots are refused. A
placement request holds at most one active placement (H1), so two concurrent bookings for the
same request race on its version.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from eventsourcing.domain import event

from domain.base import Aggregate, check_date, require, stored_date, typed_date
from domain.capacity import check_location
from domain.errors import Conflict
from domain.onboarding import check_code, check_dated, held_at, missing
from domain.schedule import Schedule, Window, simultaneous


class Student(Aggregate):
    @event("Registered")
    def __init__(
        self,
        actor: str,
        college: str,
        name: str,
        home: dict,
        max_travel_km: float | None,
        credentials: list[str],
        unavailable: list[dict],
        participant: str | None = None,
    ):
        self.college = college
        self.name = name
        self.home = home
        self.max_travel_km = max_travel_km
        self.credentials = credentials  # codes held (any expiry), sorted
        # code -> {"code", "issued", "expires"}: the latest record of each (registration's
        # codes have neither date: held without expiry)
        self.credential_records: dict[str, dict] = {
            c: {"code": c, "issued": None, "expires": None} for c in credentials}
        # [{"code", "site", "employer", "reason", "until"}], as granted
        self.waivers: list[dict] = []
        self.unavailable = unavailable  # [{"weekdays", "start", "end"}]
        self.participant = participant  # the partnership's record of the same person
        self.bookings: dict[str, Schedule] = {}  # placement id -> its slot's schedule

    @classmethod
    def register(
        cls,
        actor: str,
        college: str,
        name: str,
        home: dict,
        max_travel_km: float | None,
        credentials: list[str],
        unavailable: list[dict],
        participant: str | None = None,
    ) -> Student:
        require(bool(name and name.strip()), "name", "must not be blank")
        check_location(home, "home")
        require(max_travel_km is None or max_travel_km >= 0, "max_travel_km", "must be >= 0")
        for i, w in enumerate(unavailable):
            try:
                Window.parse(**w)
            except (TypeError, ValueError) as e:
                require(False, f"unavailable[{i}]", str(e))
        return cls(
            actor, college, name.strip(), dict(home), max_travel_km,
            sorted(set(credentials)), list(unavailable), participant,
        )

    def record_credential(self, actor: str, code: str, issued: date | None,
                          expires: date | None) -> dict:
        """A credential with its dates (a renewal or a correction replaces the code's earlier
        record: the latest record of a code is the one in force)."""
        code = check_code(code)
        check_dated(issued, expires)
        self._credential_recorded(actor, code, stored_date(issued), stored_date(expires))
        return self.credential_records[code]

    @event("CredentialRecorded")
    def _credential_recorded(self, actor: str, code: str, issued: str | None,
                             expires: str | None) -> None:
        self.credential_records[code] = {"code": code, "issued": typed_date(issued),
                                         "expires": typed_date(expires)}
        self.credentials = sorted(self.credential_records)

    def grant_waiver(self, actor: str, code: str, site: str, employer: str, reason: str,
                     until: date | None) -> dict:
        """An employer waives a requirement for this student at one of its sites."""
        code = check_code(code)
        require(bool(reason and reason.strip()), "reason", "must not be blank")
        if until is not None:
            check_date(until, "until")
        self._waiver_granted(actor, code, site, employer, reason.strip(), stored_date(until))
        return self.waivers[-1]

    @event("WaiverGranted")
    def _waiver_granted(self, actor: str, code: str, site: str, employer: str, reason: str,
                        until: str | None) -> None:
        self.waivers.append({"code": code, "site": site, "employer": employer,
                             "reason": reason, "until": typed_date(until)})

    def held_at(self, site: str) -> dict[str, date | None]:
        """Code -> the latest date it is valid until at `site` (None: no end)."""
        return held_at(self.credential_records.values(), self.waivers, site)

    def onboarding_gaps(self, site: str, requirements: list[str], end_date: date) -> list[dict]:
        """What the student lacks for a slot at `site` requiring `requirements` through
        `end_date`: [{"code", "reason": "absent" | "expires_before_end"}]."""
        return missing(requirements, self.held_at(site), end_date)

    def section4_credentials(self) -> list:
        """The credentials as the solver's problem file lists them: a code held without expiry,
        or {"code", "expires"}."""
        return [r["code"] if r["expires"] is None else {"code": r["code"],
                                                        "expires": stored_date(r["expires"])}
                for r in sorted(self.credential_records.values(), key=lambda r: r["code"])]

    def check_free(self, schedule: Schedule, placement: str | None = None) -> None:
        """Refuse (409) a slot in session at the same time as another of the student's."""
        for other, booked in self.bookings.items():
            if other != placement and simultaneous(schedule, booked):
                raise Conflict(
                    "the student is already booked into a slot in session at the same time",
                    code="student_double_booked",
                )

    def book(self, actor: str, placement: str, schedule: Schedule) -> None:
        self.check_free(schedule, placement)
        if placement not in self.bookings:
            self._booked(actor, placement, schedule.as_dict())

    @event("Booked")
    def _booked(self, actor: str, placement: str, schedule: dict) -> None:
        self.bookings[placement] = Schedule.parse(**schedule)

    def release(self, actor: str, placement: str) -> None:
        if placement in self.bookings:
            self._released(actor, placement)

    @event("Released")
    def _released(self, actor: str, placement: str) -> None:
        del self.bookings[placement]


class RequestStatus(StrEnum):
    OPEN = "open"
    WITHDRAWN = "withdrawn"  # by the college: no later solve places it


class PlacementRequest(Aggregate):
    @event("Filed")
    def __init__(
        self,
        actor: str,
        college: str,
        student: str,
        discipline: str,
        required_hours: int,
        earliest_start: str,
        latest_end: str,
        priority: int,
        group: str | None,
        preferred_sites: list[str],
    ):
        self.college = college
        self.student = student
        self.discipline = discipline
        self.required_hours = required_hours
        self.earliest_start: date = typed_date(earliest_start)
        self.latest_end: date = typed_date(latest_end)
        self.priority = priority
        self.group = group
        self.preferred_sites = preferred_sites
        self.placement: str | None = None  # the placement holding a seat for it, if any
        self.unplaced: dict | None = None  # latest solve's reason, if it was not placed
        self.withdrawn = False

    @classmethod
    def file(
        cls,
        actor: str,
        college: str,
        student: str,
        discipline: str,
        required_hours: int,
        earliest_start: date,
        latest_end: date,
        priority: int = 1,
        group: str | None = None,
        preferred_sites: list[str] | None = None,
    ) -> PlacementRequest:
        require(required_hours >= 1, "required_hours", "must be at least 1")
        require(priority >= 1, "priority", "must be at least 1")
        check_date(earliest_start, "earliest_start")
        check_date(latest_end, "latest_end")
        require(latest_end >= earliest_start, "latest_end", "must not be before earliest_start")
        return cls(
            actor, college, student, discipline, required_hours, stored_date(earliest_start),
            stored_date(latest_end), priority, group, list(preferred_sites or []),
        )

    @property
    def status(self) -> RequestStatus:
        return RequestStatus.WITHDRAWN if self.withdrawn else RequestStatus.OPEN

    def attach(self, actor: str, placement: str) -> None:
        if self.withdrawn:
            raise Conflict("the request has been withdrawn", code="request_withdrawn")
        if self.placement not in (None, placement):
            raise Conflict(
                "the request already holds another placement", code="request_already_placed"
            )
        if self.placement is None:
            self._attached(actor, placement)

    @event("PlacementAttached")
    def _attached(self, actor: str, placement: str) -> None:
        self.placement = placement
        self.unplaced = None

    def ask(self, actor: str, placement: str) -> None:
        """A coordinator asked one slot directly for this request (the placement waits for the
        employer). Recorded here too, so two asks at once conflict on the request's version and
        the second, re-run, finds the first."""
        if self.withdrawn:
            raise Conflict("the request has been withdrawn", code="request_withdrawn")
        self._asked(actor, placement)

    @event("Asked")
    def _asked(self, actor: str, placement: str) -> None:
        pass

    def detach(self, actor: str, placement: str) -> None:
        if self.placement == placement:
            self._detached(actor, placement)

    @event("PlacementDetached")
    def _detached(self, actor: str, placement: str) -> None:
        self.placement = None

    def withdraw(self, actor: str, reason: str) -> None:
        """The college takes the request back: no later solve places it."""
        if self.withdrawn:
            raise Conflict("the request is already withdrawn", code="request_withdrawn")
        if self.placement is not None:
            raise Conflict("the request holds a seat: cancel its placement first",
                           code="request_placed")
        require(bool(reason and reason.strip()), "reason", "must not be blank")
        self._withdrawn(actor, reason.strip())

    @event("Withdrawn")
    def _withdrawn(self, actor: str, reason: str) -> None:
        self.withdrawn = True

    @event("Unplaced")
    def record_unplaced(self, actor: str, solve: str, reason: str, detail: str) -> None:
        self.unplaced = {"solve": solve, "reason": reason, "detail": detail}
