"""Realistic synthetic `placements-problem/1` instances (`placements generate`).

A Bay Area-like region of up to sixteen towns (about one per 1,250 requests); colleges and
employers in them; sites with onboarding requirements; preceptorships of one or two students
(a preceptor often covers two slots on different days); instructor-led cohort slots; day,
evening, weekend and night shifts across three terms; students living near their college, a
fifth of them incumbent workers free only evenings and weekends; cohort groups; credentials;
travel limits; a few college-reserved slots. `scarcity` is the ratio of seats to requests. The
same seed gives the same file.

`metro=True` makes the dense kind instead: one metro area (every site within reach of most
students) and requests open across the whole year, so each request reaches tens to hundreds of
slots and the consortium is one part, not many.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from solver.instance import FORMAT

TOWNS = [("San Francisco", 37.77, -122.42), ("Oakland", 37.80, -122.27),
         ("San José", 37.34, -121.89), ("Berkeley", 37.87, -122.27),
         ("Hayward", 37.67, -122.08), ("Fremont", 37.55, -121.99),
         ("Walnut Creek", 37.91, -122.06), ("San Rafael", 37.97, -122.53),
         ("Santa Rosa", 38.44, -122.71), ("Vallejo", 38.10, -122.26),
         ("Palo Alto", 37.44, -122.14), ("San Mateo", 37.56, -122.32),
         ("Concord", 37.98, -122.03), ("Richmond", 37.94, -122.35),
         ("Napa", 38.30, -122.29), ("Gilroy", 37.01, -121.57)]
DISCIPLINES = [("RN", 30), ("LVN", 10), ("MA", 15), ("DA", 8), ("CHW", 10), ("BH", 8),
               ("SW", 7), ("PHARM_TECH", 7), ("K12_SHADOW", 5)]
TERMS = [(date(2027, 1, 11), date(2027, 5, 28)), (date(2027, 6, 7), date(2027, 8, 13)),
         (date(2027, 8, 23), date(2027, 12, 17))]
# name, weekdays choices, start, end, share
SHIFTS = [("day", [[0, 1], [1, 2], [2, 3], [3, 4], [0, 2], [1, 3]], "07:00", "15:30", 55),
          ("clinic", [[0, 2, 4], [1, 3]], "09:00", "17:00", 15),
          ("evening", [[0, 2], [1, 3], [0, 1, 2]], "17:30", "21:30", 12),
          ("weekend", [[5, 6], [5], [6]], "07:00", "19:30", 12),
          ("night", [[2, 3], [4, 5]], "19:00", "07:30", 6)]
REQUIREMENTS = ["BLS", "TB", "FLU", "BACKGROUND"]


def _near(rng: random.Random, lat: float, lon: float, km: float) -> dict:
    return {"lat": round(lat + rng.uniform(-km, km) / 111.0, 4),
            "lon": round(lon + rng.uniform(-km, km) / 88.0, 4)}


def _hours(weekdays: list[int], start: str, end: str, first: date, last: date) -> int:
    h0, m0 = map(int, start.split(":"))
    h1, m1 = map(int, end.split(":"))
    length = ((h1 * 60 + m1) - (h0 * 60 + m0)) % (24 * 60) or 24 * 60
    days = sum(1 for i in range((last - first).days + 1)
               if (first + timedelta(days=i)).weekday() in weekdays)
    return int(days * length / 60)


def generate(requests: int, seed: int = 1, scarcity: float = 0.8, metro: bool = False) -> dict:
    rng = random.Random(seed)
    # A consortium's footprint grows with it: about one town per 1,250 requests.
    towns = TOWNS[:1 if metro else max(2, min(len(TOWNS), round(requests / 1250)))]
    n_colleges = max(3, min(40, requests // 400))
    n_employers = max(3, min(120, requests // 150))
    colleges = [{"id": f"c{i}", "name": f"{rng.choice(towns)[0]} College {i}"}
                for i in range(n_colleges)]
    college_town = {c["id"]: rng.choice(towns) for c in colleges}
    sites, preceptors, slots = [], [], []
    for e in range(n_employers):
        town = rng.choice(towns)
        for k in range(rng.randint(1, 4)):
            site_town = town if k == 0 else rng.choice(towns)
            sites.append({"id": f"s{len(sites)}", "employer": f"e{e}",
                          "location": _near(rng, site_town[1], site_town[2], 6),
                          "requirements": sorted(rng.sample(REQUIREMENTS, rng.randint(1, 3)))})
    weights = [w for _, w in DISCIPLINES]
    seats = 0
    while seats < scarcity * requests:
        site = rng.choice(sites)
        discipline = rng.choices([d for d, _ in DISCIPLINES], weights)[0]
        term_start, term_end = rng.choice(TERMS)
        first = term_start + timedelta(days=7 * rng.randint(0, 8))
        last = min(term_end, first + timedelta(days=7 * rng.randint(5, 10) - 3))
        _, day_sets, start, end, _ = rng.choices(SHIFTS, [s[4] for s in SHIFTS])[0]
        if discipline not in ("RN", "LVN") and start == "19:00":
            start, end = "07:00", "15:30"
        weekdays = rng.choice(day_sets)
        cohort = discipline in ("RN", "LVN") and rng.random() < 0.35
        if cohort:
            preceptor, capacity = None, rng.randint(6, 8)
        else:
            reuse = [p for p in preceptors if p["site"] == site["id"]
                     and p["discipline"] == discipline]
            if reuse and rng.random() < 0.4:
                preceptor = rng.choice(reuse)  # a second slot for a busy preceptor
            else:
                preceptor = {"id": f"p{len(preceptors)}", "site": site["id"],
                             "max_students": rng.choice([1, 1, 2]), "discipline": discipline}
                preceptors.append(preceptor)
            capacity = rng.choice([1, 2, 2, 3])
        colleges_open = None
        if rng.random() < 0.05:
            colleges_open = sorted(rng.sample([c["id"] for c in colleges],
                                              min(2, len(colleges))))
        slots.append({"id": f"sl{len(slots)}", "site": site["id"], "discipline": discipline,
                      "capacity": capacity, "preceptor": preceptor["id"] if preceptor else None,
                      "start_date": first.isoformat(), "end_date": last.isoformat(),
                      "weekdays": weekdays, "shift_start": start, "shift_end": end,
                      "hours": _hours(weekdays, start, end, first, last),
                      "colleges": colleges_open})
        seats += capacity
    students, reqs = [], []
    cohorts: dict[tuple, list[str]] = {}
    while len(reqs) < requests:
        college = rng.choice(colleges)["id"]
        town = college_town[college]
        incumbent = rng.random() < 0.2
        student = {"id": f"st{len(students)}", "college": college,
                   "home": _near(rng, town[1], town[2], 12),
                   "max_travel_km": rng.choice([15, 20, 25, 30, 40, None]),
                   "credentials": [c for c in REQUIREMENTS if rng.random() < 0.95],
                   "unavailable": [{"weekdays": [0, 1, 2, 3, 4], "start": "08:00", "end": "17:00"}]
                   if incumbent else []}
        students.append(student)
        for _ in range(2 if rng.random() < 0.1 else 1):
            if len(reqs) >= requests:
                break
            discipline = rng.choices([d for d, _ in DISCIPLINES], weights)[0]
            term = rng.randrange(len(TERMS))
            group = None
            if discipline in ("RN", "LVN") and not incumbent and rng.random() < 0.25:
                key = (college, discipline, term)
                members = cohorts.setdefault(key, [])
                if len(members) >= rng.randint(4, 8):
                    members.clear()
                    cohorts[key] = members = []
                group = f"g-{college}-{discipline}-{term}-{len(reqs) // 8}"
                if members:
                    group = members[0]
                members.append(group)
            near = [s["id"] for s in sites
                    if abs(s["location"]["lat"] - student["home"]["lat"]) < 0.15
                    and abs(s["location"]["lon"] - student["home"]["lon"]) < 0.2]
            start, end = TERMS[term]
            if metro and rng.random() < 0.7:  # any time in the year
                start, end = TERMS[0][0], TERMS[-1][1]
            elif rng.random() < 0.5:  # a rotation block: the first or second half of the term
                middle = start + (end - start) / 2
                start, end = (start, middle) if rng.random() < 0.5 else (middle, end)
            reqs.append({"id": f"r{len(reqs)}", "student": student["id"],
                         "discipline": discipline, "required_hours": rng.choice([48, 60, 72, 90]),
                         "earliest_start": start.isoformat(), "latest_end": end.isoformat(),
                         "priority": rng.choices([1, 2, 3], [80, 15, 5])[0], "group": group,
                         "preferred_sites": rng.sample(near, min(len(near), rng.randint(0, 2)))})
    for p in preceptors:
        del p["discipline"]
    return {"format": FORMAT, "colleges": colleges, "sites": sites, "preceptors": preceptors,
            "slots": slots, "students": students, "requests": reqs, "existing": []}
