"""Catalogue pages: everyone of the organisation sees it; managers import with a preview first."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.accounts.factories import UserFactory
from wendbaar.quotes import services
from wendbaar.quotes.models import CatalogueItem, PriceHistory

pytestmark = pytest.mark.django_db

CSV = "artikelcode;omschrijving;prijs excl. btw;btw\r\nCV-01;Combiketel;1.450,00;21\r\nARB;Arbeid;62,50;21\r\n"


@pytest.fixture
def manager(team_a):
    return UserFactory(email="manager@example.nl", teams=[team_a], role_codes=["manager"])


def test_catalogue_lists_items_for_a_colleague(alice, client_for):
    services.catalogue_item_save(
        item=CatalogueItem(sku="RAD-60", name="Radiator 60 cm", price=Decimal("189.95")),
        actor=alice,
    )
    page = client_for(alice).get(reverse("quotes:catalogue"))
    assert page.status_code == 200
    assert b"RAD-60" in page.content
    assert b"189.95" in page.content or b"189,95" in page.content
    assert reverse("quotes:catalogue_import").encode() not in page.content


def test_nav_opens_quotes_on_the_quote_list(alice, client_for):
    response = client_for(alice).get(reverse("quotes:home"))
    assert response.status_code == 200
    assert response.templates[0].name == "quotes/quote_list.html"


def test_htmx_filter_returns_rows_only(alice, client_for):
    page = client_for(alice).get(reverse("quotes:catalogue"), {"q": "x"}, HTTP_HX_REQUEST="true")
    assert b"<html" not in page.content
    assert b"catalogue-empty" in page.content


def test_catalogue_needs_sign_in(client):
    response = client.get(reverse("quotes:catalogue"))
    assert response.status_code == 302


def test_colleague_without_rights_cannot_import(alice, client_for):
    assert client_for(alice).get(reverse("quotes:catalogue_import")).status_code == 403
    assert client_for(alice).get(reverse("quotes:catalogue_export")).status_code == 403


def test_upload_shows_preview_then_apply_saves(manager, client_for):
    client = client_for(manager)
    upload = SimpleUploadedFile("prijslijst.csv", CSV.encode(), content_type="text/csv")
    page = client.post(reverse("quotes:catalogue_import"), {"file": upload})
    assert page.status_code == 200
    assert b"import-preview" in page.content
    assert not CatalogueItem.objects.exists()
    digest = page.context["digest"]
    response = client.post(reverse("quotes:catalogue_import"), {"apply": "1", "digest": digest})
    assert response.status_code == 302
    assert CatalogueItem.objects.count() == 2
    assert PriceHistory.objects.count() == 2


def test_apply_with_an_unknown_digest_saves_nothing(manager, client_for):
    response = client_for(manager).post(
        reverse("quotes:catalogue_import"), {"apply": "1", "digest": "forged"}
    )
    assert b"import-error" in response.content
    assert not CatalogueItem.objects.exists()


def test_broken_upload_shows_a_clear_error(manager, client_for):
    upload = SimpleUploadedFile("lijst.xlsx", b"PK\x03\x04broken", content_type="application/zip")
    page = client_for(manager).post(reverse("quotes:catalogue_import"), {"file": upload})
    assert b"import-error" in page.content
    assert b"apply-form" not in page.content


def test_export_downloads_csv(manager, client_for):
    services.catalogue_item_save(
        item=CatalogueItem(sku="A", name="Een", price=Decimal("1.50")), actor=manager
    )
    response = client_for(manager).get(reverse("quotes:catalogue_export"))
    assert response["Content-Type"] == "text/csv"
    assert "A;Een;;stuk;1,50;21" in response.content.decode("utf-8-sig")


def test_item_page_shows_price_history_but_cost_only_to_managers(alice, manager, client_for):
    item = services.catalogue_item_save(
        item=CatalogueItem(
            sku="CV-01", name="Combiketel", price=Decimal("1400"), cost_price=Decimal("999.99")
        ),
        actor=manager,
    )
    item.price = Decimal("1450")
    services.catalogue_item_save(item=item, actor=manager)
    url = reverse("quotes:catalogue_item", args=[item.pk])
    page = client_for(alice).get(url)
    assert page.status_code == 200
    assert b"price-history" in page.content
    assert page.content.count(b"1450") >= 2 and b"1400" in page.content
    assert b"999.99" not in page.content and b"999,99" not in page.content
    manager_page = client_for(manager).get(url)
    assert b"999.99" in manager_page.content or b"999,99" in manager_page.content


def test_item_page_of_unknown_item_is_404(alice, client_for):
    assert client_for(alice).get(reverse("quotes:catalogue_item", args=[999])).status_code == 404


def test_quote_list_links_managers_to_house_rules_and_pilot(manager, team_a, client_for):
    page = client_for(manager).get(reverse("quotes:quote_list"))
    assert reverse("quotes:rules").encode() in page.content
    assert reverse("quotes:pilot").encode() in page.content
    seller = UserFactory(email="seller@example.nl", teams=[team_a], role_codes=["sales"])
    page = client_for(seller).get(reverse("quotes:quote_list"))
    assert reverse("quotes:rules").encode() not in page.content
    assert reverse("quotes:pilot").encode() not in page.content
