"""The AB 1577 (California, 2024) yearly report, as a pure function over recorded events.

A facility that cannot add the clinical slots a California Community College or CSU nursing
program asks for gives written reasons per rotation type; the report to HCAI (due each
30 January) counts, per site and rotation type (RN, LVN), the placements such colleges asked
for in the year, the seats the facility offered, how many it accepted, and how many it declined
by reason, each figure citing the events it counts. Input: each placement's and slot's events
(domain.das.Recorded) with the facts the read models hold (site, discipline, slot dates);
events recorded after `known_at` are not seen, so the report as filed can be reproduced.
"""

from __future__ import annotations

from datetime import datetime

from domain.placements import REASON_CODES


def _known(events: list, known_at: datetime | None) -> list:
    return sorted((e for e in events if known_at is None or e.recorded_at <= known_at),
                  key=lambda e: e.position)


def ab1577_rows(year: int, placements: list[tuple[dict, list]], slots: list[tuple[dict, list]],
                known_at: datetime | None = None) -> list[dict]:
    """Rows per (site, discipline). `placements`: ({"site", "discipline"}, events) of every
    placement a CCC/CSU college asked for at the employer's RN/LVN slots; `slots`: ({"site",
    "discipline", "start_date"}, events) of the employer's RN/LVN slots. A placement counts in
    the year its request was recorded; a slot's seats in the year its rotation starts."""
    rows: dict[tuple[str, str], dict] = {}

    def row(site: str, discipline: str) -> dict:
        return rows.setdefault((site, discipline), {
            "site": site, "discipline": discipline, "requests": 0, "seats_offered": 0,
            "accepted": 0, "declined": dict.fromkeys(REASON_CODES, 0), "reasons": [],
            "events": []})

    for facts, events in placements:
        seen = _known(events, known_at)
        if not seen or seen[0].recorded_at.year != year:
            continue
        r = row(facts["site"], facts["discipline"])
        r["requests"] += 1
        r["events"].append(seen[0].ref)
        status = None
        for e in seen[1:]:
            if e.type == "Accepted":
                status = ("accepted", e)
            elif e.type == "Declined" and e.data.get("side") == "employer":
                status = ("declined", e)
            elif e.type in ("Declined", "Cancelled", "Reopened", "Superseded"):
                status = None  # the college's own decline, or no longer the facility's answer
        if status and status[0] == "accepted":
            r["accepted"] += 1
            r["events"].append(status[1].ref)
        elif status:
            e = status[1]
            r["declined"][e.data.get("reason_code") or "other"] += 1
            reason = (e.data.get("reason") or "").strip()
            if reason and reason not in r["reasons"]:
                r["reasons"].append(reason)
            r["events"].append(e.ref)
    for facts, events in slots:
        if not facts["start_date"].startswith(f"{year:04d}-"):
            continue
        seen = _known(events, known_at)
        if not seen:
            continue
        capacity, refs = 0, []
        for e in seen:
            if e.type == "Published":
                capacity = e.data["capacity"]
                refs.append(e.ref)
            elif e.type == "CapacityChanged":
                capacity = e.data["capacity"]
                refs.append(e.ref)
            elif e.type == "Withdrawn":
                capacity = 0
                refs.append(e.ref)
        r = row(facts["site"], facts["discipline"])
        r["seats_offered"] += capacity
        r["events"] += refs
    out = []
    for key in sorted(rows):
        r = rows[key]
        r["events"] = sorted({e["position"]: e for e in r["events"]}.values(),
                             key=lambda e: e["position"])
        out.append(r)
    return out
