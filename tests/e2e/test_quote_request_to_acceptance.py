"""A quote from request to acceptance in the browser: a salesperson pastes a customer's e-mail,
gets a draft whose lines say why they are there and what is still open, issues the quote and sends
it; a real SMTP server receives it with the PDF and the accept link; the customer opens the link
in a fresh browser session, accepts with their name, and a second visit only shows the answer."""

import email
import re
import time
from decimal import Decimal
from email import policy

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.accounts.factories import TeamFactory, UserFactory
from tests.e2e.test_browser import sign_in
from wendbaar.accounts.selectors import organisation_get
from wendbaar.quotes.models import CatalogueItem, Quote, QuoteTemplate
from wendbaar.quotes.selectors import quote_settings_get

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

RULES = r"""
[labour]
standard = "ARB-UUR"

[[travel.zones]]
sku = "VRK-A"
places = ["Leusden", "Amersfoort"]

[[bundles]]
name = "schutting plaatsen"
cues = ["schutting\\w*", "tuinscherm\\w*"]
count = "number"
lines = [{ sku = "HEK-180", qty = 1 }, { sku = "HEK-PAAL", qty = 1 }]
labour = { standard = 1 }

[[not_offered]]
cues = ["bestrating"]
nl = "Bestrating doen wij niet; niet geprijsd"
en = "We do not lay paving; not priced"
"""

MAIL = """Beste,

Wij willen graag 6 schuttingdelen laten plaatsen in Leusden.
Ook de bestrating moet opnieuw.

Met vriendelijke groet,
Jan de Vries
jan.devries@example.nl
"""


@pytest.fixture
def quote_storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path


def test_from_pasted_mail_to_customer_acceptance(live_server, page, quote_storage, smtp_server):
    team = TeamFactory(name="Verkoop", slug="verkoop")
    UserFactory(
        email="sanne@example.nl", full_name="Sanne Verkoop", teams=[team], role_codes=["sales"]
    )
    organisation = organisation_get()
    for sku, name, unit, price in [
        ("ARB-UUR", "Arbeid vakman", "uur", "55.00"),
        ("VRK-A", "Voorrijkosten zone A", "stuk", "35.00"),
        ("HEK-180", "Tuinscherm grenen 180 x 180", "stuk", "89.95"),
        ("HEK-PAAL", "Betonpaal 10 x 10", "stuk", "19.50"),
    ]:
        CatalogueItem.objects.create(
            organisation=organisation, sku=sku, name=name, unit=unit, price=Decimal(price)
        )
    QuoteTemplate.objects.create(
        organisation=organisation,
        name="Standaard",
        is_default=True,
        intro="Beste {customer}, hierbij onze offerte.",
        company_name="Tuinwerk Leusden",
        company_email="info@tuinwerk.test",
    )
    settings = quote_settings_get()
    settings.rules_text = RULES
    settings.save()

    sign_in(page, live_server, "sanne@example.nl")
    page.goto(live_server.url + reverse("quotes:quote_new"))
    form = page.get_by_test_id("quote-new-email")
    form.locator("textarea[name=email-request_text]").fill(MAIL)
    form.locator("button[type=submit]").click()

    # The draft: lines with their reasons, paving as an open point, the customer recognised.
    expect(page.get_by_test_id("draft-panel")).to_be_visible()
    expect(page.get_by_test_id("quote-line")).to_have_count(4)  # panels, posts, labour, call-out
    expect(page.get_by_test_id("line-why").first).to_be_visible()
    expect(page.get_by_test_id("draft-open-points")).to_contain_text("Bestrating")
    quote = Quote.objects.get()
    assert quote.customer_email == "jan.devries@example.nl"
    assert {line.sku: line.quantity for line in quote.lines.all()} == {
        "HEK-180": 6,
        "HEK-PAAL": 6,
        "ARB-UUR": 6,
        "VRK-A": 1,
    }
    assert all(line.is_drafted for line in quote.lines.all())

    # Issue, then send: nothing leaves before the button is pressed.
    page.get_by_test_id("issue-button").click()
    expect(page.get_by_test_id("send-form")).to_be_visible()
    assert smtp_server.messages == []
    page.get_by_test_id("send-form").locator("input[name=to]").fill("jan.devries@example.nl")
    page.get_by_test_id("send-button").click()
    expect(page.get_by_test_id("issue-sent")).to_be_visible()
    deadline = time.monotonic() + 10
    while not smtp_server.messages and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(smtp_server.messages) == 1
    mail = email.message_from_bytes(smtp_server.messages[0].content, policy=policy.default)
    assert mail["To"] == "jan.devries@example.nl"
    pdfs = [
        part for part in mail.iter_attachments() if part.get_content_type() == "application/pdf"
    ]
    assert len(pdfs) == 1 and pdfs[0].get_content().startswith(b"%PDF")
    body = mail.get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"https?://\S+/quotes/accept/\S+/", body).group(0)
    assert link.startswith(live_server.url)

    # The customer, not signed in, accepts; a second visit says so and changes nothing.
    page.context.clear_cookies()
    page.goto(link)
    expect(page.get_by_test_id("public-total")).to_be_visible()
    page.get_by_test_id("public-form").locator("input[name=name]").fill("Jan de Vries")
    page.get_by_test_id("public-accept").click()
    expect(page.get_by_test_id("public-outcome")).to_be_visible()
    quote.refresh_from_db()
    assert quote.status == "accepted" and quote.decided_by_name == "Jan de Vries"
    decided_at = quote.decided_at
    page.goto(link)
    expect(page.get_by_test_id("public-outcome")).to_contain_text("Jan de Vries")
    expect(page.get_by_test_id("public-form")).to_have_count(0)
    quote.refresh_from_db()
    assert quote.decided_at == decided_at
    assert page.console_errors == []
