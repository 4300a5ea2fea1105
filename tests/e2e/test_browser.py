import re

import pytest
from playwright.sync_api import expect

from tests.accounts.factories import PASSWORD, TeamFactory, UserFactory
from tests.copilot.factories import DraftFactory, DraftSourceFactory
from wendbaar.copilot.models import Draft

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_sign_in_switch_language_and_review_a_draft_from_the_inbox(live_server, page, settings):
    team = TeamFactory(name="Service & Onderhoud", slug="service")
    fatima = UserFactory(email="fatima@example.nl", full_name="Fatima El Amrani", teams=[team])
    draft = DraftFactory(
        owner=fatima,
        assignee=fatima,
        team=team,
        title="Antwoord: lekkende cv-ketel",
        confidence=0.81,
    )
    DraftSourceFactory(
        draft=draft,
        position=1,
        title="Onderhoudscontract",
        quote="Bij lekkage komt een monteur binnen 24 uur.",
    )

    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.locator("h1")).to_have_text("Inloggen bij Wendbaar")
    page.get_by_label("E-mailadres").fill("fatima@example.nl")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_test_id("nav-inbox")).to_contain_text("Mijn concepten")

    page.get_by_test_id("language-switch").get_by_role("button", name="EN").click()
    expect(page.get_by_test_id("nav-inbox")).to_contain_text("My drafts")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.get_by_test_id("nav-inbox").click()
    inbox = page.get_by_test_id("draft-inbox")
    expect(inbox).to_contain_text("Antwoord: lekkende cv-ketel")
    expect(inbox).to_contain_text("81%")
    page.screenshot(path=str(live_server_screenshot_dir() / "inbox.png"), full_page=True)

    inbox.get_by_role("link", name="Antwoord: lekkende cv-ketel").click()
    expect(page.locator(".sources")).to_contain_text("Bij lekkage komt een monteur binnen 24 uur.")
    page.screenshot(path=str(live_server_screenshot_dir() / "draft.png"), full_page=True)
    page.get_by_role("button", name="Accept", exact=True).click()
    expect(page.get_by_test_id("draft-inbox")).to_contain_text("No drafts are waiting for you.")
    assert Draft.objects.get(pk=draft.pk).status == "accepted"
    assert page.console_errors == []


def test_htmx_filter_updates_the_inbox_without_a_full_reload(live_server, page):
    team = TeamFactory()
    user = UserFactory(email="joost@example.nl", teams=[team])
    DraftFactory(
        owner=user, assignee=user, team=team, title="Notulen maandoverleg", capability="meetings"
    )
    DraftFactory(
        owner=user, assignee=user, team=team, title="Offerte warmtepomp", capability="quotes"
    )
    sign_in(page, live_server, "joost@example.nl")
    page.goto(f"{live_server.url}/drafts/")
    page.evaluate("window.__marker = 'same page'")
    page.locator("select[name=capability]").select_option("quotes")
    expect(page.get_by_test_id("draft-inbox")).not_to_contain_text("Notulen maandoverleg")
    expect(page.get_by_test_id("draft-inbox")).to_contain_text("Offerte warmtepomp")
    assert page.evaluate("window.__marker") == "same page"
    assert "capability=quotes" in page.url
    assert page.console_errors == []


def sign_in(page, live_server, email):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_test_id("nav-inbox")).to_be_visible()


def live_server_screenshot_dir():
    from pathlib import Path

    path = Path("var/test/screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


def test_admin_adds_a_team_member_in_place_with_htmx(live_server, page):
    team = TeamFactory(name="Projecten", slug="projecten")
    UserFactory(email="beheer@example.nl", full_name="Anna Beheer", role_codes=["admin"])
    UserFactory(email="thijs@example.nl", full_name="Thijs Vos")
    sign_in(page, live_server, "beheer@example.nl")
    page.goto(f"{live_server.url}/accounts/teams/projecten/")
    page.evaluate("window.__marker = 'same page'")
    page.get_by_label("Persoon").select_option(label="Thijs Vos")
    page.get_by_label("Rol in team").select_option(label="Teamleider")
    page.get_by_role("button", name="Aan team toevoegen").click()
    expect(page.locator("#members tbody")).to_contain_text("Thijs Vos")
    assert page.evaluate("window.__marker") == "same page"
    assert team.memberships.get(user__email="thijs@example.nl").role == "lead"
    assert page.console_errors == []
