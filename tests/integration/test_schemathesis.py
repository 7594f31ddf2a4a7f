"""Property-based fuzzing of every documented operation from /openapi.json, for every role:
whatever a client sends, the API never answers 5xx, and every answer (status, content type,
body) is one the document describes. Runs on the embedded default (SQLite)."""

from __future__ import annotations

import tempfile

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from bootstrap.app import create_wsgi_app
from placements.app import PlacementsApp
from placements.settings import Settings
from tests.conftest import make_consortium

_flask = create_wsgi_app(Settings(database_url=f"sqlite:///{tempfile.mkdtemp()}/fuzz.db",
                                  solve_time_limit=5))  # with its embedded job thread
_app: PlacementsApp = _flask.extensions["placements"]
_consortium = make_consortium(_app)
schema = schemathesis.openapi.from_wsgi("/openapi.json", _flask)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]


def test_the_document_has_no_cdn_and_the_docs_page_is_served_offline():
    client = _flask.test_client()
    page = client.get("/docs").get_data(as_text=True)
    assert "https://" not in page and "/docs/assets/swagger-ui-bundle.js" in page
    assert client.get("/docs/assets/swagger-ui-bundle.js").status_code == 200
    assert client.get("/docs/assets/swagger-ui.css").status_code == 200


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=6, deadline=None,
          suppress_health_check=list(HealthCheck))
def test_every_role_gets_only_documented_answers(case):
    for role in ("admin", "compliance", "coordinator", "employer"):
        case.call_and_validate(headers=_consortium.headers(role), checks=CHECKS)
