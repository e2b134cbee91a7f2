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
import pandas as pd
from matplotlib.figure import Figure

from .. import criteria
from ..i18n import _, format_number
from ..spreadsheet import frame_csv
from .common import figure_png, message_html, text_export
from .inputs import FileBar, LiveChart


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
        self._painter: PartChart | None = None  # redrawn in place: cheaper than a new figure
        self.files = FileBar(self, _("self-assessment"))
        super().__init__([self._inputs_box(), self.message, self.summary, self.chart, self.files])
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
        if self._painter is None or not self._painter.fits(result):
            self._painter = PartChart(result)
        self.chart.value = figure_png(self._painter.update(result))

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

    def sheet_rows(self) -> list[tuple[str, str, str, float, int]]:
        """Return ``(part, code, name, points, maximum)`` for each criterion (or part) entered."""
        points = self.points()
        if self.level == "parts":
            parts = criteria.get_scheme(self.scheme).parts
            return [(code, code, part.name, points[code], part.max_points) for code, part in parts.items()]
        return [(item.part, item.code, item.name, points[item.code], item.max_points)
                for item in criteria.scoring_sheet(self.sheet)]

    def to_csv(self, path: str | Path | None = None) -> str:
        """Return the self-assessment sheet as CSV; with ``path``, also write it (UTF-8 with BOM).

        One row per criterion (or per part with ``level="parts"``), then the
        part totals, the total and the stars, each with its maximum. Numbers
        are plain so that spreadsheets read them as numbers.
        """
        result = self.result
        rows = self.sheet_rows() if self.level == "items" else []  # parts level: totals say it all
        rows += [(code, "", _("Total of part {part}").format(part=code), result.part_totals[code],
                  result.part_max[code]) for code in criteria.PARTS]
        rows += [("", "", _("Total"), result.total, criteria.TOTAL_POINTS),
                 ("", "", _("Stars"), result.stars, 5)]
        frame = pd.DataFrame(rows, columns=[_("Part"), _("Code"), _("Criterion"), _("Points"),
                                            _("Maximum")])
        return frame_csv(frame, path)

    def to_markdown(self, path: str | Path | None = None) -> str:
        """Return the self-assessment sheet as Markdown; with ``path``, also write it.

        A table of criteria for each part (or one table of parts), the part
        totals, the total and the star rating, in the current language.
        """
        lines = [f"## {_('OCOP self-assessment')}", "",
                 _("Scheme: {scheme}").format(scheme=self.result.scheme), ""]
        if self.level == "items":
            lines += _criteria_tables(self.sheet_rows(), self.scheme_parts())
        lines += _totals_table(self.result)
        text = "\n".join(lines) + "\n"
        return text_export(text, path)

    def scheme_parts(self) -> dict:
        """The parts A, B and C of the scheme the points are checked against."""
        code = self.scheme if self.level == "parts" else criteria._sheet_scheme(self.sheet)
        return criteria.get_scheme(code).parts


def _criteria_tables(rows: list[tuple], parts: dict) -> list[str]:
    """One Markdown table of criteria per part."""
    lines = []
    for code, part in parts.items():
        lines += [f"### {_('Part')} {code}. {part.name}", "",
                  f"| {_('Code')} | {_('Criterion')} | {_('Points')} | {_('Maximum')} |",
                  "|---|---|---:|---:|"]
        lines += [f"| {item_code} | {name} | {format_number(points, 0)} | {maximum} |"
                  for part_code, item_code, name, points, maximum in rows if part_code == code]
        lines.append("")
    return lines


def _totals_table(result: criteria.Assessment) -> list[str]:
    """Markdown table of the part totals and the total, then the stars."""
    lines = [f"### {_('Summary')}", "", f"| {_('Part')} | {_('Points')} | {_('Maximum')} |",
             "|---|---:|---:|"]
    lines += [f"| {code} | {format_number(result.part_totals[code], 0)} | {result.part_max[code]} |"
              for code in criteria.PARTS]
    lines.append(f"| **{_('Total')}** | **{format_number(result.total, 0)}** | "
                 f"**{criteria.TOTAL_POINTS}** |")
    verdict = (_("Recognised as an OCOP product") if result.recognised
               else _("Not yet recognised (3★ needs 50 points)"))
    return lines + ["", f"**{_('Stars')}:** {stars_text(result.stars)} ({result.stars}★) — {verdict}."]


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


class PartChart(LiveChart):
    """Each part's points against its maximum as horizontal bars, updated in place."""

    size = (6, 2.4)

    def shape_of(self, result: criteria.Assessment) -> tuple:
        """The parts' maxima: the grey bars."""
        return tuple(result.part_max.items())

    def build(self, result: criteria.Assessment) -> None:
        """Grey maximum bars, green point bars (filled by :meth:`update`) and "points/max" labels.

        No x axis and no legend: each bar is labelled "points/max", and every
        tick or legend entry would cost milliseconds on each slider move.
        """
        axes, codes = self.axes, list(criteria.PARTS)[::-1]
        axes.barh(codes, [result.part_max[c] for c in codes], color="#dddddd")
        self.bars = axes.barh(codes, [0] * len(codes), color="#2e7d32")
        self.labels = [axes.text(0, position, "", va="center") for position in range(len(codes))]
        axes.set_xlim(0, max(result.part_max.values()) + 6)
        axes.set_xticks([])
        for side in ("top", "right", "bottom"):
            axes.spines[side].set_visible(False)

    def update(self, result: criteria.Assessment) -> Figure:
        """Set each part's bar and label, and the total and stars in the title."""
        for bar, label, code in zip(self.bars.patches, self.labels, list(criteria.PARTS)[::-1]):
            bar.set_width(result.part_totals[code])
            label.set_x(result.part_totals[code] + 0.5)
            label.set_text(f"{format_number(result.part_totals[code], 0)}/{result.part_max[code]}")
        self.axes.set_title(_("Points of each part against its maximum — total {total}/100, "
                              "{stars}★").format(total=format_number(result.total, 0),
                                                 stars=result.stars))
        return self.figure


def part_chart(result: criteria.Assessment) -> Figure:
    """Draw each part's points against its maximum as horizontal bars."""
    return PartChart(result).update(result)
