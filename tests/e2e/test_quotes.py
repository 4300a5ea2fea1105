"""Quotes in the browser: a salesperson makes a quote, adds a radiator from the catalogue and a
free line, changes a quantity and sees the total change without a reload, moves a line, saves a
version and asks for approval (the total is above the threshold); a manager approves it. A
colleague without a quote role gets a 404 for the same quote."""

from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.accounts.factories import TeamFactory, UserFactory
from tests.e2e.test_browser import sign_in
from wendbaar.quotes import services
from wendbaar.quotes.models import CatalogueItem, Quote
from wendbaar.quotes.selectors import quote_settings_get

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_make_edit_version_and_approve_a_quote(live_server, page):
    team = TeamFactory(name="Verkoop", slug="verkoop")
    sanne = UserFactory(
        email="sanne@example.nl", full_name="Sanne Verkoop", teams=[team], role_codes=["sales"]
    )
    UserFactory(
        email="mark@example.nl", full_name="Mark Manager", teams=[team], role_codes=["manager"]
    )
    UserFactory(email="kees@example.nl", full_name="Kees Collega", teams=[team])
    services.catalogue_item_save(
        item=CatalogueItem(
            sku="RAD-60", name="Radiator 60 cm", unit="stuk", price=Decimal("189.95")
        ),
        actor=sanne,
    )
    settings = quote_settings_get()
    settings.approval_threshold = Decimal("500")
    settings.save()

    sign_in(page, live_server, "sanne@example.nl")
    page.goto(live_server.url + reverse("quotes:quote_list"))
    page.get_by_test_id("quote-blank").click()
    expect(page.get_by_test_id("quote-work")).to_be_visible()
    quote = Quote.objects.get()
    total = page.get_by_test_id("total-total")

    # From the catalogue: type, pick, add.
    page.get_by_test_id("picker-search").fill("RAD")
    page.get_by_test_id("picker-add").first.click()
    expect(page.get_by_test_id("quote-line")).to_have_count(1)
    expect(total).to_have_text("€ 229,84")  # 189,95 + 21 %

    # A free line with a description and a price.
    page.get_by_test_id("free-description").fill("Voorrijkosten")
    page.get_by_test_id("free-price").fill("45")
    page.get_by_test_id("free-add").click()
    expect(page.get_by_test_id("quote-line")).to_have_count(2)
    expect(total).to_have_text("€ 284,29")

    # A new quantity: lines and totals follow at once, the page is not reloaded.
    page.evaluate("window.__noReload = true")
    quantity = page.get_by_test_id("quote-line").first.get_by_test_id("line-quantity")
    quantity.fill("3")
    quantity.press("Tab")
    expect(total).to_have_text("€ 743,97")  # 3 x 189,95 + 45 = 614,85 + 129,12 VAT
    expect(page.get_by_test_id("quote-line").first.get_by_test_id("line-total")).to_have_text(
        "€ 569,85"
    )
    assert page.evaluate("window.__noReload") is True

    # Move the radiator down.
    page.get_by_test_id("quote-line").first.get_by_test_id("line-down").click()
    expect(
        page.get_by_test_id("quote-line").first.get_by_test_id("line-description")
    ).to_have_value("Voorrijkosten")
    assert list(quote.lines.values_list("description", flat=True)) == [
        "Voorrijkosten",
        "Radiator 60 cm",
    ]

    # Drag it back to the top by its handle (a small local script posts the new order).
    rows = page.get_by_test_id("quote-line")
    with page.expect_response(lambda r: "/lines/reorder/" in r.url) as reordered:
        rows.nth(1).locator(".drag-handle").drag_to(rows.nth(0))
    assert reordered.value.status == 200
    expect(rows.first.get_by_test_id("line-description")).to_have_value("Radiator 60 cm")
    assert list(quote.lines.values_list("description", flat=True)) == [
        "Radiator 60 cm",
        "Voorrijkosten",
    ]

    # Keep a version.
    page.get_by_test_id("version-note").fill("Eerste opzet")
    page.get_by_test_id("version-save").click()
    expect(page.get_by_test_id("version-row")).to_have_count(1)
    expect(page.get_by_test_id("version-row")).to_contain_text("Eerste opzet")

    # Above € 500: ask a manager.
    expect(page.get_by_test_id("approval-needed")).to_be_visible()
    page.get_by_test_id("request-approval").click()
    expect(page.get_by_test_id("approval-waiting")).to_be_visible()
    quote.refresh_from_db()
    assert quote.status == "in_approval"
    expect(page.get_by_test_id("approve")).to_have_count(0)
    assert page.console_errors == []

    # The manager approves.
    page.context.clear_cookies()
    sign_in(page, live_server, "mark@example.nl")
    page.goto(live_server.url + reverse("quotes:quote_list") + "?status=in_approval")
    page.get_by_role("link", name=quote.number).click()
    page.get_by_test_id("approve").click()
    expect(page.get_by_test_id("approved")).to_contain_text("Mark Manager")
    quote.refresh_from_db()
    assert quote.approved_by.full_name == "Mark Manager"
    assert quote.total == Decimal("743.97")
    assert quote.review_seconds >= 0
    assert page.console_errors == []

    # A colleague without a quote role does not find it.
    page.context.clear_cookies()
    sign_in(page, live_server, "kees@example.nl")
    response = page.goto(live_server.url + reverse("quotes:quote_detail", args=[quote.pk]))
    assert response.status == 404
    page.console_errors.clear()
