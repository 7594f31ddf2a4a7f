"""The Flask app factory: one PlacementsApp per process, one blueprint per resource."""

from __future__ import annotations

from flask import Flask

from api import (
    apprenticeship,
    audit,
    auth,
    capacity,
    errors,
    idempotency,
    limits,
    openapi,
    organizations,
    placements,
    solves,
    students,
    tokens,
)
from placements.app import PlacementsApp
from placements.settings import Settings
from workers import queue

BLUEPRINTS = (organizations.blp, tokens.blp, capacity.blp, students.blp, placements.blp, solves.blp,
              apprenticeship.blp, audit.blp)


def create_app(application: PlacementsApp | None = None,
               settings: Settings | None = None) -> Flask:
    flask_app = Flask("placements")
    flask_app.config.update(
        API_TITLE="Clinical placements and apprenticeships",
        API_VERSION="1",
        JSON_SORT_KEYS=False,
    )
    if application is None:
        application = PlacementsApp(settings or Settings.from_env())
        application.check_readable()  # an encrypted store without its key: refuse to start
        application.jobs = queue.for_settings(application)
    flask_app.extensions["placements"] = application
    api = openapi.DocumentedApi(flask_app, security=[{"bearer": []}])
    api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    for blp in BLUEPRINTS:
        api.register_blueprint(blp)
    errors.register(flask_app)  # after Api, so ours replace flask-smorest's handlers
    limits.register(flask_app)
    auth.register(flask_app)
    idempotency.register(flask_app)

    @flask_app.get("/healthz")
    def healthz():
        return {"ok": True}

    return flask_app
