"""/v1/units, a student's credentials and waivers, and compliance for a slot (SPEC section 8).

Units: an employer's, at its own sites. Credentials: the coordinator of the student's college.
Waivers: an employer, for its own site, for a student it has a placement of. Compliance: the
student's coordinator, the slot's employer, admin and compliance (docs/ONBOARDING.md).
"""

from __future__ import annotations

from flask.views import MethodView
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from api.common import IsoDate, PageArgs, app, as_list, if_match, list_schema, principal
from api.limits import Blueprint
from api.openapi import conditional
from domain.onboarding import ABSENT, EXPIRES_BEFORE_END

blp = Blueprint("onboarding", __name__, url_prefix="/v1",
                description="Units, credentials, waivers and compliance")

CODE = validate.Length(min=1, max=40)


class UnitSchema(Schema):
    id = fields.String(dump_only=True)
    version = fields.Integer(dump_only=True)
    employer = fields.String(dump_only=True)
    site = fields.String(required=True, metadata={"description": "one of the caller's sites"})
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    requirements = fields.List(fields.String(validate=CODE), load_default=list,
                               validate=validate.Length(max=50), metadata={
                                   "description": "onboarding requirements beyond the site's"})


class UnitQuery(PageArgs):
    site = fields.String()


class CredentialSchema(Schema):
    code = fields.String(required=True, validate=CODE)
    issued = IsoDate(required=True)
    expires = IsoDate(load_default=None, allow_none=True, metadata={
        "description": "the last day it is valid; null: no expiry"})

    @validates_schema
    def _dates(self, data, **_):
        if data.get("issued") and data.get("expires") and data["expires"] < data["issued"]:
            raise ValidationError("must not be before issued", "expires")


class RecordedCredentialSchema(Schema):
    student = fields.String()
    version = fields.Integer(metadata={"description": "the student's version after it"})
    code = fields.String()
    issued = fields.String(allow_none=True)
    expires = fields.String(allow_none=True)


class WaiverSchema(Schema):
    code = fields.String(required=True, validate=CODE, metadata={
        "description": "a requirement of the site or of one of its units"})
    site = fields.String(required=True, metadata={"description": "one of the caller's sites"})
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    until = IsoDate(load_default=None, allow_none=True, metadata={
        "description": "the last day it counts; null: no end"})


class RecordedWaiverSchema(Schema):
    student = fields.String()
    version = fields.Integer(metadata={"description": "the student's version after it"})
    code = fields.String()
    site = fields.String()
    employer = fields.String()
    reason = fields.String()
    until = fields.String(allow_none=True)


class ComplianceQuery(Schema):
    slot = fields.String(required=True)


class MissingSchema(Schema):
    code = fields.String()
    reason = fields.String(metadata={"enum": [ABSENT, EXPIRES_BEFORE_END]})


class ComplianceSchema(Schema):
    student = fields.String()
    slot = fields.String()
    site = fields.String()
    unit = fields.String(allow_none=True)
    start_date = fields.String()
    end_date = fields.String(metadata={"description": "compliance is judged through this day"})
    requirements = fields.List(fields.String(), metadata={
        "description": "the site's requirements plus its unit's"})
    compliant = fields.Boolean()
    missing = fields.List(fields.Nested(MissingSchema))


@blp.route("/units")
class Units(MethodView):
    @blp.arguments(UnitQuery, location="query")
    @blp.response(200, list_schema(UnitSchema))
    def get(self, args):
        """List units (an employer its own)."""
        return as_list(app().units.units(principal(), **args))

    @blp.arguments(UnitSchema)
    @blp.response(201, UnitSchema)
    def post(self, body):
        """Register a unit (a ward, a department) at one of the caller's sites."""
        return app().units.register_unit(principal(), **body)


@blp.route("/units/<unit_id>")
class Unit(MethodView):
    @blp.response(200, UnitSchema)
    def get(self, unit_id):
        """Read a unit."""
        return app().units.unit(principal(), unit_id)


@blp.route("/students/<student_id>/credentials")
class Credentials(MethodView):
    @conditional
    @blp.arguments(CredentialSchema)
    @blp.response(201, RecordedCredentialSchema)
    def post(self, body, student_id):
        """Record a credential of a student of the caller's college, with its dates (a later
        record of the same code replaces it: a renewal or a correction)."""
        return app().onboarding.record_credential(principal(), student_id, **body,
                                                  if_match=if_match())


@blp.route("/students/<student_id>/waivers")
class Waivers(MethodView):
    @conditional
    @blp.arguments(WaiverSchema)
    @blp.response(201, RecordedWaiverSchema)
    def post(self, body, student_id):
        """Waive one of a site's requirements for a student placed (in any state) at the
        caller's sites; it counts at that site until its date."""
        return app().onboarding.grant_waiver(principal(), student_id, **body,
                                             if_match=if_match())


@blp.route("/students/<student_id>/compliance")
class Compliance(MethodView):
    @blp.arguments(ComplianceQuery, location="query")
    @blp.response(200, ComplianceSchema)
    def get(self, args, student_id):
        """Whether the student meets the slot's onboarding requirements through its end date
        (judged on the slot's dates, not today's)."""
        return app().onboarding.onboarding_compliance(principal(), student_id, args["slot"])
