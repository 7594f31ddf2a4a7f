"""H2's rules over arrays: for a block of requests of one discipline and every slot of that
discipline, which rules each slot breaks. The answers are `rules.failures`'s; they are computed
once per distinct value where a rule depends on few (a student's credentials, unavailable windows
or college against the discipline's sites, schedules or reservations), and with numpy where it
depends on the pair (hours, dates, travel).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence

import numpy as np

from domain.schedule import intersects_window
from solver.geo import beyond
from solver.instance import Problem, Request, Site, Slot, Student


def _numbered(values: Sequence[Hashable]) -> tuple[np.ndarray, list]:
    """Each value's number among the distinct values, and the distinct values in that order."""
    numbers: dict[Hashable, int] = {}
    index = [numbers.setdefault(v, len(numbers)) for v in values]
    return np.array(index, dtype=np.intp), list(numbers)


def _rows(keys: Sequence[Hashable], cache: dict, make: Callable[[Hashable], np.ndarray]
          ) -> np.ndarray:
    """One row per key, each distinct key's row made once and kept in `cache`."""
    index, distinct = _numbered(keys)
    for k in distinct:
        if k not in cache:
            cache[k] = make(k)
    return np.stack([cache[k] for k in distinct])[index]


class DisciplineSlots:
    """The slots of one discipline, in file order, as arrays, and the rules they break."""

    def __init__(self, slots: list[Slot], sites: dict[str, Site]):
        self.ids = np.array([s.id for s in slots], dtype=object)
        self.open = np.array([s.capacity > 0 for s in slots])
        self.hours = np.array([s.hours for s in slots], dtype=float)
        self.start = np.array([s.schedule.start_date.toordinal() for s in slots])
        self.end = np.array([s.schedule.end_date.toordinal() for s in slots])
        # Sites and schedules are far fewer than slots: travel and availability are decided
        # per distinct site or schedule, then spread to the slots.
        self.site, site_ids = _numbered([s.site for s in slots])
        self.sites = [sites[s] for s in site_ids]
        self.site_lat = np.array([s.lat for s in self.sites], dtype=float)
        self.site_lon = np.array([s.lon for s in self.sites], dtype=float)
        self.schedule, self.schedules = _numbered([s.schedule for s in slots])
        # The credentials rule depends on a slot's site (waivers are per site), requirements
        # (its site's and its own) and end date (expiry): decided per distinct triple, one
        # numpy comparison per required code, for each distinct holding of students.
        self.needs, distinct = _numbered([(s.site, s.requirements, s.schedule.end_date)
                                          for s in slots])
        needs = [(site, sites[site].requirements | extra, end) for site, extra, end in distinct]
        self._needs = needs
        codes = sorted(set().union(*(required for _, required, _ in needs)))
        self._need_code = {c: np.array([c in required for _, required, _ in needs], dtype=bool)
                           for c in codes}
        self._need_end = np.array([end.toordinal() for _, _, end in needs])
        self._need_site = np.array([site for site, _, _ in needs], dtype=object)
        self.reserved = [s.colleges for s in slots]
        self._credentials: dict = {}
        self._windows: dict = {}
        self._college: dict = {}

    def __len__(self) -> int:
        return len(self.ids)

    def broken(self, requests: Sequence[Request], students: Sequence[Student]
               ) -> dict[str, np.ndarray]:
        """Rule -> [i, j]: whether slot j breaks it for requests[i], whose student is
        students[i]. Every rule of `rules.failures` but discipline, which these slots share."""
        hours = np.array([r.required_hours for r in requests], dtype=float)
        first = np.array([r.earliest_start.toordinal() for r in requests])
        last = np.array([r.latest_end.toordinal() for r in requests])
        limit = np.array([np.inf if s.max_travel_km is None else s.max_travel_km
                          for s in students], dtype=float)
        far = beyond(np.array([s.lat for s in students]), np.array([s.lon for s in students]),
                     limit, self.site_lat, self.site_lon)
        return {
            "hours": self.hours[None, :] < hours[:, None],
            "window": (self.start[None, :] < first[:, None]) | (self.end[None, :] > last[:, None]),
            "credentials": _rows([(s.credentials, s.expiring, s.waivers) for s in students],
                                 self._credentials, self._lacking_per_slot),
            "travel": far[:, self.site],
            "availability": _rows([s.unavailable for s in students], self._windows,
                                  self._meeting)[:, self.schedule],
            "college_reserved": _rows([s.college for s in students], self._college,
                                      self._closed),
        }

    def _lacking_per_slot(self, held: tuple) -> np.ndarray:
        return self._lacking(held)[self.needs]

    def _lacking(self, held: tuple) -> np.ndarray:
        """Over the distinct (site, requirements, end date): whether a student holding
        `held` (credentials, expiring, waivers) lacks a requirement through the end date."""
        credentials, expiring, waivers = held
        if not expiring and not waivers:
            lacking = np.zeros(len(self._needs), dtype=bool)
            for code, needed in self._need_code.items():
                if code not in credentials:
                    lacking |= needed
            return lacking
        expires = dict(expiring)
        lacking = np.zeros(len(self._needs), dtype=bool)
        for code, needed in self._need_code.items():
            if code not in credentials:
                held = np.zeros(len(self._needs), dtype=bool)
            elif code in expires:
                held = self._need_end <= expires[code].toordinal()
            else:
                continue
            for waived, site, until in waivers:
                if waived == code:
                    held |= (self._need_site == site) & (
                        True if until is None else self._need_end <= until.toordinal())
            lacking |= needed & ~held
        return lacking

    def _meeting(self, windows: tuple) -> np.ndarray:
        return np.array([any(intersects_window(s, w) for w in windows) for s in self.schedules],
                        dtype=bool)

    def _closed(self, college: str) -> np.ndarray:
        return np.array([c is not None and college not in c for c in self.reserved], dtype=bool)


def by_discipline(problem: Problem) -> dict[str, DisciplineSlots]:
    """Every discipline's slots (capacity 0 included: the explanations count them)."""
    slots: dict[str, list[Slot]] = {}
    for slot in problem.slots.values():
        slots.setdefault(slot.discipline, []).append(slot)
    return {d: DisciplineSlots(s, problem.sites) for d, s in slots.items()}
