"""/v1/participants: the partnership's record of a person, consents to share it, a guardian's
consent for minors, credit for prior learning, and where the participant stands on a pathway."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask.views import MethodView
from marshmallow import Schema, fields, validate

from api.common import (
    IsoDate,
    PageArgs,
    app,
    as_list,
    list_schema,
    principal,
)
from api.limits import Blueprint
from domain.partnership.participants import MAX_CREDIT_HOURS, SELF_IDENTIFICATION

blp = Blueprint("participants", __name__, url_prefix="/v1",
                description="Participants of the partnership, consents and prior learning")

TEXT = validate.Length(min=1, max=200)


def today() -> date:
    return datetime.now(UTC).date()


SelfIdentificationSchema = Schema.from_dict(
    {name: fields.String(validate=validate.Length(min=1, max=100), metadata={
        "description": 'voluntary; any answer may be "declined"'})
     for name in SELF_IDENTIFICATION}, name="SelfIdentificationSchema")


class ParticipantSchema(Schema):
    id = fields.String(dump_only=True)
    version = fields.Integer(dump_only=True)
    organization = fields.String(dump_only=True, metadata={"description": "who registered it"})
    name = fields.String(required=True, validate=TEXT)
    community = fields.String(required=True, validate=TEXT)
    zip = fields.String(load_default=None, allow_none=True,
                        validate=validate.Regexp(r"^\d{5}$"))
    birth_year = fields.Integer(required=True, strict=True,
                                validate=validate.Range(min=1900, max=2199))
    incumbent_worker = fields.Boolean(load_default=False)
    flags = fields.Dict(keys=fields.String(), values=fields.Raw(), load_default=dict,
                        metadata={"description": "tanf_eligible, low_income, refugee, …"})
    self_identification = fields.Nested(SelfIdentificationSchema, load_default=None,
                                        allow_none=True, metadata={
        "description": "encrypted at rest; shown to compliance only"})
    consents = fields.Dict(dump_only=True)
    guardian_consent = fields.Dict(dump_only=True, allow_none=True)
    prior_learning = fields.List(fields.Dict(), dump_only=True)


class ParticipantQuery(PageArgs):
    community = fields.String()


class ConsentSchema(Schema):
    organization = fields.String(required=True)
    date = IsoDate(required=True)


class RevokeSchema(Schema):
    date = IsoDate(load_default=None, metadata={"description": "default: today"})


class GuardianConsentSchema(Schema):
    guardian_name = fields.String(required=True, validate=TEXT)
    date = IsoDate(required=True)


class PriorLearningCreditSchema(Schema):
    participant = fields.String(dump_only=True)
    event_id = fields.String(dump_only=True)
    occupation = fields.String(required=True, validate=validate.Length(min=1, max=40))
    hours = fields.Float(required=True, validate=validate.Range(
        min=0, max=MAX_CREDIT_HOURS, min_inclusive=False))
    basis = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class PathwayQuery(Schema):
    pathway = fields.String(required=True)


class StandingSchema(Schema):
    participant = fields.String()
    pathway = fields.String()
    name = fields.String()
    steps = fields.List(fields.Dict())
    current = fields.Dict(allow_none=True)
    next = fields.Dict(allow_none=True, metadata={"description": "with what it `requires`"})


@blp.route("/participants")
class Participants(MethodView):
    @blp.arguments(ParticipantQuery, location="query")
    @blp.response(200, list_schema(ParticipantSchema))
    def get(self, args):
        """Participants the caller's organisation may see (all for admin and compliance)."""
        return as_list(app().participants.participants(principal(), **args))

    @blp.arguments(ParticipantSchema)
    @blp.response(201, ParticipantSchema)
    def post(self, body):
        """Register a participant (coordinator, employer or partner) for its organisation."""
        return app().participants.register_participant(principal(), **body)


@blp.route("/participants/<participant_id>")
class Participant(MethodView):
    @blp.response(200, ParticipantSchema)
    def get(self, participant_id):
        """A participant; self-identification appears for compliance only."""
        return app().participants.participant(principal(), participant_id)


@blp.route("/participants/<participant_id>/consents")
class Consents(MethodView):
    @blp.arguments(ConsentSchema)
    @blp.response(201, ParticipantSchema)
    def post(self, body, participant_id):
        """Record the participant's consent to share the record with an organisation
        (the registering organisation records it)."""
        return app().participants.give_consent(principal(), participant_id, **body)


@blp.route("/participants/<participant_id>/consents/<org_id>/revoke")
class Revoke(MethodView):
    @blp.arguments(RevokeSchema)
    @blp.response(200, ParticipantSchema)
    def post(self, body, participant_id, org_id):
        """Revoke a consent: no new access from then on; nothing recorded is erased."""
        return app().participants.revoke_consent(principal(), participant_id, org_id,
                                                 body["date"] or today())


@blp.route("/participants/<participant_id>/guardian-consent")
class GuardianConsent(MethodView):
    @blp.arguments(GuardianConsentSchema)
    @blp.response(201, ParticipantSchema)
    def post(self, body, participant_id):
        """A parent's or guardian's consent, needed before a minor's placement is accepted."""
        return app().participants.record_guardian_consent(principal(), participant_id, **body)


@blp.route("/participants/<participant_id>/prior-learning")
class PriorLearning(MethodView):
    @blp.arguments(PriorLearningCreditSchema)
    @blp.response(201, PriorLearningCreditSchema)
    def post(self, body, participant_id):
        """Credit prior learning: it reduces the OJT hours an apprenticeship in that
        occupation requires (shown in the DAS report)."""
        return app().participants.credit_prior_learning(principal(), participant_id, **body)


@blp.route("/participants/<participant_id>/pathway")
class Standing(MethodView):
    @blp.arguments(PathwayQuery, location="query")
    @blp.response(200, StandingSchema)
    def get(self, args, participant_id):
        """Where the participant stands on a pathway: steps done, the next and what it needs."""
        return app().initiatives.pathway_standing(principal(), participant_id, args["pathway"])
