"""The catalogue matcher: counted item mentions, lexical + semantic matching, and its place in a
draft (only for what the house rules leave unexplained; a line only when it is clear)."""

from decimal import Decimal

import pytest

from wendbaar.quotes.draft import draft_lines, normalise_text
from wendbaar.quotes.matching import CatalogueIndex, find_mentions, stem
from wendbaar.quotes.rules import parse_rules_text

CATALOGUE = [
    {"sku": "UUR", "name": "Monteur per uur", "unit": "uur", "category": "Arbeid"},
    {"sku": "UUR-ELM", "name": "Elektricien per uur", "unit": "uur", "category": "Arbeid"},
    {"sku": "RIT", "name": "Voorrijkosten", "unit": "keer", "category": "Voorrijkosten"},
    {
        "sku": "SPOT-LED",
        "name": "Inbouwspot LED dimbaar",
        "description": "LED inbouwspot 5 W, wit, incl. driver",
        "unit": "stuk",
        "category": "Verlichting",
    },
    {
        "sku": "RM-230",
        "name": "Rookmelder 230 V gekoppeld",
        "unit": "stuk",
        "category": "Veiligheid",
    },
    {"sku": "VV-NAT", "name": "Vloerverwarming nat systeem per m²", "unit": "m²"},
    {"sku": "VV-DROOG", "name": "Vloerverwarming droog systeem per m²", "unit": "m²"},
    {"sku": "WCD-2", "name": "Dubbele wandcontactdoos", "unit": "stuk", "category": "Elektra"},
]

RULES = """
[labour]
standard = "UUR"
electrical = "UUR-ELM"
[travel]
[[travel.zones]]
sku = "RIT"
places = ["Dorpstad"]
[[bundles]]
name = "stopcontact"
cues = ["stopcontact(en)?"]
count = "number"
lines = [{ sku = "WCD-2", qty = 1 }]
"""


def mentions(text):
    return [(m.quantity, m.unit, m.phrase) for m in find_mentions(normalise_text(text))]


def test_mentions_with_quantity_unit_and_sizes():
    assert mentions("3 radiatoren van 60 cm") == [(3, None, "radiatoren")]
    assert find_mentions("3 radiatoren van 60 cm")[0].sizes == ["60cm"]
    assert mentions("ongeveer 25 m² vloerverwarming") == [(25, "m²", "vloerverwarming")]
    assert mentions("nog 2 uur arbeid erbij") == [(2, "uur", "arbeid")]
    assert mentions("a dozen LED spots please") == [(12, None, "LED spots")]
    assert mentions("we need 4.5 m2 tiles") == [(Decimal("4.5"), "m²", "tiles")]


def test_numbers_that_are_no_items():
    assert mentions("De ketel is 16 jaar oud, sinds 2021 hier") == []
    assert mentions("Bel 06-12345678, 2 kinderen, 60 cm hoog, 8 kW") == []


def test_dutch_plurals_and_compounds_share_a_stem():
    assert stem("panelen") == stem("paneel")
    assert stem("radiatoren") == stem("radiator")
    assert stem("spots") == "spot"


@pytest.fixture(scope="module")
def index():
    return CatalogueIndex(CATALOGUE)


def best(index, text):
    return index.match(find_mentions(normalise_text(text))[0])


def test_clear_mentions_match_one_item(index):
    found = best(index, "a dozen LED spots")
    assert found.decision == "line" and found.best.sku == "SPOT-LED"
    found = best(index, "3 rookmelders")
    assert found.decision == "line" and found.best.sku == "RM-230"


def test_two_close_items_are_ambiguous(index):
    found = best(index, "ongeveer 25 m² vloerverwarming")
    assert found.decision == "ambiguous"
    assert {c.sku for c in found.candidates} == {"VV-NAT", "VV-DROOG"}


def test_hours_without_a_clear_rate_are_ambiguous(index):
    assert best(index, "2 uur arbeid").decision == "ambiguous"


def test_nothing_alike_is_none(index):
    assert best(index, "4 dakpannen").decision == "none"


def test_catalogue_vectors_are_cached_per_catalogue(index, monkeypatch):
    index.vectors()
    again = CatalogueIndex(CATALOGUE)
    calls = []
    import wendbaar.quotes.matching as matching

    monkeypatch.setattr(matching, "_embed", lambda texts: calls.append(texts) or [])
    assert again.vectors() is index.vectors()
    assert calls == []


@pytest.fixture(scope="module")
def rules():
    return parse_rules_text(RULES)


def test_draft_matches_what_no_rule_covers(rules):
    draft = draft_lines("Graag 8 inbouwspots LED in de woonkamer, Dorpstad", CATALOGUE, rules, "nl")
    lines = {line.sku: line for line in draft.lines}
    assert lines["SPOT-LED"].quantity == 8
    assert lines["SPOT-LED"].source == "match" and lines["SPOT-LED"].confidence < 0.8
    assert "inbouwspots" in lines["SPOT-LED"].why


def test_rule_lines_are_not_matched_again(rules):
    draft = draft_lines("4 stopcontacten plaatsen in Dorpstad", CATALOGUE, rules, "nl")
    assert {line.sku: line.quantity for line in draft.lines} == {"WCD-2": 4, "RIT": 1}
    assert all(line.source == "rule" for line in draft.lines)


def test_ambiguous_mentions_are_open_points_not_prices(rules):
    draft = draft_lines("Ongeveer 25 m2 vloerverwarming in Dorpstad", CATALOGUE, rules, "nl")
    assert draft.lines == []
    assert any("VV-NAT" in p and "VV-DROOG" in p for p in draft.open_points), draft.open_points


def test_matcher_can_be_switched_off():
    rules = parse_rules_text(RULES + "\n[matching]\nenabled = false\n")
    draft = draft_lines("Graag 8 inbouwspots LED, Dorpstad", CATALOGUE, rules, "nl")
    assert draft.lines == []


def test_several_mentions_in_one_sentence():
    assert mentions("Graag 8 inbouwspots LED en 2 rookmelders in de gang") == [
        (8, None, "inbouwspots LED"),
        (2, None, "rookmelders"),
    ]


def test_the_noun_before_an_area_or_duration():
    assert mentions("Vloerverwarming, ongeveer 25 m2 graag") == [(25, "m²", "Vloerverwarming")]
    found = find_mentions("de badkamer heeft een vloer van 6 m²")
    assert [(m.phrase, m.text) for m in found] == [("vloer", "vloer van 6 m²")]
    assert mentions("5 st. radiatoren 60x80 type 22") == [(5, "stuk", "radiatoren type")]
