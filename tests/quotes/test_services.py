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
    assert "heeft deze artikelcode al" in response.content.decode()  # the admin page is Dutch
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


def _item(actor, sku="RAD-60", price="189.95", cost="120.00", vat="21"):
    return services.catalogue_item_save(
        item=CatalogueItem(
            sku=sku,
            name=sku,
            unit="stuk",
            price=Decimal(price),
            cost_price=Decimal(cost),
            vat_rate=vat,
        ),
        actor=actor,
    )


def test_lines_from_catalogue_and_bundle_update_totals(alice):
    from wendbaar.quotes.models import Bundle, BundleItem

    quote = services.quote_create(actor=alice)
    radiator = _item(alice)
    labour = _item(alice, sku="ARB", price="62.50", cost="35.00")
    services.quote_line_add(quote=quote, actor=alice, item=radiator, quantity=Decimal("3"))
    bundle = Bundle.objects.create(organisation=quote.organisation, name="Radiator plaatsen")
    BundleItem.objects.create(bundle=bundle, item=labour, quantity=Decimal("1.5"))
    services.quote_bundle_add(quote=quote, actor=alice, bundle=bundle, times=Decimal("2"))
    quote.refresh_from_db()
    lines = list(quote.lines.values_list("position", "sku", "quantity", "line_total"))
    assert lines == [
        (1, "RAD-60", Decimal("3.000"), Decimal("569.85")),
        (2, "ARB", Decimal("3.000"), Decimal("187.50")),
    ]
    assert quote.vat_total == Decimal("159.04")  # 21 % of 757.35 = 159.0435
    assert quote.total == Decimal("916.39")
    assert quote.lines.get(position=2).why == {"bundle": "Radiator plaatsen"}


def test_status_flow_issue_keeps_a_version_and_locks_lines(alice):
    quote = services.quote_create(actor=alice)
    with pytest.raises(BusinessRuleError, match="without lines"):
        services.quote_status_set(quote=quote, actor=alice, status="issued")
    services.quote_line_add(
        quote=quote, actor=alice, description="Voorrijkosten", unit_price=Decimal("45")
    )
    quote = services.quote_status_set(quote=quote, actor=alice, status="issued")
    assert quote.issued_at is not None
    assert quote.versions.count() == 1
    with pytest.raises(BusinessRuleError):
        services.quote_line_add(
            quote=quote, actor=alice, description="Nog iets", unit_price=Decimal("1")
        )
    with pytest.raises(BusinessRuleError):
        services.quote_status_set(quote=quote, actor=alice, status="draft")
    services.quote_status_set(quote=quote, actor=alice, status="accepted")
    assert AuditEvent.objects.filter(action="quotes.quote_status_changed").count() == 2


def test_expired_quote_cannot_be_accepted(alice):
    from datetime import timedelta

    from django.utils import timezone

    quote = services.quote_create(actor=alice, valid_until=timezone.localdate() - timedelta(days=1))
    services.quote_line_add(quote=quote, actor=alice, description="X", unit_price=Decimal("10"))
    services.quote_status_set(quote=quote, actor=alice, status="issued")
    with pytest.raises(BusinessRuleError, match="expired"):
        services.quote_status_set(quote=quote, actor=alice, status="accepted")
    services.quote_status_set(quote=quote, actor=alice, status="expired")


def test_negative_quantity_line_is_refused(alice):
    quote = services.quote_create(actor=alice)
    with pytest.raises(BusinessRuleError):
        services.quote_line_add(quote=quote, actor=alice, item=_item(alice), quantity=Decimal("-2"))
    assert not quote.lines.exists()


def test_demo_catalogue_loads_once_and_bundles_price_correctly(alice):
    from wendbaar.quotes import demo
    from wendbaar.quotes.models import Bundle

    assert demo.load_demo_quotes() == {"items": len(demo.ITEMS), "bundles": len(demo.BUNDLES)}
    assert demo.load_demo_quotes() == {"items": 0, "bundles": 0}
    quote = services.quote_create(actor=alice)
    bundle = Bundle.objects.get(name="cv-ketel vervangen")
    services.quote_bundle_add(quote=quote, actor=alice, bundle=bundle)
    quote.refresh_from_db()
    assert quote.subtotal == Decimal("2212.00")  # 1495 + 185 + 145 + 6 x 64.50
    assert quote.total == Decimal("2676.52")
