"""The `placements-problem/1` file as dataclasses, with validation naming each error's JSON path.

`read_problem(data)` returns a `Problem` or raises `ProblemError` whose `errors` are lines like
`requests[3].student: unknown student 'st9'`: the structural checks (types, ids, references,
dates, times). The hard-constraint checks of locked `existing` entries (H7) need eligibility, so
they come after, in solver/locked.py; solver/parse.py's `parse_problem` does both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from domain.schedule import Schedule, Window

FORMAT = "placements-problem/1"


class ProblemError(ValueError):
    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class Site:
    id: str
    employer: str
    lat: float
    lon: float
    requirements: frozenset[str]


@dataclass(frozen=True)
class Preceptor:
    id: str
    site: str
    max_students: int


@dataclass(frozen=True)
class Slot:
    id: str
    site: str
    discipline: str
    capacity: int
    preceptor: str | None
    schedule: Schedule
    hours: float
    colleges: frozenset[str] | None
    # Requirements of the slot's own (its unit's, from the API), beyond its site's.
    requirements: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Student:
    id: str
    college: str
    lat: float
    lon: float
    max_travel_km: float | None
    credentials: frozenset[str]  # codes held, whatever their expiry
    unavailable: tuple[Window, ...]
    # (code, last valid date) of the credentials that expire (a code listed with and without
    # an expiry is held without); (code, site, until or None) of waivers, at that site only.
    expiring: frozenset[tuple[str, date]] = frozenset()
    waivers: frozenset[tuple[str, str, date | None]] = frozenset()

    def held_through(self, site: str, end: date) -> frozenset[str]:
        """The codes that count for a slot at `site` ending on `end` (SPEC section 4: a
        credential, or a waiver at that site, that does not expire before `end`)."""
        if not self.expiring and not self.waivers:
            return self.credentials
        lapsed = {code for code, expires in self.expiring if expires < end}
        waived = {code for code, at, until in self.waivers
                  if at == site and (until is None or until >= end)}
        return frozenset((self.credentials - lapsed) | waived)


@dataclass(frozen=True)
class Request:
    id: str
    student: str
    discipline: str
    required_hours: float
    earliest_start: date
    latest_end: date
    priority: int
    group: str | None
    preferred_sites: tuple[str, ...]


@dataclass(frozen=True)
class Existing:
    request: str
    slot: str
    locked: bool


# eq=False: a problem is compared and hashed by identity, so solver/rules.py can keep arrays
# derived from it for as long as it lives.
@dataclass(eq=False)
class Problem:
    colleges: dict[str, str]
    sites: dict[str, Site]
    preceptors: dict[str, Preceptor]
    slots: dict[str, Slot]
    students: dict[str, Student]
    requests: dict[str, Request]  # in file order
    existing: list[Existing]
    raw: dict = field(default_factory=dict, repr=False)

    @cached_property
    def _positions(self) -> dict[int, dict[str, int]]:
        """For each table (by identity), each id -> its place in the file."""
        return {id(table): {k: i for i, k in enumerate(table)}
                for table in (self.preceptors, self.slots, self.students, self.requests)}

    def requested_by_college(self) -> dict[str, int]:
        """Every college's number of requests (L2's denominators), colleges in file order."""
        requested: dict[str, int] = {}
        for r in self.requests.values():
            college = self.students[r.student].college
            requested[college] = requested.get(college, 0) + 1
        return requested

    def _in_file_order(self, table: dict, ids) -> dict:
        return {k: table[k] for k in sorted(ids, key=self._positions[id(table)].__getitem__)}

    def subproblem(self, request_ids: set[str], slot_ids: set[str]) -> Problem:
        """The part of the problem over these requests and slots (a component)."""
        slots = self._in_file_order(self.slots, slot_ids)
        requests = self._in_file_order(self.requests, request_ids)
        return Problem(
            colleges=self.colleges,
            sites=self.sites,
            preceptors=self._in_file_order(
                self.preceptors, {s.preceptor for s in slots.values()} - {None}),
            slots=slots,
            students=self._in_file_order(self.students, {r.student for r in requests.values()}),
            requests=requests,
            existing=[e for e in self.existing if e.request in request_ids],
        )


class _Reader:
    """Collects errors while reading fields, so one pass reports every problem."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def error(self, path: str, message: str) -> None:
        self.errors.append(f"{path}: {message}")

    def get(self, obj: dict, key: str, path: str, kind: type | tuple, *, required: bool = True,
            default=None, nullable: bool = False):
        if key not in obj:
            if required:
                self.error(f"{path}.{key}", "missing")
            return default
        value = obj[key]
        if value is None and nullable:
            return None
        numeric = kind in (int, float) or kind == (int, float)
        if (not isinstance(value, kind)) or (numeric and isinstance(value, bool)):
            self.error(f"{path}.{key}", f"expected {_kind_name(kind)}, got {value!r}")
            return default
        return value

    def items(self, data: dict, key: str) -> list[dict]:
        value = data.get(key, [] if key == "existing" else None)
        if not isinstance(value, list):
            self.error(key, "missing or not a list")
            return []
        ok = []
        for i, item in enumerate(value):
            if isinstance(item, dict):
                ok.append((i, item))
            else:
                self.error(f"{key}[{i}]", "expected an object")
        return ok

    def unique(self, key: str, entries: list[tuple[int, dict]]) -> dict[str, tuple[int, dict]]:
        seen: dict[str, tuple[int, dict]] = {}
        for i, item in entries:
            ident = self.get(item, "id", f"{key}[{i}]", str)
            if ident is None:
                continue
            if ident in seen:
                first = seen[ident][0]
                self.error(f"{key}[{i}].id", f"duplicate id {ident!r} (also {key}[{first}])")
            else:
                seen[ident] = (i, item)
        return seen


def _kind_name(kind) -> str:
    names = {str: "a string", int: "an integer", float: "a number", bool: "true or false",
             list: "a list", dict: "an object"}
    if isinstance(kind, tuple):
        return " or ".join(names.get(k, k.__name__) for k in kind)
    return names.get(kind, kind.__name__)


NUMBER = (int, float)


def _location(r: _Reader, obj: dict, key: str, path: str) -> tuple[float, float]:
    loc = r.get(obj, key, path, dict, default={})
    lat = r.get(loc, "lat", f"{path}.{key}", NUMBER, default=0.0) if loc else 0.0
    lon = r.get(loc, "lon", f"{path}.{key}", NUMBER, default=0.0) if loc else 0.0
    if not -90 <= lat <= 90:
        r.error(f"{path}.{key}.lat", f"out of range: {lat}")
    if not -180 <= lon <= 180:
        r.error(f"{path}.{key}.lon", f"out of range: {lon}")
    return float(lat), float(lon)


def _strings(r: _Reader, obj: dict, key: str, path: str, *, nullable: bool = False):
    value = r.get(obj, key, path, list, required=False, default=None if nullable else [],
                  nullable=nullable)
    if value is None:
        return None
    if not all(isinstance(v, str) for v in value):
        r.error(f"{path}.{key}", "expected a list of strings")
        return []
    return value


def _date(r: _Reader, obj: dict, key: str, path: str) -> date | None:
    text = r.get(obj, key, path, str)
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        r.error(f"{path}.{key}", f"not an ISO date: {text!r}")
        return None


def _credentials(r: _Reader, student: dict, path: str
                 ) -> tuple[frozenset[str], frozenset[tuple[str, date]]]:
    """A student's `credentials`: each a code (held without expiry) or {"code", "expires"}."""
    value = r.get(student, "credentials", path, list, required=False, default=[])
    codes: set[str] = set()
    expires: dict[str, date | None] = {}
    for j, entry in enumerate(value):
        where = f"{path}.credentials[{j}]"
        if isinstance(entry, str):
            codes.add(entry)
            expires[entry] = None
            continue
        if not isinstance(entry, dict):
            r.error(where, f"expected a code or an object, got {entry!r}")
            continue
        code = r.get(entry, "code", where, str)
        until = r.get(entry, "expires", where, str, required=False, nullable=True)
        day = _date(r, entry, "expires", where) if until is not None else None
        if code is None or (until is not None and day is None):
            continue
        codes.add(code)
        if code not in expires or (expires[code] is not None
                                   and (day is None or day > expires[code])):
            expires[code] = day
    return frozenset(codes), frozenset((c, d) for c, d in expires.items() if d is not None)


def _waivers(r: _Reader, student: dict, path: str, sites: dict
             ) -> frozenset[tuple[str, str, date | None]]:
    """A student's optional `waivers`: [{"code", "site", "until"}] (until null: no end)."""
    found = set()
    for j, entry in enumerate(r.get(student, "waivers", path, list, required=False,
                                    default=[])):
        where = f"{path}.waivers[{j}]"
        if not isinstance(entry, dict):
            r.error(where, "expected an object")
            continue
        code, site = r.get(entry, "code", where, str), r.get(entry, "site", where, str)
        if site is not None and site not in sites:
            r.error(f"{where}.site", f"unknown site {site!r}")
        until = r.get(entry, "until", where, str, required=False, nullable=True)
        day = _date(r, entry, "until", where) if until is not None else None
        if code is not None and site is not None and (until is None or day is not None):
            found.add((code, site, day))
    return frozenset(found)


def read_problem(data: object) -> Problem:
    """Read a `placements-problem/1` structure and check its structure."""
    r = _Reader()
    if not isinstance(data, dict):
        raise ProblemError(["$: expected a JSON object"])
    if data.get("format") != FORMAT:
        r.error("format", f"expected {FORMAT!r}, got {data.get('format')!r}")

    colleges = {}
    for ident, (i, c) in r.unique("colleges", r.items(data, "colleges")).items():
        colleges[ident] = r.get(c, "name", f"colleges[{i}]", str, required=False, default=ident)

    sites = {}
    for ident, (i, s) in r.unique("sites", r.items(data, "sites")).items():
        path = f"sites[{i}]"
        lat, lon = _location(r, s, "location", path)
        sites[ident] = Site(ident, r.get(s, "employer", path, str, default=""), lat, lon,
                            frozenset(_strings(r, s, "requirements", path)))

    preceptors = {}
    for ident, (i, p) in r.unique("preceptors", r.items(data, "preceptors")).items():
        path = f"preceptors[{i}]"
        site = r.get(p, "site", path, str)
        if site is not None and site not in sites:
            r.error(f"{path}.site", f"unknown site {site!r}")
        most = r.get(p, "max_students", path, int, default=1)
        if most < 1:
            r.error(f"{path}.max_students", f"must be at least 1, got {most}")
        preceptors[ident] = Preceptor(ident, site or "", most)

    slots = {}
    for ident, (i, s) in r.unique("slots", r.items(data, "slots")).items():
        path = f"slots[{i}]"
        site = r.get(s, "site", path, str)
        if site is not None and site not in sites:
            r.error(f"{path}.site", f"unknown site {site!r}")
        capacity = r.get(s, "capacity", path, int, default=0)
        if capacity < 0:
            r.error(f"{path}.capacity", f"must not be negative, got {capacity}")
        preceptor = r.get(s, "preceptor", path, str, required=False, nullable=True)
        if preceptor is not None and preceptor not in preceptors:
            r.error(f"{path}.preceptor", f"unknown preceptor {preceptor!r}")
        elif preceptor is not None and site and preceptors[preceptor].site != site:
            r.error(f"{path}.preceptor", f"preceptor {preceptor!r} works at another site")
        hours = r.get(s, "hours", path, NUMBER, default=0)
        if hours < 0:
            r.error(f"{path}.hours", f"must not be negative, got {hours}")
        colleges_open = _strings(r, s, "colleges", path, nullable=True)
        for c in colleges_open or []:
            if c not in colleges:
                r.error(f"{path}.colleges", f"unknown college {c!r}")
        schedule = None
        errors_before = len(r.errors)
        fields = {k: r.get(s, k, path, t) for k, t in (
            ("start_date", str), ("end_date", str), ("weekdays", list), ("shift_start", str),
            ("shift_end", str))}
        if len(r.errors) == errors_before:
            try:
                schedule = Schedule.parse(**fields)
            except ValueError as e:
                field_name, _, message = str(e).partition(": ")
                r.error(f"{path}.{field_name}", message)
        extra = frozenset(_strings(r, s, "requirements", path))
        if schedule is not None:
            slots[ident] = Slot(ident, site or "", r.get(s, "discipline", path, str, default=""),
                                capacity, preceptor, schedule, float(hours),
                                frozenset(colleges_open) if colleges_open is not None else None,
                                extra)

    students = {}
    for ident, (i, s) in r.unique("students", r.items(data, "students")).items():
        path = f"students[{i}]"
        college = r.get(s, "college", path, str)
        if college is not None and college not in colleges:
            r.error(f"{path}.college", f"unknown college {college!r}")
        lat, lon = _location(r, s, "home", path)
        travel = r.get(s, "max_travel_km", path, NUMBER, required=False, nullable=True)
        if travel is not None and travel < 0:
            r.error(f"{path}.max_travel_km", f"must not be negative, got {travel}")
        windows = []
        for j, w in enumerate(r.get(s, "unavailable", path, list, required=False, default=[])):
            wpath = f"{path}.unavailable[{j}]"
            if not isinstance(w, dict):
                r.error(wpath, "expected an object")
                continue
            try:
                windows.append(Window.parse(w.get("weekdays", []), w.get("start", ""),
                                            w.get("end", "")))
            except ValueError as e:
                field_name, _, message = str(e).partition(": ")
                r.error(f"{wpath}.{field_name}", message)
        codes, expiring = _credentials(r, s, path)
        students[ident] = Student(ident, college or "", lat, lon, travel, codes, tuple(windows),
                                  expiring, _waivers(r, s, path, sites))

    requests: dict[str, Request] = {}
    group_discipline: dict[str, tuple[str, int]] = {}
    for ident, (i, q) in r.unique("requests", r.items(data, "requests")).items():
        path = f"requests[{i}]"
        student = r.get(q, "student", path, str)
        if student is not None and student not in students:
            r.error(f"{path}.student", f"unknown student {student!r}")
        discipline = r.get(q, "discipline", path, str, default="")
        hours = r.get(q, "required_hours", path, NUMBER, default=0)
        if hours < 0:
            r.error(f"{path}.required_hours", f"must not be negative, got {hours}")
        start, end = _date(r, q, "earliest_start", path), _date(r, q, "latest_end", path)
        if start and end and end < start:
            r.error(f"{path}.latest_end", "before earliest_start")
        priority = r.get(q, "priority", path, int, required=False, default=1)
        if priority is not None and priority < 1:
            r.error(f"{path}.priority", f"must be at least 1, got {priority}")
        group = r.get(q, "group", path, str, required=False, nullable=True)
        if group is not None:
            first = group_discipline.setdefault(group, (discipline, i))
            if first[0] != discipline:
                r.error(f"{path}.group", f"group {group!r} mixes disciplines {first[0]!r} "
                                         f"(requests[{first[1]}]) and {discipline!r}")
        preferred = _strings(r, q, "preferred_sites", path)
        for site in preferred:
            if site not in sites:
                r.error(f"{path}.preferred_sites", f"unknown site {site!r}")
        requests[ident] = Request(ident, student or "", discipline, float(hours),
                                  start or date.min, end or date.max, priority or 1, group,
                                  tuple(preferred))

    existing = []
    seen_requests: dict[str, int] = {}
    for i, e in r.items(data, "existing"):
        path = f"existing[{i}]"
        request = r.get(e, "request", path, str)
        slot = r.get(e, "slot", path, str)
        locked = r.get(e, "locked", path, bool, required=False, default=False)
        if request is not None and request not in requests:
            r.error(f"{path}.request", f"unknown request {request!r}")
        elif request is not None and request in seen_requests:
            r.error(f"{path}.request", f"request {request!r} already assigned in "
                                       f"existing[{seen_requests[request]}] (H1)")
        if slot is not None and slot not in slots:
            r.error(f"{path}.slot", f"unknown slot {slot!r}")
        if request in requests and slot in slots:
            seen_requests[request] = i
            existing.append(Existing(request, slot, bool(locked)))

    if r.errors:
        raise ProblemError(r.errors)
    return Problem(colleges, sites, preceptors, slots, students, requests, existing, data)
