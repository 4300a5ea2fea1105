"""Quotes out: CSV (one row per line, and one row per quote) and UBL 2.1 XML.

CSV follows the catalogue export: semicolons, decimal commas, UTF-8 (callers add a BOM for
Excel), so it opens as-is in Dutch spreadsheets and accounting imports.

UBL: every quote is exported as a UBL 2.1 **Quotation** document, also once it is accepted.
An accepted quote is not an invoice: the invoice number, invoice date and payment due date belong
to the accounting package's own numbering, and an Invoice made here would be a second, competing
invoice once the work is billed. Accounting packages that take in orders from UBL read the
Quotation's parties, lines and VAT per rate; the document carries the status (accepted, with who
and when) as a note. VAT categories follow UNCL 5305: S (standard, 21 %), AA (reduced, 9 %), Z (zero
rated) and AE (reverse charge, with exemption reason VATEX-EU-AE).
"""

import csv
import io
from datetime import date
from decimal import Decimal
from xml.etree import ElementTree as ET

from django.db.models import QuerySet
from django.utils import timezone

from wendbaar.common.spreadsheet import csv_cell
from wendbaar.quotes import pdf, selectors
from wendbaar.quotes.choices import QuoteStatus, VatRate
from wendbaar.quotes.models import Quote

NS_QUOTATION = "urn:oasis:names:specification:ubl:schema:xsd:Quotation-2"
NS_CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
NS_CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
CURRENCY = "EUR"

LINE_COLUMNS = [
    "offertenummer",
    "datum",
    "status",
    "klant",
    "artikelcode",
    "omschrijving",
    "aantal",
    "eenheid",
    "prijs excl. btw",
    "btw",
    "regeltotaal excl. btw",
]
SUMMARY_COLUMNS = [
    "offertenummer",
    "datum",
    "geldig tot",
    "status",
    "klant",
    "e-mail",
    "subtotaal",
    "korting",
    "btw",
    "totaal incl. btw",
    "verzonden op",
    "besloten op",
    "besloten door",
]

# UNCL 5305 tax category per VAT rate code of a quote line.
TAX_CATEGORY = {
    VatRate.HIGH: "S",
    VatRate.LOW: "AA",
    VatRate.ZERO: "Z",
    VatRate.REVERSE_CHARGED: "AE",
}


def quotes_for_export(*, user, status: str = "", since: date | None = None) -> QuerySet[Quote]:
    """The quotes this person may export (none for someone who does not work on quotes)."""
    quotes = selectors.quote_list(user=user, status=status)
    if since is not None:
        quotes = quotes.filter(created_at__date__gte=since)
    return quotes.prefetch_related("lines").order_by("year", "number")


def _amount(value) -> str:
    return "" if value is None else format(Decimal(value), "f").replace(".", ",")


def _vat(rate: str) -> str:
    return "verlegd" if rate == VatRate.REVERSE_CHARGED else rate


def _customer(quote: Quote) -> str:
    return quote.customer_company or quote.customer_name


def _date(quote: Quote) -> str:
    return timezone.localdate(quote.issued_at or quote.created_at).isoformat()


def _local(value) -> str:
    return timezone.localtime(value).isoformat(timespec="minutes") if value else ""


def lines_csv(quotes) -> str:
    """One row per quote line, with the quote's number, date and customer."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(LINE_COLUMNS)
    for quote in quotes:
        for line in quote.lines.all():
            writer.writerow(
                [
                    quote.number,
                    _date(quote),
                    quote.status,
                    csv_cell(_customer(quote)),
                    csv_cell(line.sku),
                    csv_cell(line.description),
                    _amount(line.quantity.normalize()),
                    csv_cell(line.unit),
                    _amount(line.unit_price),
                    _vat(line.vat_rate),
                    _amount(line.line_total),
                ]
            )
    return out.getvalue()


def summary_csv(quotes) -> str:
    """One row per quote with its totals and the customer's answer."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(SUMMARY_COLUMNS)
    for quote in quotes:
        writer.writerow(
            [
                quote.number,
                _date(quote),
                quote.valid_until.isoformat() if quote.valid_until else "",
                quote.status,
                csv_cell(_customer(quote)),
                csv_cell(quote.customer_email),
                _amount(quote.subtotal),
                _amount(quote.discount_total),
                _amount(quote.vat_total),
                _amount(quote.total),
                _local(quote.sent_at),
                _local(quote.decided_at),
                csv_cell(quote.decided_by_name),
            ]
        )
    return out.getvalue()


# --- UBL ----------------------------------------------------------------------------------------

ET.register_namespace("", NS_QUOTATION)
ET.register_namespace("cac", NS_CAC)
ET.register_namespace("cbc", NS_CBC)


def _cbc(parent, name: str, text, **attrs):
    element = ET.SubElement(parent, f"{{{NS_CBC}}}{name}", {k: str(v) for k, v in attrs.items()})
    element.text = str(text)
    return element


def _cac(parent, name: str):
    return ET.SubElement(parent, f"{{{NS_CAC}}}{name}")


def _money(parent, name: str, amount):
    return _cbc(
        parent, name, format(Decimal(amount).quantize(Decimal("0.01")), "f"), currencyID=CURRENCY
    )


def _tax_category(parent, rate: str, *, element: str = "TaxCategory"):
    category = _cac(parent, element)
    _cbc(category, "ID", TAX_CATEGORY.get(rate, "S"))
    percent = "0" if rate == VatRate.REVERSE_CHARGED else rate
    _cbc(category, "Percent", percent)
    if rate == VatRate.REVERSE_CHARGED:
        _cbc(category, "TaxExemptionReasonCode", "VATEX-EU-AE")
        _cbc(category, "TaxExemptionReason", "Reverse charge / btw verlegd")
    scheme = _cac(category, "TaxScheme")
    _cbc(scheme, "ID", "VAT")
    return category


def _address(parent, text: str):
    lines = [x.strip() for x in (text or "").splitlines() if x.strip()]
    address = _cac(parent, "PostalAddress")
    for value in lines:
        _cbc(_cac(address, "AddressLine"), "Line", value)
    _cbc(_cac(address, "Country"), "IdentificationCode", "NL")


def _party(
    parent,
    *,
    name: str,
    address: str,
    vat_number: str = "",
    kvk: str = "",
    email: str = "",
    phone: str = "",
    contact: str = "",
):
    party = _cac(parent, "Party")
    _cbc(_cac(party, "PartyName"), "Name", name or "-")
    _address(party, address)
    if vat_number:
        tax = _cac(party, "PartyTaxScheme")
        _cbc(tax, "CompanyID", vat_number)
        _cbc(_cac(tax, "TaxScheme"), "ID", "VAT")
    legal = _cac(party, "PartyLegalEntity")
    _cbc(legal, "RegistrationName", name or "-")
    if kvk:
        _cbc(legal, "CompanyID", kvk, schemeID="0106")  # 0106: Dutch Chamber of Commerce
    if email or phone or contact:
        person = _cac(party, "Contact")
        if contact:
            _cbc(person, "Name", contact)
        if phone:
            _cbc(person, "Telephone", phone)
        if email:
            _cbc(person, "ElectronicMail", email)
    return party


def quote_ubl(quote: Quote) -> bytes:
    """The quote as a UBL 2.1 Quotation (UTF-8 XML bytes); amounts as stored on the quote."""
    template = pdf.quote_template_for(quote)
    root = ET.Element(f"{{{NS_QUOTATION}}}Quotation")
    _cbc(root, "UBLVersionID", "2.1")
    _cbc(root, "ID", quote.number)
    _cbc(root, "IssueDate", _date(quote))
    status = QuoteStatus(quote.status)
    note = f"Status: {status.value}"
    if quote.status in (QuoteStatus.ACCEPTED, QuoteStatus.REJECTED) and quote.decided_at:
        note += f" ({quote.decided_by_name}, {_local(quote.decided_at)})"
    _cbc(root, "Note", note)
    if quote.reference:
        _cbc(root, "Note", quote.reference)
    _cbc(root, "PricingCurrencyCode", CURRENCY)
    lines = list(quote.lines.all())
    _cbc(root, "LineCountNumeric", len(lines))
    if quote.valid_until:
        _cbc(_cac(root, "ValidityPeriod"), "EndDate", quote.valid_until.isoformat())

    seller = _cac(root, "SellerSupplierParty")
    _party(
        seller,
        name=(template.company_name if template else "") or str(quote.organisation),
        address=template.company_address if template else "",
        vat_number=template.vat_number if template else "",
        kvk=template.kvk_number if template else "",
        email=template.company_email if template else "",
        phone=template.company_phone if template else "",
    )
    buyer = _cac(root, "BuyerCustomerParty")
    _party(
        buyer,
        name=_customer(quote),
        address=quote.customer_address,
        vat_number=quote.customer_vat_number,
        email=quote.customer_email,
        phone=quote.customer_phone,
        contact=quote.customer_name if quote.customer_company else "",
    )
    if template and template.iban:
        means = _cac(root, "PaymentMeans")
        _cbc(means, "PaymentMeansCode", "58")  # SEPA credit transfer
        _cbc(_cac(means, "PayeeFinancialAccount"), "ID", template.iban.replace(" ", ""))
    if quote.discount_total:
        allowance = _cac(root, "AllowanceCharge")
        _cbc(allowance, "ChargeIndicator", "false")
        _cbc(allowance, "AllowanceChargeReason", "Korting / Discount")
        _money(allowance, "Amount", quote.discount_total)

    tax_total = _cac(root, "TaxTotal")
    _money(tax_total, "TaxAmount", quote.vat_total)
    for group in quote.vat_breakdown or []:
        subtotal = _cac(tax_total, "TaxSubtotal")
        _money(subtotal, "TaxableAmount", group.get("base", 0))
        _money(subtotal, "TaxAmount", group.get("vat", 0))
        _tax_category(subtotal, group.get("rate", VatRate.HIGH))

    totals = _cac(root, "QuotedMonetaryTotal")
    net = quote.subtotal - quote.discount_total
    _money(totals, "LineExtensionAmount", quote.subtotal)
    _money(totals, "TaxExclusiveAmount", net)
    _money(totals, "TaxInclusiveAmount", quote.total)
    _money(totals, "AllowanceTotalAmount", quote.discount_total)
    _money(totals, "PayableAmount", quote.total)

    for position, line in enumerate(lines, start=1):
        item_line = _cac(_cac(root, "QuotationLine"), "LineItem")
        _cbc(item_line, "ID", position)
        _cbc(
            item_line, "Quantity", format(line.quantity.normalize(), "f"), unitCode=_unit(line.unit)
        )
        _money(item_line, "LineExtensionAmount", line.line_total)
        price = _cac(item_line, "Price")
        _money(price, "PriceAmount", line.unit_price)
        item = _cac(item_line, "Item")
        _cbc(item, "Description", line.description)
        _cbc(item, "Name", line.description[:100])
        if line.sku:
            _cbc(_cac(item, "SellersItemIdentification"), "ID", line.sku)
        _tax_category(item, line.vat_rate, element="ClassifiedTaxCategory")

    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


# UN/ECE recommendation 20 unit codes for the units quotes use; anything else is "one" (C62).
UNIT_CODES = {
    "stuk": "H87",
    "stuks": "H87",
    "st": "H87",
    "piece": "H87",
    "uur": "HUR",
    "uren": "HUR",
    "hour": "HUR",
    "hours": "HUR",
    "m": "MTR",
    "meter": "MTR",
    "m1": "MTR",
    "m2": "MTK",
    "m²": "MTK",
    "m3": "MTQ",
    "m³": "MTQ",
    "kg": "KGM",
    "l": "LTR",
    "liter": "LTR",
    "dag": "DAY",
    "day": "DAY",
    "km": "KMT",
    "set": "SET",
}


def _unit(unit: str) -> str:
    return UNIT_CODES.get((unit or "").strip().lower(), "C62")
