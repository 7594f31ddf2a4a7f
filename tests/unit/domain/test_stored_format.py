"""Typed in memory, text when stored: the events' JSON is pinned to the bytes written before
aggregates held `Schedule`, `date` and status enums, and events stored as text replay into
typed state (docs/ARCHITECTURE.md, "Typed values")."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import uuid4

import pytest
from eventsourcing.application import Application
from eventsourcing.persistence import StoredEvent

from domain.apprenticeship import Apprentice, ApprenticeshipProgram
from domain.capacity import Preceptor, Site, Slot
from domain.clinical_hours import ClinicalHours, PlacementFacts, recorded_hours
from domain.das import Recorded
from domain.partnership.initiatives import Initiative
from domain.partnership.services import Referral, ReferralStatus, Service
from domain.placements import Placement, PlacementStatus
from domain.schedule import Schedule
from domain.students import PlacementRequest, Student

FIXED = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
STAMP = '{"timestamp":{"_type_":"datetime_iso","_data_":"2026-11-02T09:30:00+00:00"},'
SCHEDULE = Schedule.parse("2027-01-04", "2027-03-26", [3, 1], "07:00", "15:30")
SCHEDULE_JSON = ('{"start_date":"2027-01-04","end_date":"2027-03-26","weekdays":[1,3],'
                 '"shift_start":"07:00","shift_end":"15:30"}')
# The bytes these events were stored as before the values were typed (main at d767514).
SLOT_PUBLISHED = (
    STAMP + '"originator_topic":"domain.capacity:Slot","actor":"employer:e1","employer":"e1",'
    '"site":"SITE","discipline":"RN","capacity":2,"preceptor":"PRECEPTOR","schedule":'
    + SCHEDULE_JSON + ',"hours":120,"colleges":["c1"],"unit":null,"class_version":2}')
BOOKED = STAMP + '"actor":"employer:e1","placement":"p1","schedule":' + SCHEDULE_JSON + '}'
REQUEST_FILED = (
    STAMP + '"originator_topic":"domain.students:PlacementRequest","actor":"coordinator:c1",'
    '"college":"c1","student":"s1","discipline":"RN","required_hours":120,'
    '"earliest_start":"2027-01-04","latest_end":"2027-05-28","priority":1,"group":null,'
    '"preferred_sites":[]}')
PLACEMENT_CREATED = (
    STAMP + '"originator_topic":"domain.placements:Placement","actor":"coordinator:c1",'
    '"request":"r1","student":"s1","college":"c1","slot":"slot1","site":"site1","employer":"e1",'
    '"preceptor":null,"status":"requested","solve":null}')
PLACEMENT_ACCEPTED = STAMP + '"actor":"employer:e1"}'
CREDENTIAL_RECORDED = (STAMP + '"actor":"coordinator:c1","code":"TB","issued":"2026-01-01",'
                               '"expires":"2027-01-31"}')
WAIVER_GRANTED = (STAMP + '"actor":"employer:e1","code":"FLU","site":"site1","employer":"e1",'
                          '"reason":"exempt","until":"2027-06-30"}')
OUTCOME_RECORDED = STAMP + '"actor":"partner:o1","status":"received","date":"2026-09-15"}'
HOURS_JOINED = (
    STAMP + '"actor":"employer:e1","facts":{"placement":"p1","slot":"sl1","site":"s1",'
    '"employer":"e1","discipline":"RN","start_date":"2026-09-07","end_date":"2026-11-24",'
    '"weekdays":[0,1],"session_hours":8.5,"slot_hours":128.0,"preceptor":"pr1",'
    '"preceptor_journeyworker_of":"e1"}}')
HOURS_LOGGED = (STAMP + '"actor":"employer:e1","event_id":"a","placement":"p1",'
                        '"entry":{"date":"2026-09-07","hours":8.0,"note":"late"}}')
HOURS_CORRECTED = (STAMP + '"actor":"employer:e1","event_id":"c","corrects":"a","reason":"typo",'
                           '"replacement":{"date":"2026-09-08","hours":7.0,"note":null}}')
INITIATIVE_LAUNCHED = (
    STAMP + '"originator_topic":"domain.partnership.initiatives:Initiative","actor":"admin:a1",'
    '"name":"Marin","targets":[{"metric":"hires","value":30,"by":"2027-12-31","label":null,'
    '"program_types":null,"occupations":null},{"metric":"trainees","value":20,"by":null,'
    '"label":"CE","program_types":["continuing_education"],"occupations":null}],'
    '"communities":["Canal"],"start_date":"2026-01-01"}')
PROGRAM_REGISTERED = (
    STAMP + '"originator_topic":"domain.apprenticeship:ApprenticeshipProgram",'
    '"actor":"employer:e1","event_id":"e1","sponsor":"e1","effective_date":"2026-01-05",'
    '"standards":{"name":"CHW","occupation":"CHW","term_type":"time","ojt_hours":2000,'
    '"work_processes":[{"code":"OUT","name":"Outreach","hours":2000}],"rsi_hours_per_year":144,'
    '"journeyworker_rate":30,"wage_steps":[{"after_ojt_hours":0,"hourly_rate":21}],'
    '"ratio":{"apprentices":1,"journeyworkers":1,"basis":"journeyworker"},'
    '"probationary_hours":500,"probationary_rsi_hours":40,"clinical_work_processes":{}}}')
PROGRAM_AMENDED = (STAMP + '"actor":"employer:e1","event_id":"e2","effective_date":"2026-03-02",'
                           '"changes":{"journeyworker_rate":31}}')
AGREEMENT_SIGNED = (
    STAMP + '"originator_topic":"domain.apprenticeship:Apprentice","actor":"employer:e1",'
    '"event_id":"e3","program":"PROGRAM","employer":"e1","name":"Rosa",'
    '"signed_date":"2026-02-02","registration_number":null,"registered_date":null,'
    '"participant":null,"student":null}')
REGISTERED = (STAMP + '"actor":"employer:e1","event_id":"e4","registration_number":"CA-1",'
                      '"registered_date":"2026-02-10"}')
OJT_LOGGED = (STAMP + '"actor":"employer:e1","event_id":"o1","entry":{"date":"2026-02-03",'
                      '"work_process":"OUT","hours":8,"journeyworker":"jw1",'
                      '"journeyworker_employer":"e1","site":"s1"}}')
RSI_LOGGED = (STAMP + '"actor":"employer:e1","event_id":"r1","entry":{"date":"2026-02-05",'
                      '"course":"CHW 101","provider":"c1","hours":3}}')
WAGES_PAID = (STAMP + '"actor":"employer:e1","event_id":"w1","entry":{"period_start":"2026-02-02",'
                      '"period_end":"2026-02-15","hours":80,"hourly_rate":21}}')
ENTRY_CORRECTED = (STAMP + '"actor":"employer:e1","event_id":"c1","corrects":"w1","reason":"typo",'
                           '"replacement":{"period_start":"2026-02-02","period_end":"2026-02-15",'
                           '"hours":72,"hourly_rate":21}}')
COMPLETED = STAMP + '"actor":"employer:e1","event_id":"d1","date":"2026-05-01"}'
# An apprentice's snapshot as taken while its state held its dates as text (class version 1).
SNAPSHOT_V1 = (
    STAMP + '"topic":"domain.apprenticeship:Apprentice","state":{"_created_on":{"_type_":'
    '"datetime_iso","_data_":"2026-11-02T09:30:00+00:00"},"_modified_on":{"_type_":'
    '"datetime_iso","_data_":"2026-11-02T09:30:00+00:00"},"student":null,"program":"p1",'
    '"employer":"e1","name":"Rosa","signed_date":"2026-02-02","registration_number":"CA-1",'
    '"registered_date":"2026-02-10","participant":null,"completed_on":"2026-05-01",'
    '"cancelled_on":null,"cancel_reason":null,"entries":{"o1":["ojt",8,null],'
    '"r1":["rsi",3,"c1"],"w1":["wages",72,null]},"corrections":1}}')

mapper = Application().mapper


def stored(aggregate, **names) -> list[tuple[str, str]]:
    """(topic, state) of the aggregate's new events, at a fixed time, with the ids of other
    aggregates it names written as their names."""
    out = []
    for e in aggregate.collect_events():
        object.__setattr__(e, "timestamp", FIXED)
        record = mapper.to_stored_event(e)
        state = record.state.decode()
        for name, ident in names.items():
            state = state.replace(str(ident), name)
        out.append((record.topic, state))
    return out


def states(aggregate, **names) -> list[str]:
    return [state for _, state in stored(aggregate, **names)]


def site() -> Site:
    return Site.register("employer:e1", "e1", "Marin General", {"lat": 37.95, "lon": -122.54},
                         ["TB"])


def test_a_published_slot_and_its_bookings_store_the_schedule_as_before():
    where = site()
    preceptor = Preceptor.register("employer:e1", where, "Dana Lee", ["RN"], 2, False)
    slot = Slot.publish("employer:e1", where, "RN", 2, preceptor, SCHEDULE, 120, ["c1"])
    assert states(slot, SITE=where.id, PRECEPTOR=preceptor.id) == [SLOT_PUBLISHED]
    preceptor.collect_events()
    preceptor.book("employer:e1", "p1", slot.schedule)
    student = Student.register("coordinator:c1", "c1", "Ana Ruiz", {"lat": 37.8, "lon": -122.3},
                               40.0, ["BLS"], [])
    student.collect_events()
    student.book("employer:e1", "p1", slot.schedule)
    assert states(preceptor) == states(student) == [BOOKED]


def test_a_request_stores_its_dates_as_iso_text():
    request = PlacementRequest.file("coordinator:c1", "c1", "s1", "RN", 120, date(2027, 1, 4),
                                    date(2027, 5, 28))
    assert states(request) == [REQUEST_FILED]


def test_a_placement_stores_its_status_as_text():
    placement = Placement("coordinator:c1", "r1", "s1", "c1", "slot1", "site1", "e1", None,
                          PlacementStatus.REQUESTED, None)
    placement.accept("employer:e1")
    assert states(placement) == [PLACEMENT_CREATED, PLACEMENT_ACCEPTED]


def test_credentials_and_waivers_store_their_dates_as_iso_text():
    student = Student.register("coordinator:c1", "c1", "Ana Ruiz", {"lat": 37.8, "lon": -122.3},
                               40.0, ["BLS"], [])
    student.collect_events()
    student.record_credential("coordinator:c1", "TB", date(2026, 1, 1), date(2027, 1, 31))
    student.grant_waiver("employer:e1", "FLU", "site1", "e1", "exempt", date(2027, 6, 30))
    assert states(student) == [CREDENTIAL_RECORDED, WAIVER_GRANTED]


def test_a_referral_outcome_stores_its_status_and_date_as_text():
    service = Service.publish("partner:o1", "o1", "books", "Books for term one", {})
    referral = Referral.refer("partner:o1", "pt1", service, {}, "o1", None, date(2026, 9, 1))
    referral.collect_events()
    referral.record_outcome("partner:o1", ReferralStatus.RECEIVED, date(2026, 9, 15))
    assert states(referral) == [OUTCOME_RECORDED]


def test_clinical_hours_store_their_facts_and_entries_dates_as_iso_text():
    log = ClinicalHours("employer:e1", "st1", "c1")
    log.collect_events()
    facts = PlacementFacts("p1", "sl1", "s1", "e1", "RN", date(2026, 9, 7), date(2026, 11, 24),
                           [0, 1], 8.5, 128.0, "pr1", "e1")
    log.log("employer:e1", "a", facts, {"date": date(2026, 9, 7), "hours": 8, "note": " late "},
            date(2026, 11, 30))
    log.correct("employer:e1", "c", "p1", "a", "typo", {"date": date(2026, 9, 8), "hours": 7},
                date(2026, 11, 30))
    assert states(log) == [HOURS_JOINED, HOURS_LOGGED, HOURS_CORRECTED]


def test_an_initiative_stores_its_start_and_targets_dates_as_iso_text():
    initiative = Initiative.launch(
        "admin:a1", "Marin", [{"metric": "hires", "value": 30, "by": date(2027, 12, 31)},
                              {"metric": "trainees", "value": 20, "label": "CE",
                               "program_types": ["continuing_education"]}],
        ["Canal"], date(2026, 1, 1))
    assert states(initiative) == [INITIATIVE_LAUNCHED]
    assert initiative.targets[0]["by"] == date(2027, 12, 31)


def test_a_program_and_an_apprentice_store_their_dates_as_iso_text():
    program = ApprenticeshipProgram.create("employer:e1", "e1", "e1", {
        "name": "CHW", "occupation": "CHW", "term_type": "time", "ojt_hours": 2000,
        "work_processes": [{"code": "OUT", "name": "Outreach", "hours": 2000}],
        "rsi_hours_per_year": 144, "journeyworker_rate": 30,
        "wage_steps": [{"after_ojt_hours": 0, "hourly_rate": 21}],
        "ratio": {"apprentices": 1, "journeyworkers": 1, "basis": "journeyworker"},
        "probationary_hours": 500, "probationary_rsi_hours": 40,
        "effective_date": date(2026, 1, 5)})
    program.amend("employer:e1", "e2", date(2026, 3, 2), {"journeyworker_rate": 31})
    today = date(2026, 11, 30)
    a = Apprentice.sign("employer:e1", "e3", program, "e1", "Rosa", date(2026, 2, 2))
    a.register("employer:e1", "e4", "CA-1", date(2026, 2, 10))
    a.log_ojt("employer:e1", "o1", {"date": date(2026, 2, 3), "work_process": "OUT", "hours": 8,
                                    "journeyworker": "jw1", "journeyworker_employer": "e1",
                                    "site": "s1"}, program, today)
    a.log_rsi("employer:e1", "r1", {"date": date(2026, 2, 5), "course": "CHW 101",
                                    "provider": "c1", "hours": 3}, today)
    wages = {"period_start": date(2026, 2, 2), "period_end": date(2026, 2, 15), "hours": 80,
             "hourly_rate": 21}
    a.pay_wages("employer:e1", "w1", wages, today)
    a.correct("employer:e1", "c1", "w1", "typo", {**wages, "hours": 72}, program, today)
    a.complete("employer:e1", "d1", date(2026, 5, 1))
    assert states(program) == [PROGRAM_REGISTERED, PROGRAM_AMENDED]
    assert states(a, PROGRAM=program.id) == [AGREEMENT_SIGNED, REGISTERED, OJT_LOGGED,
                                             RSI_LOGGED, WAGES_PAID, ENTRY_CORRECTED, COMPLETED]
    assert (a.signed_date, a.registered_date, a.completed_on) == (
        date(2026, 2, 2), date(2026, 2, 10), date(2026, 5, 1))


def test_a_snapshot_stored_with_text_dates_loads_into_typed_state(sqlite_app):
    """Snapshots taken before the apprentice's dates were typed (v1) are upcast on loading;
    those taken now store its dates through the application's `DateAsISO` transcoding."""
    ident = uuid4()
    sqlite_app.snapshots.recorder.insert_events([StoredEvent(
        ident, 7, "eventsourcing.domain:Snapshot", SNAPSHOT_V1.encode())])
    a = sqlite_app.load(Apprentice, ident)
    assert (a.version, a.signed_date, a.registered_date, a.completed_on, a.cancelled_on) == (
        7, date(2026, 2, 2), date(2026, 2, 10), date(2026, 5, 1), None)
    assert a.status == "completed" and a.totals()["rsi_hours"] == 3
    snapshot = sqlite_app.mapper.to_stored_event(type(a).Snapshot.take(a))
    assert b'"signed_date":{"_type_":"date_iso","_data_":"2026-02-02"}' in snapshot.state
    assert b'"class_version":2' in snapshot.state
    again = sqlite_app.mapper.to_domain_event(snapshot).mutate(None)
    assert (again.signed_date, again.completed_on) == (date(2026, 2, 2), date(2026, 5, 1))


def replayed(cls: type, *events: tuple[str, str]):
    """The aggregate rebuilt from events stored as (topic, state), as the repository does."""
    ident, aggregate = uuid4(), None
    for version, (topic, state) in enumerate(events, 1):
        event = mapper.to_domain_event(StoredEvent(ident, version, topic, state.encode()))
        aggregate = event.mutate(aggregate)
    assert isinstance(aggregate, cls)
    return aggregate


def topic(cls: type, name: str) -> str:
    return f"{cls.__module__}:{cls.__qualname__}.{name}"


def test_events_stored_as_text_replay_into_typed_state():
    slot = replayed(Slot, (topic(Slot, "Published"), SLOT_PUBLISHED))
    assert slot.schedule == SCHEDULE and slot.status == "open"
    preceptor = replayed(Preceptor, (topic(Preceptor, "Registered"), STAMP
                                     + '"originator_topic":"domain.capacity:Preceptor",'
                                       '"actor":"e","employer":"e1","site":"s","name":"Dana",'
                                       '"disciplines":["RN"],"max_students":1,'
                                       '"journeyworker":false}'),
                         (topic(Preceptor, "Booked"), BOOKED))
    assert preceptor.bookings == {"p1": SCHEDULE}
    request = replayed(PlacementRequest, (topic(PlacementRequest, "Filed"), REQUEST_FILED))
    assert (request.earliest_start, request.latest_end) == (date(2027, 1, 4), date(2027, 5, 28))
    student = replayed(Student, (topic(Student, "Registered"), STAMP
                                 + '"originator_topic":"domain.students:Student","actor":"c",'
                                   '"college":"c1","name":"Ana","home":{"lat":1.0,"lon":2.0},'
                                   '"max_travel_km":null,"credentials":[],"unavailable":[],'
                                   '"participant":null}'),
                       (topic(Student, "CredentialRecorded"), CREDENTIAL_RECORDED),
                       (topic(Student, "WaiverGranted"), WAIVER_GRANTED),
                       (topic(Student, "Booked"), BOOKED))
    assert student.credential_records["TB"]["expires"] == date(2027, 1, 31)
    assert student.held_at("site1") == {"TB": date(2027, 1, 31), "FLU": date(2027, 6, 30)}
    assert student.bookings == {"p1": SCHEDULE}
    placement = replayed(Placement, (topic(Placement, "Created"), PLACEMENT_CREATED),
                         (topic(Placement, "Accepted"), PLACEMENT_ACCEPTED))
    assert type(placement.status) is PlacementStatus
    assert placement.status is PlacementStatus.ACCEPTED and placement.holds_seat
    hours = [(topic(ClinicalHours, "Opened"), STAMP
              + '"originator_topic":"domain.clinical_hours:ClinicalHours","actor":"e",'
                '"student":"st1","college":"c1"}'),
             (topic(ClinicalHours, "PlacementJoined"), HOURS_JOINED),
             (topic(ClinicalHours, "HoursLogged"), HOURS_LOGGED),
             (topic(ClinicalHours, "HoursCorrected"), HOURS_CORRECTED)]
    log = replayed(ClinicalHours, *hours)
    assert log.placements["p1"].end_date == date(2026, 11, 24)
    assert log.entries["a"]["date"] == date(2026, 9, 8)
    recorded = [Recorded(str(n), n, FIXED, t.rsplit(".", 1)[1], mapper.to_domain_event(
        StoredEvent(uuid4(), n, t, state.encode())).__dict__) for n, (t, state) in
        enumerate(hours, 1)]
    initiative = replayed(Initiative, (topic(Initiative, "Launched"), INITIATIVE_LAUNCHED))
    assert initiative.start_date == date(2026, 1, 1)
    assert [t["by"] for t in initiative.targets] == [date(2027, 12, 31), None]
    program = replayed(ApprenticeshipProgram,
                       (topic(ApprenticeshipProgram, "StandardsRegistered"), PROGRAM_REGISTERED),
                       (topic(ApprenticeshipProgram, "StandardsAmended"), PROGRAM_AMENDED))
    assert program.standards_history().on(date(2026, 3, 2))["journeyworker_rate"] == 31
    assert program.effective_date == date(2026, 1, 5)
    apprentice = replayed(Apprentice, *((topic(Apprentice, name), state) for name, state in (
        ("AgreementSigned", AGREEMENT_SIGNED), ("Registered", REGISTERED),
        ("OJTHoursLogged", OJT_LOGGED), ("RSIHoursLogged", RSI_LOGGED),
        ("WagesPaid", WAGES_PAID), ("EntryCorrected", ENTRY_CORRECTED),
        ("Completed", COMPLETED))))
    assert (apprentice.signed_date, apprentice.registered_date, apprentice.completed_on) == (
        date(2026, 2, 2), date(2026, 2, 10), date(2026, 5, 1))
    facts, entries = recorded_hours(recorded)
    assert facts["p1"].start_date == date(2026, 9, 7)
    assert [x.data["date"] for x in entries] == [date(2026, 9, 8)]


@pytest.mark.parametrize("schedule", [SCHEDULE, Schedule.parse("2027-01-02", "2027-01-03", [5],
                                                               "22:00", "06:00")])
def test_a_schedule_round_trips_through_its_stored_form(schedule):
    assert Schedule.parse(**schedule.as_dict()) == schedule
    assert date.fromisoformat(schedule.as_dict()["start_date"]) == schedule.start_date
