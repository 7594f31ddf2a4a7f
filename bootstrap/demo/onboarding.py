"""The demo's onboarding story (docs/ONBOARDING.md), at the first employer's first site (BRMC
Oakland, which requires BLS, TB, FLU and BACKGROUND) and the first college (College of Marin):

- two units: "4 West ICU" (adds an N95 fit test) and "3 South Med-Surg" (nothing more);
- an ICU day slot and a Med-Surg night slot for the spring term (18 January to 30 April 2027);
- three RN students who asked for those slots directly, with dated credentials:
  Maya Torres holds everything through the term: asked, accepted, on the roster;
  Sam Whitfield's flu shot is waived by the hospital (a medical exemption, until the term
  ends): accepted, on the roster;
  Rosa Delgado's TB test expires on 15 March 2027, mid-term: her ask waits, and accepting it
  is refused with 409 `onboarding_incomplete` naming TB (`placements demo` prints the curl).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from domain.placements import PlacementStatus
from placements.app import PlacementsApp
from placements.principals import OPERATOR, Principal
from placements.read.capacity import sites
from placements.read.placements import placement_rows

SITE = "BRMC Oakland campus"
TERM = (date(2027, 1, 18), date(2027, 4, 30))
VALID = {"BLS": (date(2026, 6, 1), date(2028, 6, 1)),
         "TB": (date(2026, 8, 20), date(2027, 8, 20)),
         "FLU": (date(2026, 10, 1), date(2027, 9, 30)), "BACKGROUND": (date(2026, 7, 15), None),
         "N95_FIT": (date(2026, 9, 10), date(2027, 9, 10))}
HOME = {"lat": 37.93, "lon": -122.52}  # Marin, about 30 km from the Oakland campus


@dataclass
class Onboarding:
    site: str
    waiting: str  # the placement whose acceptance is refused
    unit: str


def load(app: PlacementsApp, employer_id: str, college_id: str) -> Onboarding:
    employer = Principal("employer", employer_id)
    coordinator = Principal("coordinator", college_id)
    site = next(s for s in app.capacity.sites(employer, limit=50, cursor=None).items
                if s["name"] == SITE)["id"]
    icu = app.units.register_unit(employer, site, "4 West ICU", ["N95_FIT"])["id"]
    med_surg = app.units.register_unit(employer, site, "3 South Med-Surg", [])["id"]
    day = app.capacity.publish_slot(employer, site, "RN", 2, None, *TERM, [0, 1], "07:00", "15:30",
                                    96,
                                    unit=icu)["id"]
    night = app.capacity.publish_slot(employer, site, "RN", 2, None, *TERM, [4, 5], "19:00",
                                      "07:30",
                                      96, unit=med_surg)["id"]

    def student(name: str, codes: list[str], slot: str) -> tuple[str, str]:
        sid = app.students.register_student(coordinator, name, HOME, None, ["BACKGROUND"])["id"]
        for code in codes:
            issued, expires = VALID[code]
            app.onboarding.record_credential(coordinator, sid, code, issued, expires)
        request = app.students.request_placement(coordinator, sid, "RN", 96, date(2027, 1, 11),
                                                 date(2027, 5, 28))["id"]
        return sid, app.workflow.request_slot(coordinator, request, slot)["id"]

    _, maya = student("Maya Torres", ["BLS", "TB", "FLU", "N95_FIT"], day)
    app.workflow.accept_placement(employer, maya)
    sam_id, sam = student("Sam Whitfield", ["BLS", "TB"], night)
    app.onboarding.grant_waiver(employer, sam_id, "FLU", site,
                                "medical exemption; masks on the unit "
                                "through flu season", TERM[1])
    app.workflow.accept_placement(employer, sam)
    rosa_id, rosa = student("Rosa Delgado", ["BLS", "FLU", "N95_FIT"], day)
    app.onboarding.record_credential(coordinator, rosa_id, "TB", date(2026, 3, 15),
                                     date(2027, 3, 15))
    return Onboarding(site, rosa, icu)


def find(app: PlacementsApp) -> Onboarding | None:
    """The story's site and waiting placement in a database the demo loaded earlier."""
    with app.engine.connect() as conn:
        site = conn.execute(select(sites.c.id).where(sites.c.name == SITE)).scalar()
        waiting = conn.execute(select(placement_rows.c.id).where(
            placement_rows.c.site == site, placement_rows.c.status == PlacementStatus.REQUESTED)
            .order_by(placement_rows.c.seq)).scalar()
    if site is None or waiting is None:
        return None
    unit = next((u["id"] for u in app.units.units(OPERATOR, limit=50, cursor=None,
                                                  site=site).items),
                None)
    return Onboarding(site, waiting, unit)
