"""The inputs of a scoring sheet: the product set first, then one level per criterion.

A council scores a criterion by choosing the level that describes the
product; the participant does the same here, from a drop-down of the levels
as the sheet words them, with their points. The sheet follows the product
set: honey, tea and fish sauce each have their own criteria.

See Also
--------
ocopkit.criteria_schemes.sheet : the sheets; this module only shows them.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

import ipywidgets as w

from .. import criteria, criteria_schemes
from ..criteria_schemes import Criterion
from ..i18n import _, format_number
from .inputs import LABEL_STYLE

WIDTH = "820px"  # each box needs its own Layout: hiding the case picker must not hide the rest
LEVEL_WIDTH = "98%"  # a criterion's box fills its accordion section, which is narrower than the page


def scheme_header_html(code: str, sheet: criteria_schemes.Sheet | None = None) -> str:
    """The scheme the points are scored under, its confidence, and what its sheet lacks."""
    lines = [_("Scheme: {scheme}").format(scheme=html.escape(criteria_schemes.scheme(code).label))]
    if sheet is not None:
        for part, points in sheet.missing.items():
            lines.append(
                _(
                    "This sheet, as transcribed, is {points} points short in part {part}: criteria are missing "
                    "from the source. The kit does not invent them, so the highest total here is {top}."
                ).format(points=format_number(points, 0), part=part, top=format_number(100 - points, 0))
            )
        lines += [html.escape(note) for note in sheet.notes]
    return "".join(f"<p style='margin:2px 0'>{line}</p>" for line in lines)


def level_options(item: Criterion) -> list[tuple[str, float]]:
    """``("3 điểm: <the level's words>", 3)`` for each level, lowest first."""
    if not item.levels:
        return [
            (_("{points} points").format(points=format_number(p, 0)), criteria.tidy_points(p))
            for p in item.allowed_points
        ]
    seen, options = set(), []
    for level in sorted(item.levels, key=lambda level: level.points):
        if level.points in seen:
            continue
        seen.add(level.points)
        words = " ".join(level.text_vi.split())
        options.append(
            (
                f"{_('{points} points').format(points=format_number(level.points, 0))}: {words}",
                criteria.tidy_points(level.points),
            )
        )
    return options


def short_name(item: Criterion) -> str:
    """The criterion's name without its bracketed requirement, which the tooltip shows.

    A criterion given for two cases ("Trường hợp 1: …") is named by its section: the case picker says which case.
    """
    name = item.name_vi
    if name.startswith("Trường hợp"):
        name = re.sub(r"^\d+\.\s*", "", item.section_vi)
    return name.split(" [")[0].strip()


class SheetInputs:
    """The product-set and case pickers and one level box per criterion, grouped by part.

    Parameters
    ----------
    scheme : str
        The scheme whose sheets are offered.
    product_set : int, optional
        The set picked first; the first set with a sheet by default.
    """

    def __init__(self, scheme: str, product_set: int | None = None):
        self.scheme = scheme
        sets = criteria_schemes.sets_with_sheets(scheme)
        self.set_picker = w.Dropdown(
            options=[(criteria_schemes.set_label(n), n) for n in sets],
            value=product_set if product_set in sets else sets[0],
            description=_("Product set"),
            style=LABEL_STYLE,
            layout=w.Layout(width=WIDTH),
        )
        self.case_picker = w.Dropdown(
            options=[
                (_("Case 1: a tourism service the community provides"), 1),
                (_("Case 2: a tourist site, or a service of an organisation or a person"), 2),
            ],
            value=1,
            description=_("Which case"),
            style=LABEL_STYLE,
            layout=w.Layout(width=WIDTH),
        )
        self.header = w.HTML()
        self.accordion = w.Accordion()
        self.box = w.VBox([self.header, self.set_picker, self.case_picker, self.accordion])
        self._listeners: list[Callable[[], None]] = []
        self.boxes: dict[str, w.Dropdown] = {}
        self._build()
        # Registered before the tool's own observer: the boxes change before the tool scores.
        self.set_picker.observe(self._changed, names="value")
        self.case_picker.observe(self._changed, names="value")
        if product_set is not None and product_set not in sets:
            criteria_schemes.sheet(scheme, product_set)  # says which sets the kit has

    @property
    def product_set(self) -> int:
        """The product set picked."""
        return self.set_picker.value

    @property
    def case(self) -> int:
        """The case picked (only the tourism sheet asks)."""
        return self.case_picker.value

    @property
    def sheet(self) -> criteria_schemes.Sheet:
        """The sheet of the set picked."""
        return criteria_schemes.sheet(self.scheme, self.product_set)

    @property
    def fields(self) -> dict[str, w.Widget]:
        """Every box a saved file keeps: the set and the case first."""
        return {"product_set": self.set_picker, "case": self.case_picker, **self.boxes}

    def on_rebuild(self, listener: Callable[[], None]) -> None:
        """Call ``listener`` after the criterion boxes were replaced."""
        self._listeners.append(listener)

    def choose(self, product_set=None, case=None) -> None:
        """Pick a set and a case from Python or a saved file (unknown values are left for the message)."""
        if case in (1, 2):
            self.case_picker.value = case
        if product_set in [value for _label, value in self.set_picker.options]:
            self.set_picker.value = product_set

    @staticmethod
    def choose_level(box: w.Dropdown, code: str, value) -> list[str]:
        """Choose the level with these points; otherwise return what to fix."""
        offered = [points for _label, points in box.options]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value not in offered:
            return [
                _("{code}: choose one of {levels} points, you gave {value!r}.").format(
                    code=code, levels=", ".join(format_number(p, 0) for p in offered), value=value
                )
            ]
        box.value = value
        return []

    def rows(self, result) -> list[tuple[str, str, str, float, float]]:
        """``(part, code, name, points, maximum)`` of each criterion that counts."""
        return [
            (
                item.part,
                item.code,
                short_name(item),
                criteria.tidy_points(result.item_points[item.code]),
                criteria.tidy_points(item.max_points),
            )
            for item in self.sheet.for_case(self.case)
        ]

    # -- building ----------------------------------------------------------------------
    def _changed(self, _change) -> None:
        for box in self.boxes.values():
            box.unobserve_all("value")
        self._build()
        for listener in self._listeners:
            listener()

    def _build(self) -> None:
        """The boxes of the sheet picked, each at its lowest level, in an accordion by part."""
        sheet = self.sheet
        self.header.value = scheme_header_html(self.scheme, sheet)
        self.case_picker.layout.display = None if sheet.has_cases else "none"
        items = sheet.for_case(self.case)
        self.boxes = {item.code: self._level_box(item) for item in items}
        parts = criteria_schemes.part_maxima(self.scheme)
        self.accordion.children = [w.VBox([self.boxes[i.code] for i in items if i.part == part]) for part in parts]
        self.accordion.titles = tuple(
            f"{part}. {name} ({_('max')} {top})" for (part, top), name in zip(parts.items(), _part_names(self.scheme))
        )
        self.accordion.selected_index = 0

    @staticmethod
    def _level_box(item: Criterion) -> w.Dropdown:
        options = level_options(item)
        return w.Dropdown(
            options=options,
            value=options[0][1],
            description=f"{item.code} {short_name(item)}",
            description_allow_html=False,
            tooltip=" ".join(item.name_vi.split()),
            style=LABEL_STYLE,
            layout=w.Layout(width=LEVEL_WIDTH),
        )


def _part_names(scheme: str) -> list[str]:
    """The names of parts A, B and C in the current language."""
    return [part.name for part in criteria.get_scheme(criteria_schemes.scheme(scheme).sheets_of).parts.values()]
