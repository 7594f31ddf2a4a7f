"""/v1/sites, /v1/preceptors, /v1/slots: capacity an employer publishes (its own only)."""

from __future__ import annotations

from flask.views import MethodView
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

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
from domain.capacity import SlotStatus

blp = Blueprint("capacity", __name__, url_prefix="/v1", description="Sites, preceptors, slots")

MAX_SHIFT = 3660  # days a copy may move: ten years either way
TIME = validate.Regexp(r"^([01]\d|2[0-3]):[0-5]\d$", error="must be HH:MM (24-hour)")


class LocationSchema(Schema):
    lat = fields.Float(required=True, validate=validate.Range(-90, 90))
    lon = fields.Float(required=True, validate=validate.Range(-180, 180))


class SiteSchema(Schema):
    id = fields.String(dump_only=True)
    version = fields.Integer(dump_only=True)
    employer = fields.String(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    location = fields.Nested(LocationSchema, required=True)
    requirements = fields.List(fields.String(validate=validate.Length(min=1, max=40)),
                               load_default=list)
    phone = fields.String(load_default=None, allow_none=True,
                          validate=validate.Length(min=3, max=40),
                          metadata={"description": "contact number for arriving students"})


class PreceptorSchema(Schema):
    id = fields.String(dump_only=True)
    version = fields.Integer(dump_only=True)
    employer = fields.String(dump_only=True)
    site = fields.String(required=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    disciplines = fields.List(fields.String(), required=True, validate=validate.Length(min=1))
    max_students = fields.Integer(required=True, validate=validate.Range(min=1, max=100))
    journeyworker = fields.Boolean(load_default=False)


class SlotSchema(Schema):
    id = fields.String(dump_only=True)
    version = fields.Integer(dump_only=True)
    employer = fields.String(dump_only=True)
    status = fields.String(dump_only=True, metadata={"enum": list(SlotStatus)})
    held = fields.Integer(dump_only=True, metadata={"description": "seats held"})
    site = fields.String(required=True)
    discipline = fields.String(required=True)
    capacity = fields.Integer(required=True, validate=validate.Range(min=1, max=10000))
    preceptor = fields.String(load_default=None, allow_none=True)
    start_date = IsoDate(required=True)
    end_date = IsoDate(required=True)
    weekdays = fields.List(fields.Integer(validate=validate.Range(0, 6)), required=True,
                           validate=validate.Length(min=1, max=7))
    shift_start = fields.String(required=True, validate=TIME)
    shift_end = fields.String(required=True, validate=TIME)
    hours = fields.Integer(required=True, validate=validate.Range(min=1, max=10000))
    colleges = fields.List(fields.String(), load_default=None, allow_none=True)
    unit = fields.String(load_default=None, allow_none=True, metadata={
        "description": "a unit of the slot's site (POST /v1/units): its onboarding "
                       "requirements add to the site's"})

    @validates_schema
    def _dates(self, data, **_):
        if "start_date" in data and "end_date" in data and data["end_date"] < data["start_date"]:
            raise ValidationError("must not be before start_date", "end_date")


class SlotCopySchema(Schema):
    from_ = IsoDate(required=True, data_key="from",
                    metadata={"description": "copy slots starting on or after this date"})
    to = IsoDate(required=True, metadata={"description": "… and on or before this one"})
    shift_days = fields.Integer(required=True, validate=validate.Range(-MAX_SHIFT, MAX_SHIFT),
                                metadata={"description": "days to move each copy's dates by "
                                                         "(not 0)"})

    @validates_schema
    def _range(self, data, **_):
        if "from_" in data and "to" in data and data["to"] < data["from_"]:
            raise ValidationError("must not be before from", "to")
        if data.get("shift_days") == 0:
            raise ValidationError("must not be 0 (the copies would be the slots)",
                                  "shift_days")


class CopiedSlotsSchema(Schema):
    items = fields.List(fields.Nested(SlotSchema), required=True,
                        metadata={"description": "the new slots, in the copied slots' order"})


class SlotQuery(PageArgs):
    site = fields.String()
    unit = fields.String()
    discipline = fields.String()
    status = fields.String(validate=validate.OneOf(list(SlotStatus)))


class PreceptorQuery(PageArgs):
    site = fields.String()


class CapacityChangeSchema(Schema):
    capacity = fields.Integer(required=True, validate=validate.Range(min=1, max=10000))
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))


@blp.route("/sites")
class Sites(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, list_schema(SiteSchema))
    def get(self, args):
        """List sites (an employer its own)."""
        return as_list(app().capacity.sites(principal(), **args))

    @blp.arguments(SiteSchema)
    @blp.response(201, SiteSchema)
    def post(self, body):
        """Register a site of the caller's employer."""
        return app().capacity.register_site(principal(), **body)


@blp.route("/sites/<site_id>")
class Site(MethodView):
    @blp.response(200, SiteSchema)
    def get(self, site_id):
        """Read a site."""
        return app().capacity.site(principal(), site_id)


@blp.route("/preceptors")
class Preceptors(MethodView):
    @blp.arguments(PreceptorQuery, location="query")
    @blp.response(200, list_schema(PreceptorSchema))
    def get(self, args):
        """List preceptors (an employer its own)."""
        return as_list(app().capacity.preceptors(principal(), **args))

    @blp.arguments(PreceptorSchema)
    @blp.response(201, PreceptorSchema)
    def post(self, body):
        """Register a preceptor at one of the caller's sites."""
        return app().capacity.register_preceptor(principal(), **body)


@blp.route("/preceptors/<preceptor_id>")
class Preceptor(MethodView):
    @blp.response(200, PreceptorSchema)
    def get(self, preceptor_id):
        """Read a preceptor."""
        return app().capacity.preceptor(principal(), preceptor_id)


@blp.route("/slots")
class Slots(MethodView):
    @blp.arguments(SlotQuery, location="query")
    @blp.response(200, list_schema(SlotSchema))
    @blp.alt_response(200, **CSV_ANSWER)
    def get(self, args):
        """List slots (a coordinator those open to its college)."""
        if wants_csv():
            return csv_response(SlotSchema(), every_item(app().capacity.slots, principal(), **args),
                                "slots")
        return as_list(app().capacity.slots(principal(), **args))

    @blp.arguments(SlotSchema)
    @blp.response(201, SlotSchema)
    def post(self, body):
        """Publish a clinical slot."""
        body["start_date"] = body["start_date"].isoformat()
        body["end_date"] = body["end_date"].isoformat()
        return app().capacity.publish_slot(principal(), **body)


@blp.route("/slots/copy")
class SlotCopy(MethodView):
    @blp.arguments(SlotCopySchema)
    @blp.response(201, CopiedSlotsSchema)
    def post(self, body):
        """Next term: copy the caller's open slots starting in [from, to], dates moved."""
        return {"items": app().imports.copy_slots(principal(), body["from_"], body["to"],
                                                  body["shift_days"])}


@blp.route("/slots/<slot_id>")
class Slot(MethodView):
    @blp.response(200, SlotSchema)
    def get(self, slot_id):
        """Read a slot."""
        return app().capacity.slot(principal(), slot_id)


@blp.route("/slots/<slot_id>/withdraw")
class SlotWithdrawal(MethodView):
    @conditional
    @blp.arguments(RequiredReasonSchema)
    @blp.response(200, SlotSchema)
    def post(self, body, slot_id):
        """Withdraw the slot; its live placements are re-opened for a re-solve."""
        return app().capacity.withdraw_slot(principal(), slot_id, body["reason"],
                                            if_match=if_match())


@blp.route("/slots/<slot_id>/capacity")
class SlotCapacity(MethodView):
    @conditional
    @blp.arguments(CapacityChangeSchema)
    @blp.response(200, SlotSchema)
    def post(self, body, slot_id):
        """Change capacity; lowering it below the seats held re-opens the latest bookings."""
        return app().capacity.change_slot_capacity(principal(), slot_id, body["capacity"],
                                                   body["reason"],
                                                   if_match=if_match())
