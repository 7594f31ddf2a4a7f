"""/v1/tokens (admin: issue, list, revoke) and /v1/me (any token: who am I)."""

from __future__ import annotations

from flask.views import MethodView
from marshmallow import Schema, fields, validate

from api.common import PageArgs, app, as_list, list_schema, principal
from api.limits import Blueprint
from domain.organizations import ROLES

blp = Blueprint("tokens", __name__, url_prefix="/v1", description="API tokens and the caller")


class TokenSchema(Schema):
    id = fields.String(dump_only=True)
    version = fields.Integer(dump_only=True)
    token = fields.String(dump_only=True, metadata={
        "description": "the secret: in the answer to POST only, shown once; stored hashed"})
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    organization = fields.String(load_default=None, allow_none=True, metadata={
        "description": "the college (coordinator) or employer (employer) it acts for"})
    label = fields.String(load_default=None, allow_none=True,
                          validate=validate.Length(min=1, max=200), metadata={
                              "description": "the person or system holding it; shown as the "
                                             "actor in the audit log beside the token id"})
    created = fields.String(dump_only=True)
    revoked = fields.Boolean(dump_only=True)


class MeSchema(Schema):
    id = fields.String(allow_none=True, metadata={"description": "the token's id"})
    role = fields.String()
    organization = fields.String(allow_none=True)
    label = fields.String(allow_none=True)


@blp.route("/tokens")
class Tokens(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, list_schema(TokenSchema))
    def get(self, args):
        """List tokens (never a secret or its hash)."""
        return as_list(app().tokens.tokens(principal(), **args))

    @blp.arguments(TokenSchema)
    @blp.response(201, TokenSchema)
    def post(self, body):
        """Issue a token; its secret is in this answer only."""
        token, record = app().tokens.issue_token(principal(), body["role"], body["organization"],
                                                 body["label"])
        return {**record, "token": token}


@blp.route("/tokens/<token_id>/revoke")
class TokenRevocation(MethodView):
    @blp.response(200, TokenSchema)
    def post(self, token_id):
        """Revoke a token: it answers 401 from then on."""
        return app().tokens.revoke_token(principal(), token_id)


@blp.route("/me")
class Me(MethodView):
    @blp.response(200, MeSchema)
    def get(self):
        """The caller's own token: id, role, organisation and label."""
        return app().tokens.me(principal())
