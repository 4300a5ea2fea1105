"""The catalogue over the API: read with quotes:read; import (preview, apply) with quotes:write."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.accounts.factories import UserFactory
from wendbaar.quotes import services
from wendbaar.quotes.models import CatalogueItem

pytestmark = pytest.mark.django_db

CSV = b"artikelcode;omschrijving;prijs;btw\r\nCV-01;Combiketel;1.450,00;21\r\nZP;Paneel;0;21\r\n"


@pytest.fixture
def manager(team_a):
    return UserFactory(email="manager@example.nl", teams=[team_a], role_codes=["manager"])


def test_list_catalogue_with_a_read_token(alice, token_for):
    services.catalogue_item_save(
        item=CatalogueItem(
            sku="RAD", name="Radiator", price=Decimal("189.95"), cost_price=Decimal("120")
        ),
        actor=alice,
    )
    response = Client().get(
        "/api/quotes/catalogue?q=rad", HTTP_AUTHORIZATION=token_for(alice, ["quotes:read"])
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == 1
    assert body["items"][0]["sku"] == "RAD"
    assert Decimal(body["items"][0]["price"]) == Decimal("189.95")
    assert body["items"][0]["cost_price"] is None  # margins are for managers and finance


def test_manager_sees_cost_prices(manager, token_for):
    services.catalogue_item_save(
        item=CatalogueItem(sku="R", name="R", price=Decimal("2"), cost_price=Decimal("1.25")),
        actor=manager,
    )
    response = Client().get(
        "/api/quotes/catalogue", HTTP_AUTHORIZATION=token_for(manager, ["quotes:read"])
    )
    assert Decimal(response.json()["items"][0]["cost_price"]) == Decimal("1.25")


def test_import_preview_shows_errors_and_apply_is_refused(manager, token_for):
    auth = token_for(manager, ["quotes:read", "quotes:write"])
    api = Client()
    preview = api.post(
        "/api/quotes/catalogue/import",
        {"file": SimpleUploadedFile("lijst.csv", CSV)},
        HTTP_AUTHORIZATION=auth,
    )
    assert preview.status_code == 200, preview.content
    assert preview.json()["counts"] == {"new": 1, "changed": 0, "unchanged": 0, "error": 1}
    refused = api.post(
        "/api/quotes/catalogue/import",
        {"file": SimpleUploadedFile("lijst.csv", CSV), "apply": "true"},
        HTTP_AUTHORIZATION=auth,
    )
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "import_errors"
    assert not CatalogueItem.objects.exists()
    good = CSV.replace(b"ZP;Paneel;0;21", b"ZP;Paneel;210;0")
    applied = api.post(
        "/api/quotes/catalogue/import",
        {"file": SimpleUploadedFile("lijst.csv", good), "apply": "true"},
        HTTP_AUTHORIZATION=auth,
    )
    assert applied.status_code == 200, applied.content
    assert applied.json()["applied"] is True
    assert CatalogueItem.objects.count() == 2


def test_import_needs_write_scope_and_rights(alice, manager, token_for):
    read_only = Client().post(
        "/api/quotes/catalogue/import",
        {"file": SimpleUploadedFile("lijst.csv", CSV)},
        HTTP_AUTHORIZATION=token_for(manager, ["quotes:read"]),
    )
    assert read_only.status_code == 403
    no_rights = Client().post(
        "/api/quotes/catalogue/import",
        {"file": SimpleUploadedFile("lijst.csv", CSV)},
        HTTP_AUTHORIZATION=token_for(alice, ["quotes:read", "quotes:write"]),
    )
    assert no_rights.status_code == 403
