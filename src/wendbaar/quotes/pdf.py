"""The quote as a PDF in the company's style (reportlab, standard fonts so nothing is embedded).

The standard Helvetica fonts use WinAnsi encoding, which has the euro sign, so amounts print as
"€ 1.234,56" (Dutch) or "€1,234.56" (English) without shipping a font file. The letter is written
in the quote's language; long quotes flow over as many pages as they need, each numbered.
"""

import io
import logging
from decimal import Decimal
from xml.sax.saxutils import escape

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas as pdfcanvas
from reportlab.platypus import (
    Image,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from wendbaar.quotes import selectors
from wendbaar.quotes.choices import VatRate
from wendbaar.quotes.models import Quote, QuoteTemplate

logger = logging.getLogger(__name__)

DEFAULT_ACCENT = "#1f5f8b"
LOGO_MAX_WIDTH = 50 * mm
LOGO_MAX_HEIGHT = 22 * mm


def money(amount, language: str) -> str:
    """An amount in euros as the reader writes it: € 1.234,56 in Dutch, €1,234.56 in English."""
    value = Decimal(amount or 0).quantize(Decimal("0.01"))
    sign = "-" if value < 0 else ""
    whole, cents = f"{abs(value):,.2f}".split(".")
    if language.startswith("nl"):
        return f"{sign}€ {whole.replace(',', '.')},{cents}"
    return f"{sign}€{whole}.{cents}"


def quantity(value, language: str) -> str:
    """A quantity without trailing zeros (2, 1.5 or 1,5)."""
    text = format(Decimal(value).normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",") if language.startswith("nl") else text


def vat_label(rate: str) -> str:
    if rate == VatRate.REVERSE_CHARGED:
        return _("VAT reverse-charged")
    return f"{rate}%"


def _date(value) -> str:
    return formats.date_format(value, "j F Y") if value else ""


def _para(text: str, style) -> Paragraph:
    """A paragraph of plain text: markup characters escaped, line breaks kept."""
    return Paragraph(escape(text or "").replace("\n", "<br/>"), style)


class _NumberedCanvas(pdfcanvas.Canvas):
    """Writes "page X of Y" on every page once the number of pages is known."""

    label = "Page %(page)s of %(pages)s"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._saved_pages = []

    def showPage(self):  # reportlab's name
        self._saved_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._saved_pages)
        for state in self._saved_pages:
            self.__dict__.update(state)
            self.setFont("Helvetica", 8)
            self.setFillColor(colors.grey)
            self.drawRightString(
                A4[0] - 18 * mm,
                10 * mm,
                self.label % {"page": self._pageNumber, "pages": total},
            )
            super().showPage()
        super().save()


def _logo(template: QuoteTemplate | None):
    """The template's logo scaled into its box, or None when there is none or it cannot be read."""
    if template is None or not template.logo:
        return None
    try:
        with template.logo.open("rb") as handle:
            data = handle.read()
        reader = ImageReader(io.BytesIO(data))
        width, height = reader.getSize()
        scale = min(LOGO_MAX_WIDTH / width, LOGO_MAX_HEIGHT / height, 1)
        return Image(io.BytesIO(data), width=width * scale, height=height * scale)
    except Exception:  # a broken logo must not stop the quote; the letter goes without it
        logger.warning("Logo of quote template %s cannot be read", template.pk, exc_info=True)
        return None


def _accent(template: QuoteTemplate | None):
    try:
        return colors.HexColor((template.accent_colour if template else "") or DEFAULT_ACCENT)
    except ValueError:
        return colors.HexColor(DEFAULT_ACCENT)


def quote_template_for(quote: Quote) -> QuoteTemplate | None:
    """The quote's own template, else the organisation's default one (None when there is none)."""
    if quote.template_id:
        return quote.template
    return selectors.quote_template_default(organisation=quote.organisation)


def quote_pdf_render(quote: Quote) -> bytes:
    """The quote as PDF bytes, written in the quote's language."""
    with translation.override(quote.language or "nl"):
        return _render(quote, quote_template_for(quote))


def _render(quote: Quote, template: QuoteTemplate | None) -> bytes:
    language = translation.get_language() or "nl"
    accent = _accent(template)
    styles = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=styles["Normal"], fontName="Helvetica", fontSize=9.5)
    small = ParagraphStyle("small", parent=body, fontSize=8, leading=10)
    right = ParagraphStyle("right", parent=body, alignment=TA_RIGHT)
    title = ParagraphStyle(
        "title", parent=body, fontName="Helvetica-Bold", fontSize=18, leading=22, textColor=accent
    )
    heading = ParagraphStyle(
        "heading", parent=body, fontName="Helvetica-Bold", fontSize=10, textColor=accent
    )
    cell = ParagraphStyle("cell", parent=body, fontSize=8.5, leading=10.5)
    cell_right = ParagraphStyle("cell_right", parent=cell, alignment=TA_RIGHT)
    head_cell = ParagraphStyle(
        "head_cell", parent=cell, fontName="Helvetica-Bold", textColor=colors.white
    )
    head_right = ParagraphStyle("head_right", parent=head_cell, alignment=TA_RIGHT)

    story = []
    company = template.company_name if template else ""
    company = company or str(quote.organisation)
    company_lines = [f"<b>{escape(company)}</b>"]
    if template:
        company_lines += [escape(x) for x in template.company_address.splitlines() if x.strip()]
        for label, value in (
            ("", template.company_phone),
            ("", template.company_email),
            ("", template.company_website),
            (_("CoC"), template.kvk_number),
            (_("VAT no."), template.vat_number),
            (_("IBAN"), template.iban),
        ):
            if value:
                company_lines.append(escape(f"{label} {value}".strip()))
    logo = _logo(template)
    header = Table(
        [
            [
                logo or "",
                Paragraph(
                    "<br/>".join(company_lines),
                    ParagraphStyle("c", parent=small, alignment=TA_RIGHT),
                ),
            ]
        ],
        colWidths=[85 * mm, 89 * mm],
    )
    header.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("LINEBELOW", (0, 0), (-1, 0), 1.5, accent),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    story += [header, Spacer(1, 8 * mm)]

    customer = [quote.customer_company, quote.customer_name]
    customer += quote.customer_address.splitlines()
    if quote.customer_vat_number:
        customer.append(f"{_('VAT no.')} {quote.customer_vat_number}")
    customer_block = "<br/>".join(escape(x) for x in customer if x and x.strip())
    facts = [
        [_("Quote number"), quote.number],
        [
            _("Date"),
            _date(timezone.localdate(quote.issued_at or quote.created_at or timezone.now())),
        ],
        [_("Valid until"), _date(quote.valid_until)],
    ]
    if quote.reference:
        facts.append([_("Your reference"), quote.reference])
    facts_table = Table(
        [[_para(a, small), _para(b, body)] for a, b in facts], colWidths=[30 * mm, 45 * mm]
    )
    facts_table.setStyle(
        TableStyle(
            [
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    address = Table(
        [[Paragraph(customer_block or "&nbsp;", body), facts_table]],
        colWidths=[99 * mm, 75 * mm],
    )
    address.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    story += [address, Spacer(1, 8 * mm)]
    story.append(Paragraph(escape(_("Quote %(number)s") % {"number": quote.number}), title))
    story.append(Spacer(1, 4 * mm))

    letter = quote.covering_letter.strip()
    if not letter and template and template.intro:
        letter = template.intro.replace("{customer}", quote.customer_name or quote.customer_company)
    if letter:
        for part in letter.split("\n\n"):
            story += [_para(part.strip(), body), Spacer(1, 2.5 * mm)]
        story.append(Spacer(1, 3 * mm))

    rows = [
        [
            Paragraph(escape(_("Description")), head_cell),
            Paragraph(escape(_("Quantity")), head_right),
            Paragraph(escape(_("Unit")), head_cell),
            Paragraph(escape(_("Unit price")), head_right),
            Paragraph(escape(_("VAT")), head_right),
            Paragraph(escape(_("Total")), head_right),
        ]
    ]
    for line in quote.lines.all():
        description = escape(line.description)
        if line.sku:
            description += f'<br/><font size="7" color="grey">{escape(line.sku)}</font>'
        rows.append(
            [
                Paragraph(description, cell),
                Paragraph(quantity(line.quantity, language), cell_right),
                Paragraph(escape(line.unit), cell),
                Paragraph(money(line.unit_price, language), cell_right),
                Paragraph(escape(vat_label(line.vat_rate)), cell_right),
                Paragraph(money(line.line_total, language), cell_right),
            ]
        )
    lines_table = Table(
        rows,
        colWidths=[72 * mm, 17 * mm, 15 * mm, 25 * mm, 20 * mm, 25 * mm],
        repeatRows=1,
    )
    lines_table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), accent),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.lightgrey),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f6f7f8")]),
            ]
        )
    )
    story += [lines_table, Spacer(1, 4 * mm)]

    totals = [[_("Subtotal"), money(quote.subtotal, language)]]
    if quote.discount_total:
        totals.append([_("Discount"), money(-quote.discount_total, language)])
    notes = []
    for group in quote.vat_breakdown or []:
        rate = group.get("rate", "")
        base = money(group.get("base", 0), language)
        if rate == VatRate.REVERSE_CHARGED:
            totals.append(
                [_("VAT reverse-charged over %(base)s") % {"base": base}, money(0, language)]
            )
            notes.append(
                _("VAT reverse-charged: the VAT on these lines is accounted for by the customer.")
            )
        else:
            totals.append(
                [
                    _("VAT %(rate)s%% over %(base)s") % {"rate": rate, "base": base},
                    money(group.get("vat", 0), language),
                ]
            )
    totals.append([_("Total"), money(quote.total, language)])
    bold_right = ParagraphStyle("bold_right", parent=right, fontName="Helvetica-Bold")
    totals_table = Table(
        [
            [
                _para(a, bold_right if i == len(totals) - 1 else right),
                _para(b, bold_right if i == len(totals) - 1 else right),
            ]
            for i, (a, b) in enumerate(totals)
        ],
        colWidths=[124 * mm, 50 * mm],
    )
    totals_table.setStyle(
        TableStyle(
            [
                ("LINEABOVE", (0, -1), (-1, -1), 1, accent),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
            ]
        )
    )
    story.append(KeepTogether([totals_table]))
    for note in notes:
        story += [Spacer(1, 2 * mm), _para(note, small)]

    if template:
        for label, text in (
            (_("Terms of delivery"), template.delivery_terms),
            (_("Terms of payment"), template.payment_terms),
        ):
            if text.strip():
                story += [
                    Spacer(1, 5 * mm),
                    KeepTogether([_para(label, heading), Spacer(1, 1 * mm), _para(text, small)]),
                ]
        if template.closing.strip():
            story += [Spacer(1, 6 * mm), _para(template.closing, body)]

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=18 * mm,
        title=_("Quote %(number)s") % {"number": quote.number},
        author=company,
        subject=str(quote),
    )
    page_label = _("Page %(page)s of %(pages)s")

    class Canvas(_NumberedCanvas):
        label = page_label

    doc.build(story, canvasmaker=Canvas)
    return buffer.getvalue()
