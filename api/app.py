"""The Flask app factory: one blueprint per resource over the PlacementsApp it is given.

The application (its settings, its job queue) is assembled by the composition root
(bootstrap/), not here: the API knows the application's commands, not how jobs run.
"""

from __future__ import annotations

from flask import Flask

from api import (
    apprenticeship,
    audit,
    auth,
    capacity,
    clinical_hours,
    errors,
    idempotency,
    imports,
    initiatives,
    limits,
    onboarding,
    openapi,
    organizations,
    outcomes,
    participants,
    placements,
    reports,
    rosters,
    services,
    solves,
    students,
    tokens,
)
from placements.app import PlacementsApp

BLUEPRINTS = (organizations.blp, tokens.blp, capacity.blp, students.blp, placements.blp,
              solves.blp, apprenticeship.blp, clinical_hours.blp, reports.blp, audit.blp,
              participants.blp, outcomes.blp, services.blp, initiatives.blp, imports.blp,
              onboarding.blp, rosters.blp)


def create_app(application: PlacementsApp) -> Flask:
    flask_app = Flask("placements")
    flask_app.config.update(
        API_TITLE="Clinical placements and apprenticeships",
        API_VERSION="1",
        JSON_SORT_KEYS=False,
    )
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
