"""The Idempotency-Key header on writes (see placements/idempotency.py for the rules)."""

from __future__ import annotations

import functools
from collections.abc import Callable

from flask import Flask, current_app, g, jsonify, request

from placements import idempotency

HEADER = "Idempotency-Key"


def idempotent(view: Callable) -> Callable:
    """The view, run once per Idempotency-Key on a POST: in the transaction that claims the key
    and stores the answer; a retry replays the stored answer."""

    @functools.wraps(view)
    def run(*args, **kwargs):
        key = request.headers.get(HEADER)
        if request.method != "POST" or key is None or "principal" not in g:
            return view(*args, **kwargs)
        fp = idempotency.fingerprint(request.method, request.path, request.get_data())
        answer = idempotency.run_once(
            current_app.extensions["placements"], g.principal.actor, key, fp,
            lambda: current_app.make_response(view(*args, **kwargs)))
        if isinstance(answer, idempotency.Stored):
            response = jsonify(answer.body)
            response.status_code = answer.status
            response.headers["Idempotent-Replayed"] = "true"
            return response
        return answer

    return run


def register(app: Flask) -> None:
    """Wrap every view registered so far (call after the blueprints)."""
    for endpoint, view in list(app.view_functions.items()):
        app.view_functions[endpoint] = idempotent(view)
