"""Small hand-made problems, each built to tempt a wrong solver into breaking one rule."""

from __future__ import annotations

import copy

BASE = {
    "format": "placements-problem/1",
    "colleges": [{"id": "c1", "name": "College of Marin"}, {"id": "c2", "name": "Laney"}],
    "sites": [{"id": "s1", "employer": "e1", "location": {"lat": 37.97, "lon": -122.53},
               "requirements": ["BLS"]},
              {"id": "s2", "employer": "e1", "location": {"lat": 37.80, "lon": -122.27},
               "requirements": []}],
    "preceptors": [],
    "slots": [],
    "students": [],
    "requests": [],
    "existing": [],
}


def slot(ident: str, site: str = "s1", *, capacity: int = 1, preceptor: str | None = None,
         weekdays=(0, 1), start: str = "07:00", end: str = "15:30", hours: int = 128,
         discipline: str = "RN", dates=("2027-01-11", "2027-03-05"), colleges=None) -> dict:
    return {"id": ident, "site": site, "discipline": discipline, "capacity": capacity,
            "preceptor": preceptor, "start_date": dates[0], "end_date": dates[1],
            "weekdays": list(weekdays), "shift_start": start, "shift_end": end, "hours": hours,
            "colleges": colleges}


def student(ident: str, college: str = "c1", *, travel=None, credentials=("BLS",),
            unavailable=()) -> dict:
    return {"id": ident, "college": college, "home": {"lat": 37.95, "lon": -122.50},
            "max_travel_km": travel, "credentials": list(credentials),
            "unavailable": list(unavailable)}


def request(ident: str, who: str, *, priority: int = 1, group=None, hours: int = 100,
            discipline: str = "RN", window=("2027-01-04", "2027-05-28"), preferred=()) -> dict:
    return {"id": ident, "student": who, "discipline": discipline, "required_hours": hours,
            "earliest_start": window[0], "latest_end": window[1], "priority": priority,
            "group": group, "preferred_sites": list(preferred)}


def problem(**parts) -> dict:
    p = copy.deepcopy(BASE)
    for key, value in parts.items():
        p[key] = value
    return p
