"""A monthly business plan for an OCOP product: profit, cash, break-even, NPV, IRR.

Use this module to build the "phương án kinh doanh" (business plan) part of
an OCOP dossier: describe the product's sales and costs in a
:class:`BusinessPlan`, run :func:`evaluate_plan`, and export the result with
:func:`plan_to_markdown` or :func:`plan_to_csv`.

Conventions, chosen to stay simple and explainable in a training room:

* **Months.** Month 0 is the start (investment paid, loan received);
  months 1 to ``months`` (12–60) are trading months. Seasonal factors apply
  by calendar month, counted from ``start_month``.
* **Growth.** With ``growth_period="year"`` volume steps up once a year
  (year 2 sells ``1 + growth_rate`` times year 1); with ``"month"`` it
  compounds every month.
* **Profit** is revenue − variable costs − fixed costs − loan interest. It is
  before depreciation and income tax, which the plan leaves out.
* **Loan.** Received in month 0; the annual rate is divided by 12, the usual
  simplification for monthly instalments; interest only during the grace months, then
  equal instalments (annuity) for the rest of the term. A term longer than
  the plan leaves a balance, reported as ``loan_balance_end``.
* **Cash flow** (column ``cash_flow``) is the money in the cooperative's
  account: profit − principal repaid, plus at month 0 the loan received
  minus the investment.
* **Payback, NPV and IRR judge the project itself**, so they use the
  *project* cash flow: −investment at month 0, then revenue − variable −
  fixed costs, before any loan. Otherwise a loan that pays for the whole
  investment would show a payback of 0 months. The annual discount rate is
  converted to a monthly one by compounding, ``(1 + annual) ** (1/12) − 1``.

See Also
--------
ocopkit.pricing : unit cost and price, the inputs of a plan.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ocopkit.errors import (
    InputError,
    check_non_negative,
    check_number,
    check_positive,
    check_range,
    check_rate,
    check_whole,
)
from ocopkit.i18n import _, format_money, format_number, format_percent
from ocopkit.pricing import break_even_units
from ocopkit.spreadsheet import frame_csv

MIN_MONTHS, MAX_MONTHS = 12, 60
MAX_LOAN_RATE = 0.5  # 50 % a year: far above any bank or fund lending to cooperatives
MAX_DISCOUNT_RATE = 0.5
MAX_SEASONAL_FACTOR = 10.0  # a month selling 10× the average is already extreme
GROWTH_LIMITS = {"month": (-0.2, 0.2), "year": (-0.5, 1.0)}
# Monthly IRR searched between −99 % and +1,000 % a month.
_IRR_LOW, _IRR_HIGH, _IRR_GRID = -0.99, 10.0, 4000


# --------------------------------------------------------------------------- rates


def monthly_from_annual(rate: float) -> float:
    """Convert an annual rate into the monthly rate that compounds to it.

    Parameters
    ----------
    rate : float
        Annual rate as a fraction (``0.1`` for 10 %), greater than −1.

    Returns
    -------
    float
        ``(1 + rate) ** (1 / 12) - 1``.
    """
    return (1 + rate) ** (1 / 12) - 1


def annual_from_monthly(rate: float) -> float:
    """Convert a monthly rate into the annual rate it compounds to.

    Returns
    -------
    float
        ``(1 + rate) ** 12 - 1``.
    """
    return (1 + rate) ** 12 - 1


def _as_flows(cash_flows, field: str = "cash_flows") -> np.ndarray:
    """Check cash flows are a non-empty list of finite numbers; return an array."""
    values = [check_number(value, field, _("Cash flow")) for value in cash_flows]
    if not values:
        raise InputError(_("Give at least one cash flow."), field)
    return np.asarray(values, dtype=float)


def _npv_monthly(flows: np.ndarray, rate: float) -> float:
    """NPV at a monthly rate, month 0 undiscounted."""
    return float(np.sum(flows / (1 + rate) ** np.arange(len(flows))))


def npv(cash_flows, annual_rate: float) -> float:
    """Net present value of monthly cash flows at an annual discount rate.

    Use it to tell whether a plan earns more than the money could earn
    elsewhere (a savings deposit, the loan rate): a positive NPV means yes.

    Parameters
    ----------
    cash_flows : sequence of float
        Cash flows of months 0, 1, 2, …; month 0 is not discounted.
    annual_rate : float
        Discount rate per year as a fraction, 0–0.5.

    Returns
    -------
    float
        ``sum(cf[t] / (1 + m) ** t)`` with ``m = monthly_from_annual(annual_rate)``.

    Raises
    ------
    InputError
        For a cash flow that is not a number or a rate outside 0–0.5.

    See Also
    --------
    irr : the rate at which the NPV is zero.
    """
    rate = check_rate(annual_rate, "discount_rate", _("Discount rate"), 0.0, MAX_DISCOUNT_RATE)
    return _npv_monthly(_as_flows(cash_flows), monthly_from_annual(rate))


def bisect_root(function, low: float, high: float, *, steps: int = 200, tolerance: float = 1e-15) -> float:
    """Refine a root of ``function`` bracketed by ``low`` and ``high`` by bisection.

    Slower than Newton's method but it cannot jump out of the bracket, which
    matters for cash flows with more than one sign change.
    """
    value_low = function(low)
    for _step in range(steps):
        middle = (low + high) / 2
        value = function(middle)
        if value == 0 or high - low < tolerance:
            return middle
        if (value > 0) == (value_low > 0):
            low, value_low = middle, value
        else:
            high = middle
    return (low + high) / 2


def irr(cash_flows) -> float | None:
    """Internal rate of return per month: the monthly rate where NPV is zero.

    Use it to compare a plan with a loan's rate: a plan whose IRR is below
    the interest rate loses money on borrowed capital.

    The NPV is scanned over monthly rates from −99 % to +1,000 % and every
    sign change is refined by bisection, so the search never diverges. As in
    ``numpy_financial.irr``, when several rates qualify (cash flows that
    change sign more than once) the one closest to zero is returned.

    Parameters
    ----------
    cash_flows : sequence of float
        Cash flows of months 0, 1, 2, …, usually an investment (negative)
        followed by returns.

    Returns
    -------
    float or None
        The monthly IRR, or ``None`` when the NPV never changes sign in the
        range (for example all flows positive): no IRR exists.

    Raises
    ------
    InputError
        For a cash flow that is not a number.

    See Also
    --------
    annual_from_monthly : to annualise the result.
    npv : the NPV at a given rate.
    """
    flows = _as_flows(cash_flows)
    if not (flows > 0).any() or not (flows < 0).any():
        return None
    rates = np.concatenate(
        [np.linspace(_IRR_LOW, 0.0, _IRR_GRID // 2, endpoint=False), np.geomspace(1e-6, _IRR_HIGH, _IRR_GRID // 2)]
    )
    rates = np.sort(np.append(rates, 0.0))
    # Evaluate the NPV on the whole grid at once: rows are rates, columns months.
    discount = (1 + rates[:, None]) ** -np.arange(len(flows))[None, :]
    values = discount @ flows
    roots = [rates[i] for i in np.flatnonzero(values == 0)]
    crossings = np.flatnonzero(values[:-1] * values[1:] < 0)
    roots += [bisect_root(lambda rate: _npv_monthly(flows, rate), rates[i], rates[i + 1]) for i in crossings]
    if not roots:
        return None
    return float(min(roots, key=abs))


def payback_period(cash_flows) -> float | None:
    """Months until cumulative cash flow first turns non-negative.

    Within the month when it turns, the month is split in proportion to
    what was still missing: if −30 remains after month 4 and month 5 brings
    +60, the payback is 4.5 months. A later dip back below zero (a bad
    season) is not counted again.

    Parameters
    ----------
    cash_flows : sequence of float
        Cash flows of months 0, 1, 2, …, usually starting with the investment.

    Returns
    -------
    float or None
        Payback in months (0.0 when month 0 is already non-negative), or
        ``None`` when the investment is not recovered within the flows given.

    Raises
    ------
    InputError
        For a cash flow that is not a number.
    """
    flows = _as_flows(cash_flows)
    # Round to a millionth of a đồng so that float noise does not delay payback.
    cumulative = np.round(np.cumsum(flows), 6)
    reached = np.flatnonzero(cumulative >= 0)
    if reached.size == 0:
        return None
    month = int(reached[0])
    if month == 0:
        return 0.0
    return month - 1 + float(-cumulative[month - 1] / flows[month])


def break_even_month(profits) -> int | None:
    """First month (1, 2, …) in which cumulative profit reaches zero or more.

    Parameters
    ----------
    profits : sequence of float
        Profit of months 1, 2, … (no month 0).

    Returns
    -------
    int or None
        The month number, or ``None`` if cumulative profit stays negative.

    Raises
    ------
    InputError
        For a profit that is not a number.
    """
    cumulative = np.round(np.cumsum(_as_flows(profits, "profits")), 6)
    reached = np.flatnonzero(cumulative >= 0)
    return int(reached[0]) + 1 if reached.size else None


# --------------------------------------------------------------------------- loan


@dataclass(frozen=True, kw_only=True)
class Loan:
    """A loan repaid in equal monthly instalments (annuity), with optional grace.

    Parameters
    ----------
    principal : float
        Amount borrowed in đồng (> 0), received in month 0.
    annual_rate : float
        Interest rate per year as a fraction, 0–0.5 (``0.09`` for 9 %);
        the monthly rate is ``annual_rate / 12``.
    term_months : int
        Total duration in months, grace included (1–360).
    grace_months : int
        First months in which only interest is paid, 0 to ``term_months − 1``.

    Raises
    ------
    InputError
        For values outside those ranges.

    See Also
    --------
    loan_schedule : month-by-month interest and principal.
    """

    principal: float
    annual_rate: float
    term_months: int
    grace_months: int = 0

    def __post_init__(self):
        check_positive(self.principal, "loan_principal", _("Loan amount"))
        check_rate(self.annual_rate, "loan_rate", _("Loan interest rate"), 0.0, MAX_LOAN_RATE)
        term = check_whole(self.term_months, "loan_term", _("Loan term in months"), 1, 360)
        grace = check_whole(self.grace_months, "grace_months", _("Grace period in months"), 0, term - 1)
        # Store whole numbers as int: 12.0 passes the check but cannot size a range or an array.
        object.__setattr__(self, "term_months", term)
        object.__setattr__(self, "grace_months", grace)


def annuity_payment(principal: float, monthly_rate: float, months: int) -> float:
    """Equal monthly instalment that repays ``principal`` over ``months``.

    Parameters
    ----------
    principal : float
        Amount to repay, in đồng.
    monthly_rate : float
        Interest rate per month as a fraction (a bank's annual rate / 12).
    months : int
        Number of instalments (> 0).

    Returns
    -------
    float
        ``P r / (1 - (1 + r) ** -n)``, or ``P / n`` at a zero rate; the same as
        ``-numpy_financial.pmt(r, n, P)``.
    """
    if monthly_rate == 0:
        return principal / months
    # expm1/log1p keep the denominator exact even for tiny rates, where 1 - (1 + r) ** -n is 0.
    return float(principal * monthly_rate / -np.expm1(-months * np.log1p(monthly_rate)))


def loan_schedule(loan: Loan) -> pd.DataFrame:
    """Month-by-month repayment table of a loan.

    Use it to show participants how much of each instalment is interest:
    most of it at first, little at the end.

    Parameters
    ----------
    loan : Loan
        The loan.

    Returns
    -------
    pandas.DataFrame
        One row per month 1 … ``term_months`` with columns ``month``,
        ``opening_balance``, ``instalment``, ``interest``, ``principal`` and
        ``closing_balance``. ``principal`` sums to the amount borrowed.

    See Also
    --------
    annuity_payment : the instalment after grace.
    """
    rate, balance = loan.annual_rate / 12, float(loan.principal)
    repaying = loan.term_months - loan.grace_months
    payment = annuity_payment(balance, rate, repaying)
    rows = []
    for month in range(1, loan.term_months + 1):
        interest = balance * rate
        if month <= loan.grace_months:
            principal = 0.0
        elif month == loan.term_months:
            principal = balance  # clears the float remainder of earlier months
        else:
            principal = payment - interest
        closing = balance - principal
        rows.append((month, balance, interest + principal, interest, principal, closing))
        balance = closing
    return pd.DataFrame(
        rows, columns=["month", "opening_balance", "instalment", "interest", "principal", "closing_balance"]
    )


# --------------------------------------------------------------------------- plan


def _check_seasonal(factors) -> tuple[float, ...]:
    """Check there are 12 non-negative multipliers, not all zero."""
    try:
        values = tuple(factors)
    except TypeError:
        values = (factors,)
    if len(values) != 12:
        raise InputError(
            _(
                "Seasonal factors need exactly 12 numbers, one for each month from January "
                "to December; you gave {count}. Use 1 for an ordinary month."
            ).format(count=len(values)),
            "seasonal_factors",
        )
    checked = tuple(
        check_range(
            value,
            "seasonal_factors",
            _("Seasonal factor of month {month}").format(month=month),
            0.0,
            MAX_SEASONAL_FACTOR,
        )
        for month, value in enumerate(values, start=1)
    )
    if not any(checked):
        raise InputError(
            _(
                "All 12 seasonal factors are 0, so nothing would ever be sold. "
                "Use 1 for an ordinary month and 0 only for months without sales."
            ),
            "seasonal_factors",
        )
    return checked


def _check_growth(rate: object, period: object) -> None:
    """Check the growth period's name and that the rate suits it."""
    if period not in GROWTH_LIMITS:
        raise InputError(
            _('Growth period must be "month" or "year", you gave "{value}".').format(value=period),
            "growth_period",
        )
    low, high = GROWTH_LIMITS[period]
    label = _("Monthly growth rate") if period == "month" else _("Yearly growth rate")
    check_rate(rate, "growth_rate", label, low, high)


@dataclass(frozen=True, kw_only=True)
class BusinessPlan:
    """The assumptions of a monthly business plan.

    Use it as the input of :func:`evaluate_plan`. Invalid values are refused
    when the plan is created, with a message that names the input to fix.

    Parameters
    ----------
    units_per_month : float
        Units sold in an ordinary month of the first year (> 0).
    unit_price : float
        Price per unit received by the cooperative, in đồng (> 0).
    variable_cost_per_unit : float
        Materials, labour, packaging… per unit (≥ 0). Default 0.
    fixed_costs_per_month : float
        Costs that do not depend on volume, per month (≥ 0). Default 0.
    months : int
        Length of the plan, 12–60. Default 36.
    seasonal_factors : sequence of 12 float
        Multipliers on volume for January … December (0–10); default all 1.
    start_month : int
        Calendar month of plan month 1 (1 = January). Default 1.
    growth_rate : float
        Growth of volume per ``growth_period``, as a fraction: −0.2–0.2 a
        month or −0.5–1.0 a year. Default 0.
    growth_period : {"year", "month"}
        How ``growth_rate`` applies (see the module notes). Default "year".
    initial_investment : float
        Spent in month 0 (equipment, certification, packaging design), ≥ 0.
    loan : Loan, optional
        A loan received in month 0.
    discount_rate : float
        Annual rate for the NPV, 0–0.5 (often the loan or deposit rate).
        Default 0.1.
    product : str
        Product name, for the exported section.

    Raises
    ------
    InputError
        For any input outside its range; ``.field`` names it.
    """

    units_per_month: float
    unit_price: float
    variable_cost_per_unit: float = 0.0
    fixed_costs_per_month: float = 0.0
    months: int = 36
    seasonal_factors: tuple[float, ...] = (1.0,) * 12
    start_month: int = 1
    growth_rate: float = 0.0
    growth_period: str = "year"
    initial_investment: float = 0.0
    loan: Loan | None = None
    discount_rate: float = 0.1
    product: str = ""

    def __post_init__(self):
        # Store whole numbers as int: 36.0 passes the check but cannot size an array.
        object.__setattr__(
            self, "months", check_whole(self.months, "months", _("Plan length in months"), MIN_MONTHS, MAX_MONTHS)
        )
        check_positive(self.units_per_month, "units_per_month", _("Units sold per month"))
        check_positive(self.unit_price, "unit_price", _("Unit price"))
        check_non_negative(self.variable_cost_per_unit, "variable_cost_per_unit", _("Variable cost per unit"))
        check_non_negative(self.fixed_costs_per_month, "fixed_costs_per_month", _("Fixed costs per month"))
        object.__setattr__(self, "seasonal_factors", _check_seasonal(self.seasonal_factors))
        object.__setattr__(
            self, "start_month", check_whole(self.start_month, "start_month", _("Starting month"), 1, 12)
        )
        _check_growth(self.growth_rate, self.growth_period)
        check_non_negative(self.initial_investment, "initial_investment", _("Initial investment"))
        if self.loan is not None and not isinstance(self.loan, Loan):
            raise InputError(_("The loan must be described with Loan(...), or left empty."), "loan")
        check_rate(self.discount_rate, "discount_rate", _("Discount rate"), 0.0, MAX_DISCOUNT_RATE)


@dataclass(frozen=True, eq=False)
class PlanResult:
    """A business plan worked out month by month, with its key figures.

    Attributes
    ----------
    plan : BusinessPlan
        The assumptions.
    table : pandas.DataFrame
        One row per month 0 … ``months``; see :func:`evaluate_plan`.
    break_even_units : float or None
        Units per month whose contribution covers the monthly fixed costs;
        ``None`` if the price does not exceed the variable cost.
    break_even_price : float
        Unit price at which the plan's total profit is zero.
    break_even_month : int or None
        First month with cumulative profit ≥ 0.
    payback_months : float or None
        Months until the cumulative project cash flow recovers the investment.
    npv : float
        NPV of the project cash flow at ``plan.discount_rate``.
    irr_monthly, irr_annual : float or None
        IRR of the project cash flow, per month and compounded per year.
    loan_instalment : float or None
        Monthly instalment after the grace period.
    loan_balance_end : float
        Loan principal still owed after the last month of the plan.
    """

    plan: BusinessPlan
    table: pd.DataFrame = dataclasses.field(repr=False)
    break_even_units: float | None
    break_even_price: float
    break_even_month: int | None
    payback_months: float | None
    npv: float
    irr_monthly: float | None
    irr_annual: float | None
    loan_instalment: float | None
    loan_balance_end: float

    @property
    def total_revenue(self) -> float:
        """Revenue over the whole plan."""
        return float(self.table["revenue"].sum())

    @property
    def total_profit(self) -> float:
        """Profit over the whole plan (before depreciation and tax)."""
        return float(self.table["profit"].sum())

    @property
    def lowest_cash(self) -> float:
        """Lowest cumulative cash: how much money the plan needs up front."""
        return float(self.table["cumulative_cash"].min())

    @property
    def lowest_cash_month(self) -> int:
        """Month in which the cumulative cash is lowest."""
        return int(self.table.loc[self.table["cumulative_cash"].idxmin(), "month"])


def _units(plan: BusinessPlan) -> tuple[np.ndarray, np.ndarray]:
    """Calendar month and units sold for plan months 1 … months."""
    month = np.arange(1, plan.months + 1)
    calendar = (plan.start_month - 1 + month - 1) % 12 + 1
    steps = month - 1 if plan.growth_period == "month" else (month - 1) // 12
    growth = (1 + plan.growth_rate) ** steps
    season = np.asarray(plan.seasonal_factors)[calendar - 1]
    return calendar, plan.units_per_month * growth * season


def _loan_columns(plan: BusinessPlan) -> tuple[np.ndarray, np.ndarray]:
    """Interest and principal repaid in plan months 1 … months (zeros without a loan)."""
    interest, principal = np.zeros(plan.months), np.zeros(plan.months)
    if plan.loan is not None:
        schedule = loan_schedule(plan.loan).head(plan.months)
        interest[: len(schedule)] = schedule["interest"]
        principal[: len(schedule)] = schedule["principal"]
    return interest, principal


def _with_month_zero(values: np.ndarray, first: float = 0.0) -> np.ndarray:
    """Prepend the month-0 value to a column of months 1 … months."""
    return np.concatenate([[first], values])


def _plan_table(plan: BusinessPlan) -> pd.DataFrame:
    """Build the month-by-month table; month 0 holds the investment and the loan."""
    calendar, units = _units(plan)
    interest, repaid = _loan_columns(plan)
    revenue = units * plan.unit_price
    variable = units * plan.variable_cost_per_unit
    fixed = np.full(plan.months, float(plan.fixed_costs_per_month))
    profit = revenue - variable - fixed - interest
    loan_in = float(plan.loan.principal) if plan.loan else 0.0
    investment = float(plan.initial_investment)
    pad = _with_month_zero
    table = pd.DataFrame(
        {
            "month": np.arange(plan.months + 1),
            "calendar_month": pad(calendar, 0).astype(int),
            "units": pad(units),
            "revenue": pad(revenue),
            "variable_costs": pad(variable),
            "fixed_costs": pad(fixed),
            "loan_interest": pad(interest),
            "profit": pad(profit),
            "investment": pad(np.zeros(plan.months), investment),
            "loan_received": pad(np.zeros(plan.months), loan_in),
            "loan_principal_repaid": pad(repaid),
            "project_cash_flow": pad(revenue - variable - fixed, -investment),
            "cash_flow": pad(profit - repaid, loan_in - investment),
        }
    )
    table["cumulative_profit"] = table["profit"].cumsum()
    table["cumulative_cash"] = table["cash_flow"].cumsum()
    return table


def evaluate_plan(plan: BusinessPlan) -> PlanResult:
    """Work out a business plan month by month and compute its key figures.

    Use it whenever an assumption changes; it is fast enough to call on every
    slider move.

    Parameters
    ----------
    plan : BusinessPlan
        The assumptions.

    Returns
    -------
    PlanResult
        ``.table`` has one row per month 0 … ``months`` with columns
        ``month``, ``calendar_month``, ``units``, ``revenue``,
        ``variable_costs``, ``fixed_costs``, ``loan_interest``, ``profit``,
        ``investment``, ``loan_received``, ``loan_principal_repaid``,
        ``project_cash_flow``, ``cash_flow``, ``cumulative_profit`` and
        ``cumulative_cash`` (amounts in đồng); the other attributes are the
        summary figures. See the module notes for the conventions.

    See Also
    --------
    plan_to_markdown, plan_to_csv : export the result.
    column_labels : translated names of the table's columns.
    """
    table = _plan_table(plan)
    trading = table.iloc[1:]
    total_units = float(trading["units"].sum())
    costs_to_cover = float(trading["fixed_costs"].sum() + trading["loan_interest"].sum())
    monthly_irr = irr(table["project_cash_flow"])
    schedule = loan_schedule(plan.loan) if plan.loan else None
    return PlanResult(
        plan=plan,
        table=table,
        break_even_units=break_even_units(plan.fixed_costs_per_month, plan.unit_price, plan.variable_cost_per_unit),
        break_even_price=plan.variable_cost_per_unit + costs_to_cover / total_units,
        break_even_month=break_even_month(trading["profit"]),
        payback_months=payback_period(table["project_cash_flow"]),
        npv=npv(table["project_cash_flow"], plan.discount_rate),
        irr_monthly=monthly_irr,
        irr_annual=None if monthly_irr is None else annual_from_monthly(monthly_irr),
        loan_instalment=None if schedule is None else float(schedule["instalment"].iloc[-1]),
        loan_balance_end=0.0 if schedule is None else _balance_after(schedule, plan.months),
    )


def _balance_after(schedule: pd.DataFrame, months: int) -> float:
    """Principal still owed after ``months`` months (0 once the loan is repaid)."""
    if months >= len(schedule):
        return 0.0
    return float(schedule["closing_balance"].iloc[months - 1])


# --------------------------------------------------------------------------- export


def column_labels() -> dict[str, str]:
    """Translated headings for the columns of :attr:`PlanResult.table`."""
    return {
        "month": _("Month"),
        "calendar_month": _("Calendar month"),
        "units": _("Units sold"),
        "revenue": _("Revenue"),
        "variable_costs": _("Variable costs"),
        "fixed_costs": _("Fixed costs"),
        "loan_interest": _("Loan interest"),
        "profit": _("Profit"),
        "investment": _("Investment"),
        "loan_received": _("Loan received"),
        "loan_principal_repaid": _("Loan principal repaid"),
        "project_cash_flow": _("Project cash flow"),
        "cash_flow": _("Cash flow"),
        "cumulative_profit": _("Cumulative profit"),
        "cumulative_cash": _("Cumulative cash"),
    }


def plan_to_csv(result: PlanResult, path: str | Path | None = None) -> str:
    """Export the month-by-month table as CSV with translated headings.

    Parameters
    ----------
    result : PlanResult
        From :func:`evaluate_plan`.
    path : str or Path, optional
        Also write the file there (UTF-8 with a byte-order mark, see :mod:`ocopkit.spreadsheet`).

    Returns
    -------
    str
        The CSV text: one line per month from month 0, amounts as plain numbers.

    See Also
    --------
    plan_to_markdown : the dossier section.
    """
    return frame_csv(result.table.rename(columns=column_labels()), path)


def _loan_text(loan: Loan | None) -> str:
    """One line describing the loan, or 'none'."""
    if loan is None:
        return _("No loan")
    text = _("{amount} at {rate} a year over {months} months").format(
        amount=format_money(loan.principal), rate=format_percent(loan.annual_rate), months=loan.term_months
    )
    if loan.grace_months:
        text += _(", of which {grace} months interest only").format(grace=loan.grace_months)
    return text


def _growth_text(plan: BusinessPlan) -> str:
    """The growth assumption in words."""
    if plan.growth_period == "month":
        return _("{rate} a month").format(rate=format_percent(plan.growth_rate))
    return _("{rate} a year").format(rate=format_percent(plan.growth_rate))


def _assumption_rows(plan: BusinessPlan) -> list[tuple[str, str]]:
    """Label and value of each assumption, formatted for the dossier."""
    return [
        (_("Plan length"), _("{months} months").format(months=plan.months)),
        (_("Units sold per month"), _("{units} units a month").format(units=format_number(plan.units_per_month))),
        (_("Unit price"), format_money(plan.unit_price)),
        (_("Variable cost per unit"), format_money(plan.variable_cost_per_unit)),
        (_("Fixed costs per month"), format_money(plan.fixed_costs_per_month)),
        (_("Growth of sales"), _growth_text(plan)),
        (_("Initial investment"), format_money(plan.initial_investment)),
        (_("Loan"), _loan_text(plan.loan)),
        (_("Discount rate"), _("{rate} a year").format(rate=format_percent(plan.discount_rate))),
    ]


def _or_not_reached(value, text: str) -> str:
    """Format a figure, or say it is not reached within the plan."""
    return _("Not reached within the plan") if value is None else text


def key_figure_rows(result: PlanResult) -> list[tuple[str, str]]:
    """Return the key figures of a plan as (label, value) pairs, formatted in the current language.

    Use it to show the figures as the dossier states them: they are the
    "Key figures" table of :func:`plan_to_markdown` and the summary of
    :class:`~ocopkit.widgets.BusinessPlanBuilder`.

    Parameters
    ----------
    result : PlanResult
        The plan worked out by :func:`evaluate_plan`.

    Returns
    -------
    list of (str, str)
        Revenue, profit, break-even volume, price and month, payback, NPV, IRR
        and the lowest cumulative cash; "not reached" where the plan never gets there.
    """
    units, month, payback = result.break_even_units, result.break_even_month, result.payback_months
    irr_text = _("None (the cash flow never changes sign)")
    if result.irr_monthly is not None:
        irr_text = _("{monthly} a month ({annual} a year)").format(
            monthly=format_percent(result.irr_monthly), annual=format_percent(result.irr_annual)
        )
    return [
        (_("Total revenue"), format_money(result.total_revenue)),
        (_("Total profit"), format_money(result.total_profit)),
        (
            _("Break-even volume"),
            _or_not_reached(units, _("{units} units a month").format(units=format_number(math.ceil(units or 0)))),
        ),
        (_("Break-even price"), format_money(result.break_even_price)),
        (_("Break-even month"), _or_not_reached(month, _("Month {month}").format(month=month))),
        (
            _("Payback period"),
            _or_not_reached(payback, _("{months} months").format(months=format_number(payback or 0, 1))),
        ),
        (_("Net present value (NPV)"), format_money(result.npv)),
        (_("Internal rate of return (IRR)"), irr_text),
        (
            _("Lowest cumulative cash"),
            _("{amount} in month {month}").format(
                amount=format_money(result.lowest_cash), month=result.lowest_cash_month
            ),
        ),
    ]


def _yearly_rows(result: PlanResult) -> list[str]:
    """Markdown rows summarising each plan year (month 0 counts in year 1)."""
    table = result.table.assign(year=np.maximum(1, (result.table["month"] + 11) // 12))
    rows = []
    for year, group in table.groupby("year"):
        rows.append(
            f"| {year} | {format_money(group['revenue'].sum())} | "
            f"{format_money(group['profit'].sum())} | "
            f"{format_money(group['cash_flow'].sum())} | "
            f"{format_money(group['cumulative_cash'].iloc[-1])} |"
        )
    return rows


def _two_column_table(rows: list[tuple[str, str]], left: str, right: str) -> list[str]:
    """A two-column Markdown table."""
    return [f"| {left} | {right} |", "|---|---:|", *(f"| {a} | {b} |" for a, b in rows)]


def plan_to_markdown(result: PlanResult) -> str:
    """Write the business-plan section of an OCOP dossier in Markdown.

    Parameters
    ----------
    result : PlanResult
        From :func:`evaluate_plan`.

    Returns
    -------
    str
        Headings, the assumptions, the key figures (amounts formatted with
        :func:`ocopkit.i18n.format_money`), a table by year and a note on
        the method, all in the current language.

    See Also
    --------
    plan_to_csv : the month-by-month table for a spreadsheet.
    """
    plan, title = result.plan, _("Business plan")
    header = [_("Year"), _("Revenue"), _("Profit"), _("Cash flow"), _("Cumulative cash at year end")]
    lines = [
        f"## {title}: {plan.product}" if plan.product else f"## {title}",
        "",
        f"### {_('Assumptions')}",
        "",
        *_two_column_table(_assumption_rows(plan), _("Item"), _("Value")),
        "",
        f"### {_('Key figures')}",
        "",
        *_two_column_table(key_figure_rows(result), _("Figure"), _("Value")),
        "",
        f"### {_('Results by year')}",
        "",
        "| " + " | ".join(header) + " |",
        "|---:|---:|---:|---:|---:|",
        *_yearly_rows(result),
        "",
        f"### {_('Method')}",
        "",
        _(
            "Profit is revenue minus variable costs, fixed costs and loan interest, before "
            "depreciation and income tax. Payback, NPV and IRR use the project's cash flow: "
            "the investment in month 0, then revenue minus variable and fixed costs, before "
            "the loan."
        ),
    ]
    return "\n".join(lines) + "\n"
