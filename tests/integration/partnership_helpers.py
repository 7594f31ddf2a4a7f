"""Building blocks for the partnership's HTTP tests: a cipher key, participants, ids."""

from __future__ import annotations

from datetime import date

from eventsourcing.cipher import AESCipher

from placements.principals import Principal
from tests.integration.helpers import ok

KEY = AESCipher.create_key(32)


def participant(client, c, who: str = "partner", **extra) -> dict:
    body = {"name": "Rosa Martinez", "community": "Canal/San Rafael", "zip": "94901",
            "birth_year": 1988, "flags": {"tanf_eligible": True, "low_income": True}, **extra}
    return ok(client.post("/v1/participants", json=body, headers=c.headers(who)))


def consent(client, c, participant_id: str, org: str, who: str = "partner") -> dict:
    return ok(client.post(f"/v1/participants/{participant_id}/consents",
                          json={"organization": org, "date": "2026-09-01"},
                          headers=c.headers(who)))


def service(client, c, who: str = "other_partner", **extra) -> dict:
    body = {"kind": "child_care", "description": "Child care while in class",
            "eligibility": {"tanf_eligible": True}, **extra}
    return ok(client.post("/v1/services", json=body, headers=c.headers(who)))


def populate(app, c) -> dict:
    """Novato: 12 completers hired at $20, raised to $24 on 2027-01-01. Marin City: 11 in
    continuing education, hired in 2025 at $30, 5 of them gone after 5 months. West Marin: 3
    completers, not hired. The union registers Novato and West Marin, Canal Alliance Marin
    City."""
    union = Principal("partner", c.union, "t-union")
    alliance = Principal("partner", c.community, "t-alliance")
    ids: dict[str, list[str]] = {"Novato": [], "Marin City": [], "West Marin": []}
    for community, n, who in (("Novato", 12, union), ("Marin City", 11, alliance),
                              ("West Marin", 3, union)):
        for i in range(n):
            p = app.participants.register_participant(who, f"{community} {i}", community,
                                                      1990)["id"]
            ids[community].append(p)
            if community == "Marin City":
                app.outcomes.enroll(who, p, "continuing_education", "RN", date(2026, 2, 1))
                job = app.outcomes.hire(who, p, c.other_employer, "RN", 30, date(2025, 1, 1))
                if i < 5:
                    app.outcomes.separate(who, job["id"], date(2025, 6, 1), "moved")
                continue
            e = app.outcomes.enroll(who, p, "credential", "MA", date(2026, 1, 10),
                                    employer=c.employer)
            app.outcomes.complete_enrollment(who, e["id"], date(2026, 6, 1), "CCMA")
            if community == "Novato":
                job = app.outcomes.hire(who, p, c.employer, "MA", 20, date(2026, 7, 1))
                app.outcomes.change_wage(who, job["id"], date(2027, 1, 1), 24)
    return ids
