"""OCOP self-assessment: score a product and see its parts, total and stars live.

A thin layer over :mod:`ocopkit.criteria`: the sliders only collect points,
``criteria.assess_items`` or ``criteria.assess_parts`` does the scoring, and the
widget shows the result and a chart of each part against its maximum.

Examples
--------
>>> from ocopkit.widgets import OcopSelfAssessment
>>> tool = OcopSelfAssessment()          # criterion by criterion, 2019 sheet
>>> tool.set_points({"A1.1": 3, "B2.1": 4})
>>> tool.result.stars                    # doctest: +SKIP
>>> OcopSelfAssessment(level="parts")    # parts A/B/C of the 2023 scheme  # doctest: +SKIP
"""

from __future__ import annotations

import json
from pathlib import Path

import ipywidgets as w
from matplotlib.figure import Figure

from .. import criteria
from ..i18n import _, format_number
from .common import figure_png, message_html


class OcopSelfAssessment(w.VBox):
    """Interactive OCOP scoring sheet with part totals, stars and a chart.

    Parameters
    ----------
    level : {"items", "parts"}
        ``"items"``: one slider per criterion of an item-level sheet (the 2019
        sheet for fresh fruit and vegetables). ``"parts"``: one slider per part
        A, B and C of ``scheme``.
    scheme : str
        Scheme for ``level="parts"``; the current one, ``"148/2023"``, by default.
    sheet : str
        Item-level sheet for ``level="items"``.

    Attributes
    ----------
    result : ocopkit.criteria.Assessment
        The latest valid assessment; a notebook can read it.
    sliders : dict
        The input sliders, keyed by criterion code or part code.

    See Also
    --------
    ocopkit.criteria.assess_items, ocopkit.criteria.assess_parts : the logic.
    """

    def __init__(self, level: str = "items", scheme: str = criteria.CURRENT_SCHEME,
                 sheet: str = "ocop_scoring_sheet_fresh_produce_2019"):
        if level not in ("items", "parts"):
            raise ValueError(_("level must be 'items' or 'parts', you gave {value!r}.").format(value=level))
        self.level, self.scheme, self.sheet = level, scheme, sheet
        self.sliders = self._make_sliders()
        self.summary = w.HTML()
        self.message = w.HTML()
        self.chart = w.Image(format="png", layout=w.Layout(max_width="560px"))
        self.result: criteria.Assessment | None = None
        super().__init__([self._inputs_box(), self.message, self.summary, self.chart])
        for slider in self.sliders.values():
            slider.observe(self._on_change, names="value")
        self.refresh()

    def _make_sliders(self) -> dict[str, w.IntSlider]:
        """One slider per criterion or per part, starting at its lowest points."""
        style = {"description_width": "320px"}
        layout = w.Layout(width="620px")
        if self.level == "parts":
            parts = criteria.get_scheme(self.scheme).parts
            return {code: w.IntSlider(0, 0, part.max_points, description=f"{code}. {part.name}",
                                      style=style, layout=layout) for code, part in parts.items()}
        return {item.code: w.IntSlider(item.min_points, item.min_points, item.max_points,
                                       description=f"{item.code} {item.name}", style=style,
                                       layout=layout, tooltip=item.levels_vi)
                for item in criteria.scoring_sheet(self.sheet)}

    def _inputs_box(self) -> w.Widget:
        """Sliders as they are for parts; grouped by part in an accordion for items."""
        if self.level == "parts":
            return w.VBox(list(self.sliders.values()))
        items = criteria.scoring_sheet(self.sheet)
        parts = criteria.get_scheme(criteria._sheet_scheme(self.sheet)).parts
        boxes = [w.VBox([self.sliders[i.code] for i in items if i.part == code]) for code in parts]
        titles = [f"{code}. {part.name} ({_('max')} {part.max_points})" for code, part in parts.items()]
        return w.Accordion(children=boxes, titles=titles, selected_index=0)

    def points(self) -> dict[str, int]:
        """Return the points currently entered, keyed by criterion or part code."""
        return {code: slider.value for code, slider in self.sliders.items()}

    def set_points(self, points: dict) -> None:
        """Enter points from Python, e.g. a saved self-assessment.

        Values outside a slider's range are reported in the message, not clamped silently.
        """
        unknown = sorted(set(points) - set(self.sliders))
        problems = [_("Unknown criterion code(s): {codes}. Check the codes on the sheet.").format(
            codes=", ".join(map(str, unknown)))] if unknown else []
        for code, value in points.items():
            if code not in self.sliders:
                continue
            slider = self.sliders[code]
            if isinstance(value, bool) or not isinstance(value, int) or not slider.min <= value <= slider.max:
                problems.append(_("{code}: enter a whole number from {low} to {high}, you gave {value!r}.").format(
                    code=code, low=slider.min, high=slider.max, value=value))
                continue
            slider.value = value
        self.refresh()
        if problems:
            self.message.value = message_html(" ".join(problems))

    def refresh(self) -> None:
        """Recompute the assessment and redraw; keep the last valid result on bad input."""
        try:
            if self.level == "parts":
                result = criteria.assess_parts(self.points(), self.scheme)
            else:
                result = criteria.assess_items(self.points(), self.sheet)
        except criteria.CriteriaError as error:
            self.message.value = message_html(str(error))
            return
        self.result = result
        self.message.value = ""
        self.summary.value = summary_html(result)
        self.chart.value = figure_png(part_chart(result))

    def _on_change(self, _change) -> None:
        self.refresh()

    def save(self, path: str | Path) -> Path:
        """Save the entered points to a JSON file, to continue later with :meth:`load`."""
        path = Path(path)
        data = {"level": self.level, "scheme": self.scheme, "sheet": self.sheet, "points": self.points()}
        path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
        return path

    def load(self, path: str | Path) -> None:
        """Load points saved with :meth:`save`; a bad file is reported in the message."""
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
            points = data["points"]
        except (OSError, ValueError, KeyError, TypeError) as error:
            self.message.value = message_html(
                _("Could not read the saved file {path}: {error}").format(path=path, error=error))
            return
        self.set_points(points)


def stars_text(stars: int) -> str:
    """Return ``★★★☆☆`` for 3 stars."""
    return "★" * stars + "☆" * (5 - stars)


def summary_html(result: criteria.Assessment) -> str:
    """Return the assessment as a small HTML table for the widget."""
    rows = "".join(
        f"<tr><td>{_('Part')} {code}</td><td>{format_number(result.part_totals[code], 0)}"
        f" / {result.part_max[code]}</td></tr>" for code in criteria.PARTS)
    verdict = _("Recognised as an OCOP product") if result.recognised else _("Not yet recognised (3★ needs 50 points)")
    if result.points_to_next_star is None:
        next_star = _("Highest rating reached")
    else:
        next_star = _("{points} more points for {stars}★").format(
            points=format_number(result.points_to_next_star, 0), stars=result.stars + 1)
    return (f"<table>{rows}<tr><td><b>{_('Total')}</b></td><td><b>{format_number(result.total, 0)}"
            f" / 100</b></td></tr></table><p style='font-size:1.3em'>{stars_text(result.stars)} "
            f"({result.stars}★) — {verdict}. {next_star}.</p>")


def part_chart(result: criteria.Assessment) -> Figure:
    """Draw each part's points against its maximum as horizontal bars."""
    figure = Figure(figsize=(6, 2.4))
    axes = figure.subplots()
    codes = list(criteria.PARTS)[::-1]
    axes.barh(codes, [result.part_max[c] for c in codes], color="#dddddd", label=_("Maximum"))
    axes.barh(codes, [result.part_totals[c] for c in codes], color="#2e7d32", label=_("Points"))
    for position, code in enumerate(codes):
        axes.text(result.part_totals[code] + 0.5, position,
                  f"{format_number(result.part_totals[code], 0)}/{result.part_max[code]}", va="center")
    axes.set_xlim(0, max(result.part_max.values()) + 6)
    axes.set_xlabel(_("Points"))
    axes.set_title(_("Points of each part against its maximum — total {total}/100, {stars}★").format(
        total=format_number(result.total, 0), stars=result.stars))
    axes.legend(loc="lower right", fontsize="small")
    return figure
