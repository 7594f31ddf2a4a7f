"""/v1/audit: the global event log, an aggregate as recorded at an instant, verification."""

from __future__ import annotations

from flask.views import MethodView
from marshmallow import Schema, fields, validate

from api.common import app, instant_in_range, principal
from api.limits import Blueprint
from placements import ledger

blp = Blueprint("audit", __name__, url_prefix="/v1/audit",
                description="Audit trail (compliance and admin)")


class EventsQuery(Schema):
    after = fields.Integer(load_default=0, validate=validate.Range(min=0, max=2**63 - 1))
    limit = fields.Integer(load_default=100, validate=validate.Range(1, 1000))


class AggregateQuery(Schema):
    known_at = fields.AwareDateTime(load_default=None, default_timezone=None,
                                    validate=instant_in_range)


class EventSchema(Schema):
    position = fields.Integer()
    aggregate_id = fields.String()
    aggregate_type = fields.String()
    version = fields.Integer()
    type = fields.String()
    timestamp = fields.String()
    actor = fields.String(allow_none=True)
    payload = fields.Dict()


class EventsSchema(Schema):
    events = fields.List(fields.Nested(EventSchema))
    next_after = fields.Integer(allow_none=True,
                                metadata={"description": "pass as `after` for the next page"})


class AggregateSchema(Schema):
    aggregate_id = fields.String()
    aggregate_type = fields.String()
    known_at = fields.String(allow_none=True)
    version = fields.Integer()
    state = fields.Dict()
    events = fields.List(fields.Nested(EventSchema))


class VerifyQuery(Schema):
    checkpoint = fields.String(
        load_default=None, validate=validate.Regexp(r"^\d+:[0-9a-fA-F]{64}$"),
        metadata={"description": "POSITION:SHA256 of a checkpoint kept off-site, also checked"})


class CheckpointSchema(Schema):
    position = fields.Integer()
    digest = fields.String()
    sealed_at = fields.String(allow_none=True)


class VerifySchema(Schema):
    ok = fields.Boolean()
    events = fields.Integer(metadata={"description": "events verified"})
    head = fields.String(metadata={"description": "digest after the last verified event"})
    head_position = fields.Integer(metadata={
        "description": "that event's position: keep POSITION:HEAD off-site, check against it "
                       "later with ?checkpoint="})
    checkpoints = fields.Integer(metadata={"description": "checkpoints that still hold"})
    last_checkpoint = fields.Nested(CheckpointSchema, allow_none=True,
                                    metadata={"description": "the latest stored checkpoint"})
    failed_position = fields.Integer()
    problem = fields.String(metadata={"description": "altered, broken_link, missing_event, "
                                                     "unsealed_event, checkpoint_mismatch or "
                                                     "offsite_mismatch"})
    detail = fields.String()
    last_good_checkpoint = fields.Nested(CheckpointSchema, allow_none=True)


@blp.route("/events")
class Events(MethodView):
    @blp.arguments(EventsQuery, location="query")
    @blp.response(200, EventsSchema)
    def get(self, args):
        """The global log in order, each event with its position, actor and payload."""
        return app().audit.audit_events(principal(), args["after"], args["limit"])


@blp.route("/aggregates/<aggregate_id>")
class Aggregate(MethodView):
    @blp.arguments(AggregateQuery, location="query")
    @blp.response(200, AggregateSchema)
    def get(self, args, aggregate_id):
        """An aggregate's events recorded up to `known_at`, and its state as they made it."""
        return app().audit.audit_aggregate(principal(), aggregate_id, args["known_at"])


@blp.route("/verify")
class Verify(MethodView):
    @blp.arguments(VerifyQuery, location="query")
    @blp.response(200, VerifySchema)
    def get(self, args):
        """Recompute the hash chain over the whole log: ok with the head digest, or the first
        position that fails."""
        offsite = ledger.Checkpoint.parse(args["checkpoint"]) if args["checkpoint"] else None
        return app().audit.verify_log(principal(), offsite).as_dict()
