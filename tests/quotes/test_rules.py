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
