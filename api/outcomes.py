"""Enrollments and completions, hires, wage changes and separations of participants."""

from __future__ import annotations

from flask.views import MethodView
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from api.common import IsoDate, app, principal
from api.limits import Blueprint
from domain.partnership.outcomes import MAX_WAGE, MIN_WAGE, PROGRAM_TYPES

blp = Blueprint("outcomes", __name__, url_prefix="/v1",
                description="Training and job outcomes of participants")

TEXT = validate.Length(min=1, max=200)
WAGE = validate.Range(min=MIN_WAGE, max=MAX_WAGE)


class EnrollmentSchema(Schema):
    id = fields.String(dump_only=True)
    version = fields.Integer(dump_only=True)
    participant = fields.String(dump_only=True)
    community = fields.String(dump_only=True, metadata={"description": "the participant's, then"})
    organization = fields.String(dump_only=True)
    program_type = fields.String(required=True, validate=validate.OneOf(PROGRAM_TYPES))
    occupation = fields.String(required=True, validate=TEXT)
    provider = fields.String(load_default=None, allow_none=True, validate=TEXT)
    employer = fields.String(load_default=None, allow_none=True, metadata={
        "description": "the employer sponsoring the training, if any (organisation id)"})
    start_date = IsoDate(required=True)
    end_date = IsoDate(load_default=None, allow_none=True, metadata={
        "description": "expected end"})
    completed_on = fields.String(dump_only=True, allow_none=True)
    credential = fields.String(dump_only=True, allow_none=True)

    @validates_schema
    def _dates(self, data, **_):
        if data.get("end_date") and data.get("start_date") and \
                data["end_date"] < data["start_date"]:
            raise ValidationError("must not be before start_date", "end_date")


class EnrollmentCompletionSchema(Schema):
    date = IsoDate(required=True)
    credential = fields.String(load_default=None, allow_none=True, validate=TEXT)


class WageSchema(Schema):
    effective_date = IsoDate(required=True)
    hourly_wage = fields.Float(required=True, validate=WAGE)


class EmploymentSchema(Schema):
    id = fields.String(dump_only=True)
    version = fields.Integer(dump_only=True)
    participant = fields.String(dump_only=True)
    community = fields.String(dump_only=True, metadata={"description": "the participant's, then"})
    organization = fields.String(dump_only=True, metadata={"description": "who recorded it"})
    employer = fields.String(required=True, metadata={"description": "an employer's id"})
    occupation = fields.String(required=True, validate=TEXT)
    hourly_wage = fields.Float(required=True, validate=WAGE, metadata={
        "description": "at hire; the latest on reads"})
    start_date = IsoDate(required=True)
    anniversary = fields.String(dump_only=True)
    separated_on = fields.String(dump_only=True, allow_none=True)
    separation_reason = fields.String(dump_only=True, allow_none=True)
    wages = fields.List(fields.Nested(WageSchema), dump_only=True)


class SeparationSchema(Schema):
    date = IsoDate(required=True)
    reason = fields.String(required=True, validate=TEXT)


class OutcomesSchema(Schema):
    enrollments = fields.List(fields.Nested(EnrollmentSchema))
    employment = fields.List(fields.Nested(EmploymentSchema))


@blp.route("/participants/<participant_id>/enrollments")
class Enrollments(MethodView):
    @blp.arguments(EnrollmentSchema)
    @blp.response(201, EnrollmentSchema)
    def post(self, body, participant_id):
        """Enroll a participant in a program of any type."""
        return app().outcomes.enroll(principal(), participant_id, **body)


@blp.route("/participants/<participant_id>/outcomes")
class Outcomes(MethodView):
    @blp.response(200, OutcomesSchema)
    def get(self, participant_id):
        """A participant's enrollments and jobs."""
        return app().outcomes.participant_outcomes(principal(), participant_id)


@blp.route("/enrollments/<enrollment_id>")
class Enrollment(MethodView):
    @blp.response(200, EnrollmentSchema)
    def get(self, enrollment_id):
        """An enrollment (visible with its participant)."""
        return app().outcomes.enrollment(principal(), enrollment_id)


@blp.route("/enrollments/<enrollment_id>/completion")
class Completion(MethodView):
    @blp.arguments(EnrollmentCompletionSchema)
    @blp.response(201, EnrollmentSchema)
    def post(self, body, enrollment_id):
        """Record the completion, and the credential earned if any."""
        return app().outcomes.complete_enrollment(principal(), enrollment_id, **body)


@blp.route("/participants/<participant_id>/employment")
class Hire(MethodView):
    @blp.arguments(EmploymentSchema)
    @blp.response(201, EmploymentSchema)
    def post(self, body, participant_id):
        """Record a hire (the participant must share its record with the caller)."""
        return app().outcomes.hire(principal(), participant_id, **body)


@blp.route("/employment/<employment_id>")
class Employment(MethodView):
    @blp.response(200, EmploymentSchema)
    def get(self, employment_id):
        """A job with its wage history (visible with its participant)."""
        return app().outcomes.employment(principal(), employment_id)


@blp.route("/employment/<employment_id>/wages")
class Wages(MethodView):
    @blp.arguments(WageSchema)
    @blp.response(201, EmploymentSchema)
    def post(self, body, employment_id):
        """A wage change from its effective date."""
        return app().outcomes.change_wage(principal(), employment_id, **body)


@blp.route("/employment/<employment_id>/separation")
class Separation(MethodView):
    @blp.arguments(SeparationSchema)
    @blp.response(201, EmploymentSchema)
    def post(self, body, employment_id):
        """The job ended (quit, laid off, promoted elsewhere…)."""
        return app().outcomes.separate(principal(), employment_id, **body)
