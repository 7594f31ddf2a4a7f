"""The partnership's routes: compliance writes none of them, only admin launches initiatives
and defines pathways, and nothing is written by a refused call. Every partnership route has a
row, so none is forgotten (the rest of /v1 is in test_access.py)."""

from __future__ import annotations

import pytest

from tests.integration.helpers import events, ok
from tests.integration.partnership_helpers import consent, participant, service

PREFIXES = ("/v1/participants", "/v1/enrollments", "/v1/employment", "/v1/services",
            "/v1/referrals", "/v1/initiatives", "/v1/pathways")
WRITERS = ("coordinator", "employer", "partner")
ALL = ("admin", "compliance", "coordinator", "employer", "partner")
ROUTES = [  # (method, rule, roles allowed; the others get 403)
    ("GET", "/v1/participants", ALL),
    ("POST", "/v1/participants", WRITERS),
    ("GET", "/v1/participants/<participant_id>", ALL),
    ("POST", "/v1/participants/<participant_id>/consents", WRITERS),
    ("POST", "/v1/participants/<participant_id>/consents/<org_id>/revoke", WRITERS),
    ("POST", "/v1/participants/<participant_id>/guardian-consent", WRITERS),
    ("POST", "/v1/participants/<participant_id>/prior-learning", WRITERS),
    ("GET", "/v1/participants/<participant_id>/pathway", ALL),
    ("POST", "/v1/participants/<participant_id>/enrollments", WRITERS),
    ("GET", "/v1/participants/<participant_id>/outcomes", ALL),
    ("POST", "/v1/participants/<participant_id>/employment", WRITERS),
    ("GET", "/v1/participants/<participant_id>/services", ALL),
    ("GET", "/v1/participants/<participant_id>/referrals", ALL),
    ("POST", "/v1/participants/<participant_id>/referrals", WRITERS),
    ("GET", "/v1/enrollments/<enrollment_id>", ALL),
    ("POST", "/v1/enrollments/<enrollment_id>/completion", WRITERS),
    ("GET", "/v1/employment/<employment_id>", ALL),
    ("POST", "/v1/employment/<employment_id>/wages", WRITERS),
    ("POST", "/v1/employment/<employment_id>/separation", WRITERS),
    ("GET", "/v1/services", ALL),
    ("POST", "/v1/services", WRITERS),
    ("GET", "/v1/services/matrix", ALL),
    ("GET", "/v1/services/<service_id>", ALL),
    ("POST", "/v1/services/<service_id>/withdraw", WRITERS),
    ("GET", "/v1/referrals/<referral_id>", ALL),
    ("POST", "/v1/referrals/<referral_id>/outcome", WRITERS),
    ("GET", "/v1/initiatives", ALL),
    ("POST", "/v1/initiatives", ("admin",)),
    ("GET", "/v1/initiatives/<initiative_id>", ALL),
    ("GET", "/v1/initiatives/<initiative_id>/progress", ALL),
    ("GET", "/v1/pathways", ALL),
    ("POST", "/v1/pathways", ("admin",)),
    ("GET", "/v1/pathways/<pathway_id>", ALL),
]


def test_every_partnership_route_is_in_the_table(client):
    listed = {(m, r) for m, r, _ in ROUTES}
    for rule in client.application.url_map.iter_rules():
        if rule.rule.startswith(PREFIXES):
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                assert (method, rule.rule) in listed, f"{method} {rule.rule} has no row"


@pytest.fixture
def world(client, consortium) -> dict:
    c = consortium
    p = participant(client, c)
    consent(client, c, p["id"], c.community)
    h = c.headers("partner")
    base = f"/v1/participants/{p['id']}"
    e = ok(client.post(f"{base}/enrollments", headers=h, json={
        "program_type": "credential", "occupation": "MA", "start_date": "2026-01-05"}))
    j = ok(client.post(f"{base}/employment", headers=h, json={
        "employer": c.employer, "occupation": "MA", "hourly_wage": 22, "start_date": "2026-07-01"}))
    s = service(client, c)
    r = ok(client.post(f"{base}/referrals", headers=h, json={"service": s["id"]}))
    i = ok(client.post("/v1/initiatives", headers=c.headers("admin"),
                       json={"name": "I", "targets": []}))
    w = ok(client.post("/v1/pathways", headers=c.headers("admin"),
                       json={"name": "P", "steps": [{"occupation": "MA"}]}))
    return {"participant_id": p["id"], "org_id": c.community, "enrollment_id": e["id"],
            "employment_id": j["id"], "service_id": s["id"], "referral_id": r["id"],
            "initiative_id": i["id"], "pathway_id": w["id"]}


def path_for(rule: str, w: dict) -> str:
    for key, value in w.items():
        rule = rule.replace(f"<{key}>", value)
    return rule + ("?pathway=" + w["pathway_id"] if rule.endswith("/pathway") else "")


@pytest.mark.parametrize(("method", "rule", "allowed"),
                         [r for r in ROUTES if set(ALL) - set(r[2])],
                         ids=[f"{m} {r}" for m, r, a in ROUTES if set(ALL) - set(a)])
def test_wrong_role_gets_403_and_nothing_is_written(app, client, consortium, world, method,
                                                   rule, allowed):
    for role in set(ALL) - set(allowed):
        before = events(app)
        r = client.open(path_for(rule, world), method=method, headers=consortium.headers(role),
                        json={})
        assert r.status_code in (403, 422), (role, r.status_code, r.get_json())
        if r.status_code == 422:  # a body the schema refuses before the role is asked
            r = client.open(path_for(rule, world), method=method,
                            headers=consortium.headers(role), json=BODIES.get(rule, {}))
            assert r.status_code == 403, (role, r.status_code, r.get_json())
        assert events(app) == before


BODIES = {
    "/v1/participants": {"name": "X", "community": "Novato", "birth_year": 1990},
    "/v1/participants/<participant_id>/consents": {"organization": "x", "date": "2026-01-01"},
    "/v1/participants/<participant_id>/guardian-consent": {"guardian_name": "G",
                                                           "date": "2026-01-01"},
    "/v1/participants/<participant_id>/prior-learning": {"occupation": "MA", "hours": 10,
                                                         "basis": "b"},
    "/v1/participants/<participant_id>/enrollments": {"program_type": "credential",
                                                      "occupation": "MA",
                                                      "start_date": "2026-01-05"},
    "/v1/participants/<participant_id>/employment": {"employer": "x", "occupation": "MA",
                                                     "hourly_wage": 20,
                                                     "start_date": "2026-01-05"},
    "/v1/participants/<participant_id>/referrals": {"service": "x"},
    "/v1/enrollments/<enrollment_id>/completion": {"date": "2026-06-01"},
    "/v1/employment/<employment_id>/wages": {"effective_date": "2026-08-01", "hourly_wage": 25},
    "/v1/employment/<employment_id>/separation": {"date": "2026-09-01", "reason": "r"},
    "/v1/services": {"kind": "books", "description": "d"},
    "/v1/referrals/<referral_id>/outcome": {"status": "received", "date": "2026-12-01"},
    "/v1/initiatives": {"name": "I", "targets": []},
    "/v1/pathways": {"name": "P", "steps": [{"occupation": "MA"}]},
}
