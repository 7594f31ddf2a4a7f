"""The demo's registered CHW apprenticeship, loaded through the real commands.

Modelled on a registered community-health-worker apprenticeship: 2,000 OJT hours over four work
processes, 144 RSI hours a year, $21/h at start, $23 after 1,000 hours, $25 at 2,000. Sponsored
by the demo's FQHC, with two journeyworkers at its Mission Street clinic, and a few planted
violations the compliance report finds (see `PLANTED`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from placements.app import PlacementsApp
from placements.principals import Principal

SPONSOR = "Mission Neighborhood Clinics (FQHC)"
SITE = "Mission Street clinic"
COLLEGE = "City College of San Francisco"  # provides the RSI (its id is the RSI provider)
STANDARDS = {
    "name": "Community Health Worker (registered apprenticeship)", "occupation": "CHW",
    "term_type": "time", "ojt_hours": 2000,
    "work_processes": [
        {"code": "OUTREACH", "name": "Outreach and community engagement", "hours": 600},
        {"code": "NAVIGATION", "name": "Care coordination and system navigation", "hours": 600},
        {"code": "EDUCATION", "name": "Health education and coaching", "hours": 500},
        {"code": "DOCUMENTATION", "name": "Documentation and reporting", "hours": 300}],
    "rsi_hours_per_year": 144, "journeyworker_rate": 30.0,
    "wage_steps": [{"after_ojt_hours": 0, "hourly_rate": 21.0},
                   {"after_ojt_hours": 1000, "hourly_rate": 23.0},
                   {"after_ojt_hours": 2000, "hourly_rate": 25.0}],
    "ratio": {"apprentices": 1, "journeyworkers": 1, "basis": "journeyworker"},
    "probationary_hours": 500, "probationary_rsi_hours": 36, "effective_date": date(2025, 1, 6),
}
PLANTED = ("WAGE_BELOW_SCHEDULE", "RSI_SHORTFALL", "AGREEMENT_REGISTRATION_LATE",
           "DAILY_HOURS_EXCEEDED", "UNSUPERVISED_HOURS", "RATIO_EXCEEDED")


@dataclass
class DemoApprenticeship:
    program: str = ""
    apprentices: dict[str, str] = field(default_factory=dict)  # name -> id
    journeyworkers: list[str] = field(default_factory=list)


def workdays(start: date, count: int) -> list[date]:
    day, out = start, []
    while len(out) < count:
        if day.weekday() < 5:
            out.append(day)
        day += timedelta(days=1)
    return out


def load(app: PlacementsApp, employers: dict[str, str], colleges: dict[str, str]
         ) -> DemoApprenticeship:
    out = DemoApprenticeship()
    employer = Principal("employer", employers[SPONSOR])
    site = next(s["id"] for s in app.capacity.sites(employer, limit=50, cursor=None).items
                if s["name"] == SITE)
    maria, daniel = (app.capacity.register_preceptor(employer, site, name, ["CHW"], 2,
                                                     journeyworker=True)["id"]
                     for name in ("Maria Lopez, CHW journeyworker",
                                  "Daniel Kim, CHW journeyworker"))
    out.journeyworkers = [maria, daniel]
    out.program = app.apprenticeship.create_program(employer, STANDARDS)["id"]
    # Amended for 2026: the journeyworker rate the percentages would follow rises.
    app.apprenticeship.amend_program(employer, out.program, date(2026, 1, 5),
                                     {"journeyworker_rate": 31.0})
    college = colleges[COLLEGE]

    def ojt(who: str, day: date, hours: float, process: str, jw: str | None) -> dict:
        return app.apprenticeship.log_ojt_hours(employer, who, {"date": day,
                                                                "work_process": process,
                                                                "hours": hours, "journeyworker": jw,
                                                                "site": site})

    # Rosa: on time, past the 1,000-hour step in June 2025, but the next pay period is still
    # paid at $21 (WAGE_BELOW_SCHEDULE); 120 RSI hours in year one (RSI_SHORTFALL).
    rosa = app.apprenticeship.sign_apprentice(employer, out.program, "Rosa Martinez",
                                              date(2025, 2, 3), "CA-CHW-2025-0117",
                                              date(2025, 2, 20))["id"]
    out.apprentices["Rosa Martinez"] = rosa
    days = workdays(date(2025, 2, 3), 105)
    for i, day in enumerate(days):
        process = ("OUTREACH", "NAVIGATION", "EDUCATION", "DOCUMENTATION")[i % 4]
        ojt(rosa, day, 10, process, maria)
    hours, period = 0.0, date(2025, 2, 3)
    while period <= days[-1]:
        end = period + timedelta(days=13)
        worked = [d for d in days if period <= d <= end]
        rate = 21.0  # the raise never came: the period starting at 1,000 hours is underpaid
        app.apprenticeship.log_wages(employer, rosa, {"period_start": period,
                                                      "period_end": end,
                                                      "hours": 10 * len(worked),
                                                      "hourly_rate": rate})
        hours += 10 * len(worked)
        period = end + timedelta(days=1)
    for i in range(12):
        app.apprenticeship.log_rsi_hours(employer, rosa, {
            "date": date(2025, 3, 4) + timedelta(days=28 * i),
            "course": f"CHW {101 + i % 4}: core competencies", "provider": college, "hours": 10})

    # Kai: registered six weeks after signing (AGREEMENT_REGISTRATION_LATE); a 13-hour day,
    # a shift with no journeyworker, and a day under Maria alongside Rosa (RATIO_EXCEEDED at 1:1
    # per journeyworker); one entry logged against the wrong work process, then corrected.
    kai = app.apprenticeship.sign_apprentice(employer, out.program, "Kai Nakamura",
                                             date(2025, 3, 3))["id"]
    out.apprentices["Kai Nakamura"] = kai
    kai_days = workdays(date(2025, 3, 4), 20)
    for day in kai_days:
        jw = maria if day == date(2025, 3, 12) else daniel
        ojt(kai, day, 8, "OUTREACH", None if day == date(2025, 3, 18) else jw)
    ojt(kai, date(2025, 3, 11), 5, "EDUCATION", daniel)
    wrong = ojt(kai, date(2025, 4, 1), 4, "DOCUMENTATION", daniel)
    app.apprenticeship.correct_entry(employer, kai, wrong["event_id"],
                                     "logged against the wrong work process",
                                     {**{k: wrong[k] for k in ("date", "hours", "journeyworker",
                                                               "site")},
                                      "work_process": "EDUCATION"})
    app.apprenticeship.register_apprentice(employer, kai, "CA-CHW-2025-0142",
                                           date(2025, 4, 15))
    for start in (date(2025, 3, 3), date(2025, 3, 17)):
        end = start + timedelta(days=13)
        app.apprenticeship.log_wages(employer, kai, {"period_start": start, "period_end": end,
                                                     "hours": 80,
                                                     "hourly_rate": 21.0})
    return out
