"""Tokens with labels (issue 12, SPEC section 5): issue, list, revoke over HTTP and on the
command line, GET /v1/me, and the label beside the token id as the audit's actor."""

from __future__ import annotations

from click.testing import CliRunner

from bootstrap.cli.main import main
from tests.integration.helpers import ok


def test_issue_list_revoke_and_me(app, client, consortium):
    admin = consortium.headers("admin")
    issued = ok(client.post("/v1/tokens", json={"role": "coordinator",
                                                "organization": consortium.college,
                                                "label": "Dana Lee, placement office"},
                            headers=admin))
    assert issued["token"].startswith("plc_") and issued["label"] == "Dana Lee, placement office"
    dana = {"Authorization": f"Bearer {issued['token']}"}
    me = ok(client.get("/v1/me", headers=dana), 200)
    assert me == {"id": issued["id"], "role": "coordinator", "organization": consortium.college,
                  "label": "Dana Lee, placement office"}

    listed = ok(client.get("/v1/tokens?limit=500", headers=admin), 200)["items"]
    row = next(t for t in listed if t["id"] == issued["id"])
    assert set(row) == {"id", "version", "role", "organization", "label", "created", "revoked"}
    assert row["revoked"] is False and "token" not in row
    assert all("token_hash" not in t for t in listed)
    assert client.get("/v1/tokens", headers=consortium.headers("coordinator")).status_code == 403

    student = ok(client.post("/v1/students", json={"name": "A", "home": {"lat": 1, "lon": 1}},
                             headers=dana))
    events = ok(client.get("/v1/audit/events?limit=1000",
                           headers=consortium.headers("compliance")), 200)["events"]
    actor = next(e["actor"] for e in events if e["aggregate_id"] == student["id"])
    assert actor == (f"coordinator:{issued['id']}@{consortium.college} "
                     f"(Dana Lee, placement office)")

    revoked = ok(client.post(f"/v1/tokens/{issued['id']}/revoke", headers=admin), 200)
    assert revoked["revoked"] is True
    assert client.get("/v1/me", headers=dana).status_code == 401
    assert client.post("/v1/tokens/00000000-0000-0000-0000-000000000000/revoke",
                       headers=admin).status_code == 404


def test_token_commands(sqlite_app, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", sqlite_app.settings.database_url)
    runner = CliRunner()
    created = runner.invoke(main, ["token", "create", "--role", "compliance",
                                   "--label", "auditor bot"])
    assert created.exit_code == 0, created.output
    secret = created.output.strip()
    principal = sqlite_app.tokens.principal_for(secret)
    assert principal is not None and principal.label == "auditor bot"
    listed = runner.invoke(main, ["token", "list"])
    assert listed.exit_code == 0 and principal.token in listed.output
    assert "auditor bot" in listed.output and secret not in listed.output
    revoked = runner.invoke(main, ["token", "revoke", principal.token])
    assert revoked.exit_code == 0, revoked.output
    assert sqlite_app.tokens.principal_for(secret) is None
    unknown = runner.invoke(main, ["token", "revoke", "nope"])
    assert unknown.exit_code == 1 and "no such token" in unknown.output
