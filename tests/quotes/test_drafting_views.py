# ruff: noqa: F811 - fixtures are imported from test_drafting and used as arguments
"""Drafting in the browser: a new quote from an e-mail, a customer question or a short form; the
house rules page with its checks and dry run; the draft panel of a quote."""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from tests.quotes.test_drafting import (  # noqa: F401
    MAIL,
    RULES,
    catalogue,
    draft,
    house_rules,
    make_ticket,
    manager,
    seller,
)
from wendbaar.audit.models import AuditEvent
from wendbaar.quotes import drafting, selectors
from wendbaar.quotes.models import Quote

pytestmark = pytest.mark.django_db


def test_new_quote_page_needs_a_quote_role(alice, seller, client_for):
    assert client_for(alice).get(reverse("quotes:quote_new")).status_code == 403
    page = client_for(seller).get(reverse("quotes:quote_new"))
    assert page.status_code == 200
    assert b'data-testid="quote-new-email"' in page.content


def test_pasted_mail_drafts_the_quote_and_redirects_to_it(seller, house_rules, client_for):
    response = client_for(seller).post(
        reverse("quotes:quote_new"), {"mode": "email", "email-request_text": MAIL}
    )
    quote = Quote.objects.get()
    assert response.status_code == 302
    assert response.url == drafting.quote_url(quote)
    assert quote.source == "email"
    assert quote.lines.filter(sku="HEK-180", quantity=6).exists()
    assert quote.customer_name == "Jan de Vries"


def test_empty_mail_is_refused_with_a_message(seller, house_rules, client_for):
    response = client_for(seller).post(
        reverse("quotes:quote_new"), {"mode": "email", "email-request_text": "   "}
    )
    assert response.status_code == 200
    assert b"has-error" in response.content
    assert not Quote.objects.exists()


def test_short_form_keeps_the_given_customer(seller, house_rules, client_for):
    response = client_for(seller).post(
        reverse("quotes:quote_new"),
        {
            "mode": "form",
            "form-name": "Fam. Bakker",
            "form-email": "bakker@example.nl",
            "form-request_text": "Graag een tuinpoort in Amersfoort.",
            "form-language": "nl",
        },
    )
    assert response.status_code == 302
    quote = Quote.objects.get()
    assert quote.source == "form"
    assert quote.customer_name == "Fam. Bakker" and quote.customer_email == "bakker@example.nl"
    assert quote.lines.filter(sku="POORT").exists()


def test_ticket_list_shows_only_tickets_the_user_sees(
    seller, house_rules, team_a, team_b, client_for
):
    mine = make_ticket(team_a, subject="Schutting bij ons")
    make_ticket(team_b, subject="Geheime vraag", email="ander@example.nl")
    page = client_for(seller).get(reverse("quotes:quote_new"), {"mode": "ticket"})
    assert f"#{mine.pk} Schutting bij ons".encode() in page.content
    assert b"Geheime vraag" not in page.content


def test_quote_from_a_ticket(seller, house_rules, team_a, client_for):
    ticket = make_ticket(team_a)
    response = client_for(seller).post(
        reverse("quotes:quote_new"), {"mode": "ticket", "ticket-ticket": ticket.pk}
    )
    assert response.status_code == 302
    quote = Quote.objects.get()
    assert quote.ticket == ticket and quote.source == "ticket"


def test_ticket_of_another_team_is_404(seller, house_rules, team_b, client_for):
    ticket = make_ticket(team_b)
    client = client_for(seller)
    response = client.post(
        reverse("quotes:quote_new"), {"mode": "ticket", "ticket-ticket": ticket.pk}
    )
    assert response.status_code == 404
    assert client.get(reverse("quotes:quote_new"), {"ticket": ticket.pk}).status_code == 404
    assert not Quote.objects.exists()


def test_rules_page_is_for_managers_and_finance(alice, seller, manager, client_for):
    assert client_for(alice).get(reverse("quotes:rules")).status_code == 403
    assert client_for(seller).get(reverse("quotes:rules")).status_code == 403
    assert client_for(manager).get(reverse("quotes:rules")).status_code == 200


def test_rules_check_names_section_and_entry(manager, catalogue, client_for):
    broken = RULES.replace('"tuinpoort", "garden gate"', '"(tuinpoort"')
    page = client_for(manager).post(
        reverse("quotes:rules"), {"rules_text": broken, "action": "check"}
    )
    assert page.status_code == 200
    assert b'data-testid="rules-error"' in page.content
    assert b"[[bundles]] &#x27;tuinpoort&#x27; cues" in page.content
    assert selectors.quote_settings_get().rules_text == ""


def test_rules_check_lists_missing_skus(manager, catalogue, client_for):
    rules = RULES.replace('sku = "POORT"', 'sku = "POORT-XL"')
    page = client_for(manager).post(
        reverse("quotes:rules"), {"rules_text": rules, "action": "check"}
    )
    assert b'data-testid="rules-missing"' in page.content
    assert b"<code>POORT-XL</code>" in page.content


def test_dry_run_uses_the_edited_rules_and_saves_nothing(manager, house_rules, client_for):
    edited = RULES.replace("labour = { standard = 2 }", "labour = { standard = 5 }")
    page = client_for(manager).post(
        reverse("quotes:rules"),
        {"rules_text": edited, "sample": "Graag een tuinpoort in Leusden.", "action": "try"},
    )
    assert page.status_code == 200
    preview = page.context["preview"]
    labour = next(line for line in preview.lines if line.sku == "ARB-UUR")
    assert labour.quantity == 5
    assert b'data-testid="rules-dry-run"' in page.content
    assert selectors.quote_settings_get().rules_text == RULES  # unchanged
    assert not Quote.objects.exists()


def test_saving_rules_stores_them_and_audits(manager, catalogue, client_for):
    response = client_for(manager).post(
        reverse("quotes:rules"), {"rules_text": RULES, "action": "save"}
    )
    assert response.status_code == 302
    settings = selectors.quote_settings_get()
    assert settings.rules_text == RULES.replace("\r\n", "\n")
    assert settings.rules_updated_by == manager
    assert AuditEvent.objects.filter(action="quotes.rules_updated").exists()


def test_saving_broken_rules_shows_the_error_and_keeps_the_old(manager, house_rules, client_for):
    page = client_for(manager).post(
        reverse("quotes:rules"), {"rules_text": "[labour", "action": "save"}
    )
    assert page.status_code == 200
    assert b'data-testid="rules-save-error"' in page.content
    assert selectors.quote_settings_get().rules_text == RULES


def test_draft_panel_shows_request_escaped_open_points_and_letter(seller, house_rules, team_a):
    ticket = make_ticket(team_a)
    quote = drafting.quote_draft_create(
        actor=seller,
        request_text=MAIL + "\n<script>alert('x')</script> <b>bestrating</b>",
        source="ticket",
        ticket=ticket,
    )
    html = render_to_string("quotes/_draft_panel.html", {"quote": quote, "user": seller})
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html
    assert "<b>bestrating" not in html
    assert 'data-testid="draft-open-points"' in html
    assert "Bestrating doen wij niet" in html
    assert 'data-testid="draft-letter"' in html
    assert 'data-testid="draft-confidence"' in html
    assert reverse("service:ticket_detail", args=[ticket.pk]) in html


def test_draft_panel_of_a_control_quote(seller, house_rules):
    from datetime import date

    house_rules.pilot_started_on = date(2020, 1, 1)
    house_rules.pilot_comparison = "control"
    house_rules.control_share = 90
    house_rules.save()
    draft(seller)
    control = draft(seller)  # quote 2 of the year lands in control at 90 %
    html = render_to_string("quotes/_draft_panel.html", {"quote": control, "user": seller})
    assert control.pilot_group == "control"
    assert 'data-testid="draft-control"' in html
    assert 'data-testid="draft-letter"' not in html
