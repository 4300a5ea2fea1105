"""Catalogue import/export: accounting-export columns, a preview of what changes, all or nothing."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from wendbaar.audit.models import AuditEvent
from wendbaar.common.errors import BusinessRuleError
from wendbaar.quotes import catalogue, services
from wendbaar.quotes.models import CatalogueItem, PriceHistory

pytestmark = pytest.mark.django_db

EXACT_STYLE = (
    "Artikelcode;Omschrijving;Eenheid;Prijs excl. btw;BTW %;Inkoopprijs;Categorie\r\n"
    "CV-01;Combiketel HR 28 kW;stuk;1.450,00;21;1.080,00;Verwarming\r\n"
    "RAD-60;Radiator 60 x 60 cm;stuk;189,95;21 %;120,50;Verwarming\r\n"
    "ARB-U;Arbeid monteur;uur;62,50;21;;Arbeid\r\n"
    "ZP-01;Zonnepaneel 400 Wp;stuk;210,00;0;150;Zonne-energie\r\n"
    "ONDA;Onderaanneming dakwerk;uur;55,00;verlegd;;Onderaanneming\r\n"
)


def _csv(text: str, encoding="utf-8") -> bytes:
    return text.encode(encoding)


def _xlsx(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def test_preview_of_a_new_catalogue_writes_nothing(alice):
    preview = catalogue.catalogue_import(actor=alice, data=_csv(EXACT_STYLE), filename="a.csv")
    assert preview.counts == {"new": 5, "changed": 0, "unchanged": 0, "error": 0}
    assert preview.can_apply
    by_sku = {row.sku: row for row in preview.rows}
    assert by_sku["CV-01"].price == Decimal("1450.00")
    assert by_sku["CV-01"].values["cost_price"] == Decimal("1080.00")
    assert by_sku["RAD-60"].values["vat_rate"] == "21"
    assert by_sku["ZP-01"].values["vat_rate"] == "0"
    assert by_sku["ONDA"].values["vat_rate"] == "reverse"
    assert not CatalogueItem.objects.exists()


def test_apply_saves_all_rows_with_price_history_and_one_import_event(alice):
    catalogue.catalogue_import(actor=alice, data=_csv(EXACT_STYLE), filename="a.csv", apply=True)
    assert CatalogueItem.objects.count() == 5
    item = CatalogueItem.objects.get(sku="ARB-U")
    assert (item.name, item.unit, item.price, item.cost_price) == (
        "Arbeid monteur",
        "uur",
        Decimal("62.50"),
        None,
    )
    assert PriceHistory.objects.count() == 5
    event = AuditEvent.objects.get(action="quotes.catalogue_imported")
    assert event.data["new"] == 5
    assert event.actor_id == alice.pk


def test_second_import_shows_changed_prices_and_unchanged_rows(alice):
    catalogue.catalogue_import(actor=alice, data=_csv(EXACT_STYLE), apply=True)
    changed = EXACT_STYLE.replace("189,95", "199,95").replace("62,50", "64,00")
    changed += "VV-25;Vloerverwarming per m2;m2;45,00;21;;Verwarming\r\n"
    preview = catalogue.catalogue_import(actor=alice, data=_csv(changed))
    assert preview.counts == {"new": 1, "changed": 2, "unchanged": 3, "error": 0}
    assert preview.price_changes == 2
    rad = next(row for row in preview.rows if row.sku == "RAD-60")
    assert rad.old_price == Decimal("189.95")
    assert rad.changes == {"price": ["189.95", "199.95"]}
    catalogue.catalogue_import(actor=alice, data=_csv(changed), apply=True)
    history = PriceHistory.objects.filter(item__sku="RAD-60").values_list("price", flat=True)
    assert list(history) == [Decimal("199.95"), Decimal("189.95")]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("X-1;Gratis;stuk;0,00;21", "more than zero"),
        ("X-1;Min;stuk;-5,00;21", "more than zero"),
        ("X-1;Raar;stuk;twaalf;21", "not an amount"),
        ("X-1;Btw;stuk;10,00;19", "Unknown VAT rate"),
        ("X-1;Cent;stuk;10,005;21", "two decimals"),
        (";Zonder code;stuk;10,00;21", "empty"),
        ("X-1;;stuk;10,00;21", "needs a name"),
    ],
)
def test_bad_rows_are_shown_and_block_the_whole_import(alice, row, message):
    data = _csv("sku;naam;eenheid;prijs;btw\r\nOK-1;Goed;stuk;10,00;21\r\n" + row + "\r\n")
    preview = catalogue.catalogue_import(actor=alice, data=data)
    bad = preview.rows[1]
    assert bad.status == "error"
    assert message in " ".join(bad.errors)
    assert preview.rows[0].status == "new"
    assert not preview.can_apply
    with pytest.raises(BusinessRuleError, match="nothing was imported"):
        catalogue.catalogue_import(actor=alice, data=data, apply=True)
    assert not CatalogueItem.objects.exists()
    assert not AuditEvent.objects.filter(action="quotes.catalogue_imported").exists()


def test_duplicate_sku_marks_every_row_that_has_it(alice):
    data = _csv('sku,name,price\nA-1,Een,"10,00"\nB-1,Twee,5.00\na-1,Weer een,11.00\n')
    preview = catalogue.catalogue_preview(data=data)
    assert [row.status for row in preview.rows] == ["error", "new", "error"]
    assert "row 4" in preview.rows[0].errors[0]
    assert "row 2" in preview.rows[2].errors[0]


def test_wrong_encoding_is_refused_with_a_hint_and_can_be_named(alice):
    data = _csv("artikelcode;omschrijving;prijs\r\nK-1;Kraan \u00e9\u00e9n;12,50\r\n", "cp1252")
    with pytest.raises(BusinessRuleError, match="cp1252") as caught:
        catalogue.catalogue_preview(data=data)
    assert caught.value.code == "bad_encoding"
    preview = catalogue.catalogue_preview(data=data, encoding="cp1252")
    assert preview.rows[0].name == "Kraan \u00e9\u00e9n"


@pytest.mark.parametrize(
    ("data", "filename", "code"),
    [
        (b"", "x.csv", "bad_file"),
        (b"PK\x03\x04 not really a zip", "x.xlsx", "bad_file"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 old excel", "x.xls", "bad_file"),
        (b"code;titel\r\nA;B\r\n", "x.csv", "missing_columns"),
        (b"\x00\x01\x02\x03garbage", "x.csv", "bad_file"),
    ],
)
def test_broken_files_are_refused_as_a_whole(data, filename, code):
    with pytest.raises(BusinessRuleError) as caught:
        catalogue.catalogue_preview(data=data, filename=filename)
    assert caught.value.code == code


def test_xlsx_with_number_cells_and_percentage_vat(alice):
    data = _xlsx(
        [
            ["Artikelnummer", "Omschrijving", "Verkoopprijs", "BTW", "Voorraad", "Actief"],
            ["WP-8", "Warmtepomp 8 kW", 6250.5, 0.21, 3, "ja"],
            ["FLUE", "Rookgasafvoerset", 145, 21, None, "nee"],
            ["ISO", "Isolatie per m2", "18,75", "9%", 100, ""],
        ]
    )
    preview = catalogue.catalogue_import(actor=alice, data=data, filename="lijst.xlsx", apply=True)
    assert preview.applied
    wp = CatalogueItem.objects.get(sku="WP-8")
    assert (wp.price, wp.vat_rate, wp.stock, wp.is_active) == (Decimal("6250.50"), "21", 3, True)
    assert CatalogueItem.objects.get(sku="FLUE").is_active is False
    assert CatalogueItem.objects.get(sku="ISO").vat_rate == "9"


def test_export_round_trips_through_import(alice):
    catalogue.catalogue_import(actor=alice, data=_csv(EXACT_STYLE), apply=True)
    exported = catalogue.catalogue_export_csv()
    assert exported.splitlines()[0].startswith("sku;name;description;unit;price;vat")
    assert "ONDA;Onderaanneming dakwerk;;uur;55,00;verlegd" in exported
    preview = catalogue.catalogue_preview(data=exported.encode("utf-8-sig"))
    assert preview.counts["unchanged"] == 5


def test_existing_item_keeps_fields_the_file_does_not_have(alice):
    services.catalogue_item_save(
        item=CatalogueItem(sku="CV-01", name="Ketel", price=Decimal("1400"), category="CV"),
        actor=alice,
    )
    preview = catalogue.catalogue_import(
        actor=alice, data=_csv("sku;prijs\r\nCV-01;1500\r\n"), apply=True
    )
    assert preview.counts["changed"] == 1
    item = CatalogueItem.objects.get(sku="CV-01")
    assert (item.name, item.category, item.price) == ("Ketel", "CV", Decimal("1500.00"))


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("1.234,56", "1234.56"),
        ("1,234.56", "1234.56"),
        ("\u20ac 12,50", "12.50"),
        ("12.5", "12.5"),
        ("7", "7"),
    ],
)
def test_amounts_as_accounting_exports_write_them(text, amount):
    assert catalogue.parse_amount(text) == Decimal(amount)


def test_command_previews_then_applies(alice, tmp_path, capsys):
    path = tmp_path / "prijslijst.csv"
    path.write_text(EXACT_STYLE, encoding="utf-8")
    call_command("import_catalogue", str(path))
    assert "Preview: 5 new" in capsys.readouterr().out
    assert not CatalogueItem.objects.exists()
    call_command("import_catalogue", str(path), "--apply", "--user", alice.email)
    assert "Imported: 5 new" in capsys.readouterr().out
    assert CatalogueItem.objects.count() == 5
    out = tmp_path / "export.csv"
    call_command("export_catalogue", str(out))
    assert out.read_text(encoding="utf-8-sig").count("\n") == 6


def test_command_with_bad_rows_fails_and_saves_nothing(tmp_path):
    path = tmp_path / "prijslijst.csv"
    path.write_text("sku;naam;prijs\r\nA;Een;0\r\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_catalogue", str(path), "--apply")
    assert not CatalogueItem.objects.exists()


def test_title_above_header_and_blank_rows_keep_row_numbers(alice):
    data = _csv(
        "Artikellijst Installatiebedrijf Van Dam;;\r\n"
        "Peildatum 1-1-2026;;\r\n"
        "\r\n"
        "Artikelcode;Omschrijving;Prijs\r\n"
        "A-1;Een;10,00\r\n"
        "\r\n"
        "B-1;Twee;-1\r\n"
    )
    preview = catalogue.catalogue_preview(data=data)
    assert [(row.line, row.sku, row.status) for row in preview.rows] == [
        (5, "A-1", "new"),
        (7, "B-1", "error"),
    ]
