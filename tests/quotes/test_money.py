"""Quote arithmetic: exact, rounded per line and per VAT rate, discounts never below zero."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wendbaar.common.errors import BusinessRuleError
from wendbaar.quotes import money
from wendbaar.quotes.money import Discount, LineIn

prices = st.decimals(min_value="0", max_value="99999.99", places=2)
quantities = st.decimals(min_value="0", max_value="9999.999", places=3)
rates = st.sampled_from(["21", "9", "0", "reverse"])
discounts = st.one_of(
    st.just(money.NO_DISCOUNT),
    st.builds(
        Discount,
        kind=st.just("percentage"),
        value=st.decimals(min_value="0", max_value="150", places=2),
    ),
    st.builds(
        Discount,
        kind=st.just("amount"),
        value=st.decimals(min_value="0", max_value="1e7", places=2),
    ),
)
lines = st.builds(
    LineIn,
    quantity=quantities,
    unit_price=prices,
    vat_rate=rates,
    discount=discounts,
    cost_price=st.one_of(st.none(), prices),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(lines, max_size=12), discounts)
def test_totals_add_up(quote_lines, discount):
    totals = money.quote_compute(quote_lines, discount=discount, minimum_margin=Decimal("15"))
    assert totals.subtotal == sum((line.total for line in totals.lines), Decimal("0"))
    assert totals.net == totals.subtotal - totals.discount
    assert totals.net == sum((g.base for g in totals.vat_groups), Decimal("0"))
    assert totals.vat_total == sum((g.vat for g in totals.vat_groups), Decimal("0"))
    assert totals.total == totals.net + totals.vat_total
    for value in (totals.subtotal, totals.vat_total, totals.total, totals.discount):
        assert value == value.quantize(money.CENT)


@settings(max_examples=300, deadline=None)
@given(st.lists(lines, max_size=12), discounts)
def test_vat_per_rate_is_rate_times_that_rates_subtotal_rounded(quote_lines, discount):
    totals = money.quote_compute(quote_lines, discount=discount)
    for group in totals.vat_groups:
        expected = (group.base * money.VAT_PERCENT[group.rate] / 100).quantize(
            Decimal("0.01"), rounding="ROUND_HALF_UP"
        )
        assert group.vat == expected
        if group.rate == "reverse":
            assert group.vat == 0
            assert group.note
    if not discount.kind:
        for group in totals.vat_groups:
            assert group.base == sum(
                (line.total for line in totals.lines if line.vat_rate == group.rate), Decimal("0")
            )


@settings(max_examples=300, deadline=None)
@given(st.lists(lines, max_size=12), discounts)
def test_discounts_never_go_below_zero(quote_lines, discount):
    totals = money.quote_compute(quote_lines, discount=discount)
    for line in totals.lines:
        assert line.total >= 0
        assert 0 <= line.discount <= line.gross
    assert 0 <= totals.discount <= totals.subtotal
    for group in totals.vat_groups:
        assert group.base >= 0
    assert totals.net >= 0
    assert totals.total >= 0


@settings(max_examples=200, deadline=None)
@given(quantities, prices)
def test_line_total_is_quantity_times_price_rounded_per_line(quantity, price):
    result = money.line_compute(LineIn(quantity=quantity, unit_price=price))
    assert result.total == (quantity * price).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")


def test_rounding_is_per_line_half_up_then_vat_per_rate():
    # 3 x 0.335 = 1.005 → 1.01 per line; three such lines 3.03; VAT 21 % of 3.03 = 0.6363 → 0.64
    lines = [LineIn(quantity=Decimal("3"), unit_price=Decimal("0.335"))] * 3
    totals = money.quote_compute(lines)
    assert [line.total for line in totals.lines] == [Decimal("1.01")] * 3
    assert totals.vat_groups[0].vat == Decimal("0.64")
    assert totals.total == Decimal("3.67")


def test_vat_is_computed_per_rate_not_summed_per_line():
    # Per-line VAT would be 10 x 0.21 = 2.10 (0.21 each); per rate: 21 % of 10 x 1.00 = 2.10 too,
    # but with 0.05 lines: per line 0.0105 → 0.01 x10 = 0.10; per rate 0.50 x 21 % = 0.105 → 0.11.
    lines = [LineIn(quantity=Decimal("1"), unit_price=Decimal("0.05"))] * 10
    assert money.quote_compute(lines).vat_total == Decimal("0.11")


def test_mixed_rates_and_reverse_charge():
    totals = money.quote_compute(
        [
            LineIn(quantity=Decimal("2"), unit_price=Decimal("100"), vat_rate="21"),
            LineIn(quantity=Decimal("6"), unit_price=Decimal("55.50"), vat_rate="9"),
            LineIn(quantity=Decimal("1"), unit_price=Decimal("500"), vat_rate="reverse"),
        ]
    )
    by_rate = {g.rate: g for g in totals.vat_groups}
    assert by_rate["21"].vat == Decimal("42.00")
    assert by_rate["9"].vat == Decimal("29.97")
    assert by_rate["reverse"].vat == Decimal("0.00")
    assert totals.notes == ["VAT reverse-charged"]
    assert totals.net == Decimal("1033.00")
    assert totals.total == Decimal("1104.97")


def test_amount_discount_larger_than_the_quote_stops_at_zero():
    totals = money.quote_compute(
        [LineIn(quantity=Decimal("1"), unit_price=Decimal("80"))],
        discount=Discount("amount", Decimal("100")),
    )
    assert totals.discount == Decimal("80.00")
    assert totals.total == Decimal("0.00")


def test_amount_discount_is_spread_over_rates_to_the_cent():
    totals = money.quote_compute(
        [
            LineIn(quantity=Decimal("1"), unit_price=Decimal("100"), vat_rate="21"),
            LineIn(quantity=Decimal("1"), unit_price=Decimal("200"), vat_rate="9"),
        ],
        discount=Discount("amount", Decimal("10")),
    )
    by_rate = {g.rate: g.base for g in totals.vat_groups}
    assert by_rate == {"21": Decimal("96.67"), "9": Decimal("193.33")}


def test_line_below_minimum_margin_is_flagged():
    ok = LineIn(quantity=Decimal("1"), unit_price=Decimal("100"), cost_price=Decimal("70"))
    thin = LineIn(
        quantity=Decimal("1"),
        unit_price=Decimal("100"),
        cost_price=Decimal("70"),
        discount=Discount("percentage", Decimal("20")),
    )
    totals = money.quote_compute([ok, thin], minimum_margin=Decimal("20"))
    assert totals.lines[0].margin_percent == Decimal("30.00")
    assert totals.lines[1].margin_percent == Decimal("12.50")
    assert totals.below_margin == [1]


@pytest.mark.parametrize(
    "line",
    [
        LineIn(quantity=Decimal("-1"), unit_price=Decimal("10")),
        LineIn(quantity=Decimal("1"), unit_price=Decimal("-10")),
        LineIn(quantity=Decimal("1"), unit_price=Decimal("10"), vat_rate="19"),
        LineIn(quantity="NaN", unit_price=Decimal("10")),
    ],
)
def test_bad_lines_are_refused(line):
    with pytest.raises(BusinessRuleError):
        money.line_compute(line)


def test_negative_discount_is_refused():
    with pytest.raises(BusinessRuleError):
        Discount("amount", Decimal("-5"))


def test_floats_are_refused():
    with pytest.raises(TypeError):
        money.line_compute(LineIn(quantity=1.1, unit_price=Decimal("1")))
