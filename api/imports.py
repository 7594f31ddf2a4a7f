"""/v1/imports/*: students, placement requests and slots from a CSV file, all rows or none.

Each file is read with the single-item POST's schema (api/csv_format.py) and imported by one
command (placements/imports.py); docs/BULK.md describes the format and the answers.
"""

from __future__ import annotations

from flask import g, request
from flask.views import MethodView
from marshmallow import Schema, fields

from api.capacity import SlotSchema
from api.common import app, principal
from api.csv_format import CSV_BODY, read_rows
from api.limits import Blueprint
from api.students import PlacementRequestSchema, StudentSchema

blp = Blueprint("imports", __name__, url_prefix="/v1",
                description="CSV imports: all rows or none (docs/BULK.md)")


class ImportResultSchema(Schema):
    created = fields.Integer(required=True)
    ids = fields.List(fields.String(), required=True,
                      metadata={"description": "the new items' ids, in the file's row order"})


# Each import's role and the schema its rows are read with (the single-item POST's).
IMPORTS = {"students": ("coordinator", StudentSchema),
           "placement-requests": ("coordinator", PlacementRequestSchema),
           "slots": ("employer", SlotSchema)}


@blp.before_request
def read_file() -> None:
    """The caller's role is checked, then the file read and validated row by row, before the
    view runs: with an Idempotency-Key the view runs inside the transaction that claims the
    key, and reading 20,000 rows need not hold it (on SQLite, the database's write lock)."""
    if request.method != "POST":
        return
    role, schema = IMPORTS[request.path.removeprefix("/v1/imports/")]
    principal().require(role)  # before reading a file the caller may not send
    g.import_rows = read_rows(schema())


@blp.route("/imports/students")
class StudentImport(MethodView):
    @blp.doc(requestBody=CSV_BODY)
    @blp.response(201, ImportResultSchema)
    def post(self):
        """Register the students of a CSV file (a coordinator, for its college)."""
        return app().imports.import_students(principal(), g.import_rows)


@blp.route("/imports/placement-requests")
class PlacementRequestImport(MethodView):
    @blp.doc(requestBody=CSV_BODY)
    @blp.response(201, ImportResultSchema)
    def post(self):
        """File the placement requests of a CSV file (a coordinator, for its students)."""
        return app().imports.import_placement_requests(principal(), g.import_rows)


@blp.route("/imports/slots")
class SlotImport(MethodView):
    @blp.doc(requestBody=CSV_BODY)
    @blp.response(201, ImportResultSchema)
    def post(self):
        """Publish the slots of a CSV file (an employer, at its own sites)."""
        return app().imports.import_slots(principal(), g.import_rows)
