"""Channel planner: what each online channel leaves the seller after fees, shipping and returns, live.

A thin layer over :mod:`ocopkit.digital`: the boxes collect the price of an
order, the orders per month and, per channel, the fee, the fixed fee per
order, the shipping and the share of returned orders; ``digital.plan_channels``
does the work; the widget shows the channels from the best net margin down
and a chart of where the money of each channel goes.

Examples
--------
>>> from ocopkit.widgets.digital import ChannelPlanner
>>> tool = ChannelPlanner()
>>> tool.set_inputs({"price": "150.000", "orders": "200"})
>>> tool.result.best                                      # doctest: +SKIP
"""

from __future__ import annotations

import html
from pathlib import Path

import ipywidgets as w
from matplotlib.figure import Figure

from .. import digital
from ..digital import ChannelPlan
from ..i18n import _, format_money, format_percent
from .common import text_export
from .inputs import FormTool, LiveChart, caption_html, number_box, plain_number, text_box

PARTS = ("net_revenue", "platform_fees", "fixed_fees", "shipping")
COLOURS = {"net_revenue": "#2e7d32", "platform_fees": "#f9a825", "fixed_fees": "#6a1b9a", "shipping": "#1565c0"}
CHANNEL_FIELDS = ("name", "fee_rate", "fixed_fee", "shipping", "return_rate")


class ChannelBarsChart(LiveChart):
    """Stacked bars, one per channel: net revenue, platform fee, fixed fees and shipping.

    Drawn once; each update only moves the bars and rewrites the numbers.
    The title and colour key are HTML above the image.
    """

    size = (6.4, 2.8)

    def shape_of(self, result: ChannelPlan) -> tuple:
        """The channels' names: the rows to create."""
        return tuple(item.channel for item in result.channels)

    def build(self, result: ChannelPlan) -> None:
        """One bar container per part, the channel names and a text per row."""
        axes, rows = self.axes, range(len(self.shape))
        self.bars = {part: axes.barh(rows, [0] * len(rows), height=0.5, color=COLOURS[part]) for part in PARTS}
        for row, name in zip(rows, self.shape[::-1]):
            axes.text(0, row + 0.3, name, va="bottom")
        self.totals = [axes.text(0, row, "", va="center") for row in rows]
        axes.set_ylim(-0.5, len(self.shape) - 0.2)
        axes.set_axis_off()

    def update(self, result: ChannelPlan) -> Figure:
        """Stack each channel's parts of its sales; write its net revenue and margin at the end."""
        for row, item in enumerate(result.channels[::-1]):
            left = 0.0
            for part, container in self.bars.items():
                width = max(getattr(item, part), 0.0)  # a loss is written, not drawn
                container.patches[row].set_x(left)
                container.patches[row].set_width(width)
                left += width
            self.totals[row].set_position((left, row))
            self.totals[row].set_text(f" {format_money(item.net_revenue)} ({format_percent(item.net_margin)})")
        widest = max([item.gross_sales for item in result.channels] + [1.0])
        self.axes.set_xlim(0, widest * 1.45)
        return self.figure

    def caption_html(self, result: ChannelPlan) -> str:
        """Title and colour key."""
        labels = digital.column_labels()
        title = _("Where the money of each channel goes in a month (net revenue and net margin at the end)")
        return caption_html(html.escape(title), [("bar", COLOURS[part], html.escape(labels[part])) for part in PARTS])


class ChannelPlanner(FormTool):
    """Compare online channels by what they leave the cooperative after fees, shipping and returns.

    Use it before choosing where to sell: type the price of an order, the
    orders you expect per month and each channel's fees, and read the net
    revenue and net margin of each channel. The starting figures are the
    exercise's ASSUMPTIONS (synthetic), not any platform's tariff: replace
    them with the terms each platform offers you.

    Parameters
    ----------
    channels : list of ocopkit.digital.OnlineChannel, optional
        The channels to compare; by default the six of ``topic11_channel_costs``.
    product : str
        Product name.
    price : float
        What the customer pays for one order, in đồng.
    orders : float
        Orders per month on each channel.

    Attributes
    ----------
    result : ocopkit.digital.ChannelPlan
        The latest valid plan, as :func:`ocopkit.digital.plan_channels`
        returns it: ``.channels`` (one ``ChannelNet`` each), ``.best``,
        ``.ranked()`` and ``.table()``.
    fields : dict
        The input boxes: ``product``, ``price``, ``orders`` and, for channel
        ``i`` (from 1), ``name_i``, ``fee_rate_i``, ``fixed_fee_i``,
        ``shipping_i``, ``return_rate_i`` (rates in per cent).

    See Also
    --------
    ocopkit.digital.plan_channels, ocopkit.digital.channel_net : the logic.
    """

    tool_name = "ChannelPlanner"
    chart_class = ChannelBarsChart

    def __init__(
        self,
        channels=None,
        product: str = "Mật ong hoa nhãn (chai 500 ml)",
        price: float = 150_000,
        orders: float = 100,
    ):
        self.channels = list(channels) if channels is not None else digital.example_channels()
        fields = {
            "product": text_box(_("Product name"), product),
            "price": number_box(_("Price of one order"), _("VND"), plain_number(price)),
            "orders": number_box(_("Orders per month"), _("orders"), plain_number(orders)),
        }
        for index, channel in enumerate(self.channels, start=1):
            fields[f"name_{index}"] = text_box(_("Channel name"), channel.name)
            fields[f"fee_rate_{index}"] = number_box(_("Platform fee"), "%", plain_number(channel.fee_rate * 100))
            fields[f"fixed_fee_{index}"] = number_box(
                _("Fixed fees per order"), _("VND/order"), plain_number(channel.fixed_fee)
            )
            fields[f"shipping_{index}"] = number_box(
                _("Shipping paid by the seller"), _("VND/order"), plain_number(channel.shipping)
            )
            fields[f"return_rate_{index}"] = number_box(
                _("Share of orders returned"), "%", plain_number(channel.return_rate * 100)
            )
        super().__init__(fields, self._form(fields), _("online-channels"))

    def _form(self, fields: dict[str, w.Widget]) -> w.Widget:
        """The price and orders on top, then one folded section per channel."""
        sections = [
            w.VBox([fields[f"{name}_{index}"] for name in CHANNEL_FIELDS]) for index in range(1, len(self.channels) + 1)
        ]
        folded = w.Accordion(children=sections, titles=[channel.name for channel in self.channels])
        self.hint = hint = w.HTML(
            "<i>"
            + html.escape(
                _(
                    "The fees are assumptions of the exercise, not any platform's tariff: type the terms each "
                    "platform offers you. Open a channel to change its fees."
                )
            )
            + "</i>"
        )
        return w.VBox([fields["product"], fields["price"], fields["orders"], hint, folded])

    # -- logic ----------------------------------------------------------------------
    def compute(self) -> ChannelPlan:
        """Read the boxes and work out every channel through :func:`ocopkit.digital.channel_net`."""
        price = self.number("price", _("Price of one order"))
        orders = self.number("orders", _("Orders per month"))
        channels = [self._channel(index) for index in range(1, len(self.channels) + 1)]
        return digital.plan_channels(price, channels, orders, self.text("product"))

    def _channel(self, index: int) -> digital.OnlineChannel:
        """The boxes of channel ``index`` (from 1); a channel without a name is called by its number."""
        return digital.OnlineChannel(
            self.text(f"name_{index}") or _("Channel {number}").format(number=index),
            self.percent(f"fee_rate_{index}", _("Platform fee"), 0, 100 * digital.pricing.MAX_PLATFORM_FEE),
            self.number(f"fixed_fee_{index}", _("Fixed fees per order")),
            self.number(f"shipping_{index}", _("Shipping paid by the seller")),
            self.percent(f"return_rate_{index}", _("Share of orders returned"), 0, 100 * digital.MAX_RETURN_RATE),
        )

    # -- display ----------------------------------------------------------------------
    def summary_html(self, result: ChannelPlan) -> str:
        """A table of the channels, best net margin first, and the best channel in words."""
        heads = (_("Channel"), _("Sales"), _("Net revenue"), _("Net margin"), _("Net per order"))
        head = "".join(f"<th>{html.escape(text)}</th>" for text in heads)
        rows = "".join(
            f"<tr><td>{html.escape(item.channel)}</td><td style='text-align:right'>"
            f"{format_money(item.gross_sales)}</td><td style='text-align:right'><b>"
            f"{format_money(item.net_revenue)}</b></td><td style='text-align:right'>{format_percent(item.net_margin)}"
            f"</td><td style='text-align:right'>{format_money(item.net_per_order)}</td></tr>"
            for item in result.ranked()
        )
        best = _("Highest net margin: {channel}.").format(channel=result.best)
        return f"<table><tr>{head}</tr>{rows}</table><p>{html.escape(best)}</p>"

    # -- exports ----------------------------------------------------------------------
    def to_csv(self, path: str | Path | None = None) -> str:
        """Return the comparison as CSV (plain numbers); with ``path``, also write it (UTF-8 with BOM).

        See Also
        --------
        ocopkit.digital.channel_plan_to_csv
        """
        return digital.channel_plan_to_csv(self.result, path)

    def to_markdown(self, path: str | Path | None = None) -> str:
        """Return the comparison as a Markdown section for a digital plan; with ``path``, also write it.

        See Also
        --------
        ocopkit.digital.channel_plan_to_markdown
        """
        return text_export(digital.channel_plan_to_markdown(self.result), path)
