"""Quotes over the API: list, read, create, edit the header and lines, reorder, versions and
approval, with the same rules as the browser (404 without a quote role, 403 for non-managers)."""

import json
from decimal import Decimal

import pytest
from django.test import Client

from tests.accounts.factories import UserFactory
from wendbaar.quotes import services
from wendbaar.quotes.models import CatalogueItem, Quote
from wendbaar.quotes.selectors import quote_settings_get

pytestmark = pytest.mark.django_db

READ_WRITE = ["quotes:read", "quotes:write"]


@pytest.fixture
def sales(team_a):
    return UserFactory(email="sanne@example.nl", teams=[team_a], role_codes=["sales"])


@pytest.fixture
def manager(team_a):
    return UserFactory(email="manager@example.nl", teams=[team_a], role_codes=["manager"])


class Api:
    def __init__(self, auth):
        self.client = Client()
        self.auth = auth

    def _send(self, method, url, body=None):
        return getattr(self.client, method)(
            f"/api/quotes{url}",
            data=json.dumps(body) if body is not None else None,
            content_type="application/json",
            HTTP_AUTHORIZATION=self.auth,
        )

    def get(self, url):
        return self.client.get(f"/api/quotes{url}", HTTP_AUTHORIZATION=self.auth)

    def post(self, url, body=None):
        return self._send("post", url, body or {})

    def patch(self, url, body):
        return self._send("patch", url, body)

    def delete(self, url):
        return self._send("delete", url)


@pytest.fixture
def api_for(token_for):
    return lambda user, scopes=READ_WRITE: Api(token_for(user, scopes))


def test_create_edit_lines_and_read_totals(sales, api_for):
    radiator = services.catalogue_item_save(
        item=CatalogueItem(sku="RAD-60", name="Radiator 60 cm", price=Decimal("189.95")),
        actor=sales,
    )
    api = api_for(sales)
    created = api.post("/", {"customer_name": "Fam. <b>Jansen</b>", "reference": "Badkamer"})
    assert created.status_code == 201, created.content
    quote_id = created.json()["id"]
    assert created.json()["source"] == "api"
    body = api.post(f"/{quote_id}/lines", {"item_id": radiator.pk, "quantity": "2"}).json()
    assert Decimal(body["total"]) == Decimal("459.68")  # 379.90 + 79.78
    response = api.post(
        f"/{quote_id}/lines", {"description": "Voorrijkosten", "unit_price": "45", "vat_rate": "21"}
    )
    assert response.status_code == 201, response.content
    lines = response.json()["lines"]
    assert [line["sku"] for line in lines] == ["RAD-60", ""]
    first, second = (line["id"] for line in lines)
    body = api.patch(f"/{quote_id}/lines/{first}", {"quantity": "3"}).json()
    assert Decimal(body["subtotal"]) == Decimal("614.85")
    assert Decimal(body["total"]) == Decimal("743.97")
    body = api.post(f"/{quote_id}/lines/order", {"order": [second, first]}).json()
    assert [line["description"] for line in body["lines"]] == ["Voorrijkosten", "Radiator 60 cm"]
    body = api.patch(f"/{quote_id}", {"discount_kind": "amount", "discount_value": "14.85"}).json()
    assert Decimal(body["total"]) == Decimal("726.00")  # 600 + 21 %
    body = api.delete(f"/{quote_id}/lines/{second}").json()
    assert len(body["lines"]) == 1
    got = api.get(f"/{quote_id}").json()
    assert got["customer_name"] == "Fam. <b>Jansen</b>"  # JSON carries the text as typed
    listed = api.get("/?q=badkamer").json()
    assert listed["count"] == 1 and listed["items"][0]["number"] == got["number"]


def test_bad_input_is_refused_and_nothing_changes(sales, api_for):
    api = api_for(sales)
    quote_id = api.post("/", {}).json()["id"]
    assert api.post(f"/{quote_id}/lines", {"description": "X"}).status_code == 400
    assert api.post(f"/{quote_id}/lines", {"item_id": 999999}).status_code == 400
    line_id = api.post(f"/{quote_id}/lines", {"description": "X", "unit_price": "10"}).json()[
        "lines"
    ][0]["id"]
    bad = api.patch(f"/{quote_id}/lines/{line_id}", {"quantity": "-1"})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "negative_quantity"
    assert api.patch(f"/{quote_id}", {"customer_email": "geen"}).status_code == 400
    assert api.post(f"/{quote_id}/lines/order", {"order": [line_id, line_id]}).status_code == 400
    assert api.get("/?status=bogus").status_code == 400
    quote = Quote.objects.get(pk=quote_id)
    assert quote.customer_email == "" and quote.total == Decimal("12.10")


def test_versions_over_the_api(sales, api_for):
    api = api_for(sales)
    quote_id = api.post("/", {}).json()["id"]
    api.post(f"/{quote_id}/lines", {"description": "X", "unit_price": "10"})
    saved = api.post(f"/{quote_id}/versions", {"note": "eerste"})
    assert saved.status_code == 201 and saved.json()["number"] == 1
    assert saved.json()["snapshot"]["total"] == "12.10"
    assert [v["note"] for v in api.get(f"/{quote_id}/versions").json()] == ["eerste"]
    assert api.get(f"/{quote_id}/versions/1").json()["total"] == "12.10"
    assert api.get(f"/{quote_id}/versions/2").status_code == 404


def test_approval_over_the_api(sales, manager, api_for):
    settings = quote_settings_get()
    settings.approval_threshold = Decimal("10")
    settings.save()
    seller, boss = api_for(sales), api_for(manager)
    quote_id = seller.post("/", {}).json()["id"]
    body = seller.post(f"/{quote_id}/lines", {"description": "X", "unit_price": "10"}).json()
    assert body["approval_needed"] is True
    assert seller.post(f"/{quote_id}/approval/request", {"note": "graag"}).json()["status"] == (
        "in_approval"
    )
    refused = seller.post(f"/{quote_id}/approval/approve", {})
    assert refused.status_code == 403
    stale = boss.post(f"/{quote_id}/approval/approve", {"total_seen": "99.00"})
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "quote_changed"
    approved = boss.post(f"/{quote_id}/approval/approve", {"total_seen": "12.10"}).json()
    assert approved["status"] == "draft" and approved["approved_at"]
    # An edit drops the approval; asking again and being sent back works too.
    seller.patch(f"/{quote_id}", {"reference": "nieuw"})
    assert seller.get(f"/{quote_id}").json()["approved_at"] is None
    seller.post(f"/{quote_id}/approval/request", {})
    assert boss.post(f"/{quote_id}/approval/reject", {"note": ""}).status_code == 400
    rejected = boss.post(f"/{quote_id}/approval/reject", {"note": "te duur"}).json()
    assert rejected["status"] == "draft"


def test_member_without_quote_role_gets_404_and_cannot_create(alice, sales, api_for):
    quote = services.quote_create(actor=sales)
    line = services.quote_line_add(
        quote=quote, actor=sales, description="X", unit_price=Decimal("10")
    )
    api = api_for(alice)
    assert api.get("/").json()["count"] == 0
    assert api.get(f"/{quote.pk}").status_code == 404
    assert api.patch(f"/{quote.pk}", {"reference": "x"}).status_code == 404
    assert api.patch(f"/{quote.pk}/lines/{line.pk}", {"quantity": "5"}).status_code == 404
    assert api.delete(f"/{quote.pk}/lines/{line.pk}").status_code == 404
    assert api.post(f"/{quote.pk}/versions", {}).status_code == 404
    assert api.post(f"/{quote.pk}/approval/request", {}).status_code == 404
    assert api.post("/", {}).status_code == 403
    assert Quote.objects.count() == 1 and not quote.versions.exists()


def test_read_token_cannot_write_and_issued_quote_is_locked(sales, api_for):
    quote = services.quote_create(actor=sales)
    line = services.quote_line_add(
        quote=quote, actor=sales, description="X", unit_price=Decimal("10")
    )
    reader = api_for(sales, ["quotes:read"])
    assert reader.get(f"/{quote.pk}").status_code == 200
    assert reader.patch(f"/{quote.pk}", {"reference": "x"}).status_code == 403
    services.quote_status_set(quote=quote, actor=sales, status="issued")
    locked = api_for(sales).patch(f"/{quote.pk}/lines/{line.pk}", {"quantity": "5"})
    assert locked.status_code == 409 and locked.json()["error"]["code"] == "quote_not_editable"


def test_absurd_decimals_are_refused_with_400_and_change_nothing(sales, api_for):
    api = api_for(sales)
    quote_id = api.post("/", {}).json()["id"]
    line_id = api.post(f"/{quote_id}/lines", {"description": "X", "unit_price": "10"}).json()[
        "lines"
    ][0]["id"]
    for body in (
        {"quantity": "1e30"},
        {"quantity": 1e30},
        {"quantity": "123456789012.5"},
        {"unit_price": "1e30"},
        {"quantity": "99999999", "unit_price": "99999"},
    ):
        bad = api.patch(f"/{quote_id}/lines/{line_id}", body)
        assert bad.status_code == 400, (body, bad.content)
        assert bad.json()["error"]["code"] == "bad_number"
        assert bad.json()["error"]["message"], body  # says what is wrong, in the API language
    added = api.post(f"/{quote_id}/lines", {"description": "Y", "unit_price": "1e30"})
    assert added.status_code == 400 and added.json()["error"]["code"] == "bad_number"
    header = api.patch(f"/{quote_id}", {"discount_kind": "amount", "discount_value": "1e30"})
    assert header.status_code == 400 and header.json()["error"]["code"] == "bad_number"
    quote = Quote.objects.get(pk=quote_id)
    assert quote.lines.count() == 1 and quote.total == Decimal("12.10")
    assert quote.lines.get().quantity == Decimal("1") and quote.discount_value == Decimal("0")
