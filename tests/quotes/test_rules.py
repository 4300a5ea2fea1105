"""The house-rule format: validation that names the section at fault, TOML text with line numbers,
and jobs expressed with another firm's SKUs."""

from decimal import Decimal

import pytest

from wendbaar.quotes.draft import draft_lines
from wendbaar.quotes.rules import RulesError, parse_rules_text

BASE = """
[labour]
standard = "UUR"

[travel]
[[travel.zones]]
sku = "RIT-A"
places = ["Dorpstad"]
"""

# A firm whose SKUs and names share nothing with the evaluation catalogue.
OTHER_FIRM = [
    {"sku": "UUR", "name": "Installateur per uur", "unit": "uur"},
    {"sku": "RIT-A", "name": "Voorrijden A", "unit": "keer"},
    {"sku": "K-28", "name": "Combiketel 28 kW (CW4)", "unit": "stuk"},
    {"sku": "K-35", "name": "Combiketel 35 kW (CW5)", "unit": "stuk"},
    {"sku": "AFV", "name": "Rookgasset", "unit": "set"},
    {"sku": "R60-100", "name": "Radiator T22 H60 L100 cm", "unit": "stuk"},
    {"sku": "R60-60", "name": "Radiator T22 H60 L60 cm", "unit": "stuk"},
    {"sku": "PNL", "name": "PV-paneel 400 Wp", "unit": "stuk"},
    {"sku": "INV", "name": "Omvormer", "unit": "stuk"},
]

OTHER_RULES = (
    BASE
    + """
[jobs.central_heating_boiler]
classes = [ { class = "CW4", sku = "K-28", kw = 28, home = "small" },
            { class = "CW5", sku = "K-35", kw = 35, home = "medium" } ]
lines = [{ sku = "AFV", qty = 1 }]
labour = { standard = 5 }

[jobs.radiators]
panel_name_pattern = "T(?P<type>\\\\d\\\\d) H(?P<height>\\\\d+) L(?P<length>\\\\d+)"
panel_size_unit = "cm"
hours_existing = 2

[jobs.solar]
panels = [{ sku = "PNL" }]
inverters = [{ max_panels = 16, sku = "INV" }]
"""
)


def as_dict(draft):
    return {line.sku: line.quantity for line in draft.lines}


def test_another_firm_expresses_the_same_jobs_with_its_own_skus():
    rules = parse_rules_text(OTHER_RULES)
    draft = draft_lines(
        "Graag onze cv-ketel vervangen, we hebben een eengezinswoning met bad. Dorpstad.",
        OTHER_FIRM,
        rules,
        "nl",
    )
    assert as_dict(draft) == {"K-35": 1, "AFV": 1, "UUR": 5, "RIT-A": 1}
    assert all(line.source == "rule" for line in draft.lines)
    draft = draft_lines("3 radiatoren van 1 meter vervangen in Dorpstad", OTHER_FIRM, rules, "nl")
    assert as_dict(draft) == {"R60-100": 3, "UUR": 6, "RIT-A": 1}
    # solar includes travel by default: no call-out line
    draft = draft_lines("12 zonnepanelen op ons dak in Dorpstad", OTHER_FIRM, rules, "nl")
    assert as_dict(draft) == {"PNL": 12, "INV": 1}


def test_a_firm_without_a_job_section_does_not_draft_that_job():
    rules = parse_rules_text(BASE)
    draft = draft_lines("12 zonnepanelen op ons dak in Dorpstad", OTHER_FIRM, rules, "nl")
    assert draft.lines == [] and draft.open_points


def test_syntax_error_names_the_line():
    with pytest.raises(RulesError, match=r"^line 3, column \d+: not valid TOML"):
        parse_rules_text('[labour]\nstandard = "UUR"\n[travel\n')


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("[jobs.sauna]\nx = 1", r"\[jobs\.sauna\]: unknown job kind"),
        ("[jobs.thermostat]\nsmart = 'X'", r"\[jobs\.thermostat\] basic"),
        ("[jobs.thermostat]\nbasic = 'X'\ncolour = 'red'", r"\[jobs\.thermostat\]: unknown key"),
        (
            "[jobs.radiators]\npanel_name_pattern = 'type (?P<type>\\d+)'",
            r"\[jobs\.radiators\] panel_name_pattern: needs the named groups height, length",
        ),
        (
            "[jobs.solar]\npanels = [{ sku = 'P', cues = ['(broken'] }]",
            r"\[jobs\.solar\] panels #1 cues: invalid cue",
        ),
        (
            "[jobs.battery]\nsizes = [{ sku = 'B' }]",
            r"\[jobs\.battery\] sizes #1: missing kwh",
        ),
        ("[jobs.thermostat]\nbasic = 'X'\nlabour = { plumber = 1 }", "unknown labour kind"),
        ("[pricing]\nminimum_margin = 120", r"\[pricing\] minimum_margin: .*at most 100"),
        (
            "[[pricing.volume]]\nsku = 'A'\ncategory = 'B'\npercent = 5",
            r"\[\[pricing\.volume\]\] #1: give either sku or category",
        ),
        ("[[pricing.customers]]\npercent = 5", r"\[\[pricing\.customers\]\] #1: give either"),
        ("[matching]\naccept = 2", r"\[matching\] accept"),
        ("[extras]\nx = 1", "unknown section"),
    ],
)
def test_format_errors_name_the_section(extra, message):
    with pytest.raises(RulesError, match=message):
        parse_rules_text(BASE + "\n" + extra + "\n")


def test_rules_list_every_sku_they_name():
    rules = parse_rules_text(OTHER_RULES)
    assert {"UUR", "RIT-A", "K-28", "K-35", "AFV", "PNL", "INV"} <= rules.skus()


def test_optional_labour_kinds_fall_back():
    rules = parse_rules_text(
        BASE
        + """
[[bundles]]
name = "groepenkast"
cues = ["groepenkast"]
lines = [{ sku = "K-28", qty = 1 }]
labour = { electrical = 2, apprentice = 2 }
"""
    )
    draft = draft_lines("Nieuwe groepenkast in Dorpstad", OTHER_FIRM, rules, "nl")
    # no electrician rate: the installer's; no apprentice rate: those hours are not charged
    assert as_dict(draft) == {"K-28": 1, "UUR": Decimal(2), "RIT-A": 1}


# --- the demo firm: its own catalogue (wendbaar.quotes.demo) and house rules (demo_rules.toml) ---

D = Decimal


@pytest.fixture(scope="module")
def demo():
    from pathlib import Path

    from wendbaar.quotes import demo
    from wendbaar.quotes.rules import load_rules

    rows = [
        {"sku": sku, "name": name, "unit": unit, "price": price, "vat_rate": vat,
         "cost_price": cost, "category": category}
        for sku, name, unit, price, vat, cost, category, _lead in demo.ITEMS
    ]  # fmt: skip
    rules = load_rules(Path(demo.__file__).with_name("demo_rules.toml"))
    return rows, rules


def test_demo_rules_name_only_demo_catalogue_items(demo):
    rows, rules = demo
    assert rules.skus() <= {row["sku"] for row in rows}


DEMO_CASES = [
    (
        "Goedemiddag, wij wonen in een rijtjeshuis in Vathorst met een bad en willen onze oude "
        "cv-ketel laten vervangen. Groet, Ellen",
        {"CV-HR36": 1, "CV-RGA": 1, "CV-DEMO": 1, "ARB-MON": 6, "VRK-ZONE1": 1},
        False,
    ),
    (
        "Hoi, in Zeist willen we twee radiatoren van 1 meter vervangen (60 cm hoog).",
        {"RAD-T22-1000": 2, "RAD-TKR": 2, "ARB-MON": 3, "VRK-ZONE2": 1},
        False,
    ),
    (
        "We bouwen een serre van ongeveer 18 m2 en willen daar vloerverwarming in. "
        "Adres: Dorpsstraat 3, Woudenberg",
        {"VVW-M2": 18, "ARB-MON": 4, "VRK-ZONE1": 1},
        False,
    ),
    (
        "Kunnen jullie op zaterdag een hybride warmtepomp plaatsen? Wij wonen in Ede.",
        {"WP-HYB": 1, "ARB-AVW": 8, "VRK-ZONE3": 1},
        False,
    ),
    (
        "Onze WTW-unit is versleten en moet vervangen worden, graag ook 2 sets reservefilters. "
        "Kanaalstraat 9, Utrecht",
        {"WTW-350": 1, "WTW-FLT": 2, "ARB-MON": 10, "VRK-ZONE2": 1},
        False,
    ),
    (
        "Onze mechanische ventilatie maakt veel herrie, graag een nieuwe MV-box. "
        "Assendorperstraat 12, 8012 DJ Zwolle",
        {"MV-BOX": 1, "MV-RENS": 1, "ARB-MON": 2},
        "Zwolle",
    ),
    (
        "Dag, kunnen jullie de ventilatiekanalen in ons huis reinigen? We wonen in Putten, "
        "ongeveer 25 km van Amersfoort.",
        {"MV-RENS": 1, "VRK-ZONE2": 1},
        False,
    ),
    (
        "Graag een offerte voor 10 zonnepanelen op ons pannendak in Baarn.",
        {"ZP-410": 10, "ZP-MONT": 10, "ZP-INST": 10, "ZP-OMV5": 1},
        False,
    ),
    (
        "Voor onze praktijk in Amersfoort een slimme thermostaat die met de bestaande ketel werkt, "
        "en 4 radiatoren moeten nieuwe thermostaatkranen krijgen. Graag na 18.00 uur.",
        {"THERM-SLIM": 1, "RAD-TKR": 4, "ARB-AVW": 3, "VRK-ZONE1": 1},
        False,
    ),
    (
        "Wij willen van het gas af met een lucht/water-warmtepomp van 8 kW. Soest.",
        {"WP-LW8": 1, "ARB-MON": 16, "ARB-LRL": 8, "VRK-ZONE1": 1},
        "gas",
    ),
    ("Kunnen jullie ook een laadpaal ophangen? Hoevelaken", {}, "laadpaal"),
    (
        "Ik wil 3 thermostatische radiatorkranen bestellen, ik haal ze zelf op.",
        {"RAD-TKR": 3},
        None,
    ),
]


@pytest.mark.parametrize(
    ("text", "expected", "open_point"), DEMO_CASES, ids=[f"demo{i:02d}" for i in range(12)]
)
def test_demo_catalogue_and_rules_draft_sensible_lines(demo, text, expected, open_point):
    rows, rules = demo
    draft = draft_lines(text, rows, rules, "nl")
    lines = {line.sku: line.quantity for line in draft.lines}
    assert lines == {sku: D(qty) for sku, qty in expected.items()}, draft.open_points
    if open_point is False:
        assert draft.open_points == []
    elif open_point:
        assert any(open_point.lower() in p.lower() for p in draft.open_points), draft.open_points


def test_demo_pricing_rules(demo):
    rows, rules = demo
    draft = draft_lines(
        "Wij willen 6 radiatoren van 60x100 vervangen, Leusden",
        rows,
        rules,
        "nl",
        customer={"company": "VvE Eemhof", "email": "bestuur@vve-eemhof.example"},
    )
    lines = {line.sku: line for line in draft.lines}
    assert lines["RAD-T22-1000"].discount_percent == D("5.00")  # volume and customer: 5 % once
    assert lines["RAD-TKR"].discount_percent == D("5.00")  # customer
    assert lines["VRK-ZONE1"].discount_percent is None  # travel
    draft = draft_lines(
        "16 zonnepanelen op het schuine dak in Baarn", rows, rules, "nl", customer=None
    )
    lines = {line.sku: line for line in draft.lines}
    assert lines["ZP-410"].discount_percent == D("5.00")
    assert "16" in lines["ZP-410"].discount_why
    assert any("omvormer" in p for p in draft.open_points)  # more panels than the inverter takes


@pytest.mark.parametrize(
    ("language", "thin", "capped"),
    [
        ("nl", "catalogusprijs ligt onder de minimummarge", "begrensd door de minimummarge"),
        ("en", "list price is below the minimum margin", "limited by the minimum margin"),
    ],
)
def test_margin_checks_name_no_margin_figures(demo, language, thin, capped):
    """Open points and discount texts reach every quote worker: no margin or cap figures."""
    import re

    rows, rules = demo
    rows = [dict(row) for row in rows]
    by_sku = {row["sku"]: row for row in rows}
    by_sku["ZP-410"]["cost_price"] = D(by_sku["ZP-410"]["price"]) * D("0.877")  # 12.3 % margin
    # 22 % margin: the 5 % volume discount is capped to keep the 20 % minimum
    by_sku["RAD-T22-1000"]["cost_price"] = D(by_sku["RAD-T22-1000"]["price"]) * D("0.78")
    draft = draft_lines("16 zonnepanelen op het schuine dak in Baarn", rows, rules, language)
    lines = {line.sku: line for line in draft.lines}
    assert lines["ZP-410"].discount_percent is None
    point = next(p for p in draft.open_points if p.startswith("ZP-410"))
    assert thin in point and not re.search(r"\d", point.removeprefix("ZP-410")), point
    draft = draft_lines(
        "Wij willen 6 radiatoren van 60x100 vervangen, Leusden", rows, rules, language
    )
    line = {line.sku: line for line in draft.lines}["RAD-T22-1000"]
    assert D(0) < line.discount_percent < D(5)
    assert capped in line.discount_why, line.discount_why
    assert str(line.discount_percent) not in line.discount_why
    assert "20" not in line.discount_why, line.discount_why
    for text in [*draft.open_points, *(line.why for line in draft.lines)]:
        assert "marge" not in text and "margin" not in text, text


def test_demo_matcher_prices_a_clear_item_no_rule_covers(demo):
    rows, rules = demo
    draft = draft_lines("Graag 5 uur dakdekker voor de dakdoorvoer, Leusden", rows, rules, "nl")
    line = next(line for line in draft.lines if line.sku == "ONDA-DAK")
    assert line.quantity == 5 and line.source == "match" and line.confidence < 0.8


def test_any_wrongly_typed_value_is_a_rules_error_never_a_crash():
    """Replace every value of the bench rules by values of the wrong type: only RulesError."""
    import contextlib
    import copy
    import tomllib
    from pathlib import Path

    from wendbaar.quotes.rules import parse_rules

    data = tomllib.loads(
        (Path(__file__).resolve().parents[2] / "bench" / "quotes_rules.toml").read_text("utf-8")
    )

    def paths(obj, prefix=()):
        if prefix:
            yield prefix
        if isinstance(obj, dict):
            for key, value in obj.items():
                yield from paths(value, (*prefix, key))
        elif isinstance(obj, list):
            for index, value in enumerate(obj[:2]):
                yield from paths(value, (*prefix, index))

    for path in paths(data):
        for wrong in (None, 7, "x", [], {}, ["("], [{"sku": 1}], True, -1):
            broken = copy.deepcopy(data)
            target = broken
            for key in path[:-1]:
                target = target[key]
            target[path[-1]] = wrong
            with contextlib.suppress(RulesError):
                parse_rules(broken)
