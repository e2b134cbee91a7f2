"""Pricing calculator: unit cost, selling price and what the consumer pays in each channel, live.

A thin layer over :mod:`ocopkit.pricing`: the boxes collect the costs, the
method and the channels; ``pricing.unit_cost``, ``cost_plus_price`` or
``target_margin_price``, ``round_up`` and ``build_price_sheet`` (each channel
at its own shelf price, ``shelf_rounding``) do the work; the widget shows the
price sheet and a chart of how the price builds up in each channel.

Examples
--------
>>> from ocopkit.widgets import PricingCalculator
>>> tool = PricingCalculator()
>>> tool.set_inputs({"method": "margin", "margin": "30"})
>>> tool.result.price                                     # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path

import ipywidgets as w
from matplotlib.figure import Figure

from .. import pricing
from ..i18n import _, format_money, format_number, format_percent
from .common import figures_table, text_export
from .inputs import FormTool, LiveChart, caption_html, choice_box, number_box, plain_number, text_box

# A worked example (synthetic figures): a 200 g box of dried longan.
EXAMPLE = {
    "product": "Long nhãn sấy Hưng Yên",
    "units_per_period": 2000,
    "materials_per_unit": 38_000,
    "labour_per_unit": 12_000,
    "packaging_per_unit": 9000,
    "overheads_per_period": 30_000_000,
    "logistics_per_unit": 4000,
    "method": "markup",
    "markup": 40,
    "margin": 30,
    "rounding": 1000,
    "market_price": 120_000,
    "distributor_margin": 15,
    "retailer_margin": 25,
    "fee_rate": 12,
    "fixed_fee": 3000,
    "shipping": 15_000,
}
_COLOURS = {"cost": "#8d6e63", "profit": "#2e7d32"}
_OTHER_COLOURS = ("#f9a825", "#1565c0", "#6a1b9a", "#00838f", "#c62828")


def _segments(result: pricing.PriceSheet, split: pricing.ChannelSplit) -> list[tuple[str, float]]:
    """Parts of one channel's consumer price: cost, the producer's profit, then the others."""
    cost, profit = split.cost_and_profit(result.cost.total)
    parts = [(_("Unit cost"), cost), (_("Producer's profit"), profit)]
    return parts + [(part.label, part.amount) for part in split.parts[1:]]


class PriceBuildUpChart(LiveChart):
    """Stacked bars, one per channel: cost, the producer's profit and each middleman's share.

    Drawn for speed: no ticks, a few labels, and the title and colour key as
    HTML above the image (see :func:`~ocopkit.widgets.inputs.caption_html`).
    """

    size = (6.4, 2.8)

    def shape_of(self, result: pricing.PriceSheet) -> tuple:
        """The channels and their parts: the bars to create."""
        return tuple(
            (split.channel, tuple(label for label, _amount in _segments(result, split))) for split in result.channels
        )

    def build(self, result: pricing.PriceSheet) -> None:
        """One bar container per kind of part, a name and a total per channel, the market line."""
        axes, palette = self.axes, iter(_OTHER_COLOURS)
        channels = result.channels[::-1]  # the first channel on top
        rows = range(len(channels))
        self.colours = {_("Unit cost"): _COLOURS["cost"], _("Producer's profit"): _COLOURS["profit"]}
        self.bars = {}
        for _channel, labels in self.shape:
            for label in labels:
                if label not in self.bars:
                    if label not in self.colours:
                        self.colours[label] = next(palette, "#9e9e9e")
                    self.bars[label] = axes.barh(rows, [0] * len(rows), height=0.5, color=self.colours[label])
        for row, split in zip(rows, channels):
            axes.text(0, row + 0.3, split.channel, va="bottom")
        # A white box behind each total so the market-price line never runs through it.
        self.totals = [
            axes.text(0, row, "", va="center", bbox={"facecolor": "white", "edgecolor": "none", "pad": 1})
            for row in rows
        ]
        self.market = axes.axvline(0, color="black", linestyle=":", zorder=1.5)
        axes.set_ylim(-0.5, len(channels) - 0.2)
        axes.set_xticks([])
        axes.set_yticks([])
        axes.set_axis_off()

    def update(self, result: pricing.PriceSheet) -> Figure:
        """Stack each channel's parts and write its consumer price at the end."""
        channels = result.channels[::-1]
        for row, split in enumerate(channels):
            amounts, left = dict(_segments(result, split)), 0.0
            for label, container in self.bars.items():
                width = amounts.get(label, 0.0)
                container.patches[row].set_x(left)
                container.patches[row].set_width(width)
                left += width
            self.totals[row].set_position((left, row))
            self.totals[row].set_text(" " + format_money(split.consumer_price))
        self.market.set_visible(result.market is not None)
        if result.market is not None:
            self.market.set_xdata([result.market.market_price] * 2)
        highest = max(
            [split.consumer_price for split in channels] + ([result.market.market_price] if result.market else [])
        )
        self.axes.set_xlim(0, highest * 1.3)
        return self.figure

    def caption_html(self, result: pricing.PriceSheet) -> str:
        """Title and colour key."""
        keys = [("bar", colour, label) for label, colour in self.colours.items()]
        if result.market is not None:
            keys.append(
                ("dotted", "black", _("Market price: {price}").format(price=format_money(result.market.market_price)))
            )
        return caption_html(_("How the consumer price builds up in each channel (per unit)"), keys)


def price_build_up_chart(result: pricing.PriceSheet) -> Figure:
    """Draw a price sheet's build-up chart once (the widget updates one in place instead)."""
    return PriceBuildUpChart(result).update(result)


class PricingCalculator(FormTool):
    """Work out a product's unit cost and price, and its shelf price in each sales channel.

    Use it to set the price printed on the label: enter the costs, choose a
    markup on cost or a target margin on price, and see the unit cost, the
    price, the gap to the market and what the consumer pays when selling
    directly, through shops or on an e-commerce platform.

    Parameters
    ----------
    unit : str
        Unit of sale shown in the labels, e.g. ``"hộp"`` (box) or ``"kg"``.

    Attributes
    ----------
    result : ocopkit.pricing.PriceSheet
        The latest valid price sheet: ``.cost``, ``.price``, ``.market`` and
        ``.channels`` (one split per channel, at the shelf price that leaves
        the producer ``.price``, rounded up to the chosen step).
    fields : dict
        The input boxes.

    See Also
    --------
    ocopkit.pricing.build_price_sheet : the logic (``shelf_rounding``: each channel at its own shelf price).
    ocopkit.pricing.price_sheet_to_markdown, ocopkit.pricing.price_sheet_to_csv : the exports.
    """

    tool_name = "PricingCalculator"
    chart_class = PriceBuildUpChart

    def __init__(self, unit: str = "hộp"):
        self.unit = unit
        fields = self._make_fields()
        super().__init__(fields, self._form(fields), _("price-sheet"))
        fields["method"].observe(self._on_method, names="value")
        self._on_method()

    # -- boxes ----------------------------------------------------------------------
    def _labels(self) -> dict[str, str]:
        """Translated name of each number box, as used in messages."""
        return {
            "units_per_period": _("Units per period"),
            "materials_per_unit": _("Materials per unit"),
            "labour_per_unit": _("Labour per unit"),
            "packaging_per_unit": _("Packaging per unit"),
            "overheads_per_period": _("Overheads per period"),
            "logistics_per_unit": _("Logistics per unit"),
            "markup": _("Markup on cost"),
            "margin": _("Margin on price"),
            "market_price": _("Market price"),
            "distributor_margin": _("Distributor's margin"),
            "retailer_margin": _("Retailer's margin"),
            "fee_rate": _("Platform fee"),
            "fixed_fee": _("Fixed fee per order"),
            "shipping": _("Shipping paid by the seller"),
        }

    def _make_fields(self) -> dict[str, w.Widget]:
        """Create the boxes, filled with the worked example."""
        labels = self._labels()
        per_unit = _("VND/{unit}").format(unit=self.unit)
        units = {
            "units_per_period": _("{unit}/month").format(unit=self.unit),
            "materials_per_unit": per_unit,
            "labour_per_unit": per_unit,
            "packaging_per_unit": per_unit,
            "overheads_per_period": _("VND/month"),
            "logistics_per_unit": per_unit,
            "markup": "%",
            "margin": "%",
            "market_price": per_unit,
            "distributor_margin": "%",
            "retailer_margin": "%",
            "fee_rate": "%",
            "fixed_fee": _("VND/order"),
            "shipping": per_unit,
        }
        fields = {"product": text_box(_("Product name"), EXAMPLE["product"])}
        fields.update({name: number_box(labels[name], units[name], plain_number(EXAMPLE[name])) for name in units})
        fields["method"] = choice_box(
            _("Pricing method"),
            [(_("Cost plus a markup"), "markup"), (_("Target margin on price"), "margin")],
            EXAMPLE["method"],
        )
        fields["rounding"] = choice_box(
            _("Round prices up to"),
            [(_("no rounding"), 0), (format_money(500), 500), (format_money(1000), 1000)],
            EXAMPLE["rounding"],
        )
        return fields

    def _form(self, fields: dict[str, w.Widget]) -> w.Widget:
        """Group the boxes in three sections, the first one open."""
        groups = [
            (
                _("Unit cost"),
                [
                    "product",
                    "units_per_period",
                    "materials_per_unit",
                    "labour_per_unit",
                    "packaging_per_unit",
                    "overheads_per_period",
                    "logistics_per_unit",
                ],
            ),
            (_("Selling price"), ["method", "markup", "margin", "rounding", "market_price"]),
            (_("Sales channels"), ["distributor_margin", "retailer_margin", "fee_rate", "fixed_fee", "shipping"]),
        ]
        hints = {
            1: _("Leave the market price empty if you have none to compare with."),
            2: _(
                "Shops: a distributor sells to shops, which sell to consumers; each keeps "
                "a margin of its own selling price. Platform: an e-commerce site that "
                "takes a fee; the seller pays the shipping."
            ),
        }
        boxes = []
        for index, (_title, names) in enumerate(groups):
            hint = [w.HTML(f"<i>{hints[index]}</i>")] if index in hints else []
            boxes.append(w.VBox([fields[name] for name in names] + hint))
        return w.Accordion(children=boxes, titles=[title for title, _names in groups], selected_index=0)

    def _on_method(self, _change=None) -> None:
        """Grey out the rate the chosen method does not use."""
        method = self.fields["method"].value
        self.fields["markup"].disabled = method != "markup"
        self.fields["margin"].disabled = method != "margin"

    # -- logic ----------------------------------------------------------------------
    def compute(self) -> pricing.PriceSheet:
        """Read the boxes and build the price sheet through :mod:`ocopkit.pricing`."""
        labels, number = self._labels(), self.number
        sheet = pricing.CostSheet(
            **{
                name: number(name, labels[name])
                for name in (
                    "units_per_period",
                    "materials_per_unit",
                    "labour_per_unit",
                    "packaging_per_unit",
                    "overheads_per_period",
                    "logistics_per_unit",
                )
            }
        )
        price = self._price(pricing.unit_cost(sheet).total)
        market = None if not self.text("market_price") else number("market_price", labels["market_price"])
        return pricing.build_price_sheet(
            sheet,
            price,
            product=self.text("product"),
            market_price=market,
            channels=self._channels(),
            shelf_rounding=self.fields["rounding"].value,
        )

    def _price(self, cost: float) -> float:
        """The producer's price by the chosen method, rounded up to the chosen step."""
        labels = self._labels()
        if self.fields["method"].value == "markup":
            rate = self.percent("markup", labels["markup"], 0, 100 * pricing.MAX_MARKUP)
            price = pricing.cost_plus_price(cost, rate)
        else:
            rate = self.percent(
                "margin",
                labels["margin"],
                0,
                100,
                below_high=True,
                hint=_(
                    "A margin is a share of the selling price, so it stays below 100%; to add more "
                    "than the cost itself, use a markup."
                ),
            )
            price = pricing.target_margin_price(cost, rate)
        return pricing.round_up(price, self.fields["rounding"].value)

    def _channels(self) -> tuple:
        """Direct sale, shops (distributor then retailer) and an e-commerce platform."""
        labels, number = self._labels(), self.number
        margin = {
            name: self.percent(name, labels[name], 0, 100, below_high=True)
            for name in ("distributor_margin", "retailer_margin")
        }
        return (
            pricing.ResellerChannel(_("Direct sale"), ()),
            pricing.ResellerChannel(
                _("Shops"),
                (
                    pricing.Reseller(_("Distributor"), margin["distributor_margin"]),
                    pricing.Reseller(_("Retailer"), margin["retailer_margin"]),
                ),
            ),
            pricing.PlatformChannel(
                _("E-commerce platform"),
                self.percent("fee_rate", labels["fee_rate"], 0, 100 * pricing.MAX_PLATFORM_FEE),
                number("fixed_fee", labels["fixed_fee"]),
                number("shipping", labels["shipping"]),
            ),
        )

    # -- display ----------------------------------------------------------------------
    def summary_html(self, result: pricing.PriceSheet) -> str:
        """Cost, price, break-even and market check, then the consumer price in each channel."""
        rows = [
            (_("Total unit cost"), format_money(result.cost.total)),
            (_("Price per unit"), format_money(result.price)),
            (_("Markup on cost"), format_percent(result.markup)),
            (_("Margin on price"), format_percent(result.margin)),
        ]
        if result.break_even_units is not None:
            rows.append((_("Break-even units per period"), format_number(result.break_even_units, 0)))
        if result.market is not None:
            rows.append(
                (
                    _("Gap to market price"),
                    f"{format_money(result.market.gap)} ({format_percent(result.market.gap_share)})",
                )
            )
        rows += [
            (_("Consumer price: {channel}").format(channel=split.channel), format_money(split.consumer_price))
            for split in result.channels
        ]
        return figures_table(rows)

    # -- exports ----------------------------------------------------------------------
    def to_csv(self, path: str | Path | None = None) -> str:
        """Return the price sheet as CSV; with ``path``, also write it (UTF-8 with BOM).

        See Also
        --------
        ocopkit.pricing.price_sheet_to_csv
        """
        return pricing.price_sheet_to_csv(self.result, path)

    def to_markdown(self, path: str | Path | None = None) -> str:
        """Return the price sheet as a Markdown section of the dossier; with ``path``, also write it.

        See Also
        --------
        ocopkit.pricing.price_sheet_to_markdown
        """
        text = pricing.price_sheet_to_markdown(self.result)
        return text_export(text, path)
