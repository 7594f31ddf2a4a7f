"""The audit trail on SQLite and PostgreSQL: the log over HTTP (roles, paging, known_at), the
hash chain (ok after a realistic scenario; an altered and a deleted event found at their exact
positions by the API and the CLI; checkpoints and an off-site checkpoint against a rewrite),
encryption at rest, the Site.Registered v1 → v2 upcast, and replay equal to the live tables."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from uuid import uuid4

import pytest
from click.testing import CliRunner
from eventsourcing.cipher import AESCipher
from sqlalchemy import String, cast, select, text

from api.app import create_app
from bootstrap.bench.store import realistic_log
from bootstrap.cli.main import main
from placements import ledger, readmodel
from placements.principals import OPERATOR, Principal
from placements.replay import replay
from tests.conftest import application_on, make_consortium

SITE = {"name": "Greenbrae", "location": {"lat": 37.9, "lon": -122.5}}


def add_student(client, consortium, name: str = "Ana Garcia") -> dict:
    r = client.post("/v1/students", json={"name": name, "home": {"lat": 37.9, "lon": -122.5}},
                    headers=consortium.headers("coordinator"))
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def api_verify(client, consortium, **query) -> dict:
    r = client.get("/v1/audit/verify", query_string=query,
                   headers=consortium.headers("compliance"))
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def cli_verify(app, monkeypatch, *args: str):
    monkeypatch.setenv("DATABASE_URL", app.settings.database_url)
    monkeypatch.delenv("PLACEMENTS_CIPHER_KEY", raising=False)
    return CliRunner().invoke(main, ["verify-log", *args])


def positions(app) -> list[int]:
    with app.engine.connect() as conn:
        return [r[0] for r in conn.execute(text("SELECT id FROM placements_events ORDER BY id"))]


# The log over HTTP --------------------------------------------------------------------------

def test_log_pages_in_order_with_actor_and_payload(client, consortium):
    add_student(client, consortium)
    seen, after, pages = [], 0, 0
    while after is not None:
        page = client.get(f"/v1/audit/events?after={after}&limit=3",
                          headers=consortium.headers("compliance")).get_json()
        assert len(page["events"]) <= 3
        seen += page["events"]
        after, pages = page["next_after"], pages + 1
    found = [e["position"] for e in seen]
    assert found == sorted(found) == positions(client.application.extensions["placements"])
    assert pages >= len(found) // 3
    registered = [e for e in seen if e["type"] == "Student.Registered"]
    assert registered[0]["payload"]["name"] == "Ana Garcia"
    assert registered[0]["actor"].startswith("coordinator:")
    assert registered[0]["aggregate_type"] == "Student" and registered[0]["version"] == 1
    assert datetime.fromisoformat(registered[0]["timestamp"]).tzinfo is not None
    bad = client.get("/v1/audit/events?limit=0", headers=consortium.headers("admin"))
    assert bad.status_code == 422 and "limit" in bad.get_json()["error"]["fields"]


def test_only_compliance_and_admin_read_the_audit_routes(client, consortium):
    for who in ("coordinator", "employer"):
        for path in ("/v1/audit/events", "/v1/audit/verify",
                     f"/v1/audit/aggregates/{consortium.college}"):
            r = client.get(path, headers=consortium.headers(who))
            assert r.status_code == 403 and r.get_json()["error"]["code"]
    for who in ("compliance", "admin"):
        for path in ("/v1/audit/events", "/v1/audit/verify",
                     f"/v1/audit/aggregates/{consortium.college}"):
            assert client.get(path, headers=consortium.headers(who)).status_code == 200
    assert client.get("/v1/audit/events").status_code == 401


def test_aggregate_as_recorded_at_an_instant(client, consortium):
    employer = consortium.headers("employer")
    site = client.post("/v1/sites", json=SITE, headers=employer).get_json()
    slot = client.post("/v1/slots", json={
        "site": site["id"], "discipline": "RN", "capacity": 4, "start_date": "2027-01-11",
        "end_date": "2027-03-05", "weekdays": [0, 1], "shift_start": "07:00",
        "shift_end": "15:30", "hours": 128}, headers=employer).get_json()
    time.sleep(0.01)
    between = datetime.now(UTC).isoformat()
    time.sleep(0.01)
    client.post(f"/v1/slots/{slot['id']}/withdraw", json={"reason": "unit closed"},
                headers=employer)
    path, compliance = f"/v1/audit/aggregates/{slot['id']}", consortium.headers("compliance")
    then = client.get(path, query_string={"known_at": between}, headers=compliance).get_json()
    now = client.get(path, headers=compliance).get_json()
    assert then["state"]["withdrawn"] is False and then["version"] == 1
    assert [e["type"] for e in then["events"]] == ["Slot.Published"]
    assert now["state"]["withdrawn"] is True and now["version"] == 2
    assert now["state"]["capacity"] == 4 and now["aggregate_type"] == "Slot"
    assert [e["type"] for e in now["events"]] == ["Slot.Published", "Slot.Withdrawn"]
    before = client.get(path, query_string={"known_at": "2000-01-01T00:00:00+00:00"},
                        headers=compliance)
    assert before.status_code == 404
    for unknown in (str(uuid4()), "not-an-id"):
        r = client.get(f"/v1/audit/aggregates/{unknown}", headers=compliance)
        assert r.status_code == 404 and r.get_json()["error"]["code"]


# The hash chain -----------------------------------------------------------------------------

def snapshot(app) -> dict[str, list[tuple]]:
    """Every projected table's rows as stored (cast to text: JSON null and SQL NULL differ)."""
    with app.engine.connect() as conn:
        return {t.name: sorted(tuple(r) for r in conn.execute(
            select(*[cast(c, String) for c in t.columns])))
            for t in readmodel.projected_tables()}


@pytest.mark.slow
def test_realistic_scenario_verifies_and_replays_to_equal_tables(app, monkeypatch):
    realistic_log(app)
    live = snapshot(app)
    assert sum(len(rows) for rows in live.values()) > 200
    assert len(live["placements"]) >= 5
    result = app.audit.verify_log(OPERATOR)
    assert result.ok and result.events == len(positions(app)) and len(result.head) == 64
    replay(app)
    assert snapshot(app) == live
    out = cli_verify(app, monkeypatch)
    assert out.exit_code == 0, out.output
    assert out.output.splitlines()[0] == (f"ok: {result.events} events, "
                                          f"head {result.head_position}:{result.head}")


def test_an_altered_event_is_found_at_its_position(app, client, consortium, monkeypatch):
    for i in range(5):
        add_student(client, consortium, f"Student {i}")
    before = api_verify(client, consortium)
    assert before["ok"] is True and before["events"] == len(positions(app))
    with app.engine.begin() as conn:
        position, state = conn.execute(text(
            "SELECT id, state FROM placements_events ORDER BY id DESC LIMIT 1 OFFSET 3")).one()
        forged = bytes(state).replace(b'"name":"Student', b'"name":"Forged ')
        assert forged != bytes(state)
        conn.execute(text("UPDATE placements_events SET state = :s WHERE id = :p"),
                     {"s": forged, "p": position})
    after = api_verify(client, consortium)
    assert after["ok"] is False and after["failed_position"] == position
    assert after["problem"] == "altered" and after["events"] == before["events"] - 4
    out = cli_verify(app, monkeypatch)
    assert out.exit_code == 1 and f"failed at position {position}: altered" in out.output
    as_json = cli_verify(app, monkeypatch, "--json")
    assert as_json.exit_code == 1 and json.loads(as_json.output) == after


def test_a_deleted_event_is_found_at_its_position(app, client, consortium, monkeypatch):
    for i in range(4):
        add_student(client, consortium, f"S{i}")
    victim = positions(app)[-2]
    with app.engine.begin() as conn:
        conn.execute(text("DELETE FROM placements_events WHERE id = :p"), {"p": victim})
    result = api_verify(client, consortium)
    assert result["ok"] is False and result["failed_position"] == victim
    assert result["problem"] == "missing_event" and "deleted" in result["detail"]
    out = cli_verify(app, monkeypatch, "--json")
    assert out.exit_code == 1 and json.loads(out.output)["failed_position"] == victim
    assert app.audit.verify_log(OPERATOR).failed_position == victim


def rewrite_chain(app, start: int, with_checkpoints: bool) -> None:
    """What a database superuser could do: recompute every digest from `start` on (and,
    with_checkpoints, the checkpoints too), so the ledger agrees with an altered log."""
    events = ledger.events_table()
    with app.engine.begin() as conn:
        previous = conn.execute(select(ledger.ledger.c.digest).where(
            ledger.ledger.c.position < start).order_by(ledger.ledger.c.position.desc())
            .limit(1)).scalar() or ledger.GENESIS
        rows = conn.execute(select(events).where(events.c.id >= start).order_by(events.c.id))
        for position, oid, version, topic, state in rows.all():
            previous = ledger.digest(previous, position, str(oid), version, topic, bytes(state))
            conn.execute(ledger.ledger.update().where(ledger.ledger.c.position == position)
                         .values(digest=previous))
            if with_checkpoints:
                conn.execute(ledger.checkpoints.update().where(
                    ledger.checkpoints.c.position == position).values(digest=previous))


def test_checkpoints_and_an_offsite_copy_catch_a_rewritten_chain(app, consortium,
                                                                 monkeypatch):
    monkeypatch.setattr(ledger, "CHECKPOINT_EVERY", 5)
    coordinator = Principal("coordinator", consortium.college)
    for i in range(14):
        app.students.register_student(coordinator, f"S{i}", {"lat": 37.9, "lon": -122.5})
    ok = app.audit.verify_log(OPERATOR)
    latest = ledger.latest_checkpoint(app.engine)
    assert ok.ok and ok.checkpoints >= 2 and ok.last_good_checkpoint.position == latest.position
    offsite = ledger.Checkpoint(latest.position, latest.digest)  # the operator's copy
    # Alter an event before the latest checkpoint and rewrite the ledger to match.
    target = positions(app)[-8]
    with app.engine.begin() as conn:
        conn.execute(text("UPDATE placements_events SET topic = topic || ' ' WHERE id = :p"),
                     {"p": target})
    rewrite_chain(app, target, with_checkpoints=False)
    caught = app.audit.verify_log(OPERATOR)
    assert caught.problem == "checkpoint_mismatch" and caught.failed_position > target
    assert caught.last_good_checkpoint.position < target
    # Rewrite the checkpoints too: only the off-site copy still disagrees.
    rewrite_chain(app, target, with_checkpoints=True)
    assert app.audit.verify_log(OPERATOR).ok
    against = app.audit.verify_log(OPERATOR, offsite)
    assert not against.ok and against.problem == "offsite_mismatch"
    assert against.failed_position == offsite.position
    out = cli_verify(app, monkeypatch, "--checkpoint", f"{offsite.position}:{offsite.digest}")
    assert out.exit_code == 1 and "offsite_mismatch" in out.output


def test_an_event_added_behind_the_ledgers_back_is_found(sqlite_app):
    make_consortium(sqlite_app)
    table = sqlite_app.recorder.events_record_cls.__table__
    with sqlite_app.engine.begin() as conn:
        conn.execute(table.insert().values(originator_id=uuid4(), originator_version=1,
                                           topic="domain.students:Student.Registered",
                                           state=b"{}"))
    result = sqlite_app.audit.verify_log(OPERATOR)
    assert result.problem == "unsealed_event" and result.failed_position == positions(
        sqlite_app)[-1]


# Encryption at rest -------------------------------------------------------------------------

WAGES = {"period_start": "2025-01-06", "period_end": "2025-01-19", "hours": 80,
         "hourly_rate": 27.43}


@pytest.fixture(params=["sqlite", "postgres"])
def ciphered(request):
    with application_on(request, request.param, AESCipher.create_key(32)) as app:
        yield app


def test_payloads_are_encrypted_at_rest_and_the_api_still_works(ciphered):
    from tests.integration.test_apprenticeship_api import STANDARDS

    app = ciphered
    consortium = make_consortium(app)
    client = create_app(app).test_client()
    student = add_student(client, consortium, "Xiomara Quetzalli")
    post = lambda path, body: client.post(  # noqa: E731
        path, json=body, headers=consortium.headers("employer")).get_json()
    program = post("/v1/apprenticeship-programs", STANDARDS)
    apprentice = post("/v1/apprentices", {"program": program["id"], "name": "Yolotli Anaya",
                                          "signed_date": "2025-01-06"})
    paid = client.post(f"/v1/apprentices/{apprentice['id']}/wages", json=WAGES,
                       headers=consortium.headers("employer"))
    assert paid.status_code == 201, paid.get_json()
    with app.engine.connect() as conn:
        raw = b"".join(bytes(r[0]) for r in conn.execute(text(
            "SELECT state FROM placements_events")))
    for clear in (b"Xiomara", b"Quetzalli", b"Yolotli", b"27.43", b"College of Marin"):
        assert clear not in raw
    back = client.get(f"/v1/students/{student['id']}", headers=consortium.headers("coordinator"))
    assert back.status_code == 200 and back.get_json()["name"] == "Xiomara Quetzalli"
    log = client.get("/v1/audit/events?limit=1000",
                     headers=consortium.headers("compliance")).get_json()["events"]
    wages = [e for e in log if e["type"] == "Apprentice.WagesPaid"]
    assert wages and json.dumps(wages[0]["payload"]).count("27.43") == 1
    assert api_verify(client, consortium)["ok"] is True


# Event schema evolution ---------------------------------------------------------------------

def store_v1_site(app, employer: str) -> str:
    """A Site.Registered as the code before class_version 2 stored it (no phone, no
    class_version), written raw into the log with its ledger digest, as that code sealed it."""
    site_id = uuid4()
    state = app.mapper.transcoder.encode({
        "timestamp": datetime.now(UTC), "originator_topic": "domain.capacity:Site",
        "actor": f"employer:cli@{employer}", "employer": employer, "name": "Old clinic",
        "location": {"lat": 37.8, "lon": -122.3}, "requirements": ["TB"]})
    assert b"phone" not in state and b"class_version" not in state
    store_raw(app, site_id, "domain.capacity:Site.Registered", state)
    return str(site_id)


def store_raw(app, aggregate_id, topic: str, state: bytes) -> None:
    """An aggregate's first event written raw into the log, sealed with its ledger digest as
    the code of its time sealed it."""
    events = app.recorder.events_record_cls.__table__
    with app.engine.begin() as conn:
        conn.execute(events.insert().values(originator_id=aggregate_id, originator_version=1,
                                            topic=topic, state=state))
        position = conn.execute(select(events.c.id).where(
            events.c.originator_id == aggregate_id)).scalar()
        rows, _ = ledger.chain(ledger.head(conn), [(position, str(aggregate_id), 1, topic,
                                                    state)])
        conn.execute(ledger.ledger.insert(), rows)


def test_a_v1_site_event_is_upcast_through_the_app_and_replay(app, client, consortium):
    site_id = store_v1_site(app, consortium.employer)
    assert app.repository.get(site_id).phone is None  # loaded through the upcast
    employer = consortium.headers("employer")
    slot = client.post("/v1/slots", json={
        "site": site_id, "discipline": "RN", "capacity": 2, "start_date": "2027-01-11",
        "end_date": "2027-03-05", "weekdays": [0], "shift_start": "07:00",
        "shift_end": "15:30", "hours": 64}, headers=employer)
    assert slot.status_code == 201, slot.get_json()  # a command over the old event works
    new = client.post("/v1/sites", json={**SITE, "phone": "+1 415 555 0100"}, headers=employer)
    assert new.status_code == 201 and new.get_json()["phone"] == "+1 415 555 0100"
    replay(app)  # the old event's site now has its read-model row, rebuilt through the upcast
    old = client.get(f"/v1/sites/{site_id}", headers=employer).get_json()
    assert old["name"] == "Old clinic" and old["phone"] is None
    audit = client.get(f"/v1/audit/aggregates/{site_id}",
                       headers=consortium.headers("compliance")).get_json()
    assert audit["state"]["phone"] is None and audit["events"][0]["payload"]["phone"] is None
    with app.engine.connect() as conn:
        stored = bytes(conn.execute(text(
            "SELECT state FROM placements_events ORDER BY id DESC LIMIT 1")).scalar())
    assert b'"class_version":2' in stored and b"555 0100" in stored
    assert api_verify(client, consortium)["ok"] is True  # upcasting never rewrites the log


def test_a_v1_slot_event_is_upcast_with_no_unit_through_the_app_and_replay(app, client,
                                                                           consortium):
    employer = consortium.headers("employer")
    site_id = client.post("/v1/sites", json=SITE, headers=employer).get_json()["id"]
    slot_id = uuid4()
    state = app.mapper.transcoder.encode({
        "timestamp": datetime.now(UTC), "originator_topic": "domain.capacity:Slot",
        "actor": f"employer:cli@{consortium.employer}", "employer": consortium.employer,
        "site": site_id, "discipline": "RN", "capacity": 2, "preceptor": None,
        "schedule": {"start_date": "2027-01-11", "end_date": "2027-03-05", "weekdays": [0],
                     "shift_start": "07:00", "shift_end": "15:30"},
        "hours": 64, "colleges": None})
    assert b"unit" not in state and b"class_version" not in state
    store_raw(app, slot_id, "domain.capacity:Slot.Published", state)
    assert app.repository.get(slot_id).unit is None  # loaded through the upcast
    lowered = client.post(f"/v1/slots/{slot_id}/capacity", json={"capacity": 1,
                                                                  "reason": "leave"},
                          headers=employer)
    assert lowered.status_code == 200 and lowered.get_json()["unit"] is None
    replay(app)
    back = client.get(f"/v1/slots/{slot_id}", headers=employer).get_json()
    assert back["capacity"] == 1 and back["unit"] is None
    audit = client.get(f"/v1/audit/aggregates/{slot_id}",
                       headers=consortium.headers("compliance")).get_json()
    assert audit["events"][0]["payload"]["unit"] is None
    assert api_verify(client, consortium)["ok"] is True
