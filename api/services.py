"""/v1/services (the common-customer matrix) and referrals of participants to them."""

from __future__ import annotations

from flask.views import MethodView
from marshmallow import Schema, fields, validate

from api.common import (
    IsoDate,
    PageArgs,
    app,
    as_list,
    if_match,
    list_schema,
    principal,
)
from api.limits import Blueprint
from domain.partnership.services import KINDS, OUTCOMES, ReferralStatus

blp = Blueprint("services", __name__, url_prefix="/v1",
                description="Support services, eligibility and referrals")


class ServiceSchema(Schema):
    id = fields.String(dump_only=True)
    version = fields.Integer(dump_only=True)
    organization = fields.String(load_default=None, allow_none=True, metadata={
        "description": "the caller's own organisation (the default); no other is accepted"})
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    description = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    eligibility = fields.Dict(keys=fields.String(), values=fields.Raw(), load_default=dict,
                              metadata={"description": "participant flag: required value"})
    withdrawn = fields.Boolean(dump_only=True)


class ServiceQuery(PageArgs):
    kind = fields.String(validate=validate.OneOf(KINDS))
    organization = fields.String()


class MatrixRowSchema(Schema):
    organization = fields.String()
    name = fields.String()
    kinds = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))


class MatrixSchema(Schema):
    kinds = fields.List(fields.String())
    rows = fields.List(fields.Nested(MatrixRowSchema))


class EligibleSchema(Schema):
    participant = fields.String()
    eligible = fields.List(fields.Dict(), metadata={
        "description": "each with consent_needed: a referral there needs a consent first"})
    not_eligible = fields.List(fields.Dict(), metadata={"description": "with the unmet rules"})


class ReferralSchema(Schema):
    id = fields.String(dump_only=True)
    version = fields.Integer(dump_only=True)
    participant = fields.String(dump_only=True)
    service = fields.String(required=True)
    service_organization = fields.String(dump_only=True)
    organization = fields.String(dump_only=True, metadata={"description": "who referred"})
    note = fields.String(load_default=None, allow_none=True,
                         validate=validate.Length(max=2000))
    date = IsoDate(load_default=None, metadata={"description": "default: today"})
    status = fields.String(dump_only=True)
    outcome_date = fields.String(dump_only=True, allow_none=True)


class OutcomeSchema(Schema):
    status = fields.Enum(ReferralStatus, by_value=True, required=True,
                         validate=validate.OneOf(OUTCOMES))
    date = IsoDate(required=True)


@blp.route("/services")
class Services(MethodView):
    @blp.arguments(ServiceQuery, location="query")
    @blp.response(200, list_schema(ServiceSchema))
    def get(self, args):
        """Open services of every organisation."""
        return as_list(app().services.services(principal(), **args))

    @blp.arguments(ServiceSchema)
    @blp.response(201, ServiceSchema)
    def post(self, body):
        """Publish a service of the caller's organisation (partner, employer or coordinator)."""
        return app().services.publish_service(principal(), **body)


@blp.route("/services/matrix")
class Matrix(MethodView):
    @blp.response(200, MatrixSchema)
    def get(self):
        """Organisations × kinds of service: who can give what."""
        return app().services.service_matrix(principal())


@blp.route("/services/<service_id>")
class Service(MethodView):
    @blp.response(200, ServiceSchema)
    def get(self, service_id):
        """A service (every member may read the matrix)."""
        return app().services.service(principal(), service_id)


@blp.route("/services/<service_id>/withdraw")
class Withdraw(MethodView):
    @blp.response(200, ServiceSchema)
    def post(self, service_id):
        """Withdraw one of the caller's organisation's services."""
        return app().services.withdraw_service(principal(), service_id, if_match=if_match())


@blp.route("/participants/<participant_id>/services")
class EligibleServices(MethodView):
    @blp.response(200, EligibleSchema)
    def get(self, participant_id):
        """The services the participant is eligible for (and the others, with unmet rules)."""
        return app().services.eligible_services(principal(), participant_id)


@blp.route("/participants/<participant_id>/referrals")
class Referrals(MethodView):
    @blp.response(200, list_schema(ReferralSchema))
    def get(self, participant_id):
        """The participant's referrals, oldest first (one page)."""
        return {"items": app().services.participant_referrals(principal(), participant_id),
                "next_cursor": None}

    @blp.arguments(ReferralSchema)
    @blp.response(201, ReferralSchema)
    def post(self, body, participant_id):
        """Refer the participant to a service: 409 `not_eligible` naming the unmet rules, 409
        `consent_missing` for another organisation's service without consent."""
        return app().services.refer(principal(), participant_id, **body)


@blp.route("/referrals/<referral_id>")
class Referral(MethodView):
    @blp.response(200, ReferralSchema)
    def get(self, referral_id):
        """A referral (the referring organisation's or the service's)."""
        return app().services.referral(principal(), referral_id)


@blp.route("/referrals/<referral_id>/outcome")
class Outcome(MethodView):
    @blp.arguments(OutcomeSchema)
    @blp.response(201, ReferralSchema)
    def post(self, body, referral_id):
        """Record what came of a referral (the service's or the referring organisation)."""
        return app().services.record_referral_outcome(principal(), referral_id, **body)
