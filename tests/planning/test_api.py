"""Planning over the API: my week holds only my days and events; swaps and desks are mine;
team figures need the manage scope and a manager, and hold counts, not names."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.accounts.factories import LocationFactory, UserFactory
from tests.planning.factories import CalendarEventFactory, CalendarSourceFactory
from wendbaar.accounts import scopes
from wendbaar.planning.choices import PlaceKind, PlanStatus
from wendbaar.planning.models import OfficeAssignment, OfficePlan

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 12, 7)


@pytest.fixture
def plan(alice, bob):
    office = LocationFactory(name="Kantoor", desks=5)
    plan = OfficePlan.objects.create(week_start=MONDAY, status=PlanStatus.PROPOSED)
    for person, place in ((alice, PlaceKind.OFFICE), (bob, PlaceKind.HOME)):
        OfficeAssignment.objects.create(
            plan=plan,
            person=person,
            date=MONDAY,
            place=place,
            location=office if place == PlaceKind.OFFICE else None,
            reasons=[{"code": "fixed_day"}],
        )
    return plan


def test_the_scopes_are_registered():
    assert {"planning:read", "planning:write", "planning:manage"} <= set(scopes.all_scopes())


def test_my_week_holds_only_my_days_and_events(alice, bob, plan, token_for):
    CalendarEventFactory(source=CalendarSourceFactory(person=alice), summary="Van Alice")
    CalendarEventFactory(source=CalendarSourceFactory(person=bob), summary="Van Bob")
    api = Client()
    week = api.get(
        "/api/planning/me/week?week=2026-12-07",
        HTTP_AUTHORIZATION=token_for(alice, ["planning:read"]),
    ).json()
    monday = week["days"][0]
    assert monday["place"] == "office" and monday["location"] == "Kantoor"
    assert monday["reason_codes"] == ["fixed_day"]
    assert [e["summary"] for e in monday["events"]] == ["Van Alice"]
    assert week["plan_status"] == "proposed"


def test_a_read_token_cannot_book_and_a_member_gets_no_figures(alice, plan, token_for):
    api = Client()
    read = token_for(alice, ["planning:read"])
    response = api.post(
        "/api/planning/me/desk",
        {"date": "2026-12-08", "location_id": None},
        content_type="application/json",
        HTTP_AUTHORIZATION=read,
    )
    assert response.status_code == 403
    manage = token_for(alice, ["planning:manage"])
    assert api.get("/api/planning/plans/2026-12-07", HTTP_AUTHORIZATION=manage).status_code == 403


def test_a_manager_reads_counts_not_names(alice, bob, plan, token_for):
    manager = UserFactory(role_codes=["manager"])
    api = Client()
    assert (
        api.get(
            "/api/planning/plans/2026-12-07",
            HTTP_AUTHORIZATION=token_for(manager, ["planning:read"]),
        ).status_code
        == 403
    )
    response = api.get(
        "/api/planning/plans/2026-12-07", HTTP_AUTHORIZATION=token_for(manager, ["planning:manage"])
    )
    body = response.json()
    assert response.status_code == 200
    assert alice.full_name not in response.content.decode()
    assert sum(t["days"][0]["office"] for t in body["teams"]) == 1
    assert body["locations"][0]["days"][0] == {"taken": 1, "capacity": 5}
    approved = api.post(
        f"/api/planning/plans/{plan.pk}/approve",
        HTTP_AUTHORIZATION=token_for(manager, ["planning:manage"]),
    )
    assert approved.json()["status"] == "approved"


def test_booking_a_desk_and_a_full_location(alice, bob, token_for):
    hub = LocationFactory(name="Hub", desks=1)
    api = Client()
    ok = api.post(
        "/api/planning/me/desk",
        {"date": "2026-12-08", "location_id": hub.pk},
        content_type="application/json",
        HTTP_AUTHORIZATION=token_for(alice, ["planning:write"]),
    )
    assert ok.status_code == 200 and ok.json()["days"][1]["desk_location_id"] == hub.pk
    full = api.post(
        "/api/planning/me/desk",
        {"date": "2026-12-08", "location_id": hub.pk},
        content_type="application/json",
        HTTP_AUTHORIZATION=token_for(bob, ["planning:write"]),
    )
    assert full.status_code == 409 and full.json()["error"]["message"]


def test_uploading_calendars_over_the_api(alice, token_for):
    api = Client()
    auth = token_for(alice, ["planning:read", "planning:write"])
    good = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:a@x\r\n"
        b"DTSTART:20261208T090000Z\r\nDTEND:20261208T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    created = api.post(
        "/api/planning/me/calendars/upload",
        {"file": SimpleUploadedFile("werk.ics", good)},
        HTTP_AUTHORIZATION=auth,
    )
    assert created.status_code == 201 and created.json()["events"] == 1
    broken = api.post(
        "/api/planning/me/calendars/upload",
        {"file": SimpleUploadedFile("kapot.ics", b"BEGIN:VCALENDAR\r\n")},
        HTTP_AUTHORIZATION=auth,
    )
    assert broken.status_code == 400 and "END:VCALENDAR" in broken.json()["error"]["message"]
    bad_url = api.post(
        "/api/planning/me/calendars/subscribe",
        {"url": "file:///etc/passwd"},
        content_type="application/json",
        HTTP_AUTHORIZATION=auth,
    )
    assert bad_url.status_code == 400
    listed = api.get("/api/planning/me/calendars", HTTP_AUTHORIZATION=auth).json()
    assert [c["name"] for c in listed] == ["werk.ics"]


def test_swapping_over_the_api_reports_what_is_wrong(alice, plan, token_for):
    response = Client().post(
        "/api/planning/me/swap",
        {"first": "2026-12-07", "second": "2026-12-08"},
        content_type="application/json",
        HTTP_AUTHORIZATION=token_for(alice, ["planning:write"]),
    )
    assert response.status_code == 404
    assert "2026-12-08" in response.json()["error"]["message"]
