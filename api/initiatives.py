"""/v1/initiatives with their targets and progress (JSON, or a printable HTML page), and
/v1/pathways, the occupation ladders."""

from __future__ import annotations

from flask import Response, request
from flask.views import MethodView
from marshmallow import Schema, fields, validate

from api.common import IsoDate, PageArgs, app, as_list, list_schema, principal
from api.limits import Blueprint
from api.progress_page import render
from domain.partnership.initiatives import BREAKDOWNS, METRICS
from domain.partnership.outcomes import PROGRAM_TYPES

blp = Blueprint("initiatives", __name__, url_prefix="/v1",
                description="Initiatives, targets and progress; pathways")

TEXT = validate.Length(min=1, max=200)


class TargetSchema(Schema):
    metric = fields.String(required=True, validate=validate.OneOf(METRICS))
    value = fields.Float(required=True, validate=validate.Range(min=0, max=10_000_000),
                         metadata={"description": "a count, or a percentage for the rates"})
    by = IsoDate(load_default=None, allow_none=True, metadata={
        "description": "the date the target is due"})
    label = fields.String(load_default=None, allow_none=True, validate=TEXT)
    program_types = fields.List(fields.String(validate=validate.OneOf(PROGRAM_TYPES)),
                                load_default=None, allow_none=True, metadata={
        "description": "count only these enrollments (credentials, trainees, completions, "
                       "placement rate)"})
    occupations = fields.List(fields.String(validate=TEXT), load_default=None, allow_none=True)


class InitiativeSchema(Schema):
    id = fields.String(dump_only=True)
    version = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=TEXT)
    targets = fields.List(fields.Nested(TargetSchema), required=True)
    communities = fields.List(fields.String(validate=TEXT), load_default=None, allow_none=True,
                              metadata={"description": "count only participants of these"})
    start_date = IsoDate(load_default=None, allow_none=True, metadata={
        "description": "count only what happened from this date"})


class ProgressQuery(Schema):
    as_of = IsoDate(load_default=None, metadata={"description": "default: today"})
    by = fields.String(load_default=None, validate=validate.OneOf(BREAKDOWNS))
    ids = fields.Boolean(load_default=True, metadata={
        "description": "list the participants counted (those the caller may see)"})


class CellSchema(Schema):
    key = fields.String(allow_none=True)
    actual = fields.Float(allow_none=True)
    people = fields.Integer()
    suppressed = fields.Boolean()


class MetricProgressSchema(Schema):
    metric = fields.String()
    label = fields.String(allow_none=True)
    target = fields.Float(allow_none=True)
    by = IsoDate(allow_none=True)
    program_types = fields.List(fields.String(), allow_none=True)
    occupations = fields.List(fields.String(), allow_none=True)
    actual = fields.Float(allow_none=True)
    people = fields.Integer()
    unit = fields.String(metadata={"enum": ["count", "percent"]})
    participants = fields.List(fields.String())
    breakdown = fields.List(fields.Nested(CellSchema))


class ProgressSchema(Schema):
    initiative = fields.String()
    name = fields.String()
    as_of = IsoDate()
    by = fields.String(allow_none=True)
    communities = fields.List(fields.String(), allow_none=True)
    start_date = IsoDate(allow_none=True)
    metrics = fields.List(fields.Nested(MetricProgressSchema))


class StepSchema(Schema):
    occupation = fields.String(required=True, validate=TEXT)
    credential = fields.String(load_default=None, allow_none=True, validate=TEXT)
    typical_wage = fields.Float(load_default=None, allow_none=True,
                                validate=validate.Range(min=0, max=500, min_inclusive=False))


class PathwaySchema(Schema):
    id = fields.String(dump_only=True)
    version = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=TEXT)
    steps = fields.List(fields.Nested(StepSchema), required=True,
                        validate=validate.Length(min=1))


@blp.route("/initiatives")
class Initiatives(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, list_schema(InitiativeSchema))
    def get(self, args):
        """Initiatives and their targets."""
        return as_list(app().initiatives.initiatives(principal(), **args))

    @blp.arguments(InitiativeSchema)
    @blp.response(201, InitiativeSchema)
    def post(self, body):
        """Launch an initiative with its funders' targets (admin)."""
        return app().initiatives.launch_initiative(principal(), **body)


@blp.route("/initiatives/<initiative_id>")
class Initiative(MethodView):
    @blp.response(200, InitiativeSchema)
    def get(self, initiative_id):
        """An initiative and its targets."""
        return app().initiatives.initiative(principal(), initiative_id)


@blp.route("/initiatives/<initiative_id>/progress")
class Progress(MethodView):
    @blp.arguments(ProgressQuery, location="query")
    @blp.response(200, ProgressSchema, description="or text/html: a printable page with charts")
    def get(self, args, initiative_id):
        """Per metric: target, actual, the people counted, and a breakdown with cells of fewer
        than 11 people suppressed."""
        progress = app().initiatives.progress(principal(), initiative_id, **args)
        best = request.accept_mimetypes.best_match(["application/json", "text/html"])
        if best == "text/html":
            return Response(render(progress), mimetype="text/html")
        return progress


@blp.route("/pathways")
class Pathways(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, list_schema(PathwaySchema))
    def get(self, args):
        """Pathways (occupation ladders)."""
        return as_list(app().initiatives.pathways(principal(), **args))

    @blp.arguments(PathwaySchema)
    @blp.response(201, PathwaySchema)
    def post(self, body):
        """Define an occupation ladder (admin)."""
        return app().initiatives.define_pathway(principal(), **body)


@blp.route("/pathways/<pathway_id>")
class Pathway(MethodView):
    @blp.response(200, PathwaySchema)
    def get(self, pathway_id):
        """A pathway and its steps."""
        return app().initiatives.pathway(principal(), pathway_id)
