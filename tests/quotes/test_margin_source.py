"""One minimum margin for the editor and the draft: the house rules' `[pricing] minimum_margin`
when they set one, otherwise the quote settings' value."""

from decimal import Decimal

import pytest

from tests.quotes.test_drafting import MAIL, RULES, catalogue, draft, seller  # noqa: F401
from wendbaar.quotes import selectors, services
from wendbaar.quotes.demo import RULES_FILE
from wendbaar.quotes.models import CatalogueItem, Quote

pytestmark = pytest.mark.django_db

# The gate (249.00) costs 206.67: a 17 % margin, between the settings' 15 % and the rules' 20 %.
GATE_COST = Decimal("206.67")


def _settings(*, minimum_margin, rules_text):
    settings = selectors.quote_settings_get()
    settings.minimum_margin = minimum_margin
    settings.rules_text = rules_text
    settings.save()
    return settings


@pytest.fixture
def gate(catalogue):  # noqa: F811
    CatalogueItem.objects.filter(pk=catalogue["POORT"].pk).update(cost_price=GATE_COST)
    return CatalogueItem.objects.get(pk=catalogue["POORT"].pk)


def _gate_point(quote: Quote) -> bool:
    return any(point.startswith("POORT") for point in quote.open_points)


def _blank_quote_with(item, actor) -> Quote:
    quote = services.quote_create(actor=actor)
    services.quote_line_add(quote=quote, actor=actor, item=item)
    return quote


def test_rules_minimum_wins_in_editor_and_draft(seller, gate):  # noqa: F811
    _settings(minimum_margin=Decimal("15"), rules_text=RULES + "\n[pricing]\nminimum_margin = 20\n")
    assert services.minimum_margin_get() == Decimal("20")
    drafted = draft(seller)
    assert _gate_point(drafted)  # the draft: list price below the minimum margin
    assert drafted.lines.get(sku="POORT").below_margin  # the same line, flagged by the editor
    assert not drafted.lines.get(sku="HEK-180").below_margin  # no cost price, no flag
    edited = _blank_quote_with(gate, seller)
    assert edited.lines.get().below_margin


def test_settings_minimum_applies_when_the_rules_set_none(seller, gate):  # noqa: F811
    _settings(minimum_margin=Decimal("15"), rules_text=RULES)
    assert services.minimum_margin_get() == Decimal("15")
    drafted = draft(seller)
    assert not _gate_point(drafted)
    assert not drafted.lines.get(sku="POORT").below_margin
    assert not _blank_quote_with(gate, seller).lines.get().below_margin
    # settings above the line's margin flag it in the editor; the draft names no minimum then
    _settings(minimum_margin=Decimal("18"), rules_text=RULES)
    assert _blank_quote_with(gate, seller).lines.get().below_margin


def test_broken_or_missing_rules_fall_back_to_the_settings(db):
    _settings(minimum_margin=Decimal("15"), rules_text="[pricing\nminimum_margin = 20")
    assert services.minimum_margin_get() == Decimal("15")
    _settings(minimum_margin=None, rules_text="")
    assert services.minimum_margin_get() is None


def test_rules_changes_take_effect_on_the_next_recalculation(seller, gate):  # noqa: F811
    _settings(minimum_margin=Decimal("15"), rules_text=RULES)
    quote = _blank_quote_with(gate, seller)
    assert not quote.lines.get().below_margin
    _settings(minimum_margin=Decimal("15"), rules_text=RULES + "\n[pricing]\nminimum_margin = 20\n")
    services.quote_recalculate(quote=quote)
    assert quote.lines.get().below_margin


def test_demo_rules_minimum_is_the_one_in_force():
    """The demo sets 15 % in the settings and 20 % in demo_rules.toml: 20 % is in force."""
    text = RULES_FILE.read_text(encoding="utf-8")
    assert services._rules_minimum_margin(text) == Decimal("20")
