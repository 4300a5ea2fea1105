"""Exact quote arithmetic: Decimal only, rounded per line and per VAT rate as Dutch invoices require.

- A line total is quantity x unit price rounded to cents (half up), minus its discount.
- VAT is computed once per rate on that rate's subtotal (after any quote discount), then rounded;
  never summed from per-line VAT amounts.
- Reverse-charged lines carry 0 VAT and the invoice must say so ("btw verlegd").
- A discount (percentage or amount) never makes a line or the total negative.
"""

from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from wendbaar.common.errors import BusinessRuleError

CENT = Decimal("0.01")
ZERO = Decimal("0")
HUNDRED = Decimal("100")

# Percentage of VAT per rate code (quotes.choices.VatRate); reverse-charged is 0 here, the
# customer accounts for it.
VAT_PERCENT = {"21": Decimal("21"), "9": Decimal("9"), "0": ZERO, "reverse": ZERO}
RATE_ORDER = ["21", "9", "0", "reverse"]


def cents(amount: Decimal) -> Decimal:
    """Round to cents, half up (0.005 → 0.01), as Dutch invoices do."""
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


def _decimal(value, what: str) -> Decimal:
    if isinstance(value, float):
        # Floats carry binary noise into money; callers pass str, int or Decimal.
        raise TypeError(f"{what} must be a Decimal, int or str, not float")
    try:
        result = Decimal(value)
    except Exception as exc:
        raise BusinessRuleError(
            _("%(what)s is not a number.") % {"what": what}, code="bad_number", status_code=400
        ) from exc
    if not result.is_finite():
        raise BusinessRuleError(
            _("%(what)s is not a number.") % {"what": what}, code="bad_number", status_code=400
        )
    return result


@dataclass(frozen=True)
class Discount:
    """A discount on a line or on the whole quote: a percentage (0-100) or an amount in euros."""

    kind: str = ""  # "", "percentage" or "amount"
    value: Decimal = ZERO

    def __post_init__(self):
        value = _decimal(self.value, _("Discount"))
        if self.kind not in ("", "percentage", "amount"):
            raise BusinessRuleError(
                _("Unknown kind of discount."), code="bad_discount", status_code=400
            )
        if value < 0:
            raise BusinessRuleError(
                _("A discount cannot be negative."), code="negative_discount", status_code=400
            )
        object.__setattr__(self, "value", value)

    def on(self, amount: Decimal) -> Decimal:
        """The discount in cents on `amount`, never more than `amount` itself."""
        if not self.kind or amount <= 0:
            return ZERO
        if self.kind == "percentage":
            off = cents(amount * min(self.value, HUNDRED) / HUNDRED)
        else:
            off = cents(self.value)
        return min(off, amount)


NO_DISCOUNT = Discount()


@dataclass(frozen=True)
class LineIn:
    """What a quote line asks for; the cost price (per unit) is optional, for the margin check."""

    quantity: Decimal
    unit_price: Decimal
    vat_rate: str = "21"
    discount: Discount = NO_DISCOUNT
    cost_price: Decimal | None = None


@dataclass(frozen=True)
class LineResult:
    gross: Decimal  # quantity x unit price, rounded
    discount: Decimal
    total: Decimal  # gross - discount, never below zero
    vat_rate: str
    margin_percent: Decimal | None  # (total - cost) / total x 100, None without a cost price
    below_margin: bool


@dataclass(frozen=True)
class VatGroup:
    rate: str
    base: Decimal  # subtotal of this rate after the quote discount
    vat: Decimal
    note: str = ""


@dataclass(frozen=True)
class Totals:
    lines: list[LineResult]
    subtotal: Decimal  # sum of line totals
    discount: Decimal  # quote-level discount
    net: Decimal  # subtotal - discount
    vat_groups: list[VatGroup]
    vat_total: Decimal
    total: Decimal  # net + VAT
    notes: list[str] = field(default_factory=list)

    @property
    def below_margin(self) -> list[int]:
        """Positions (0-based) of lines below the minimum margin."""
        return [i for i, line in enumerate(self.lines) if line.below_margin]


def line_compute(line: LineIn, *, minimum_margin: Decimal | None = None) -> LineResult:
    """One line: rounded to cents on its own, its discount capped, its margin checked."""
    quantity = _decimal(line.quantity, _("Quantity"))
    unit_price = _decimal(line.unit_price, _("Unit price"))
    if quantity < 0:
        raise BusinessRuleError(
            _("A quantity cannot be negative."), code="negative_quantity", status_code=400
        )
    if unit_price < 0:
        raise BusinessRuleError(
            _("A price cannot be negative."), code="negative_price", status_code=400
        )
    if line.vat_rate not in VAT_PERCENT:
        raise BusinessRuleError(
            _("Unknown VAT rate %(rate)s.") % {"rate": line.vat_rate},
            code="bad_vat_rate",
            status_code=400,
        )
    gross = cents(quantity * unit_price)
    discount = line.discount.on(gross)
    total = gross - discount
    margin = None
    below = False
    if line.cost_price is not None:
        cost = cents(quantity * _decimal(line.cost_price, _("Cost price")))
        if total > 0:
            margin = ((total - cost) * HUNDRED / total).quantize(CENT, rounding=ROUND_HALF_UP)
            below = minimum_margin is not None and margin < minimum_margin
        else:
            below = cost > 0 or (minimum_margin is not None and minimum_margin > 0)
    return LineResult(gross, discount, total, line.vat_rate, margin, below)


def _allocate(amount: Decimal, bases: dict[str, Decimal]) -> dict[str, Decimal]:
    """Spread `amount` over the rates in proportion to their bases, to the cent, summing exactly
    to `amount` and never more than a base (largest remainder)."""
    total = sum(bases.values(), ZERO)
    if amount <= 0 or total <= 0:
        return dict.fromkeys(bases, ZERO)
    amount_cents = int(amount / CENT)
    shares, remainders = {}, []
    for rate, base in bases.items():
        exact = Decimal(amount_cents) * base / total
        floor = int(exact.to_integral_value(rounding=ROUND_FLOOR))
        shares[rate] = floor
        remainders.append((exact - floor, RATE_ORDER.index(rate) * -1, rate))
    left = amount_cents - sum(shares.values())
    for _rest, _order, rate in sorted(remainders, reverse=True)[:left]:
        shares[rate] += 1
    return {rate: Decimal(n) * CENT for rate, n in shares.items()}


def quote_compute(
    lines: list[LineIn],
    *,
    discount: Discount = NO_DISCOUNT,
    minimum_margin: Decimal | None = None,
) -> Totals:
    """The totals of a quote: per line, per VAT rate and in total."""
    results = [line_compute(line, minimum_margin=minimum_margin) for line in lines]
    bases: dict[str, Decimal] = {}
    for result in results:
        bases[result.vat_rate] = bases.get(result.vat_rate, ZERO) + result.total
    subtotal = sum(bases.values(), ZERO)
    quote_discount = discount.on(subtotal)
    if discount.kind == "percentage":
        per_rate = {rate: discount.on(base) for rate, base in bases.items()}
        quote_discount = sum(per_rate.values(), ZERO)
    else:
        per_rate = _allocate(quote_discount, bases)
    groups = []
    notes = []
    for rate in RATE_ORDER:
        if rate not in bases:
            continue
        base = bases[rate] - per_rate[rate]
        vat = cents(base * VAT_PERCENT[rate] / HUNDRED)
        note = ""
        if rate == "reverse":
            note = _("VAT reverse-charged")
            notes.append(note)
        groups.append(VatGroup(rate, base, vat, note))
    net = subtotal - quote_discount
    vat_total = sum((g.vat for g in groups), ZERO)
    return Totals(
        lines=results,
        subtotal=subtotal,
        discount=quote_discount,
        net=net,
        vat_groups=groups,
        vat_total=vat_total,
        total=net + vat_total,
        notes=notes,
    )
