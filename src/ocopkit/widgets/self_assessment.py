"""OCOP self-assessment: score a product and see its parts, total and stars live.

A thin layer over :mod:`ocopkit.criteria` and :mod:`ocopkit.criteria_schemes`:
the boxes only collect points, ``criteria_schemes.score`` (or
``criteria.assess_parts``) does the scoring, and the widget shows the result,
the scheme it used and a chart of each part against its maximum.

The participant first picks the product set (honey, tea, fish sauce ...),
then, for each criterion, the level that describes the product: the sheet of
the scheme the course uses (``course/settings.toml``; Decision 26/2026/QĐ-TTg
by default).

Examples
--------
>>> from ocopkit.widgets import OcopSelfAssessment
>>> tool = OcopSelfAssessment(product_set=4)     # raw honey, the course's scheme
>>> tool.set_points({"A.1.1": 3})
>>> tool.result.stars                            # doctest: +SKIP
>>> OcopSelfAssessment(scheme="1048/2019")       # the 2019 sheet, one slider per criterion  # doctest: +SKIP
>>> OcopSelfAssessment(level="parts")            # parts A/B/C only  # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path

import ipywidgets as w
from matplotlib.figure import Figure

from .. import criteria, criteria_schemes
from ..errors import InputError
from ..i18n import _, format_number
from ..spreadsheet import frame_csv
from .base import Tool
from .common import LiveChart, figures_table, text_export
from .sheet_inputs import SheetInputs, scheme_header_html


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
        self.axes.set_title(
            _("Points of each part against its maximum — total {total}/100, {stars}★").format(
                total=format_number(result.total, 0), stars=result.stars
            )
        )
        return self.figure


class OcopSelfAssessment(Tool):
    """Interactive OCOP scoring sheet with part totals, stars and a chart.

    Parameters
    ----------
    level : {"items", "parts"}
        ``"items"``: criterion by criterion, on the sheet of a product set.
        ``"parts"``: one slider per part A, B and C.
    scheme : str, optional
        ``"26/2026"``, ``"1489/2025"``, ``"148/2023"`` or ``"1048/2019"``; by
        default the course's (:func:`ocopkit.criteria_schemes.course_scheme`).
        The 2019 scheme has one sheet, fresh fruit and vegetables, with a
        slider per criterion.
    sheet : str, optional
        The 2019 sheet's dataset name (the only one before 2023).
    product_set : int, optional
        The product set picked first (Phụ lục I: 1, 4, 9, 11, 21 or 26).

    Attributes
    ----------
    result : ocopkit.criteria.Assessment
        The latest valid assessment; a notebook can read it.
    sliders : dict
        The criterion (or part) boxes, keyed by code; ``fields`` adds the
        product set and the case.

    See Also
    --------
    ocopkit.criteria_schemes.score, ocopkit.criteria.assess_parts : the logic.
    ocopkit.criteria.assessment_table : the exported sheet.
    """

    tool_name = "self_assessment"
    chart_class = PartChart
    input_errors = (InputError, criteria.CriteriaError)

    def __init__(
        self,
        level: str = "items",
        scheme: str | None = None,
        sheet: str | None = None,
        product_set: int | None = None,
    ):
        if level not in ("items", "parts"):
            raise ValueError(_("level must be 'items' or 'parts', you gave {value!r}.").format(value=level))
        self.level, self.scheme = level, scheme or criteria_schemes.course_scheme()
        self.parts_scheme = criteria_schemes.scheme(self.scheme).sheets_of
        self.sheet = sheet or "ocop_scoring_sheet_fresh_produce_2019"
        self.legacy = level == "items" and (sheet is not None or self.parts_scheme == "1048/2019")
        self.picker = None if level == "parts" or self.legacy else SheetInputs(self.scheme, product_set)
        self.sliders = self._make_sliders() if self.picker is None else self.picker.boxes
        fields = self.sliders if self.picker is None else self.picker.fields
        super().__init__(self._inputs_box(), fields=fields, file_stem=_("self-assessment"))
        if self.picker is not None:
            self.picker.on_rebuild(self._rebuilt)
        self.chart.layout.max_width = "560px"
        self.refresh()

    def _arrange(self, inputs: w.Widget) -> list[w.Widget]:
        """Sliders, message, summary, chart and files: the chart carries its own title."""
        return [inputs, self.message, self.summary, self.chart, self.files]

    def _make_sliders(self) -> dict[str, w.IntSlider]:
        """One slider per criterion or per part, starting at its lowest points."""
        style = {"description_width": "320px"}
        layout = w.Layout(width="620px")
        if self.level == "parts":
            parts = criteria.get_scheme(self.parts_scheme).parts
            return {
                code: w.IntSlider(0, 0, part.max_points, description=f"{code}. {part.name}", style=style, layout=layout)
                for code, part in parts.items()
            }
        return {
            item.code: w.IntSlider(
                item.min_points,
                item.min_points,
                item.max_points,
                description=f"{item.code} {item.name}",
                style=style,
                layout=layout,
                tooltip=item.levels_vi,
            )
            for item in criteria.scoring_sheet(self.sheet)
        }

    def _inputs_box(self) -> w.Widget:
        """Sliders as they are for parts; grouped by part in an accordion for items."""
        if self.picker is not None:
            return self.picker.box
        if self.level == "parts":
            return w.VBox([w.HTML(scheme_header_html(self.scheme)), *self.sliders.values()])
        items = criteria.scoring_sheet(self.sheet)
        parts = self.scheme_parts()
        boxes = [w.VBox([self.sliders[i.code] for i in items if i.part == code]) for code in parts]
        titles = [f"{code}. {part.name} ({_('max')} {part.max_points})" for code, part in parts.items()]
        return w.Accordion(children=boxes, titles=titles, selected_index=0)

    # -- values ------------------------------------------------------------------------
    def points(self) -> dict[str, int]:
        """Return the points currently entered, keyed by criterion or part code."""
        return {code: box.value for code, box in self.sliders.items()}

    def set_points(self, points: dict) -> None:
        """Enter points from Python, e.g. a saved self-assessment.

        Values outside a slider's range are reported in the message, not clamped silently.
        """
        points = dict(points)
        if self.picker is not None:
            self.picker.choose(points.pop("product_set", None), points.pop("case", None))
        unknown = sorted(set(points) - set(self.sliders))
        problems = (
            [
                _("Unknown criterion code(s): {codes}. Check the codes on the sheet.").format(
                    codes=", ".join(map(str, unknown))
                )
            ]
            if unknown
            else []
        )
        with self._hold():
            for code, value in points.items():
                if code in self.sliders:
                    problems += self._set_slider(self.sliders[code], code, value)
        self.refresh()
        if problems:
            self._show_message(" ".join(problems))

    set_inputs = set_points  # a saved file or the file buttons fill the sliders the same way

    def _rebuilt(self) -> None:
        """Another product set or case: its criterion boxes replace the old ones, then score again."""
        self.sliders = self.picker.boxes
        self.fields = self.picker.fields
        for box in self.sliders.values():
            box.observe(self._on_change, names="value")
        self.refresh()

    @staticmethod
    def _set_slider(slider: w.Widget, code: str, value) -> list[str]:
        """Move a slider (or choose a level) to a value it offers; otherwise return what to fix."""
        if isinstance(slider, w.Dropdown):
            return SheetInputs.choose_level(slider, code, value)
        if isinstance(value, bool) or not isinstance(value, int) or not slider.min <= value <= slider.max:
            return [
                _("{code}: enter a whole number from {low} to {high}, you gave {value!r}.").format(
                    code=code, low=slider.min, high=slider.max, value=value
                )
            ]
        slider.value = value
        return []

    def _saved_inputs(self, data: dict) -> dict:
        """The points of a saved file, also of one saved before the tools shared a base (``"points"``)."""
        if "tool" not in data and isinstance(data.get("points"), dict):
            return data["points"]
        return super()._saved_inputs(data)

    # -- results -----------------------------------------------------------------------
    def compute(self) -> criteria.Assessment:
        """Score the points through the logic, part by part or criterion by criterion."""
        if self.level == "parts":
            return criteria.assess_parts(self.points(), self.parts_scheme)
        if self.legacy:
            return criteria.assess_items(self.points(), self.sheet)
        return criteria_schemes.score(self.points(), self.scheme, self.picker.product_set, self.picker.case)

    def summary_html(self, result: criteria.Assessment) -> str:
        """The part totals, the total and the stars, and why a minimum holds a star back."""
        return summary_html(result) + minimums_html(result)

    # -- exports -----------------------------------------------------------------------
    def sheet_rows(self) -> list[tuple[str, str, str, float, int]]:
        """Return ``(part, code, name, points, maximum)`` for each criterion (or part) entered."""
        if self.picker is not None:
            return self.picker.rows(self.result)
        return criteria.sheet_rows(self.result, self._item_sheet())

    def to_csv(self, path: str | Path | None = None) -> str:
        """Return the self-assessment sheet as CSV; with ``path``, also write it (UTF-8 with BOM).

        One row per criterion (or per part with ``level="parts"``), then the
        part totals, the total and the stars, each with its maximum: the table
        of :func:`ocopkit.criteria.assessment_table`. Numbers are plain so that
        spreadsheets read them as numbers.
        """
        rows = self.sheet_rows() if self.picker is not None else None
        return frame_csv(criteria.assessment_table(self.result, self._item_sheet(), rows=rows), path)

    def to_markdown(self, path: str | Path | None = None) -> str:
        """Return the self-assessment sheet as Markdown; with ``path``, also write it.

        A table of criteria for each part (or one table of parts), the part
        totals, the total and the star rating, in the current language.
        """
        lines = [f"## {_('OCOP self-assessment')}", "", _("Scheme: {scheme}").format(scheme=self.scheme_label()), ""]
        if self.picker is not None:
            lines += [_("Product set: {name}").format(name=self.picker.sheet.name_vi), ""]
        if self.level == "items":
            lines += _criteria_tables(self.sheet_rows(), self.scheme_parts())
        lines += _totals_table(self.result)
        text = "\n".join(lines) + "\n"
        return text_export(text, path)

    def scheme_parts(self) -> dict:
        """The parts A, B and C of the scheme the points are checked against."""
        code = criteria.sheet_scheme(self.sheet) if self.legacy else self.parts_scheme
        return criteria.get_scheme(code).parts

    def scheme_label(self) -> str:
        """The decision the points were scored under, and how far its text is verified."""
        return criteria_schemes.scheme("1048/2019" if self.legacy else self.scheme).label

    def _item_sheet(self) -> str | None:
        """The 2019 item-level sheet's dataset, or None (parts A/B/C, or a sheet of a product set)."""
        return self.sheet if self.legacy else None


def _criteria_tables(rows: list[tuple], parts: dict) -> list[str]:
    """One Markdown table of criteria per part."""
    lines = []
    for code, part in parts.items():
        lines += [
            f"### {_('Part')} {code}. {part.name}",
            "",
            f"| {_('Code')} | {_('Criterion')} | {_('Points')} | {_('Maximum')} |",
            "|---|---|---:|---:|",
        ]
        lines += [
            f"| {item_code} | {name} | {format_number(points, 0)} | {maximum} |"
            for part_code, item_code, name, points, maximum in rows
            if part_code == code
        ]
        lines.append("")
    return lines


def _totals_table(result: criteria.Assessment) -> list[str]:
    """Markdown table of the part totals and the total, then the stars."""
    lines = [f"### {_('Summary')}", "", f"| {_('Part')} | {_('Points')} | {_('Maximum')} |", "|---|---:|---:|"]
    lines += [
        f"| {code} | {format_number(result.part_totals[code], 0)} | {result.part_max[code]} |"
        for code in criteria.PARTS
    ]
    lines.append(f"| **{_('Total')}** | **{format_number(result.total, 0)}** | **{criteria.TOTAL_POINTS}** |")
    verdict = _("Recognised as an OCOP product") if result.recognised else _("Not yet recognised (3★ needs 50 points)")
    return lines + ["", f"**{_('Stars')}:** {stars_text(result.stars)} ({result.stars}★) — {verdict}."]


def minimums_html(result: criteria.Assessment) -> str:
    """Say which criteria hold the star below the band of the total, or block the next star."""
    if not result.unmet:
        return ""
    needs = "; ".join(
        _("{code} at least {points} points").format(code=code, points=format_number(points, 0))
        for code, _stars, points in result.unmet
    )
    if result.band_stars and result.band_stars > result.stars:
        text = _("The total is enough for {band}★, but the rating is {stars}★: for {next}★ raise {needs}.")
    else:
        text = _("For {next}★ the sheet also asks: {needs}.")
    return "<p>" + text.format(band=result.band_stars, stars=result.stars, next=result.stars + 1, needs=needs) + "</p>"


def stars_text(stars: int) -> str:
    """Return ``★★★☆☆`` for 3 stars."""
    return "★" * stars + "☆" * (5 - stars)


def summary_html(result: criteria.Assessment) -> str:
    """Return the assessment as a small table and the stars, as HTML for the widget."""
    rows = [
        (f"{_('Part')} {code}", f"{format_number(result.part_totals[code], 0)} / {result.part_max[code]}")
        for code in criteria.PARTS
    ]
    rows.append((_("Total"), f"{format_number(result.total, 0)} / {criteria.TOTAL_POINTS}"))
    verdict = _("Recognised as an OCOP product") if result.recognised else _("Not yet recognised (3★ needs 50 points)")
    if result.points_to_next_star is None and result.stars < 5:
        next_star = ""  # a criterion's minimum, not the total, holds the next star: minimums_html says which
    elif result.points_to_next_star is None:
        next_star = _("Highest rating reached")
    else:
        next_star = _("{points} more points for {stars}★").format(
            points=format_number(result.points_to_next_star, 0), stars=result.stars + 1
        )
    sentences = " ".join(f"{text}." for text in (verdict, next_star) if text)
    stars = f"{stars_text(result.stars)} ({result.stars}★)"
    return f"{figures_table(rows)}<p style='font-size:1.3em'>{stars} — {sentences}</p>"


def part_chart(result: criteria.Assessment) -> Figure:
    """Draw each part's points against its maximum as horizontal bars."""
    return PartChart(result).update(result)
