"""/v1/solves: start a consortium-wide (admin) or college (coordinator) solve and follow it."""

from __future__ import annotations

from flask.views import MethodView
from marshmallow import Schema, fields, validate

from api.common import PageArgs, app, as_list, list_schema, principal
from api.limits import Blueprint
from domain.solves import SolveStatus

blp = Blueprint("solves", __name__, url_prefix="/v1", description="Solves")


class SolveRequestSchema(Schema):
    college = fields.String(load_default=None, allow_none=True,
                            metadata={"description": "admin only: solve one college's requests"})
    time_limit = fields.Float(load_default=None, allow_none=True,
                              validate=validate.Range(min=1, max=3600))


class SolveUnplacedSchema(Schema):
    request = fields.String()
    college = fields.String(allow_none=True)
    reason = fields.String()
    detail = fields.String()


class SolveExcludedSchema(Schema):
    kind = fields.String(metadata={"description": "slot, request, student, site, ..."})
    id = fields.String(allow_none=True)
    college = fields.String(allow_none=True)
    problem = fields.String(metadata={"description": "why it would make the problem invalid"})


class SolvePiecesSchema(Schema):
    done = fields.Integer(metadata={"description": "pieces whose result is stored"})
    total = fields.Integer()


class SolveStageSchema(Schema):
    name = fields.String(metadata={"enum": ["L1", "L2", "L3"]})
    status = fields.String(metadata={"enum": ["OPTIMAL", "WITHIN_GAP", "FEASIBLE",
                                              "TIME_LIMIT"]})
    seconds = fields.Float()
    gap = fields.Float(allow_none=True, metadata={"description": "(bound - objective) / bound"})
    objective = fields.Float()
    bound = fields.Float(allow_none=True)
    piece = fields.Integer(metadata={"description": "a split solve's piece that settled it"})


class SolveSchema(Schema):
    id = fields.String()
    version = fields.Integer()
    status = fields.String(metadata={"enum": list(SolveStatus)})
    college = fields.String(allow_none=True)
    attempts = fields.Integer()
    problem_hash = fields.String(allow_none=True)
    log_position = fields.Integer(allow_none=True)
    pieces = fields.Nested(SolvePiecesSchema, allow_none=True, metadata={
        "description": "a large solve split into pieces solved as separate jobs: its progress"})
    solver_status = fields.String(allow_none=True)
    objective = fields.Dict(allow_none=True)
    metrics = fields.Dict(allow_none=True)
    solve_seconds = fields.Float(allow_none=True)
    stages = fields.List(fields.Nested(SolveStageSchema), metadata={
        "description": "the solver's stages: settled so far while running, all once done"})
    unplaced = fields.List(fields.Nested(SolveUnplacedSchema))
    excluded = fields.List(fields.Nested(SolveExcludedSchema), metadata={
        "description": "records left out of the solve because they would make it invalid"})
    error = fields.String(allow_none=True)


@blp.route("/solves")
class Solves(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, list_schema(SolveSchema))
    def get(self, args):
        """List solves."""
        return as_list(app().solves.solves(principal(), **args))

    @blp.arguments(SolveRequestSchema)
    @blp.response(202, SolveSchema)
    def post(self, body):
        """Record SolveRequested and enqueue its job (503 when the queue is down)."""
        return app().solves.request_solve(principal(), **body)


@blp.route("/solves/<solve_id>")
class Solve(MethodView):
    @blp.response(200, SolveSchema)
    def get(self, solve_id):
        """Read a solve: status, objective, metrics, unplaced with reasons."""
        return app().solves.solve(principal(), solve_id)
