"""Quote exports: CSV lines and summary, UBL 2.1 Quotation (well-formed, namespaced, amounts as on
the quote, VAT per rate incl. reverse charge AE); browser, API and CLI; permissions."""

import csv
import io
from datetime import timedelta
from decimal import Decimal
from xml.etree import ElementTree as ET

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.accounts.factories import UserFactory
from tests.quotes.test_issuing import make_quote, make_template
from wendbaar.quotes import export, issuing
from wendbaar.quotes.models import Quote

pytestmark = pytest.mark.django_db

NS = {"q": export.NS_QUOTATION, "cac": export.NS_CAC, "cbc": export.NS_CBC}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def seller(team_a):
    return UserFactory(email="verkoop@example.nl", teams=[team_a], role_codes=["sales"])


@pytest.fixture
def outsider(team_b):
    return UserFactory(email="buiten@example.nl", teams=[team_b])


def parse(data: bytes):
    return ET.fromstring(data)  # noqa: S314 (the XML is our own output)


def rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))


def amount(text: str) -> Decimal:
    return Decimal(text.replace(",", "."))


def test_lines_csv_has_one_row_per_line(seller):
    quote = make_quote(seller)
    found = rows(export.lines_csv([quote]))
    assert [r["omschrijving"] for r in found] == [
        "Radiator 60 cm",
        "Isolatie spouwmuur",
        "Onderaanneming dakwerk",
    ]
    first = found[0]
    assert first["offertenummer"] == quote.number and first["klant"] == "Bakkerij De Bol"
    assert first["aantal"] == "3" and first["prijs excl. btw"] == "189,95"
    assert first["regeltotaal excl. btw"] == "569,85" and first["btw"] == "21"
    assert found[1]["aantal"] == "12,5"
    assert found[2]["btw"] == "verlegd"
    assert sum(amount(r["regeltotaal excl. btw"]) for r in found) == quote.subtotal


def test_summary_csv_has_one_row_per_quote_with_the_answer(seller):
    quote = issuing.quote_issue(quote=make_quote(seller), actor=seller)
    token = issuing.accept_token_make(quote)
    issuing.quote_decide(token=token, accept=True, name="Jan Jansen")
    quote.refresh_from_db()
    (row,) = rows(export.summary_csv([quote]))
    assert row["offertenummer"] == quote.number and row["status"] == "accepted"
    assert amount(row["totaal incl. btw"]) == quote.total == Decimal("1866.52")
    assert amount(row["btw"]) == quote.vat_total
    assert row["besloten door"] == "Jan Jansen" and row["besloten op"]


def test_customer_text_cannot_become_a_spreadsheet_formula(seller):
    # The customer's name comes from a pasted e-mail, the answer's name from the public page.
    quote = make_quote(seller, customer_company='=HYPERLINK("http://evil.example","x")')
    quote = issuing.quote_issue(quote=quote, actor=seller)
    issuing.quote_decide(token=issuing.accept_token_make(quote), accept=True, name="@SUM(1+1)")
    quote.refresh_from_db()
    (summary,) = rows(export.summary_csv([quote]))
    assert summary["klant"] == "'" + quote.customer_company
    assert summary["besloten door"] == "'@SUM(1+1)"
    assert all(r["klant"].startswith("'=") for r in rows(export.lines_csv([quote])))
    assert amount(summary["totaal incl. btw"]) == quote.total  # amounts stay numbers


def test_ubl_is_a_well_formed_quotation_with_consistent_amounts(seller):
    make_template()
    quote = issuing.quote_issue(quote=make_quote(seller), actor=seller)
    data = export.quote_ubl(quote)
    assert data.startswith(b"<?xml")
    root = parse(data)
    assert root.tag == f"{{{export.NS_QUOTATION}}}Quotation"
    assert root.findtext("cbc:UBLVersionID", namespaces=NS) == "2.1"
    assert root.findtext("cbc:ID", namespaces=NS) == quote.number
    assert root.findtext("cac:ValidityPeriod/cbc:EndDate", namespaces=NS) == (
        quote.valid_until.isoformat()
    )
    seller_party = root.find("cac:SellerSupplierParty/cac:Party", NS)
    assert seller_party.findtext("cac:PartyName/cbc:Name", namespaces=NS) == (
        "Installatiebedrijf Warmte BV"
    )
    assert seller_party.findtext("cac:PartyTaxScheme/cbc:CompanyID", namespaces=NS) == (
        "NL001234567B01"
    )
    kvk = seller_party.find("cac:PartyLegalEntity/cbc:CompanyID", NS)
    assert kvk.text == "12345678" and kvk.get("schemeID") == "0106"
    assert root.findtext("cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:ID", namespaces=NS) == (
        "NL91ABNA0417164300"
    )
    buyer = root.find("cac:BuyerCustomerParty/cac:Party", NS)
    assert buyer.findtext("cac:PartyName/cbc:Name", namespaces=NS) == "Bakkerij De Bol"

    totals = root.find("cac:QuotedMonetaryTotal", NS)
    assert Decimal(totals.findtext("cbc:LineExtensionAmount", namespaces=NS)) == quote.subtotal
    assert Decimal(totals.findtext("cbc:PayableAmount", namespaces=NS)) == quote.total
    assert totals.find("cbc:PayableAmount", NS).get("currencyID") == "EUR"
    lines = root.findall("cac:QuotationLine/cac:LineItem", NS)
    assert len(lines) == 3
    line_sum = sum(Decimal(x.findtext("cbc:LineExtensionAmount", namespaces=NS)) for x in lines)
    assert line_sum == quote.subtotal
    assert lines[0].find("cbc:Quantity", NS).get("unitCode") == "H87"

    tax = root.find("cac:TaxTotal", NS)
    assert Decimal(tax.findtext("cbc:TaxAmount", namespaces=NS)) == quote.vat_total
    subtotals = {
        s.findtext("cac:TaxCategory/cbc:ID", namespaces=NS): s
        for s in tax.findall("cac:TaxSubtotal", NS)
    }
    assert set(subtotals) == {"S", "AA", "AE"}
    assert Decimal(subtotals["S"].findtext("cbc:TaxAmount", namespaces=NS)) == Decimal("119.67")
    assert Decimal(subtotals["AA"].findtext("cbc:TaxAmount", namespaces=NS)) == Decimal("27.00")
    reverse_charge = subtotals["AE"]
    assert Decimal(reverse_charge.findtext("cbc:TaxableAmount", namespaces=NS)) == Decimal("850")
    assert Decimal(reverse_charge.findtext("cbc:TaxAmount", namespaces=NS)) == 0
    assert reverse_charge.findtext("cac:TaxCategory/cbc:TaxExemptionReasonCode", namespaces=NS) == (
        "VATEX-EU-AE"
    )
    assert (
        sum(Decimal(s.findtext("cbc:TaxAmount", namespaces=NS)) for s in subtotals.values())
        == quote.vat_total
    )
    categories = [
        x.findtext("cac:Item/cac:ClassifiedTaxCategory/cbc:ID", namespaces=NS) for x in lines
    ]
    assert categories == ["S", "AA", "AE"]


def test_ubl_with_a_discount_keeps_the_totals_consistent(seller):
    from wendbaar.quotes import services

    quote = make_quote(seller, discount_kind="percentage", discount_value=Decimal("10"))
    services.quote_recalculate(quote=quote)
    quote.refresh_from_db()
    root = parse(export.quote_ubl(quote))
    totals = root.find("cac:QuotedMonetaryTotal", NS)
    allowance = Decimal(totals.findtext("cbc:AllowanceTotalAmount", namespaces=NS))
    exclusive = Decimal(totals.findtext("cbc:TaxExclusiveAmount", namespaces=NS))
    inclusive = Decimal(totals.findtext("cbc:TaxInclusiveAmount", namespaces=NS))
    assert allowance == quote.discount_total > 0
    assert exclusive == quote.subtotal - allowance
    tax = Decimal(root.findtext("cac:TaxTotal/cbc:TaxAmount", namespaces=NS))
    assert inclusive == exclusive + tax == quote.total
    bases = sum(
        Decimal(x.text) for x in root.findall("cac:TaxTotal/cac:TaxSubtotal/cbc:TaxableAmount", NS)
    )
    assert bases == exclusive


def test_ubl_escapes_customer_text(seller):
    quote = make_quote(seller, customer_company="Bakker & Zn <BV>")
    root = parse(export.quote_ubl(quote))
    name = root.findtext("cac:BuyerCustomerParty/cac:Party/cac:PartyName/cbc:Name", namespaces=NS)
    assert name == "Bakker & Zn <BV>"


def test_downloads_from_the_browser(seller, client_for):
    quote = make_quote(seller)
    client = client_for(seller)
    response = client.get(reverse("quotes:quote_export_csv", args=[quote.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert len(rows(response.content.decode("utf-8"))) == 3
    response = client.get(reverse("quotes:quote_export_ubl", args=[quote.pk]))
    assert response.status_code == 200
    assert parse(response.content).findtext("cbc:ID", namespaces=NS) == quote.number
    response = client.get(reverse("quotes:quotes_export"), {"kind": "summary"})
    assert [r["offertenummer"] for r in rows(response.content.decode("utf-8"))] == [quote.number]


def test_downloads_over_the_api(seller, outsider, token_for):
    quote = make_quote(seller)
    auth = token_for(seller, ["quotes:read"])
    api = Client()
    pdf = api.get(f"/api/quotes/{quote.pk}/pdf", HTTP_AUTHORIZATION=auth)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    csv_response = api.get(f"/api/quotes/{quote.pk}/export.csv", HTTP_AUTHORIZATION=auth)
    assert csv_response.status_code == 200
    assert len(rows(csv_response.content.decode("utf-8"))) == 3
    ubl = api.get(f"/api/quotes/{quote.pk}/ubl", HTTP_AUTHORIZATION=auth)
    assert ubl.status_code == 200
    assert parse(ubl.content).tag.endswith("Quotation")
    summary = api.get("/api/quotes/export.csv?kind=summary", HTTP_AUTHORIZATION=auth)
    assert [r["offertenummer"] for r in rows(summary.content.decode("utf-8"))] == [quote.number]
    other = token_for(outsider, ["quotes:read"])
    for path in ("pdf", "export.csv", "ubl"):
        response = api.get(f"/api/quotes/{quote.pk}/{path}", HTTP_AUTHORIZATION=other)
        assert response.status_code == 404, path
    assert api.get("/api/quotes/export.csv", HTTP_AUTHORIZATION=other).status_code == 404


def test_cli_writes_csv_and_summary_filtered_by_status_and_date(seller, tmp_path, capsys):
    accepted = issuing.quote_issue(quote=make_quote(seller), actor=seller)
    issuing.quote_decide(token=issuing.accept_token_make(accepted), accept=True, name="Jan Jansen")
    draft = make_quote(seller)
    out = tmp_path / "export" / "offertes.csv"
    call_command(
        "export_quotes", "--user", seller.email, "--format", "csv", "--status", "accepted",
        "--out", str(out),
    )  # fmt: skip
    assert "1 quote(s) written" in capsys.readouterr().out
    found = rows(out.read_text(encoding="utf-8-sig"))
    assert {r["offertenummer"] for r in found} == {accepted.number}
    summary = rows((tmp_path / "export" / "offertes-summary.csv").read_text(encoding="utf-8-sig"))
    assert [r["offertenummer"] for r in summary] == [accepted.number]
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    call_command(
        "export_quotes", "--user", seller.email, "--format", "csv", "--since", tomorrow,
        "--out", str(out),
    )  # fmt: skip
    assert rows(out.read_text(encoding="utf-8-sig")) == []
    folder = tmp_path / "ubl"
    call_command("export_quotes", "--user", seller.email, "--format", "ubl", "--out", str(folder))
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted([f"{accepted.number}.xml", f"{draft.number}.xml"])
    root = parse((folder / f"{accepted.number}.xml").read_bytes())
    assert "accepted" in root.findtext("cbc:Note", namespaces=NS)


def test_cli_refuses_someone_outside_quotes_and_bad_dates(seller, outsider, tmp_path):
    make_quote(seller)
    with pytest.raises(CommandError, match="does not work on quotes"):
        call_command(
            "export_quotes", "--user", outsider.email, "--format", "csv",
            "--out", str(tmp_path / "x.csv"),
        )  # fmt: skip
    with pytest.raises(CommandError, match="is not a date"):
        call_command(
            "export_quotes", "--user", seller.email, "--format", "csv", "--since", "gisteren",
            "--out", str(tmp_path / "x.csv"),
        )  # fmt: skip
    assert not (tmp_path / "x.csv").exists()


def test_export_for_export_only_the_organisations_quotes_for_quote_workers(seller, outsider):
    make_quote(seller)
    assert export.quotes_for_export(user=outsider).count() == 0
    assert export.quotes_for_export(user=seller).count() == Quote.objects.count() == 1
