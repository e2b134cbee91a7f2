"""Idea-scoring matrix: enter candidate products and weights, see the ranking live.

A thin layer over :mod:`ocopkit.ideas`: the boxes and sliders only collect
scores, weights and thresholds; ``ideas.rank_ideas`` does the ranking, and the
widget shows the table and a chart of what each criterion adds to each idea.

Examples
--------
>>> from ocopkit import datasets
>>> from ocopkit.widgets.ideas import IdeaScoringMatrix
>>> tool = IdeaScoringMatrix(datasets.load("topic02_candidate_ideas"))
>>> tool.weight_sliders["truyen_thong"].value = 0
>>> tool.result.leader  # doctest: +SKIP
"""

from __future__ import annotations

import html

import ipywidgets as w
import pandas as pd
from matplotlib.figure import Figure

from .. import datasets, ideas
from ..errors import InputError, check_whole
from ..i18n import _, format_number, format_percent
from .base import Tool
from .common import html_table

# One colour per criterion, in the order of ideas.CODES (colour-blind safe, Okabe–Ito).
COLOURS = ("#009E73", "#D55E00", "#0072B2", "#CC79A7", "#E69F00", "#56B4E9")
EXAMPLE_ROWS = 4  # ideas of the course dataset shown when none are given
MAX_WEIGHT = 100


class IdeaScoringMatrix(Tool):
    """Interactive weighted scoring of product ideas, with a ranking and a chart.

    Parameters
    ----------
    table : pandas.DataFrame, optional
        Ideas to start from: a name column and the six criterion columns
        (scores 1–5). The first four ideas of ``topic02_candidate_ideas`` when
        omitted.
    weights : dict, optional
        Whole weights from 0 to 100 by criterion code; ``ideas.DEFAULT_WEIGHTS``
        when omitted.
    thresholds : dict, optional
        Minimums (a maximum for investment needed) by criterion code.
    name_column : str
        The column of ``table`` that holds the ideas' names.
    blank_rows : int
        Empty rows added below the ideas, to type new ones; a row without a
        name is left out of the ranking.

    Raises
    ------
    ocopkit.errors.InputError
        When the starting table itself has a problem (a score of 7, a name
        used twice); later bad input is shown in the message instead.

    Attributes
    ----------
    result : ocopkit.ideas.IdeaRanking or None
        The latest valid ranking; a notebook can read it.
    weight_sliders, threshold_sliders : dict
        The sliders, keyed by criterion code.
    rows : list of dict
        One dict per row of the grid: ``"name"`` (a Text box) and one
        ``BoundedIntText`` per criterion code.

    See Also
    --------
    ocopkit.ideas.rank_ideas, ocopkit.ideas.conclusion : the logic.
    """

    tool_name = "idea_scoring"

    def __init__(
        self,
        table: pd.DataFrame | None = None,
        weights: dict | None = None,
        thresholds: dict | None = None,
        name_column: str = ideas.NAME_COLUMN,
        blank_rows: int = 1,
    ):
        self.name_column, self.blank_rows = name_column, blank_rows
        clean = ideas.check_ideas(_example() if table is None else table, name_column)
        self.weight_sliders = {
            c.code: self._slider(c.label, 0, MAX_WEIGHT, 5, ideas.DEFAULT_WEIGHTS[c.code]) for c in ideas.CRITERIA
        }
        self.threshold_sliders = {
            c.code: self._slider(_threshold_label(c), 1, 5, 1, ideas.no_limit(c.code)) for c in ideas.CRITERIA
        }
        self.rows: list[dict] = []
        self.grid = w.VBox()
        self.add_button = w.Button(description=_("Add an idea"), icon="plus")
        self.add_button.on_click(lambda _button: self.add_row())
        self.shares = w.HTML()
        super().__init__(self._inputs())
        for slider in (*self.weight_sliders.values(), *self.threshold_sliders.values()):
            slider.observe(self._on_change, names="value")
        with self._hold():
            self._fill(clean)
            self.set_weights(weights if weights is not None else ideas.DEFAULT_WEIGHTS)
            self.set_thresholds(thresholds or {})
        self.refresh()

    def _arrange(self, inputs: w.Widget) -> list[w.Widget]:
        """The matrix, the message, the ranking and the chart (its titles are in the figure)."""
        return [inputs, self.message, self.summary, self.chart]

    # ------------------------------------------------------------------ layout

    @staticmethod
    def _slider(label: str, low: int, high: int, step: int, value: int) -> w.IntSlider:
        """A labelled integer slider of the matrix."""
        # Redraw when the slider is released: a chart takes a moment to draw.
        return w.IntSlider(
            value,
            low,
            high,
            step,
            description=label,
            continuous_update=False,
            style={"description_width": "260px"},
            layout=w.Layout(width="560px"),
        )

    def _inputs(self) -> w.Widget:
        """Weights first, then the grid of ideas, then the optional thresholds."""
        weights = w.VBox([_bold("1. " + _("Weights")), *self.weight_sliders.values(), self.shares])
        grid = w.VBox([_bold("2. " + _("Ideas and their scores (1 to 5)")), self.grid, self.add_button])
        limits = w.Accordion(
            children=[w.VBox(list(self.threshold_sliders.values()))], titles=["3. " + _("Thresholds (optional)")]
        )
        return w.VBox([weights, grid, limits])

    def _new_row(self, name: str = "", scores: dict | None = None) -> dict:
        """One row of the grid: a name box and a 1–5 box per criterion, all observed."""
        # A name counts once typed (Enter or leaving the box), not at every keystroke.
        row = {
            "name": w.Text(name, placeholder=_("Product idea"), continuous_update=False, layout=w.Layout(width="220px"))
        }
        for code in ideas.CODES:
            value = (scores or {}).get(code, 3)
            row[code] = w.BoundedIntText(value, min=ideas.SCORE_MIN, max=ideas.SCORE_MAX, layout=w.Layout(width="90px"))
        for box in row.values():
            box.observe(self._on_change, names="value")
        return row

    def _show_rows(self) -> None:
        """Lay the rows out under a header of short criterion names."""
        header = [_bold(_("Product idea"), "220px")]
        header += [_bold(_header(c), "90px") for c in ideas.CRITERIA]
        lines = [w.HBox([row["name"], *(row[code] for code in ideas.CODES)]) for row in self.rows]
        self.grid.children = [w.HBox(header), *lines]

    def _fill(self, clean: pd.DataFrame) -> None:
        """Replace the rows with checked ideas, plus blank rows to type new ones."""
        self.rows = [self._new_row(record[self.name_column], record) for record in clean.to_dict("records")]
        self.rows += [self._new_row() for _blank in range(self.blank_rows)]
        self._show_rows()

    # ------------------------------------------------------------------ values

    def ideas_table(self) -> pd.DataFrame:
        """Return the ideas as entered: rows with a name, with their scores."""
        records = [
            {self.name_column: row["name"].value.strip(), **{c: row[c].value for c in ideas.CODES}}
            for row in self.rows
            if row["name"].value.strip()
        ]
        return pd.DataFrame(records, columns=[self.name_column, *ideas.CODES])

    def weights(self) -> dict[str, int]:
        """Return the weights as set on the sliders."""
        return {code: slider.value for code, slider in self.weight_sliders.items()}

    def thresholds(self) -> dict[str, int]:
        """Return the thresholds that are set: sliders moved away from "no limit"."""
        return ideas.binding_thresholds({code: slider.value for code, slider in self.threshold_sliders.items()})

    def add_row(self, name: str = "", scores: dict | None = None) -> None:
        """Add a row to the grid, empty or with a name and scores."""
        self.rows.append(self._new_row(name, scores))
        self._show_rows()
        self.refresh()

    def set_ideas(self, table) -> None:
        """Replace the ideas from Python, e.g. a table loaded with pandas.

        A table with a problem (a score of 7, a name used twice) is reported in
        the message and changes nothing.
        """
        try:
            clean = ideas.check_ideas(table, self.name_column)
        except InputError as error:
            self._show_message(str(error))
            return
        with self._hold():
            self._fill(clean)
        self.refresh()

    def set_weights(self, weights: dict) -> None:
        """Set the weight sliders from Python: whole numbers from 0 to 100, by criterion code."""
        self._set_sliders(self.weight_sliders, weights, 0, MAX_WEIGHT, _("Weight of {criterion}"))

    def set_thresholds(self, thresholds: dict) -> None:
        """Set the thresholds from Python; criteria left out get no threshold."""
        given = {code: ideas.no_limit(code) for code in ideas.CODES}
        try:
            given.update(ideas.check_thresholds(thresholds))
        except InputError as error:
            self._show_message(str(error))
            return
        self._set_sliders(self.threshold_sliders, given, 1, 5, _("Threshold for {criterion}"))

    def _set_sliders(self, sliders: dict, values: dict, low: int, high: int, label: str) -> None:
        """Check every value first; set them all, or none and say what to fix."""
        try:
            checked = {
                code: check_whole(value, code, label.format(criterion=ideas.get_criterion(code).label), low, high)
                for code, value in values.items()
            }
        except InputError as error:
            self._show_message(str(error))
            return
        with self._hold():
            for code, value in checked.items():
                sliders[code].value = value
        self.refresh()

    # ------------------------------------------------------------------ results

    def compute(self) -> ideas.IdeaRanking:
        """Rank the ideas entered with the weights and thresholds set."""
        return ideas.rank_ideas(self.ideas_table(), self.weights(), self.thresholds(), self.name_column)

    def _display(self, ranking: ideas.IdeaRanking) -> None:
        """The shares used under the weights, then the ranking and its chart."""
        self.shares.value = shares_html(ranking.weights)
        super()._display(ranking)

    def summary_html(self, ranking: ideas.IdeaRanking) -> str:
        """The ranking table and its conclusion."""
        return ranking_html(ranking)

    def chart_figure(self, ranking: ideas.IdeaRanking) -> Figure:
        """What each criterion adds to each idea, drawn anew: the bars follow the ranking."""
        return ranking_chart(ranking)


def _bold(text: str, width: str | None = None) -> w.HTML:
    """A bold heading or column header (text already safe for HTML)."""
    return w.HTML(f"<b>{text}</b>", layout=w.Layout(width=width) if width else w.Layout())


def _example() -> pd.DataFrame:
    """The first ideas of the course dataset, to start from."""
    return datasets.load("topic02_candidate_ideas").head(EXAMPLE_ROWS)


def _threshold_label(criterion: ideas.Criterion) -> str:
    """ "Raw materials at least" or "Investment at most"."""
    if criterion.higher_is_better:
        return _("{criterion} at least").format(criterion=criterion.label)
    return _("{criterion} at most").format(criterion=criterion.label)


def _header(criterion: ideas.Criterion) -> str:
    """A column header; criteria where lower is better carry a down arrow."""
    return html.escape(criterion.short_label) + ("" if criterion.higher_is_better else " ↓")


def shares_html(shares: dict[str, float]) -> str:
    """Return the weights as the shares actually used, e.g. "Raw materials 25%"."""
    parts = [f"{html.escape(ideas.get_criterion(c).short_label)} {format_percent(s, 0)}" for c, s in shares.items()]
    intro = _("Shares used (weights divided by their total)")
    return f"<small>{intro}: {' · '.join(parts)}</small>"


def ranking_html(ranking: ideas.IdeaRanking) -> str:
    """Return the ranking as an HTML table, the best idea within the thresholds in bold, and the conclusion."""
    titles = (_("Rank"), _("Product idea"), _("Weighted score (1–5)"), _("Thresholds"))
    records = ranking.table.to_dict("records")
    rows = [
        (
            r[ideas.RANK_COLUMN],
            r[ranking.name_column],
            format_number(r[ideas.SCORE_COLUMN], 2),
            "✓" if r[ideas.PASS_COLUMN] else f"✗ {r[ideas.SHORTFALL_COLUMN]}",
        )
        for r in records
    ]
    best = [number for number, r in enumerate(records) if r[ranking.name_column] == ranking.best]
    return f"{html_table(titles, rows, bold_rows=best)}<p>{html.escape(ideas.conclusion(ranking))}</p>"


def ranking_chart(ranking: ideas.IdeaRanking) -> Figure:
    """Draw each idea's weighted score as stacked bars, one part per criterion, best on top."""
    parts = ranking.contributions.iloc[::-1]
    figure = Figure(figsize=(7, 1.2 + 0.42 * len(parts)))
    axes = figure.subplots()
    left = pd.Series(0.0, index=parts.index)
    for code, colour in zip(ideas.CODES, COLOURS):
        axes.barh(parts.index, parts[code], left=left, color=colour, label=ideas.get_criterion(code).short_label)
        left += parts[code]
    passing = dict(zip(ranking.table[ranking.name_column], ranking.table[ideas.PASS_COLUMN]))
    for position, (name, total) in enumerate(left.items()):
        mark = "" if passing[name] or not ranking.thresholds else "  ✗"
        axes.text(total + 0.05, position, f"{format_number(total, 2)}{mark}", va="center")
    axes.set_xlim(0, ideas.SCORE_MAX + 0.8)
    axes.set_xlabel(_("Weighted score (1–5)"))
    title = _("What each criterion adds to the weighted score")
    if ranking.thresholds:
        title += "\n✗: " + _("misses a threshold")
    axes.set_title(title)
    axes.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize="small")
    return figure
