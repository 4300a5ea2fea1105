"""Planning pages: my week shows my own days, meetings and desk only; the team plan page is for
managers and shows counts, never names; calendars are uploaded and refused with a message."""

from datetime import UTC, date, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.accounts.factories import LocationFactory, UserFactory
from tests.planning.factories import CalendarEventFactory, CalendarSourceFactory
from wendbaar.planning.choices import PlaceKind, PlanStatus
from wendbaar.planning.models import CalendarSource, OfficeAssignment, OfficePlan

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 12, 7)


@pytest.fixture
def plan(alice, bob):
    office = LocationFactory(name="Hoofdkantoor Utrecht", desks=5)
    plan = OfficePlan.objects.create(week_start=MONDAY, status=PlanStatus.PROPOSED)
    OfficeAssignment.objects.create(
        plan=plan,
        person=alice,
        date=MONDAY,
        place=PlaceKind.OFFICE,
        location=office,
        reasons=[{"code": "fixed_day"}],
    )
    OfficeAssignment.objects.create(
        plan=plan, person=bob, date=MONDAY, place=PlaceKind.HOME, reasons=[{"code": "home"}]
    )
    return plan


def test_my_week_shows_my_days_and_meetings_only(alice, bob, plan, client_for):
    CalendarEventFactory(
        source=CalendarSourceFactory(person=alice),
        summary="Klantoverleg Alice",
        start=datetime(2026, 12, 7, 9, tzinfo=UTC),
    )
    CalendarEventFactory(
        source=CalendarSourceFactory(person=bob),
        summary="Geheim van Bob",
        start=datetime(2026, 12, 7, 10, tzinfo=UTC),
    )
    page = client_for(alice).get("/planning/?week=2026-12-07").content.decode()
    assert "Hoofdkantoor Utrecht" in page and "Klantoverleg Alice" in page
    assert "10:00" in page  # 09:00 UTC is 10:00 in Amsterdam
    assert "Geheim van Bob" not in page
    bobs = client_for(bob).get("/planning/?week=2026-12-07").content.decode()
    assert "Klantoverleg Alice" not in bobs and "Hoofdkantoor Utrecht" in bobs  # desk choice
    assert 'data-testid="place-2026-12-07">Thuis' in bobs or "Home" in bobs


def test_the_plan_page_is_for_managers_and_names_no_one(alice, bob, plan, client_for):
    assert client_for(alice).get("/planning/plan/?week=2026-12-07").status_code == 403
    manager = UserFactory(role_codes=["manager"])
    page = client_for(manager).get("/planning/plan/?week=2026-12-07").content.decode()
    assert 'data-testid="team-figures"' in page
    assert alice.full_name not in page and bob.full_name not in page
    assert "1 / 5" in page


def test_the_status_partial_is_a_partial(alice, plan, client_for):
    manager = UserFactory(role_codes=["manager"])
    response = client_for(manager).get(f"/planning/plan/{plan.pk}/status/", HTTP_HX_REQUEST="true")
    assert b"<html" not in response.content and b"plan-status" in response.content
    assert response["HX-Refresh"] == "true"
    assert client_for(alice).get(f"/planning/plan/{plan.pk}/status/").status_code == 403


def test_a_manager_approves_from_the_page(plan, client_for):
    manager = UserFactory(role_codes=["manager"])
    response = client_for(manager).post(f"/planning/plan/{plan.pk}/approve/")
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED


def test_uploading_a_calendar_and_a_broken_one(alice, client_for):
    client = client_for(alice)
    good = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:a@x\r\n"
        b"DTSTART:20261208T090000Z\r\nDTEND:20261208T100000Z\r\nSUMMARY:Overleg\r\n"
        b"END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    response = client.post(
        "/planning/calendars/upload/",
        {"file": SimpleUploadedFile("werk.ics", good)},
        follow=True,
    )
    assert CalendarSource.objects.get(person=alice).event_count == 1
    response = client.post(
        "/planning/calendars/upload/",
        {"file": SimpleUploadedFile("foto.ics", b"\x89PNG\x00\x00")},
        follow=True,
    )
    assert "foto.ics" in response.content.decode()
    assert CalendarSource.objects.filter(person=alice).count() == 1


def test_a_person_cannot_remove_someone_elses_calendar(alice, bob, client_for):
    source = CalendarSourceFactory(person=bob)
    assert client_for(alice).post(f"/planning/calendars/{source.pk}/remove/").status_code == 404
    assert CalendarSource.objects.filter(pk=source.pk).exists()


def test_swapping_through_the_page_reports_a_broken_rule(alice, plan, client_for):
    mine = plan.assignments.get(person=alice)
    response = client_for(alice).post(
        "/planning/swap/",
        {"week": "2026-12-07", "first": mine.pk, "second": mine.pk},
        follow=True,
    )
    assert response.status_code == 200
    mine.refresh_from_db()
    assert not mine.changed_by_hand


def test_my_week_page_query_count_does_not_grow_with_events(
    alice, plan, client_for, django_assert_max_num_queries
):
    source = CalendarSourceFactory(person=alice)
    for hour in range(8, 18):
        CalendarEventFactory(source=source, start=datetime(2026, 12, 8, hour, tzinfo=UTC))
    client = client_for(alice)
    with django_assert_max_num_queries(25):
        assert client.get("/planning/?week=2026-12-07").status_code == 200
