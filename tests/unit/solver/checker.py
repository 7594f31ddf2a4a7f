"""An independent feasibility checker for solutions, written from SPEC section 4.

It shares no code with solver/ (only the schedule arithmetic of domain/schedule.py, which the
SPEC's "simultaneous" is defined by), so a solver bug cannot hide behind its own helpers.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from datetime import date

from domain.schedule import Schedule, Window, intersects_window, peak_overlap, simultaneous


def km(a: dict, b: dict) -> float:
    p1, p2 = math.radians(a["lat"]), math.radians(b["lat"])
    h = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(b["lon"] - a["lon"]) / 2) ** 2)
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def schedule(slot: dict) -> Schedule:
    return Schedule.parse(slot["start_date"], slot["end_date"], slot["weekdays"],
                          slot["shift_start"], slot["shift_end"])


def eligible(p: dict, request: dict, slot: dict) -> bool:
    students = {s["id"]: s for s in p["students"]}
    sites = {s["id"]: s for s in p["sites"]}
    student, site = students[request["student"]], sites[slot["site"]]
    if slot["discipline"] != request["discipline"] or slot["hours"] < request["required_hours"]:
        return False
    if not (date.fromisoformat(request["earliest_start"]) <= date.fromisoformat(
            slot["start_date"]) and date.fromisoformat(slot["end_date"])
            <= date.fromisoformat(request["latest_end"])):
        return False
    end = slot["end_date"]
    valid: dict[str, str | None] = {}  # code -> last valid day (None: no end), SPEC section 4
    for c in student["credentials"]:
        code, expires = (c, None) if isinstance(c, str) else (c["code"], c.get("expires"))
        if code not in valid or (valid[code] is not None and (expires is None
                                                              or expires > valid[code])):
            valid[code] = expires
    waived = {w["code"] for w in student.get("waivers", [])
              if w["site"] == slot["site"] and (w.get("until") is None or w["until"] >= end)}
    for code in set(site["requirements"]) | set(slot.get("requirements", [])):
        counts = code in valid and (valid[code] is None or valid[code] >= end)
        if not counts and code not in waived:
            return False
    limit = student.get("max_travel_km")
    if limit is not None and km(student["home"], site["location"]) > limit:
        return False
    if slot.get("colleges") is not None and student["college"] not in slot["colleges"]:
        return False
    for w in student.get("unavailable", []):
        if intersects_window(schedule(slot), Window.parse(w["weekdays"], w["start"], w["end"])):
            return False
    return True


def violations(p: dict, solution: dict) -> list[str]:
    """Every hard constraint (H1–H7) the solution breaks, as text."""
    out = []
    requests = {r["id"]: r for r in p["requests"]}
    slots = {s["id"]: s for s in p["slots"]}
    assigned = solution["assignments"]
    counts = Counter(a["request"] for a in assigned)
    out += [f"H1: {r} assigned {n} times" for r, n in counts.items() if n > 1]
    slot_of = {a["request"]: a["slot"] for a in assigned}
    for r, s in slot_of.items():
        if not eligible(p, requests[r], slots[s]):
            out.append(f"H2: {r} is not eligible for {s}")
    for s, n in Counter(slot_of.values()).items():
        if n > slots[s]["capacity"]:
            out.append(f"H3: {s} holds {n} > {slots[s]['capacity']}")
    by_student = defaultdict(list)
    for r, s in slot_of.items():
        by_student[requests[r]["student"]].append(s)
    for student, ss in by_student.items():
        for i, a in enumerate(ss):
            for b in ss[i + 1:]:
                if simultaneous(schedule(slots[a]), schedule(slots[b])):
                    out.append(f"H4: {student} in simultaneous {a} and {b}")
    by_preceptor = defaultdict(list)
    for s in slot_of.values():
        if slots[s].get("preceptor"):
            by_preceptor[slots[s]["preceptor"]].append(schedule(slots[s]))
    limits = {q["id"]: q["max_students"] for q in p["preceptors"]}
    for q, schedules in by_preceptor.items():
        if peak_overlap(schedules) > limits[q]:
            out.append(f"H5: preceptor {q} has {peak_overlap(schedules)} at once")
    groups = defaultdict(list)
    for r in p["requests"]:
        if r.get("group"):
            groups[r["group"]].append(r["id"])
    for g, members in groups.items():
        where = {slot_of.get(m) for m in members}
        if len(where) > 1:
            out.append(f"H6: group {g} split over {where}")
    for e in p.get("existing", []):
        if e.get("locked") and slot_of.get(e["request"]) != e["slot"]:
            out.append(f"H7: locked {e['request']} -> {e['slot']} not kept")
    return out


def l1(p: dict, solution: dict) -> int:
    priority = {r["id"]: r.get("priority", 1) for r in p["requests"]}
    return sum(priority[a["request"]] for a in solution["assignments"])


def min_rate(p: dict, assigned: set[str]) -> float:
    college = {s["id"]: s["college"] for s in p["students"]}
    asked, got = Counter(), Counter()
    for r in p["requests"]:
        c = college[r["student"]]
        asked[c] += 1
        got[c] += r["id"] in assigned
    return min(got[c] / asked[c] for c in asked)
