"""A community-tourism cooperative: sharing the surplus, carrying capacity, low season and a dashboard.

A community-tourism cooperative (*hợp tác xã du lịch cộng đồng*) gathers the
households of a village that host, feed and guide visitors. This module does
the arithmetic its managers and the OCOP officers who advise them need; the
choices (the shares written in the charter, the space each visitor needs, the
targets of the dashboard) stay with them.

How the arithmetic works
------------------------
Sharing the surplus
    The charter (*điều lệ*) sets the shares. First the funds are set aside,
    each a share of the surplus: a **development fund** kept by the
    cooperative and a **community development fund** for the whole village.
    What is left goes to the members: one part **by patronage** (the value of
    the services each household provided to guests through the cooperative)
    and the rest **by capital** (each household's contribution). The shares
    in :class:`SharingRules` are examples of a charter's choices, not figures
    of the Law on Cooperatives.
Whole đồng
    Every amount is a whole number of đồng and the parts add up to the
    surplus exactly. Each split uses the largest-remainder method: every part
    gets the whole đồng of its exact share, and the đồng left over go one each
    to the parts with the largest fractions, ties to the earlier part.
Carrying capacity
    The physical carrying capacity of a site (after Cifuentes, 1992): the
    visitors who fit at one time (usable area ÷ area one visitor needs) times
    the **rotation factor** (hours open a day ÷ hours of an average visit).
    Each correction factor (rainy days, a fragile spot) takes its share off;
    the largest whole number of visitors within that is the daily maximum.
Break-even
    A month is below break-even when its revenue does not cover its fixed
    and variable costs.

Examples
--------
>>> from ocopkit import datasets, tourism_coop
>>> members = datasets.load("topic07_members")
>>> sharing = tourism_coop.share_surplus(350_000_000, members)
>>> sharing.community_fund, int(sharing.table["tong_duoc_chia"].sum())
(35000000, 245000000)
>>> tourism_coop.carrying_capacity(300, 5, open_hours=8, visit_hours=2).max_daily_visitors
240

See Also
--------
ocopkit.widgets.tourism_coop.TourismCoopCalculator : the interactive calculator.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import pandas as pd

from .errors import InputError, check_non_negative, check_number, check_positive, check_range, check_rate
from .i18n import _, format_money, format_number, format_percent
from .spreadsheet import frame_csv

# Column names, the same as in the course datasets and exercises.
NAME_COLUMN, CAPITAL_COLUMN, PATRONAGE_COLUMN = "ho_thanh_vien", "von_gop", "gia_tri_giao_dich"
BY_CAPITAL_COLUMN, BY_PATRONAGE_COLUMN, TOTAL_COLUMN = "theo_von", "theo_giao_dich", "tong_duoc_chia"
MONTH_COLUMN, VISITORS_COLUMN, BUSIEST_DAY_COLUMN = "thang", "so_khach", "khach_ngay_cao_nhat"
REVENUE_COLUMN, FIXED_COLUMN, VARIABLE_COLUMN = "doanh_thu", "chi_phi_co_dinh", "chi_phi_bien_doi"
COST_COLUMN, RESULT_COLUMN = "chi_phi", "lai_lo"
MAX_CORRECTION = 0.99
HOURS_IN_A_DAY = 24


# --------------------------------------------------------------------------- rounding


def split_whole(amount: int, weights: Sequence[float]) -> list[int]:
    """Split a whole amount in proportion to weights, in whole units that add up exactly.

    Use it whenever money is shared out: rounding each share on its own can
    leave a đồng too many or too few.

    Parameters
    ----------
    amount : int
        The whole amount to split (đồng), zero or more.
    weights : sequence of float, int or Fraction
        One weight per part, zero or more, at least one above zero.

    Returns
    -------
    list of int
        One whole amount per part, summing to ``amount``.

    Notes
    -----
    Largest remainder: each part gets the whole units of its exact share
    ``amount × weight ÷ total``; the units left over go one each to the parts
    with the largest fractional remainders, ties to the earlier part. The
    shares are computed with exact fractions, so the result never depends on
    floating-point rounding.
    """
    exact = [_exact(weight) for weight in weights]
    total = sum(exact)
    if total <= 0:
        raise InputError(_("At least one weight must be above zero to split an amount."), "weights")
    if isinstance(amount, bool) or not isinstance(amount, numbers.Integral) or amount < 0:
        raise InputError(
            _("Only a whole amount of zero or more can be split, you gave {value}.").format(value=amount), "amount"
        )
    amount = int(amount)
    quotas = [amount * weight / total for weight in exact]
    parts = [math.floor(quota) for quota in quotas]
    left_over = amount - sum(parts)
    order = sorted(range(len(parts)), key=lambda index: (-(quotas[index] - parts[index]), index))
    for index in order[:left_over]:
        parts[index] += 1
    return parts


def _exact(weight) -> Fraction:
    """A weight of zero or more as an exact fraction: 0.7 as 7/10, as written, not its binary approximation."""
    if isinstance(weight, Fraction):
        exact = weight
    elif isinstance(weight, numbers.Integral) and not isinstance(weight, bool):
        exact = Fraction(int(weight))
    else:
        exact = Fraction(repr(check_non_negative(weight, "weights", _("A weight"))))
    if exact < 0:
        raise InputError(_("A weight cannot be negative, you gave {value}.").format(value=weight), "weights")
    return exact


# --------------------------------------------------------------------------- sharing rules


@dataclass(frozen=True)
class SharingRules:
    """How a cooperative's charter shares out a year's surplus.

    The defaults are the example charter of the course: they are a
    cooperative's own choices, to be checked against the Law on Cooperatives
    and its decrees, not figures taken from the law.

    Parameters
    ----------
    development_fund : float
        Share of the surplus kept in the cooperative's development fund, as a
        fraction (0.20 for 20 %).
    community_fund : float
        Share of the surplus put in the community development fund.
    by_patronage : float
        Share of the members' part shared by patronage; the rest is shared by
        capital.

    Raises
    ------
    InputError
        For a share that is not a fraction from 0 to 1 (``20`` for 20 % is
        caught and explained), or funds that add up to more than the surplus.
    """

    development_fund: float = 0.20
    community_fund: float = 0.10
    by_patronage: float = 0.70

    def __post_init__(self):
        for name, label in _rule_labels().items():
            object.__setattr__(self, name, check_rate(getattr(self, name), name, label, 0, 1))
        funds = self.development_fund + self.community_fund
        if funds > 1 + 1e-12:
            raise InputError(
                _("The two funds take {total} of the surplus: together they can take at most 100%.").format(
                    total=format_percent(funds, None)
                ),
                "community_fund",
            )

    @property
    def to_members(self) -> float:
        """Share of the surplus left for the members once the funds are set aside."""
        return max(0.0, 1 - self.development_fund - self.community_fund)

    @property
    def by_capital(self) -> float:
        """Share of the members' part shared by capital."""
        return 1 - self.by_patronage


def _rule_labels() -> dict[str, str]:
    """The translated name of each share, for messages."""
    return {
        "development_fund": _("Share for the development fund"),
        "community_fund": _("Share for the community development fund"),
        "by_patronage": _("Share of the members' part by patronage"),
    }


# --------------------------------------------------------------------------- members


def _require_columns(table, columns: Sequence[str], what: str, field_name: str) -> None:
    """A table with the columns a calculation needs, or a message naming the missing ones."""
    if not isinstance(table, pd.DataFrame):
        raise InputError(
            _("The {what} must be a table (a pandas DataFrame) with the columns {columns}.").format(
                what=what, columns=", ".join(columns)
            ),
            field_name,
        )
    missing = [column for column in columns if column not in table.columns]
    if missing:
        raise InputError(
            _("The {what} table has no column {missing}; it needs {columns}.").format(
                what=what, missing=", ".join(missing), columns=", ".join(columns)
            ),
            field_name,
        )
    if table.empty:
        raise InputError(_("The {what} table is empty.").format(what=what), field_name)


def _check_amounts(values, label: str, field_name: str, names) -> list[float]:
    """Each value a number of zero or more; the message names the row."""
    checked = []
    for name, value in zip(names, values):
        row_label = _("{label} of {name}").format(label=label, name=name)
        if value is None or (isinstance(value, float) and math.isnan(value)):
            raise InputError(_("{label} is empty: enter 0 if there is none.").format(label=row_label), field_name)
        checked.append(check_non_negative(value.item() if hasattr(value, "item") else value, field_name, row_label))
    return checked


def check_members(
    members: pd.DataFrame,
    name_column: str = NAME_COLUMN,
    capital_column: str = CAPITAL_COLUMN,
    patronage_column: str = PATRONAGE_COLUMN,
) -> pd.DataFrame:
    """Return the members' names, capital and patronage, checked, in the order given.

    Parameters
    ----------
    members : pandas.DataFrame
        One row per member: a name, the capital contributed (đồng) and the
        value of the services provided through the cooperative (đồng).
    name_column, capital_column, patronage_column : str
        The columns to read.

    Returns
    -------
    pandas.DataFrame
        Columns ``ho_thanh_vien``, ``von_gop`` and ``gia_tri_giao_dich``.

    Raises
    ------
    InputError
        For a missing column, an empty table, a member without a name or
        named twice, or an amount that is empty, text or negative.
    """
    _require_columns(members, [name_column, capital_column, patronage_column], _("members"), "members")
    names = [str(name).strip() if isinstance(name, str) else "" for name in members[name_column]]
    if "" in names:
        raise InputError(
            _("Member {number} has no name: every member needs one.").format(number=names.index("") + 1), "members"
        )
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        raise InputError(
            _("Each member can appear only once; named more than once: {names}.").format(names=", ".join(twice)),
            "members",
        )
    capital = _check_amounts(members[capital_column], _("Capital contribution"), "members", names)
    patronage = _check_amounts(
        members[patronage_column], _("Value of services through the cooperative"), "members", names
    )
    return pd.DataFrame(
        {
            NAME_COLUMN: names,
            CAPITAL_COLUMN: _whole_if_possible(capital),
            PATRONAGE_COLUMN: _whole_if_possible(patronage),
        }
    )


def _whole_if_possible(values: list[float]) -> pd.Series:
    """Amounts as whole numbers when they all are (đồng usually are), else as they came."""
    series = pd.Series(values, dtype=float)
    return series.astype("int64") if all(value.is_integer() for value in values) else series


def check_surplus(surplus) -> int:
    """Return the surplus as whole đồng, or explain why it cannot be shared.

    Raises
    ------
    InputError
        For text, or a loss (a negative surplus), which is not shared out.
    """
    number = check_number(surplus, "surplus", _("The surplus"))
    if number < 0:
        raise InputError(
            _(
                "The surplus is negative ({value}): a loss is not shared out among the members; the "
                "general meeting decides how to cover it, as the charter says."
            ).format(value=format_number(number)),
            "surplus",
        )
    return int(round(number))


# --------------------------------------------------------------------------- sharing


@dataclass(frozen=True, eq=False)
class SurplusSharing:
    """A year's surplus shared out under a charter's rules, in whole đồng.

    Attributes
    ----------
    surplus : int
        The surplus shared out.
    rules : SharingRules
        The shares used.
    development_fund, community_fund : int
        The two funds.
    by_patronage, by_capital : int
        The members' part shared by patronage and by capital.
    table : pandas.DataFrame
        One row per member, in the order given: ``ho_thanh_vien``,
        ``von_gop``, ``gia_tri_giao_dich``, ``theo_von``, ``theo_giao_dich``
        and ``tong_duoc_chia`` (đồng).
    """

    surplus: int
    rules: SharingRules
    development_fund: int
    community_fund: int
    by_patronage: int
    by_capital: int
    table: pd.DataFrame = field(repr=False)

    @property
    def to_members(self) -> int:
        """What the members receive in all."""
        return self.by_patronage + self.by_capital

    def parts(self) -> dict[str, int]:
        """The four parts of the surplus by translated name; they add up to the surplus."""
        return {
            _("Development fund"): self.development_fund,
            _("Community development fund"): self.community_fund,
            _("To members by patronage"): self.by_patronage,
            _("To members by capital"): self.by_capital,
        }

    def shares(self) -> dict[str, float]:
        """The share of the surplus each part takes under the rules, by the names of :meth:`parts`."""
        rules = self.rules
        return dict(
            zip(
                self.parts(),
                (
                    rules.development_fund,
                    rules.community_fund,
                    rules.to_members * rules.by_patronage,
                    rules.to_members * rules.by_capital,
                ),
            )
        )

    def export_table(self) -> pd.DataFrame:
        """Return each member's figures and share under translated headers, as the calculator's CSV has them."""
        labels = {
            NAME_COLUMN: _("Household"),
            CAPITAL_COLUMN: _("Capital contributed"),
            PATRONAGE_COLUMN: _("Services through the cooperative"),
            BY_CAPITAL_COLUMN: _("By capital"),
            BY_PATRONAGE_COLUMN: _("By patronage"),
            TOTAL_COLUMN: _("In all"),
        }
        return self.table[list(labels)].rename(columns=labels)


def _split_by(amount: int, weights: list[float], what: str) -> list[int]:
    """Split an amount by weights, or say why it cannot be when every weight is zero."""
    if amount == 0:
        return [0] * len(weights)
    if sum(weights) <= 0:
        raise InputError(
            _(
                "Every member's {what} is 0, so the part shared by {what} cannot be split: enter the "
                "figures, or set that part's share to 0."
            ).format(what=what),
            "members",
        )
    return split_whole(amount, weights)


def share_surplus(
    surplus,
    members: pd.DataFrame,
    rules: SharingRules | None = None,
    *,
    name_column: str = NAME_COLUMN,
    capital_column: str = CAPITAL_COLUMN,
    patronage_column: str = PATRONAGE_COLUMN,
) -> SurplusSharing:
    """Share a year's surplus under the charter: funds first, then members by patronage and by capital.

    Parameters
    ----------
    surplus : int or float
        The surplus to share out, in đồng; rounded to the nearest đồng.
    members : pandas.DataFrame
        One row per member with a name, the capital contributed and the value
        of the services provided through the cooperative.
    rules : SharingRules, optional
        The charter's shares; the course's example charter when omitted.
    name_column, capital_column, patronage_column : str
        The columns of ``members`` to read.

    Returns
    -------
    SurplusSharing
        The funds, the two members' parts and each member's share, in whole
        đồng that add up to the surplus.

    Raises
    ------
    InputError
        For a negative surplus, a wrong members table, or a part that cannot
        be split because every member's figure for it is 0.

    See Also
    --------
    split_whole : how the đồng are rounded.
    ocopkit.widgets.tourism_coop.TourismCoopCalculator : the interactive calculator.
    """
    rules = rules or SharingRules()
    whole = check_surplus(surplus)
    clean = check_members(members, name_column, capital_column, patronage_column)
    development, community = _exact(rules.development_fund), _exact(rules.community_fund)
    left = max(Fraction(0), 1 - development - community)  # never below 0 when the funds round to 100%
    development, community, to_members = split_whole(whole, [development, community, left])
    patronage = _exact(rules.by_patronage)
    by_patronage, by_capital = split_whole(to_members, [patronage, 1 - patronage])
    table = clean.assign(
        **{
            BY_CAPITAL_COLUMN: _split_by(by_capital, list(clean[CAPITAL_COLUMN]), _("capital")),
            BY_PATRONAGE_COLUMN: _split_by(by_patronage, list(clean[PATRONAGE_COLUMN]), _("patronage")),
        }
    )
    table[TOTAL_COLUMN] = table[BY_CAPITAL_COLUMN] + table[BY_PATRONAGE_COLUMN]
    return SurplusSharing(whole, rules, development, community, by_patronage, by_capital, table)


# --------------------------------------------------------------------------- carrying capacity


@dataclass(frozen=True)
class CarryingCapacity:
    """How many visitors a site can take in a day (physical carrying capacity, after Cifuentes 1992).

    Attributes
    ----------
    area : float
        Usable area open to visitors, m².
    area_per_visitor : float
        Area one visitor needs to move and look around comfortably, m².
    open_hours : float
        Hours the site is open a day.
    visit_hours : float
        Hours an average visit lasts.
    corrections : tuple of float
        Correction factors as fractions (0.25 takes a quarter off).
    """

    area: float
    area_per_visitor: float
    open_hours: float
    visit_hours: float
    corrections: tuple[float, ...] = ()

    @property
    def at_one_time(self) -> float:
        """Visitors who fit on the site at the same time: area ÷ area per visitor."""
        return self.area / self.area_per_visitor

    @property
    def rotation_factor(self) -> float:
        """How many visits follow one another in a day: hours open ÷ hours of a visit."""
        return self.open_hours / self.visit_hours

    @property
    def physical(self) -> float:
        """Physical carrying capacity, visitors a day: at one time × rotation factor."""
        return self.at_one_time * self.rotation_factor

    @property
    def corrected(self) -> float:
        """The physical capacity after every correction factor has taken its share off."""
        return self.physical * math.prod(1 - factor for factor in self.corrections)

    @property
    def max_daily_visitors(self) -> int:
        """The largest whole number of visitors a day within the corrected capacity."""
        return math.floor(self.corrected + 1e-9)  # 239.99999999 is 240 in exact arithmetic


def carrying_capacity(area, area_per_visitor, open_hours, visit_hours, corrections=()) -> CarryingCapacity:
    """Work out the daily carrying capacity of a site from its area, opening hours and visit length.

    Use it before promoting a site: a path or a waterfall that takes too many
    visitors at once loses what visitors come for, and wears out.

    Parameters
    ----------
    area : float
        Usable area open to visitors, m² (paths, viewpoints, yards).
    area_per_visitor : float
        Area one visitor needs, m²; the team chooses it for the site.
    open_hours : float
        Hours the site is open a day, at most 24.
    visit_hours : float
        Hours an average visit lasts, at most ``open_hours``.
    corrections : sequence of float, optional
        Correction factors as fractions, each below 1: for instance 0.25 when
        a quarter of the days are too wet for the path.

    Returns
    -------
    CarryingCapacity

    Raises
    ------
    InputError
        For a value that is not a positive number, a visit longer than the
        opening hours, an area smaller than one visitor needs, or a correction
        factor outside 0–0.99 (``25`` for 25 % is caught and explained).

    See Also
    --------
    ocopkit.widgets.tourism_coop.TourismCoopCalculator : the interactive calculator.
    """
    area = check_positive(area, "area", _("Usable area"))
    per_visitor = check_positive(area_per_visitor, "area_per_visitor", _("Area per visitor"))
    hours = check_range(
        check_positive(open_hours, "open_hours", _("Hours open a day")),
        "open_hours",
        _("Hours open a day"),
        0,
        HOURS_IN_A_DAY,
    )
    visit = check_positive(visit_hours, "visit_hours", _("Hours of a visit"))
    shown = {"visit": visit, "hours": hours, "area": area, "per": per_visitor}
    shown = {name: format_number(value, 2, trim=True) for name, value in shown.items()}
    if visit > hours:
        raise InputError(
            _("A visit of {visit} hours is longer than the {hours} hours the site is open: check both figures.").format(
                **shown
            ),
            "visit_hours",
        )
    if per_visitor > area:
        raise InputError(
            _(
                "The usable area ({area} m²) is smaller than the area one visitor needs ({per} m²): check both figures."
            ).format(**shown),
            "area",
        )
    factors = tuple(
        check_rate(factor, "corrections", _("Correction factor"), 0, MAX_CORRECTION) for factor in corrections
    )
    return CarryingCapacity(area, per_visitor, hours, visit, factors)


# --------------------------------------------------------------------------- months


def monthly_results(months: pd.DataFrame) -> pd.DataFrame:
    """Return the monthly accounts with total costs (``chi_phi``) and the month's result (``lai_lo``).

    Parameters
    ----------
    months : pandas.DataFrame
        One row per month with ``thang`` (1–12), ``doanh_thu``,
        ``chi_phi_co_dinh`` and ``chi_phi_bien_doi`` (đồng); other columns are
        kept.

    Returns
    -------
    pandas.DataFrame
        A copy, in the order given, with two more columns.

    Raises
    ------
    InputError
        For a missing column, a month that is not 1–12 or appears twice, or
        an amount that is not a number of zero or more.
    """
    _require_columns(months, [MONTH_COLUMN, REVENUE_COLUMN, FIXED_COLUMN, VARIABLE_COLUMN], _("monthly"), "months")
    labels = [_("Month {month}").format(month=month) for month in months[MONTH_COLUMN]]
    checked = [_check_month(month) for month in months[MONTH_COLUMN]]
    if len(set(checked)) < len(checked):
        raise InputError(_("Each month can appear only once in the monthly table."), "months")
    for column, label in (
        (REVENUE_COLUMN, _("Revenue")),
        (FIXED_COLUMN, _("Fixed costs")),
        (VARIABLE_COLUMN, _("Variable costs")),
    ):
        _check_amounts(months[column], label, "months", labels)
    table = months.copy()
    table[COST_COLUMN] = table[FIXED_COLUMN] + table[VARIABLE_COLUMN]
    table[RESULT_COLUMN] = table[REVENUE_COLUMN] - table[COST_COLUMN]
    return table


def check_months(months: pd.DataFrame) -> pd.DataFrame:
    """Return the monthly accounts with ``chi_phi`` and ``lai_lo``, checked for the dashboard too.

    Like :func:`monthly_results`, and the table must also have ``so_khach``
    and ``khach_ngay_cao_nhat`` (visitors on the busiest day), as whole
    numbers of zero or more.

    Raises
    ------
    InputError
        For a missing column or a wrong value; the message names it.
    """
    table = monthly_results(months)
    _require_columns(months, [VISITORS_COLUMN, BUSIEST_DAY_COLUMN], _("monthly"), "months")
    labels = [_("Month {month}").format(month=month) for month in months[MONTH_COLUMN]]
    _check_amounts(months[VISITORS_COLUMN], _("Visitors"), "months", labels)
    _check_amounts(months[BUSIEST_DAY_COLUMN], _("Visitors on the busiest day"), "months", labels)
    return table


def _check_month(month) -> int:
    """A month number from 1 to 12."""
    value = month.item() if hasattr(month, "item") else month
    number = check_number(value, "months", _("The month"))
    if not (number.is_integer() and 1 <= number <= 12):
        raise InputError(_("Months are numbered 1 to 12, the table has {value}.").format(value=value), "months")
    return int(number)


def months_below_break_even(months: pd.DataFrame) -> list[int]:
    """Return the months whose revenue does not cover their costs, in calendar order.

    A month that exactly breaks even is not below break-even.

    Parameters
    ----------
    months : pandas.DataFrame
        As for :func:`monthly_results`.

    Returns
    -------
    list of int
    """
    table = monthly_results(months)
    return sorted(int(month) for month in table.loc[table[RESULT_COLUMN] < 0, MONTH_COLUMN])


def break_even_visitors(fixed_costs, revenue_per_visitor, variable_cost_per_visitor) -> int:
    """Return the fewest visitors in a month for revenue to cover the month's costs.

    Parameters
    ----------
    fixed_costs : float
        The month's fixed costs, đồng.
    revenue_per_visitor, variable_cost_per_visitor : float
        What one visitor brings in, and costs, on average (đồng).

    Returns
    -------
    int
        ``fixed ÷ (revenue − variable cost)`` per visitor, rounded up.

    Raises
    ------
    InputError
        When a visitor costs as much as or more than they bring in: then no
        number of visitors breaks even.
    """
    fixed = check_non_negative(fixed_costs, "fixed_costs", _("Fixed costs"))
    revenue = check_positive(revenue_per_visitor, "revenue_per_visitor", _("Revenue per visitor"))
    variable = check_non_negative(
        variable_cost_per_visitor, "variable_cost_per_visitor", _("Variable cost per visitor")
    )
    if variable >= revenue:
        raise InputError(
            _(
                "Each visitor costs {cost} and brings in {revenue}: with no margin per visitor, no "
                "number of visitors covers the fixed costs. Raise prices or cut the cost per "
                "visitor."
            ).format(cost=format_number(variable), revenue=format_number(revenue)),
            "variable_cost_per_visitor",
        )
    return math.ceil(fixed / (revenue - variable) - 1e-9)


def seasonality(months: pd.DataFrame, column: str = VISITORS_COLUMN) -> pd.Series:
    """Return each month's visitors against an average month (1 is average, 2 is twice as many).

    Parameters
    ----------
    months : pandas.DataFrame
        One row per month with ``thang`` and the column to compare.
    column : str
        Visitors by default; any column of amounts works.

    Returns
    -------
    pandas.Series
        Indexed by month.
    """
    _require_columns(months, [MONTH_COLUMN, column], _("monthly"), "months")
    values = months.set_index(MONTH_COLUMN)[column].astype(float)
    if values.mean() <= 0:
        raise InputError(
            _("Every month has 0 in {column}: there is no season to compare.").format(column=column), "months"
        )
    return values / values.mean()


# --------------------------------------------------------------------------- dashboard

# Suggested targets of the dashboard: points to discuss and set in the cooperative, not rules.
DEFAULT_TARGETS = {
    "loss_months": 2,
    "over_capacity_months": 0,
    "peak_use": 1.0,
    "seasonality": 2.0,
    "community_fund": 0.05,
    "by_patronage": 0.5,
}


@dataclass(frozen=True)
class Indicator:
    """One line of the sustainability dashboard.

    Attributes
    ----------
    code : str
        ``loss_months``, ``over_capacity_months``, ``peak_use``,
        ``seasonality``, ``community_fund`` or ``by_patronage``.
    value : float
        The cooperative's figure.
    target : float
        The target it is compared with.
    at_most : bool
        True when the value should be at most the target, False when at least.
    """

    code: str
    value: float
    target: float
    at_most: bool = True

    @property
    def met(self) -> bool:
        """Whether the value meets the target."""
        return self.value <= self.target + 1e-9 if self.at_most else self.value >= self.target - 1e-9

    @property
    def label(self) -> str:
        """What the indicator measures, in the current language."""
        return _indicator_texts()[self.code][0]

    @property
    def why(self) -> str:
        """Why it matters, in one sentence."""
        return _indicator_texts()[self.code][1]

    @property
    def mark(self) -> str:
        """✓ when the target is met, ✗ when it is not."""
        return "✓" if self.met else "✗"

    def value_text(self) -> str:
        """The value written for people: a count, a ratio or a percentage."""
        return _show(self.code, self.value)

    def target_text(self) -> str:
        """The target with "at most" or "at least"."""
        sign = "≤" if self.at_most else "≥"
        return f"{sign} {_show(self.code, self.target)}"


def _show(code: str, value: float) -> str:
    """A dashboard figure: months as whole numbers, shares as per cent, seasonality with one decimal."""
    if code in ("loss_months", "over_capacity_months"):
        return format_number(value, 0)
    if code == "seasonality":
        return format_number(value, 1)
    return format_percent(value, None)


def _indicator_texts() -> dict[str, tuple[str, str]]:
    """Name and reason of each indicator, translated now."""
    return {
        "loss_months": (
            _("Months below break-even"),
            _("Too many months with a loss eat the year's surplus and the members' income."),
        ),
        "over_capacity_months": (
            _("Months whose busiest day is over capacity"),
            _("Crowds spoil the visit and wear out paths, water and goodwill."),
        ),
        "peak_use": (
            _("Busiest day of the year against daily capacity"),
            _("Above 100% the site takes more visitors than it can carry."),
        ),
        "seasonality": (
            _("Busiest month against an average month"),
            _("A sharp peak means idle rooms and people the rest of the year."),
        ),
        "community_fund": (
            _("Share of the surplus for the community development fund"),
            _("The village that hosts the visitors shares in the benefits (ASEAN CBT Standard)."),
        ),
        "by_patronage": (
            _("Share of the members' part by patronage"),
            _("A cooperative rewards the business members do through it more than their capital."),
        ),
    }


def sustainability_dashboard(
    months: pd.DataFrame, capacity: CarryingCapacity, rules: SharingRules | None = None, targets: dict | None = None
) -> list[Indicator]:
    """Return the six indicators of a simple sustainability dashboard.

    Parameters
    ----------
    months : pandas.DataFrame
        The monthly accounts (see :func:`monthly_results`) with ``so_khach``
        and ``khach_ngay_cao_nhat`` (visitors on the busiest day).
    capacity : CarryingCapacity
        The site's daily carrying capacity.
    rules : SharingRules, optional
        The charter's shares; the course's example charter when omitted.
    targets : dict, optional
        Targets by indicator code, replacing those of :data:`DEFAULT_TARGETS`
        (suggestions of the course, to be set by each cooperative).

    Returns
    -------
    list of Indicator

    Raises
    ------
    InputError
        For a monthly table with a missing column or a wrong value.
    """
    goal = {**DEFAULT_TARGETS, **(targets or {})}
    return _indicators(check_months(months), capacity, rules or SharingRules(), goal)


def _indicators(table: pd.DataFrame, capacity: CarryingCapacity, rules: SharingRules, goal: dict) -> list[Indicator]:
    """The dashboard of a checked monthly table (with ``lai_lo``)."""
    busiest = table[BUSIEST_DAY_COLUMN].astype(float)
    limit = capacity.max_daily_visitors
    return [
        Indicator("loss_months", int((table[RESULT_COLUMN] < 0).sum()), goal["loss_months"]),
        Indicator("over_capacity_months", int((busiest > limit).sum()), goal["over_capacity_months"]),
        Indicator("peak_use", busiest.max() / limit if limit else math.inf, goal["peak_use"]),
        Indicator("seasonality", float(seasonality(table).max()), goal["seasonality"]),
        Indicator("community_fund", rules.community_fund, goal["community_fund"], at_most=False),
        Indicator("by_patronage", rules.by_patronage, goal["by_patronage"], at_most=False),
    ]


def dashboard_table(indicators: Sequence[Indicator]) -> pd.DataFrame:
    """Return the dashboard as a table with headers in the current language."""
    return pd.DataFrame(
        {
            _("Indicator"): [item.label for item in indicators],
            _("Value"): [item.value_text() for item in indicators],
            _("Target"): [item.target_text() for item in indicators],
            _("Met"): [item.mark for item in indicators],
        },
        index=[item.code for item in indicators],
    )


# --------------------------------------------------------------------------- all together


@dataclass(frozen=True, eq=False)
class CoopReview:
    """The surplus shared out, the site's capacity and the dashboard, as the calculator shows them.

    Attributes
    ----------
    sharing : SurplusSharing
    capacity : CarryingCapacity
    months : pandas.DataFrame
        The monthly accounts with ``chi_phi`` and ``lai_lo``.
    indicators : list of Indicator
    """

    sharing: SurplusSharing
    capacity: CarryingCapacity
    months: pd.DataFrame = field(repr=False)
    indicators: list[Indicator] = field(repr=False)

    @property
    def months_below_break_even(self) -> list[int]:
        """The months with a loss."""
        return sorted(int(m) for m in self.months.loc[self.months[RESULT_COLUMN] < 0, MONTH_COLUMN])

    @property
    def months_over_capacity(self) -> list[int]:
        """The months whose busiest day had more visitors than the daily capacity."""
        over = self.months[BUSIEST_DAY_COLUMN] > self.capacity.max_daily_visitors
        return sorted(int(m) for m in self.months.loc[over, MONTH_COLUMN])


def review(
    surplus, members: pd.DataFrame, rules: SharingRules, capacity: CarryingCapacity, months: pd.DataFrame
) -> CoopReview:
    """Share the surplus, and put the year's months against break-even and the site's capacity.

    Parameters
    ----------
    surplus, members, rules
        As for :func:`share_surplus`.
    capacity : CarryingCapacity
        From :func:`carrying_capacity`.
    months : pandas.DataFrame
        As for :func:`sustainability_dashboard`.

    Returns
    -------
    CoopReview
    """
    table = check_months(months)
    return CoopReview(
        share_surplus(surplus, members, rules), capacity, table, _indicators(table, capacity, rules, DEFAULT_TARGETS)
    )


# --------------------------------------------------------------------------- exports


def sharing_to_csv(sharing: SurplusSharing, path: str | Path | None = None) -> str:
    """Export each member's figures and share as CSV (plain numbers, đồng), with translated headers.

    Parameters
    ----------
    sharing : SurplusSharing
        From :func:`share_surplus`.
    path : str or Path, optional
        Also write the file there (UTF-8 with a byte-order mark, see :mod:`ocopkit.spreadsheet`).

    Returns
    -------
    str
        The CSV text of :meth:`SurplusSharing.export_table`.
    """
    return frame_csv(sharing.export_table(), path)


def review_to_markdown(result: CoopReview) -> str:
    """Write the sharing, the site's capacity and the dashboard as a Markdown section, in the current language.

    See Also
    --------
    ocopkit.widgets.tourism_coop.TourismCoopCalculator.to_markdown : the same text from the calculator.
    """
    sharing, capacity = result.sharing, result.capacity
    lines = [
        f"## {_('Sharing the surplus')}",
        "",
        _("Surplus shared out: {surplus}.").format(surplus=format_money(sharing.surplus)),
        "",
    ]
    lines += [f"- {label}: {format_money(amount)}" for label, amount in sharing.parts().items()]
    lines += [
        "",
        f"| {_('Household')} | {_('By capital')} | {_('By patronage')} | {_('In all')} |",
        "|---|---:|---:|---:|",
    ]
    lines += [
        f"| {r[NAME_COLUMN]} | {format_money(r[BY_CAPITAL_COLUMN])} | "
        f"{format_money(r[BY_PATRONAGE_COLUMN])} | {format_money(r[TOTAL_COLUMN])} |"
        for r in sharing.table.to_dict("records")
    ]
    lines += [
        "",
        f"## {_('Carrying capacity of the site')}",
        "",
        _capacity_sentence(capacity),
        "",
        f"## {_('Sustainability dashboard')}",
        "",
        f"| {_('Indicator')} | {_('Value')} | {_('Target')} | {_('Met')} |",
        "|---|---:|---:|:---:|",
    ]
    lines += [
        f"| {item.label} | {item.value_text()} | {item.target_text()} | {item.mark} |" for item in result.indicators
    ]
    return "\n".join(lines) + "\n"


def _capacity_sentence(capacity: CarryingCapacity) -> str:
    """The capacity's steps in one sentence."""
    shown = {"at_once": capacity.at_one_time, "rotation": capacity.rotation_factor, "physical": capacity.physical}
    return _(
        "{at_once} visitors at one time × rotation factor {rotation} = {physical} visitors a day; "
        "at most {maximum} visitors a day."
    ).format(
        **{name: format_number(value, 2, trim=True) for name, value in shown.items()},
        maximum=format_number(capacity.max_daily_visitors),
    )
