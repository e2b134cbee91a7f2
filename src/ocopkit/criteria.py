"""The OCOP evaluation scheme: parts, criteria, star bands and who rates them.

The current scheme is Decision 26/2026/QĐ-TTg (22/05/2026), which keeps the
parts of Decision 148/QĐ-TTg (24/02/2023): part A, product and community
strength, 40 points; part B, marketability, 25 points; part C, product
quality, 35 points; 100 in all. The 2019 scheme, Decision 1048/QĐ-TTg, gave
A 35, B 25 and C 40. :mod:`ocopkit.criteria_schemes` holds the schemes by
date and their item-level sheets per product set. Both rate a product by its total:
1★ under 30, 2★ 30–49, 3★ 50–69, 4★ 70–89, 5★ 90–100, and only 3★ and above
are recognised as OCOP products.

All figures are data, read from ``datasets/`` (``ocop_schemes.csv``,
``ocop_star_bands.csv`` and the item-level 2019 sheet for fresh fruit and
vegetables, ``ocop_scoring_sheet_fresh_produce_2019.csv``), whose sources are
given in ``datasets/README.md``.

See Also
--------
ocopkit.widgets.self_assessment.OcopSelfAssessment : the interactive sheet.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from . import datasets
from .i18n import _, get_language

CURRENT_SCHEME = "26/2026"
PREVIOUS_SCHEME = "1048/2019"
PARTS = ("A", "B", "C")
TOTAL_POINTS = 100


class CriteriaError(ValueError):
    """Points or criteria that the OCOP scheme does not allow."""


@dataclass(frozen=True)
class Part:
    """One of the three parts of the criteria, with its maximum points."""

    code: str
    name_vi: str
    name_en: str
    max_points: int

    @property
    def name(self) -> str:
        """The part's name in the current language."""
        return self.name_vi if get_language() == "vi" else self.name_en


@dataclass(frozen=True)
class Scheme:
    """An OCOP evaluation scheme: the decision and the maximum of each part."""

    code: str
    decision: str
    signed: str
    parts: dict[str, Part]
    source_url: str


@dataclass(frozen=True)
class StarBand:
    """A star rating, its range of total points and who rates it."""

    stars: int
    min_points: int
    max_points: int
    recognised: bool
    rated_by: dict[str, str]


@dataclass(frozen=True)
class Item:
    """One criterion of an item-level scoring sheet."""

    code: str
    part: str
    group_code: str
    group_vi: str
    group_en: str
    name_vi: str
    name_en: str
    min_points: int
    max_points: int
    levels_vi: str

    @property
    def name(self) -> str:
        """The criterion's name in the current language."""
        return self.name_vi if get_language() == "vi" else self.name_en

    @property
    def group(self) -> str:
        """The criterion group's name in the current language."""
        return self.group_vi if get_language() == "vi" else self.group_en


@dataclass(frozen=True)
class Assessment:
    """The result of scoring a product: part totals, total, stars and what is next.

    Attributes
    ----------
    scheme : str
        The scheme the points were checked against.
    part_totals : dict
        Points of parts ``"A"``, ``"B"`` and ``"C"``.
    part_max : dict
        Maximum points of each part in that scheme.
    total : float
        Sum of the parts, out of 100.
    stars : int
        Star rating, 1 to 5.
    recognised : bool
        True for 3★ and above, the ratings recognised as OCOP products.
    points_to_next_star : float or None
        Points still needed for the next star; None at 5★, and None when a
        criterion's minimum, not the total, holds the star back.
    item_points : dict
        Points per criterion, for an item-level sheet.
    band_stars : int or None
        The star of the total alone, before the criteria's minimums (item-level
        sheets of 148/2023 and 26/2026); None where the sheet sets none.
    unmet : tuple
        ``(code, stars, minimum)`` for each criterion below the minimum of the
        next star up: what to raise first.
    product_set : int or None
        The product set of Phụ lục I the sheet belongs to.
    """

    scheme: str
    part_totals: dict[str, float]
    part_max: dict[str, int]
    total: float
    stars: int
    recognised: bool
    points_to_next_star: float | None
    item_points: dict[str, float] = field(default_factory=dict)
    band_stars: int | None = None
    unmet: tuple[tuple[str, int, float], ...] = ()
    product_set: int | None = None


@functools.lru_cache(maxsize=1)
def schemes() -> dict[str, Scheme]:
    """Return the part maxima of each scheme, keyed by ``"26/2026"``, ``"148/2023"`` and ``"1048/2019"``."""
    table = datasets.load("ocop_schemes")
    result = {}
    for code, rows in table.groupby("scheme", sort=False):
        parts = {row.part: Part(row.part, row.name_vi, row.name_en, int(row.max_points)) for row in rows.itertuples()}
        first = rows.iloc[0]
        result[code] = Scheme(code, first.decision, first.signed, parts, first.source_url)
    return result


def get_scheme(code: str = CURRENT_SCHEME) -> Scheme:
    """Return one scheme, ``"26/2026"`` (current), ``"148/2023"`` or ``"1048/2019"``.

    Raises
    ------
    CriteriaError
        For a scheme the kit does not know.
    """
    return known_scheme(schemes(), code)


def known_scheme(table: Mapping, code: str):
    """Return ``table[code]``, or a CriteriaError that lists the codes ``table`` knows."""
    try:
        return table[code]
    except KeyError:
        raise CriteriaError(
            _("Unknown scheme {code!r}; use one of: {known}.").format(code=code, known=", ".join(table))
        ) from None


@functools.lru_cache(maxsize=1)
def star_bands() -> tuple[StarBand, ...]:
    """Return the five star bands, from 5★ down to 1★."""
    table = datasets.load("ocop_star_bands").fillna("")
    return tuple(
        StarBand(
            int(row.stars),
            int(row.min_points),
            int(row.max_points),
            row.recognised_as_ocop == "yes",
            {
                "1048/2019": row.rated_by_1048_2019,
                "148/2023": row.rated_by_148_2023,
                "1489/2025": row.rated_by_1489_2025,
                "26/2026": row.rated_by_26_2026,
            },
        )
        for row in table.sort_values("stars", ascending=False).itertuples()
    )


@functools.cache
def scoring_sheet(name: str = "ocop_scoring_sheet_fresh_produce_2019") -> tuple[Item, ...]:
    """Return the criteria of an item-level scoring sheet.

    Parameters
    ----------
    name : str
        The sheet's dataset name; the kit ships the 2019 sheet for fresh fruit
        and vegetables, the only item-level sheet in its sources.

    Returns
    -------
    tuple of Item
    """
    table = datasets.load(name)
    return tuple(
        Item(
            row.item_code,
            row.part,
            row.group_code,
            row.group_vi,
            row.group_en,
            row.item_vi,
            row.item_en,
            int(row.min_points),
            int(row.max_points),
            row.levels_vi,
        )
        for row in table.itertuples()
    )


def _check_number(value, what: str) -> float:
    """Return value as a float, or explain that a number was expected."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise CriteriaError(_("{what} must be a number of points, you gave {value!r}.").format(what=what, value=value))
    if math.isnan(value):
        raise CriteriaError(_("{what} is empty (NaN); enter a number of points.").format(what=what))
    return float(value)


def _check_total(points) -> float:
    """Return a total checked to lie within 0–100 points."""
    total = _check_number(points, _("The total"))
    if not 0 <= total <= TOTAL_POINTS:
        raise CriteriaError(_("The total must be between 0 and 100 points, you gave {value}.").format(value=points))
    return total


def star_for(points: float) -> int:
    """Return the star rating (1–5) of a total score.

    Parameters
    ----------
    points : float
        Total points out of 100.

    Returns
    -------
    int
        5 for 90 and above, 4 for 70 and above, 3 for 50 and above, 2 for 30
        and above, otherwise 1.

    Raises
    ------
    CriteriaError
        For anything but a number from 0 to 100.

    Examples
    --------
    >>> star_for(72)
    4
    """
    total = _check_total(points)
    return next(band.stars for band in star_bands() if total >= band.min_points)


def is_recognised(points: float) -> bool:
    """Return True when a total earns 3★ or more, the level recognised as OCOP."""
    return band_for(star_for(points)).recognised


def band_for(stars: int) -> StarBand:
    """Return the band of a star rating.

    Raises
    ------
    CriteriaError
        For a rating that is not a whole number from 1 to 5.
    """
    for band in star_bands():
        if band.stars == stars and not isinstance(stars, bool):
            return band
    raise CriteriaError(_("A star rating is a whole number from 1 to 5, you gave {value!r}.").format(value=stars))


def points_to_next_star(points: float) -> float | None:
    """Return how many points a total still needs for the next star.

    Returns
    -------
    float or None
        ``70 - 63 = 7`` for a 3★ product with 63 points; None at 5★.
    """
    stars = star_for(points)
    if stars == 5:
        return None
    needed = band_for(stars + 1).min_points - _check_total(points)
    # Round up to hundredths: a rounded-down answer would fall just short of the band.
    needed = math.ceil(round(needed, 6) * 100) / 100
    return int(needed) if float(needed).is_integer() else needed


def rated_by(stars: int, scheme: str = "1489/2025") -> str:
    """Return the level that rates and certifies a star rating under a decision.

    Parameters
    ----------
    stars : int
        1 to 5.
    scheme : str
        ``"1048/2019"``, ``"148/2023"``, ``"1489/2025"`` (from July 2025) or
        ``"26/2026"`` (from 22/05/2026).

    Returns
    -------
    str
        For example ``"province"``; empty for 1★ and 2★, which are not certified.
    """
    band = band_for(stars)
    if scheme not in band.rated_by:
        raise CriteriaError(
            _("Unknown scheme {code!r}; use one of: {known}.").format(code=scheme, known=", ".join(band.rated_by))
        )
    return band.rated_by[scheme]


def assess_parts(part_points: Mapping[str, float], scheme: str = CURRENT_SCHEME) -> Assessment:
    """Check the points of parts A, B and C and rate the product.

    Parameters
    ----------
    part_points : mapping
        ``{"A": 32, "B": 18, "C": 25}``: points of each part.
    scheme : str
        The scheme whose part maxima apply (current: ``"26/2026"``).

    Returns
    -------
    Assessment

    Raises
    ------
    CriteriaError
        When a part is missing or unknown, is not a number, is negative, or
        is over its maximum.
    """
    parts = get_scheme(scheme).parts
    unknown = sorted(set(part_points) - set(parts))
    if unknown:
        raise CriteriaError(
            _("Unknown part(s) {parts}; the parts are A, B and C.").format(parts=", ".join(map(str, unknown)))
        )
    totals = {}
    for code, part in parts.items():
        if code not in part_points:
            raise CriteriaError(_("Points for part {part} are missing.").format(part=code))
        value = _check_number(part_points[code], _("Part {part}").format(part=code))
        if not 0 <= value <= part.max_points:
            raise CriteriaError(
                _(
                    "Part {part} ({name}) has {value} points, but its maximum is {max} and it cannot be negative."
                ).format(part=code, name=part.name, value=part_points[code], max=part.max_points)
            )
        totals[code] = part_points[code]
    return _assessment(scheme, totals, {c: p.max_points for c, p in parts.items()})


def _assessment(scheme: str, totals: dict, maxima: dict, items: dict | None = None) -> Assessment:
    """Build an Assessment from checked part totals."""
    total = sum(totals.values())
    total = int(total) if float(total).is_integer() else round(total, 2)
    stars = star_for(total)
    return Assessment(
        scheme, totals, maxima, total, stars, band_for(stars).recognised, points_to_next_star(total), dict(items or {})
    )


def check_item(item: Item, points) -> float:
    """Return the points of one criterion, checked against its range.

    Raises
    ------
    CriteriaError
        When the points are not a number or lie outside the criterion's range.
    """
    value = _check_number(points, _("Criterion {code}").format(code=item.code))
    if not item.min_points <= value <= item.max_points:
        raise CriteriaError(
            _("Criterion {code} ({name}) gives {low} to {high} points, you gave {value}.").format(
                code=item.code, name=item.name, low=item.min_points, high=item.max_points, value=points
            )
        )
    return value


def assess_items(item_points: Mapping[str, float], sheet: str = "ocop_scoring_sheet_fresh_produce_2019") -> Assessment:
    """Score a product criterion by criterion on an item-level sheet.

    Parameters
    ----------
    item_points : mapping
        ``{"A1.1": 3, "A1.2": 2, ...}``: points per criterion code. A criterion
        left out counts at its lowest level.
    sheet : str
        The scoring sheet's dataset name.

    Returns
    -------
    Assessment
        With part totals checked against the sheet's scheme.

    Raises
    ------
    CriteriaError
        For an unknown criterion code, or points outside a criterion's range.
    """
    items = {item.code: item for item in scoring_sheet(sheet)}
    unknown = sorted(set(item_points) - set(items))
    if unknown:
        raise CriteriaError(
            _("Unknown criterion code(s): {codes}. Check the codes on the sheet.").format(
                codes=", ".join(map(str, unknown))
            )
        )
    checked = {code: check_item(item, item_points.get(code, item.min_points)) for code, item in items.items()}
    totals = {part: 0 for part in PARTS}
    for code, value in checked.items():
        totals[items[code].part] += value
    scheme = sheet_scheme(sheet)
    maxima = {code: part.max_points for code, part in get_scheme(scheme).parts.items()}
    return _assessment(scheme, {p: tidy_points(v) for p, v in totals.items()}, maxima, checked)


def gaps_by_group(
    item_points: Mapping[str, float], sheet: str = "ocop_scoring_sheet_fresh_produce_2019"
) -> pd.DataFrame:
    """Points still open in each group of criteria, the largest gap first.

    Where to improve first is where the most points are left, not a group the
    product already scores well on: a model answer must agree with this table.

    Parameters
    ----------
    item_points : mapping
        Points per criterion code, as for :func:`assess_items`.
    sheet : str
        The scoring sheet's dataset name.

    Returns
    -------
    pandas.DataFrame
        One row per group: ``group_code``, ``group`` (its name in the current
        language), ``points``, ``max_points`` and ``gap`` (max_points − points).

    See Also
    --------
    assess_items : the part totals and the star.
    """
    checked = assess_items(item_points, sheet).item_points
    name = "group_vi" if get_language() == "vi" else "group_en"
    rows = [
        {
            "group_code": item.group_code,
            "group": getattr(item, name),
            "points": checked[item.code],
            "max_points": item.max_points,
        }
        for item in scoring_sheet(sheet)
    ]
    table = (
        pd.DataFrame(rows).groupby(["group_code", "group"], as_index=False, sort=False)[["points", "max_points"]].sum()
    )
    table["gap"] = table["max_points"] - table["points"]
    return table.sort_values("gap", ascending=False, kind="stable").reset_index(drop=True)


def sheet_scheme(sheet: str) -> str:
    """Return the code of the scheme an item-level sheet belongs to, e.g. ``"1048/2019"``."""
    return datasets.load(sheet)["scheme"].iloc[0]


def tidy_points(value: float):
    """Show whole points as int, keep fractional ones to two decimals: ``3.0`` → ``3``, ``1.255`` → ``1.25``."""
    return int(value) if float(value).is_integer() else round(value, 2)


# --------------------------------------------------------------------------- the sheet as a table


def sheet_rows(result: Assessment, sheet: str | None = None) -> list[tuple[str, str, str, float, int]]:
    """Return ``(part, code, name, points, maximum)`` for each criterion scored, or each part.

    Parameters
    ----------
    result : Assessment
        From :func:`assess_items` (give its ``sheet``) or :func:`assess_parts`.
    sheet : str, optional
        The item-level sheet the points were entered on; without it, one row
        per part of the result's scheme.

    See Also
    --------
    assessment_table : these rows with the totals and the stars.
    """
    if sheet is None:
        parts = get_scheme(result.scheme).parts
        return [(code, code, part.name, result.part_totals[code], part.max_points) for code, part in parts.items()]
    return [
        (item.part, item.code, item.name, tidy_points(result.item_points[item.code]), item.max_points)
        for item in scoring_sheet(sheet)
    ]


def assessment_table(result: Assessment, sheet: str | None = None, rows: list | None = None) -> pd.DataFrame:
    """Return a self-assessment as a table: the criteria, the part totals, the total and the stars.

    Use it to keep or share a self-assessment as a spreadsheet; the
    self-assessment tool exports exactly this table as CSV.

    Parameters
    ----------
    result : Assessment
        From :func:`assess_items`, :func:`assess_parts` or
        :func:`ocopkit.criteria_schemes.score`.
    sheet : str, optional
        The 2019 item-level sheet, for one row per criterion first; without it
        (parts A/B/C only) the part totals say it all.
    rows : list, optional
        ``(part, code, name, points, maximum)`` per criterion of another sheet
        (:meth:`ocopkit.widgets.OcopSelfAssessment.sheet_rows`).

    Returns
    -------
    pandas.DataFrame
        Columns part, code, criterion, points, maximum and scheme (the decision
        the points were scored under, on every row so that a filtered or
        pasted range still names it), headed in the current language; points
        are plain numbers so spreadsheets read them.

    See Also
    --------
    ocopkit.widgets.self_assessment.OcopSelfAssessment.to_csv : the same table from the tool.
    """
    rows = list(rows) if rows is not None else sheet_rows(result, sheet) if sheet is not None else []
    rows += [
        (code, "", _("Total of part {part}").format(part=code), result.part_totals[code], result.part_max[code])
        for code in PARTS
    ]
    rows += [("", "", _("Total"), result.total, TOTAL_POINTS), ("", "", _("Stars"), result.stars, 5)]
    table = pd.DataFrame(rows, columns=[_("Part"), _("Code"), _("Criterion"), _("Points"), _("Maximum")])
    table[_("Scheme")] = decision_label(result.scheme)
    return table


def decision_label(code: str) -> str:
    """Name a scheme as the decision is cited: ``"26/2026"`` → ``"26/2026/QĐ-TTg (22/05/2026)"``."""
    if code not in schemes():
        return code
    info = get_scheme(code)
    return f"{info.decision} ({pd.Timestamp(info.signed):%d/%m/%Y})"
