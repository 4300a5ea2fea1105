"""The quote PDF, read back with pypdf: company details, number, dates, lines, totals with the euro
sign, VAT per rate with the reverse-charge note, terms, page numbers, language, long quotes."""

import io
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from PIL import Image
from pypdf import PdfReader

from tests.accounts.factories import UserFactory
from tests.quotes.test_issuing import make_quote, make_template
from wendbaar.quotes import pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def seller(team_a):
    return UserFactory(email="verkoop@example.nl", teams=[team_a], role_codes=["sales"])


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def read(data: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return reader, " ".join(text.split())


def test_pdf_has_company_customer_lines_totals_and_terms(seller):
    make_template()
    quote = make_quote(seller, language="nl", covering_letter="Beste familie Jansen,\n\nDank.")
    reader, text = read(pdf.quote_pdf_render(quote))
    assert quote.number in text
    for expected in (
        "Installatiebedrijf Warmte BV",
        "Industrieweg 12",
        "12345678",  # KvK
        "NL001234567B01",
        "NL91 ABNA 0417 1643 00",
        "Bakkerij De Bol",
        "Dorpsstraat 1",
        "Beste familie Jansen",
        "Radiator 60 cm",
        "Onderaanneming dakwerk",
        "Levering binnen 10 werkdagen",
        "Betaling binnen 14 dagen",
    ):
        assert expected in text, expected
    # 3 x 189.95 = 569.85; 12.5 x 24 = 300; 850 reverse-charged; VAT 119.67 + 27.00
    assert quote.total == Decimal("1866.52")
    assert "€ 569,85" in text and "€ 1.866,52" in text
    assert "€ 119,67" in text and "€ 27,00" in text
    assert "btw verlegd" in text
    assert reader.metadata.title.endswith(quote.number)


def test_english_quote_uses_english_words_and_amounts(seller):
    make_template()
    quote = make_quote(seller, language="en")
    _reader, text = read(pdf.quote_pdf_render(quote))
    assert "€1,866.52" in text and "€569.85" in text
    assert "VAT reverse-charged" in text
    assert "Valid until" in text and "Page 1 of 1" in text


def test_long_quote_spans_pages_with_numbers_and_header_repeated(seller):
    lines = [(f"Regel nummer {n}", "1", "10.00", "21") for n in range(1, 91)]
    quote = make_quote(seller, lines=lines, language="en")
    reader, text = read(pdf.quote_pdf_render(quote))
    pages = len(reader.pages)
    assert pages >= 3
    assert f"Page {pages} of {pages}" in text
    for page in reader.pages:
        assert "Description" in page.extract_text()  # the table header repeats
    assert "Regel nummer 1 " in text + " " and "Regel nummer 90" in text
    assert "€1,089.00" in text  # 900 + 21 % VAT


def test_logo_and_accent_colour_from_the_template(seller):
    image = io.BytesIO()
    Image.new("RGB", (400, 120), (170, 51, 0)).save(image, format="PNG")
    template = make_template()
    template.logo.save("logo.png", ContentFile(image.getvalue()))
    quote = make_quote(seller)
    reader, _text = read(pdf.quote_pdf_render(quote))
    page = reader.pages[0]
    assert "/XObject" in page["/Resources"]
    images = list(page.images)
    assert len(images) == 1


def test_a_broken_logo_does_not_stop_the_pdf(seller):
    template = make_template()
    template.logo.save("logo.png", ContentFile(b"not an image"))
    quote = make_quote(seller)
    _reader, text = read(pdf.quote_pdf_render(quote))
    assert quote.number in text


def test_without_a_template_the_organisation_name_is_used(seller):
    quote = make_quote(seller, language="en")
    _reader, text = read(pdf.quote_pdf_render(quote))
    assert str(quote.organisation) in text and "€1,866.52" in text


def test_discount_is_shown(seller):
    from wendbaar.quotes import services

    quote = make_quote(
        seller, language="en", discount_kind="amount", discount_value=Decimal("69.85")
    )
    services.quote_recalculate(quote=quote)
    quote.refresh_from_db()
    _reader, text = read(pdf.quote_pdf_render(quote))
    assert "Discount" in text and "-€69.85" in text
    assert pdf.money(quote.total, "en") in text


def test_money_formats():
    assert pdf.money(Decimal("1234567.5"), "nl") == "€ 1.234.567,50"
    assert pdf.money(Decimal("1234567.5"), "en") == "€1,234,567.50"
    assert pdf.money(Decimal("-3"), "nl") == "-€ 3,00"
    assert pdf.quantity(Decimal("12.500"), "nl") == "12,5"
    assert pdf.quantity(Decimal("3.000"), "en") == "3"
