"""The Idempotency-Key header on writes (see placements/idempotency.py for the rules)."""

from __future__ import annotations

from flask import Flask, current_app, g, jsonify, request

from placements import idempotency

HEADER = "Idempotency-Key"


def _engine():
    return current_app.extensions["placements"].engine


def before():
    key = request.headers.get(HEADER)
    if request.method != "POST" or not key or "principal" not in g:
        return None
    fp = idempotency.fingerprint(request.method, request.path, request.get_data())
    stored = idempotency.claim(_engine(), g.principal.actor, key, fp)
    if stored is not None:
        response = jsonify(stored.body)
        response.status_code = stored.status
        response.headers["Idempotent-Replayed"] = "true"
        return response
    g.idempotency_key = key
    return None


def after(response):
    key = g.pop("idempotency_key", None)
    if key is not None:
        if 200 <= response.status_code < 300:
            idempotency.complete(_engine(), g.principal.actor, key, response.status_code,
                                 response.get_json())
        else:  # only successes are remembered: a refused or failed write may be retried
            idempotency.release(_engine(), g.principal.actor, key)
    return response


def register(app: Flask) -> None:
    app.before_request(before)
    app.after_request(after)
