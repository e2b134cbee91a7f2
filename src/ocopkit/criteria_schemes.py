"""The OCOP schemes by date, and their item-level scoring sheets per product set.

Four schemes have rated OCOP products (``datasets/ocop_scheme_registry.csv``):

- ``"1048/2019"``: Decision 1048/QĐ-TTg (21/08/2019), A 35 / B 25 / C 40;
- ``"148/2023"``: Decision 148/QĐ-TTg (24/02/2023), A 40 / B 25 / C 35, rated
  at district (3★), province (4★) and central (5★) level;
- ``"1489/2025"``: the sheets of 148 with the procedure of Decision 1489/QĐ-TTg
  (06/07/2025): the province rates 3★ and 4★, 90+ points are proposed to the
  ministry as "tiềm năng 5 sao";
- ``"26/2026"``: Decision 26/2026/QĐ-TTg (22/05/2026), which replaces 148 and
  1489 sixty days after it took effect. It is known from one secondary
  transcription (confidence **M**): the kit says so wherever it uses it.

A sheet (``datasets/ocop_scoring_sheets.csv``) lists, per criterion, the
levels a council may give. A level marked ``(***)``, ``(****)`` or ``(*****)``
is the minimum a criterion must reach for 3★, 4★ or 5★ ("Dấu sao là yêu cầu
tối thiểu phải đạt theo các cấp độ sao", QĐ 26/2026, Phụ lục II): a product
with 75 points but a 4★ minimum unmet is rated 3★.

The kit does not invent what a source lacks. The 148 tea sheet is three points
short in part C (its transcription misses criteria): :attr:`Sheet.missing`
says so. Two levels of the 26/2026 transcript give more points than their
criterion (13 of 3, 11 of 2); the kit counts them at the criterion's maximum
and names them in :attr:`Sheet.notes`.

See Also
--------
ocopkit.criteria : star bands, part maxima and the parts-only assessment.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import criteria, datasets
from .criteria import CriteriaError
from .i18n import _

STAR_MARK = re.compile(r"\((\*{3,5})\)")
# The "case" criteria of the tourism sheet (C.8.a / C.8.b ...): one case counts, chosen once for the sheet.
CASE_CODE = re.compile(r"^(?P<base>.+)\.(?P<case>[ab])$")
CASES = {1: "a", 2: "b"}
SETTINGS_FILE = Path(__file__).resolve().parents[2] / "course" / "settings.toml"


@dataclass(frozen=True)
class SchemeInfo:
    """One dated OCOP scheme: its decision, dates, the sheets it scores on and its sources."""

    code: str
    decision_vi: str
    signed: pd.Timestamp
    in_force_from: pd.Timestamp
    in_force_until: pd.Timestamp | None
    sheets_of: str
    confidence: str
    note_en: str
    source: str

    def in_force_on(self, day: pd.Timestamp) -> bool:
        """True when the scheme applied on that day."""
        return self.in_force_from <= day and (self.in_force_until is None or day <= self.in_force_until)

    @property
    def label(self) -> str:
        """The decision and its confidence, as the widgets and exports name the scheme."""
        text = f"{self.decision_vi} ({self.signed:%d/%m/%Y})"
        if self.confidence != "H":
            text += " — " + _("transcribed from a secondary source, not checked against the official gazette")
        return text


@dataclass(frozen=True)
class Level:
    """One level a council may give a criterion, with the star whose minimum it is."""

    points: float
    text_vi: str
    star_minimum: int | None


@dataclass(frozen=True)
class Criterion:
    """One criterion of a sheet: its part, section, levels and maximum."""

    code: str
    part: str
    section_vi: str
    name_vi: str
    max_points: float
    levels: tuple[Level, ...]

    @property
    def allowed_points(self) -> tuple[float, ...]:
        """The points of the levels, lowest first; 0 and the maximum where the source lists no level."""
        if not self.levels:
            return (0.0, self.max_points)
        return tuple(sorted({level.points for level in self.levels}))

    def minimum_for(self, stars: int) -> float | None:
        """The least points this criterion needs for a star rating, or None when it sets no minimum."""
        marks = [level.points for level in self.levels if level.star_minimum and level.star_minimum <= stars]
        return max(marks) if marks else None


@dataclass(frozen=True)
class Sheet:
    """An item-level scoring sheet of one product set under one scheme."""

    scheme: str
    product_set: int
    name_vi: str
    criteria: tuple[Criterion, ...]
    notes: tuple[str, ...]

    def for_case(self, case: int = 1) -> tuple[Criterion, ...]:
        """The criteria that count: of the "Trường hợp 1/2" pairs, only the chosen case."""
        if case not in CASES:
            raise CriteriaError(_("The case is 1 or 2, you gave {value!r}.").format(value=case))
        keep = []
        for item in self.criteria:
            match = CASE_CODE.match(item.code)
            if match is None or not item.name_vi.startswith("Trường hợp") or match["case"] == CASES[case]:
                keep.append(item)
        return tuple(keep)

    @property
    def has_cases(self) -> bool:
        """True when the sheet asks which case applies (community or tourist site)."""
        return len(self.for_case(1)) < len(self.criteria)

    def part_totals(self, case: int = 1) -> dict[str, float]:
        """The maximum points of parts A, B and C as the criteria add up."""
        totals = dict.fromkeys(criteria.PARTS, 0.0)
        for item in self.for_case(case):
            totals[item.part] += item.max_points
        return totals

    def section_totals(self, case: int = 1) -> dict[str, float]:
        """The maximum points of each section ("1. TỔ CHỨC SẢN XUẤT" ...), in the sheet's order."""
        totals: dict[str, float] = {}
        for item in self.for_case(case):
            totals[item.section_vi] = totals.get(item.section_vi, 0.0) + item.max_points
        return totals

    @property
    def missing(self) -> dict[str, float]:
        """Points a part lacks against its maximum (A 40 / B 25 / C 35): criteria the transcription misses."""
        totals = self.part_totals()
        return {part: top - totals[part] for part, top in part_maxima(self.scheme).items() if totals[part] < top}


# --------------------------------------------------------------------------- the registry


@functools.lru_cache(maxsize=1)
def schemes() -> dict[str, SchemeInfo]:
    """Return the dated schemes, oldest first, keyed by code (``"26/2026"`` ...)."""
    table = datasets.load("ocop_scheme_registry").fillna("")
    return {
        row.scheme: SchemeInfo(
            row.scheme,
            row.decision_vi,
            pd.Timestamp(row.signed),
            pd.Timestamp(row.in_force_from),
            pd.Timestamp(row.in_force_until) if row.in_force_until else None,
            row.sheets_of,
            row.confidence,
            row.note_en,
            row.source,
        )
        for row in table.itertuples()
    }


def scheme(code: str) -> SchemeInfo:
    """Return one scheme, or say which codes exist."""
    return criteria.known_scheme(schemes(), code)


def schemes_in_force(day) -> list[str]:
    """Return the codes of every scheme that applied on a day, newest first.

    Two can apply at once: from 22/05/2026, for sixty days, 26/2026 and 148 as
    amended by 1489 both stand (dossiers filed before are finished under the old rules).
    """
    when = pd.Timestamp(day)
    return [code for code, info in reversed(schemes().items()) if info.in_force_on(when)]


def scheme_in_force(day=None) -> str:
    """Return the newest scheme that applied on a day (today by default).

    Raises
    ------
    CriteriaError
        For a day before the national criteria of 21/08/2019.
    """
    found = schemes_in_force(pd.Timestamp.today().normalize() if day is None else day)
    if not found:
        raise CriteriaError(_("{date} is before the national OCOP criteria (21/08/2019).").format(date=day))
    return found[0]


def course_scheme() -> str:
    """Return the scheme the course teaches and scores with.

    ``course/settings.toml`` (``[criteria] scheme``) lets a trainer choose it,
    for instance a cohort finishing dossiers under the old rules; ``"in-force"``
    or no setting means the newest scheme in force today.
    """
    chosen = "in-force"
    if SETTINGS_FILE.exists():
        with SETTINGS_FILE.open("rb") as handle:
            chosen = tomllib.load(handle).get("criteria", {}).get("scheme", chosen)
    return scheme_in_force() if chosen == "in-force" else scheme(chosen).code


# --------------------------------------------------------------------------- product sets and sheets


@functools.lru_cache(maxsize=1)
def product_sets() -> pd.DataFrame:
    """Return Phụ lục I: the 26 product sets, their groups and their lead ministries."""
    return datasets.load("ocop_product_sets").fillna("").set_index("product_set")


def sets_with_sheets(code: str) -> list[int]:
    """Return the product sets the kit has an item-level sheet for under a scheme."""
    sheets_of = scheme(code).sheets_of
    if sheets_of == "1048/2019":
        return [1]
    table = _sheet_rows()
    return sorted(table.loc[table["scheme"] == sheets_of, "product_set"].unique().tolist())


def set_label(number: int) -> str:
    """Name a product set as Phụ lục I does: ``"4. Mật ong, mật khác và nông sản thực phẩm khác"``."""
    return f"{number}. {product_sets().loc[number, 'set_name_vi']}"


@functools.lru_cache(maxsize=1)
def _sheet_rows() -> pd.DataFrame:
    return datasets.load("ocop_scoring_sheets")


@functools.cache
def sheet(code: str, product_set: int) -> Sheet:
    """Return the item-level sheet of a product set under a scheme.

    Raises
    ------
    CriteriaError
        When the kit has no sheet for that set under that scheme; the message
        names the sets it has.
    """
    sheets_of = scheme(code).sheets_of
    if product_set not in sets_with_sheets(code):
        raise CriteriaError(
            _("The kit has no scoring sheet of {scheme} for product set {number}; it has sets {known}.").format(
                scheme=code, number=product_set, known=", ".join(map(str, sets_with_sheets(code)))
            )
        )
    if sheets_of == "1048/2019":
        return _sheet_2019(code)
    rows = _sheet_rows()
    rows = rows[(rows["scheme"] == sheets_of) & (rows["product_set"] == product_set)]
    items, notes = [], []
    for item_code, levels in rows.groupby("item_code", sort=False):
        item, note = _criterion(item_code, levels)
        items.append(item)
        notes += note
    return Sheet(code, product_set, set_label(product_set), tuple(items), tuple(notes))


def _criterion(code: str, levels: pd.DataFrame) -> tuple[Criterion, list[str]]:
    """One criterion from its level rows; levels above the maximum are counted at it, and noted."""
    first = levels.iloc[0]
    top = float(first.max_points)
    found, notes = [], []
    for row in levels.itertuples():
        if pd.isna(row.level_points):
            continue
        points = float(row.level_points)
        if points > top:
            notes.append(
                _(
                    "{code}: the source gives {points:g} points for a level of a criterion worth {top:g}; "
                    "counted as {top:g}."
                ).format(code=code, points=points, top=top)
            )
            points = top
        text = row.level_description_vi if isinstance(row.level_description_vi, str) else ""
        mark = STAR_MARK.search(text)
        found.append(Level(points, text, len(mark[1]) if mark else None))
    # A few criteria of the 148 honey sheet have no name of their own: their section names them.
    name = (
        first.item_vi if isinstance(first.item_vi, str) and first.item_vi else re.sub(r"^\d+\.\s*", "", first.sub_part)
    )
    return Criterion(code, first.part.strip()[0], first.sub_part, name, top, tuple(found)), notes


def _sheet_2019(code: str) -> Sheet:
    """The 2019 fresh-produce sheet, whose criteria give any whole points in a range."""
    items = tuple(
        Criterion(
            item.code,
            item.part,
            item.group_vi,
            item.name_vi,
            float(item.max_points),
            tuple(Level(float(p), item.levels_vi, None) for p in range(item.min_points, item.max_points + 1)),
        )
        for item in criteria.scoring_sheet()
    )
    return Sheet(code, 1, set_label(1), items, ())


# --------------------------------------------------------------------------- scoring


def score(points: Mapping[str, float], code: str, product_set: int, case: int = 1) -> criteria.Assessment:
    """Score a product criterion by criterion, with the star minimums of the sheet.

    Parameters
    ----------
    points : mapping
        Points per criterion code (``{"A.1.1": 3, ...}``); a criterion left
        out counts at its lowest level. Each value must be one of the
        criterion's levels.
    code : str
        The scheme, e.g. ``"26/2026"``.
    product_set : int
        The product set of Phụ lục I (1 fresh produce, 4 honey, 9 fish sauce,
        11 tea, 21 handicraft, 26 community tourism).
    case : {1, 2}
        For the tourism sheet: 1 community-provided service, 2 tourist site or
        service of an organisation.

    Returns
    -------
    ocopkit.criteria.Assessment
        ``stars`` is the lower of ``band_stars`` (the band of the total) and
        the highest star whose minimums all hold; ``unmet`` names what holds
        the next star back.

    Raises
    ------
    CriteriaError
        For an unknown code, a criterion of the other case, or points that are
        not one of a criterion's levels.

    Examples
    --------
    >>> result = score({}, "26/2026", 4)   # every criterion at its lowest level
    >>> result.total, result.stars
    (16, 1)
    """
    chosen = sheet(code, product_set)
    items = {item.code: item for item in chosen.for_case(case)}
    unknown = sorted(set(points) - set(items))
    if unknown:
        raise CriteriaError(
            _("Unknown criterion code(s): {codes}. Check the codes on the sheet.").format(
                codes=", ".join(map(str, unknown))
            )
        )
    checked = {c: _check_level(item, points.get(c, item.allowed_points[0])) for c, item in items.items()}
    totals = dict.fromkeys(criteria.PARTS, 0.0)
    for c, value in checked.items():
        totals[items[c].part] += value
    total = sum(totals.values())
    band = criteria.star_for(total)
    stars = min(band, _stars_minimums_allow(checked, items.values()))
    return criteria.Assessment(
        code,
        {p: criteria.tidy_points(v) for p, v in totals.items()},
        part_maxima(code),
        criteria.tidy_points(total),
        stars,
        criteria.band_for(stars).recognised,
        criteria.points_to_next_star(total) if stars == band else None,
        checked,
        band_stars=band,
        unmet=tuple(unmet_minimums(checked, items.values(), stars + 1)) if stars < 5 else (),
        product_set=product_set,
    )


def part_maxima(code: str) -> dict[str, int]:
    """The maximum points of parts A, B and C under a scheme (1489 keeps those of 148)."""
    return {part: info.max_points for part, info in criteria.get_scheme(scheme(code).sheets_of).parts.items()}


def _check_level(item: Criterion, value) -> float:
    """Return points that are one of the criterion's levels, or say which are."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or float(value) not in item.allowed_points:
        raise CriteriaError(
            _("Criterion {code} gives {levels} points, you gave {value!r}.").format(
                code=item.code, levels=", ".join(f"{p:g}" for p in item.allowed_points), value=value
            )
        )
    return float(value)


def _stars_minimums_allow(points: Mapping[str, float], items) -> int:
    """The highest star (2 to 5) whose minimums every criterion reaches."""
    allowed = 2
    for stars in (3, 4, 5):
        if unmet_minimums(points, items, stars):
            break
        allowed = stars
    return allowed


def unmet_minimums(points: Mapping[str, float], items, stars: int) -> list[tuple[str, int, float]]:
    """Return ``(code, stars, minimum)`` for each criterion below its minimum for that star (3 to 5)."""
    unmet = []
    for item in items:
        needed = item.minimum_for(stars)
        if needed is not None and points[item.code] < needed:
            unmet.append((item.code, stars, criteria.tidy_points(needed)))
    return unmet


def criteria_table(code: str, product_set: int, case: int = 1) -> pd.DataFrame:
    """Return a sheet's criteria as a table, with the minimum each star asks.

    Parameters
    ----------
    code : str
        The scheme, e.g. ``"26/2026"``.
    product_set : int
        The product set of Phụ lục I.
    case : {1, 2}
        For the tourism sheet, the case that counts.

    Returns
    -------
    pandas.DataFrame
        One row per criterion: code, part, section, criterion, maximum and the
        least points for 3★, 4★ and 5★ (an empty text where the criterion sets none),
        headed in the current language. ``attrs["scheme"]`` names the decision.
    """
    rows = [
        (
            item.code,
            item.part,
            item.section_vi,
            item.name_vi.split(" [")[0].strip(),
            criteria.tidy_points(item.max_points),
            *(criteria.tidy_points(m) if (m := item.minimum_for(stars)) is not None else "" for stars in (3, 4, 5)),
        )
        for item in sheet(code, product_set).for_case(case)
    ]
    headers = [_("Code"), _("Part"), _("Section of the sheet"), _("Criterion"), _("Maximum")]
    headers += [_("Minimum for {stars}★").format(stars=stars) for stars in (3, 4, 5)]
    table = pd.DataFrame(rows, columns=headers)
    table.attrs["scheme"] = scheme(code).label
    return table
