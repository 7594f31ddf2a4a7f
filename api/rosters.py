"""A site's roster (JSON, or CSV with `Accept: text/csv`) and the RFC 5545 calendar feeds of a
student, a preceptor and a site (SPEC section 8; docs/ONBOARDING.md).

A feed has one recurring event per placement holding a seat (confirmed or accepted): its first
session (on the first listed weekday on or after the slot's start), repeated weekly on the
slot's weekdays until the last session starting on or before the slot's end; a night shift's
session ends the next day. Sites record no time zone, so times are floating (the site's own
wall-clock time, as RFC 5545 section 3.3.5 allows).
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Response
from flask.views import MethodView
from icalendar import Calendar, Event
from marshmallow import Schema, fields

from api.common import app, principal
from api.csv_format import csv_response, wants_csv
from api.limits import Blueprint
from api.onboarding import MissingSchema
from domain.placements import HOLDING, PlacementStatus
from domain.schedule import Schedule

blp = Blueprint("rosters", __name__, url_prefix="/v1", description="Rosters and calendars")

BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
COLUMNS = ("placement", "status", "student", "student_name", "college", "college_name", "slot",
           "slot_name", "unit", "unit_name", "preceptor", "preceptor_name", "discipline",
           "start_date", "end_date", "weekdays", "shift_start", "shift_end", "compliant",
           "missing")
ICS = {"type": "string", "description": "an RFC 5545 VCALENDAR"}


class RosterQuery(Schema):
    from_ = fields.Date(required=True, data_key="from")
    to = fields.Date(required=True)


class RosterRowSchema(Schema):
    placement = fields.String()
    status = fields.String(metadata={"enum": [s for s in PlacementStatus if s in HOLDING]})
    student = fields.String()
    student_name = fields.String(allow_none=True)
    college = fields.String()
    college_name = fields.String(allow_none=True)
    site = fields.String()
    site_name = fields.String(allow_none=True)
    slot = fields.String()
    slot_name = fields.String()
    unit = fields.String(allow_none=True)
    unit_name = fields.String(allow_none=True)
    preceptor = fields.String(allow_none=True)
    preceptor_name = fields.String(allow_none=True)
    discipline = fields.String()
    start_date = fields.String()
    end_date = fields.String()
    weekdays = fields.List(fields.Integer())
    shift_start = fields.String()
    shift_end = fields.String()
    requirements = fields.List(fields.String())
    compliant = fields.Boolean(metadata={"description": "through the slot's end date"})
    missing = fields.List(fields.Nested(MissingSchema))


class RosterSchema(Schema):
    site = fields.String()
    site_name = fields.String()
    from_ = fields.String(data_key="from")
    to = fields.String()
    rows = fields.List(fields.Nested(RosterRowSchema))


# The CSV's columns (written as docs/BULK.md writes every list: `;` between a list's items,
# formula-like text quoted); `missing` as `TB:expires_before_end;FLU:absent`.
RosterCsvSchema = Schema.from_dict(
    {c: fields.List(fields.Integer()) if c == "weekdays" else fields.Boolean()
     if c == "compliant" else fields.List(fields.String()) if c == "missing"
     else fields.String(allow_none=True) for c in COLUMNS}, name="RosterCsvRow")


@blp.route("/sites/<site_id>/roster")
class Roster(MethodView):
    @blp.arguments(RosterQuery, location="query")
    @blp.response(200, RosterSchema, description="or text/csv: one row per placement")
    def get(self, args, site_id):
        """Who comes to the site in the range: every confirmed or accepted placement whose slot
        overlaps it, with names, unit, dates and compliance (the site's employer)."""
        roster = app().rosters.roster(principal(), site_id, args["from_"], args["to"])
        if wants_csv():
            return csv_response(RosterCsvSchema(), (
                {**r, "missing": [f"{m['code']}:{m['reason']}" for m in r["missing"]]}
                for r in roster["rows"]), "roster")
        return {**roster, "from_": roster.pop("from")}


def feed(calendar: dict) -> Response:
    """The rows as an RFC 5545 calendar: one weekly recurring event per placement."""
    cal = Calendar()
    cal.add("prodid", "-//placements//clinical placements//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", calendar["name"])
    stamp = datetime.now(UTC).replace(microsecond=0)
    for r in calendar["rows"]:
        schedule = Schedule.parse(r["start_date"], r["end_date"], r["weekdays"],
                                  r["shift_start"], r["shift_end"])
        days = list(schedule.session_days(schedule.start_date, schedule.end_date))
        if not days:
            continue  # a range holding none of its weekdays has no session to show
        begin, end = schedule.session(days[0])
        where = r["site_name"] + (f", {r['unit_name']}" if r["unit_name"] else "")
        event = Event()
        event.add("uid", f"{r['placement']}@placements")
        event.add("dtstamp", stamp)
        event.add("dtstart", begin)
        event.add("dtend", end)
        event.add("rrule", {"freq": "weekly", "wkst": "MO",
                            "byday": [BYDAY[d] for d in sorted(r["weekdays"])],
                            "until": schedule.session(days[-1])[0]})
        event.add("summary", f"{r['discipline']} placement: {r['student_name']} at {where}")
        event.add("location", where)
        event.add("status", "CONFIRMED")
        missing = ", ".join(f"{m['code']} ({m['reason']})" for m in r["missing"])
        event.add("description", "\n".join([
            f"Student: {r['student_name']} ({r['college_name']})",
            f"Preceptor: {r['preceptor_name'] or 'instructor-led'}",
            f"Slot: {r['slot_name']}",
            f"Placement {r['placement']} ({r['status']})",
            f"Onboarding: {'complete' if r['compliant'] else 'incomplete: ' + missing}"]))
        cal.add_component(event)
    return Response(cal.to_ical(), mimetype="text/calendar",
                    headers={"Content-Disposition": "inline; filename=placements.ics"})


@blp.route("/students/<student_id>/calendar.ics")
class StudentCalendar(MethodView):
    @blp.response(200, ICS, content_type="text/calendar")
    def get(self, student_id):
        """The student's placements as a calendar feed (its college's coordinator)."""
        return feed(app().rosters.calendar(principal(), "student", student_id))


@blp.route("/preceptors/<preceptor_id>/calendar.ics")
class PreceptorCalendar(MethodView):
    @blp.response(200, ICS, content_type="text/calendar")
    def get(self, preceptor_id):
        """The placements a preceptor supervises as a calendar feed (its employer)."""
        return feed(app().rosters.calendar(principal(), "preceptor", preceptor_id))


@blp.route("/sites/<site_id>/calendar.ics")
class SiteCalendar(MethodView):
    @blp.response(200, ICS, content_type="text/calendar")
    def get(self, site_id):
        """The placements at a site as a calendar feed (its employer)."""
        return feed(app().rosters.calendar(principal(), "site", site_id))
