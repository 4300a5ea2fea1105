"""Catalogue export as CSV and XLSX in the browser, the API and the CLI: the same columns, a file
that imports back with no changes, text that never turns into a formula, only for those who may
import the catalogue."""

import csv
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from tests.accounts.factories import UserFactory
from wendbaar.quotes import catalogue, services
from wendbaar.quotes.choices import VatRate
from wendbaar.quotes.models import CatalogueItem

pytestmark = pytest.mark.django_db

XLSX = catalogue.XLSX_CONTENT_TYPE
FORMULA_NAME = '=HYPERLINK("https://evil.example","klik")'


@pytest.fixture
def manager(team_a):
    return UserFactory(email="manager@example.nl", teams=[team_a], role_codes=["manager"])


@pytest.fixture
def finance(team_a):
    return UserFactory(email="finance@example.nl", teams=[team_a], role_codes=["finance"])


@pytest.fixture
def sales(team_a):
    return UserFactory(email="sales@example.nl", teams=[team_a], role_codes=["sales"])


@pytest.fixture
def items(manager):
    rows = [
        {
            "sku": "CV-01",
            "name": "Combiketel HR 28 kW",
            "description": "Inclusief; montageset\nen rookgasafvoer",
            "price": Decimal("1450.00"),
            "cost_price": Decimal("1080.00"),
            "stock": 3,
            "lead_time_days": 5,
            "category": "Verwarming",
        },
        {"sku": "00123", "name": "Radiator 60 x 60 cm", "price": Decimal("189.95"), "unit": "stuk"},
        {
            "sku": "ONDA",
            "name": "Onderaanneming dakwerk",
            "unit": "uur",
            "price": Decimal("55.00"),
            "vat_rate": VatRate.REVERSE_CHARGED,
        },
        {
            "sku": "ZP-01",
            "name": "Zonnepaneel 400 Wp",
            "price": Decimal("210.00"),
            "vat_rate": VatRate.ZERO,
            "cost_price": Decimal("0.00"),
            "stock": -2,
        },
        {"sku": "BOEK", "name": "Boekje", "price": Decimal("12.50"), "vat_rate": VatRate.LOW},
        {"sku": "OUD", "name": "Oude ketel", "price": Decimal("999.99"), "is_active": False},
        {
            "sku": "=1+1",
            "name": FORMULA_NAME,
            "description": "+31 6 12345678",
            "price": Decimal("1.00"),
            "category": "@groep",
            "unit": "-",
        },
    ]
    for row in rows:
        services.catalogue_item_save(item=CatalogueItem(**row), actor=manager)
    return rows


def _xlsx_rows(data: bytes) -> list[list]:
    book = load_workbook(io.BytesIO(data))
    return [list(row) for row in book.worksheets[0].iter_rows()]


@pytest.mark.parametrize(
    ("file_format", "filename"), [("csv", "catalogus.csv"), ("xlsx", "catalogus.xlsx")]
)
def test_export_imports_back_with_no_changes(items, file_format, filename):
    data, _content_type = catalogue.catalogue_export(file_format=file_format)
    preview = catalogue.catalogue_preview(data=data, filename=filename)
    assert [row.errors for row in preview.rows if row.errors] == []
    assert {row.sku: row.changes for row in preview.rows if row.changes} == {}
    assert preview.counts == {"new": 0, "changed": 0, "unchanged": len(items), "error": 0}
    assert set(preview.columns) == set(catalogue.EXPORT_COLUMNS)


def test_csv_and_xlsx_have_the_same_columns_and_values(items):
    csv_rows = [line.split(";") for line in catalogue.catalogue_export_csv().splitlines()[:1]]
    sheet = _xlsx_rows(catalogue.catalogue_export_xlsx())
    assert [cell.value for cell in sheet[0]] == csv_rows[0] == catalogue.EXPORT_COLUMNS
    by_sku = {row[0].value: row for row in sheet[1:]}
    assert len(by_sku) == len(items)
    boiler = [cell.value for cell in by_sku["CV-01"]]
    assert boiler[:4] == [
        "CV-01",
        "Combiketel HR 28 kW",
        "Inclusief; montageset\nen rookgasafvoer",
        "stuk",
    ]
    assert boiler[4:] == [1450, "21", 1080, 3, 5, "Verwarming", "ja"]
    assert [cell.value for cell in by_sku["ONDA"]][5] == "verlegd"
    assert [cell.value for cell in by_sku["BOEK"]][5] == "9"
    assert [cell.value for cell in by_sku["OUD"]][10] == "nee"
    assert by_sku["00123"][0].data_type == "s"  # leading zeros kept


def test_xlsx_prices_are_numbers_with_two_decimals(items):
    sheet = _xlsx_rows(catalogue.catalogue_export_xlsx())
    by_sku = {row[0].value: row for row in sheet[1:]}
    radiator, boiler, panel = by_sku["00123"], by_sku["CV-01"], by_sku["ZP-01"]
    assert radiator[4].data_type == "n"
    assert radiator[4].number_format == "0.00"
    assert Decimal(str(radiator[4].value)) == Decimal("189.95")
    assert boiler[6].number_format == "0.00"
    assert panel[6].value == 0  # a zero cost price is a number, not empty
    assert radiator[6].value is None  # no cost price: an empty cell


def test_xlsx_text_that_looks_like_a_formula_stays_text(items):
    data = catalogue.catalogue_export_xlsx()
    sheet = _xlsx_rows(data)
    row = next(row for row in sheet[1:] if row[0].value == "=1+1")
    assert [(cell.value, cell.data_type) for cell in (row[0], row[1], row[2], row[3], row[9])] == [
        ("=1+1", "s"),
        (FORMULA_NAME, "s"),
        ("+31 6 12345678", "s"),
        ("-", "s"),
        ("@groep", "s"),
    ]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml


def test_xlsx_drops_characters_excel_cannot_store(manager):
    services.catalogue_item_save(
        item=CatalogueItem(sku="A", name="Een\x0btwee", price=Decimal("1")), actor=manager
    )
    sheet = _xlsx_rows(catalogue.catalogue_export_xlsx())
    assert sheet[1][1].value == "Eentwee"


def test_catalogue_page_offers_both_formats(manager, client_for):
    page = client_for(manager).get(reverse("quotes:catalogue")).content.decode()
    url = reverse("quotes:catalogue_export")
    assert f'href="{url}"' in page
    assert f'href="{url}?format=xlsx"' in page


@pytest.mark.parametrize("role", ["manager", "finance"])
def test_browser_downloads_xlsx_for_those_who_maintain_the_catalogue(
    role, manager, finance, items, client_for
):
    user = {"manager": manager, "finance": finance}[role]
    response = client_for(user).get(reverse("quotes:catalogue_export"), {"format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"].endswith('.xlsx"')
    preview = catalogue.catalogue_preview(data=response.content, filename="x.xlsx")
    assert preview.counts["unchanged"] == len(items)
    by_sku = {row[0].value: row for row in _xlsx_rows(response.content)[1:]}
    assert by_sku["CV-01"][6].value == 1080  # cost prices: for managers and finance


def test_browser_refuses_an_unknown_format(manager, client_for):
    response = client_for(manager).get(reverse("quotes:catalogue_export"), {"format": "xls"})
    assert response.status_code == 404


@pytest.mark.parametrize("who", ["alice", "sales"])
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_browser_export_is_refused_without_the_catalogue_role(
    who, file_format, alice, sales, items, client_for
):
    user = {"alice": alice, "sales": sales}[who]
    response = client_for(user).get(reverse("quotes:catalogue_export"), {"format": file_format})
    assert response.status_code in (403, 404)
    assert b"CV-01" not in response.content


def test_browser_export_needs_sign_in(client):
    response = client.get(reverse("quotes:catalogue_export"), {"format": "xlsx"})
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("file_format", "content_type"), [("csv", "text/csv; charset=utf-8"), ("xlsx", XLSX)]
)
def test_api_exports_both_formats_with_a_read_token(
    file_format, content_type, manager, items, token_for
):
    response = Client().get(
        "/api/quotes/catalogue/export",
        {"format": file_format},
        HTTP_AUTHORIZATION=token_for(manager, ["quotes:read"]),
    )
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"].endswith(f'.{file_format}"')
    preview = catalogue.catalogue_preview(data=response.content, filename=f"x.{file_format}")
    assert preview.counts["unchanged"] == len(items)


def test_api_export_defaults_to_csv_and_refuses_an_unknown_format(manager, items, token_for):
    auth = token_for(manager, ["quotes:read"])
    default = Client().get("/api/quotes/catalogue/export", HTTP_AUTHORIZATION=auth)
    assert default.content.decode("utf-8-sig") == catalogue.catalogue_export_csv()
    bad = Client().get("/api/quotes/catalogue/export?format=pdf", HTTP_AUTHORIZATION=auth)
    assert bad.status_code == 422


@pytest.mark.parametrize("who", ["alice", "sales"])
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_api_export_is_refused_without_the_catalogue_role(
    who, file_format, alice, sales, items, token_for
):
    user = {"alice": alice, "sales": sales}[who]
    response = Client().get(
        "/api/quotes/catalogue/export",
        {"format": file_format},
        HTTP_AUTHORIZATION=token_for(user, ["quotes:read", "quotes:write"]),
    )
    assert response.status_code in (403, 404)
    assert b"CV-01" not in response.content


def test_api_export_needs_a_token():
    response = Client().get("/api/quotes/catalogue/export", {"format": "xlsx"})
    assert response.status_code == 401


def test_cli_writes_a_readable_xlsx_file(items, tmp_path, capsys):
    out = tmp_path / "catalogus.dat"
    call_command("export_catalogue", str(out), "--format", "xlsx")
    assert "Catalogue written to" in capsys.readouterr().out
    preview = catalogue.catalogue_preview(data=out.read_bytes(), filename=out.name)
    assert preview.counts["unchanged"] == len(items)
    # the .xlsx extension chooses the format by itself
    named = tmp_path / "catalogus.xlsx"
    call_command("export_catalogue", str(named))
    assert named.read_bytes()[:4] == b"PK\x03\x04"
    assert catalogue.catalogue_preview(data=named.read_bytes()).counts["unchanged"] == len(items)


def test_cli_csv_is_unchanged_and_xlsx_needs_a_file_or_a_pipe(items, tmp_path):
    out = tmp_path / "catalogus.csv"
    call_command("export_catalogue", str(out))
    assert out.read_bytes().decode("utf-8-sig") == catalogue.catalogue_export_csv()
    with pytest.raises(CommandError):
        call_command("export_catalogue", "--format", "xlsx", stdout=io.StringIO())


def test_csv_text_that_looks_like_a_formula_gets_the_apostrophe_guard(items):
    rows = list(csv.reader(io.StringIO(catalogue.catalogue_export_csv()), delimiter=";"))
    row = next(r for r in rows[1:] if r[0].endswith("=1+1"))
    assert [row[0], row[2], row[3], row[9]] == ["'=1+1", "'+31 6 12345678", "'-", "'@groep"]
    # A name that only starts with an apostrophe keeps it on import.
    assert catalogue._cell("'t Hooft") == "'t Hooft"
    assert catalogue._cell("'=SUM(A1)") == "=SUM(A1)"
