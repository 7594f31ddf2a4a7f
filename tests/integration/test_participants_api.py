"""Participants: registration, who sees them, self-identification sealed for compliance only,
consents and their revocation, and the `partner` role's binding."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from placements.app import PlacementsApp
from placements.principals import OPERATOR
from placements.settings import Settings
from tests.conftest import make_consortium
from tests.integration.helpers import events, ok
from tests.integration.partnership_helpers import KEY, consent, participant

SELF_ID = {"race": "Black or African American", "ethnicity": "declined", "veteran": "no"}


@pytest.fixture
def keyed(sqlite_url):
    """The application with a PLACEMENTS_CIPHER_KEY, on SQLite, and its HTTP client."""
    from api.app import create_app

    app = PlacementsApp(Settings(database_url=sqlite_url, cipher_key=KEY))
    flask_app = create_app(app)
    return app, flask_app.test_client(), make_consortium(app)


def test_self_identification_is_sealed_at_rest_and_read_by_compliance_only(keyed):
    app, client, c = keyed
    p = participant(client, c, self_identification=SELF_ID)
    assert "self_identification" not in p
    with app.engine.connect() as conn:
        stored = conn.execute(text("SELECT state FROM placements_events")).all()
        row = conn.execute(text("SELECT self_identification FROM participants")).scalar()
    assert not any(b"African" in bytes(s[0]) for s in stored)  # not in any event's payload
    assert "African" not in row and row  # the read model holds the sealed text
    seen = ok(client.get(f"/v1/participants/{p['id']}", headers=c.headers("compliance")), 200)
    assert seen["self_identification"] == SELF_ID
    for who in ("admin", "partner"):
        other = ok(client.get(f"/v1/participants/{p['id']}", headers=c.headers(who)), 200)
        assert "self_identification" not in other


def test_without_a_cipher_key_self_identification_is_refused_and_nothing_written(client,
                                                                              consortium, app):
    before = events(app)
    r = client.post("/v1/participants", headers=consortium.headers("partner"), json={
        "name": "A", "community": "Novato", "birth_year": 1990, "self_identification": SELF_ID})
    assert r.status_code == 422
    assert "self_identification" in r.get_json()["error"]["fields"]
    assert events(app) == before
    assert participant(client, consortium)["community"] == "Canal/San Rafael"  # without it: ok


def test_visible_to_its_organisation_and_to_those_it_consented_to(client, consortium):
    c = consortium
    p = participant(client, c)
    path = f"/v1/participants/{p['id']}"
    assert client.get(path, headers=c.headers("other_partner")).status_code == 404
    assert client.get(path, headers=c.headers("coordinator")).status_code == 404
    assert ok(client.get(path, headers=c.headers("admin")), 200)["id"] == p["id"]
    listed = ok(client.get("/v1/participants", headers=c.headers("other_partner")), 200)
    assert listed["items"] == []

    consent(client, c, p["id"], c.community)
    assert ok(client.get(path, headers=c.headers("other_partner")), 200)["name"] == p["name"]
    assert [x["id"] for x in ok(client.get("/v1/participants",
                                           headers=c.headers("other_partner")), 200)["items"]
            ] == [p["id"]]
    # only the registering organisation records and revokes consents
    r = client.post(f"{path}/consents", json={"organization": c.college, "date": "2026-09-02"},
                    headers=c.headers("other_partner"))
    assert r.status_code == 404

    revoked = ok(client.post(f"{path}/consents/{c.community}/revoke",
                             json={"date": "2026-10-01"}, headers=c.headers("partner")), 200)
    assert revoked["consents"][c.community] == {"date": "2026-09-01", "revoked": "2026-10-01"}
    assert client.get(path, headers=c.headers("other_partner")).status_code == 404
    again = client.post(f"{path}/consents/{c.community}/revoke", json={},
                        headers=c.headers("partner"))
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "consent_missing"


def test_a_write_without_consent_is_409_consent_missing(client, consortium, app):
    c = consortium
    p = participant(client, c)
    before = events(app)
    r = client.post(f"/v1/participants/{p['id']}/employment", headers=c.headers("employer"),
                    json={"employer": c.employer, "occupation": "MA", "hourly_wage": 24,
                          "start_date": "2026-10-01"})
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "consent_missing"
    assert events(app) == before
    consent(client, c, p["id"], c.employer)
    ok(client.post(f"/v1/participants/{p['id']}/employment", headers=c.headers("employer"),
                   json={"employer": c.employer, "occupation": "MA", "hourly_wage": 24,
                         "start_date": "2026-10-01"}))


@pytest.mark.parametrize("body, field", [
    ({"birth_year": 1890}, "birth_year"),
    ({"zip": "9490"}, "zip"),
    ({"community": ""}, "community"),
    ({"flags": {"tanf_eligible": "yes"}}, "flags.tanf_eligible"),
])
def test_bad_participants_name_the_field_and_write_nothing(client, consortium, app, body,
                                                           field):
    before = events(app)
    r = client.post("/v1/participants", headers=consortium.headers("partner"), json={
        "name": "A", "community": "Novato", "birth_year": 1990, **body})
    assert r.status_code == 422, r.get_json()
    assert field in r.get_json()["error"]["fields"]
    assert events(app) == before


def test_partner_role_is_bound_to_a_union_community_or_workforce_board(sqlite_app):
    college = sqlite_app.organizations.register_organization(OPERATOR, "College of Marin",
                                                             "college")["id"]
    board = sqlite_app.organizations.register_organization(OPERATOR, "Marin WIB",
                                                           "workforce_board")["id"]
    assert sqlite_app.tokens.issue_token(OPERATOR, "partner", board)[1]["role"] == "partner"
    from domain.errors import InvalidInput

    with pytest.raises(InvalidInput) as e:
        sqlite_app.tokens.issue_token(OPERATOR, "partner", college)
    assert e.value.field == "organization"
    with pytest.raises(InvalidInput):
        sqlite_app.tokens.issue_token(OPERATOR, "partner", None)
