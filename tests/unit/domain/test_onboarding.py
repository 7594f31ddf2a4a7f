"""The compliance rule (domain/onboarding.py) and the student's credentials and waivers."""

from __future__ import annotations

from datetime import date

import pytest

from domain.capacity import Site, Slot
from domain.errors import InvalidInput
from domain.onboarding import Unit, covered_through, effective_requirements, missing
from domain.schedule import Schedule
from domain.students import Student

ACTOR = "test"
SCHEDULE = Schedule.parse("2027-01-11", "2027-03-05", [0], "07:00", "15:00")
END = SCHEDULE.end_date


def a_student(credentials=("BLS",)) -> Student:
    return Student.register(ACTOR, "c1", "Ana", {"lat": 37.9, "lon": -122.5}, None,
                            list(credentials), [])


def test_missing_names_absent_and_expiring_codes_in_code_order():
    held = {"BLS": None, "TB": "2027-03-04", "FLU": "2027-03-05"}
    assert missing(["TB", "BLS", "FLU", "BACKGROUND"], held, "2027-03-05") == [
        {"code": "BACKGROUND", "reason": "absent"},
        {"code": "TB", "reason": "expires_before_end"}]
    assert missing([], {}, "2027-03-05") == []
    assert covered_through(None, "2199-12-31") and covered_through("2027-03-05", "2027-03-05")
    assert not covered_through("2027-03-04", "2027-03-05")


def test_a_later_record_of_a_code_replaces_the_earlier():
    st = a_student()
    st.record_credential(ACTOR, "TB", date(2026, 1, 1), date(2027, 1, 31))
    assert st.onboarding_gaps("s1", ["BLS", "TB"], END) == [
        {"code": "TB", "reason": "expires_before_end"}]
    st.record_credential(ACTOR, " TB ", date(2027, 1, 15), date(2028, 1, 15))
    assert st.onboarding_gaps("s1", ["BLS", "TB"], END) == []
    assert st.credentials == ["BLS", "TB"]
    assert st.section4_credentials() == ["BLS", {"code": "TB", "expires": "2028-01-15"}]


def test_waivers_count_at_their_site_and_the_latest_end_wins():
    st = a_student(())
    st.grant_waiver(ACTOR, "BLS", "s1", "e1", "exempt", date(2027, 2, 1))
    assert st.onboarding_gaps("s1", ["BLS"], END) == [
        {"code": "BLS", "reason": "expires_before_end"}]
    assert st.onboarding_gaps("s2", ["BLS"], END) == [
        {"code": "BLS", "reason": "absent"}]
    st.grant_waiver(ACTOR, "BLS", "s1", "e1", "extended", date(2027, 6, 30))
    assert st.onboarding_gaps("s1", ["BLS"], END) == []
    st.record_credential(ACTOR, "BLS", date(2026, 1, 1), date(2027, 1, 1))  # an older expiry
    assert st.held_at("s1") == {"BLS": date(2027, 6, 30)}


@pytest.mark.parametrize(("call", "field"), [
    (lambda st: st.record_credential(ACTOR, "TB", date(2027, 2, 1), date(2027, 1, 31)), "expires"),
    (lambda st: st.record_credential(ACTOR, "TB", date(1899, 12, 31), None), "issued"),
    (lambda st: st.record_credential(ACTOR, "  ", date(2027, 2, 1), None), "code"),
    (lambda st: st.record_credential(ACTOR, "X" * 41, date(2027, 2, 1), None), "code"),
    (lambda st: st.grant_waiver(ACTOR, "TB", "s1", "e1", " ", None), "reason"),
    (lambda st: st.grant_waiver(ACTOR, "TB", "s1", "e1", "ok", date(2300, 1, 1)), "until"),
])
def test_bad_dates_and_blanks_name_their_field_and_record_nothing(call, field):
    st = a_student()
    with pytest.raises(InvalidInput) as e:
        call(st)
    assert e.value.field == field
    assert st.version == 1 and st.waivers == [] and set(st.credential_records) == {"BLS"}


def test_a_slot_names_a_unit_of_its_own_site_only():
    site = Site.register(ACTOR, "e1", "Greenbrae", {"lat": 37.9, "lon": -122.5}, ["BLS"])
    other = Site.register(ACTOR, "e1", "Novato", {"lat": 38.1, "lon": -122.6}, [])
    unit = Unit.register(ACTOR, "e1", str(site.id), " 4 West ", ["TB", "FLU", "TB"])
    assert unit.name == "4 West" and unit.requirements == ["FLU", "TB"]
    slot = Slot.publish(ACTOR, site, "RN", 2, None, SCHEDULE, 8, None, unit)
    assert slot.unit == str(unit.id)
    assert effective_requirements(site.requirements, unit.requirements) == ["BLS", "FLU", "TB"]
    with pytest.raises(InvalidInput) as e:
        Slot.publish(ACTOR, other, "RN", 2, None, SCHEDULE, 8, None, unit)
    assert e.value.field == "unit"
    with pytest.raises(InvalidInput) as e:
        Unit.register(ACTOR, "e1", str(site.id), "", [])
    assert e.value.field == "name"
