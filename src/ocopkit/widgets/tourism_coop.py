"""Benefit-sharing and capacity calculator of a community-tourism cooperative, live.

A thin layer over :mod:`ocopkit.tourism_coop`: the boxes collect the year's
surplus, the charter's shares, each member's capital and patronage, and the
site's area and opening hours; ``tourism_coop.review`` shares the surplus,
works out the carrying capacity and fills the sustainability dashboard from
the monthly accounts. The widget shows the funds, what each member receives,
the capacity, the dashboard and a chart of both.

Examples
--------
>>> from ocopkit.widgets.tourism_coop import TourismCoopCalculator
>>> tool = TourismCoopCalculator()                 # the cooperative of the course data
>>> tool.set_inputs({"surplus": "350.000.000", "community_fund": "10"})
>>> tool.result.sharing.community_fund
35000000
"""

from __future__ import annotations

import html
from pathlib import Path

import ipywidgets as w
import pandas as pd
from matplotlib.figure import Figure

from .. import datasets
from .. import tourism_coop as coop
from ..errors import InputError
from ..i18n import _, format_money, format_number, format_percent
from .common import figures_table, message_html, text_export
from .inputs import FormTool, LiveChart, caption_html, number_box, plain_number

CAPITAL_COLOUR, PATRONAGE_COLOUR = "#E69F00", "#0072B2"  # Okabe–Ito, colour-blind safe
WITHIN_COLOUR, OVER_COLOUR, LIMIT_COLOUR = "#009E73", "#D55E00", "#000000"
_MILLION = 1e6
# The worked example of the lesson: the surplus the general meeting shares out, the example charter's
# shares (a cooperative's own choices, not the law's), and the path to the waterfall (synthetic).
EXAMPLE = {
    "surplus": 480_000_000,
    "development_fund": 20,
    "community_fund": 10,
    "by_patronage": 70,
    "area": 300,
    "area_per_visitor": 5,
    "open_hours": 8,
    "visit_hours": 2,
    "correction": "",
}
SHARE_FIELDS = ("development_fund", "community_fund", "by_patronage")
SITE_FIELDS = ("area", "area_per_visitor", "open_hours", "visit_hours", "correction")


def _labels() -> dict[str, str]:
    """Translated name of each box that is not a member row, as used in messages."""
    return {
        "surplus": _("Surplus to share"),
        "development_fund": _("Development fund"),
        "community_fund": _("Community development fund"),
        "by_patronage": _("Members' part shared by patronage"),
        "area": _("Usable area"),
        "area_per_visitor": _("Area per visitor"),
        "open_hours": _("Hours open a day"),
        "visit_hours": _("Hours of a visit"),
        "correction": _("Correction factor (optional)"),
    }


def _units() -> dict[str, str]:
    """The unit shown after each box's name."""
    return {
        "surplus": _("VND"),
        "development_fund": _("% of the surplus"),
        "community_fund": _("% of the surplus"),
        "by_patronage": _("% of the members' part"),
        "area": "m²",
        "area_per_visitor": _("m² per visitor"),
        "open_hours": _("hours"),
        "visit_hours": _("hours"),
        "correction": "%",
    }


class CoopChart(LiveChart):
    """Left, what each member receives by capital and by patronage; right, each month's busiest day and capacity.

    Built once; an update only moves bars, one short label per member and the
    capacity line. Both panels have no axes: every tick label matplotlib lays
    out costs milliseconds, so the chart keeps to one label per member, one
    per month and one for the capacity, and the title and key are HTML above.
    """

    size = (6.6, 2.7)

    def shape_of(self, result: coop.CoopReview) -> tuple:
        """The members and the months: the bars to create."""
        return (tuple(result.sharing.table[coop.NAME_COLUMN]), tuple(result.months[coop.MONTH_COLUMN]))

    def build(self, result: coop.CoopReview) -> None:
        """Stacked bars per member on the left, a bar per month and the capacity line on the right."""
        names, months = self.shape
        self.figure.clear()
        self.members_axes, self.months_axes = self.figure.subplots(1, 2, gridspec_kw={"width_ratios": [1.1, 1]})
        rows = [len(names) - 1 - row for row in range(len(names))]  # the first member on top
        zeros = [0] * len(names)
        self.by_capital = self.members_axes.barh(rows, zeros, height=0.6, color=CAPITAL_COLOUR)
        self.by_patronage = self.members_axes.barh(rows, zeros, height=0.6, color=PATRONAGE_COLOUR)
        self.names = [_short(name) for name in names]
        self.totals = [self.members_axes.text(0, row, "", va="center", fontsize="x-small") for row in rows]
        self.members_axes.set_ylim(-0.6, len(names) - 0.4)
        self.days = self.months_axes.bar(range(len(months)), [0] * len(months), color=WITHIN_COLOUR)
        for position, month in enumerate(months):
            self.months_axes.text(position, 0, str(month), ha="center", va="top", fontsize="x-small")
        self.limit = self.months_axes.axhline(0, color=LIMIT_COLOUR, linestyle="--", linewidth=1)
        self.limit_label = self.months_axes.text(len(months) - 0.5, 0, "", ha="right", va="bottom", fontsize="x-small")
        for axes in (self.members_axes, self.months_axes):
            axes.set_axis_off()
        self.figure.subplots_adjust(left=0.01, right=0.99, wspace=0.08, bottom=0.08, top=0.98)

    def update(self, result: coop.CoopReview) -> Figure:
        """Put each member's two parts, each month's busiest day and the capacity into the artists."""
        table = result.sharing.table
        widest = max(float(table[coop.TOTAL_COLUMN].max()), 1.0)
        for row, record in enumerate(table.to_dict("records")):
            capital, patronage = record[coop.BY_CAPITAL_COLUMN], record[coop.BY_PATRONAGE_COLUMN]
            self.by_capital.patches[row].set_width(capital)
            self.by_patronage.patches[row].set_x(capital)
            self.by_patronage.patches[row].set_width(patronage)
            self.totals[row].set_x(capital + patronage + widest * 0.02)
            self.totals[row].set_text(f"{self.names[row]} {format_number(record[coop.TOTAL_COLUMN] / _MILLION, 1)}")
        self.members_axes.set_xlim(0, widest * 1.45)
        limit = result.capacity.max_daily_visitors
        busiest = list(result.months[coop.BUSIEST_DAY_COLUMN])
        for bar, visitors in zip(self.days.patches, busiest):
            bar.set_height(visitors)
            bar.set_color(OVER_COLOUR if visitors > limit else WITHIN_COLOUR)
        self.limit.set_ydata([limit, limit])
        self.limit_label.set_y(limit)
        self.limit_label.set_text(format_number(limit))
        top = max(busiest + [limit, 1]) * 1.12
        self.months_axes.set_ylim(-top * 0.08, top)
        return self.figure

    def caption_html(self, result: coop.CoopReview) -> str:
        """Title and colour key."""
        title = html.escape(
            _(
                "Left: what each member receives, in million VND. Right: visitors on the busiest day "
                "of each month (1 to 12), against the site's daily capacity."
            )
        )
        keys = [
            ("bar", CAPITAL_COLOUR, _("by capital")),
            ("bar", PATRONAGE_COLOUR, _("by patronage")),
            ("bar", WITHIN_COLOUR, _("within capacity")),
            ("bar", OVER_COLOUR, _("over capacity")),
            (
                "dashed",
                LIMIT_COLOUR,
                _("daily capacity: {visitors} visitors").format(
                    visitors=format_number(result.capacity.max_daily_visitors)
                ),
            ),
        ]
        return caption_html(title, [(symbol, colour, html.escape(label)) for symbol, colour, label in keys])


def _short(name: str) -> str:
    """A member's short name for the chart: the last word, as people call each other (Hộ Lý Văn Phúc → Phúc)."""
    words = name.split()
    return words[-1] if words else name


def coop_chart(result: coop.CoopReview) -> Figure:
    """Draw the chart of a review once (the widget updates one in place instead)."""
    return CoopChart(result).update(result)


class TourismCoopCalculator(FormTool):
    """Share a tourism cooperative's surplus, work out a site's daily capacity and read the dashboard.

    Use it at the general meeting or with the board: type the year's
    surplus and the shares of the charter, check each household's capital and
    the value of its services through the cooperative, and read what the funds
    and each household receive, in whole đồng that add up to the surplus.
    Below, type the site's usable area and opening hours to see how many
    visitors it can take in a day, and how the busiest days of the year
    compare.

    Parameters
    ----------
    members : pandas.DataFrame, optional
        Members with ``ho_thanh_vien``, ``von_gop`` and ``gia_tri_giao_dich``;
        the course's ``topic07_members`` when omitted.
    months : pandas.DataFrame, optional
        The monthly accounts for the dashboard (``thang``, ``so_khach``,
        ``khach_ngay_cao_nhat``, ``doanh_thu``, ``chi_phi_co_dinh``,
        ``chi_phi_bien_doi``); the course's ``topic07_monthly`` when omitted.
    blank_rows : int
        Empty member rows below the members, to add one; a row without a name
        is left out.

    Raises
    ------
    ocopkit.errors.InputError
        When a starting table has a problem; later bad input is shown in the
        message instead, and the last valid result is kept.

    Attributes
    ----------
    result : ocopkit.tourism_coop.CoopReview
        The latest valid result: ``.sharing`` (funds and each member's share),
        ``.capacity``, ``.months`` and ``.indicators``.
    fields : dict
        The input boxes: ``surplus``, ``development_fund``,
        ``community_fund``, ``by_patronage``, ``name_0``, ``capital_0``,
        ``patronage_0``, …, ``area``, ``area_per_visitor``, ``open_hours``,
        ``visit_hours``, ``correction``.
    months : pandas.DataFrame
        The monthly accounts the dashboard reads.

    See Also
    --------
    ocopkit.tourism_coop.review : the logic.
    """

    tool_name = "TourismCoopCalculator"
    chart_class = CoopChart

    def __init__(self, members: pd.DataFrame | None = None, months: pd.DataFrame | None = None, blank_rows: int = 1):
        start = coop.check_members(datasets.load("topic07_members") if members is None else members)
        self.months = coop.check_months(datasets.load("topic07_monthly") if months is None else months)
        self.rows = len(start) + blank_rows
        fields = self._make_fields(start)
        super().__init__(fields, self._form(fields), _("tourism-cooperative"))

    # -- boxes ----------------------------------------------------------------------
    def _make_fields(self, members: pd.DataFrame) -> dict[str, w.Widget]:
        """Create the boxes, filled with the worked example and the members."""
        labels, units = _labels(), _units()
        fields = {
            name: number_box(labels[name], units[name], plain_number(EXAMPLE[name]))
            for name in ("surplus", *SHARE_FIELDS)
        }
        records = members.to_dict("records") + [None] * (self.rows - len(members))
        for row, record in enumerate(records):
            fields[f"name_{row}"] = _cell(record[coop.NAME_COLUMN] if record else "", "240px", _("Household"))
            fields[f"capital_{row}"] = _cell(plain_number(record[coop.CAPITAL_COLUMN]) if record else "", "150px")
            fields[f"patronage_{row}"] = _cell(plain_number(record[coop.PATRONAGE_COLUMN]) if record else "", "190px")
        fields.update(
            {
                name: number_box(labels[name], units[name], plain_number(EXAMPLE[name]) if EXAMPLE[name] != "" else "")
                for name in SITE_FIELDS
            }
        )
        return fields

    def _form(self, fields: dict[str, w.Widget]) -> w.Widget:
        """Three sections: the surplus and the charter, the members, the site."""
        heads = [
            (_("Household"), "240px"),
            (_("Capital contributed (VND)"), "150px"),
            (_("Services through the cooperative (VND)"), "190px"),
        ]
        header = w.HBox([w.HTML(f"<b>{html.escape(text)}</b>", layout=w.Layout(width=width)) for text, width in heads])
        rows = [
            w.HBox([fields[f"{kind}_{row}"] for kind in ("name", "capital", "patronage")]) for row in range(self.rows)
        ]
        hints = {
            0: _("The shares are the charter's choices; the members' part is what is left after the two funds."),
            1: _("Type a new household in the empty row. A row without a name is left out."),
            2: _(
                "Leave the correction factor empty when none applies, or type the share of capacity to take off "
                "(for example 25 when a quarter of the days are too wet)."
            ),
        }
        sections = [
            (_("The surplus and the charter"), [fields[name] for name in ("surplus", *SHARE_FIELDS)]),
            (_("Members"), [header, *rows]),
            (_("The site"), [fields[name] for name in SITE_FIELDS]),
        ]
        return w.VBox(
            [
                w.VBox([w.HTML(f"<b>{html.escape(title)}</b>"), *boxes, w.HTML(f"<i>{html.escape(hints[index])}</i>")])
                for index, (title, boxes) in enumerate(sections)
            ]
        )

    # -- values from Python ----------------------------------------------------------
    def set_members(self, members: pd.DataFrame) -> None:
        """Replace the members from Python, e.g. a table loaded with pandas.

        A table with a problem (a name used twice, capital written as text) or
        with more members than rows is reported in the message and changes
        nothing.
        """
        try:
            clean = coop.check_members(members)
            if len(clean) > self.rows:
                raise InputError(
                    _(
                        "This calculator has {rows} member rows, you gave {count} members. Make one "
                        "with more rows: TourismCoopCalculator(blank_rows={extra})."
                    ).format(rows=self.rows, count=len(clean), extra=len(clean) - self.rows + 1),
                    "members",
                )
        except InputError as error:
            self.message.value = message_html(str(error))
            return
        values = {}
        for row in range(self.rows):
            record = clean.iloc[row] if row < len(clean) else None
            values[f"name_{row}"] = "" if record is None else record[coop.NAME_COLUMN]
            values[f"capital_{row}"] = "" if record is None else plain_number(record[coop.CAPITAL_COLUMN])
            values[f"patronage_{row}"] = "" if record is None else plain_number(record[coop.PATRONAGE_COLUMN])
        self.set_inputs(values)

    def set_months(self, months: pd.DataFrame) -> None:
        """Replace the monthly accounts the dashboard reads; a table with a problem is reported and kept out."""
        try:
            self.months = coop.check_months(months)
        except InputError as error:
            self.message.value = message_html(str(error))
            return
        self.refresh()

    # -- logic ----------------------------------------------------------------------
    def compute(self) -> coop.CoopReview:
        """Read the boxes and review the cooperative through :mod:`ocopkit.tourism_coop`."""
        labels = _labels()
        rules = coop.SharingRules(*(self.percent(name, labels[name], 0, 100) for name in SHARE_FIELDS))
        correction = (
            (self.percent("correction", labels["correction"], 0, 100 * coop.MAX_CORRECTION),)
            if self.text("correction")
            else ()
        )
        site = {name: self.number(name, labels[name]) for name in SITE_FIELDS[:-1]}
        capacity = coop.carrying_capacity(**site, corrections=correction)
        return coop.review(self.number("surplus", labels["surplus"]), self._members(), rules, capacity, self.months)

    def _members(self) -> pd.DataFrame:
        """The member rows that have a name; figures without a name are an error."""
        records = []
        for row in range(self.rows):
            name = self.text(f"name_{row}")
            if not name and (self.text(f"capital_{row}") or self.text(f"patronage_{row}")):
                raise InputError(
                    _("Row {number} has figures but no household name.").format(number=row + 1), f"name_{row}"
                )
            if name:
                records.append(
                    {
                        coop.NAME_COLUMN: name,
                        coop.CAPITAL_COLUMN: self.number(f"capital_{row}", _("Capital of {name}").format(name=name)),
                        coop.PATRONAGE_COLUMN: self.number(
                            f"patronage_{row}", _("Services through the cooperative of {name}").format(name=name)
                        ),
                    }
                )
        if not records:
            raise InputError(_("Type at least one household with its figures."), "name_0")
        return pd.DataFrame(records)

    # -- display ----------------------------------------------------------------------
    def summary_html(self, result: coop.CoopReview) -> str:
        """The funds, each member's share, the site's capacity and the dashboard."""
        return sharing_html(result.sharing) + capacity_html(result.capacity) + dashboard_html(result)

    # -- exports ----------------------------------------------------------------------
    def to_csv(self, path: str | Path | None = None) -> str:
        """Return each member's share as CSV (plain numbers, đồng); with ``path``, also write it.

        See Also
        --------
        ocopkit.tourism_coop.sharing_to_csv
        """
        return coop.sharing_to_csv(self.result.sharing, path)

    def to_markdown(self, path: str | Path | None = None) -> str:
        """Return the sharing, the capacity and the dashboard as a Markdown section; with ``path``, also write it.

        See Also
        --------
        ocopkit.tourism_coop.review_to_markdown
        """
        return text_export(coop.review_to_markdown(self.result), path)


def _cell(value: str, width: str, placeholder: str = "") -> w.Text:
    """A box of the members grid, updated on Enter or on leaving it."""
    return w.Text(value=value, placeholder=placeholder, continuous_update=False, layout=w.Layout(width=width))


# --------------------------------------------------------------------------- display helpers


def _heading(text: str) -> str:
    """A section heading of the summary."""
    return f"<h4 style='margin:0.8em 0 0.2em 0'>{html.escape(text)}</h4>"


def sharing_html(sharing: coop.SurplusSharing) -> str:
    """The four parts of the surplus with their shares, then one row per member."""
    shares = sharing.shares()
    parts = [
        (f"{label} ({format_percent(shares[label], None)})", format_money(amount))
        for label, amount in sharing.parts().items()
    ]
    titles = (_("Household"), _("By capital"), _("By patronage"), _("In all"))
    head = "".join(f"<th>{html.escape(title)}</th>" for title in titles)
    body = "".join(_member_row(record) for record in sharing.table.to_dict("records"))
    check = _("The parts add up to the surplus: {surplus}.").format(surplus=format_money(sharing.surplus))
    return (
        _heading(_("Sharing the surplus"))
        + figures_table(parts)
        + f"<table style='margin-top:0.5em'><tr>{head}</tr>{body}</table><p><i>{html.escape(check)}</i></p>"
    )


def _member_row(record: dict) -> str:
    """One member's share as a row: by capital, by patronage, and in all (bold)."""
    amounts = [format_money(record[column]) for column in (coop.BY_CAPITAL_COLUMN, coop.BY_PATRONAGE_COLUMN)]
    return (
        f"<tr><td>{html.escape(record[coop.NAME_COLUMN])}</td><td>{amounts[0]}</td><td>{amounts[1]}</td>"
        f"<td><b>{format_money(record[coop.TOTAL_COLUMN])}</b></td></tr>"
    )


def capacity_html(capacity: coop.CarryingCapacity) -> str:
    """The steps from the area to the daily maximum."""
    rows = [
        (_("Visitors at one time (area ÷ area per visitor)"), capacity.at_one_time),
        (_("Rotation factor (hours open ÷ hours of a visit)"), capacity.rotation_factor),
        (_("Physical carrying capacity, visitors a day"), capacity.physical),
    ]
    if capacity.corrections:
        rows.append((_("After the correction factors"), capacity.corrected))
    shown = [(label, format_number(value, 2, trim=True)) for label, value in rows]
    shown.append((_("Most visitors a day"), format_number(capacity.max_daily_visitors)))
    return _heading(_("Carrying capacity of the site")) + figures_table(shown)


def dashboard_html(result: coop.CoopReview) -> str:
    """The dashboard's indicators with ✓ or ✗, and the months to watch."""
    titles = (_("Indicator"), _("Value"), _("Target"), _("Met"))
    head = "".join(f"<th>{html.escape(title)}</th>" for title in titles)
    body = "".join(
        f"<tr title='{html.escape(item.why)}'><td>{html.escape(item.label)}</td>"
        f"<td>{html.escape(item.value_text())}</td><td>{html.escape(item.target_text())}</td>"
        f"<td style='color:{'#1e7b34' if item.met else '#b00020'}'>{item.mark}</td></tr>"
        for item in result.indicators
    )
    lines = [
        _("Months below break-even: {months}.").format(months=_month_list(result.months_below_break_even)),
        _("Months whose busiest day is over capacity: {months}.").format(
            months=_month_list(result.months_over_capacity)
        ),
        _("The targets are suggestions to discuss and set in the cooperative."),
    ]
    notes = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
    return _heading(_("Sustainability dashboard")) + f"<table><tr>{head}</tr>{body}</table><ul>{notes}</ul>"


def _month_list(months: list[int]) -> str:
    """Months as "1, 8, 12", or "none"."""
    return ", ".join(str(month) for month in months) if months else _("none")
