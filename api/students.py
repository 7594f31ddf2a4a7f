"""/v1/students and /v1/placement-requests: a coordinator's own college only."""

from __future__ import annotations

from flask.views import MethodView
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from api.capacity import TIME, LocationSchema
from api.common import (
    IsoDate,
    PageArgs,
    RequiredReasonSchema,
    app,
    as_list,
    if_match,
    list_schema,
    principal,
)
from api.csv_format import CSV_ANSWER, csv_response, every_item, wants_csv
from api.limits import Blueprint
from api.openapi import conditional
from domain.students import RequestStatus

blp = Blueprint("students", __name__, url_prefix="/v1",
                description="Students and placement requests")


class WindowSchema(Schema):
    weekdays = fields.List(fields.Integer(validate=validate.Range(0, 6)), required=True,
                           validate=validate.Length(min=1, max=7))
    start = fields.String(required=True, validate=TIME)
    end = fields.String(required=True, validate=TIME)


class CredentialRecordSchema(Schema):
    code = fields.String()
    issued = fields.String(allow_none=True)
    expires = fields.String(allow_none=True, metadata={"description": "null: no expiry"})


class WaiverRecordSchema(Schema):
    code = fields.String()
    site = fields.String()
    employer = fields.String()
    reason = fields.String()
    until = fields.String(allow_none=True, metadata={"description": "null: no end"})


class StudentSchema(Schema):
    id = fields.String(dump_only=True)
    version = fields.Integer(dump_only=True)
    college = fields.String(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    home = fields.Nested(LocationSchema, required=True)
    max_travel_km = fields.Float(load_default=None, allow_none=True,
                                 validate=validate.Range(min=0, max=20000))
    credentials = fields.List(fields.String(validate=validate.Length(min=1, max=40)),
                              load_default=list)
    unavailable = fields.List(fields.Nested(WindowSchema), load_default=list)
    participant = fields.String(load_default=None, allow_none=True, metadata={
        "description": "the partnership's participant record of the same person"})
    credential_records = fields.List(fields.Nested(CredentialRecordSchema), dump_only=True,
                                     metadata={"description": "each credential's latest record "
                                               "(codes registered with the student: no dates)"})
    waivers = fields.List(fields.Nested(WaiverRecordSchema), dump_only=True)


class UnplacedSchema(Schema):
    solve = fields.String()
    reason = fields.String()
    detail = fields.String()


class PlacementRequestSchema(Schema):
    id = fields.String(dump_only=True)
    version = fields.Integer(dump_only=True)
    college = fields.String(dump_only=True)
    placement = fields.String(dump_only=True, allow_none=True,
                              metadata={"description": "the placement holding a seat for it"})
    unplaced = fields.Nested(UnplacedSchema, dump_only=True, allow_none=True)
    status = fields.String(dump_only=True, metadata={"enum": list(RequestStatus)})
    student = fields.String(required=True)
    discipline = fields.String(required=True)
    required_hours = fields.Integer(required=True, validate=validate.Range(min=1, max=10000))
    earliest_start = IsoDate(required=True)
    latest_end = IsoDate(required=True)
    priority = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1000))
    group = fields.String(load_default=None, allow_none=True)
    preferred_sites = fields.List(fields.String(), load_default=list)
    student_name = fields.String(dump_only=True, allow_none=True)
    slot = fields.String(dump_only=True, allow_none=True, metadata={
        "description": "the slot of the placement holding a seat for it"})
    slot_name = fields.String(dump_only=True, allow_none=True)
    site = fields.String(dump_only=True, allow_none=True)
    site_name = fields.String(dump_only=True, allow_none=True)

    @validates_schema
    def _dates(self, data, **_):
        if ("earliest_start" in data and "latest_end" in data
                and data["latest_end"] < data["earliest_start"]):
            raise ValidationError("must not be before earliest_start", "latest_end")


class RequestQuery(PageArgs):
    student = fields.String()


@blp.route("/students")
class Students(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, list_schema(StudentSchema))
    @blp.alt_response(200, **CSV_ANSWER)
    def get(self, args):
        """List students (a coordinator its college's)."""
        if wants_csv():
            return csv_response(StudentSchema(), every_item(app().students.students, principal(),
                                                            **args), "students")
        return as_list(app().students.students(principal(), **args))

    @blp.arguments(StudentSchema)
    @blp.response(201, StudentSchema)
    def post(self, body):
        """Register a student of the caller's college."""
        return app().students.register_student(principal(), **body)


@blp.route("/students/<student_id>")
class Student(MethodView):
    @blp.response(200, StudentSchema)
    def get(self, student_id):
        """Read a student."""
        return app().students.student(principal(), student_id)


@blp.route("/placement-requests")
class PlacementRequests(MethodView):
    @blp.arguments(RequestQuery, location="query")
    @blp.response(200, list_schema(PlacementRequestSchema))
    @blp.alt_response(200, **CSV_ANSWER)
    def get(self, args):
        """List placement requests (a coordinator its college's)."""
        if wants_csv():
            return csv_response(PlacementRequestSchema(),
                                every_item(app().students.placement_requests, principal(), **args),
                                "placement-requests")
        return as_list(app().students.placement_requests(principal(), **args))

    @blp.arguments(PlacementRequestSchema)
    @blp.response(201, PlacementRequestSchema)
    def post(self, body):
        """File a placement request for one of the college's students."""
        return app().students.request_placement(principal(), **body)


@blp.route("/placement-requests/<request_id>")
class PlacementRequest(MethodView):
    @blp.response(200, PlacementRequestSchema)
    def get(self, request_id):
        """Read a placement request."""
        return app().students.placement_request(principal(), request_id)


@blp.route("/placement-requests/<request_id>/withdraw")
class PlacementRequestWithdrawal(MethodView):
    @conditional
    @blp.arguments(RequiredReasonSchema)
    @blp.response(200, PlacementRequestSchema)
    def post(self, body, request_id):
        """Withdraw a placement request: no later solve places it."""
        return app().students.withdraw_request(principal(), request_id, body["reason"],
                                               if_match=if_match())
