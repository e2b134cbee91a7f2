"""Selling OCOP products online: what each channel leaves the seller, sales data and QR codes.

Use this module to answer three questions of Topic 11:

1. Of what the customers pay on a platform, how much reaches the cooperative
   after the platform fee, fixed fees per order, shipping and returned
   orders? (:class:`OnlineChannel`, :func:`channel_net`, :func:`compare_channels`,
   and :func:`plan_channels` as the channel planner shows it)
2. What do a year of sales records say: sales per month, growth, net
   revenue and net margin per channel? (:func:`monthly_totals`, :func:`growth`,
   :func:`net_revenue_table`, :func:`channel_summary`)
3. How does a product label link to its page for traceability?
   (:func:`product_qr`, :func:`qr_png`)

All amounts are in Vietnamese đồng and all rates are fractions (``0.05`` is
5 %). Fees in the course's examples are ASSUMPTIONS for the exercises, not any
platform's tariff: platforms change their fees often.

The money of one channel in a period is worked out like this: the customers
place ``orders`` orders; a share ``return_rate`` of them comes back and brings
no money, but the seller has still paid the fixed fee and the shipping of
every order. The platform's fee is a share of the delivered orders' value.
The split of one delivered order reuses :func:`ocopkit.pricing.split_consumer_price`.

See Also
--------
ocopkit.pricing : the same platform fees, from the point of view of one unit's price.
ocopkit.widgets.digital.ChannelPlanner : the interactive channel planner.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd
import segno

from ocopkit import datasets, pricing
from ocopkit.errors import InputError, check_non_negative, check_positive, check_rate, show_value
from ocopkit.i18n import _, format_money, format_number, format_percent
from ocopkit.spreadsheet import frame_csv

MAX_RETURN_RATE = 0.5  # above half of the orders coming back, a typing slip is likelier
SALES_COLUMNS = ("thang", "kenh", "so_don", "don_hoan", "doanh_so")
COST_COLUMNS = ("kenh", "phi_san", "phi_co_dinh", "van_chuyen")


# --------------------------------------------------------------------------- channels


@dataclass(frozen=True)
class OnlineChannel:
    """An online sales channel and what it costs the seller.

    Parameters
    ----------
    name : str
        Name of the channel, e.g. "Postmart", "Shopee", "Facebook".
    fee_rate : float
        Platform fee as a fraction of the value of delivered orders, 0–0.5
        (0 for the cooperative's own page).
    fixed_fee : float
        Fees per order in đồng (payment, service, advertising), default 0.
    shipping : float
        Shipping per order paid by the seller, default 0.
    return_rate : float
        Share of orders returned, 0–0.5, default 0.

    Raises
    ------
    InputError
        For a rate out of range or a negative fee.
    """

    name: str
    fee_rate: float
    fixed_fee: float = 0.0
    shipping: float = 0.0
    return_rate: float = 0.0

    def __post_init__(self):
        # The platform part is checked (and later split) by ocopkit.pricing.
        self.platform()
        check_rate(self.return_rate, "return_rate", _("Share of orders returned"), 0.0, MAX_RETURN_RATE)

    def platform(self) -> pricing.PlatformChannel:
        """The channel as :class:`ocopkit.pricing.PlatformChannel` (fees and shipping, no returns)."""
        return pricing.PlatformChannel(self.name, self.fee_rate, self.fixed_fee, self.shipping)


@dataclass(frozen=True)
class ChannelNet:
    """The money of one channel in a period.

    Attributes
    ----------
    channel : str
        Channel name.
    orders, returned : float
        Orders placed and orders returned.
    gross_sales : float
        Value of the delivered orders (what the customers keep and pay).
    platform_fees : float
        The platform's share of ``gross_sales``.
    fixed_fees, shipping : float
        Fixed fees and shipping of every order, returned ones included.
    net_revenue : float
        What reaches the seller: ``gross_sales`` minus everything above.
    """

    channel: str
    orders: float
    returned: float
    gross_sales: float
    platform_fees: float
    fixed_fees: float
    shipping: float
    net_revenue: float

    @property
    def net_margin(self) -> float:
        """Share of the sales that reaches the seller, ``net_revenue / gross_sales`` (0 without sales)."""
        return self.net_revenue / self.gross_sales if self.gross_sales else 0.0

    @property
    def net_per_order(self) -> float:
        """Net revenue per order placed (0 without orders)."""
        return self.net_revenue / self.orders if self.orders else 0.0


def channel_net(price: float, channel: OnlineChannel, orders: float = 1) -> ChannelNet:
    """Work out what a channel leaves the seller after fees, shipping and returns.

    Use it to compare channels at the price of one order: a platform with a
    high fee but few returns against the cooperative's own page, which has no
    fee but costs advertising.

    Parameters
    ----------
    price : float
        What the customer pays for one order, in đồng (> 0).
    channel : OnlineChannel
        The channel's fees, shipping and return rate.
    orders : float
        Orders placed in the period (≥ 0), default 1.

    Returns
    -------
    ChannelNet
        Sales, each cost and the net revenue; ``.net_margin`` and
        ``.net_per_order`` compare channels.

    Raises
    ------
    InputError
        For a price that is not positive, a negative number of orders or
        something that is not an :class:`OnlineChannel`.

    See Also
    --------
    compare_channels : several channels at once, as a table.
    ocopkit.pricing.split_consumer_price : the split of one delivered order.
    """
    if not isinstance(channel, OnlineChannel):
        raise InputError(
            _("A channel must be an OnlineChannel, you gave {value}.").format(value=type(channel).__name__), "channel"
        )
    orders = check_non_negative(orders, "orders", _("Orders per month"))
    split = pricing.split_consumer_price(price, channel.platform())
    delivered = orders * (1 - channel.return_rate)
    gross = delivered * split.consumer_price
    fees = gross * channel.fee_rate
    fixed, shipping = orders * channel.fixed_fee, orders * channel.shipping
    return ChannelNet(
        channel=channel.name,
        orders=orders,
        returned=orders - delivered,
        gross_sales=gross,
        platform_fees=fees,
        fixed_fees=fixed,
        shipping=shipping,
        net_revenue=gross - fees - fixed - shipping,
    )


def compare_channels(price: float, channels, orders: float = 1) -> pd.DataFrame:
    """Compare channels at the same price and number of orders, best net margin first.

    Parameters
    ----------
    price : float
        What the customer pays for one order (> 0).
    channels : iterable of OnlineChannel
        The channels to compare.
    orders : float
        Orders placed per channel.

    Returns
    -------
    pandas.DataFrame
        One row per channel (index: the name) with the columns of
        :func:`channel_table`.

    See Also
    --------
    channel_net : one channel.
    """
    return channel_table([channel_net(price, channel, orders) for channel in channels])


def channel_table(results) -> pd.DataFrame:
    """Put :class:`ChannelNet` results in a table, best net margin first.

    Columns: ``orders``, ``returned``, ``gross_sales``, ``platform_fees``,
    ``fixed_fees``, ``shipping``, ``net_revenue``, ``net_margin``.
    """
    rows = [
        {
            "channel": r.channel,
            "orders": r.orders,
            "returned": r.returned,
            "gross_sales": r.gross_sales,
            "platform_fees": r.platform_fees,
            "fixed_fees": r.fixed_fees,
            "shipping": r.shipping,
            "net_revenue": r.net_revenue,
            "net_margin": r.net_margin,
        }
        for r in results
    ]
    table = pd.DataFrame(rows).set_index("channel")
    return table.sort_values("net_margin", ascending=False, kind="stable")


@dataclass(frozen=True)
class ChannelPlan:
    """Several channels compared at one price and number of orders, as the channel planner shows them.

    Attributes
    ----------
    product : str
        Product name.
    price, orders : float
        Price of one order and orders per month per channel.
    channels : tuple of ChannelNet
        One per channel, in the order given.
    """

    product: str
    price: float
    orders: float
    channels: tuple[ChannelNet, ...]

    @property
    def best(self) -> str:
        """Name of the channel with the highest net margin (the first one on a tie)."""
        return self.ranked()[0].channel

    def ranked(self) -> list[ChannelNet]:
        """The channels from the highest net margin down (on a tie, in the order given)."""
        return sorted(self.channels, key=lambda result: -result.net_margin)

    def table(self) -> pd.DataFrame:
        """The channels as :func:`channel_table`, best net margin first."""
        return channel_table(self.channels)

    def labelled_table(self) -> pd.DataFrame:
        """:meth:`table` with headers in the current language (:func:`column_labels`), as the planner exports it."""
        table = self.table().rename(columns=column_labels())
        table.index.name = _("Channel")
        return table


def plan_channels(price: float, channels, orders: float = 1, product: str = "") -> ChannelPlan:
    """Work out every channel at the same price and number of orders, keeping their order.

    Parameters
    ----------
    price : float
        What the customer pays for one order, in đồng (> 0).
    channels : iterable of OnlineChannel
        The channels to compare.
    orders : float
        Orders placed per channel.
    product : str
        Product name, for the exports.

    Returns
    -------
    ChannelPlan
        ``.channels``, ``.best``, ``.ranked()`` and ``.table()``.

    See Also
    --------
    compare_channels : the same comparison as a table only.
    ocopkit.widgets.digital.ChannelPlanner : the planner, whose ``.result`` this is.
    """
    return ChannelPlan(product, price, orders, tuple(channel_net(price, channel, orders) for channel in channels))


def column_labels() -> dict[str, str]:
    """Translated headers for the columns of :func:`channel_table`."""
    return {
        "orders": _("Orders"),
        "returned": _("Returned orders"),
        "gross_sales": _("Sales"),
        "platform_fees": _("Platform fee"),
        "fixed_fees": _("Fixed fees"),
        "shipping": _("Shipping paid by the seller"),
        "net_revenue": _("Net revenue"),
        "net_margin": _("Net margin"),
    }


# --------------------------------------------------------------------------- sales data


def _check_columns(table: object, columns: tuple[str, ...], name: str) -> pd.DataFrame:
    """Refuse anything but a DataFrame with the needed columns, naming the missing ones."""
    if not isinstance(table, pd.DataFrame):
        raise InputError(
            _("{name} must be a pandas DataFrame, you gave {value}.").format(name=name, value=type(table).__name__),
            name,
        )
    missing = [column for column in columns if column not in table.columns]
    if missing:
        raise InputError(_("{name} has no column {columns}.").format(name=name, columns=", ".join(missing)), name)
    return table


def monthly_totals(sales: pd.DataFrame, value: str = "doanh_so", by_channel: bool = False):
    """Add up a sales table per month, and per channel if asked.

    Parameters
    ----------
    sales : pandas.DataFrame
        One row per month and channel, with ``thang`` (``"2025-01"``),
        ``kenh`` and the ``value`` column, as ``topic11_sales``.
    value : str
        The column to add up, default ``"doanh_so"`` (sales in đồng).
    by_channel : bool
        False: one total per month (a Series). True: a table with one row
        per month and one column per channel.

    Returns
    -------
    pandas.Series or pandas.DataFrame
        Sorted by month.

    Raises
    ------
    InputError
        When a column is missing.
    """
    _check_columns(sales, ("thang", "kenh", value), "sales")
    if by_channel:
        return sales.pivot_table(index="thang", columns="kenh", values=value, aggfunc="sum").sort_index()
    return sales.groupby("thang")[value].sum().sort_index()


def growth(values: pd.Series) -> pd.Series:
    """Growth of each period over the one before, as a fraction (``0.2`` is 20 %); the first is NaN.

    The same as ``values.pct_change()``, which the exercise uses.
    """
    if not isinstance(values, pd.Series):
        raise InputError(
            _("{name} must be a pandas Series, you gave {value}.").format(name="values", value=type(values).__name__),
            "values",
        )
    return values.pct_change()


def net_revenue_table(sales: pd.DataFrame, costs: pd.DataFrame) -> pd.DataFrame:
    """Join the sales to each channel's costs and work out the net revenue of every row.

    ``tien_ve = doanh_so × (1 − phi_san) − so_don × (phi_co_dinh + van_chuyen)``:
    the sales of delivered orders less the platform fee, less the fixed fees
    and shipping of every order placed, returned ones included.

    Parameters
    ----------
    sales : pandas.DataFrame
        As ``topic11_sales``: ``thang``, ``kenh``, ``so_don``, ``don_hoan``, ``doanh_so``.
    costs : pandas.DataFrame
        As ``topic11_channel_costs``: ``kenh``, ``phi_san``, ``phi_co_dinh``, ``van_chuyen``.

    Returns
    -------
    pandas.DataFrame
        The sales with the cost columns and ``tien_ve``.

    Raises
    ------
    InputError
        When a column is missing or a channel of the sales has no costs.
    """
    _check_columns(sales, SALES_COLUMNS, "sales")
    _check_columns(costs, COST_COLUMNS, "costs")
    unknown = sorted(set(sales["kenh"]) - set(costs["kenh"]))
    if unknown:
        raise InputError(
            _("No costs for the channel(s) {names}: add them to the cost table.").format(names=", ".join(unknown)),
            "costs",
        )
    table = sales.merge(costs, on="kenh", how="left")
    table["tien_ve"] = table["doanh_so"] * (1 - table["phi_san"]) - table["so_don"] * (
        table["phi_co_dinh"] + table["van_chuyen"]
    )
    return table


def channel_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Sales, net revenue and net margin per channel from :func:`net_revenue_table`, best margin first.

    Returns
    -------
    pandas.DataFrame
        Index ``kenh``; columns ``so_don``, ``don_hoan``, ``doanh_so``,
        ``tien_ve`` and ``ty_le_rong`` (``tien_ve / doanh_so``).
    """
    _check_columns(table, ("kenh", "so_don", "don_hoan", "doanh_so", "tien_ve"), "table")
    summary = table.groupby("kenh")[["so_don", "don_hoan", "doanh_so", "tien_ve"]].sum()
    summary["ty_le_rong"] = summary["tien_ve"] / summary["doanh_so"]
    return summary.sort_values("ty_le_rong", ascending=False, kind="stable")


def channels_from_table(costs: pd.DataFrame) -> list[OnlineChannel]:
    """Turn a cost table like ``topic11_channel_costs`` into :class:`OnlineChannel` objects."""
    _check_columns(costs, (*COST_COLUMNS, "ty_le_hoan"), "costs")
    return [
        OnlineChannel(
            row.kenh, float(row.phi_san), float(row.phi_co_dinh), float(row.van_chuyen), float(row.ty_le_hoan)
        )
        for row in costs.itertuples()
    ]


def example_channels() -> list[OnlineChannel]:
    """The six channels of the exercise, with its assumed costs (synthetic, from ``topic11_channel_costs``)."""
    return channels_from_table(datasets.load("topic11_channel_costs"))


# --------------------------------------------------------------------------- exports


def channel_plan_to_csv(plan: ChannelPlan, path: str | Path | None = None) -> str:
    """Export a channel comparison as CSV, best net margin first (plain numbers, translated headers).

    Parameters
    ----------
    plan : ChannelPlan
        From :func:`plan_channels`.
    path : str or Path, optional
        Also write the file there (UTF-8 with a byte-order mark, see :mod:`ocopkit.spreadsheet`).

    Returns
    -------
    str
        The CSV text of :meth:`ChannelPlan.labelled_table`.
    """
    return frame_csv(plan.labelled_table(), path, index=True)


def channel_plan_to_markdown(plan: ChannelPlan) -> str:
    """Write a channel comparison as a Markdown section for a digital plan, best net margin first."""
    title = _("Online sales channels")
    heads = " | ".join((_("Channel"), _("Sales"), _("Net revenue"), _("Net margin")))
    lines = [
        f"## {title}: {plan.product}" if plan.product else f"## {title}",
        "",
        _("Price of one order: {price}; orders per month per channel: {orders}.").format(
            price=format_money(plan.price), orders=format_number(plan.orders)
        ),
        "",
        f"| {heads} |",
        "|---|---:|---:|---:|",
    ]
    lines += [
        f"| {item.channel} | {format_money(item.gross_sales)} | {format_money(item.net_revenue)} | "
        f"{format_percent(item.net_margin)} |"
        for item in plan.ranked()
    ]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- QR codes


def _check_url(url: object) -> str:
    """Accept a web address starting with http:// or https://, without spaces."""
    if not isinstance(url, str):
        raise InputError(
            _("The address must be text in quotes, you gave {value}.").format(value=show_value(url)), "url"
        )
    address = url.strip()
    parts = urlsplit(address)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in address):
        raise InputError(
            _(
                '"{value}" is not a web address: write it in full, starting with https://, '
                "without spaces, e.g. https://ocop.example.vn/san-pham/mat-ong."
            ).format(value=address),
            "url",
        )
    return address


def product_qr(url: str) -> segno.QRCode:
    """Make the QR code of a product page, for the label or the packaging.

    Use it to link a product to its page on the national OCOP system or the
    cooperative's site, where buyers and supermarkets read its origin.
    Error correction level "Q" keeps the code readable with a quarter of it
    scratched or dirty.

    Parameters
    ----------
    url : str
        The full address of the page, starting with ``https://``.

    Returns
    -------
    segno.QRCode
        ``.matrix`` holds the dark (1) and light (0) modules; ``.designator``
        names the version and error level, e.g. ``"3-Q"``.

    Raises
    ------
    InputError
        For something that is not a full web address.

    See Also
    --------
    qr_png : the same code as a PNG image.
    """
    return segno.make_qr(_check_url(url), error="q", boost_error=False)


def qr_png(url: str, scale: int = 6) -> bytes:
    """Return the QR code of a product page as PNG bytes, ready to show or print.

    Parameters
    ----------
    url : str
        The full address of the page.
    scale : int
        Pixels per module, 1–50 (default 6: a version 3 code is about 20 mm at 300 dpi).

    Returns
    -------
    bytes
        A PNG image with the standard quiet zone of four modules.

    Raises
    ------
    InputError
        For an address that is not valid or a scale out of range.
    """
    size = check_positive(scale, "scale", _("Scale"))
    if size != int(size) or size > 50:
        raise InputError(
            _("{label} must be a whole number from 1 to 50, you gave {value}.").format(
                label=_("Scale"), value=show_value(scale)
            ),
            "scale",
        )
    buffer = io.BytesIO()
    product_qr(url).save(buffer, kind="png", scale=int(size), border=4)
    return buffer.getvalue()
