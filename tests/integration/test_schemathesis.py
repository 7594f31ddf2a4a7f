"""Property-based fuzzing of every documented operation from /openapi.json: whatever a client
sends, the API never answers 5xx. Runs on the embedded default (SQLite) with a token per role."""

from __future__ import annotations

import tempfile

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from bootstrap.app import create_wsgi_app
from placements.app import PlacementsApp
from placements.settings import Settings
from tests.conftest import make_consortium

_flask = create_wsgi_app(Settings(database_url=f"sqlite:///{tempfile.mkdtemp()}/fuzz.db",
                                  solve_time_limit=5))  # with its embedded job thread
_app: PlacementsApp = _flask.extensions["placements"]
_consortium = make_consortium(_app)
schema = schemathesis.openapi.from_wsgi("/openapi.json", _flask)


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=8, deadline=None,
          suppress_health_check=list(HealthCheck))
def test_no_server_errors(case):
    for role in ("admin", "coordinator", "employer"):
        case.call_and_validate(headers=_consortium.headers(role), checks=[not_a_server_error])
