"""The demo's workforce partnership in Marin: partners, services, a pathway, participants across
four communities with their training and jobs, and an initiative with a funder's targets.

Participants and their outcomes are made by `cohort`, which builds them with the domain's own
commands (so every event names its actor) and commits them in batches; `placements bench
outcomes` uses the same generator at scale. The rest goes through the application's commands.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from domain.base import Aggregate
from domain.partnership.outcomes import Employment, Enrollment
from domain.partnership.participants import Participant
from placements.app import PlacementsApp
from placements.principals import OPERATOR, Principal

COMMUNITIES = ("Novato", "Marin City", "West Marin", "Canal/San Rafael")
ZIPS = {"Novato": "94945", "Marin City": "94965", "West Marin": "94956",
        "Canal/San Rafael": "94901"}
PARTNERS = (("SEIU-UHW Marin", "union"), ("Canal Alliance", "community"),
            ("Marin City Community Development Corporation", "community"),
            ("Marin County Workforce Development Board", "workforce_board"))
# Which partner registers the participants of each community.
REGISTRAR = {"Novato": 3, "Marin City": 2, "West Marin": 0, "Canal/San Rafael": 1}
OCCUPATIONS = ("MA", "DA", "CHW", "billing_coding", "LVN", "RN", "case_management")
CREDENTIALS = {"MA": "CCMA", "DA": "RDA", "CHW": "CHW certificate", "billing_coding": "CPC",
               "LVN": "LVN", "RN": "RN", "case_management": "CCM"}
PROGRAMS = (("credential", 30), ("continuing_education", 14), ("ehr_training", 10),
            ("professional_development", 24), ("tuition_reimbursement", 8),
            ("preceptorship", 6), ("pre_apprenticeship", 4), ("k12_shadowing", 2),
            ("apprenticeship", 2))
# The statewide clinic partnership's commitments, with the county's and the union's.
TARGETS = [
    {"metric": "credentials_earned", "value": 400, "by": date(2027, 12, 31),
     "label": "Credentials (MA, DA, CHW, billing/coding, LVN, RN)"},
    {"metric": "trainees", "value": 900, "by": date(2027, 12, 31),
     "label": "Continuing education and EHR training",
     "program_types": ["continuing_education", "ehr_training"]},
    {"metric": "apprentices_registered", "value": 10, "by": date(2027, 12, 31),
     "label": "DAS-registered CHW apprentices", "occupations": ["CHW"]},
    {"metric": "placement_rate", "value": 90, "by": date(2027, 12, 31),
     "label": "Job placement after the apprenticeship", "program_types": ["apprenticeship"]},
    {"metric": "tuition_reimbursements", "value": 200, "by": date(2027, 12, 31)},
    {"metric": "trainees", "value": 1800, "by": date(2027, 12, 31),
     "label": "Professional development",
     "program_types": ["professional_development"]},
    {"metric": "preceptorships", "value": 100, "by": date(2027, 12, 31),
     "label": "Clinical supervision and preceptorship"},
    {"metric": "hires", "value": 300, "by": date(2027, 12, 31)},
    {"metric": "median_wage_gain", "value": 40, "by": date(2027, 12, 31)},
    {"metric": "retention_12m", "value": 85, "by": date(2027, 12, 31)},
]
FIRST_DAY = date(2025, 1, 6)
SPAN_DAYS = 640  # enrollments start between FIRST_DAY and about 2026-10


@dataclass
class Partnership:
    partners: list[str]
    employers: list[str]
    initiative: str = ""
    participants: int = 0
    events: int = 0
    services: list[str] = field(default_factory=list)


def _day(start: date, days: int) -> date:
    return start + timedelta(days=days)


def person(rng: random.Random, i: int, partners: list[str], employers: list[str],
           today: date) -> list[Aggregate]:
    """One participant with an enrollment or two, perhaps completed, perhaps a job, raises and a
    separation: aggregates with their events, dated no later than `today`."""
    community = COMMUNITIES[i % len(COMMUNITIES)]
    org = partners[REGISTRAR[community]]
    actor = Principal("partner", org).actor
    p = Participant.register(actor, org, f"Participant {i}", community, ZIPS[community],
                             rng.randint(1960, 2006), rng.random() < 0.3,
                             {"tanf_eligible": rng.random() < 0.25,
                              "low_income": rng.random() < 0.55,
                              "refugee": rng.random() < 0.05}, None, today.year)
    for other in rng.sample(partners, 2):  # most agree to share with a partner or two
        if other != org and rng.random() < 0.6:
            p.give_consent(actor, other, _day(FIRST_DAY, rng.randrange(SPAN_DAYS)))
    out: list[Aggregate] = [p]
    for _ in range(1 if rng.random() < 0.55 else 2):
        kind = rng.choices([k for k, _ in PROGRAMS], [w for _, w in PROGRAMS])[0]
        occupation = rng.choice(OCCUPATIONS if kind != "apprenticeship" else ("CHW",))
        start = FIRST_DAY + timedelta(days=rng.randrange(SPAN_DAYS))
        e = Enrollment.enroll(actor, p, org, kind, occupation, "College of Marin",
                              rng.choice(employers) if rng.random() < 0.4 else None,
                              start)
        done = start + timedelta(days=rng.randint(60, 300))
        if done <= today and rng.random() < 0.72:
            e.complete(actor, done,
                       CREDENTIALS[occupation] if kind in ("credential", "apprenticeship")
                       else None)
        out.append(e)
        if rng.random() < (0.9 if kind == "apprenticeship" else 0.5):
            hired = start + timedelta(days=rng.randint(30, 240))
            if hired > today:
                continue
            wage = round(rng.uniform(19, 34), 2)
            job = Employment.hire(actor, p, org, rng.choice(employers), occupation, wage,
                                  hired)
            raise_day = hired + timedelta(days=rng.randint(45, 270))
            if raise_day <= today and rng.random() < 0.9:
                job.change_wage(actor, raise_day,
                                round(wage * rng.uniform(1.05, 1.6), 2))
            left = hired + timedelta(days=rng.randint(90, 500))
            if left <= today and rng.random() < 0.2 and left >= job.wages[-1]["effective_date"]:
                job.separate(actor, left, rng.choice(("moved", "better offer", "laid off")))
            out.append(job)
    return out


def cohort(n: int, partners: list[str], employers: list[str], today: date, seed: int = 15
           ) -> Iterator[Aggregate]:
    rng = random.Random(seed)
    for i in range(n):
        yield from person(rng, i, partners, employers, today)


def commit_in_batches(app: PlacementsApp, aggregates: Iterator[Aggregate],
                      batch: int = 2000) -> tuple[int, int]:
    """Commit the aggregates (events, read-model rows, ledger) a batch per transaction;
    returns (aggregates, events) written."""
    pending: list[Aggregate] = []
    count = events = 0
    for a in aggregates:
        pending.append(a)
        if len(pending) >= batch:
            events += len(app.commit(*pending))
            count += len(pending)
            pending = []
    if pending:
        events += len(app.commit(*pending))
        count += len(pending)
    return count, events


def register_partners(app: PlacementsApp) -> list[str]:
    return [app.organizations.register_organization(OPERATOR, name, kind)["id"] for name,
            kind in PARTNERS]


def load(app: PlacementsApp, participants: int = 640, today: date | None = None) -> Partnership:
    """The Marin partnership beside whatever consortium is loaded (its employers hire)."""
    today = today or date(2026, 11, 30)
    employers = [o["id"] for o in app.organizations.organizations(OPERATOR, limit=500, cursor=None,
                                                                  kind="employer").items]
    if not employers:
        employers = [app.organizations.register_organization(OPERATOR, "Marin Health",
                                                             "employer")["id"]]
    demo = Partnership(register_partners(app), employers)
    _, demo.events = commit_in_batches(app, cohort(participants, demo.partners,
                                                         employers, today))
    demo.participants = participants
    _services(app, demo)
    _apprentices(app, demo, employers[0])
    app.initiatives.define_pathway(OPERATOR, "Medical assisting to nursing", [
        {"occupation": "MA", "credential": "CCMA", "typical_wage": 24},
        {"occupation": "LVN", "credential": "LVN", "typical_wage": 36},
        {"occupation": "RN", "credential": "RN", "typical_wage": 68}])
    demo.initiative = app.initiatives.launch_initiative(
        OPERATOR, "Marin health careers: well-paying jobs for Novato, Marin City, West Marin "
                  "and the Canal", TARGETS, communities=list(COMMUNITIES))["id"]
    return demo


def _services(app: PlacementsApp, demo: Partnership) -> None:
    """The common-customer matrix: TANF pays child care and books, not tuition or housing."""
    board, canal, union = demo.partners[3], demo.partners[1], demo.partners[0]
    for org, kind, text, rules in (
            (board, "child_care", "TANF child care while in training", {"tanf_eligible": True}),
            (board, "books", "TANF books and supplies", {"tanf_eligible": True}),
            (canal, "transportation", "Bus passes to clinical sites", {"low_income": True}),
            (canal, "housing", "Housing navigation", {}),
            (union, "tuition", "Education fund tuition for members",
             {"incumbent_worker": True}),
            (union, "wage_replacement", "Paid release time for clinical hours",
             {"incumbent_worker": True})):
        demo.services.append(app.services.publish_service(Principal("partner", org), kind, text,
                                                          rules)["id"])


def _apprentices(app: PlacementsApp, demo: Partnership, employer: str) -> None:
    """Eight CHW apprentices registered with DAS, each the record of a participant."""
    from bootstrap.demo.apprenticeship import STANDARDS

    program = app.apprenticeship.create_program(OPERATOR, {**STANDARDS,
                                                           "name": "Marin CHW apprenticeship"})
    partner = Principal("partner", demo.partners[REGISTRAR["Marin City"]])
    boss = Principal("employer", employer)
    for i in range(8):
        p = app.participants.register_participant(partner, f"CHW apprentice {i}", "Marin City",
                                                  1985 + i,
                                                  zip=ZIPS["Marin City"],
                                                  flags={"low_income": True})
        app.participants.give_consent(partner, p["id"], employer, date(2025, 8, 1))
        a = app.apprenticeship.sign_apprentice(boss, program["id"], p["name"], date(2025, 8, 4),
                                               participant=p["id"])
        app.apprenticeship.register_apprentice(boss, a["id"], f"CA-CHW-2025-{i:03}",
                                               date(2025, 8, 20))
    demo.participants += 8
