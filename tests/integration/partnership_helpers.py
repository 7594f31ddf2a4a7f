"""Building blocks for the partnership's HTTP tests: a cipher key, participants, ids."""

from __future__ import annotations

from eventsourcing.cipher import AESCipher

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
