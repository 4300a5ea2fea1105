"""The draft says what it could not price and where every line comes from.

- a part of the request that asks for work or an item and made no line is an open point quoting
  the request's words, never a price, and greetings, addresses and closings are no open points;
- an absurd number (a count or a size far beyond any catalogue) is an open point, never a line,
  and a size belongs to the noun it is written with ("3 radiatoren en 12 meter leiding");
- every line carries the request words it came from, as written in the request;
- an English request gets an English covering letter, also when the only template is Dutch.
"""

from decimal import Decimal

import pytest

from tests.quotes.test_drafting import catalogue, draft, house_rules, seller  # noqa: F401
from tests.quotes.test_generality import CATALOGUE, RULES_PATH
from wendbaar.accounts.selectors import organisation_get
from wendbaar.quotes.draft import MAX_QUANTITY, draft_lines
from wendbaar.quotes.models import QuoteTemplate
from wendbaar.quotes.rules import load_rules


@pytest.fixture(scope="module")
def rules():
    return load_rules(RULES_PATH)


def test_unmatched_work_is_an_open_point_with_its_words(rules):
    text = (
        "Beste, wij willen 4 nieuwe radiatoren van 80 cm breed. Ook willen we een nieuwe "
        "vijverpomp laten installeren. We wonen in Vathorst. Met vriendelijke groet, Jan"
    )
    result = draft_lines(text, CATALOGUE, rules, "nl")
    assert {line.sku: line.quantity for line in result.lines}["RAD-22-600-800"] == 4
    points = [p for p in result.open_points if "vijverpomp" in p]
    assert len(points) == 1, result.open_points
    assert points[0].startswith("Niet gevonden in de catalogus: '")
    assert "een nieuwe vijverpomp" in points[0]
    assert not any("vijverpomp" in line.why for line in result.lines)  # never priced
    # the greeting, the address and the closing ask for nothing
    assert not any(w in p for p in result.open_points for w in ("Beste", "Vathorst", "groet"))


def test_unmatched_work_in_english_and_the_rest_still_drafted(rules):
    text = (
        "Hello, please fit a new bathroom fan and paint the garden shed. "
        "We live in Amersfoort. Regards, Bob"
    )
    result = draft_lines(text, CATALOGUE, rules, "en")
    assert "VENT-BADFAN" in {line.sku for line in result.lines}
    assert "Not found in the catalogue: 'paint the garden shed'" in result.open_points
    assert not any("bathroom fan" in p for p in result.open_points)  # it made a line


def test_matched_request_has_no_open_points(rules):
    text = (
        "Goedemorgen,\n\nGraag 2 badkamerradiatoren op de cv aansluiten (bestaande "
        "aansluiting).\n\nAdres: Dorpsstraat 4, Zeist.\n\nMet vriendelijke groet,\nAnna de Boer"
    )
    result = draft_lines(text, CATALOGUE, rules, "nl")
    assert result.lines
    assert result.open_points == []


def test_a_size_belongs_to_its_own_noun(rules):
    text = "Graag 3 radiatoren van 80 cm en 12 meter leiding in Amersfoort"
    result = draft_lines(text, CATALOGUE, rules, "nl")
    lines = {line.sku: line.quantity for line in result.lines}
    assert lines["RAD-22-600-800"] == 3
    assert any("'12 meter leiding'" in p for p in result.open_points), result.open_points


def test_an_absurd_length_is_never_a_radiator_size(rules):
    text = "Graag 3 radiatoren en 88888888 meter leiding in Amersfoort"
    result = draft_lines(text, CATALOGUE, rules, "nl")
    assert not any("88888888" in line.why for line in result.lines)
    assert all(line.quantity <= MAX_QUANTITY for line in result.lines)
    assert any("88888888 meter leiding" in p for p in result.open_points), result.open_points


@pytest.mark.parametrize(
    "text",
    [
        "Graag 20000 radiatoren van 60 cm in Amersfoort",
        "Wij willen 50000 zonnepanelen op ons dak in Amersfoort",
        "Graag 99999 m² vloerverwarming infrezen in Amersfoort",
    ],
)
def test_an_absurd_count_is_an_open_point_not_a_line(rules, text):
    result = draft_lines(text, CATALOGUE, rules, "nl")
    assert all(line.quantity <= MAX_QUANTITY for line in result.lines)
    assert not [line for line in result.lines if line.sku.startswith(("RAD", "ZP", "VVW"))]
    assert result.open_points


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Hi, we would like twelve solar panels and a smart thermostat. Address: Dorpsstraat 1, "
         "Houten. Thanks, Bob", "en"),
        ("Wij willen de cv-ketel vervangen, we hebben een tussenwoning. Wij wonen in Leusden.",
         "nl"),
        ("Graag 2 radiatoren van 60 cm hoog en 1 meter breed, en een nieuwe thermostaat. Zeist",
         "nl"),
        ("We need a free-standing EV charger on the driveway, single phase, 8 m of cable and a "
         "6 m trench under the paving. We're in Soesterberg.", "en"),
        ("Graag vloerverwarming infrezen in de woonkamer, ongeveer 25 m2. Amersfoort", "nl"),
    ],
)  # fmt: skip
def test_every_line_carries_request_words_as_written(rules, text, language):
    result = draft_lines(text, CATALOGUE, rules, language)
    assert result.lines
    for line in result.lines:
        assert line.words, line
        assert line.words in text, (line.sku, line.words)


def test_english_lines_quote_english_words(rules):
    text = "Hello, please install twelve solar panels and a new thermostat. We live in Houten."
    result = draft_lines(text, CATALOGUE, rules, "en")
    panels = next(line for line in result.lines if line.sku == "ZP-430")
    assert panels.words == "twelve solar panels"
    travel = next(line for line in result.lines if line.sku == "VRK-Z2")
    assert travel.words == "Houten"


@pytest.mark.django_db
def test_drafted_quote_lines_show_the_request_words(seller, house_rules, catalogue):  # noqa: F811
    text = "Wij willen graag 6 schuttingdelen laten plaatsen in Leusden."
    quote = draft(seller, text)
    for line in quote.lines.all():
        assert line.why["words"], line.sku
        assert line.why["words"] in text


@pytest.mark.django_db
def test_english_request_with_only_a_dutch_template_gets_an_english_letter(
    seller,  # noqa: F811
    house_rules,  # noqa: F811
):
    QuoteTemplate.objects.create(
        organisation=organisation_get(),
        name="Standaard",
        is_default=True,
        language="nl",
        intro="Beste {customer},",
        closing="Met vriendelijke groet",
    )
    quote = draft(seller, "Hello, could you quote 4 fence panels in Amersfoort? Regards, Bob")
    assert quote.language == "en"
    assert quote.covering_letter.startswith("Dear Bob,")
    assert "Thank you for your request." in quote.covering_letter
    assert "Beste" not in quote.covering_letter and "customer" not in quote.covering_letter
    assert quote.covering_letter.endswith("Kind regards,")
    assert "Met vriendelijke groet" not in quote.covering_letter


@pytest.mark.django_db
def test_unsigned_english_request_gets_a_neutral_greeting(seller, house_rules):  # noqa: F811
    QuoteTemplate.objects.create(
        organisation=organisation_get(), name="Standaard", is_default=True, language="nl",
        intro="Beste {customer},",
    )  # fmt: skip
    quote = draft(seller, "Hello, could you quote 4 fence panels in Amersfoort?")
    assert quote.covering_letter.startswith("Dear Sir or Madam,")
    assert "customer" not in quote.covering_letter.split("\n")[0]


@pytest.mark.django_db
def test_a_template_in_the_request_language_is_preferred(seller, house_rules):  # noqa: F811
    organisation = organisation_get()
    QuoteTemplate.objects.create(
        organisation=organisation, name="A standaard", is_default=True, language="nl",
        intro="Beste {customer},", closing="Met vriendelijke groet",
    )  # fmt: skip
    QuoteTemplate.objects.create(
        organisation=organisation, name="B english", language="en",
        intro="Dear {customer},", closing="Kind regards, the team",
    )  # fmt: skip
    quote = draft(seller, "Hello, could you quote 4 fence panels in Amersfoort?\n\nRegards,\nBob")
    assert quote.template.name == "B english"
    assert quote.covering_letter.startswith("Dear Bob,")
    assert quote.covering_letter.endswith("Kind regards, the team")
    dutch = draft(seller, "Graag een offerte voor 4 schuttingdelen in Leusden. Groet, Jan")
    assert dutch.template.name == "A standaard"
    assert dutch.covering_letter.startswith("Beste Jan,")


def test_quantity_cap_is_far_beyond_real_requests():
    assert Decimal(10_000) == MAX_QUANTITY


def test_a_heat_pump_beside_a_new_boiler_keeps_the_boiler_but_not_in_its_place(rules):
    beside = (
        "Hello, could you quote for replacing our old boiler with a new combi boiler, and "
        "installing a heat pump in the garage? It is a family home with a bath. "
        "We live in Amersfoort. Regards, Bob"
    )
    lines = {line.sku for line in draft_lines(beside, CATALOGUE, rules, "en").lines}
    assert "CV-HR30-CW5" in lines and "CV-DEMONT" in lines
    instead = (
        "Goedemiddag, wij willen onze cv-ketel laten vervangen door een hybride warmtepomp. "
        "Wij wonen in Amersfoort. Groet, Anna"
    )
    lines = {line.sku for line in draft_lines(instead, CATALOGUE, rules, "nl").lines}
    assert not any(sku.startswith("CV-HR") for sku in lines)


def test_an_absurd_job_does_not_take_a_sound_one_in_another_sentence_with_it(rules):
    text = "Graag 8000 radiatoren van 60 cm. Ook een slimme thermostaat. Wij wonen in Amersfoort."
    result = draft_lines(text, CATALOGUE, rules, "nl")
    skus = {line.sku for line in result.lines}
    assert "CV-THERM-SLIM" in skus
    assert not any(sku.startswith("RAD-") for sku in skus)
    assert any("8000" in p or "radiator" in p for p in result.open_points), result.open_points
    assert not any("thermostaat" in p for p in result.open_points)  # labour is named as such
