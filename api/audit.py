"""/v1/audit: the global event log, an aggregate as recorded at an instant, verification."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from api.common import app, principal

blp = Blueprint("audit", __name__, url_prefix="/v1/audit",
                description="Audit trail (compliance and admin)")


class EventsQuery(Schema):
    after = fields.Integer(load_default=0, validate=validate.Range(min=0))
    limit = fields.Integer(load_default=100, validate=validate.Range(1, 1000))


class AggregateQuery(Schema):
    known_at = fields.AwareDateTime(load_default=None, default_timezone=None)


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


class VerifySchema(Schema):
    ok = fields.Boolean()
    events = fields.Integer()
    head = fields.String()
    checkpoints = fields.Integer()
    failed_position = fields.Integer()
    problem = fields.String()


@blp.route("/events")
class Events(MethodView):
    @blp.arguments(EventsQuery, location="query")
    @blp.response(200, EventsSchema)
    def get(self, args):
        """The global log in order, each event with its position, actor and payload."""
        return app().audit_events(principal(), args["after"], args["limit"])


@blp.route("/aggregates/<aggregate_id>")
class Aggregate(MethodView):
    @blp.arguments(AggregateQuery, location="query")
    @blp.response(200, AggregateSchema)
    def get(self, args, aggregate_id):
        """An aggregate's events recorded up to `known_at`, and its state as they made it."""
        return app().audit_aggregate(principal(), aggregate_id, args["known_at"])


@blp.route("/verify")
class Verify(MethodView):
    @blp.response(200, VerifySchema)
    def get(self):
        """Recompute the hash chain over the whole log."""
        return app().verify_log(principal()).as_dict()
