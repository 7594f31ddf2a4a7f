"""The audit trail over HTTP and the command line: the log, history at an instant, tamper
evidence (an altered and a deleted event found at their exact positions), encryption at rest."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from click.testing import CliRunner
from eventsourcing.cipher import AESCipher
from sqlalchemy import text

from api.app import create_app
from placements.app import PlacementsApp
from placements.cli.main import main
from placements.principals import OPERATOR, Principal
from placements.settings import Settings
from tests.conftest import make_consortium


def bearer(consortium, who: str) -> dict:
    return consortium.headers(who)


def add_student(client, consortium, name: str = "Ana Garcia") -> dict:
    r = client.post("/v1/students", json={"name": name, "home": {"lat": 37.9, "lon": -122.5}},
                    headers=bearer(consortium, "coordinator"))
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def test_log_pages_in_order_with_actor_and_payload(client, consortium):
    add_student(client, consortium)
    seen, after = [], 0
    while after is not None:
        page = client.get(f"/v1/audit/events?after={after}&limit=3",
                          headers=bearer(consortium, "compliance")).get_json()
        seen += page["events"]
        after = page["next_after"]
    positions = [e["position"] for e in seen]
    assert positions == sorted(positions) and len(set(positions)) == len(positions)
    registered = [e for e in seen if e["type"] == "Student.Registered"]
    assert registered and registered[0]["payload"]["name"] == "Ana Garcia"
    assert registered[0]["actor"].startswith("coordinator:")
    assert registered[0]["aggregate_type"] == "Student"


def test_only_compliance_and_admin_read_the_audit_routes(client, consortium):
    for who in ("coordinator", "employer"):
        for path in ("/v1/audit/events", "/v1/audit/verify",
                     f"/v1/audit/aggregates/{consortium.college}"):
            assert client.get(path, headers=bearer(consortium, who)).status_code == 403
    assert client.get("/v1/audit/verify", headers=bearer(consortium, "admin")).status_code == 200


def test_aggregate_as_recorded_at_an_instant(client, consortium):
    employer = bearer(consortium, "employer")
    site = client.post("/v1/sites", json={"name": "Greenbrae", "location": {"lat": 37.9,
                                                                           "lon": -122.5}},
                       headers=employer).get_json()
    slot = client.post("/v1/slots", json={
        "site": site["id"], "discipline": "RN", "capacity": 4, "start_date": "2027-01-11",
        "end_date": "2027-03-05", "weekdays": [0, 1], "shift_start": "07:00",
        "shift_end": "15:30", "hours": 128}, headers=employer).get_json()
    time.sleep(0.01)
    between = datetime.now(UTC).isoformat()
    time.sleep(0.01)
    client.post(f"/v1/slots/{slot['id']}/withdraw", json={"reason": "unit closed"},
                headers=employer)
    path = f"/v1/audit/aggregates/{slot['id']}"
    then = client.get(path, query_string={"known_at": between},
                      headers=bearer(consortium, "compliance")).get_json()
    now = client.get(path, headers=bearer(consortium, "compliance")).get_json()
    assert then["state"]["withdrawn"] is False and then["version"] == 1
    assert now["state"]["withdrawn"] is True and now["version"] == 2
    assert [e["type"] for e in now["events"]] == ["Slot.Published", "Slot.Withdrawn"]
    before = client.get(path, query_string={"known_at": "2000-01-01T00:00:00+00:00"},
                        headers=bearer(consortium, "compliance"))
    assert before.status_code == 404


def check_both(client, consortium, app) -> tuple[dict, object]:
    api = client.get("/v1/audit/verify", headers=bearer(consortium, "compliance")).get_json()
    return api, app.verify_log(OPERATOR)


def test_verify_finds_an_altered_event_at_its_position(app, client, consortium):
    for i in range(5):
        add_student(client, consortium, f"Student {i}")
    api, result = check_both(client, consortium, app)
    assert api["ok"] is True and api["events"] == result.events and len(api["head"]) == 64
    table = app.recorder.events_record_cls.__table__.name
    with app.engine.begin() as conn:
        position, state = conn.execute(text(
            f"SELECT id, state FROM {table} ORDER BY id DESC LIMIT 1 OFFSET 3")).one()
        forged = bytes(state).replace(b"\"name\":\"Student", b"\"name\":\"Forged ")
        assert forged != bytes(state)
        conn.execute(text(f"UPDATE {table} SET state = :s WHERE id = :p"),
                     {"s": forged, "p": position})
    api, result = check_both(client, consortium, app)
    assert api["ok"] is False and api["failed_position"] == position == result.failed_position
    assert "altered" in api["problem"]


def test_deleted_event_is_found_at_its_position(app, consortium):
    for i in range(4):
        app.register_student(Principal("coordinator", consortium.college), f"S{i}",
                             {"lat": 37.9, "lon": -122.5})
    table = app.recorder.events_record_cls.__table__.name
    with app.engine.connect() as conn:
        positions = [r[0] for r in conn.execute(text(f"SELECT id FROM {table} ORDER BY id"))]
    with app.engine.begin() as conn:
        conn.execute(text(f"DELETE FROM {table} WHERE id = :p"), {"p": positions[-2]})
    result = app.verify_log(OPERATOR)
    assert not result.ok and result.failed_position == positions[-2]
    assert "deleted" in result.problem


def test_verify_log_command(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path}/p.db"
    monkeypatch.setenv("DATABASE_URL", url)
    app = PlacementsApp(Settings(database_url=url))
    make_consortium(app)
    ok = CliRunner().invoke(main, ["verify-log"])
    assert ok.exit_code == 0 and ok.output.startswith("ok: ")
    with app.engine.begin() as conn:
        conn.execute(text("UPDATE placements_events SET topic = topic || ' ' WHERE id = 3"))
    bad = CliRunner().invoke(main, ["verify-log", "--json"])
    assert bad.exit_code == 1 and '"failed_position": 3' in bad.output


def test_payloads_are_encrypted_at_rest_and_the_api_still_works(tmp_path):
    settings = Settings(database_url=f"sqlite:///{tmp_path}/p.db",
                        cipher_key=AESCipher.create_key(32))
    app = PlacementsApp(settings)
    consortium = make_consortium(app)
    client = create_app(app).test_client()
    student = add_student(client, consortium, "Xiomara Quetzalli")
    with app.engine.connect() as conn:
        raw = b"".join(bytes(r[0]) for r in conn.execute(text(
            "SELECT state FROM placements_events")))
    assert b"Xiomara" not in raw and b"College of Marin" not in raw
    back = client.get(f"/v1/students/{student['id']}", headers=bearer(consortium, "coordinator"))
    assert back.get_json()["name"] == "Xiomara Quetzalli"
    assert app.verify_log(OPERATOR).ok
