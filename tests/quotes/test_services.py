"""Quote services: yearly numbers, price history, totals stored from the lines, versions."""

from decimal import Decimal

import pytest

from wendbaar.audit.models import AuditEvent
from wendbaar.common.errors import BusinessRuleError
from wendbaar.quotes import services
from wendbaar.quotes.models import CatalogueItem, QuoteLine

pytestmark = pytest.mark.django_db


def test_quote_numbers_count_up_per_year(alice):
    first = services.quote_create(actor=alice, customer_name="Fam. Jansen")
    second = services.quote_create(actor=alice, customer_name="Bakkerij De Bol")
    year = first.year
    assert first.number == f"OFF-{year}-0001"
    assert second.number == f"OFF-{year}-0002"
    assert AuditEvent.objects.filter(action="quotes.quote_created").count() == 2


def test_catalogue_price_change_keeps_history(alice):
    item = services.catalogue_item_save(
        item=CatalogueItem(sku="CV-01", name="Combiketel", price=Decimal("1450.00")), actor=alice
    )
    item.name = "Combiketel HR"
    services.catalogue_item_save(item=item, actor=alice)
    item.price = Decimal("1499.00")
    services.catalogue_item_save(item=item, actor=alice)
    prices = list(item.price_history.values_list("price", "previous_price"))
    assert prices == [(Decimal("1499.00"), Decimal("1450.00")), (Decimal("1450.00"), None)]


def test_zero_price_is_refused(alice):
    with pytest.raises(BusinessRuleError):
        services.catalogue_item_save(
            item=CatalogueItem(sku="X", name="Gratis", price=Decimal("0")), actor=alice
        )
    assert not CatalogueItem.objects.exists()


def test_recalculate_and_version_snapshot(alice):
    quote = services.quote_create(actor=alice)
    QuoteLine.objects.create(
        quote=quote,
        position=1,
        description="Radiator 60 cm",
        quantity=Decimal("3"),
        unit="stuk",
        unit_price=Decimal("189.95"),
        cost_price=Decimal("170"),
        vat_rate="21",
    )
    QuoteLine.objects.create(
        quote=quote,
        position=2,
        description="Arbeid",
        quantity=Decimal("2"),
        unit="uur",
        unit_price=Decimal("62.50"),
        vat_rate="21",
    )
    services.quote_recalculate(quote=quote, minimum_margin=Decimal("15"))
    quote.refresh_from_db()
    assert quote.subtotal == Decimal("694.85")
    assert quote.vat_total == Decimal("145.92")
    assert quote.total == Decimal("840.77")
    assert quote.lines.get(position=1).below_margin
    version = services.quote_version_save(quote=quote, actor=alice, note="eerste opzet")
    assert version.number == 1
    assert version.snapshot["total"] == "840.77"
    assert [line["sku"] for line in version.snapshot["lines"]] == ["", ""]
    assert services.quote_version_save(quote=quote, actor=alice).number == 2


def test_admin_refuses_a_second_item_with_the_same_code(admin_user, client_for):
    services.catalogue_item_save(
        item=CatalogueItem(sku="CV-01", name="Ketel", price=Decimal("1400")), actor=admin_user
    )
    response = client_for(admin_user).post(
        "/admin/quotes/catalogueitem/add/",
        {"sku": "cv-01", "name": "Nog een", "unit": "stuk", "price": "10", "vat_rate": "21"},
    )
    assert response.status_code == 200
    assert b"already has this item code" in response.content
    assert CatalogueItem.objects.count() == 1


def test_admin_price_change_lands_in_history(admin_user, client_for):
    item = services.catalogue_item_save(
        item=CatalogueItem(sku="CV-01", name="Ketel", price=Decimal("1400")), actor=admin_user
    )
    data = {"sku": "CV-01", "name": "Ketel", "unit": "stuk", "price": "1450.00", "vat_rate": "21"}
    data.update({"price_history-TOTAL_FORMS": "0", "price_history-INITIAL_FORMS": "0"})
    response = client_for(admin_user).post(f"/admin/quotes/catalogueitem/{item.pk}/change/", data)
    assert response.status_code == 302, response.content[:2000]
    assert list(item.price_history.values_list("price", flat=True)) == [
        Decimal("1450.00"),
        Decimal("1400.00"),
    ]
