"""Clinical hours of a placement (log, sign-off, corrections, totals) and evaluations
(SPEC section 9)."""

from __future__ import annotations

from flask.views import MethodView
from marshmallow import Schema, fields, validate

from api.apprenticeship import ComplianceQuery, EventRefSchema
from api.common import IsoDate, app, principal
from api.limits import Blueprint
from domain.clinical_hours import EntryStatus
from domain.evaluations import SUBJECTS
from placements.apprenticeship import aware

blp = Blueprint("clinical_hours", __name__, url_prefix="/v1",
                description="Clinical hours and evaluations")


class HoursEntrySchema(Schema):
    date = IsoDate(required=True)
    hours = fields.Float(required=True, validate=validate.Range(min=0, max=24,
                                                                min_inclusive=False))
    note = fields.String(load_default=None, allow_none=True,
                         validate=validate.Length(max=2000))


class SignOffRefSchema(EventRefSchema):
    preceptor = fields.String()
    journeyworker_of = fields.String(allow_none=True)


class CorrectionRefSchema(EventRefSchema):
    reason = fields.String()


class ClinicalEntrySchema(Schema):
    id = fields.String(metadata={"description": "the entry's event id (what a correction cites)"})
    placement = fields.String()
    date = IsoDate()
    hours = fields.Float()
    note = fields.String(allow_none=True)
    status = fields.String(metadata={"enum": list(EntryStatus)})
    signed_off = fields.Nested(SignOffRefSchema, allow_none=True)
    corrections = fields.List(fields.Nested(CorrectionRefSchema))
    event = fields.Nested(EventRefSchema)


class PlacementPriorLearningSchema(Schema):
    hours = fields.Float(metadata={
        "description": "credited to the participant the student names, for the slot's "
                       "discipline, as recorded at known_at"})
    events = fields.List(fields.Nested(EventRefSchema))
    slot_hours = fields.Float(metadata={"description": "the hours of the placement's slot"})
    required_hours = fields.Float(metadata={"description": "the slot's hours less the credit"})


class HoursSchema(Schema):
    placement = fields.String()
    as_of = fields.String()
    known_at = fields.String(allow_none=True)
    entries = fields.List(fields.Nested(ClinicalEntrySchema))
    signed_hours = fields.Float()
    unsigned_hours = fields.Float()
    behind = fields.Boolean(metadata={
        "description": "past the rotation's midpoint with under half the hours it requires "
                       "signed (the slot's, less prior learning credited)"})
    prior_learning = fields.Nested(PlacementPriorLearningSchema, metadata={
        "description": "credit for prior learning in the slot's discipline and the clinical "
                       "hours it leaves required"})


class RecordedSchema(Schema):
    """What a logging POST answers: the event id a correction cites, its log position."""

    event_id = fields.String()
    position = fields.Integer()
    recorded_at = fields.String()
    id = fields.String()
    entry = fields.String()
    corrects = fields.String()
    placement = fields.String()
    date = IsoDate()
    hours = fields.Float()
    note = fields.String(allow_none=True)
    status = fields.String()
    preceptor = fields.String()
    reason = fields.String()
    replacement = fields.Nested(HoursEntrySchema, allow_none=True)


class SignOffSchema(Schema):
    preceptor = fields.String(required=True, metadata={
        "description": "a preceptor of the placement's site who supervised these hours"})


class HoursCorrectionSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    replacement = fields.Nested(HoursEntrySchema, required=True, allow_none=True, metadata={
        "description": "the entry as it should have been; null voids it"})


class EvaluationSchema(Schema):
    id = fields.String(dump_only=True)
    version = fields.Integer(dump_only=True)
    placement = fields.String(dump_only=True)
    of = fields.String(required=True, validate=validate.OneOf(SUBJECTS))
    scores = fields.Dict(required=True, keys=fields.String(validate=validate.Length(1, 100)),
                         values=fields.Integer(strict=True, validate=validate.Range(1, 5)),
                         validate=validate.Length(min=1, max=50))
    comments = fields.String(load_default=None, allow_none=True,
                             validate=validate.Length(max=5000))
    submitted_on = fields.String(dump_only=True)


class DueSchema(Schema):
    placement = fields.String()
    of = fields.String()
    owed_by = fields.String()
    student = fields.String()
    college = fields.String()
    site = fields.String()
    employer = fields.String()
    preceptor = fields.String(allow_none=True)
    due_on = fields.String()


class EvaluationQuery(Schema):
    due = fields.Boolean(load_default=False, metadata={
        "description": "true: what the caller owes, per accepted placement ended by as_of"})
    as_of = fields.Date(load_default=None, metadata={"description": "business date; today"})


class EvaluationListSchema(Schema):
    items = fields.List(fields.Dict())


@blp.route("/placements/<placement_id>/hours")
class Hours(MethodView):
    @blp.arguments(ComplianceQuery, location="query")
    @blp.response(200, HoursSchema)
    def get(self, args, placement_id):
        """The placement's entries and totals as of a date, as recorded at `known_at`."""
        return app().clinical_hours.placement_hours(principal(), placement_id, args["as_of"],
                                                    aware(args["known_at"]))

    @blp.arguments(HoursEntrySchema)
    @blp.response(201, RecordedSchema)
    def post(self, body, placement_id):
        """Log hours worked on one session day (the student's coordinator or the site's
        employer)."""
        return app().clinical_hours.log_hours(principal(), placement_id, body)


@blp.route("/placements/<placement_id>/hours/<entry_id>/sign-off")
class SignOff(MethodView):
    @blp.arguments(SignOffSchema)
    @blp.response(201, RecordedSchema)
    def post(self, body, placement_id, entry_id):
        """The site's employer signs an entry off, naming the supervising preceptor."""
        return app().clinical_hours.sign_off_hours(principal(), placement_id, entry_id,
                                                   body["preceptor"])


@blp.route("/placements/<placement_id>/hours/<entry_id>/corrections")
class Corrections(MethodView):
    @blp.arguments(HoursCorrectionSchema)
    @blp.response(201, RecordedSchema)
    def post(self, body, placement_id, entry_id):
        """Correct an entry: a replacement (signed off again) or null to void it."""
        return app().clinical_hours.correct_hours(principal(), placement_id, entry_id,
                                                  body["reason"], body["replacement"])


@blp.route("/placements/<placement_id>/evaluations")
class PlacementEvaluations(MethodView):
    @blp.arguments(EvaluationSchema)
    @blp.response(201, EvaluationSchema)
    def post(self, body, placement_id):
        """Evaluate the student (site's employer) or the site (coordinator) once it ended."""
        return app().clinical_hours.submit_evaluation(principal(), placement_id, body["of"],
                                                      body["scores"],
                                                      body["comments"])


@blp.route("/evaluations")
class Evaluations(MethodView):
    @blp.arguments(EvaluationQuery, location="query")
    @blp.response(200, EvaluationListSchema)
    def get(self, args):
        """Evaluations the caller may read; with `due=true`, the ones it owes."""
        return {"items": app().clinical_hours.evaluations(principal(), **args)}


@blp.route("/evaluations/<evaluation_id>")
class EvaluationResource(MethodView):
    @blp.response(200, EvaluationSchema)
    def get(self, evaluation_id):
        """One evaluation, for the placement's parties, compliance and admin."""
        return app().clinical_hours.evaluation(principal(), evaluation_id)
