"""Pricing an OCOP product: unit cost, selling price, market check and channels.

Use this module to answer the questions a cooperative asks before it prints a
price on the label:

1. What does one unit cost us? (:func:`unit_cost` from a :class:`CostSheet`)
2. What price covers that cost with a markup or a target margin?
   (:func:`cost_plus_price`, :func:`target_margin_price`)
3. Is that price close to what the market pays? (:func:`market_check`)
4. What do we keep per unit when a shop or an e-commerce platform sells it?
   (:func:`split_consumer_price`, :func:`consumer_price_for`)
5. How many units must we sell to cover overheads? (:func:`break_even_units`)
6. What is the shelf price rounded the way Vietnamese shops write it?
   (:func:`round_price`, :func:`round_up`, and :func:`shelf_price` in a channel)

All amounts are in Vietnamese đồng; all rates are fractions (``0.25`` is 25 %).

Two words that are easy to mix up:

* **markup** is profit divided by *cost* (cost 10,000 + 50 % markup = 15,000);
* **margin** is profit divided by *price* (price 15,000 at a 33.3 % margin).

See Also
--------
ocopkit.finance : a monthly business plan built from a price and a cost.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from ocopkit.errors import (
    InputError,
    check_non_negative,
    check_number,
    check_positive,
    check_rate,
    show_value,
)
from ocopkit.i18n import _, format_money, format_number, format_percent
from ocopkit.spreadsheet import rows_csv

# 1,000 %: above this, a typing slip (30 for 30 %) is far likelier than a real markup.
MAX_MARKUP = 10.0
MAX_PLATFORM_FEE = 0.5  # platforms in Vietnam charge well under half of the price
ROUNDING_MODES = ("up", "down", "nearest")


# --------------------------------------------------------------------------- checks


def _check_margin(value: object, field: str, label: str) -> float:
    """Check a margin on price: a fraction from 0 up to, but not including, 1."""
    margin = check_number(value, field, label)
    if margin >= 1:
        raise InputError(
            _(
                "{label} must be below 100% (below 1 as a fraction: 0.3 means 30%), "
                "you gave {value}. A margin is a share of the selling price, so it can "
                "never reach 100%; to add more than the cost itself, use a markup."
            ).format(label=label, value=show_value(value)),
            field,
        )
    return check_rate(margin, field, label, 0.0, 1.0)


def _check_markup(value: object, field: str = "markup") -> float:
    """Check a markup on cost: a fraction from 0 to :data:`MAX_MARKUP`."""
    return check_rate(value, field, _("Markup"), 0.0, MAX_MARKUP)


# --------------------------------------------------------------------------- unit cost


@dataclass(frozen=True, kw_only=True)
class CostSheet:
    """The cost of making and delivering one unit, as a cooperative records it.

    Use it as the input of :func:`unit_cost` and :func:`build_price_sheet`.
    All amounts are in đồng.

    Parameters
    ----------
    units_per_period : float
        Units made in the period the overheads cover (e.g. a month). Must be
        greater than zero: overheads are spread over these units.
    materials_per_unit, labour_per_unit, packaging_per_unit : float
        Direct costs of one unit. Default 0.
    overheads_per_period : float
        Costs that do not change with volume (rent, electricity of the
        workshop, accountant, certification fees) for the period. Default 0.
    logistics_per_unit : float
        Transport and storage to bring one unit to the buyer. Default 0.

    Raises
    ------
    InputError
        For a negative cost or a volume that is not greater than zero.
    """

    units_per_period: float
    materials_per_unit: float = 0.0
    labour_per_unit: float = 0.0
    packaging_per_unit: float = 0.0
    overheads_per_period: float = 0.0
    logistics_per_unit: float = 0.0

    def __post_init__(self):
        check_positive(self.units_per_period, "units_per_period", _("Units per period"))
        labels = {
            "materials_per_unit": _("Materials per unit"),
            "labour_per_unit": _("Labour per unit"),
            "packaging_per_unit": _("Packaging per unit"),
            "overheads_per_period": _("Overheads per period"),
            "logistics_per_unit": _("Logistics per unit"),
        }
        for field, label in labels.items():
            check_non_negative(getattr(self, field), field, label)


@dataclass(frozen=True)
class CostBreakdown:
    """The cost of one unit, item by item (đồng per unit).

    Attributes
    ----------
    materials, labour, packaging, overheads, logistics : float
        The parts; ``overheads`` is the period's overheads divided by the volume.
    """

    materials: float
    labour: float
    packaging: float
    overheads: float
    logistics: float

    @property
    def variable(self) -> float:
        """Cost that grows with every extra unit: everything but overheads."""
        return self.materials + self.labour + self.packaging + self.logistics

    @property
    def total(self) -> float:
        """Full unit cost, the floor under any sustainable price."""
        return self.variable + self.overheads

    def parts(self) -> list[tuple[str, float]]:
        """Return ``(translated label, amount)`` pairs, in cost-sheet order."""
        return [
            (_("Materials"), self.materials),
            (_("Labour"), self.labour),
            (_("Packaging"), self.packaging),
            (_("Overheads"), self.overheads),
            (_("Logistics"), self.logistics),
        ]


def unit_cost(sheet: CostSheet) -> CostBreakdown:
    """Work out the cost of one unit from a cost sheet.

    Use it as the first step of pricing: no price below ``total`` pays for
    itself in the long run.

    Parameters
    ----------
    sheet : CostSheet
        Per-unit costs and the period's overheads and volume.

    Returns
    -------
    CostBreakdown
        The per-unit parts; ``.total`` is the unit cost and ``.variable``
        the part that grows with volume.

    See Also
    --------
    cost_plus_price, target_margin_price : turn the cost into a price.
    """
    return CostBreakdown(
        materials=float(sheet.materials_per_unit),
        labour=float(sheet.labour_per_unit),
        packaging=float(sheet.packaging_per_unit),
        overheads=float(sheet.overheads_per_period) / float(sheet.units_per_period),
        logistics=float(sheet.logistics_per_unit),
    )


# --------------------------------------------------------------------------- prices


def cost_plus_price(unit_cost: float, markup: float) -> float:
    """Price a unit as its cost plus a markup on that cost.

    Use it when the cooperative sets prices by adding a fixed share on top
    of cost, the most common method in the training's examples.

    Parameters
    ----------
    unit_cost : float
        Cost of one unit in đồng (> 0).
    markup : float
        Profit as a fraction of cost, from 0 to 10 (``0.5`` adds 50 %).

    Returns
    -------
    float
        ``unit_cost * (1 + markup)``.

    Raises
    ------
    InputError
        For a cost that is not positive or a markup outside 0–10.

    See Also
    --------
    target_margin_price : the same idea with a margin on price.
    markup_to_margin : what margin a markup gives.
    """
    cost = check_positive(unit_cost, "unit_cost", _("Unit cost"))
    return cost * (1 + _check_markup(markup))


def target_margin_price(unit_cost: float, margin: float) -> float:
    """Price a unit so that a target share of the price is profit.

    Use it when the goal is stated on the selling price ("we keep 30 % of
    what the customer pays"), as buyers and supermarkets usually state it.

    Parameters
    ----------
    unit_cost : float
        Cost of one unit in đồng (> 0).
    margin : float
        Profit as a fraction of the price, from 0 up to (not including) 1.

    Returns
    -------
    float
        ``unit_cost / (1 - margin)``.

    Raises
    ------
    InputError
        For a cost that is not positive or a margin outside ``[0, 1)``; a
        margin of 100 % or more would need an infinite price.

    See Also
    --------
    cost_plus_price : the same idea with a markup on cost.
    """
    cost = check_positive(unit_cost, "unit_cost", _("Unit cost"))
    return cost / (1 - _check_margin(margin, "margin", _("Margin")))


def margin_to_markup(margin: float) -> float:
    """Convert a margin on price into the equivalent markup on cost.

    Parameters
    ----------
    margin : float
        Fraction of the price that is profit, in ``[0, 1)``.

    Returns
    -------
    float
        ``margin / (1 - margin)``: a 20 % margin is a 25 % markup.

    Raises
    ------
    InputError
        For a margin outside ``[0, 1)``.

    See Also
    --------
    markup_to_margin : the inverse.
    """
    margin = _check_margin(margin, "margin", _("Margin"))
    return margin / (1 - margin)


def markup_to_margin(markup: float) -> float:
    """Convert a markup on cost into the equivalent margin on price.

    Parameters
    ----------
    markup : float
        Fraction of cost added as profit, from 0 to 10.

    Returns
    -------
    float
        ``markup / (1 + markup)``: a 25 % markup is a 20 % margin.

    Raises
    ------
    InputError
        For a markup outside 0–10.

    See Also
    --------
    margin_to_markup : the inverse.
    """
    markup = _check_markup(markup)
    return markup / (1 + markup)


@dataclass(frozen=True)
class MarketCheck:
    """How a price and a cost compare with what the market pays.

    Attributes
    ----------
    unit_cost, market_price, price : float
        The inputs, in đồng.
    implied_margin : float
        Margin the cooperative would earn selling at the market price,
        ``(market_price - unit_cost) / market_price``; negative means the
        market pays less than the unit costs.
    gap : float
        ``price - market_price``; positive means above the market.
    gap_share : float
        ``gap / market_price``.
    margin_at_price : float
        Margin at the cooperative's own price.
    """

    unit_cost: float
    market_price: float
    price: float
    implied_margin: float
    gap: float
    gap_share: float
    margin_at_price: float


def market_check(unit_cost: float, market_price: float, price: float) -> MarketCheck:
    """Compare a planned price and the unit cost with a market price.

    Use it after :func:`cost_plus_price` or :func:`target_margin_price` to see
    whether the price a formula gives can sell, using a comparable product's
    price seen at a market, shop or platform.

    Parameters
    ----------
    unit_cost : float
        Cost of one unit in đồng (≥ 0).
    market_price : float
        Price of a comparable product, same unit and channel (> 0).
    price : float
        The cooperative's planned price (> 0).

    Returns
    -------
    MarketCheck
        Gap to the market and the margins at both prices.

    Raises
    ------
    InputError
        For a negative cost or a price that is not a positive number.
    """
    cost = check_non_negative(unit_cost, "unit_cost", _("Unit cost"))
    market = check_positive(market_price, "market_price", _("Market price"))
    own = check_positive(price, "price", _("Selling price"))
    return MarketCheck(
        unit_cost=cost,
        market_price=market,
        price=own,
        implied_margin=(market - cost) / market,
        gap=own - market,
        gap_share=(own - market) / market,
        margin_at_price=(own - cost) / own,
    )


# --------------------------------------------------------------------------- channels


@dataclass(frozen=True)
class Reseller:
    """A business between producer and consumer that keeps a margin.

    Parameters
    ----------
    name : str
        How it appears in tables, e.g. "Distributor", "Retailer".
    margin : float
        Its margin on *its own* selling price, in ``[0, 1)``.
    """

    name: str
    margin: float

    def __post_init__(self):
        _check_margin(self.margin, "margin", _("Margin of {name}").format(name=self.name))


@dataclass(frozen=True)
class ResellerChannel:
    """A traditional channel: the producer sells through resellers.

    Parameters
    ----------
    name : str
        Name of the channel, e.g. "Grocery shops in Hà Nội".
    resellers : tuple of Reseller or of (name, margin) pairs
        In order from the producer to the consumer (distributor first,
        retailer last). An empty tuple is a direct sale.
    """

    name: str
    resellers: tuple[Reseller, ...] = ()

    def __post_init__(self):
        # Accept plain ("Retailer", 0.25) pairs too: participants type those first.
        resellers = tuple(item if isinstance(item, Reseller) else Reseller(*item) for item in self.resellers)
        object.__setattr__(self, "resellers", resellers)


@dataclass(frozen=True)
class PlatformChannel:
    """An e-commerce platform: the producer sells and pays the platform.

    Parameters
    ----------
    name : str
        Name of the channel, e.g. "Postmart", "Shopee".
    fee_rate : float
        Platform fee as a fraction of the consumer price, 0–0.5.
    fixed_fee : float
        Fee per order in đồng (payment, service), default 0.
    shipping : float
        Delivery cost per unit paid by the seller, default 0.
    """

    name: str
    fee_rate: float
    fixed_fee: float = 0.0
    shipping: float = 0.0

    def __post_init__(self):
        check_rate(self.fee_rate, "fee_rate", _("Platform fee"), 0.0, MAX_PLATFORM_FEE)
        check_non_negative(self.fixed_fee, "fixed_fee", _("Fixed fee per order"))
        check_non_negative(self.shipping, "shipping", _("Shipping paid by the seller"))


@dataclass(frozen=True)
class PricePart:
    """One share of the consumer price: who gets it and how much (đồng)."""

    label: str
    amount: float


@dataclass(frozen=True)
class ChannelSplit:
    """Where the consumer's money goes in one channel.

    Attributes
    ----------
    channel : str
        Channel name.
    consumer_price : float
        What the consumer pays per unit.
    parts : tuple of PricePart
        The producer's net first, then each reseller or fee; they add up to
        ``consumer_price``.
    producer_net : float
        What the producer keeps per unit before its own costs (negative if
        the fees exceed the price).
    """

    channel: str
    consumer_price: float
    parts: tuple[PricePart, ...]
    producer_net: float

    def cost_and_profit(self, unit_cost: float) -> tuple[float, float]:
        """Split the producer's net into the unit cost it covers and the profit above it (never below 0).

        The price build-up chart of :class:`~ocopkit.widgets.PricingCalculator` stacks these two first.
        """
        cost = min(unit_cost, self.producer_net)
        return cost, max(self.producer_net - cost, 0.0)


def _reseller_parts(consumer_price: float, channel: ResellerChannel) -> list[PricePart]:
    """Walk back from the shelf price: each reseller buys at price × (1 − margin)."""
    parts, price = [], consumer_price
    for reseller in reversed(channel.resellers):
        buying_price = price * (1 - reseller.margin)
        parts.append(PricePart(reseller.name, price - buying_price))
        price = buying_price
    return [PricePart(_("Producer"), price), *reversed(parts)]


def _platform_parts(consumer_price: float, channel: PlatformChannel) -> list[PricePart]:
    """Take the platform's fees and the shipping out of the consumer price."""
    fee = consumer_price * channel.fee_rate
    net = consumer_price - fee - channel.fixed_fee - channel.shipping
    return [
        PricePart(_("Producer"), net),
        PricePart(_("Platform fee"), fee),
        PricePart(_("Fixed fee per order"), float(channel.fixed_fee)),
        PricePart(_("Shipping paid by the seller"), float(channel.shipping)),
    ]


def _check_channel(channel: object) -> None:
    """Refuse anything that is not one of the two channel kinds."""
    if not isinstance(channel, (ResellerChannel, PlatformChannel)):
        raise InputError(
            _("A channel must be a ResellerChannel or a PlatformChannel, you gave {value}.").format(
                value=type(channel).__name__
            ),
            "channel",
        )


def split_consumer_price(consumer_price: float, channel: ResellerChannel | PlatformChannel) -> ChannelSplit:
    """Split what the consumer pays into what each party in a channel gets.

    Use it to compare channels at the same shelf price: a shop chain that
    keeps 25 % against a platform that charges a fee and leaves shipping to
    the seller.

    Parameters
    ----------
    consumer_price : float
        Price the consumer pays per unit, in đồng (> 0).
    channel : ResellerChannel or PlatformChannel
        The channel's resellers and their margins, or the platform's fees.

    Returns
    -------
    ChannelSplit
        The parts (producer first) and the producer's net per unit.

    Raises
    ------
    InputError
        For a price that is not positive or an unknown kind of channel.

    See Also
    --------
    consumer_price_for : the other direction, from the producer's net.
    """
    price = check_positive(consumer_price, "consumer_price", _("Consumer price"))
    _check_channel(channel)
    if isinstance(channel, ResellerChannel):
        parts = _reseller_parts(price, channel)
    else:
        parts = _platform_parts(price, channel)
    return ChannelSplit(channel.name, price, tuple(parts), parts[0].amount)


def consumer_price_for(producer_net: float, channel: ResellerChannel | PlatformChannel) -> float:
    """Find the consumer price that leaves the producer a given net per unit.

    Use it when the cooperative knows what it needs per unit and wants to
    know the shelf price that implies in each channel.

    Parameters
    ----------
    producer_net : float
        What the producer must keep per unit, in đồng (> 0).
    channel : ResellerChannel or PlatformChannel
        The channel.

    Returns
    -------
    float
        The consumer price, before any shop rounding (see :func:`round_price`).

    Raises
    ------
    InputError
        For a net that is not positive or an unknown kind of channel.

    See Also
    --------
    split_consumer_price : the other direction.
    """
    net = check_positive(producer_net, "producer_net", _("Producer's net per unit"))
    _check_channel(channel)
    if isinstance(channel, PlatformChannel):
        return (net + channel.fixed_fee + channel.shipping) / (1 - channel.fee_rate)
    return net / math.prod(1 - reseller.margin for reseller in channel.resellers)


# --------------------------------------------------------------------------- volume and rounding


def break_even_units(fixed_costs: float, price: float, variable_cost_per_unit: float) -> float | None:
    """Units to sell so that contributions cover the fixed costs.

    Use it to check whether a price is realistic for the volume the
    cooperative can make and sell in a period.

    Parameters
    ----------
    fixed_costs : float
        Fixed costs of the period in đồng (≥ 0).
    price : float
        Selling price per unit (> 0).
    variable_cost_per_unit : float
        Cost that each extra unit adds (≥ 0).

    Returns
    -------
    float or None
        ``fixed_costs / (price - variable_cost_per_unit)``, fractional (round
        up to plan whole units); ``None`` when the price does not exceed the
        variable cost, since then no volume breaks even.

    Raises
    ------
    InputError
        For negative costs or a price that is not positive.

    See Also
    --------
    ocopkit.finance.evaluate_plan : break-even in a monthly plan.
    """
    fixed = check_non_negative(fixed_costs, "fixed_costs", _("Fixed costs"))
    unit_price = check_positive(price, "price", _("Selling price"))
    variable = check_non_negative(variable_cost_per_unit, "variable_cost_per_unit", _("Variable cost per unit"))
    contribution = unit_price - variable
    if contribution <= 0:
        return None
    return fixed / contribution


def round_price(price: float, step: int = 1000, mode: str = "nearest") -> int:
    """Round a price the way Vietnamese shops write it (to 500 or 1,000 đồng).

    Parameters
    ----------
    price : float
        Price in đồng (≥ 0).
    step : int
        Rounding step in đồng, usually 500 or 1000 (any whole number > 0).
    mode : {"nearest", "up", "down"}
        ``"up"`` never lowers the price (safe for margins), ``"down"`` never
        raises it (safe against a market ceiling); ``"nearest"`` rounds halves up.

    Returns
    -------
    int
        The rounded price.

    Raises
    ------
    InputError
        For a negative price, a step that is not a positive whole number, or
        an unknown mode.

    Examples
    --------
    >>> round_price(23_260, 500, "up"), round_price(23_260, 1000, "down")
    (23500, 23000)
    """
    amount = check_non_negative(price, "price", _("Price"))
    step = int(check_positive(step, "step", _("Rounding step")))
    if mode not in ROUNDING_MODES:
        raise InputError(
            _('Rounding must be "up", "down" or "nearest", you gave "{value}".').format(value=mode),
            "mode",
        )
    # Round the quotient first so that 1500.0000001 / 500 still counts as exactly 3.
    steps = round(amount / step, 9)
    whole = {"up": math.ceil, "down": math.floor, "nearest": lambda x: math.floor(x + 0.5)}[mode](steps)
    return int(whole * step)


def round_up(price: float, step: int = 0) -> float:
    """Round a price up to a whole number of steps (500 or 1,000 đồng); a step of 0 leaves it as it is.

    Use it for a price the cooperative prints: rounding up never lowers its margin.

    Parameters
    ----------
    price : float
        Price in đồng (≥ 0).
    step : int
        Rounding step in đồng; 0 for no rounding.

    Returns
    -------
    float

    See Also
    --------
    round_price : rounding up, down or to the nearest step.
    """
    return float(round_price(price, step, "up")) if step else float(price)


def shelf_price(producer_net: float, channel: ResellerChannel | PlatformChannel, step: int = 0) -> float:
    """Find the shelf price of a channel: what the consumer pays so the producer keeps its net, rounded up.

    Use it to print one price per channel: the shop's price is higher than
    the cooperative's own because each reseller or platform takes its share.

    Parameters
    ----------
    producer_net, channel
        As for :func:`consumer_price_for`.
    step : int
        Round the shelf price up to this many đồng, as shops write it; 0 for no rounding.

    Returns
    -------
    float
        The shelf price; after rounding up the producer keeps a little more than ``producer_net``.

    See Also
    --------
    consumer_price_for : the same price before rounding.
    build_price_sheet : every channel split at its shelf price (``shelf_rounding``).
    """
    return round_up(consumer_price_for(producer_net, channel), step)


# --------------------------------------------------------------------------- price sheet


@dataclass(frozen=True)
class PriceSheet:
    """Everything needed to explain one product's price in a dossier.

    Attributes
    ----------
    product : str
        Product name.
    cost : CostBreakdown
        Unit cost by item.
    price : float
        The producer's selling price per unit.
    overheads_per_period, units_per_period : float
        From the cost sheet, to state the break-even volume.
    break_even_units : float or None
        Units per period that cover overheads at ``price``.
    market : MarketCheck or None
        Comparison with a market price, if one was given.
    channels : tuple of ChannelSplit
        Split of the consumer price in each channel, at one consumer price or
        at each channel's own shelf price (see :func:`build_price_sheet`).
    """

    product: str
    cost: CostBreakdown
    price: float
    overheads_per_period: float
    units_per_period: float
    break_even_units: float | None
    market: MarketCheck | None
    channels: tuple[ChannelSplit, ...]

    @property
    def markup(self) -> float:
        """Markup of ``price`` on the full unit cost."""
        return (self.price - self.cost.total) / self.cost.total if self.cost.total else math.nan

    @property
    def margin(self) -> float:
        """Margin of ``price`` on itself."""
        return (self.price - self.cost.total) / self.price


def build_price_sheet(
    sheet: CostSheet,
    price: float,
    *,
    product: str = "",
    market_price: float | None = None,
    consumer_price: float | None = None,
    channels: tuple[ResellerChannel | PlatformChannel, ...] = (),
    shelf_rounding: int | None = None,
) -> PriceSheet:
    """Put a cost sheet, a chosen price, the market and the channels together.

    Use it once the price is chosen, to export the pricing section of an OCOP
    dossier with :func:`price_sheet_to_markdown` or :func:`price_sheet_to_csv`.

    Parameters
    ----------
    sheet : CostSheet
        The unit's costs.
    price : float
        The producer's selling price per unit (> 0).
    product : str
        Product name for headings.
    market_price : float, optional
        A comparable product's price, for :func:`market_check`.
    consumer_price : float, optional
        One shelf price at which every channel is split; defaults to
        ``market_price``, else ``price``.
    channels : tuple of ResellerChannel or PlatformChannel
        Channels to compare.
    shelf_rounding : int, optional
        Split each channel at its own shelf price instead, the one that leaves
        the producer ``price`` (see :func:`shelf_price`), rounded up to this
        many đồng (0: not rounded). This is what
        :class:`~ocopkit.widgets.PricingCalculator` shows. Leave
        ``consumer_price`` out then.

    Returns
    -------
    PriceSheet

    Raises
    ------
    InputError
        For a price or market price that is not positive, or a bad channel.
    TypeError
        When both ``consumer_price`` and ``shelf_rounding`` are given.
    """
    if consumer_price is not None and shelf_rounding is not None:
        raise TypeError("build_price_sheet takes consumer_price or shelf_rounding, not both")
    cost = unit_cost(sheet)
    own = check_positive(price, "price", _("Selling price"))
    market = None if market_price is None else market_check(cost.total, market_price, own)
    return PriceSheet(
        product=product,
        cost=cost,
        price=own,
        overheads_per_period=float(sheet.overheads_per_period),
        units_per_period=float(sheet.units_per_period),
        break_even_units=break_even_units(sheet.overheads_per_period, own, cost.variable),
        market=market,
        channels=_channel_splits(
            own, channels, (market_price or own) if consumer_price is None else consumer_price, shelf_rounding
        ),
    )


def _channel_splits(price: float, channels, consumer_price: float, shelf_rounding: int | None) -> tuple:
    """Each channel split at one consumer price, or at its own shelf price when a rounding is given."""
    if shelf_rounding is None:
        return tuple(split_consumer_price(consumer_price, channel) for channel in channels)
    return tuple(split_consumer_price(shelf_price(price, channel, shelf_rounding), channel) for channel in channels)


def _sheet_rows(sheet: PriceSheet) -> list[tuple[str, str, float]]:
    """Flatten a price sheet into ``(section, item, value)`` rows for export."""
    cost_section, price_section = _("Unit cost"), _("Selling price")
    rows = [(cost_section, label, amount) for label, amount in sheet.cost.parts()]
    rows.append((cost_section, _("Total unit cost"), sheet.cost.total))
    rows += [
        (price_section, _("Price per unit"), sheet.price),
        (price_section, _("Markup on cost"), sheet.markup),
        (price_section, _("Margin on price"), sheet.margin),
        (
            price_section,
            _("Break-even units per period"),
            math.nan if sheet.break_even_units is None else sheet.break_even_units,
        ),
    ]
    if sheet.market is not None:
        market_section = _("Market check")
        rows += [
            (market_section, _("Market price"), sheet.market.market_price),
            (market_section, _("Gap to market price"), sheet.market.gap),
            (market_section, _("Margin at market price"), sheet.market.implied_margin),
        ]
    for split in sheet.channels:
        rows += [(split.channel, part.label, part.amount) for part in split.parts]
        rows.append((split.channel, _("Consumer price"), split.consumer_price))
    return rows


def price_sheet_to_csv(sheet: PriceSheet, path: str | Path | None = None) -> str:
    """Export a price sheet as CSV: one row per figure (section, item, value).

    Labels follow the current language; values are plain numbers, rates as
    fractions, so a spreadsheet can compute with them.

    Parameters
    ----------
    sheet : PriceSheet
        From :func:`build_price_sheet`.
    path : str or Path, optional
        Also write the file there (UTF-8 with a byte-order mark, see :mod:`ocopkit.spreadsheet`).

    Returns
    -------
    str
        The CSV text: a header, then one line per figure.

    See Also
    --------
    price_sheet_to_markdown : the same figures for a dossier.
    """
    return rows_csv(_sheet_rows(sheet), [_("Section"), _("Item"), _("Value")], path)


def _cost_table(sheet: PriceSheet) -> list[str]:
    """Markdown table of the unit cost."""
    lines = [f"| {_('Item')} | {_('Cost per unit')} |", "|---|---:|"]
    lines += [f"| {label} | {format_money(amount)} |" for label, amount in sheet.cost.parts()]
    lines.append(f"| **{_('Total unit cost')}** | **{format_money(sheet.cost.total)}** |")
    return lines


def _price_lines(sheet: PriceSheet) -> list[str]:
    """Markdown bullet list of the price and its break-even volume."""
    lines = [
        f"- {_('Price per unit')}: **{format_money(sheet.price)}**",
        f"- {_('Markup on cost')}: {format_percent(sheet.markup)}",
        f"- {_('Margin on price')}: {format_percent(sheet.margin)}",
    ]
    if sheet.break_even_units is None:
        lines.append(
            "- "
            + _(
                "The price does not cover the variable cost, so no volume "
                "breaks even. Raise the price or lower the cost."
            )
        )
    else:
        lines.append(
            "- "
            + _("Break-even: {units} units per period (planned: {planned}).").format(
                units=format_number(math.ceil(sheet.break_even_units)), planned=format_number(sheet.units_per_period)
            )
        )
    return lines


def _market_lines(market: MarketCheck) -> list[str]:
    """Markdown bullet list comparing the price with the market."""
    return [
        f"- {_('Market price')}: {format_money(market.market_price)}",
        f"- {_('Gap to market price')}: {format_money(market.gap)} ({format_percent(market.gap_share)})",
        f"- {_('Margin at market price')}: {format_percent(market.implied_margin)}",
    ]


def _channel_lines(split: ChannelSplit) -> list[str]:
    """Markdown table of one channel's split of the consumer price."""
    lines = [f"#### {split.channel}", "", f"| {_('Who gets it')} | {_('Amount per unit')} |", "|---|---:|"]
    lines += [f"| {part.label} | {format_money(part.amount)} |" for part in split.parts]
    lines.append(f"| **{_('Consumer price')}** | **{format_money(split.consumer_price)}** |")
    return lines + [""]


def price_sheet_to_markdown(sheet: PriceSheet) -> str:
    """Write a price sheet as a Markdown section for an OCOP dossier.

    Parameters
    ----------
    sheet : PriceSheet
        From :func:`build_price_sheet`.

    Returns
    -------
    str
        Headings, a unit-cost table, the price with its markup, margin and
        break-even volume, the market check and one table per channel, in the
        current language.

    See Also
    --------
    price_sheet_to_csv : the same figures for a spreadsheet.
    """
    title = _("Price sheet")
    lines = [
        f"## {title}: {sheet.product}" if sheet.product else f"## {title}",
        "",
        f"### {_('Unit cost')}",
        "",
        *_cost_table(sheet),
        "",
        f"### {_('Selling price')}",
        "",
        *_price_lines(sheet),
        "",
    ]
    if sheet.market is not None:
        lines += [f"### {_('Market check')}", "", *_market_lines(sheet.market), ""]
    if sheet.channels:
        lines += [f"### {_('Sales channels')}", ""]
        for split in sheet.channels:
            lines += _channel_lines(split)
    return "\n".join(lines).rstrip() + "\n"
