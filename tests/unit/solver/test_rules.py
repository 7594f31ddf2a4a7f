"""H2 over arrays (`eligibility`, `why_no_slot`) against its rule-by-rule definition
(`failures`): on generated instances, on generated instances bent toward the rules' edges, and on
hand-made edge cases whose answers are written out."""

from __future__ import annotations

import math
import random
from datetime import date, timedelta

import numpy as np
import pytest

from solver import parse_problem
from solver.geo import beyond, haversine_km
from solver.instance import Problem, Request
from solver.rules import RULES, distance_km, eligibility, failures, why_no_slot
from solver.synthetic import generate
from tests.unit.solver.instances import BASE, problem, request, slot, student


def plain_eligibility(p: Problem) -> dict[str, list[str]]:
    return {r.id: [s.id for s in p.slots.values() if s.capacity > 0
                   and not failures(r, s, p.students[r.student], p.sites[s.site])]
            for r in p.requests.values()}


def plain_why_no_slot(p: Problem, r: Request) -> str:
    """The explanation as docs/SOLVER.md words it, one slot at a time."""
    same = [s for s in p.slots.values() if s.discipline == r.discipline]
    if not same:
        return f"discipline: no slot offers {r.discipline}"
    broken = [failures(r, s, p.students[r.student], p.sites[s.site]) or ["capacity"]
              for s in same]
    fewest = min(len(f) for f in broken)
    counts: dict[str, int] = {}
    for f in broken:
        if len(f) == fewest:
            for rule in f:
                counts[rule] = counts.get(rule, 0) + 1
    rules = sorted(counts, key=lambda rule: (-counts[rule], RULES.index(rule)
                                             if rule in RULES else 99))
    nearest = sum(1 for f in broken if len(f) == fewest)
    return (f"{', '.join(rules)}: the {nearest} nearest of {len(same)} {r.discipline} slots "
            f"each fail {fewest} rule{'s' if fewest > 1 else ''}")


def assert_same_as_definition(p: Problem) -> None:
    assert eligibility(p) == plain_eligibility(p)
    for r in p.requests.values():  # any request, not only those with no eligible slot
        assert why_no_slot(p, r) == plain_why_no_slot(p, r), r.id


@pytest.mark.slow
@pytest.mark.parametrize("size,seed", [(200, 1), (200, 2), (200, 3), (1000, 4), (2000, 5)])
def test_generated_instances_agree_with_the_definition(size, seed):
    assert_same_as_definition(parse_problem(generate(size, seed)))


TIMES = ["00:00", "06:00", "07:00", "07:30", "08:00", "12:00", "17:00", "19:00", "22:00"]


def bent(seed: int) -> dict:
    """A generated instance with night and 24-hour shifts, capacity-0 and reserved slots, ranges
    of a few days, random unavailable windows, and travel limits at or just under a distance."""
    rng = random.Random(seed)
    p = generate(300, seed)
    sites = {s["id"]: s["location"] for s in p["sites"]}
    for s in p["slots"]:
        s["capacity"] = 0 if rng.random() < 0.1 else s["capacity"]
        if rng.random() < 0.3:
            s["shift_start"], s["shift_end"] = rng.choice(TIMES), rng.choice(TIMES)
        if rng.random() < 0.2:
            start = date.fromisoformat(s["start_date"])
            s["end_date"] = (start + timedelta(days=rng.randint(0, 3))).isoformat()
        if rng.random() < 0.1:
            s["colleges"] = [rng.choice(p["colleges"])["id"]]
    for st in p["students"]:
        if rng.random() < 0.4:
            st["unavailable"] = [{"weekdays": rng.sample(range(7), rng.randint(1, 3)),
                                  "start": rng.choice(TIMES), "end": rng.choice(TIMES)}
                                 for _ in range(rng.randint(1, 2))]
        if rng.random() < 0.3:
            site = sites[rng.choice(list(sites))]
            km = haversine_km(st["home"]["lat"], st["home"]["lon"], site["lat"], site["lon"])
            st["max_travel_km"] = km if rng.random() < 0.5 else math.nextafter(km, 0)
    onboarding(rng, p)
    return p


CODES = ["BLS", "TB", "FLU", "BACKGROUND", "N95"]


def onboarding(rng: random.Random, p: dict) -> None:
    """Units' requirements on some slots; credentials that expire a day before, on or a day
    after some slot's end; waivers at one site, with and without an end."""
    for s in p["slots"]:
        if rng.random() < 0.25:
            s["requirements"] = rng.sample(CODES, rng.randint(1, 2))
    ends = sorted({date.fromisoformat(s["end_date"]) for s in p["slots"]})

    def near_an_end() -> str:
        return (rng.choice(ends) + timedelta(days=rng.choice((-1, 0, 1)))).isoformat()

    sites = [s["id"] for s in p["sites"]]
    for st in p["students"]:
        if rng.random() < 0.5:
            st["credentials"] = [c if rng.random() < 0.4 else {"code": c, "expires": (
                near_an_end() if rng.random() < 0.9 else None)} for c in st["credentials"]]
            if rng.random() < 0.5:
                st["credentials"].append({"code": "N95", "expires": near_an_end()})
        if rng.random() < 0.3:
            st["waivers"] = [{"code": rng.choice(CODES), "site": rng.choice(sites),
                              "until": near_an_end() if rng.random() < 0.7 else None}
                             for _ in range(rng.randint(1, 2))]


@pytest.mark.parametrize("seed", range(6))
def test_instances_bent_toward_the_edges_agree_with_the_definition(seed):
    assert_same_as_definition(parse_problem(bent(seed)))


def test_blocks_of_requests_give_the_same_answer(monkeypatch):
    p = parse_problem(bent(7))
    whole = eligibility(p)
    monkeypatch.setattr("solver.rules.BLOCK_CELLS", 7)  # a request or two per block
    assert eligibility(p) == whole == plain_eligibility(p)


def test_travel_over_arrays_decides_as_the_definition_even_at_the_limit():
    rng = random.Random(3)
    homes = [(rng.uniform(-90, 90), rng.uniform(-180, 180)) for _ in range(40)]
    # Sites near the homes, on the far side of the earth, and at their antipodes.
    sites = ([(la + rng.uniform(-0.3, 0.3), lo + rng.uniform(-0.3, 0.3)) for la, lo in homes]
             + [(-la, lo - 179.9) for la, lo in homes] + [(-la, lo - 180) for la, lo in homes])
    lat, lon = np.array([h[0] for h in homes]), np.array([h[1] for h in homes])
    site_lat, site_lon = np.array([s[0] for s in sites]), np.array([s[1] for s in sites])
    for toward in (None, 0.0, math.inf):  # each home's limit at, just under, just over a site
        limit = []
        for i, home in enumerate(homes):
            km = haversine_km(*home, *sites[(7 * i + 3) % len(sites)])
            limit.append(km if toward is None else math.nextafter(km, toward))
        expected = [[haversine_km(*home, *site) > limit[i] for site in sites]
                    for i, home in enumerate(homes)]
        assert beyond(lat, lon, np.array(limit), site_lat, site_lon).tolist() == expected


# Hand-made cases: s1 (BLS required) is ~3.5 km from the students' home, s2 ~25 km.

def parsed(slots, students, requests, sites=None) -> Problem:
    parts = {"slots": slots, "students": students, "requests": requests}
    if sites is not None:
        parts["sites"] = BASE["sites"] + sites
    p = parse_problem(problem(**parts))
    assert_same_as_definition(p)
    return p


def test_night_shift_crossing_midnight_meets_a_window_on_the_next_morning():
    night = {"weekdays": [4], "start": "19:00", "end": "07:30"}  # Friday night
    p = parsed([slot("fri", weekdays=[4], start="19:00", end="07:30"), slot("thu", weekdays=[3])],
               [student("early", unavailable=[{"weekdays": [5], "start": "06:00",
                                               "end": "08:00"}]),
                student("late", unavailable=[{"weekdays": [5], "start": "07:30",
                                              "end": "09:00"}]),
                student("same", unavailable=[night])],
               [request("r1", "early"), request("r2", "late"), request("r3", "same")])
    assert eligibility(p) == {"r1": ["thu"], "r2": ["fri", "thu"], "r3": ["thu"]}


def test_weekend_night_windows_wrap_into_the_next_day_and_the_next_week():
    p = parsed([slot("sun", weekdays=[6], start="05:00", end="09:00"),
                slot("sun6", weekdays=[6], start="06:00", end="09:00"),
                slot("mon", weekdays=[0], start="01:00", end="03:00")],
               [student("sat", unavailable=[{"weekdays": [5], "start": "22:00",
                                             "end": "06:00"}]),
                student("sunday", unavailable=[{"weekdays": [6], "start": "22:00",
                                                "end": "02:00"}])],
               [request("r1", "sat"), request("r2", "sunday")])
    assert eligibility(p) == {"r1": ["sun6", "mon"], "r2": ["sun", "sun6"]}


def test_travel_limit_exactly_at_the_distance_is_within_it():
    p0 = parse_problem(problem(slots=[slot("a")], students=[student("x")],
                               requests=[request("r", "x")]))
    km = distance_km(p0.students["x"], p0.sites["s1"])
    p = parsed([slot("a")], [student("at", travel=km),
                             student("under", travel=math.nextafter(km, 0))],
               [request("r1", "at"), request("r2", "under")])
    assert eligibility(p) == {"r1": ["a"], "r2": []}
    assert why_no_slot(p, p.requests["r2"]) == ("travel: the 1 nearest of 1 RN slots each fail "
                                                "1 rule")


def test_null_max_travel_km_means_no_limit():
    far = [{"id": "s3", "employer": "e1", "location": {"lat": -37.9, "lon": 57.5},
            "requirements": []}]  # near the antipode of the students' home
    p = parsed([slot("a", site="s3")], [student("any"), student("near", travel=40)],
               [request("r1", "any"), request("r2", "near")], sites=far)
    assert eligibility(p) == {"r1": ["a"], "r2": []}


def test_reserved_slots_are_open_only_to_their_colleges():
    p = parsed([slot("a", colleges=["c2"]), slot("b", site="s2", colleges=["c1", "c2"])],
               [student("one", "c1", travel=10), student("two", "c2", travel=10)],
               [request("r1", "one"), request("r2", "two")])
    assert eligibility(p) == {"r1": [], "r2": ["a"]}
    assert why_no_slot(p, p.requests["r1"]) == ("travel, college_reserved: the 2 nearest of 2 RN "
                                                "slots each fail 1 rule")


def test_capacity_0_slots_are_never_eligible_but_are_explained():
    p = parsed([slot("closed", capacity=0), slot("far", site="s2", hours=10)],
               [student("x", travel=10)], [request("r1", "x"), request("r2", "x", discipline="MA")])
    assert eligibility(p) == {"r1": [], "r2": []}
    assert why_no_slot(p, p.requests["r1"]) == ("capacity: the 1 nearest of 2 RN slots each "
                                                "fail 1 rule")
    assert why_no_slot(p, p.requests["r2"]) == "discipline: no slot offers MA"


def test_a_range_holding_none_of_its_weekdays_meets_no_window():
    # Tuesday 12 to Thursday 14 January 2027 has no Monday: the slot never runs a session.
    p = parsed([slot("empty", weekdays=[0], dates=("2027-01-12", "2027-01-14"), hours=100)],
               [student("x", unavailable=[{"weekdays": [0], "start": "00:00", "end": "00:00"}])],
               [request("r1", "x")])
    assert eligibility(p) == {"r1": ["empty"]}


def test_the_explanation_orders_rules_by_how_many_nearest_candidates_they_exclude():
    p = parsed([slot("a", hours=50), slot("b", hours=50, dates=("2026-01-05", "2026-02-27")),
                slot("c", site="s2", hours=50), slot("d", site="s2")],
               [student("x", travel=10, credentials=())], [request("r1", "x")])
    # a: hours, credentials; b: hours, window, credentials; c: hours, travel; d: travel.
    assert why_no_slot(p, p.requests["r1"]) == ("travel: the 1 nearest of 4 RN slots each fail "
                                                "1 rule")
    p = parsed([slot("a", hours=50), slot("c", site="s2", hours=50), slot("e", site="s2",
                                                                          colleges=["c2"])],
               [student("x", travel=10, credentials=())], [request("r1", "x")])
    assert why_no_slot(p, p.requests["r1"]) == ("hours, travel, credentials, college_reserved: "
                                                "the 3 nearest of 3 RN slots each fail 2 rules")
