"""/v1/imports/*: students, placement requests and slots from a CSV file, all rows or none.

Each file is read with the single-item POST's schema (api/csv_format.py) and imported by one
command (placements/imports.py); docs/BULK.md describes the format and the answers.
"""

from __future__ import annotations

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


@blp.route("/imports/students")
class StudentImport(MethodView):
    @blp.doc(requestBody=CSV_BODY)
    @blp.response(201, ImportResultSchema)
    def post(self):
        """Register the students of a CSV file (a coordinator, for its college)."""
        principal().require("coordinator")  # before reading a file the caller may not send
        return app().import_students(principal(), read_rows(StudentSchema()))


@blp.route("/imports/placement-requests")
class PlacementRequestImport(MethodView):
    @blp.doc(requestBody=CSV_BODY)
    @blp.response(201, ImportResultSchema)
    def post(self):
        """File the placement requests of a CSV file (a coordinator, for its students)."""
        principal().require("coordinator")
        return app().import_placement_requests(principal(),
                                               read_rows(PlacementRequestSchema()))


@blp.route("/imports/slots")
class SlotImport(MethodView):
    @blp.doc(requestBody=CSV_BODY)
    @blp.response(201, ImportResultSchema)
    def post(self):
        """Publish the slots of a CSV file (an employer, at its own sites)."""
        principal().require("employer")
        return app().import_slots(principal(), read_rows(SlotSchema()))
