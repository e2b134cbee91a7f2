"""The OCOP programme: its decisions, annual cycle, product groups and national figures.

OCOP began in Quảng Ninh in 2013 and became a national programme with
Decision 490/QĐ-TTg (2018). Decisions 1048/QĐ-TTg (2019) and 148/QĐ-TTg (2023)
set the criteria, 919/QĐ-TTg (2022) the programme for 2021–2025, and
1489/QĐ-TTg (2025) adapted rating to the two-level local government;
26/2026/QĐ-TTg (22/05/2026; known from a transcription not yet checked
against the gazette) replaced 148 and 1489. Each year follows six steps, and
products fall into six groups. A certificate is valid for 36 months.

Everything here is read from ``datasets/`` (``ocop_programme_decisions.csv``,
``ocop_cycle_steps.csv``, ``ocop_product_groups.csv``,
``ocop_national_products.csv``), whose sources are given row by row and in
``datasets/README.md``. The calculations (growth, shares by star, products a
province still needs) are the ones Topic 1 teaches.

See Also
--------
ocopkit.widgets.programme.OcopNationalFigures : the national figures, date by date.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import math
import numbers
from dataclasses import dataclass, field

import pandas as pd

from . import datasets
from .i18n import _, get_language

CERTIFICATE_MONTHS = 36
# Star classes of the national figures: key, column of counts, column of shares.
STAR_CLASSES = (
    ("3", "sp_3_sao", "ty_le_3_sao"),
    ("4", "sp_4_sao", "ty_le_4_sao"),
    ("potential_5", "sp_tiem_nang_5_sao", "ty_le_tiem_nang_5_sao"),
    ("5", "sp_5_sao", "ty_le_5_sao"),
)
# Shares that miss or pass 100 % by at most this many points are rounding, not a gap to explain.
ROUNDING_POINTS = 0.5


class ProgrammeError(ValueError):
    """A figure or a choice that the OCOP programme does not allow."""


def _pick(vi: str, en: str) -> str:
    """Return the text of the current language."""
    return vi if get_language() == "vi" else en


@dataclass(frozen=True)
class Decision:
    """A milestone of the programme: a decision of the Prime Minister, or its start."""

    date: str
    decision: str
    signed_by: str
    title_vi: str
    title_en: str
    what_vi: str
    what_en: str
    source: str

    @property
    def title(self) -> str:
        """The milestone's title in the current language."""
        return _pick(self.title_vi, self.title_en)

    @property
    def what(self) -> str:
        """What the decision did, in the current language."""
        return _pick(self.what_vi, self.what_en)


@dataclass(frozen=True)
class CycleStep:
    """One of the six steps of the annual OCOP cycle."""

    number: int
    name_vi: str
    name_en: str
    what_vi: str
    what_en: str
    timing_vi: str
    timing_en: str
    source_url: str

    @property
    def name(self) -> str:
        """The step's name in the current language."""
        return _pick(self.name_vi, self.name_en)

    @property
    def what(self) -> str:
        """What happens in the step, in the current language."""
        return _pick(self.what_vi, self.what_en)

    @property
    def timing(self) -> str:
        """When the step falls in Quảng Ninh's year, in the current language."""
        return _pick(self.timing_vi, self.timing_en)


@dataclass(frozen=True)
class ProductGroup:
    """One of the six product groups of Decision 148/QĐ-TTg."""

    number: int
    name_vi: str
    name_en: str
    contents_vi: str
    subgroups: tuple[str, ...]
    examples_vi: str
    source_url: str

    @property
    def name(self) -> str:
        """The group's name in the current language."""
        return _pick(self.name_vi, self.name_en)


@dataclass(frozen=True)
class Snapshot:
    """The national figures of one date, as one source reported them.

    Attributes
    ----------
    as_of : str
        Date of the figure as in the data: ``"2022-12-31"``, or ``"2021-12"``
        when the source gives only the month.
    products : int
        Products rated 3★ and above.
    approximate : bool
        True when the source says "more than".
    shares : dict
        Percent of products by star class (``"3"``, ``"4"``, ``"potential_5"``,
        ``"5"``); only the classes the source allows.
    basis : str
        ``"printed"`` (shares as printed), ``"counts"`` (computed from printed
        counts), ``"mixed"`` or ``"none"`` (no breakdown).
    unexplained : float
        100 minus the shares: products the source leaves without a star, or
        (negative) components that add up to more than the total.
    provinces : int or None
        Provinces that had rated products, when given.
    source_url, note : str
        Where the figure was read and what to know about it.
    """

    as_of: str
    products: int
    approximate: bool
    shares: dict[str, float] = field(default_factory=dict)
    basis: str = "none"
    unexplained: float = 0.0
    provinces: int | None = None
    source_url: str = ""
    note: str = ""

    @property
    def shares_total(self) -> float:
        """The shares by star added up, in percent (100 minus what is unexplained); 0 without shares."""
        return 100 - self.unexplained if self.shares else 0.0

    @property
    def breakdown(self) -> str:
        """How the shares add up: ``"none"`` (no shares), ``"complete"`` (to 100 % within rounding),
        ``"partial"`` (part of the total not broken down) or ``"over"`` (more than the total)."""
        if not self.shares:
            return "none"
        if self.unexplained > ROUNDING_POINTS:
            return "partial"
        return "over" if self.unexplained < -ROUNDING_POINTS else "complete"


@functools.lru_cache(maxsize=1)
def decisions() -> tuple[Decision, ...]:
    """Return the programme's milestones, oldest first (Quảng Ninh 2013 to Decision 26/2026)."""
    table = datasets.load("ocop_programme_decisions").fillna("")
    return tuple(
        Decision(
            row.date, row.decision, row.signed_by, row.title_vi, row.title_en, row.what_vi, row.what_en, row.source
        )
        for row in table.itertuples()
    )


@functools.lru_cache(maxsize=1)
def cycle_steps() -> tuple[CycleStep, ...]:
    """Return the six steps of the annual OCOP cycle, in order."""
    table = datasets.load("ocop_cycle_steps")
    return tuple(
        CycleStep(
            int(row.step),
            row.name_vi,
            row.name_en,
            row.what_vi,
            row.what_en,
            row.timing_vi,
            row.timing_en,
            row.source_url,
        )
        for row in table.itertuples()
    )


@functools.lru_cache(maxsize=1)
def product_groups() -> tuple[ProductGroup, ...]:
    """Return the six product groups of Decision 148/QĐ-TTg, numbered 1 to 6."""
    table = datasets.load("ocop_product_groups").fillna("")
    return tuple(
        ProductGroup(
            int(row.group),
            row.name_vi,
            row.name_en,
            row.contents_vi,
            tuple(s.strip() for s in row.subgroups_vi.split(";") if s.strip()),
            row.examples_vi,
            row.source_url,
        )
        for row in table.itertuples()
    )


def product_group(number: int) -> ProductGroup:
    """Return a product group by its number, 1 (food) to 6 (tourism services).

    Raises
    ------
    ProgrammeError
        For anything but a whole number from 1 to 6.
    """
    for group in product_groups():
        if group.number == number and not isinstance(number, bool):
            return group
    raise ProgrammeError(_("A product group is a whole number from 1 to 6, you gave {value!r}.").format(value=number))


def national_products() -> pd.DataFrame:
    """Return the national figures, one row per source figure, in date order.

    Returns
    -------
    pandas.DataFrame
        ``ocop_national_products`` with counts as nullable whole numbers and a
        ``date`` column (a month-only date falls on the 1st, for charts).
    """
    table = datasets.load("ocop_national_products")
    counts = ["sp_3_sao", "sp_4_sao", "sp_tiem_nang_5_sao", "sp_5_sao", "so_tinh"]
    table[counts] = table[counts].astype("Int64")
    table["date"] = pd.to_datetime(table["ngay_so_lieu"], format="ISO8601")
    return table.sort_values("date", kind="stable").reset_index(drop=True)


def as_of_dates() -> list[str]:
    """Return the dates of the national figures, oldest first."""
    return national_products()["ngay_so_lieu"].tolist()


def star_shares(row) -> tuple[dict[str, float], str]:
    """Return the percent of products by star class of one row, and how it was found.

    Printed shares are used as printed; a class with only a count gets
    ``count / products × 100``, rounded to two decimals.

    Parameters
    ----------
    row : mapping or pandas.Series
        One row of :func:`national_products`.

    Returns
    -------
    tuple
        ``({"3": 65.5, "4": 33.6, ...}, basis)`` with basis ``"printed"``,
        ``"counts"``, ``"mixed"`` or ``"none"``.
    """
    shares, kinds = {}, set()
    for key, count_column, share_column in STAR_CLASSES:
        if not pd.isna(row[share_column]):
            shares[key] = float(row[share_column])
            kinds.add("printed")
        elif not pd.isna(row[count_column]):
            shares[key] = round(float(row[count_column]) / float(row["so_san_pham"]) * 100, 2)
            kinds.add("counts")
    if len(kinds) > 1:
        return shares, "mixed"
    return shares, kinds.pop() if kinds else "none"


def snapshot(as_of: str) -> Snapshot:
    """Return the national figures of one date.

    Parameters
    ----------
    as_of : str
        A value of the ``ngay_so_lieu`` column, e.g. ``"2022-12-31"``.

    Raises
    ------
    ProgrammeError
        For a date that is not in the data; the message lists the dates.
    """
    table = national_products()
    rows = table[table["ngay_so_lieu"] == as_of]
    if rows.empty:
        raise ProgrammeError(
            _("There are no national figures for {value!r}. Choose one of: {known}.").format(
                value=as_of, known=", ".join(table["ngay_so_lieu"])
            )
        )
    row = rows.iloc[0]
    shares, basis = star_shares(row)
    provinces = None if pd.isna(row["so_tinh"]) else int(row["so_tinh"])
    unexplained = round(100 - sum(shares.values()), 2) if shares else 0.0
    return Snapshot(
        as_of,
        int(row["so_san_pham"]),
        bool(row["xap_xi"]),
        shares,
        basis,
        unexplained,
        provinces,
        row["source_url"],
        row["ghi_chu"] if not pd.isna(row["ghi_chu"]) else "",
    )


def producer_types() -> dict[str, str]:
    """Return the share columns of ``ocop_national_producers`` and the kinds of producer they count."""
    return {
        "ty_le_htx": _("Cooperatives"),
        "ty_le_doanh_nghiep": _("Enterprises"),
        "ty_le_ho_kinh_doanh": _("Households"),
        "ty_le_to_hop_tac": _("Cooperative groups"),
    }


def producer_shares(table: pd.DataFrame) -> pd.DataFrame:
    """Return the producers' shares by kind for each date the sources break down, and what they leave out.

    Parameters
    ----------
    table : pandas.DataFrame
        ``datasets.load("ocop_national_producers")``.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``ngay_so_lieu``, oldest first: one column per kind of
        :func:`producer_types` in percent (0 where the source gives none), and
        ``khong_ro``, the part of 100 % the source does not give.
    """
    kinds = list(producer_types())
    shares = table.dropna(subset=kinds, how="all").set_index("ngay_so_lieu")[kinds].fillna(0)
    shares["khong_ro"] = (100 - shares.sum(axis=1)).clip(lower=0)
    return shares


def _check_count(value, what: str, allow_zero: bool = True) -> int:
    """Return a number of products checked to be a whole number, not negative."""
    whole = isinstance(value, numbers.Real) and not isinstance(value, bool) and float(value).is_integer()
    if not whole:
        raise ProgrammeError(
            _("{what} should be a whole number of products, you gave {value!r}.").format(what=what, value=value)
        )
    if value < 0 or (value == 0 and not allow_zero):
        raise ProgrammeError(_("{what} should be more than zero, you gave {value!r}.").format(what=what, value=value))
    return int(value)


def growth_pct(start: int, end: int) -> float:
    """Return the growth from one figure to a later one, in percent.

    Parameters
    ----------
    start, end : int
        Products at the earlier and at the later date.

    Returns
    -------
    float
        ``(end - start) / start × 100``; negative for a fall.

    Examples
    --------
    >>> round(growth_pct(5401, 8689), 2)
    60.88
    """
    start = _check_count(start, _("The earlier figure"), allow_zero=False)
    end = _check_count(end, _("The later figure"))
    return (end - start) / start * 100


def products_needed(target: int, current: int) -> int:
    """Return how many more products of 3★ and above reach a target (0 when reached).

    Examples
    --------
    >>> products_needed(150, 89)
    61
    """
    return max(0, _check_count(target, _("The target")) - _check_count(current, _("The current number")))


def per_round(needed: int, rounds: int) -> int:
    """Return the new products each rating round must bring, rounded up.

    Rounding down would leave the target one product short, so a province that
    needs 61 products in 3 rounds plans 21 a round, not 20.

    Examples
    --------
    >>> per_round(61, 3)
    21
    """
    needed = _check_count(needed, _("The number still needed"))
    rounds = _check_count(rounds, _("The number of rounds"), allow_zero=False)
    return math.ceil(needed / rounds)


def certificate_expiry(recognised_on: dt.date) -> dt.date:
    """Return the day an OCOP certificate expires, 36 months after it was issued.

    A certificate issued on a day the expiry month lacks (31 August → February)
    expires on that month's last day.

    Examples
    --------
    >>> certificate_expiry(dt.date(2023, 12, 15))
    datetime.date(2026, 12, 15)
    """
    if not isinstance(recognised_on, dt.date):
        raise ProgrammeError(
            _("Give the date as datetime.date(year, month, day), you gave {value!r}.").format(value=recognised_on)
        )
    months = recognised_on.month - 1 + CERTIFICATE_MONTHS
    year, month = recognised_on.year + months // 12, months % 12 + 1
    day = min(recognised_on.day, calendar.monthrange(year, month)[1])
    return dt.date(year, month, day)


def is_certificate_valid(recognised_on: dt.date, on: dt.date) -> bool:
    """Return True when a certificate issued on ``recognised_on`` is still valid on ``on``."""
    return recognised_on <= on < certificate_expiry(recognised_on)


def format_as_of(as_of: str) -> str:
    """Return a date of the data as people write it: ``31/12/2022`` or ``12/2021`` in Vietnamese."""
    parts = as_of.split("-")
    if get_language() != "vi":
        return as_of
    return "/".join(reversed(parts))


def star_label(key: str) -> str:
    """Return the label of a star class: ``3★``, ``4★``, ``5★`` or "potential 5★"."""
    return _("potential 5★") if key == "potential_5" else f"{key}★"
