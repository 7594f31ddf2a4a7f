"""Printable pages (`Accept: text/html`) of the DAS compliance report and the AB 1577 report:
names instead of ids, violations as plain sentences, and a server-rendered SVG bar chart (no
script, no network), from templates/report.html."""

from __future__ import annotations

from flask import Response, request
from jinja2 import Environment, PackageLoader, select_autoescape

from placements.reports.names import UUID

_env = Environment(loader=PackageLoader("api", "templates"), autoescape=select_autoescape())

RULES = {
    "WAGE_BELOW_SCHEDULE": "the wage paid was below the schedule",
    "UNSUPERVISED_HOURS": "hours were worked without a journeyworker of the employer",
    "RATIO_EXCEEDED": "more apprentices worked than the ratio allows",
    "RSI_SHORTFALL": "related instruction fell short of the standards",
    "DAILY_HOURS_EXCEEDED": "more than 12 OJT hours were logged in one day",
    "AGREEMENT_REGISTRATION_LATE": "the agreement was not registered with DAS within 30 days",
    "PROBATION_TOO_LONG": "the probationary period exceeds the DAS limits",
    "COMPLETION_PENDING": "every target was met but no completion is recorded",
}


def wants_html() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/csv", "text/html"])
    return best == "text/html"


def named(text: str, names: dict[str, str]) -> str:
    """Every id in the text replaced by its name (ids without one are kept)."""
    return UUID.sub(lambda m: names.get(m.group(0), m.group(0)), text)


def _number(value: float) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def bar_chart(label: str, items: list[tuple[str, float, float | None]]) -> dict:
    """Geometry of a horizontal bar chart: per item its value (a bar) over its target (a
    frame; none when the item has no target)."""
    left, span, step = 190, 380, 26
    top = max([v for _, v, _ in items] + [t or 0 for _, _, t in items] + [1])
    bars = []
    for i, (name, value, target) in enumerate(items):
        width, frame = round(span * value / top, 1), round(span * (target or 0) / top, 1)
        bars.append({"label": name[:28], "y": 6 + i * step, "width": width,
                     "target_width": frame, "text_x": max(width, frame) + 6,
                     "caption": f"{_number(value)} of {_number(target)}" if target is not None
                     else f"{_number(value)} (no target)"})
    return {"label": label, "bars": bars, "left": left, "width": left + span + 130,
            "height": 12 + step * max(len(items), 1)}


def page(title: str, meta: list[str], sections: list[dict], known_at: str | None) -> Response:
    for s in sections:
        s.setdefault("chart", None)
        s.setdefault("table", None)
        s.setdefault("sentences", None)
    html = _env.get_template("report.html").render(title=title, meta=meta, sections=sections,
                                                   known_at=known_at)
    return Response(html, mimetype="text/html")


def _table(head: list[tuple[str, bool]], rows: list[list]) -> dict:
    return {"head": [{"text": t, "num": n} for t, n in head], "rows": rows}


def _sentences(violations: list[dict], names: dict[str, str]) -> list[dict]:
    out = []
    for v in violations:
        rule = RULES.get(v["code"], v["code"])
        message = named(v["message"], names)
        cite = "events " + ", ".join(f"#{e['position']}" for e in v["events"])
        out.append({"text": f"On {v['date']}, {rule}: {message}.", "cite": f"({cite})"})
    return out


def das_page(report: dict, standards: dict, names: dict[str, str]) -> Response:
    """The DAS compliance report of one apprentice."""
    wp_names = {wp["code"]: wp["name"] for wp in standards["work_processes"]}
    targets = {wp["code"]: wp["hours"] for wp in standards["work_processes"]}
    by_wp = report["ojt_hours"]["by_work_process"]
    codes = list(dict.fromkeys([*targets, *by_wp]))
    label = {c: wp_names.get(c, "Clinical placement hours" if c == "CLINICAL" else c)
             for c in codes}
    step = report["wage_step"]
    who = names.get(report["apprentice"], "Apprentice")
    meta = [f"Program: {standards['name']} ({standards['occupation']})",
            f"Employer: {names.get(report.get('employer', ''), report.get('employer', ''))}",
            f"Status: {report['status']}", f"As of {report['as_of']}"]
    sections = [
        {"heading": "OJT hours by work process against target",
         "chart": bar_chart("OJT hours by work process against target",
                            [(label[c], by_wp.get(c, 0.0), targets.get(c))
                             for c in codes]),
         "table": _table([("Work process", False), ("Hours", True), ("Target", True)],
                         [[label[c], _number(by_wp.get(c, 0.0)),
                           _number(targets[c]) if c in targets else "—"] for c in codes]
                         + [["Total", _number(report["ojt_hours"]["total"]),
                             _number(standards["ojt_hours"])]])},
        {"heading": "Wage step",
         "table": _table([("Step", True), ("Earned on", False), ("Hourly rate", True)],
                         [[step["step"], step["earned_on"] or "—",
                           f"${step['hourly_rate']:.2f}" if step["hourly_rate"] is not None
                           else "—"]])},
        {"heading": "Wages paid against the schedule",
         "table": _table([("Pay period", False), ("Hours", True), ("Paid", True),
                          ("Required", True), ("", False)],
                         [[f"{p['period_start']} to {p['period_end']}", _number(p["hours"]),
                           f"${p['rate_paid']:.2f}", f"${p['rate_required']:.2f}",
                           "below schedule" if p["rate_paid"] < p["rate_required"] else "ok"]
                          for p in report["pay_periods"]])},
        {"heading": "Related and supplemental instruction by apprenticeship year",
         "table": _table([("Year", True), ("From", False), ("To", False), ("Hours", True),
                          ("Required", True)],
                         [[y["year"], y["start"], y["end"], _number(y["hours"]),
                           _number(y["required"])] for y in report["rsi_hours_by_year"]])},
        {"heading": "Violations", "sentences": _sentences(report["violations"], names),
         "none": "No violations as of this date."},
    ]
    return page(f"DAS compliance report: {who}", meta, sections, report["known_at"])


def ab1577_page(report: dict) -> Response:
    """The AB 1577 yearly report of one employer."""
    codes = ("no_capacity", "no_preceptor", "onboarding", "accreditation", "other")
    rows = report["rows"]
    sections = [
        {"heading": "Requests from CCC and CSU nursing programs against places accepted",
         "chart": bar_chart("Accepted against requested, per site and rotation type",
                            [(f"{r['site_name'] or r['site']} {r['discipline']}",
                              r["accepted"], r["requests"]) for r in rows]),
         "table": _table(
             [("Site", False), ("Rotation", False), ("Requests", True),
              ("Seats offered", True), ("Accepted", True),
              *[(f"Declined: {c.replace('_', ' ')}", True) for c in codes],
              ("Written reasons", False)],
             [[r["site_name"] or r["site"], r["discipline"], r["requests"], r["seats_offered"],
               r["accepted"], *[r["declined"][c] for c in codes], "; ".join(r["reasons"])]
              for r in rows])},
    ]
    return page(f"AB 1577 report {report['year']}: {report['employer_name']}",
                [f"Requests recorded in {report['year']}",
                 "Rotation types RN and LVN; colleges of the CCC and CSU segments"],
                sections, report["known_at"])
