"""Bearer-token authentication: every /v1 route knows its caller as `g.principal`."""

from __future__ import annotations

from flask import Flask, current_app, g, request

from api.errors import error_response

PUBLIC = ("/openapi.json", "/docs", "/healthz")


def authenticate():
    if not request.path.startswith("/v1"):
        return None
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return error_response(401, "unauthorized", "send Authorization: Bearer <token>")
    principal = current_app.extensions["placements"].tokens.principal_for(token.strip())
    if principal is None:
        return error_response(401, "unauthorized", "unknown or revoked token")
    g.principal = principal
    return None


def register(app: Flask) -> None:
    app.before_request(authenticate)
