"""Community-based tourism readiness self-check: tick the indicators met, see the radar and the gaps.

A thin layer over :mod:`ocopkit.cbt`: the tick boxes only say which indicators
a site meets; ``cbt.assess`` computes the readiness of each group, checks the
minimum requirements and ranks the gaps, and the widget shows a radar chart of
the groups, a summary and the gaps to close first.

Examples
--------
>>> from ocopkit.widgets.cbt import CbtReadinessCheck
>>> tool = CbtReadinessCheck()
>>> tool.set_met("MT2", True)
>>> tool.result.top_gaps(3)
('TQ3', 'HD2', 'MT3')
"""

from __future__ import annotations

import html

import ipywidgets as w
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from .. import cbt, datasets
from ..errors import InputError
from ..i18n import _, format_percent
from .base import Tool
from .common import LiveChart, caption_html, html_table, message_html

DATASET = "topic10_site_self_check"
LINE_COLOUR = "#0072B2"  # Okabe–Ito blue
DEFAULT_GAPS, MAX_GAPS = 3, 10


class RadarChart(LiveChart):
    """A radar chart of readiness by group, built once per set of groups; updates only move the data."""

    size = (4.6, 4.0)
    projection = "polar"

    def shape_of(self, result: cbt.Readiness) -> tuple[str, ...]:
        """The groups' short names, clockwise from the top: the spokes."""
        return tuple(cbt.get_group(code).short_label for code in result.by_group.index)

    def build(self, result: cbt.Readiness) -> None:
        """The spokes, the rings in percent, and an empty line and area."""
        axes, count = self.axes, len(self.shape)
        self.angles = np.linspace(0, 2 * np.pi, count, endpoint=False)
        axes.set_theta_offset(np.pi / 2)
        axes.set_theta_direction(-1)
        axes.set_thetagrids(np.degrees(self.angles), self.shape, fontsize="small")
        axes.set_ylim(0, 100)
        axes.set_yticks([25, 50, 75, 100], ["25", "50", "75", "100 %"], fontsize="x-small", color="grey")
        closed = np.append(self.angles, self.angles[:1])
        (self.line,) = axes.plot(closed, np.zeros(count + 1), color=LINE_COLOUR, linewidth=2, marker="o")
        (self.area,) = axes.fill(closed, np.zeros(count + 1), color=LINE_COLOUR, alpha=0.25)

    def update(self, result: cbt.Readiness) -> Figure:
        """Draw the readiness of each group (percent, in the order of the spokes)."""
        values = np.asarray(result.by_group.values, dtype=float)
        closed = np.append(values, values[:1])
        angles = np.append(self.angles, self.angles[:1])
        self.line.set_data(angles, closed)
        self.area.set_xy(np.column_stack([angles, closed]))
        return self.figure

    def caption_html(self, result: cbt.Readiness) -> str:
        """The chart's title."""
        return caption_html(html.escape(_("Readiness by criterion group, in % of indicators met")))


class CbtReadinessCheck(Tool):
    """Interactive readiness self-check of a community-based tourism site.

    Parameters
    ----------
    table : pandas.DataFrame, optional
        The self-check: columns ``ma_chi_so``, ``nhom``, ``muc``, ``dat`` and
        optionally ``chi_so`` (the indicator's text). The course dataset
        ``topic10_site_self_check`` when omitted.
    gaps : int
        How many gaps to list, 1 to 10.

    Raises
    ------
    ocopkit.errors.InputError
        When the starting table has a problem; later bad input is shown in
        the message instead, and the last valid result is kept.

    Attributes
    ----------
    result : ocopkit.cbt.Readiness
        The latest valid self-check; a notebook can read it.
    checkboxes : dict
        One ``ipywidgets.Checkbox`` per indicator, keyed by its code; ticked
        when the indicator is met.
    gap_count : ipywidgets.BoundedIntText
        How many gaps the list shows.

    See Also
    --------
    ocopkit.cbt.assess : the logic.
    """

    tool_name = "cbt_readiness"
    chart_class = RadarChart

    def __init__(self, table: pd.DataFrame | None = None, gaps: int = DEFAULT_GAPS):
        clean = cbt.check_self_check(datasets.load(DATASET) if table is None else table)
        self._table = clean
        self.checkboxes: dict[str, w.Checkbox] = {}
        self.groups = w.Accordion()
        self.gap_count = w.BoundedIntText(
            value=min(max(int(gaps), 1), MAX_GAPS),
            min=1,
            max=MAX_GAPS,
            description=_("Gaps to list"),
            style={"description_width": "160px"},
            layout=w.Layout(width="260px"),
        )
        self.gap_list = w.HTML()
        self.gap_count.observe(lambda _change: self._show_gaps(), names="value")
        heading = w.HTML("<b>" + html.escape(_("Tick each indicator the site meets")) + "</b>")
        super().__init__(w.VBox([heading, self.groups]))
        self.chart.layout.max_width = "480px"
        self._fill(clean)
        self.refresh()

    def _arrange(self, inputs: w.Widget) -> list[w.Widget]:
        """The tick boxes, the message, then the radar, the summary and the gaps."""
        results = w.VBox([self.caption, self.chart, self.summary, self.gap_count, self.gap_list])
        return [inputs, self.message, results]

    # ------------------------------------------------------------------ values

    def table(self) -> pd.DataFrame:
        """Return the self-check as ticked: the starting table with ``dat`` read from the boxes."""
        current = self._table.copy()
        current[cbt.MET_COLUMN] = [int(self.checkboxes[code].value) for code in current[cbt.CODE_COLUMN]]
        return current

    def set_met(self, code: str, met) -> None:
        """Tick (True or 1) or untick (False or 0) an indicator from Python; a bad code or value is reported."""
        if code not in self.checkboxes:
            self._show_message(
                _("There is no indicator {code!r} in this self-check. Codes: {known}.").format(
                    code=code, known=", ".join(self.checkboxes)
                )
            )
            return
        try:
            self.checkboxes[code].value = cbt.as_met(met, code)
        except InputError as error:
            self._show_message(str(error))

    def load_table(self, table: pd.DataFrame) -> None:
        """Start again from another self-check table; a table with a problem is reported and ignored."""
        try:
            clean = cbt.check_self_check(table)
            result = cbt.assess(clean)
        except InputError as error:
            self._show_message(str(error))
            return
        self._table = clean
        self._fill(clean)
        self._accept(result)

    # ------------------------------------------------------------------ layout

    def _fill(self, clean: pd.DataFrame) -> None:
        """One tick box per indicator, grouped by criterion group in an accordion."""
        self.checkboxes = {}
        pages, titles = [], []
        for group in cbt.GROUPS:
            rows = clean[clean[cbt.GROUP_COLUMN] == group.code]
            if rows.empty:
                continue
            boxes = []
            for record in rows.to_dict("records"):
                text = f"{record[cbt.CODE_COLUMN]} · {cbt.level_label(record[cbt.LEVEL_COLUMN])}"
                if cbt.TEXT_COLUMN in record and isinstance(record[cbt.TEXT_COLUMN], str):
                    text += f": {record[cbt.TEXT_COLUMN]}"
                box = w.Checkbox(
                    value=bool(record[cbt.MET_COLUMN]), description=text, indent=False, layout=w.Layout(width="640px")
                )
                box.observe(self._on_change, names="value")
                self.checkboxes[record[cbt.CODE_COLUMN]] = box
                boxes.append(box)
            pages.append(w.VBox(boxes))
            titles.append(group.label)
        self.groups.children = pages
        self.groups.titles = tuple(titles)

    # ------------------------------------------------------------------ results

    def compute(self) -> cbt.Readiness:
        """Check the table as ticked."""
        return cbt.assess(self.table())

    def summary_html(self, result: cbt.Readiness) -> str:
        """The overall readiness, the minimum check and readiness by group."""
        return summary_html(result)

    def _display(self, result: cbt.Readiness) -> None:
        """The radar, the summary, then the gaps to close first."""
        super()._display(result)
        self._show_gaps()

    def _show_gaps(self) -> None:
        """List the first gaps to close."""
        self.gap_list.value = gaps_html(self.result, self.gap_count.value)


def readiness_text(value: float) -> str:
    """Write a readiness (percent, 0–100) with one decimal and a spaced sign: ``55,6 %``."""
    # The self-check has always spaced the sign; format_percent writes "55,6%".
    return format_percent(value / 100, 1).replace("%", " %")


def summary_html(result: cbt.Readiness) -> str:
    """Return the overall readiness, the minimum check and a table of readiness by group."""
    overall = _("Overall readiness: {value}.").format(value=readiness_text(result.overall))
    if result.minimum_met:
        minimum = _("Every minimum requirement is met.")
        kind = "ok"
    else:
        minimum = _("{count} minimum requirement(s) not met yet: {codes}. Close these first.").format(
            count=len(result.unmet_minimum), codes=", ".join(result.unmet_minimum)
        )
        kind = "error"
    titles = (_("Criterion group"), _("Readiness"), _("Named in"))
    rows = [
        (cbt.get_group(code).label, readiness_text(value), cbt.get_group(code).basis)
        for code, value in result.by_group.items()
    ]
    return f"<p>{html.escape(overall)}</p>{message_html(minimum, kind)}{html_table(titles, rows)}"


def gaps_html(result: cbt.Readiness, count: int) -> str:
    """Return the first ``count`` gaps as a numbered list, or say there are none."""
    if result.gaps.empty:
        return message_html(_("No gaps: every indicator is met."), "ok")
    title = _("Gaps to close first (minimum first, then the least ready group)")
    items = []
    for record in result.gaps.head(count).to_dict("records"):
        text = record.get(cbt.TEXT_COLUMN)
        line = (
            f"<b>{html.escape(record[cbt.CODE_COLUMN])}</b> · "
            f"{html.escape(cbt.get_group(record[cbt.GROUP_COLUMN]).short_label)} · "
            f"{html.escape(cbt.level_label(record[cbt.LEVEL_COLUMN]))}"
        )
        if isinstance(text, str):
            line += f": {html.escape(text)}"
        items.append(f"<li>{line}</li>")
    return f"<b>{html.escape(title)}</b><ol>{''.join(items)}</ol>"
