"""/v1/apprenticeship-programs and /v1/apprentices: standards, agreements, the logged record, and
the DAS compliance reports (SPEC sections 5 and 6), JSON or, for a program, CSV."""

from __future__ import annotations

import csv
import io

from flask import Response, request
from flask.views import MethodView
from marshmallow import INCLUDE, Schema, ValidationError, fields, validate, validates_schema

from api.common import (
    IsoDate,
    PageArgs,
    app,
    as_list,
    if_match,
    instant_in_range,
    list_schema,
    principal,
)
from api.limits import Blueprint
from api.openapi import conditional
from api.pages import das_page, wants_html
from domain.apprenticeship import ENTRY_DATES
from domain.base import stored_dates

blp = Blueprint("apprenticeship", __name__, url_prefix="/v1",
                description="Registered apprenticeships and DAS compliance")

HOURS = validate.Range(min=0, max=24, min_inclusive=False)
# Documented ranges (docs/WORKFLOW.md, "Input limits"): hours a program or a period may count,
# and money per hour.
NOT_NEGATIVE = validate.Range(min=0, max=100_000)
MONEY = validate.Range(min=0, max=10_000)
TEXT = validate.Length(min=1, max=200)


class WorkProcessSchema(Schema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=40))
    name = fields.String(required=True, validate=TEXT)
    hours = fields.Float(required=True, validate=NOT_NEGATIVE)


class WageStepSchema(Schema):
    after_ojt_hours = fields.Float(required=True, validate=NOT_NEGATIVE)
    hourly_rate = fields.Float(validate=MONEY)
    percent_of_journeyworker = fields.Float(validate=validate.Range(min=0, max=100))

    @validates_schema
    def _one_rate(self, data, **_):
        if ("hourly_rate" in data) == ("percent_of_journeyworker" in data):
            raise ValidationError("give exactly one of hourly_rate, percent_of_journeyworker",
                                  "hourly_rate")


class RatioSchema(Schema):
    apprentices = fields.Integer(required=True, validate=validate.Range(min=1, max=1000))
    journeyworkers = fields.Integer(required=True, validate=validate.Range(min=1, max=1000))
    basis = fields.String(required=True,
                          validate=validate.OneOf(("journeyworker", "site", "employer")))


class StandardsFields(Schema):
    name = fields.String(validate=TEXT)
    occupation = fields.String(validate=validate.Length(min=1, max=40))
    term_type = fields.String(validate=validate.OneOf(("time", "competency", "hybrid")))
    ojt_hours = fields.Float(validate=NOT_NEGATIVE)
    work_processes = fields.List(fields.Nested(WorkProcessSchema), validate=validate.Length(min=1))
    rsi_hours_per_year = fields.Float(validate=NOT_NEGATIVE)
    journeyworker_rate = fields.Float(validate=validate.Range(min=0, max=10_000,
                                                              min_inclusive=False))
    wage_steps = fields.List(fields.Nested(WageStepSchema), validate=validate.Length(min=1))
    ratio = fields.Nested(RatioSchema)
    probationary_hours = fields.Float(validate=NOT_NEGATIVE)
    probationary_rsi_hours = fields.Float(validate=NOT_NEGATIVE)
    clinical_work_processes = fields.Dict(
        keys=fields.String(), values=fields.String(), metadata={
            "description": "optional: discipline -> work-process code under which an "
            "apprentice's signed clinical hours count (default CLINICAL)"})


class AmendmentEntrySchema(Schema):
    effective_date = fields.String()
    changes = fields.Dict()
    event_id = fields.String()


class ProgramSchema(StandardsFields):
    id = fields.String(dump_only=True)
    version = fields.Integer(dump_only=True)
    sponsor = fields.String(load_default=None, allow_none=True, metadata={
        "description": "admin only: the sponsoring organisation (an employer is its own)"})
    effective_date = IsoDate(required=True)
    amendments = fields.List(fields.Nested(AmendmentEntrySchema), dump_only=True)

    @validates_schema
    def _required(self, data, **_):
        # On creation every standards field is required (an amendment names only what changes).
        missing = [k for k in StandardsFields._declared_fields
                   if k not in data and k != "clinical_work_processes"]
        if missing:
            raise ValidationError({k: ["Missing data for required field."] for k in missing})


class AmendmentSchema(StandardsFields):
    effective_date = IsoDate(required=True)


class ProgramQuery(PageArgs):
    occupation = fields.String()


class ApprenticeSchema(Schema):
    id = fields.String(dump_only=True)
    version = fields.Integer(dump_only=True)
    employer = fields.String(dump_only=True)
    status = fields.String(dump_only=True)
    completed_on = fields.String(dump_only=True, allow_none=True)
    cancelled_on = fields.String(dump_only=True, allow_none=True)
    ojt_hours = fields.Float(dump_only=True)
    rsi_hours = fields.Float(dump_only=True)
    rsi_by_provider = fields.Dict(dump_only=True)
    corrections = fields.Integer(dump_only=True)
    program = fields.String(required=True)
    name = fields.String(required=True, validate=TEXT)
    signed_date = IsoDate(required=True)
    registration_number = fields.String(load_default=None, allow_none=True, validate=TEXT)
    registered_date = IsoDate(load_default=None, allow_none=True)
    participant = fields.String(load_default=None, allow_none=True, metadata={
        "description": "the partnership's participant record of the same person"})
    student = fields.String(load_default=None, allow_none=True, metadata={
        "description": "the student record the same person holds at a college: its signed "
        "clinical hours under a journeyworker of the employer count as OJT"})


class ApprenticeQuery(PageArgs):
    program = fields.String()


class RegistrationSchema(Schema):
    registration_number = fields.String(required=True, validate=TEXT)
    registered_date = IsoDate(required=True)


class OJTSchema(Schema):
    date = IsoDate(required=True)
    work_process = fields.String(required=True)
    hours = fields.Float(required=True, validate=HOURS)
    journeyworker = fields.String(required=True, allow_none=True, metadata={
        "description": "a preceptor with journeyworker: true; null for unsupervised hours"})
    site = fields.String(required=True)


class RSISchema(Schema):
    date = IsoDate(required=True)
    course = fields.String(required=True, validate=TEXT)
    provider = fields.String(required=True, validate=TEXT, metadata={
        "description": "a college's organisation id lets that college read these hours"})
    hours = fields.Float(required=True, validate=HOURS)


class WagesSchema(Schema):
    period_start = IsoDate(required=True)
    period_end = IsoDate(required=True)
    hours = fields.Float(required=True, validate=NOT_NEGATIVE)
    hourly_rate = fields.Float(required=True, validate=MONEY)


class ReplacementSchema(Schema):
    """A replacement entry: its dates read here, its other fields checked by the domain against
    the kind of the entry it replaces (OJT, RSI or wages)."""

    class Meta:
        unknown = INCLUDE

    date = IsoDate()
    period_start = IsoDate()
    period_end = IsoDate()


class CorrectionSchema(Schema):
    corrects = fields.String(required=True, metadata={"description": "the entry's event_id"})
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    replacement = fields.Nested(ReplacementSchema, required=True, allow_none=True, metadata={
        "description": "the entry's fields as they should have been; null voids the entry"})


class CompletionSchema(Schema):
    date = IsoDate(required=True)


class CancellationSchema(Schema):
    date = IsoDate(required=True)
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class EntrySchema(Schema):
    """A recorded entry: its event id (what a correction cites), log position, and fields."""

    @staticmethod
    def _journeyworker_employer(entry: dict) -> str | None:
        employer = entry.get("journeyworker_employer")
        caller = principal()
        if employer is None or caller.role in ("admin", "compliance") or employer == caller.org:
            return employer
        return "another employer"  # no other tenant's ids in answers

    event_id = fields.String()
    position = fields.Integer()
    recorded_at = fields.String()
    apprentice = fields.String()
    kind = fields.String(metadata={"enum": ["ojt", "rsi", "wages", "correction"]})
    date = IsoDate()
    work_process = fields.String()
    hours = fields.Float()
    journeyworker = fields.String(allow_none=True)
    journeyworker_employer = fields.Method("_journeyworker_employer", allow_none=True, metadata={
        "description": "the journeyworker's employer; to an employer, another employer's id is "
                       "never shown: it reads \"another employer\""})
    site = fields.String()
    course = fields.String()
    provider = fields.String()
    period_start = IsoDate()
    period_end = IsoDate()
    hourly_rate = fields.Float()
    corrects = fields.String()
    reason = fields.String()
    replacement = fields.Function(lambda entry: stored_dates(entry.get("replacement"),
                                                             *ENTRY_DATES), allow_none=True)


class ComplianceQuery(Schema):
    as_of = IsoDate(load_default=None, metadata={"description": "business date; today"})
    known_at = fields.DateTime(load_default=None, validate=instant_in_range, metadata={
        "description": "what the record showed at this instant (UTC if no zone); now"})


class EventRefSchema(Schema):
    id = fields.String()
    position = fields.Integer()


class ViolationSchema(Schema):
    code = fields.String()
    date = fields.String()
    message = fields.String()
    events = fields.List(fields.Nested(EventRefSchema))


class PriorLearningSchema(Schema):
    hours = fields.Float(metadata={"description": "credited for the program's occupation"})
    events = fields.List(fields.Nested(EventRefSchema))
    term_ojt_hours = fields.Float(metadata={"description": "the program's term on as_of"})
    required_ojt_hours = fields.Float(metadata={"description": "the term less the credit"})


class ReportSchema(Schema):
    apprentice = fields.String()
    name = fields.String()
    employer = fields.String()
    as_of = fields.String()
    known_at = fields.String(allow_none=True)
    status = fields.String()
    ojt_hours = fields.Dict()
    rsi_hours_by_year = fields.List(fields.Dict())
    wage_step = fields.Dict()
    pay_periods = fields.List(fields.Dict())
    violations = fields.List(fields.Nested(ViolationSchema))
    prior_learning = fields.Nested(PriorLearningSchema, metadata={
        "description": "credit for prior learning and the OJT hours it leaves required"})


class ProgramReportSchema(Schema):
    program = fields.String()
    as_of = fields.String()
    known_at = fields.String(allow_none=True)
    apprentices = fields.List(fields.Nested(ReportSchema))
    violations = fields.List(fields.Nested(ViolationSchema))


CSV_COLUMNS = ("apprentice", "name", "employer", "period_start", "period_end", "hours",
               "rate_paid", "rate_required", "below_schedule", "violations")


def report_csv(report: dict) -> str:
    """One row per apprentice per pay period (an apprentice with none: one row, no period)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for r in report["apprentices"]:
        who = (r["apprentice"], r["name"], r["employer"])
        count = len(r["violations"])
        for p in r["pay_periods"]:
            writer.writerow((*who, p["period_start"], p["period_end"], f"{p['hours']:g}",
                             f"{p['rate_paid']:.2f}", f"{p['rate_required']:.2f}",
                             str(p["rate_paid"] < p["rate_required"]).lower(), count))
        if not r["pay_periods"]:
            writer.writerow((*who, "", "", "", "", "", "", count))
    return out.getvalue()


@blp.route("/apprenticeship-programs")
class Programs(MethodView):
    @blp.arguments(ProgramQuery, location="query")
    @blp.response(200, list_schema(ProgramSchema))
    def get(self, args):
        """List apprenticeship programs."""
        return as_list(app().apprenticeship.programs(principal(), **args))

    @blp.arguments(ProgramSchema)
    @blp.response(201, ProgramSchema)
    def post(self, body):
        """Register a program's standards (admin, or an employer as its sponsor)."""
        sponsor = body.pop("sponsor")
        return app().apprenticeship.create_program(principal(), body, sponsor=sponsor)


@blp.route("/apprenticeship-programs/<program_id>")
class Program(MethodView):
    @blp.response(200, ProgramSchema)
    def get(self, program_id):
        """Read a program's standards and amendments."""
        return app().apprenticeship.program(principal(), program_id)


@blp.route("/apprenticeship-programs/<program_id>/amendments")
class Amendments(MethodView):
    @conditional
    @blp.arguments(AmendmentSchema)
    @blp.response(201, ProgramSchema)
    def post(self, body, program_id):
        """Amend the standards from `effective_date` on (only the fields given change)."""
        day = body.pop("effective_date")
        return app().apprenticeship.amend_program(principal(), program_id, day, body,
                                                  if_match=if_match())


@blp.route("/apprenticeship-programs/<program_id>/compliance")
class ProgramCompliance(MethodView):
    @blp.arguments(ComplianceQuery, location="query")
    @blp.response(200, ProgramReportSchema, description="or text/csv: one row per pay period")
    def get(self, args, program_id):
        """A program's compliance: its apprentices and the ratio, as JSON or CSV."""
        report = app().apprenticeship.program_compliance(principal(), program_id, **args)
        best = request.accept_mimetypes.best_match(["application/json", "text/csv"])
        if best == "text/csv":
            return Response(report_csv(report), mimetype="text/csv")
        return report


@blp.route("/apprentices")
class Apprentices(MethodView):
    @blp.arguments(ApprenticeQuery, location="query")
    @blp.response(200, list_schema(ApprenticeSchema))
    def get(self, args):
        """List apprentices (an employer its own)."""
        return as_list(app().apprenticeship.apprentices(principal(), **args))

    @blp.arguments(ApprenticeSchema)
    @blp.response(201, ApprenticeSchema)
    def post(self, body):
        """Sign an apprentice into a program; the employer is the caller."""
        return app().apprenticeship.sign_apprentice(principal(), **body)


@blp.route("/apprentices/<apprentice_id>")
class ApprenticeResource(MethodView):
    @blp.response(200, ApprenticeSchema)
    def get(self, apprentice_id):
        """Read an apprentice's record."""
        return app().apprenticeship.apprentice(principal(), apprentice_id)


@blp.route("/apprentices/<apprentice_id>/registration")
class Registration(MethodView):
    @conditional
    @blp.arguments(RegistrationSchema)
    @blp.response(200, ApprenticeSchema)
    def post(self, body, apprentice_id):
        """Record the apprentice's DAS registration."""
        return app().apprenticeship.register_apprentice(principal(), apprentice_id, **body,
                                                        if_match=if_match())


@blp.route("/apprentices/<apprentice_id>/ojt-hours")
class OJTHours(MethodView):
    @conditional
    @blp.arguments(OJTSchema)
    @blp.response(201, EntrySchema)
    def post(self, body, apprentice_id):
        """Log on-the-job hours under a journeyworker."""
        return app().apprenticeship.log_ojt_hours(principal(), apprentice_id, body,
                                                  if_match=if_match())


@blp.route("/apprentices/<apprentice_id>/rsi-hours")
class RSIHours(MethodView):
    @blp.response(200, EntrySchema(many=True))
    def get(self, apprentice_id):
        """RSI entries as they stand; a coordinator sees those its college provided."""
        return app().apprenticeship.rsi_hours(principal(), apprentice_id)

    @conditional
    @blp.arguments(RSISchema)
    @blp.response(201, EntrySchema)
    def post(self, body, apprentice_id):
        """Log related supplemental instruction hours."""
        return app().apprenticeship.log_rsi_hours(principal(), apprentice_id, body,
                                                  if_match=if_match())


@blp.route("/apprentices/<apprentice_id>/wages")
class Wages(MethodView):
    @conditional
    @blp.arguments(WagesSchema)
    @blp.response(201, EntrySchema)
    def post(self, body, apprentice_id):
        """Log wages paid for a period."""
        return app().apprenticeship.log_wages(principal(), apprentice_id, body,
                                              if_match=if_match())


@blp.route("/apprentices/<apprentice_id>/corrections")
class Corrections(MethodView):
    @conditional
    @blp.arguments(CorrectionSchema)
    @blp.response(201, EntrySchema)
    def post(self, body, apprentice_id):
        """Correct a logged entry: a replacement, or null to void it. Nothing is edited."""
        return app().apprenticeship.correct_entry(principal(), apprentice_id, **body,
                                                  if_match=if_match())


@blp.route("/apprentices/<apprentice_id>/completion")
class Completion(MethodView):
    @conditional
    @blp.arguments(CompletionSchema)
    @blp.response(200, ApprenticeSchema)
    def post(self, body, apprentice_id):
        """Record the apprentice's completion."""
        return app().apprenticeship.complete_apprenticeship(principal(), apprentice_id,
                                                            body["date"],
                                                            if_match=if_match())


@blp.route("/apprentices/<apprentice_id>/cancellation")
class Cancellation(MethodView):
    @conditional
    @blp.arguments(CancellationSchema)
    @blp.response(200, ApprenticeSchema)
    def post(self, body, apprentice_id):
        """Record the cancellation of the agreement."""
        return app().apprenticeship.cancel_apprenticeship(principal(), apprentice_id,
                                                          body["date"],
                                                          body["reason"], if_match=if_match())


@blp.route("/apprentices/<apprentice_id>/compliance")
class ApprenticeCompliance(MethodView):
    @blp.arguments(ComplianceQuery, location="query")
    @blp.response(200, ReportSchema, description="or text/html: a printable page")
    def get(self, args, apprentice_id):
        """The DAS compliance report as of a business date, as recorded at `known_at`."""
        if wants_html():
            return das_page(*app().names.printable_compliance(principal(), apprentice_id, **args))
        return app().apprenticeship.apprentice_compliance(principal(), apprentice_id, **args)
