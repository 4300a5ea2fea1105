"""Demo catalogue of the installation firm: heating, ventilation, solar panels, labour and call-out
costs, and a few job bundles. Safe to run again: existing item codes are left as they are."""

from decimal import Decimal

from django.db import transaction

from wendbaar.accounts.selectors import organisation_get
from wendbaar.quotes import services
from wendbaar.quotes.choices import PriceSource
from wendbaar.quotes.models import Bundle, BundleItem, CatalogueItem

# sku, name, unit, price excl. VAT, VAT rate, cost price, category, lead time (days)
ITEMS = [
    ("ARB-MON", "Monteur per uur", "uur", "64.50", "21", "38.00", "Arbeid", None),
    ("ARB-LRL", "Leerling-monteur per uur", "uur", "39.50", "21", "22.00", "Arbeid", None),
    ("ARB-AVW", "Monteur avond/weekend per uur", "uur", "96.75", "21", "52.00", "Arbeid", None),
    (
        "VRK-ZONE1",
        "Voorrijkosten zone 1 (tot 15 km)",
        "keer",
        "35.00",
        "21",
        "12.00",
        "Voorrijkosten",
        None,
    ),
    (
        "VRK-ZONE2",
        "Voorrijkosten zone 2 (15-30 km)",
        "keer",
        "55.00",
        "21",
        "20.00",
        "Voorrijkosten",
        None,
    ),
    (
        "VRK-ZONE3",
        "Voorrijkosten zone 3 (30-50 km)",
        "keer",
        "79.00",
        "21",
        "30.00",
        "Voorrijkosten",
        None,
    ),
    ("CV-HR28", "HR-combiketel 28 kW CW4", "stuk", "1495.00", "21", "1090.00", "Verwarming", 3),
    ("CV-HR36", "HR-combiketel 36 kW CW5", "stuk", "1745.00", "21", "1280.00", "Verwarming", 5),
    (
        "CV-RGA",
        "Rookgasafvoer- en luchttoevoerset",
        "set",
        "185.00",
        "21",
        "112.00",
        "Verwarming",
        3,
    ),
    (
        "CV-DEMO",
        "Demontage en afvoer oude ketel",
        "keer",
        "145.00",
        "21",
        "40.00",
        "Verwarming",
        None,
    ),
    (
        "RAD-T22-600",
        "Paneelradiator type 22, 60 x 60 cm",
        "stuk",
        "159.00",
        "21",
        "98.00",
        "Verwarming",
        2,
    ),
    (
        "RAD-T22-1000",
        "Paneelradiator type 22, 60 x 100 cm",
        "stuk",
        "219.00",
        "21",
        "139.00",
        "Verwarming",
        2,
    ),
    ("RAD-TKR", "Thermostatische radiatorkraan", "stuk", "42.50", "21", "21.00", "Verwarming", 1),
    (
        "THERM-SLIM",
        "Slimme thermostaat (OpenTherm)",
        "stuk",
        "229.00",
        "21",
        "150.00",
        "Verwarming",
        2,
    ),
    (
        "VVW-M2",
        "Watervoerende vloerverwarming per m²",
        "m2",
        "48.00",
        "21",
        "26.00",
        "Verwarming",
        5,
    ),
    ("WP-LW8", "Lucht/water-warmtepomp 8 kW", "stuk", "6950.00", "21", "5200.00", "Warmtepomp", 15),
    ("WP-HYB", "Hybride warmtepomp 4 kW", "stuk", "3450.00", "21", "2490.00", "Warmtepomp", 10),
    (
        "MV-BOX",
        "Mechanische ventilatiebox met CO₂-sensor",
        "stuk",
        "595.00",
        "21",
        "380.00",
        "Ventilatie",
        3,
    ),
    (
        "MV-RENS",
        "Ventilatiekanalen reinigen (per woning)",
        "keer",
        "195.00",
        "21",
        "60.00",
        "Ventilatie",
        None,
    ),
    ("WTW-350", "WTW-unit 350 m³/h", "stuk", "2450.00", "21", "1750.00", "Ventilatie", 10),
    ("WTW-FLT", "Filterset WTW-unit", "set", "39.00", "21", "18.00", "Ventilatie", 1),
    ("ZP-410", "Zonnepaneel 410 Wp full black", "stuk", "189.00", "0", "125.00", "Zonnepanelen", 7),
    ("ZP-OMV5", "Omvormer 5 kW", "stuk", "1150.00", "0", "820.00", "Zonnepanelen", 7),
    (
        "ZP-MONT",
        "Montagemateriaal schuin dak per paneel",
        "stuk",
        "45.00",
        "0",
        "24.00",
        "Zonnepanelen",
        7,
    ),
    (
        "ZP-INST",
        "Installatie zonnepanelen per paneel",
        "stuk",
        "65.00",
        "0",
        "30.00",
        "Zonnepanelen",
        None,
    ),
    (
        "ONDA-DAK",
        "Dakdekker onderaanneming per uur (btw verlegd)",
        "uur",
        "58.00",
        "reverse",
        "45.00",
        "Onderaanneming",
        None,
    ),
]
BUNDLES = [
    (
        "cv-ketel vervangen",
        "Oude cv-ketel eruit, nieuwe HR-combiketel erin, met rookgasafvoer en 6 uur montage.",
        [("CV-HR28", "1"), ("CV-RGA", "1"), ("CV-DEMO", "1"), ("ARB-MON", "6")],
    ),
    (
        "radiator vervangen",
        "Een radiator vervangen door een paneelradiator met thermostaatkraan.",
        [("RAD-T22-600", "1"), ("RAD-TKR", "1"), ("ARB-MON", "1.5")],
    ),
    (
        "mechanische ventilatie vervangen",
        "Nieuwe MV-box met CO₂-sensor, kanalen gereinigd.",
        [("MV-BOX", "1"), ("MV-RENS", "1"), ("ARB-MON", "2")],
    ),
]


@transaction.atomic
def load_demo_quotes(*, actor=None) -> dict:
    """The demo catalogue and job bundles; returns how many were added."""
    organisation = organisation_get()
    existing = set(
        CatalogueItem.objects.for_organisation(organisation).values_list("sku", flat=True)
    )
    added = 0
    for sku, name, unit, price, vat, cost, category, lead in ITEMS:
        if sku in existing:
            continue
        services.catalogue_item_save(
            item=CatalogueItem(
                organisation=organisation,
                sku=sku,
                name=name,
                unit=unit,
                price=Decimal(price),
                vat_rate=vat,
                cost_price=Decimal(cost),
                category=category,
                lead_time_days=lead,
            ),
            actor=actor,
            source=PriceSource.IMPORT,
        )
        added += 1
    by_sku = {item.sku: item for item in CatalogueItem.objects.for_organisation(organisation)}
    bundles = 0
    for name, description, parts in BUNDLES:
        bundle, created = Bundle.objects.get_or_create(
            organisation=organisation, name=name, defaults={"description": description}
        )
        if not created:
            continue
        bundles += 1
        for position, (sku, quantity) in enumerate(parts, start=1):
            BundleItem.objects.create(
                bundle=bundle, item=by_sku[sku], quantity=Decimal(quantity), position=position
            )
    return {"items": added, "bundles": bundles}
