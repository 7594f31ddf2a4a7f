"""The rules of the aggregates the consortium's records rest on, without HTTP or a database:
Organization, ApiToken and Site, and the apprenticeship's ApprenticeshipProgram and Apprentice.
(The HTTP tests in tests/integration cover the same rules as a caller sees them.)"""

from __future__ import annotations

from datetime import date

import pytest

from domain.apprenticeship import Apprentice, ApprenticeshipProgram
from domain.capacity import Site
from domain.errors import Conflict, InvalidInput
from domain.organizations import ApiToken, Organization

ACTOR = "test"
TODAY = date(2026, 6, 1)
STANDARDS = {
    "name": "Community Health Worker", "occupation": "CHW", "term_type": "time",
    "ojt_hours": 2000,
    "work_processes": [{"code": "OUT", "name": "Outreach", "hours": 1000},
                       {"code": "EDU", "name": "Health education", "hours": 1000}],
    "rsi_hours_per_year": 144, "journeyworker_rate": 30,
    "wage_steps": [{"after_ojt_hours": 0, "hourly_rate": 21},
                   {"after_ojt_hours": 1000, "hourly_rate": 23}],
    "ratio": {"apprentices": 1, "journeyworkers": 1, "basis": "journeyworker"},
    "probationary_hours": 500, "probationary_rsi_hours": 40, "effective_date": date(2026, 1, 5),
}


def field_of(excinfo) -> str:
    return excinfo.value.field


class TestOrganization:
    def test_a_college_registers_with_its_segment_and_a_trimmed_name(self):
        org = Organization.register(ACTOR, "  College of Marin ", "college", "ccc")
        assert (org.name, org.kind, org.segment) == ("College of Marin", "college", "ccc")

    @pytest.mark.parametrize(("name", "kind", "segment", "field"), [
        ("  ", "college", None, "name"),
        ("Marin", "hospital", None, "kind"),
        ("Marin General", "employer", "ccc", "segment"),  # only a college has a segment
        ("Marin", "college", "ivy", "segment"),
    ])
    def test_bad_registrations_name_the_field(self, name, kind, segment, field):
        with pytest.raises(InvalidInput) as e:
            Organization.register(ACTOR, name, kind, segment)
        assert field_of(e) == field


class TestApiToken:
    def test_a_role_bound_to_an_organisation_needs_one_of_the_right_kind(self):
        college = Organization.register(ACTOR, "College of Marin", "college")
        employer = Organization.register(ACTOR, "Marin General", "employer")
        token = ApiToken.issue(ACTOR, "coordinator", college, "digest", "  Ana (placements) ")
        assert (token.organization, token.label, token.revoked) == (
            str(college.id), "Ana (placements)", False)
        for org in (None, employer):
            with pytest.raises(InvalidInput) as e:
                ApiToken.issue(ACTOR, "coordinator", org, "digest")
            assert field_of(e) == "organization"
        with pytest.raises(InvalidInput) as e:
            ApiToken.issue(ACTOR, "superuser", None, "digest")
        assert field_of(e) == "role"

    def test_revoking_twice_records_one_event(self):
        token = ApiToken.issue(ACTOR, "compliance", None, "digest")
        token.revoke(ACTOR)
        token.revoke(ACTOR)
        assert token.revoked
        assert [type(e).__name__ for e in token.collect_events()] == ["Issued", "Revoked"]

    def test_a_version_1_issue_event_reads_with_no_label(self):
        state = {"actor": ACTOR, "role": "admin", "organization": None, "token_hash": "d"}
        ApiToken.Issued.upcast_v1_v2(state)
        assert state["label"] is None


class TestSite:
    def test_requirements_are_kept_once_and_sorted_and_a_blank_phone_is_none(self):
        site = Site.register(ACTOR, "employer", " Marin General ", {"lat": 37.95, "lon": -122.54},
                             ["TB", "BLS", "TB"], "  ")
        assert (site.name, site.requirements, site.phone) == ("Marin General", ["BLS", "TB"],
                                                              None)

    @pytest.mark.parametrize(("location", "field"), [
        ({"lat": 91, "lon": 0}, "location"), ({"lat": 0, "lon": -181}, "location"),
        ({"lat": 37.9}, "location"),
    ])
    def test_a_location_off_the_globe_is_refused(self, location, field):
        with pytest.raises(InvalidInput) as e:
            Site.register(ACTOR, "employer", "Marin General", location, [])
        assert field_of(e).startswith(field)


def program() -> ApprenticeshipProgram:
    return ApprenticeshipProgram.create(ACTOR, "e1", "employer", STANDARDS)


def apprentice(prog: ApprenticeshipProgram | None = None) -> Apprentice:
    return Apprentice.sign(ACTOR, "e2", prog or program(), "employer", "Rosa Martinez",
                           date(2026, 2, 2))


def ojt(day: date = date(2026, 2, 3), hours: float = 8, process: str = "OUT") -> dict:
    return {"date": day, "work_process": process, "hours": hours, "journeyworker": "jw",
            "journeyworker_employer": "employer", "site": "site"}


class TestApprenticeshipProgram:
    def test_an_amendment_applies_from_its_effective_date(self):
        prog = program()
        prog.amend(ACTOR, "e3", date(2026, 3, 2), {"journeyworker_rate": 31})
        history = prog.standards_history()
        assert history.on(date(2026, 3, 1))["journeyworker_rate"] == 30
        assert history.on(date(2026, 3, 2))["journeyworker_rate"] == 31
        assert prog.standards["journeyworker_rate"] == 31

    @pytest.mark.parametrize(("day", "changes", "field"), [
        (date(2025, 12, 1), {"journeyworker_rate": 31}, "effective_date"),
        (date(2026, 3, 2), {"mascot": "owl"}, "mascot"),
        (date(2026, 3, 2), {}, "changes"),
        (date(2026, 3, 2), {"ojt_hours": 1500}, "ojt_hours"),  # a time-based term under 2,000 h
    ])
    def test_bad_amendments_name_the_field_and_change_nothing(self, day, changes, field):
        prog = program()
        with pytest.raises(InvalidInput) as e:
            prog.amend(ACTOR, "e3", day, changes)
        assert field_of(e) == field
        assert len(prog.history) == 1


class TestApprentice:
    def test_hours_wages_and_corrections_keep_the_totals(self):
        prog = program()
        a = apprentice(prog)
        a.log_ojt(ACTOR, "o1", ojt(), prog, TODAY)
        a.log_ojt(ACTOR, "o2", ojt(date(2026, 2, 4), 6, "EDU"), prog, TODAY)
        a.log_rsi(ACTOR, "r1", {"date": date(2026, 2, 5), "course": "CHW 101", "provider": "cm",
                                "hours": 3}, TODAY)
        a.pay_wages(ACTOR, "w1", {"period_start": date(2026, 2, 2), "period_end": date(2026, 2, 15),
                                  "hours": 80, "hourly_rate": 21}, TODAY)
        a.correct(ACTOR, "c1", "o2", "typo", ojt(date(2026, 2, 4), 7, "EDU"), prog, TODAY)
        a.correct(ACTOR, "c2", "o1", "not worked", None, prog, TODAY)
        assert a.totals() == {"ojt_hours": 7.0, "rsi_hours": 3.0, "rsi_by_provider": {"cm": 3}}
        assert a.corrections == 2 and a.status == "signed"

    @pytest.mark.parametrize(("entry", "field"), [
        (ojt(date(2026, 2, 1)), "date"),          # before the agreement was signed
        (ojt(date(2026, 6, 2)), "date"),          # after today: not yet worked
        (ojt(hours=25), "hours"),
        (ojt(hours=0), "hours"),
        (ojt(process="SURGERY"), "work_process"),
    ])
    def test_bad_ojt_entries_name_the_field(self, entry, field):
        prog = program()
        a = apprentice(prog)
        with pytest.raises(InvalidInput) as e:
            a.log_ojt(ACTOR, "o1", entry, prog, TODAY)
        assert field_of(e) == field
        assert a.entries == {}

    def test_a_correction_names_the_field_inside_its_replacement(self):
        prog = program()
        a = apprentice(prog)
        a.log_ojt(ACTOR, "o1", ojt(), prog, TODAY)
        with pytest.raises(InvalidInput) as e:
            a.correct(ACTOR, "c1", "o1", "typo", ojt(date(2026, 7, 1)), prog, TODAY)
        assert field_of(e) == "replacement.date"
        with pytest.raises(InvalidInput) as e:
            a.correct(ACTOR, "c1", "nope", "typo", None, prog, TODAY)
        assert field_of(e) == "corrects"

    def test_registration_once_and_nothing_after_completion(self):
        prog = program()
        a = apprentice(prog)
        with pytest.raises(InvalidInput) as e:
            a.register(ACTOR, "g1", "CA-1", date(2026, 1, 30))
        assert field_of(e) == "registered_date"
        a.register(ACTOR, "g1", "CA-1", date(2026, 2, 10))
        with pytest.raises(Conflict):
            a.register(ACTOR, "g2", "CA-1", date(2026, 2, 11))
        a.complete(ACTOR, "d1", date(2026, 5, 1))
        assert a.status == "completed"
        with pytest.raises(InvalidInput) as e:
            a.log_ojt(ACTOR, "o1", ojt(date(2026, 5, 4)), prog, TODAY)
        assert field_of(e) == "date"
        with pytest.raises(Conflict):
            a.cancel(ACTOR, "x1", date(2026, 5, 2), "moved away")
