"""The OpenAPI document, true to the API, and its browsable page at /docs, served offline.

- Errors: every operation's `default` response is the body api/errors.py really sends,
  `{"error": {"code", "message", "fields"}}` (flask-smorest's own error object is never sent).
- Headers: every POST takes `Idempotency-Key`; the writes that honour `If-Match` say so (the
  `conditional` decorator of api/common.py marks them).
- A summary on every operation (the first line of its docstring).
- /docs loads Swagger UI from the `swagger-ui-bundle` package, served by the app itself at
  /docs/assets/, so it works with no internet access.
"""

from __future__ import annotations

from apispec import BasePlugin
from flask import Flask, send_from_directory
from flask_smorest import Api, Blueprint
from marshmallow import Schema, fields
from swagger_ui_bundle import swagger_ui_path

ASSETS = "/docs/assets/"

IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key", "in": "header", "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": r"^[!-~]+$"},
    "description": "a retry with the same key, method, path and body answers the first "
                   "response and writes nothing new; with another request, 422",
}
IF_MATCH = {
    "name": "If-Match", "in": "header", "required": False,
    "schema": {"type": "string", "pattern": r'^(W/)?"?[0-9]{1,18}"?$'},
    "description": "the resource's version as the caller read it; 412 when it is stale",
}


class RowErrorSchema(Schema):
    row = fields.Integer(required=True, metadata={"description": "counted from 1 after the "
                                                                 "header"})
    column = fields.String(required=True, metadata={"description": "\"\" for the whole row"})
    message = fields.String(required=True)


class ErrorDetailSchema(Schema):
    code = fields.String(required=True, metadata={"description": "machine-readable reason"})
    message = fields.String(required=True)
    fields_ = fields.Dict(data_key="fields", keys=fields.String(),
                          values=fields.List(fields.String()), required=True, metadata={
                              "description": "each offending field (nested as `home.lat`) "
                                             "with its messages"})
    rows = fields.List(fields.Nested(RowErrorSchema), metadata={
        "description": "with `invalid_rows` (a CSV import): every problem by row and column"})


class ErrorSchema(Schema):
    error = fields.Nested(ErrorDetailSchema, required=True)


class DocumentedApi(Api):
    """flask-smorest's Api, with the error body the API sends and the plugin above."""

    ERROR_SCHEMA = ErrorSchema

    def __init__(self, app: Flask, **spec_kwargs) -> None:
        configure(app)
        super().__init__(app, spec_kwargs={**spec_kwargs,
                                           "extra_plugins": [OperationsPlugin()]})


def configure(app: Flask) -> None:
    app.config.update(
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/",
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="docs",
        OPENAPI_SWAGGER_UI_URL=ASSETS,
    )

    @app.get(f"{ASSETS}<path:filename>")
    def swagger_ui_asset(filename: str):
        return send_from_directory(swagger_ui_path, filename)


conditional = Blueprint.doc(parameters=[IF_MATCH])  # a write whose view reads if_match()


class OperationsPlugin(BasePlugin):
    """Every POST takes Idempotency-Key; every operation has a summary."""

    def operation_helper(self, path=None, operations=None, **kwargs) -> None:
        for method, operation in (operations or {}).items():
            if not operation.get("summary"):
                raise ValueError(f"{method.upper()} {path} has no summary: give its view a "
                                 f"docstring")
            if method == "post":
                operation.setdefault("parameters", []).append(IDEMPOTENCY_KEY)
