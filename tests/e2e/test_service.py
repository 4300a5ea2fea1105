"""Customer questions in the browser: a customer asks about a leak on the public form, an agent
finds it in the queue with its priority and the signals behind the triage, corrects the priority,
has a reply drafted from a customer document (never from the internal one that also matches),
edits it and sends it; a real SMTP server receives the answer threaded to the question. An agent
of another team sees none of it."""

import email
import re
import time
from email import policy

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from tests.accounts.factories import TeamFactory, UserFactory
from tests.e2e.test_browser import sign_in
from wendbaar.accounts.selectors import organisation_get
from wendbaar.ai.search.backends import reset_backends
from wendbaar.copilot.models import Draft, Review
from wendbaar.knowledge import services as knowledge
from wendbaar.service import forms
from wendbaar.service.choices import TicketPriority
from wendbaar.service.models import Message, Queue, Ticket, TriageCorrection

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PUBLIC = (
    "Bij een lekkage van de warmtepomp sluit u eerst de watertoevoer af. Daarna belt u onze "
    "storingsdienst, die binnen vier uur bij u is. De storingsdienst is dag en nacht bereikbaar."
)
INTERNAL = (
    "Interne marges: op warmtepompen rekenen we 38 procent marge. De inkoopprijs bij de "
    "groothandel is 812 euro. Bij lekkage mag de monteur de voorrijkosten kwijtschelden."
)
SUBJECT = "Lekkage bij de warmtepomp"
QUESTION = (
    "Goedemiddag, sinds vanochtend is er lekkage bij onze warmtepomp: er staat water onder de "
    "binnenunit. Wat moet ik doen?"
)


@pytest.fixture
def service_storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    settings.SERVICE_FROM_EMAIL = "Warmtewerk Service <service@warmtewerk.test>"
    reset_backends()
    cache.clear()  # the public form's limit per address starts afresh
    yield tmp_path
    reset_backends()
    cache.clear()


def test_question_from_the_form_is_triaged_answered_from_customer_docs_and_sent(
    live_server, page, service_storage, smtp_server
):
    service = TeamFactory(name="Service", slug="service")
    facturen_team = TeamFactory(name="Administratie", slug="administratie")
    fatima = UserFactory(email="fatima@example.nl", full_name="Fatima El Amrani", teams=[service])
    UserFactory(email="bram@example.nl", full_name="Bram Smit", teams=[facturen_team])
    organisation = organisation_get()
    Queue.objects.create(
        organisation=organisation,
        name="Storingen",
        slug="storingen",
        description="Storingen aan cv-ketels en warmtepompen, lekkages, geen warm water.",
        cue_words="storing, lekkage, werkt niet, foutcode, kapot",
        team=service,
    )
    Queue.objects.create(
        organisation=organisation,
        name="Facturen",
        slug="facturen",
        description="Vragen over facturen, betalingen en incasso.",
        cue_words="factuur, betaling, incasso, rekening",
        team=facturen_team,
    )
    public = knowledge.document_import(
        actor=fatima,
        filename="storingsdienst.txt",
        data=PUBLIC.encode(),
        title="Storingsdienst voor klanten",
        team=service,
        tags=["klant"],
    ).document
    internal = knowledge.document_import(
        actor=fatima,
        filename="prijzen.txt",
        data=INTERNAL.encode(),
        title="Interne prijsafspraken",
        team=service,
        tags=["intern"],
    ).document

    # The customer asks on the public form, without signing in, and takes a few seconds for it:
    # the signed time stamp refuses forms that come back faster than a person types.
    page.goto(live_server.url + reverse("service:contact"))
    form = page.get_by_test_id("contact-form")
    form.locator("input[name=name]").fill("Jan Bakker")
    form.locator("input[name=email]").fill("jan.bakker@example.com")
    form.locator("input[name=subject]").fill(SUBJECT)
    form.locator("textarea[name=text]").fill(QUESTION)
    page.wait_for_timeout((forms.MIN_SECONDS + 1) * 1000)
    form.locator("button[type=submit]").click()
    expect(page.get_by_test_id("contact-thanks")).to_be_visible()
    # Spam is thanked too; only the database tells that the question was taken in.
    ticket = Ticket.objects.get(subject=SUBJECT)
    assert ticket.channel == "form" and ticket.customer.email == "jan.bakker@example.com"
    assert ticket.queue.slug == "storingen" and ticket.team == service
    assert "lekkage" in " ".join(ticket.triage_signals["queue"]).lower()
    question = ticket.messages.get(direction="in")

    # Fatima finds it in her queue with its priority.
    sign_in(page, live_server, "fatima@example.nl")
    page.goto(live_server.url + reverse("service:home"))
    language = page.locator("html").get_attribute("lang") or "nl"
    row = page.get_by_test_id("ticket-row").filter(has_text=SUBJECT)
    expect(row).to_have_count(1)
    with translation.override(language):
        predicted = ticket.get_priority_display()
    expect(row).to_contain_text(str(predicted))
    expect(row).to_contain_text("Storingen")

    # On the ticket page the triage shows the words behind its predictions.
    row.get_by_role("link", name=SUBJECT).click()
    expect(page.locator("h1")).to_contain_text(SUBJECT)
    expect(page.get_by_test_id("thread")).to_contain_text("binnenunit")
    expect(page.get_by_test_id("prediction-queue")).to_contain_text("lekkage")
    expect(page.get_by_test_id("prediction-priority")).to_contain_text("%")

    # She corrects the priority (htmx swaps the triage panel in place).
    corrected = next(v for v in ("urgent", "high") if v != ticket.priority)
    priority_row = page.get_by_test_id("prediction-priority")
    priority_row.locator("select[name=value]").select_option(corrected)
    priority_row.locator("button[type=submit]").click()
    with translation.override(language):
        corrected_label = str(dict(TicketPriority.choices)[corrected])
    expect(page.get_by_test_id("prediction-priority")).to_contain_text(corrected_label)
    expect(page.get_by_test_id("prediction-priority")).to_contain_text("100%")
    correction = TriageCorrection.objects.get(ticket=ticket)
    assert (correction.field, correction.predicted, correction.corrected) == (
        "priority",
        ticket.priority,
        corrected,
    )
    ticket.refresh_from_db()
    assert ticket.priority == corrected and ticket.team == service

    # A reply draft cites the customer document, not the internal one that also mentions lekkage.
    page.get_by_test_id("make-draft").click()
    reply_form = page.get_by_test_id("reply-form")
    expect(reply_form).to_be_visible()
    sources = page.locator("[data-testid=reply] .sources")
    expect(sources).to_contain_text("Storingsdienst voor klanten")
    expect(sources).not_to_contain_text("Interne prijsafspraken")
    textarea = reply_form.locator("textarea[name=text]")
    expect(textarea).to_have_value(re.compile("watertoevoer"))
    drafted = textarea.input_value()
    for secret in ("812", "marge", "groothandel", "kwijtschelden"):
        assert secret not in drafted
    draft = Draft.objects.get(kind="reply")
    refs = list(draft.sources.values_list("ref", flat=True))
    assert refs and all(r.startswith(f"document:{public.pk}#") for r in refs)
    assert not draft.sources.filter(ref__startswith=f"document:{internal.pk}#").exists()
    time.sleep(0.2)
    assert smtp_server.messages == []  # nothing goes out before the agent presses send

    # She edits the text and sends it.
    edited = drafted + "\n\nPS: onze monteur belt u vandaag nog."
    textarea.fill(edited)
    reply_form.locator("button[type=submit]").click()
    expect(page.get_by_test_id("thread")).to_contain_text("onze monteur belt u vandaag nog")
    expect(page.get_by_test_id("make-draft")).to_be_visible()  # the draft is used up

    deadline = time.monotonic() + 10
    while not smtp_server.messages and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(smtp_server.messages) == 1
    envelope = smtp_server.messages[0]
    assert envelope.rcpt_tos == ["jan.bakker@example.com"]
    sent = email.message_from_bytes(envelope.content, policy=policy.default)
    assert sent["Subject"] == f"Re: {SUBJECT} [#{ticket.pk}]"
    assert "onze monteur belt u vandaag nog" in sent.get_body(("plain",)).get_content()
    assert question.message_id, "the question from the form has a Message-ID to thread to"
    assert sent["In-Reply-To"] == question.message_id
    assert question.message_id in sent["References"]
    out = Message.objects.get(ticket=ticket, direction="out")
    assert out.message_id == sent["Message-ID"] and out.author == fatima and out.draft == draft
    review = Review.objects.get(draft=draft)
    assert review.decision == "edited" and review.edit_distance > 0
    ticket.refresh_from_db()
    assert ticket.first_response_at is not None and ticket.status == "waiting"
    assert page.console_errors == []

    # Bram works in another team: the ticket is not in his queue and its page does not exist.
    page.context.clear_cookies()
    sign_in(page, live_server, "bram@example.nl")
    page.goto(live_server.url + reverse("service:home"))
    expect(page.locator("body")).not_to_contain_text(SUBJECT)
    expect(page.get_by_test_id("ticket-row")).to_have_count(0)
    response = page.goto(live_server.url + reverse("service:ticket_detail", args=[ticket.pk]))
    assert response.status == 404
    page.console_errors.clear()
