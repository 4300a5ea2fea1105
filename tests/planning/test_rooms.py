"""Meeting rooms: booked by hand with clear refusals (taken, too small, closed day, outside the
office day) and a warning for a location one is not at; a team moment proposed when a plan is
approved; everyone sees which rooms are taken, only the booker, the team and admins see what for;
only the booker, their team lead or an admin moves or cancels."""

from datetime import time, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.accounts.factories import LocationFactory, UserFactory
from wendbaar.accounts.choices import TeamRole
from wendbaar.accounts.models import Location, Membership
from wendbaar.common.errors import BusinessRuleError
from wendbaar.planning import selectors, services
from wendbaar.planning.choices import BookingSource, PlaceKind, PlanStatus
from wendbaar.planning.models import (
    DeskBooking,
    LocationCapacity,
    MeetingRoom,
    OfficeAssignment,
    OfficePlan,
    RoomBooking,
)

pytestmark = pytest.mark.django_db


def _next_monday():
    today = timezone.localdate()
    return today + timedelta(days=7 - today.weekday())


MONDAY = _next_monday()
TUESDAY = MONDAY + timedelta(days=1)
WEDNESDAY = MONDAY + timedelta(days=2)
SATURDAY = MONDAY + timedelta(days=5)


@pytest.fixture
def office():
    return LocationFactory(name="Hoofdkantoor", desks=10)


@pytest.fixture
def rooms(office):
    small = MeetingRoom.objects.create(location=office, name="Hok", seats=2)
    big = MeetingRoom.objects.create(location=office, name="Zaal", seats=8)
    services.meeting_rooms_sync(office)
    return {"small": small, "big": big}


@pytest.fixture
def carol(team_a):
    return UserFactory(full_name="Carol", teams=[team_a])


@pytest.fixture
def lead(team_a):
    person = UserFactory(full_name="Lotte Lead")
    Membership.objects.create(user=person, team=team_a, role=TeamRole.LEAD)
    return person


def _book(actor, room, day=MONDAY, start=time(10), end=time(11), **kwargs):
    return services.room_book(actor=actor, room=room, day=day, start=start, end=end, **kwargs)


def _refused(code, **kwargs):
    with pytest.raises(BusinessRuleError) as info:
        _book(**kwargs)
    assert info.value.code == code, info.value.message
    return str(info.value.message)


# -- admin-managed rooms keep the location's count ---------------------------------------------


def test_the_locations_room_count_follows_its_active_rooms(office, rooms):
    assert Location.objects.get(pk=office.pk).meeting_rooms == 2
    rooms["small"].is_active = False
    rooms["small"].save()
    assert services.meeting_rooms_sync(office) == 1
    assert Location.objects.get(pk=office.pk).meeting_rooms == 1


def test_the_admin_keeps_the_count_when_adding_a_room(office, rooms, client_for):
    root = UserFactory(email="root@example.nl", is_staff=True, is_superuser=True)
    response = client_for(root).post(
        "/admin/planning/meetingroom/add/",
        {"location": office.pk, "name": "Kas", "seats": 4, "is_active": "on"},
    )
    assert response.status_code == 302, response.content[:2000]
    assert Location.objects.get(pk=office.pk).meeting_rooms == 3


# -- booking by hand ---------------------------------------------------------------------------


def test_a_double_booking_is_refused_and_back_to_back_is_fine(alice, bob, rooms):
    _book(alice, rooms["big"], purpose="Klantgesprek")
    message = _refused(
        "double_booking", actor=bob, room=rooms["big"], start=time(10, 30), end=time(11, 30)
    )
    assert "Zaal is already booked from 10:00 to 11:00" in message
    assert "Klantgesprek" not in message and "Alice" not in message
    _refused("double_booking", actor=bob, room=rooms["big"], start=time(9), end=time(12))
    _book(bob, rooms["big"], start=time(11), end=time(12))  # starts as the other ends
    _book(bob, rooms["small"], start=time(10), end=time(11))  # another room
    assert RoomBooking.objects.count() == 3


def test_a_room_too_small_a_closed_day_and_times_outside_the_office_day(alice, office, rooms):
    message = _refused("too_small", actor=alice, room=rooms["small"], attendees=5)
    assert "Hok has 2 seats; this booking is for 5 people." in message
    assert "no meeting rooms open" in _refused(
        "closed_day", actor=alice, room=rooms["big"], day=SATURDAY
    )
    LocationCapacity.objects.create(location=office, weekday="wed", desks=5, rooms=0)
    _refused("closed_day", actor=alice, room=rooms["big"], day=WEDNESDAY)
    _refused("outside_office_day", actor=alice, room=rooms["big"], start=time(6), end=time(8))
    _refused("outside_office_day", actor=alice, room=rooms["big"], start=time(18), end=time(20))
    _refused("bad_times", actor=alice, room=rooms["big"], start=time(11), end=time(10))
    _refused("past", actor=alice, room=rooms["big"], day=timezone.localdate() - timedelta(days=1))
    assert not RoomBooking.objects.exists()


def test_only_the_rooms_open_that_day_can_be_in_use_at_once(alice, bob, office, rooms):
    LocationCapacity.objects.create(location=office, weekday="mon", desks=5, rooms=1)
    _book(alice, rooms["big"])
    _refused("rooms_full", actor=bob, room=rooms["small"])
    _book(bob, rooms["small"], start=time(11), end=time(12))


def test_not_being_at_the_location_warns_but_books(alice, office, rooms):
    result = _book(alice, rooms["big"])
    assert result.booking.pk and result.booking.source == BookingSource.HAND
    assert result.warnings and "not at Hoofdkantoor" in result.warnings[0]
    DeskBooking.objects.create(person=alice, date=TUESDAY, location=office)
    assert _book(alice, rooms["big"], day=TUESDAY).warnings == []
    elsewhere = LocationFactory(name="Hub Zwolle")
    DeskBooking.objects.create(person=alice, date=WEDNESDAY, location=elsewhere)
    assert "another location" in _book(alice, rooms["big"], day=WEDNESDAY).warnings[0]


def test_a_room_is_booked_for_ones_own_team_only(alice, team_b, rooms):
    with pytest.raises(BusinessRuleError) as info:
        _book(alice, rooms["big"], team=team_b)
    assert info.value.status_code == 403


# -- who sees what -----------------------------------------------------------------------------


def test_everyone_sees_rooms_taken_but_details_only_booker_team_and_admin(
    alice, bob, carol, admin_user, team_a, rooms
):
    team_booking = _book(alice, rooms["big"], purpose="Sprint review", team=team_a).booking
    private = _book(alice, rooms["small"], purpose="Functioneringsgesprek").booking

    def seen(user):
        rows = selectors.room_booking_list(user=user, start=MONDAY, end=MONDAY + timedelta(days=1))
        return {row["booking"].pk: row["details"] for row in rows}

    assert seen(bob) == {team_booking.pk: False, private.pk: False}  # taken, nothing more
    assert seen(carol) == {team_booking.pk: True, private.pk: False}  # her team's, not Alice's own
    assert seen(alice) == {team_booking.pk: True, private.pk: True}
    assert seen(admin_user) == {team_booking.pk: True, private.pk: True}
    assert seen(None) == {}


def test_only_the_booker_their_team_lead_or_an_admin_changes_a_booking(
    alice, bob, carol, lead, admin_user, rooms
):
    for outsider in (bob, carol):
        booking = _book(alice, rooms["big"]).booking
        with pytest.raises(BusinessRuleError) as info:
            services.room_booking_cancel(actor=outsider, booking=booking)
        assert info.value.status_code == 403
        with pytest.raises(BusinessRuleError):
            services.room_booking_move(actor=outsider, booking=booking, start=time(15))
        services.room_booking_cancel(actor=alice, booking=booking)
    for allowed in (lead, admin_user):
        booking = _book(alice, rooms["big"]).booking
        services.room_booking_cancel(actor=allowed, booking=booking)
        assert not RoomBooking.objects.filter(pk=booking.pk).exists()


def test_moving_keeps_the_checks_and_ignores_the_booking_itself(alice, bob, rooms):
    mine = _book(alice, rooms["big"]).booking
    _book(bob, rooms["big"], start=time(14), end=time(15))
    moved = services.room_booking_move(
        actor=alice, booking=mine, start=time(10, 30), end=time(11, 30)
    )
    assert (moved.booking.start, moved.booking.end) == (time(10, 30), time(11, 30))
    with pytest.raises(BusinessRuleError) as info:
        services.room_booking_move(actor=alice, booking=mine, start=time(14, 30), end=time(16))
    assert info.value.code == "double_booking"
    with pytest.raises(BusinessRuleError) as info:
        services.room_booking_move(actor=alice, booking=mine, room=rooms["small"], attendees=3)
    assert info.value.code == "too_small"
    mine.refresh_from_db()
    assert (mine.room_id, mine.start) == (rooms["big"].pk, time(10, 30))


# -- following from the plan -------------------------------------------------------------------


def _approved_plan(office, people_by_day, manager):
    plan = OfficePlan.objects.create(week_start=MONDAY, status=PlanStatus.PROPOSED)
    for day, people in people_by_day.items():
        for person in people:
            OfficeAssignment.objects.create(
                plan=plan, person=person, date=day, place=PlaceKind.OFFICE, location=office
            )
    services.plan_approve(actor=manager, plan=plan)
    return plan


def test_an_approved_plan_proposes_a_team_moment_where_three_meet(
    alice, bob, carol, lead, team_a, office, rooms
):
    manager = UserFactory(full_name="Mia Manager", role_codes=["manager"])
    # A hand booking holds the big room on Tuesday at 13:30: the team moment cannot have it.
    _book(bob, rooms["big"], day=TUESDAY, start=time(13, 30), end=time(14))
    _approved_plan(
        office,
        {
            MONDAY: [alice, carol, lead, bob],  # three of team A
            TUESDAY: [alice, carol],  # only two: no team moment
            WEDNESDAY: [alice, carol, lead],
        },
        manager,
    )
    proposed = RoomBooking.objects.filter(source=BookingSource.PLAN).order_by("date")
    assert [(b.date, b.team_id, b.room_id) for b in proposed] == [
        (MONDAY, team_a.pk, rooms["big"].pk),  # the small room seats 2, not 3
        (WEDNESDAY, team_a.pk, rooms["big"].pk),
    ]
    first = proposed[0]
    assert (first.start, first.end, first.attendees, first.booked_by) == (
        time(13),
        time(14),
        3,
        None,
    )
    # Team members see it; the team lead may move or cancel it, a member may not.
    assert selectors.may_see_room_details(carol, first)
    assert not selectors.may_see_room_details(bob, first)
    assert selectors.may_change_room_booking(lead, first)
    assert not selectors.may_change_room_booking(carol, first)
    moved = services.room_booking_move(actor=lead, booking=first, start=time(15), end=time(16))
    assert moved.booking.source == BookingSource.HAND and moved.booking.booked_by == lead


def test_no_team_moment_without_a_free_room(alice, carol, lead, bob, office, rooms):
    manager = UserFactory(full_name="Mia Manager", role_codes=["manager"])
    _book(bob, rooms["big"], start=time(12), end=time(15))
    _approved_plan(office, {MONDAY: [alice, carol, lead]}, manager)
    assert not RoomBooking.objects.filter(source=BookingSource.PLAN).exists()


# -- API and pages -----------------------------------------------------------------------------


def test_the_api_books_refuses_double_bookings_and_hides_others_purposes(
    alice, bob, rooms, token_for
):
    api = Client()
    alice_write = token_for(alice, ["planning:read", "planning:write"])
    body = {
        "room_id": rooms["big"].pk,
        "date": MONDAY.isoformat(),
        "start": "10:00",
        "end": "11:00",
        "attendees": 4,
        "purpose": "Offerte bespreken",
    }
    made = api.post(
        "/api/planning/rooms/bookings",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=alice_write,
    )
    assert made.status_code == 201, made.content
    assert made.json()["purpose"] == "Offerte bespreken" and made.json()["warnings"]
    bob_write = token_for(bob, ["planning:read", "planning:write"])
    again = api.post(
        "/api/planning/rooms/bookings",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=bob_write,
    )
    assert again.status_code == 409 and again.json()["error"]["code"] == "double_booking"
    read_only = api.post(
        "/api/planning/rooms/bookings",
        {**body, "start": "15:00", "end": "16:00"},
        content_type="application/json",
        HTTP_AUTHORIZATION=token_for(bob, ["planning:read"]),
    )
    assert read_only.status_code == 403
    listed = api.get(
        f"/api/planning/rooms/bookings?start={MONDAY.isoformat()}",
        HTTP_AUTHORIZATION=bob_write,
    ).json()
    assert [(row["room"], row["start"]) for row in listed] == [("Zaal", "10:00:00")]
    assert listed[0]["purpose"] is None and listed[0]["booked_by"] is None
    assert listed[0]["may_change"] is False
    booking_id = made.json()["id"]
    assert (
        api.delete(
            f"/api/planning/rooms/bookings/{booking_id}", HTTP_AUTHORIZATION=bob_write
        ).status_code
        == 403
    )
    assert (
        api.patch(
            f"/api/planning/rooms/bookings/{booking_id}",
            {"start": "11:00", "end": "12:00"},
            content_type="application/json",
            HTTP_AUTHORIZATION=alice_write,
        ).json()["start"]
        == "11:00:00"
    )
    assert (
        api.delete(
            f"/api/planning/rooms/bookings/{booking_id}", HTTP_AUTHORIZATION=alice_write
        ).status_code
        == 204
    )
    rooms_listed = api.get("/api/planning/rooms", HTTP_AUTHORIZATION=bob_write).json()
    assert {r["name"] for r in rooms_listed} == {"Hok", "Zaal"}


def test_the_rooms_page_books_and_shows_clear_messages(alice, bob, rooms, client_for):
    _book(alice, rooms["big"], purpose="Geheim overleg")
    browser = client_for(bob)
    page = browser.get(f"/planning/rooms/?date={MONDAY.isoformat()}")
    assert page.status_code == 200
    text = page.content.decode()
    assert "10:00\u201311:00" in text and "Geheim overleg" not in text
    form = {
        "room": rooms["big"].pk,
        "date": MONDAY.isoformat(),
        "start": "10:30",
        "end": "11:30",
        "attendees": 2,
        "return_date": MONDAY.isoformat(),
    }
    refused = browser.post("/planning/rooms/book/", form, follow=True).content.decode()
    assert "al gereserveerd van 10:00 tot 11:00" in refused  # the page is Dutch
    booked = browser.post(
        "/planning/rooms/book/", {**form, "room": rooms["small"].pk}, follow=True
    ).content.decode()
    assert "Ruimte gereserveerd." in booked and "niet in Hoofdkantoor" in booked
    assert RoomBooking.objects.filter(booked_by=bob, room=rooms["small"]).exists()
    week = client_for(alice).get("/planning/").content.decode()
    assert 'data-testid="rooms-link"' in week
