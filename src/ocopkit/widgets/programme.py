"""National OCOP figures, date by date: how many products, and their shares by star.

A thin layer over :mod:`ocopkit.programme`: the slider only chooses a date,
``programme.snapshot`` reads the figure of that date, and the widget shows it
with its source, its note and a chart of the whole series.

Examples
--------
>>> from ocopkit.widgets.programme import OcopNationalFigures
>>> tool = OcopNationalFigures()
>>> tool.select("2022-12-31")
>>> tool.result.products
8689
"""

from __future__ import annotations

import html

import ipywidgets as w
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from .. import programme
from ..i18n import _, format_number, format_percent
from .base import Tool
from .common import figures_table

COLOURS = {"3": "#81c784", "4": "#2e7d32", "potential_5": "#f9a825", "5": "#e65100"}


class OcopNationalFigures(Tool):
    """Choose a date and see the national count of OCOP products and its shares by star.

    Parameters
    ----------
    as_of : str, optional
        The date to show first, a value of ``ngay_so_lieu``; the latest by default.

    Attributes
    ----------
    result : ocopkit.programme.Snapshot
        The figures of the date shown; a notebook can read them.
    picker : ipywidgets.SelectionSlider
        The date slider.
    table : pandas.DataFrame
        The national series (:func:`ocopkit.programme.national_products`).

    See Also
    --------
    ocopkit.programme.snapshot, ocopkit.programme.star_shares : the logic.
    """

    tool_name = "national_figures"
    input_errors = (programme.ProgrammeError,)

    def __init__(self, as_of: str | None = None):
        self.table = programme.national_products()
        dates = self.table["ngay_so_lieu"].tolist()
        self.picker = w.SelectionSlider(
            options=[(programme.format_as_of(d), d) for d in dates],
            value=dates[-1],
            description=_("Date"),
            continuous_update=False,
            layout=w.Layout(width="620px"),
        )
        super().__init__(self.picker, fields={"as_of": self.picker})
        self.chart.layout.max_width = "820px"
        self.refresh()
        if as_of is not None:
            self.select(as_of)

    def _arrange(self, inputs: w.Widget) -> list[w.Widget]:
        """The slider, the message, the figures and the chart (its titles are in the figure)."""
        return [inputs, self.message, self.summary, self.chart]

    def select(self, as_of: str) -> None:
        """Show the figures of a date from Python; an unknown date is reported, not shown."""
        try:
            programme.snapshot(as_of)
        except programme.ProgrammeError as error:
            self._show_message(str(error))
            return
        if self.picker.value == as_of:
            self.refresh()
        else:
            self.picker.value = as_of  # the observer refreshes

    def compute(self) -> programme.Snapshot:
        """The figures of the chosen date."""
        return programme.snapshot(self.picker.value)

    def summary_html(self, result: programme.Snapshot) -> str:
        """The figure, its shares by star, its source and note."""
        return summary_html(result)

    def chart_figure(self, result: programme.Snapshot) -> Figure:
        """The series with the chosen date marked, drawn anew: the marked point moves."""
        return series_chart(self.table, result)


def headline(result: programme.Snapshot) -> str:
    """Return "31/12/2022: 8.689 OCOP products rated 3★ and above" (with "more than" when so)."""
    text = (
        _("{date}: more than {products} OCOP products rated 3★ and above")
        if result.approximate
        else _("{date}: {products} OCOP products rated 3★ and above")
    )
    return text.format(date=programme.format_as_of(result.as_of), products=format_number(result.products))


def basis_text(basis: str) -> str:
    """Say where the shares come from."""
    return {
        "printed": _("as printed in the source"),
        "counts": _("computed from the counts in the source"),
        "mixed": _("partly printed, partly computed from counts"),
        "none": _("The source does not break this figure down by star."),
    }[basis]


def shares_html(result: programme.Snapshot) -> str:
    """Return the shares by star as a small HTML table, with what is left unexplained."""
    if result.breakdown == "none":
        return f"<p>{basis_text('none')}</p>"
    rows = [(programme.star_label(k), format_percent(v / 100, 1)) for k, v in result.shares.items()]
    extra = ""
    if result.breakdown == "partial":
        extra = _("Not broken down by star: {share}%").format(share=format_number(result.unexplained, 1))
    elif result.breakdown == "over":
        extra = _("The parts add up to {total}%, more than the total: see the note.").format(
            total=format_number(result.shares_total, 1)
        )
    title = _("Shares by star")
    return f"<p><b>{title}</b> ({basis_text(result.basis)})</p>{figures_table(rows)}" + (
        f"<p>{extra}</p>" if extra else ""
    )


def summary_html(result: programme.Snapshot) -> str:
    """Return the figures of one date, their source and note, as HTML for the widget."""
    parts = [f"<p style='font-size:1.2em'><b>{html.escape(headline(result))}</b></p>", shares_html(result)]
    if result.provinces:
        provinces = _("{provinces} provinces had rated products.").format(provinces=result.provinces)
        parts.append(f"<p>{provinces}</p>")
    url, source, note = html.escape(result.source_url), _("Source"), _("Note")
    parts.append(f"<p>{source}: <a href='{url}' target='_blank'>{url}</a></p>")
    if result.note:
        parts.append(f"<p><i>{note}: {html.escape(result.note)}</i></p>")
    return "".join(parts)


def series_chart(table, result: programme.Snapshot) -> Figure:
    """Draw the national series with the chosen date marked, and its shares by star."""
    figure = Figure(figsize=(9.5, 3.4))
    left, right = figure.subplots(1, 2, gridspec_kw={"width_ratios": [2.3, 1]})
    _draw_series(left, table, result)
    _draw_shares(right, result)
    figure.tight_layout()
    return figure


def _draw_series(axes, table, result: programme.Snapshot) -> None:
    """Products over time; hollow markers where the source says "more than"."""
    axes.plot(table["date"], table["so_san_pham"], color="#2e7d32", linewidth=1.5)
    exact, approx = table[~table["xap_xi"]], table[table["xap_xi"]]
    axes.plot(exact["date"], exact["so_san_pham"], "o", color="#2e7d32")
    axes.plot(
        approx["date"],
        approx["so_san_pham"],
        "o",
        markerfacecolor="white",
        color="#2e7d32",
        label=_("hollow: the source says 'more than'"),
    )
    chosen = table[table["ngay_so_lieu"] == result.as_of].iloc[0]
    axes.plot([chosen["date"]], [chosen["so_san_pham"]], "o", markersize=12, color="#c62828", label=_("Selected date"))
    axes.annotate(
        format_number(result.products),
        (chosen["date"], chosen["so_san_pham"]),
        textcoords="offset points",
        xytext=(-10, 10),
        ha="right",
        color="#c62828",
    )
    axes.set_title(_("OCOP products rated 3★ and above, nationwide"), fontsize="medium")
    axes.set_ylabel(_("Products"))
    axes.set_ylim(0, table["so_san_pham"].max() * 1.15)
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _position: format_number(value)))
    axes.legend(loc="upper left", fontsize="small")


def _draw_shares(axes, result: programme.Snapshot) -> None:
    """One bar of 100%: each star class, and the part the source leaves unexplained."""
    axes.set_title(_("Shares by star (%)"), fontsize="medium")
    axes.set_xlim(0, 100)
    axes.set_yticks([])
    if not result.shares:
        axes.text(50, 0, _("not broken down"), ha="center", va="center")
        return
    start = 0.0
    for key, share in result.shares.items():
        axes.barh([0], [share], left=start, color=COLOURS[key], label=programme.star_label(key))
        if share >= 8:
            axes.text(
                start + share / 2,
                0,
                format_percent(share / 100, 1),
                ha="center",
                va="center",
                color="white" if key == "4" else "black",
            )
        start += share
    if result.unexplained > 0.5:
        axes.barh([0], [result.unexplained], left=start, color="#dddddd", label=_("not broken down"))
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=2, fontsize="small")


def producers_chart(table) -> Figure:
    """Draw the producers' shares by type, one bar per date that the sources break down.

    Parameters
    ----------
    table : pandas.DataFrame
        ``datasets.load("ocop_national_producers")``.

    Returns
    -------
    matplotlib.figure.Figure
        Stacked bars to 100%; grey is the part the source does not give.

    See Also
    --------
    ocopkit.programme.producer_shares : the shares drawn.
    """
    shares = programme.producer_shares(table).iloc[::-1]
    figure = Figure(figsize=(8, 0.45 * len(shares) + 1.4))
    axes = figure.subplots()
    labels = [programme.format_as_of(d) for d in shares.index]
    start = [0.0] * len(shares)
    colours = ["#2e7d32", "#1565c0", "#f9a825", "#8e24aa", "#dddddd"]
    names = {**programme.producer_types(), "khong_ro": _("not given by the source")}
    for (column, label), colour in zip(names.items(), colours):
        values = shares[column].tolist()
        axes.barh(labels, values, left=start, color=colour, label=label)
        start = [a + b for a, b in zip(start, values)]
    axes.set_xlim(0, 100)
    axes.set_title(_("Producers with OCOP products, by type (%)"), fontsize="medium")
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=5, fontsize="small")
    return figure
