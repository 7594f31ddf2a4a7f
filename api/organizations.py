"""/v1/organizations: the consortium admin's registry of member organisations."""

from __future__ import annotations

from flask.views import MethodView
from marshmallow import Schema, fields, validate

from api.common import PageArgs, app, as_list, list_schema, principal
from api.limits import Blueprint
from domain.organizations import KINDS, SEGMENTS

blp = Blueprint("organizations", __name__, url_prefix="/v1", description="Organisations")


class OrganizationSchema(Schema):
    id = fields.String(dump_only=True)
    version = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    segment = fields.String(load_default=None, allow_none=True,
                            validate=validate.OneOf(SEGMENTS), metadata={
                                "description": "a college's segment (AB 1577 counts ccc, csu)"})


class OrganizationQuery(PageArgs):
    kind = fields.String(validate=validate.OneOf(KINDS))


@blp.route("/organizations")
class Organizations(MethodView):
    @blp.arguments(OrganizationQuery, location="query")
    @blp.response(200, list_schema(OrganizationSchema))
    def get(self, args):
        """List organisations."""
        return as_list(app().organizations.organizations(principal(), **args))

    @blp.arguments(OrganizationSchema)
    @blp.response(201, OrganizationSchema)
    def post(self, body):
        """Register an organisation (admin)."""
        return app().organizations.register_organization(principal(), **body)


@blp.route("/organizations/<org_id>")
class Organization(MethodView):
    @blp.response(200, OrganizationSchema)
    def get(self, org_id):
        """Read an organisation."""
        return app().organizations.organization(principal(), org_id)
