"""/v1/reports: utilisation of clinical capacity and the AB 1577 yearly report (SPEC section 9),
as JSON, CSV (`Accept: text/csv`) or, for AB 1577, a printable page (`Accept: text/html`)."""

from __future__ import annotations

import csv
import io

from flask import Response, request
from flask.views import MethodView
from marshmallow import Schema, fields, validate

from api.apprenticeship import EventRefSchema
from api.common import app, principal
from api.limits import Blueprint
from api.pages import ab1577_page, wants_html
from domain.placements import REASON_CODES
from placements.apprenticeship import aware
from placements.reports.utilization import COLUMNS

blp = Blueprint("reports", __name__, url_prefix="/v1", description="Reports")


class UtilizationQuery(Schema):
    from_ = fields.Date(required=True, data_key="from")
    to = fields.Date(required=True)
    known_at = fields.DateTime(load_default=None, metadata={
        "description": "the report as the record stood at this instant (UTC if no zone)"})


class UtilizationRowSchema(Schema):
    site = fields.String()
    site_name = fields.String(allow_none=True)
    unit = fields.String(allow_none=True)
    discipline = fields.String()
    week = fields.String(metadata={"description": "ISO week, e.g. 2027-W02"})
    seats_offered = fields.Integer()
    seats_held = fields.Integer()
    signed_hours = fields.Float()


class UtilizationSchema(Schema):
    from_ = fields.String(data_key="from")
    to = fields.String()
    known_at = fields.String(allow_none=True)
    rows = fields.List(fields.Nested(UtilizationRowSchema))


class AB1577Query(Schema):
    year = fields.Integer(required=True, validate=validate.Range(2025, 2199))
    employer = fields.String(load_default=None, metadata={
        "description": "the employer's organisation id (an employer: its own, the default)"})
    known_at = fields.DateTime(load_default=None, metadata={
        "description": "the report as the record stood at this instant (UTC if no zone)"})


class AB1577RowSchema(Schema):
    site = fields.String()
    site_name = fields.String(allow_none=True)
    discipline = fields.String()
    requests = fields.Integer()
    seats_offered = fields.Integer()
    accepted = fields.Integer()
    declined = fields.Dict(keys=fields.String(), values=fields.Integer())
    reasons = fields.List(fields.String())
    events = fields.List(fields.Nested(EventRefSchema))


class AB1577Schema(Schema):
    year = fields.Integer()
    employer = fields.String()
    employer_name = fields.String()
    known_at = fields.String(allow_none=True)
    rows = fields.List(fields.Nested(AB1577RowSchema))


def _csv(header: list[str], rows: list[list]) -> Response:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return Response(out.getvalue(), mimetype="text/csv")


def _wants_csv() -> bool:
    return request.accept_mimetypes.best_match(["application/json", "text/csv"]) == "text/csv"


@blp.route("/reports/utilization")
class Utilization(MethodView):
    @blp.arguments(UtilizationQuery, location="query")
    @blp.response(200, UtilizationSchema, description="or text/csv: the same rows")
    def get(self, args):
        """Seats offered and held and hours signed, per site, unit, discipline and ISO week."""
        report = app().utilization.utilization_report(principal(), args["from_"], args["to"],
                                                      aware(args["known_at"]))
        if _wants_csv():
            return _csv(list(COLUMNS), [[r[c] for c in COLUMNS] for r in report["rows"]])
        return {**report, "from_": report.pop("from")}


@blp.route("/reports/ab1577")
class AB1577(MethodView):
    @blp.arguments(AB1577Query, location="query")
    @blp.response(200, AB1577Schema, description="or text/csv, or text/html (printable)")
    def get(self, args):
        """Requests from CCC and CSU nursing programs, seats offered, accepted and declined by
        reason, per site and rotation type, for one year (AB 1577)."""
        report = app().ab1577.ab1577_report(principal(), args["year"], args["employer"],
                                            aware(args["known_at"]))
        if wants_html():
            return ab1577_page(report)
        if _wants_csv():
            return _csv(["site", "site_name", "discipline", "requests", "seats_offered",
                         "accepted", *[f"declined_{c}" for c in REASON_CODES], "reasons",
                         "events"],
                        [[r["site"], r["site_name"], r["discipline"], r["requests"],
                          r["seats_offered"], r["accepted"],
                          *[r["declined"][c] for c in REASON_CODES], " | ".join(r["reasons"]),
                          ";".join(f"{e['id']}@{e['position']}" for e in r["events"])]
                         for r in report["rows"]])
        return report
