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
from ..i18n import _, format_number
from .common import figure_png, message_html

DATASET = "topic10_site_self_check"
LINE_COLOUR = "#0072B2"  # Okabe–Ito blue
DEFAULT_GAPS, MAX_GAPS = 3, 10


class RadarChart:
    """A radar chart of readiness by group, built once; :meth:`update` only moves the data.

    Parameters
    ----------
    labels : sequence of str
        One label per group, clockwise from the top.
    """

    def __init__(self, labels):
        self.labels = tuple(labels)
        count = len(self.labels)
        self.angles = np.linspace(0, 2 * np.pi, count, endpoint=False)
        self.figure = Figure(figsize=(4.6, 4.0))
        axes = self.figure.add_subplot(projection="polar")
        axes.set_theta_offset(np.pi / 2)
        axes.set_theta_direction(-1)
        axes.set_thetagrids(np.degrees(self.angles), self.labels, fontsize="small")
        axes.set_ylim(0, 100)
        axes.set_yticks([25, 50, 75, 100], ["25", "50", "75", "100 %"], fontsize="x-small", color="grey")
        closed = np.append(self.angles, self.angles[:1])
        (self.line,) = axes.plot(closed, np.zeros(count + 1), color=LINE_COLOUR, linewidth=2, marker="o")
        (self.area,) = axes.fill(closed, np.zeros(count + 1), color=LINE_COLOUR, alpha=0.25)
        self.axes = axes

    def update(self, values) -> bytes:
        """Draw new readiness values (percent, in the order of the labels); return the PNG."""
        values = np.asarray(list(values), dtype=float)
        closed = np.append(values, values[:1])
        angles = np.append(self.angles, self.angles[:1])
        self.line.set_data(angles, closed)
        self.area.set_xy(np.column_stack([angles, closed]))
        return figure_png(self.figure)


class CbtReadinessCheck(w.VBox):
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

    def __init__(self, table: pd.DataFrame | None = None, gaps: int = DEFAULT_GAPS):
        clean = cbt.check_self_check(datasets.load(DATASET) if table is None else table)
        self._table = clean
        self.result: cbt.Readiness = cbt.assess(clean)
        self._radar: RadarChart | None = None
        self.checkboxes: dict[str, w.Checkbox] = {}
        self.groups = w.Accordion()
        self.gap_count = w.BoundedIntText(value=min(max(int(gaps), 1), MAX_GAPS), min=1, max=MAX_GAPS,
                                          description=_("Gaps to list"), style={"description_width": "160px"},
                                          layout=w.Layout(width="260px"))
        self.message, self.caption, self.summary, self.gap_list = w.HTML(), w.HTML(), w.HTML(), w.HTML()
        self.chart = w.Image(format="png", layout=w.Layout(max_width="480px"))
        self.gap_count.observe(lambda _change: self._show_gaps(), names="value")
        heading = w.HTML("<b>" + html.escape(_("Tick each indicator the site meets")) + "</b>")
        results = w.VBox([self.caption, self.chart, self.summary, self.gap_count, self.gap_list])
        super().__init__([heading, self.groups, self.message, results])
        self._fill(clean)
        self._show(self.result)

    # ------------------------------------------------------------------ values

    def table(self) -> pd.DataFrame:
        """Return the self-check as ticked: the starting table with ``dat`` read from the boxes."""
        current = self._table.copy()
        current[cbt.MET_COLUMN] = [int(self.checkboxes[code].value) for code in current[cbt.CODE_COLUMN]]
        return current

    def set_met(self, code: str, met) -> None:
        """Tick (True or 1) or untick (False or 0) an indicator from Python; a bad code or value is reported."""
        if code not in self.checkboxes:
            message = _("There is no indicator {code!r} in this self-check. Codes: {known}.").format(
                code=code, known=", ".join(self.checkboxes))
            self.message.value = message_html(message)
            return
        try:
            value = cbt._as_met(met, code)
        except InputError as error:
            self.message.value = message_html(str(error))
            return
        self.checkboxes[code].value = value

    def load_table(self, table: pd.DataFrame) -> None:
        """Start again from another self-check table; a table with a problem is reported and ignored."""
        try:
            clean = cbt.check_self_check(table)
            result = cbt.assess(clean)
        except InputError as error:
            self.message.value = message_html(str(error))
            return
        self._table = clean
        self._fill(clean)
        self._show(result)

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
                box = w.Checkbox(value=bool(record[cbt.MET_COLUMN]), description=text, indent=False,
                                 layout=w.Layout(width="640px"))
                box.observe(self._on_change, names="value")
                self.checkboxes[record[cbt.CODE_COLUMN]] = box
                boxes.append(box)
            pages.append(w.VBox(boxes))
            titles.append(group.label)
        self.groups.children = pages
        self.groups.titles = tuple(titles)

    # ------------------------------------------------------------------ results

    def refresh(self) -> None:
        """Check again and redraw; on bad input say what to fix and keep the last result."""
        try:
            result = cbt.assess(self.table())
        except InputError as error:
            self.message.value = message_html(str(error))
            return
        self._show(result)

    def _show(self, result: cbt.Readiness) -> None:
        """Show a valid self-check: caption, radar, summary and gaps."""
        self.result = result
        self.message.value = ""
        labels = [cbt.get_group(code).short_label for code in result.by_group.index]
        if self._radar is None or self._radar.labels != tuple(labels):
            self._radar = RadarChart(labels)  # only when the groups change: redraws reuse the chart
        self.chart.value = self._radar.update(result.by_group.values)
        caption = _("Readiness by criterion group, in % of indicators met")
        self.caption.value = f"<b>{html.escape(caption)}</b>"
        self.summary.value = summary_html(result)
        self._show_gaps()

    def _show_gaps(self) -> None:
        """List the first gaps to close."""
        self.gap_list.value = gaps_html(self.result, self.gap_count.value)

    def _on_change(self, _change) -> None:
        self.refresh()


def percent(value: float) -> str:
    """Write a readiness with one decimal and a percent sign, in the current language."""
    return format_number(value, 1) + " %"


def summary_html(result: cbt.Readiness) -> str:
    """Return the overall readiness, the minimum check and a table of readiness by group."""
    overall = _("Overall readiness: {value}.").format(value=percent(result.overall))
    if result.minimum_met:
        minimum = _("Every minimum requirement is met.")
        kind = "ok"
    else:
        minimum = _("{count} minimum requirement(s) not met yet: {codes}. Close these first.").format(
            count=len(result.unmet_minimum), codes=", ".join(result.unmet_minimum))
        kind = "error"
    titles = (_("Criterion group"), _("Readiness"), _("Named in"))
    head = "<tr>" + "".join(f"<th>{html.escape(t)}</th>" for t in titles) + "</tr>"
    body = "".join(f"<tr><td>{html.escape(cbt.get_group(code).label)}</td><td>{percent(value)}</td>"
                   f"<td>{html.escape(cbt.get_group(code).basis)}</td></tr>"
                   for code, value in result.by_group.items())
    return f"<p>{html.escape(overall)}</p>{message_html(minimum, kind)}<table>{head}{body}</table>"


def gaps_html(result: cbt.Readiness, count: int) -> str:
    """Return the first ``count`` gaps as a numbered list, or say there are none."""
    if result.gaps.empty:
        return message_html(_("No gaps: every indicator is met."), "ok")
    title = _("Gaps to close first (minimum first, then the least ready group)")
    items = []
    for record in result.gaps.head(count).to_dict("records"):
        text = record.get(cbt.TEXT_COLUMN)
        line = (f"<b>{html.escape(record[cbt.CODE_COLUMN])}</b> · "
                f"{html.escape(cbt.get_group(record[cbt.GROUP_COLUMN]).short_label)} · "
                f"{html.escape(cbt.level_label(record[cbt.LEVEL_COLUMN]))}")
        if isinstance(text, str):
            line += f": {html.escape(text)}"
        items.append(f"<li>{line}</li>")
    return f"<b>{html.escape(title)}</b><ol>{''.join(items)}</ol>"
