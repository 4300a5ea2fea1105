"""Hybrid planning in the browser: a manager proposes the week's office plan; a person sees their
week with where they work each day and why, swaps a day, books a focus block and downloads it as
iCalendar; the manager approves and sees only team totals; a colleague never sees the first
person's meetings."""

from datetime import UTC, date, datetime

import pytest
from playwright.sync_api import expect

from tests.accounts.factories import LocationFactory, TeamFactory, UserFactory
from tests.e2e.test_browser import sign_in
from tests.planning.factories import CalendarEventFactory, CalendarSourceFactory, WorkPatternFactory
from wendbaar.planning.choices import PlaceKind, PlanStatus
from wendbaar.planning.models import FocusBlock, OfficeAssignment, OfficePlan

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MONDAY = date(2026, 12, 7)
WEEK = "?week=2026-12-07"


def test_plan_swap_focus_and_aggregates(live_server, page, settings, tmp_path):
    settings.PLANNING_SOLVE_SECONDS = 3
    office = LocationFactory(name="Hoofdkantoor Utrecht", desks=10)
    team = TeamFactory(name="Service", slug="service")
    sanne = UserFactory(email="sanne@example.nl", full_name="Sanne de Vries", teams=[team])
    UserFactory(email="ahmed@example.nl", full_name="Ahmed Yilmaz", teams=[team])
    UserFactory(email="thijs@example.nl", full_name="Thijs Vos", teams=[team])
    UserFactory(email="mia@example.nl", full_name="Mia Manager", role_codes=["manager"])
    for person in team.memberships.values_list("user", flat=True):
        pattern = WorkPatternFactory(person_id=person, min_office_days=2, max_office_days=2)
        pattern.locations.set([office])
    CalendarEventFactory(
        source=CalendarSourceFactory(person=sanne),
        summary="Offerte Bakkerij Jansen",
        start=datetime(2026, 12, 8, 8, tzinfo=UTC),  # Tuesday 09:00 in Amsterdam
    )

    # The manager proposes the week's plan; the planner runs at once in tests.
    sign_in(page, live_server, "mia@example.nl")
    page.goto(f"{live_server.url}/planning/plan/{WEEK}")
    page.get_by_test_id("propose-plan").click()
    expect(page.get_by_test_id("plan-status")).to_contain_text("Voorgesteld")
    plan = OfficePlan.objects.get(week_start=MONDAY)
    assert plan.status == PlanStatus.PROPOSED, plan.message

    # Sanne sees where she works each day and why.
    page.context.clear_cookies()
    sign_in(page, live_server, "sanne@example.nl")
    page.goto(f"{live_server.url}/planning/{WEEK}")
    mine = list(OfficeAssignment.objects.filter(plan=plan, person=sanne).order_by("date"))
    office_day = next(a for a in mine if a.place == PlaceKind.OFFICE)
    home_day = next(a for a in mine if a.place == PlaceKind.HOME)
    expect(page.get_by_test_id(f"place-{office_day.date}")).to_contain_text("Hoofdkantoor Utrecht")
    expect(page.get_by_test_id(f"reasons-{office_day.date}")).not_to_have_text("—")
    expect(page.get_by_test_id("my-week")).to_contain_text("Offerte Bakkerij Jansen")

    # She swaps an office day with a home day.
    page.locator("select[name=first]").select_option(str(office_day.pk))
    page.locator("select[name=second]").select_option(str(home_day.pk))
    page.get_by_role("button", name="Ruilen").click()
    expect(page.get_by_test_id(f"place-{home_day.date}")).to_contain_text("Hoofdkantoor Utrecht")
    expect(page.get_by_test_id(f"place-{office_day.date}")).not_to_contain_text("Hoofdkantoor")

    # She books a proposed focus block; it shows as booked and comes as iCalendar.
    page.get_by_test_id("focus-proposed").first.locator("button").click()
    expect(page.get_by_test_id("focus-booked")).to_have_count(1)
    block = FocusBlock.objects.get(person=sanne)
    with page.expect_download() as download:
        page.get_by_test_id("focus-ics").click()
    ics = tmp_path / "focus.ics"
    download.value.save_as(ics)
    text = ics.read_text(encoding="utf-8")
    assert text.startswith("BEGIN:VCALENDAR") and text.count("BEGIN:VEVENT") == 1
    assert block.start.strftime("%Y%m%dT") in text

    # The manager approves and sees counts per team and location only.
    page.context.clear_cookies()
    sign_in(page, live_server, "mia@example.nl")
    page.goto(f"{live_server.url}/planning/plan/{WEEK}")
    page.get_by_test_id("approve-plan").click()
    expect(page.get_by_test_id("plan-status")).to_contain_text("Goedgekeurd")
    expect(page.get_by_test_id("team-figures")).to_contain_text("Service")
    expect(page.get_by_test_id("team-load")).to_contain_text("3")
    body = page.locator("body")
    for private in ("Sanne de Vries", "Ahmed Yilmaz", "Offerte Bakkerij Jansen"):
        expect(body).not_to_contain_text(private)

    # Ahmed, in the same team, never sees Sanne's meeting or focus time.
    page.context.clear_cookies()
    sign_in(page, live_server, "ahmed@example.nl")
    page.goto(f"{live_server.url}/planning/{WEEK}")
    expect(page.get_by_test_id("my-week")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("Offerte Bakkerij Jansen")
    expect(page.get_by_test_id("focus-booked")).to_have_count(0)
    theirs = page.request.get(f"{live_server.url}/planning/focus.ics").text()
    assert "BEGIN:VEVENT" not in theirs
    assert page.console_errors == []
