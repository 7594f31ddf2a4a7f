"""The support-services matrix, eligibility matching, referrals and their outcomes."""

from __future__ import annotations

from tests.integration.helpers import events, ok
from tests.integration.partnership_helpers import consent, participant, service


def test_matrix_lists_who_can_give_what(client, consortium):
    c = consortium
    care = service(client, c)
    books = service(client, c, who="partner", kind="books", eligibility={})
    matrix = ok(client.get("/v1/services/matrix", headers=c.headers("coordinator")), 200)
    assert "tuition" in matrix["kinds"]
    rows = {r["organization"]: r["kinds"] for r in matrix["rows"]}
    assert rows[c.community]["child_care"] == [care["id"]]
    assert rows[c.union]["books"] == [books["id"]]
    assert rows[c.union]["tuition"] == []


def test_an_organisation_writes_only_its_own_services(client, consortium, app):
    c = consortium
    before = events(app)
    r = client.post("/v1/services", headers=c.headers("partner"), json={
        "kind": "housing", "description": "x", "organization": c.community})
    assert r.status_code == 403 and "organization" in r.get_json()["error"]["fields"]
    assert events(app) == before
    theirs = service(client, c)
    r = client.post(f"/v1/services/{theirs['id']}/withdraw", headers=c.headers("partner"))
    assert r.status_code == 403
    assert client.post("/v1/services", headers=c.headers("compliance"), json={
        "kind": "housing", "description": "x"}).status_code == 403


def test_eligibility_consent_and_referral_outcome(client, consortium, app):
    c = consortium
    eligible = participant(client, c)
    not_eligible = participant(client, c, flags={"low_income": True})
    care = service(client, c)
    listed = ok(client.get(f"/v1/participants/{eligible['id']}/services",
                           headers=c.headers("partner")), 200)
    assert [(s["id"], s["consent_needed"]) for s in listed["eligible"]] == [(care["id"], True)]
    listed = ok(client.get(f"/v1/participants/{not_eligible['id']}/services",
                           headers=c.headers("partner")), 200)
    assert listed["eligible"] == []
    assert listed["not_eligible"][0]["unmet"] == [
        {"rule": "tanf_eligible", "required": True, "actual": False}]

    before = events(app)
    r = client.post(f"/v1/participants/{eligible['id']}/referrals", headers=c.headers("partner"),
                    json={"service": care["id"]})
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "consent_missing"
    consent(client, c, not_eligible["id"], c.community)
    r = client.post(f"/v1/participants/{not_eligible['id']}/referrals",
                    headers=c.headers("partner"), json={"service": care["id"]})
    assert r.status_code == 409
    error = r.get_json()["error"]
    assert error["code"] == "not_eligible"
    assert error["fields"]["service"] == ["tanf_eligible must be true"]
    assert events(app) == before + 1  # only the consent

    consent(client, c, eligible["id"], c.community)
    referral = ok(client.post(f"/v1/participants/{eligible['id']}/referrals",
                              headers=c.headers("partner"),
                              json={"service": care["id"], "note": "evening classes",
                                    "date": "2026-09-10"}))
    assert referral["status"] == "open"
    r = client.post(f"/v1/referrals/{referral['id']}/outcome", headers=c.headers("partner"),
                    json={"status": "received", "date": "2026-09-01"})
    assert r.status_code == 422 and "date" in r.get_json()["error"]["fields"]
    done = ok(client.post(f"/v1/referrals/{referral['id']}/outcome",
                          headers=c.headers("other_partner"),
                          json={"status": "received", "date": "2026-09-15"}))
    assert (done["status"], done["outcome_date"]) == ("received", "2026-09-15")
    assert client.get(f"/v1/referrals/{referral['id']}",
                      headers=c.headers("employer")).status_code == 404
    # revoking stops new referrals, never erases the one recorded
    ok(client.post(f"/v1/participants/{eligible['id']}/consents/{c.community}/revoke",
                   json={"date": "2026-10-01"}, headers=c.headers("partner")), 200)
    r = client.post(f"/v1/participants/{eligible['id']}/referrals", headers=c.headers("partner"),
                    json={"service": care["id"]})
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "consent_missing"
    assert ok(client.get(f"/v1/referrals/{referral['id']}",
                         headers=c.headers("other_partner")), 200)["status"] == "received"


def test_every_partnership_event_names_its_actor(client, consortium):
    c = consortium
    p = participant(client, c)
    care = service(client, c)
    consent(client, c, p["id"], c.community)
    ok(client.post(f"/v1/participants/{p['id']}/referrals", headers=c.headers("partner"),
                   json={"service": care["id"]}))
    log = ok(client.get("/v1/audit/events?limit=500", headers=c.headers("compliance")), 200)
    ours = [e for e in log["events"] if e["aggregate_id"] in (p["id"], care["id"])
            or e["type"] == "Referral.Referred"]
    assert len(ours) == 4  # registered, consent, service published, referral
    assert all(e["actor"].startswith("partner:") and e["actor"].endswith(
        f"@{c.community if e['aggregate_id'] == care['id'] else c.union}") for e in ours)
