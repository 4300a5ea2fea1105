"""Managers and finance keep quote templates and job bundles in the browser and over the API:
validated with clear messages, nothing half-saved, audited; sellers and others cannot."""

import io
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.quotes.templates_data import image, template_fields
from wendbaar.audit.models import AuditEvent
from wendbaar.quotes import services
from wendbaar.quotes.models import Bundle, CatalogueItem, QuoteTemplate

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(team_a):
    return UserFactory(
        email="mona@example.nl", full_name="Mona Manager", teams=[team_a],
        role_codes=["manager"], language="en",
    )  # fmt: skip


@pytest.fixture
def sales(team_a):
    return UserFactory(
        email="sanne@example.nl", full_name="Sanne Verkoop", teams=[team_a],
        role_codes=["sales"], language="en",
    )  # fmt: skip


@pytest.fixture
def items(manager):
    rows = [
        ("KETEL-28", "Combiketel 28 kW", "stuk", "1650.00"),
        ("ROOKGAS", "Rookgasset", "set", "185.00"),
        ("SLOOP", "Oude ketel afvoeren", "keer", "145.00"),
        ("UUR", "Monteur per uur", "uur", "64.50"),
    ]
    made = {}
    for sku, name, unit, price in rows:
        made[sku] = services.catalogue_item_save(
            item=CatalogueItem(sku=sku, name=name, unit=unit, price=Decimal(price)), actor=manager
        )
    return made


def test_a_manager_makes_templates_and_one_default_stays(manager, client_for):
    client = client_for(manager)
    assert client.get(reverse("quotes:templates")).status_code == 200
    response = client.post(reverse("quotes:template_create"), template_fields(logo=image()))
    assert response.status_code == 302
    first = QuoteTemplate.objects.get()
    assert first.is_default and first.logo.name.endswith(".png")
    client.post(reverse("quotes:template_create"), template_fields(name="English", language="en"))
    second = QuoteTemplate.objects.get(name="English")
    first.refresh_from_db()
    assert second.is_default and not first.is_default  # a new default retires the old
    page = client.get(reverse("quotes:templates")).content.decode()
    assert "Standaard" in page and "English" in page and "with logo" in page
    # Change one: the form shows what is stored, the change is kept and audited.
    edit = reverse("quotes:template_edit", args=[first.pk])
    assert "Levering binnen twee weken." in client.get(edit).content.decode()
    client.post(edit, template_fields(validity_days="45", is_default=""))
    first.refresh_from_db()
    assert first.validity_days == 45
    events = AuditEvent.objects.filter(action="quotes.template_saved")
    assert events.count() == 3 and "validity_days" in events.latest("id").data["changed"]


def test_a_bad_template_is_refused_clearly_and_nothing_saved(manager, client_for):
    client = client_for(manager)
    fake = io.BytesIO(b"%PDF-1.4 not an image")
    fake.name = "logo.png"
    response = client.post(
        reverse("quotes:template_create"),
        template_fields(logo=fake, accent_colour="blue", validity_days="0"),
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "not a readable image" in html and "A colour like #1f5f8b." in html
    assert not QuoteTemplate.objects.exists()
    client.post(reverse("quotes:template_create"), template_fields())
    twice = client.post(reverse("quotes:template_create"), template_fields(name="standaard"))
    assert twice.status_code == 400 and "Another template already has this name." in (
        twice.content.decode()
    )
    assert QuoteTemplate.objects.count() == 1


def test_a_manager_keeps_job_bundles(manager, items, client_for):
    client = client_for(manager)
    data = {
        "name": "Cv-ketel vervangen",
        "description": "Oude ketel eruit, nieuwe combiketel erin.",
        "items": "KETEL-28 1\nROOKGAS 1\nSLOOP\nUUR 6",
        "is_active": "on",
    }
    assert client.post(reverse("quotes:bundle_create"), data).status_code == 302
    bundle = Bundle.objects.get()
    assert [(row.item.sku, row.quantity) for row in bundle.items.all()] == [
        ("KETEL-28", Decimal("1.000")),
        ("ROOKGAS", Decimal("1.000")),
        ("SLOOP", Decimal("1.000")),
        ("UUR", Decimal("6.000")),
    ]
    edit = reverse("quotes:bundle_edit", args=[bundle.pk])
    assert "UUR 6" in client.get(edit).content.decode()
    client.post(edit, {**data, "items": "KETEL-28 1\nUUR 7,5", "is_active": ""})
    bundle.refresh_from_db()
    assert not bundle.is_active
    assert [(row.item.sku, row.quantity) for row in bundle.items.all()] == [
        ("KETEL-28", Decimal("1.000")),
        ("UUR", Decimal("7.500")),
    ]
    listed = client.get(reverse("quotes:bundles")).content.decode()
    assert "Cv-ketel vervangen" in listed and "7.500 \u00d7 <code>UUR</code>" in listed
    assert AuditEvent.objects.filter(action="quotes.bundle_saved").count() == 2


@pytest.mark.parametrize(
    "items_text, message",
    [
        ("", "This field is required."),
        ("ONBEKEND 1", "Not in the active catalogue: ONBEKEND."),
        ("UUR 0", "Line 1: 0 is not a quantity between 0 and 10000."),
        ("UUR veel", "Line 1: veel is not a quantity"),
        ("UUR 1\nUUR 2", "UUR appears more than once."),
    ],
)
def test_a_bad_bundle_is_refused_clearly_and_nothing_saved(
    manager, items, client_for, items_text, message
):
    data = {"name": "Klus", "items": items_text, "is_active": "on"}
    response = client_for(manager).post(reverse("quotes:bundle_create"), data)
    assert response.status_code == 400 and message in response.content.decode()
    assert not Bundle.objects.exists()


def test_a_changed_bundle_that_fails_keeps_its_old_items(manager, items):
    from wendbaar.common.errors import BusinessRuleError
    from wendbaar.quotes import setup

    bundle = setup.bundle_save(
        actor=manager, bundle=None, name="Klus", items=[("UUR", Decimal("2"))]
    )
    with pytest.raises(BusinessRuleError, match="Not in the active catalogue"):
        setup.bundle_save(actor=manager, bundle=bundle, name="Klus", items=[("WEG", Decimal("1"))])
    assert [row.item.sku for row in bundle.items.all()] == ["UUR"]


def test_sellers_and_others_cannot_keep_templates_or_bundles(
    sales, manager, items, client_for, token_for
):
    for name in (
        "quotes:templates",
        "quotes:template_create",
        "quotes:bundles",
        "quotes:bundle_create",
    ):
        assert client_for(sales).get(reverse(name)).status_code == 403
    assert (
        client_for(sales).post(reverse("quotes:template_create"), template_fields()).status_code
        == 403
    )
    assert not QuoteTemplate.objects.exists()
    api = Client(HTTP_AUTHORIZATION=token_for(sales, ["quotes:read", "quotes:write"]))
    assert api.get("/api/quotes/bundles").status_code == 403
    refused = api.post(
        "/api/quotes/bundles",
        {"name": "Klus", "items": [{"sku": "UUR", "quantity": "1"}]},
        content_type="application/json",
    )
    assert refused.status_code == 403 and not Bundle.objects.exists()
    # The list links are there for managers only.
    assert (
        'data-testid="bundles-link"'
        in client_for(manager).get(reverse("quotes:home")).content.decode()
    )
    assert (
        'data-testid="bundles-link"'
        not in client_for(sales).get(reverse("quotes:home")).content.decode()
    )


def test_bundles_and_templates_over_the_api(manager, items, token_for):
    api = Client(HTTP_AUTHORIZATION=token_for(manager, ["quotes:read", "quotes:write"]))
    made = api.post(
        "/api/quotes/bundles",
        {
            "name": "Ketel",
            "description": "Ketel vervangen",
            "items": [{"sku": "KETEL-28", "quantity": "1"}, {"sku": "UUR", "quantity": "6"}],
        },
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    bundle_id = made.json()["id"]
    assert made.json()["items"] == [
        {"sku": "KETEL-28", "name": "Combiketel 28 kW", "quantity": "1.000"},
        {"sku": "UUR", "name": "Monteur per uur", "quantity": "6.000"},
    ]
    changed = api.put(
        f"/api/quotes/bundles/{bundle_id}",
        {"name": "Ketel", "is_active": False, "items": [{"sku": "UUR", "quantity": "8"}]},
        content_type="application/json",
    )
    assert changed.status_code == 200 and changed.json()["is_active"] is False
    bad = api.put(
        f"/api/quotes/bundles/{bundle_id}",
        {"name": "Ketel", "items": [{"sku": "NEE", "quantity": "1"}]},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "NEE" in bad.json()["error"]["message"]
    assert [b["name"] for b in api.get("/api/quotes/bundles").json()] == ["Ketel"]
    QuoteTemplate.objects.create(organisation=Bundle.objects.get().organisation, name="Std")
    templates = api.get("/api/quotes/templates").json()
    assert [t["name"] for t in templates] == ["Std"]
