"""Building blocks for HTTP tests: create capacity and requests through the API."""

from __future__ import annotations

from sqlalchemy import text

SLOT = {"discipline": "RN", "capacity": 2, "start_date": "2027-01-11", "end_date": "2027-03-05",
        "weekdays": [0, 1], "shift_start": "07:00", "shift_end": "15:30", "hours": 128}


def events(app) -> int:
    with app.engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM placements_events")).scalar()


def ok(response, status: int = 201) -> dict:
    assert response.status_code == status, response.get_json()
    return response.get_json()


def site(client, c, who: str = "employer", **extra) -> dict:
    body = {"name": "Greenbrae", "location": {"lat": 37.95, "lon": -122.53},
            "requirements": ["BLS"], **extra}
    return ok(client.post("/v1/sites", json=body, headers=c.headers(who)))


def preceptor(client, c, site_id: str, max_students: int = 1, who: str = "employer") -> dict:
    return ok(client.post("/v1/preceptors", json={
        "site": site_id, "name": "Dana Lee, RN", "disciplines": ["RN"],
        "max_students": max_students, "journeyworker": True}, headers=c.headers(who)))


def slot(client, c, site_id: str, who: str = "employer", **extra) -> dict:
    return ok(client.post("/v1/slots", json={**SLOT, "site": site_id, **extra},
                          headers=c.headers(who)))


def student(client, c, who: str = "coordinator", **extra) -> dict:
    body = {"name": "Ana Garcia", "home": {"lat": 37.96, "lon": -122.51}, "max_travel_km": 40,
            "credentials": ["BLS", "TB"], **extra}
    return ok(client.post("/v1/students", json=body, headers=c.headers(who)))


def placement_request(client, c, student_id: str, who: str = "coordinator", **extra) -> dict:
    body = {"student": student_id, "discipline": "RN", "required_hours": 120,
            "earliest_start": "2027-01-04", "latest_end": "2027-05-28", **extra}
    return ok(client.post("/v1/placement-requests", json=body, headers=c.headers(who)))
