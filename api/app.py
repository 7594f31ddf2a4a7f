"""The Flask app factory: one blueprint per resource over the PlacementsApp it is given.

The application (its settings, its job queue) is assembled by the composition root
(bootstrap/), not here: the API knows the application's commands, not how jobs run.
"""

from __future__ import annotations

from flask import Flask
from flask_smorest import Api

from api import (
    apprenticeship,
    audit,
    auth,
    capacity,
    errors,
    idempotency,
    organizations,
    placements,
    solves,
    students,
)
from placements.app import PlacementsApp

BLUEPRINTS = (organizations.blp, capacity.blp, students.blp, placements.blp, solves.blp,
              apprenticeship.blp, audit.blp)


def create_app(application: PlacementsApp) -> Flask:
    flask_app = Flask("placements")
    flask_app.config.update(
        API_TITLE="Clinical placements and apprenticeships",
        API_VERSION="1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/",
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="docs",
        OPENAPI_SWAGGER_UI_URL="https://cdn.jsdelivr.net/npm/swagger-ui-dist/",
        JSON_SORT_KEYS=False,
    )
    flask_app.extensions["placements"] = application
    api = Api(flask_app, spec_kwargs={"security": [{"bearer": []}]})
    api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    for blp in BLUEPRINTS:
        api.register_blueprint(blp)
    errors.register(flask_app)  # after Api, so ours replace flask-smorest's handlers
    auth.register(flask_app)
    idempotency.register(flask_app)

    @flask_app.get("/healthz")
    def healthz():
        return {"ok": True}

    return flask_app
