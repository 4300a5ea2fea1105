"""Cold-start routing of fault codes: "Ketel geeft F1" is a fault, not an invoice."""

import pytest

from wendbaar.service.triage import Ticket, Triage, fault_codes

QUEUES = {
    "faults": "Faults. Storingen en defecten aan cv-ketels en warmtepompen: geen warm water, "
    "lekkage, foutcodes, de installatie valt uit. storing, foutcode, druk, koud",
    "invoices": "Invoices. Vragen over facturen, betalingen, incasso, creditnota's en het "
    "onderhoudscontract. factuur, betaling, bedrag, termijn, rekening",
    "quotes": "Quotes. Offerteaanvragen voor een nieuwe cv-ketel of warmtepomp. offerte, prijs",
}


@pytest.fixture(scope="module")
def cold() -> Triage:
    return Triage({"queue": QUEUES})


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("Onze ketel geeft F1 en de waterdruk is laag.", ["F1"]),
        ("Display toont E-28 sinds vanmorgen.", ["E-28"]),
        ("The boiler shows error E12.", ["E12"]),
        ("Die Anzeige zeigt F28.", ["F28"]),
        ("Op factuur 2026-1187 staat 3 uur arbeid.", []),  # an invoice number is no fault code
        ("Wij hebben een F1 auto gekocht.", []),  # no display or error nearby
        ("Order NL-20261187 is late, error in the address.", []),  # too long for a code
    ],
)
def test_fault_codes(text, codes):
    assert fault_codes(text) == codes


@pytest.mark.parametrize(
    ("subject", "body"),
    [
        ("Ketel geeft F1", "Onze ketel geeft F1 en de waterdruk staat op 0,4 bar. Hoe vul ik bij?"),
        ("Warmtepomp", "Het display toont E12 en het wordt koud in huis."),
        ("Boiler", "Our boiler shows F28, what should I do?"),
    ],
)
def test_a_fault_code_routes_to_the_fault_queue(cold, subject, body):
    result = cold.predict(Ticket(subject, body))
    assert result.queue.label == "faults"
    assert any(code in result.queue.signals for code in fault_codes(f"{subject}\n{body}"))
    assert result.priority.label in {"high", "urgent"}  # a device in fault has stopped working


def test_invoice_words_still_route_to_invoices(cold):
    result = cold.predict(
        Ticket("Factuur klopt niet", "Op factuur 2026-1187 staat een bedrag dat niet klopt.")
    )
    assert result.queue.label == "invoices"
    assert "factuur" in result.queue.signals


def test_compounds_and_plurals_match_the_description(cold):
    # "waterdruk" ends in "druk", "termijnen" is the plural of "termijn".
    fault = cold.predict(Ticket("Waterdruk", "De waterdruk is te laag, het huis blijft koud."))
    assert fault.queue.label == "faults" and "waterdruk" in fault.queue.signals
    invoice = cold.predict(Ticket("Betalen", "Kan ik in termijnen betalen?"))
    assert invoice.queue.label == "invoices" and "termijnen" in invoice.queue.signals
