"/v1/placements: scoped to the caller; direct requests and the confirm/accept/decline/cancel steps."

from __future__ import annotations

from flask.views import MethodView
from marshmallow import Schema, fields, validate

from api.common import (
    PageArgs,
    ReasonSchema,
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
from domain.placements import REASON_CODES, PlacementStatus

blp = Blueprint("placements", __name__, url_prefix="/v1", description="Placements")



class PlacementSchema(Schema):
    id = fields.String(dump_only=True)
    version = fields.Integer(dump_only=True)
    request = fields.String(required=True)
    slot = fields.String(required=True)
    student = fields.String(dump_only=True)
    college = fields.String(dump_only=True)
    site = fields.String(dump_only=True)
    employer = fields.String(dump_only=True)
    preceptor = fields.String(dump_only=True, allow_none=True)
    status = fields.String(dump_only=True, metadata={"enum": list(PlacementStatus)})
    solve = fields.String(dump_only=True, allow_none=True)
    reason = fields.String(dump_only=True, allow_none=True)
    reason_code = fields.String(dump_only=True, allow_none=True)
    student_name = fields.String(dump_only=True, allow_none=True)
    site_name = fields.String(dump_only=True, allow_none=True)
    slot_name = fields.String(dump_only=True, allow_none=True, metadata={
        "description": "the slot's label: unit, discipline, sessions and dates"})


class PlacementQuery(PageArgs):
    status = fields.String(validate=validate.OneOf(list(PlacementStatus)))
    slot = fields.String()
    request = fields.String()


@blp.route("/placements")
class Placements(MethodView):
    @blp.arguments(PlacementQuery, location="query")
    @blp.response(200, list_schema(PlacementSchema))
    @blp.alt_response(200, **CSV_ANSWER)
    def get(self, args):
        """List placements (scoped to the caller)."""
        if wants_csv():
            return csv_response(PlacementSchema(), every_item(app().workflow.placements,
                                                              principal(),
                                                             **args), "placements")
        return as_list(app().workflow.placements(principal(), **args))

    @blp.arguments(PlacementSchema)
    @blp.response(201, PlacementSchema)
    def post(self, body):
        """A coordinator asks one slot directly for one of its placement requests."""
        return app().workflow.request_slot(principal(), body["request"], body["slot"])


@blp.route("/placements/<placement_id>")
class Placement(MethodView):
    @blp.response(200, PlacementSchema)
    def get(self, placement_id):
        """Read a placement."""
        return app().workflow.placement(principal(), placement_id)


@blp.route("/placements/<placement_id>/confirm")
class Confirm(MethodView):
    @conditional
    @blp.response(200, PlacementSchema)
    def post(self, placement_id):
        """The college commits to a proposed placement; this holds the seat."""
        return app().workflow.confirm_placement(principal(), placement_id, if_match=if_match())


@blp.route("/placements/<placement_id>/accept")
class Accept(MethodView):
    @conditional
    @blp.response(200, PlacementSchema)
    def post(self, placement_id):
        """The employer accepts a confirmed placement or a college's direct request."""
        return app().workflow.accept_placement(principal(), placement_id, if_match=if_match())


class DeclineSchema(ReasonSchema):
    reason_code = fields.String(load_default=None, allow_none=True,
                                validate=validate.OneOf(REASON_CODES), metadata={
                                    "description": "why the facility declines; required with a "
                                    "written reason for CCC/CSU RN and LVN rotations (AB 1577)"})


@blp.route("/placements/<placement_id>/decline")
class Decline(MethodView):
    @conditional
    @blp.arguments(DeclineSchema)
    @blp.response(200, PlacementSchema)
    def post(self, body, placement_id):
        """Decline a placement (the college or the employer)."""
        return app().workflow.decline_placement(principal(), placement_id, body["reason"],
                                                if_match=if_match(),
                                                reason_code=body["reason_code"])


@blp.route("/placements/<placement_id>/cancel")
class Cancel(MethodView):
    @conditional
    @blp.arguments(RequiredReasonSchema)
    @blp.response(200, PlacementSchema)
    def post(self, body, placement_id):
        """Cancel a held placement, with a reason."""
        return app().workflow.cancel_placement(principal(), placement_id, body["reason"],
                                               if_match=if_match())
