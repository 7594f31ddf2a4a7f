"""A demo consortium modelled on the San Francisco Bay Area, loaded through the real commands.

Colleges and a university, hospitals and community clinics (FQHCs), a union and a workforce
board; RN, LVN, MA, DA, CHW and behavioural-health slots, preceptorships of one or two students,
and incumbent workers who can only train evenings and weekends.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from bootstrap.demo import apprenticeship as demo_apprenticeship
from placements.app import PlacementsApp
from placements.principals import OPERATOR, Principal

COLLEGES = [
    ("College of Marin", (37.956, -122.548)),
    ("City College of San Francisco", (37.725, -122.452)),
    ("Laney College", (37.797, -122.264)),
    ("Chabot College", (37.642, -122.107)),
    ("San José State University", (37.335, -121.881)),
]
EMPLOYERS = [
    # name, sites: (site name, lat, lon, requirements)
    ("Bay Regional Medical Center", [
        ("BRMC Oakland campus", 37.819, -122.262, ["BLS", "TB", "FLU", "BACKGROUND"]),
        ("BRMC Hayward campus", 37.669, -122.081, ["BLS", "TB", "FLU"]),
    ]),
    ("Golden Gate Community Hospital", [
        ("GGCH Potrero", 37.756, -122.405, ["BLS", "TB", "BACKGROUND"]),
    ]),
    ("Marin Valley Health", [
        ("Marin Valley Greenbrae", 37.947, -122.534, ["BLS", "TB"]),
    ]),
    ("Mission Neighborhood Clinics (FQHC)", [
        ("Mission Street clinic", 37.760, -122.419, ["TB"]),
        ("Excelsior clinic", 37.724, -122.433, ["TB"]),
    ]),
    ("East Bay Community Dental (FQHC)", [
        ("Fruitvale dental clinic", 37.775, -122.224, ["TB", "BACKGROUND"]),
    ]),
    ("South Bay Behavioral Health", [
        ("San José wellness center", 37.338, -121.886, ["TB", "BACKGROUND"]),
    ]),
]
OTHERS = [("SEIU Healthcare Workers Local 121", "union"),
          ("Bay Area Community Health Alliance", "community"),
          ("Bay Area Healthcare Workforce Board", "workforce_board")]
# discipline, hours, weekdays, shift, capacity, preceptor max students (None = instructor-led)
SLOT_PATTERNS = [
    ("RN", 128, [0, 1], ("07:00", "15:30"), 8, None),
    ("RN", 96, [5, 6], ("07:00", "19:30"), 2, 2),          # weekend preceptorship
    ("RN", 120, [2, 3], ("19:00", "07:30"), 1, 1),         # nights, one-to-one
    ("LVN", 96, [1, 3], ("06:30", "15:00"), 6, None),
    ("MA", 160, [0, 1, 2, 3, 4], ("08:00", "17:00"), 2, 2),
    ("MA", 80, [0, 2], ("17:30", "21:30"), 2, 2),          # evenings for incumbent workers
    ("DA", 120, [1, 2, 4], ("08:00", "16:00"), 2, 2),
    ("CHW", 100, [0, 2, 4], ("09:00", "17:00"), 3, 2),
    ("CHW", 60, [5], ("09:00", "15:00"), 2, 2),
    ("BH", 120, [1, 3], ("10:00", "18:00"), 1, 1),
]
FIRST = ["Ana", "Luis", "Mei", "Tran", "Aisha", "Jordan", "Priya", "Diego", "Fatima", "Kai",
         "Sofia", "Malik", "Grace", "Omar", "Leilani", "Ivan", "Rosa", "Hiro", "Nia", "Carlos"]
LAST = ["Garcia", "Nguyen", "Chen", "Patel", "Johnson", "Lopez", "Kim", "Okafor", "Santos",
        "Hernandez", "Wong", "Reyes", "Ali", "Cruz", "Tanaka", "Silva", "Brown", "Ramos"]
CREDENTIALS = ["BLS", "TB", "FLU", "BACKGROUND"]
TERM_START, TERM_END = date(2027, 1, 11), date(2027, 5, 28)


@dataclass
class Demo:
    colleges: dict[str, str] = field(default_factory=dict)   # name -> id
    employers: dict[str, str] = field(default_factory=dict)
    students: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    slots: list[str] = field(default_factory=list)


def load(app: PlacementsApp, seed: int = 2027) -> Demo:
    rng = random.Random(seed)
    demo = Demo()
    for name, _ in COLLEGES:
        demo.colleges[name] = app.organizations.register_organization(OPERATOR, name,
                                                                      "college")["id"]
    for name, kind in OTHERS:
        app.organizations.register_organization(OPERATOR, name, kind)
    for employer_name, sites in EMPLOYERS:
        eid = app.organizations.register_organization(OPERATOR, employer_name, "employer")["id"]
        demo.employers[employer_name] = eid
        employer = Principal("employer", eid)
        for s_index, (site_name, lat, lon, reqs) in enumerate(sites):
            site = app.capacity.register_site(employer, site_name, {"lat": lat, "lon": lon},
                                              reqs)["id"]
            patterns = [p for i, p in enumerate(SLOT_PATTERNS) if (i + s_index) % 2 == 0
                        or len(sites) == 1]
            for discipline, hours, days, (start, end), capacity, max_students in patterns:
                preceptor = None
                if max_students:
                    preceptor = app.capacity.register_preceptor(
                        employer, site, f"{rng.choice(FIRST)} {rng.choice(LAST)}, preceptor",
                        [discipline], max_students, journeyworker=discipline == "CHW")["id"]
                slot = app.capacity.publish_slot(employer, site, discipline, capacity, preceptor,
                                                 date(2027, 1, 18), date(2027, 4, 30), days,
                                                 start, end, hours)
                demo.slots.append(slot["id"])
    for college_name, (lat, lon) in COLLEGES:
        coordinator = Principal("coordinator", demo.colleges[college_name])
        for _ in range(12):
            incumbent = rng.random() < 0.25  # works days: trains evenings and weekends only
            student = app.students.register_student(
                coordinator, f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                {"lat": round(lat + rng.uniform(-0.08, 0.08), 4),
                 "lon": round(lon + rng.uniform(-0.08, 0.08), 4)},
                max_travel_km=rng.choice([25, 40, 60, None]),
                credentials=[c for c in CREDENTIALS if rng.random() < 0.85],
                unavailable=[{"weekdays": [0, 1, 2, 3, 4], "start": "08:00", "end": "17:00"}]
                if incumbent else [],
            )["id"]
            demo.students.append(student)
            discipline = rng.choice(["RN", "RN", "LVN", "MA", "DA", "CHW", "BH"])
            request = app.students.request_placement(
                coordinator, student, discipline, rng.choice([60, 80, 96]), TERM_START,
                TERM_END, priority=rng.choice([1, 1, 1, 2, 3]))["id"]
            demo.requests.append(request)
    demo_apprenticeship.load(app, demo.employers, demo.colleges)
    return demo


def has_data(app: PlacementsApp) -> bool:
    return bool(app.organizations.organizations(OPERATOR, limit=1, cursor=None).items)
