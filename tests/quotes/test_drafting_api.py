# ruff: noqa: F811 - fixtures are imported from test_drafting and used as arguments
"""Drafting over the API: POST /api/quotes/draft and /draft/preview for people who work on quotes,
GET/PUT /api/quotes/rules for managers and finance."""

import json

import pytest
from django.test import Client

from tests.quotes.test_drafting import (  # noqa: F401
    MAIL,
    RULES,
    assert_no_margin_figures,
    catalogue,
    house_rules,
    make_ticket,
    manager,
    margin_rules,
    seller,
)
from wendbaar.quotes import selectors
from wendbaar.quotes.models import Quote

pytestmark = pytest.mark.django_db


def post(client, url, body, **headers):
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def test_draft_returns_the_quote_with_lines_open_points_and_letter(seller, house_rules, client_for):
    response = post(client_for(seller), "/api/quotes/draft", {"request_text": MAIL})
    assert response.status_code == 201, response.content
    body = response.json()
    quote = Quote.objects.get()
    assert body["id"] == quote.pk and body["number"] == quote.number
    assert body["source"] == "api"
    assert body["customer_name"] == "Jan de Vries"
    lines = {line["sku"]: line for line in body["lines"]}
    assert lines["HEK-180"]["quantity"] == "6.000"
    assert lines["HEK-180"]["why"]["words"] == "6 schuttingdelen"
    assert 0 < lines["HEK-180"]["confidence"] <= 1
    assert body["open_points"] == ["Bestrating doen wij niet; niet geprijsd"]
    assert "Tuinscherm grenen 180 x 180" in body["covering_letter"]
    assert body["copilot_draft_id"] == quote.copilot_draft_id
    assert body["url"]


def test_draft_with_a_token_and_given_customer(seller, house_rules, token_for):
    response = post(
        Client(),
        "/api/quotes/draft",
        {"request_text": "Graag een tuinpoort in Leusden.", "customer": {"name": "Fam. Bakker"}},
        HTTP_AUTHORIZATION=token_for(seller, ["quotes:write"]),
    )
    assert response.status_code == 201, response.content
    assert response.json()["customer_name"] == "Fam. Bakker"


def test_draft_needs_a_quote_role(alice, house_rules, client_for):
    response = post(client_for(alice), "/api/quotes/draft", {"request_text": MAIL})
    assert response.status_code == 403
    assert not Quote.objects.exists()


def test_draft_from_a_ticket_and_a_ticket_of_another_team(
    seller, house_rules, team_a, team_b, client_for
):
    client = client_for(seller)
    other = make_ticket(team_b, email="ander@example.nl")
    response = post(client, "/api/quotes/draft", {"ticket_id": other.pk})
    assert response.status_code == 404
    assert post(client, "/api/quotes/draft", {"ticket_id": 999999}).status_code == 404
    assert not Quote.objects.exists()
    mine = make_ticket(team_a)
    response = post(client, "/api/quotes/draft", {"ticket_id": mine.pk})
    assert response.status_code == 201, response.content
    assert response.json()["ticket_id"] == mine.pk
    assert response.json()["source"] == "ticket"


def test_empty_request_is_400(seller, house_rules, client_for):
    response = post(client_for(seller), "/api/quotes/draft", {"request_text": " "})
    assert response.status_code == 400
    assert not Quote.objects.exists()


def test_preview_saves_nothing(seller, house_rules, client_for):
    response = post(
        client_for(seller), "/api/quotes/draft/preview", {"request_text": "Graag een tuinpoort."}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert "POORT" in {line["sku"] for line in body["lines"]}
    assert body["rules_error"] == ""
    assert not Quote.objects.exists()


def test_preview_with_other_rules_is_for_rule_editors(seller, manager, house_rules, client_for):
    body = {"request_text": "Graag een tuinpoort.", "rules_text": "[labour"}
    assert post(client_for(seller), "/api/quotes/draft/preview", body).status_code == 403
    response = post(client_for(manager), "/api/quotes/draft/preview", body)
    assert response.status_code == 200
    assert response.json()["lines"] == []
    assert "TOML" in response.json()["rules_error"]


def test_seller_learns_no_margin_figures_from_draft_or_preview(seller, margin_rules, client_for):
    client = client_for(seller)
    response = post(client, "/api/quotes/draft/preview", {"request_text": MAIL})
    assert response.status_code == 200, response.content
    body = response.json()
    assert_no_margin_figures(json.dumps(body["open_points"]))
    lines = {line["sku"]: line for line in body["lines"]}
    assert lines["HEK-180"]["discount_percent"] == "11.06"
    assert "minimummarge" in lines["HEK-180"]["discount_why"]
    for line in body["lines"]:
        assert_no_margin_figures(line["discount_why"])
        assert "11.06" not in line["discount_why"]
        assert_no_margin_figures(line["why"]["text"])
    assert any(p.startswith("POORT") and "minimummarge" in p for p in body["open_points"])
    response = post(client, "/api/quotes/draft", {"request_text": MAIL})
    assert response.status_code == 201, response.content
    drafted = response.json()
    assert_no_margin_figures(json.dumps(drafted["open_points"]))
    for line in drafted["lines"]:
        assert_no_margin_figures(line["why"]["text"])


def test_rules_get_and_put(manager, seller, catalogue, client_for):
    client = client_for(manager)
    assert client_for(seller).get("/api/quotes/rules").status_code == 403
    assert client.get("/api/quotes/rules").json()["rules_text"] == ""
    bad = client.put(
        "/api/quotes/rules",
        json.dumps({"rules_text": RULES.replace('"tuinpoort", "garden gate"', '"(x"')}),
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert "[[bundles]] 'tuinpoort' cues" in bad.json()["error"]["message"]
    assert selectors.quote_settings_get().rules_text == ""
    rules = RULES.replace('sku = "POORT"', 'sku = "POORT-XL"')
    ok = client.put(
        "/api/quotes/rules", json.dumps({"rules_text": rules}), content_type="application/json"
    )
    assert ok.status_code == 200, ok.content
    assert ok.json()["valid"] is True
    assert ok.json()["missing_skus"] == ["POORT-XL"]
    assert selectors.quote_settings_get().rules_text == rules
    forbidden = client_for(seller).put(
        "/api/quotes/rules", json.dumps({"rules_text": RULES}), content_type="application/json"
    )
    assert forbidden.status_code == 403
    assert selectors.quote_settings_get().rules_text == rules
