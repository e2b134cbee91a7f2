"""The business plan a bank or council reads: depreciation, taxes, working capital, sensitivity.

Use this module after :func:`ocopkit.finance.evaluate_plan`, when the plan
goes to a bank, a fund or the commune/district council:

* :func:`depreciation_schedule`: straight-line khấu hao of the equipment,
  a cost line in the profit and loss, added back in the cash flow;
* :func:`appraise`: the plan with depreciation and taxes, month by month;
  every tax rate is an **input** the participant checks with the tax office
  (the course gives example values only, marked as such);
* :func:`harvest_working_capital`: raw material bought at harvest and sold
  over the season, month by month, and the peak working capital it needs;
* :func:`break_even_and_payback`: hòa vốn (a volume) and hoàn vốn (a time)
  side by side, with their definitions, so they are not confused;
* :func:`sensitivity_table` and :func:`switching_value`: the plan with the
  price 10 % lower, the volume 20 % lower and the costs 10 % higher, and the
  change of each that brings the NPV to zero, as FAO's WinDASI reports
  (FAO, *WinDASI User Manual*, Training Materials for Agricultural
  Planning 43, Rome 2000).

Conventions (simplifications a trainer can explain):

* Depreciation runs from month 1 in equal monthly parts of
  ``(cost − salvage) / (useful life in months)``; months after the useful
  life carry none. The salvage value is not added back at the end of the
  plan (prudent).
* ``revenue_tax_rate`` is paid on each month's revenue (a household business
  declaring VAT and personal income tax as a percentage of revenue).
  ``profit_tax_rate`` is paid on each plan year's positive profit (months
  1–12, 13–24, …) in the year's last month, without carrying losses forward.
  ``vat_rate`` is output VAT of a business on the deduction method: collected
  on top of the price for the State, shown as a memo line, changing neither
  profit nor cash.
* The project view (NPV, IRR, payback, sensitivity) uses the project cash
  flow after taxes worked out as if there were no loan, as in
  :mod:`ocopkit.finance`.

See Also
--------
ocopkit.finance.evaluate_plan : the plan before depreciation and tax.
ocopkit.widgets.BusinessPlanBuilder : the tool over both modules.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ocopkit import finance
from ocopkit.errors import InputError, check_non_negative, check_range, check_rate, check_whole
from ocopkit.i18n import _, format_money, format_number

MAX_USEFUL_LIFE_YEARS = 50.0
MAX_REVENUE_TAX = 0.2
MAX_PROFIT_TAX = 0.5
MAX_VAT = 0.2
# The test a bank or council asks for: price −10 %, volume −20 %, costs +10 %.
SENSITIVITY_CHANGES = (("unit_price", -0.10), ("units_per_month", -0.20), ("costs", 0.10))
SENSITIVITY_VARIABLES = ("unit_price", "units_per_month", "costs", "initial_investment")
# Range searched for a switching value: from a 99.9 % fall to a hundred-fold rise.
SWITCHING_LOW, SWITCHING_HIGH = -0.999, 100.0


def _variable_labels() -> dict[str, str]:
    """Translated name of each variable the sensitivity test may change."""
    return {
        "unit_price": _("Unit price"),
        "units_per_month": _("Units sold per month"),
        "costs": _("Costs (variable and fixed)"),
        "initial_investment": _("Initial investment"),
    }


# --------------------------------------------------------------------------- depreciation


def depreciation_schedule(cost: float, useful_life_years: float, months: int, salvage: float = 0.0) -> np.ndarray:
    """Straight-line depreciation (khấu hao đường thẳng) of months 1 … ``months``.

    Use it for equipment bought at the start of the plan: each month of its
    useful life carries the same share of its cost less what it can be sold
    for at the end.

    Parameters
    ----------
    cost : float
        What the equipment cost, in đồng (≥ 0).
    useful_life_years : float
        Years of use, 0–50; 0 means no depreciation. Whole months are used
        (``round(years × 12)``).
    months : int
        Months of the plan (≥ 1).
    salvage : float
        Value at the end of the useful life, 0 … ``cost``. Default 0.

    Returns
    -------
    numpy.ndarray
        ``months`` values; over the whole useful life they add up to
        ``cost − salvage``.

    Raises
    ------
    InputError
        For a negative cost, a salvage above the cost or a life out of range.
    """
    cost = check_non_negative(cost, "depreciable_cost", _("Equipment cost"))
    life = check_range(useful_life_years, "useful_life_years", _("Useful life in years"), 0.0, MAX_USEFUL_LIFE_YEARS)
    months = check_whole(months, "months", _("Plan length in months"), 1, 12 * int(MAX_USEFUL_LIFE_YEARS) * 2)
    salvage = check_range(salvage, "salvage_value", _("Salvage value"), 0.0, cost)
    life_months = int(round(life * 12))
    schedule = np.zeros(months)
    if life_months:
        schedule[: min(months, life_months)] = (cost - salvage) / life_months
    return schedule


# --------------------------------------------------------------------------- taxes


@dataclass(frozen=True, kw_only=True)
class Appraisal:
    """What a bank's plan adds to :class:`ocopkit.finance.BusinessPlan`.

    Parameters
    ----------
    useful_life_years : float
        Useful life of the equipment, 0–50 years (0: no depreciation).
    depreciable_cost : float, optional
        Part of the plan's initial investment that is equipment; default all of it.
    salvage_value : float
        Value of the equipment at the end of its life (≥ 0). Default 0.
    revenue_tax_rate : float
        Tax as a share of revenue, 0–0.2 (household business). Default 0.
    profit_tax_rate : float
        Tax on each plan year's positive profit, 0–0.5 (enterprise or
        cooperative). Default 0.
    vat_rate : float
        Output VAT on the deduction method, 0–0.2, memo only. Default 0.

    Notes
    -----
    The kit does not state what the rates are: they change with the law and
    the kind of business. Enter the rates the tax office gives you.
    """

    useful_life_years: float = 0.0
    depreciable_cost: float | None = None
    salvage_value: float = 0.0
    revenue_tax_rate: float = 0.0
    profit_tax_rate: float = 0.0
    vat_rate: float = 0.0

    def __post_init__(self):
        check_range(self.useful_life_years, "useful_life_years", _("Useful life in years"), 0.0, MAX_USEFUL_LIFE_YEARS)
        if self.depreciable_cost is not None:
            check_non_negative(self.depreciable_cost, "depreciable_cost", _("Equipment cost"))
        check_non_negative(self.salvage_value, "salvage_value", _("Salvage value"))
        check_rate(self.revenue_tax_rate, "revenue_tax_rate", _("Tax on revenue"), 0.0, MAX_REVENUE_TAX)
        check_rate(self.profit_tax_rate, "profit_tax_rate", _("Tax on profit"), 0.0, MAX_PROFIT_TAX)
        check_rate(self.vat_rate, "vat_rate", _("VAT rate"), 0.0, MAX_VAT)

    def cost_of(self, plan: finance.BusinessPlan) -> float:
        """The equipment cost depreciated, checked against the plan's investment."""
        cost = plan.initial_investment if self.depreciable_cost is None else self.depreciable_cost
        if cost > plan.initial_investment:
            raise InputError(
                _(
                    "The equipment cost ({cost}) is part of the initial investment ({investment}): it cannot be more."
                ).format(cost=format_money(cost), investment=format_money(plan.initial_investment)),
                "depreciable_cost",
            )
        return float(cost)


@dataclass(frozen=True, eq=False)
class AppraisalResult:
    """A plan with depreciation and taxes, and its project figures after tax.

    Attributes
    ----------
    base : finance.PlanResult
        The plan before depreciation and tax.
    table : pandas.DataFrame
        ``base.table`` plus ``depreciation``, ``revenue_tax``,
        ``profit_before_tax``, ``profit_tax``, ``profit_after_tax``,
        ``vat_collected`` (memo), ``cash_flow_after_tax`` and
        ``project_cash_flow_after_tax``.
    npv, irr_monthly, payback_months : float or None
        Of the project cash flow after tax.
    """

    base: finance.PlanResult
    table: pd.DataFrame = dataclasses.field(repr=False)
    npv: float
    irr_monthly: float | None
    payback_months: float | None

    @property
    def irr_annual(self) -> float | None:
        """The IRR compounded per year."""
        return None if self.irr_monthly is None else finance.annual_from_monthly(self.irr_monthly)

    def yearly(self) -> pd.DataFrame:
        """Profit and loss and cash by plan year (year 1 = months 1–12)."""
        trading = self.table.iloc[1:].copy()
        trading["year"] = (trading["month"] - 1) // 12 + 1
        columns = ["revenue", "variable_costs", "fixed_costs", "loan_interest", "depreciation", "revenue_tax"]
        columns += ["profit_before_tax", "profit_tax", "profit_after_tax", "cash_flow_after_tax"]
        return trading.groupby("year")[columns].sum().reset_index()


def _yearly_tax(profit: np.ndarray, rate: float) -> np.ndarray:
    """Tax on each plan year's positive profit, paid in the year's last month."""
    tax = np.zeros(len(profit))
    for start in range(0, len(profit), 12):
        end = min(start + 12, len(profit))
        tax[end - 1] = rate * max(0.0, float(profit[start:end].sum()))
    return tax


def appraise(plan: finance.BusinessPlan, appraisal: Appraisal | None = None) -> AppraisalResult:
    """Work a plan out with depreciation and taxes.

    Use it for the plan a bank or council reads: profit after depreciation
    and tax, and cash, where depreciation is added back (it is not money
    paid out: the equipment was paid in month 0).

    Parameters
    ----------
    plan : finance.BusinessPlan
        The assumptions of the plan.
    appraisal : Appraisal, optional
        Depreciation and tax rates; default none (same figures as
        :func:`ocopkit.finance.evaluate_plan`).

    Returns
    -------
    AppraisalResult

    Raises
    ------
    InputError
        For an equipment cost above the initial investment.
    """
    base, table = _appraisal_table(plan, appraisal or Appraisal())
    flows = table["project_cash_flow_after_tax"]
    return AppraisalResult(
        base=base,
        table=table,
        npv=finance.npv(flows, plan.discount_rate),
        irr_monthly=finance.irr(flows),
        payback_months=finance.payback_period(flows),
    )


def _appraisal_table(plan: finance.BusinessPlan, appraisal: Appraisal) -> tuple[finance.PlanResult, pd.DataFrame]:
    """The plan's table with the depreciation and tax columns."""
    base = finance.evaluate_plan(plan)
    table = base.table.copy()
    months = plan.months
    cost = appraisal.cost_of(plan)
    depreciation = depreciation_schedule(cost, appraisal.useful_life_years, months, min(appraisal.salvage_value, cost))
    trading = table.iloc[1:]
    revenue = trading["revenue"].to_numpy()
    revenue_tax = appraisal.revenue_tax_rate * revenue
    before_tax = trading["profit"].to_numpy() - depreciation - revenue_tax
    profit_tax = _yearly_tax(before_tax, appraisal.profit_tax_rate)
    # The project is taxed as if there were no loan, so that financing does not change its NPV.
    project_before_tax = before_tax + trading["loan_interest"].to_numpy()
    project_tax = _yearly_tax(project_before_tax, appraisal.profit_tax_rate)
    pad = finance._with_month_zero
    table["depreciation"] = pad(depreciation)
    table["revenue_tax"] = pad(revenue_tax)
    table["profit_before_tax"] = pad(before_tax)
    table["profit_tax"] = pad(profit_tax)
    table["profit_after_tax"] = pad(before_tax - profit_tax)
    table["vat_collected"] = pad(appraisal.vat_rate * revenue)
    # Depreciation is added back: cash = profit after tax + depreciation − principal (+ month 0 flows).
    table["cash_flow_after_tax"] = table["cash_flow"] - pad(revenue_tax + profit_tax)
    table["project_cash_flow_after_tax"] = table["project_cash_flow"] - pad(revenue_tax + project_tax)
    table["cumulative_cash_after_tax"] = table["cash_flow_after_tax"].cumsum()
    return base, table


# --------------------------------------------------------------------------- working capital


@dataclass(frozen=True, eq=False)
class WorkingCapital:
    """Raw material bought at harvest and sold over the season, month by month.

    Attributes
    ----------
    table : pandas.DataFrame
        Months 0 … ``months``: ``month``, ``calendar_month``, ``units``,
        ``purchases`` (material bought), ``materials_used`` (material in the
        units sold), ``stock_value`` (material in stock at the month's end),
        ``operating_cash`` (revenue − purchases − other costs) and
        ``cumulative_operating_cash``.
    peak : float
        Working capital needed: the deepest fall of the cumulative operating
        cash below zero (0 if it never falls below).
    peak_month : int
        Month of that lowest point.
    """

    table: pd.DataFrame = dataclasses.field(repr=False)
    peak: float
    peak_month: int


def _harvest_purchases(calendar: np.ndarray, units: np.ndarray, harvests: set[int]) -> np.ndarray:
    """Units of material bought in months 0 … n: each harvest buys until the next one."""
    bought = np.zeros(len(units) + 1)
    buyer = 0  # month 0 buys what is sold before the first harvest of the plan
    for index, month in enumerate(calendar, start=1):
        if int(month) in harvests:
            buyer = index
        bought[buyer] += units[index - 1]
    return bought


def harvest_working_capital(plan: finance.BusinessPlan, material_per_unit: float, harvest_months) -> WorkingCapital:
    """Working capital of a product whose raw material is bought at harvest.

    Use it for honey, paddy, fruit to dry, tea leaves…: the cooperative buys
    a season's material at harvest and sells the product over the following
    months, so the cash it needs peaks right after the harvest, not when the
    "one month of costs" rule of thumb says.

    Parameters
    ----------
    plan : finance.BusinessPlan
        Sales and costs (its volume, with seasons and growth, sets the use).
    material_per_unit : float
        The part of ``plan.variable_cost_per_unit`` that is material bought
        at harvest, in đồng per unit (0 … variable cost).
    harvest_months : sequence of int
        Calendar months (1–12) in which the material is bought. The stock
        needed before the plan's first harvest is bought in month 0.

    Returns
    -------
    WorkingCapital
        Total purchases equal the material used; the stock is empty at the
        end of the plan.

    Raises
    ------
    InputError
        For a material cost above the variable cost or a bad harvest month.
    """
    material = check_range(
        material_per_unit,
        "material_per_unit",
        _("Raw material bought at harvest, per unit"),
        0.0,
        plan.variable_cost_per_unit,
    )
    values = list(harvest_months) if not isinstance(harvest_months, (int, float)) else [harvest_months]
    harvests = {check_whole(value, "harvest_months", _("Harvest month"), 1, 12) for value in values}
    if not harvests:
        raise InputError(_("Give at least one harvest month, for example [9] for September."), "harvest_months")
    base = finance.evaluate_plan(plan).table
    calendar = base["calendar_month"].to_numpy()[1:]
    units = base["units"].to_numpy()[1:]
    purchases = _harvest_purchases(calendar, units, harvests) * material
    used = base["units"].to_numpy() * material
    # Profit counts material when sold; cash pays it when bought.
    operating = base["project_cash_flow"].to_numpy() + base["investment"].to_numpy() + used - purchases
    table = pd.DataFrame(
        {
            "month": base["month"],
            "calendar_month": base["calendar_month"],
            "units": base["units"],
            "purchases": purchases,
            "materials_used": used,
            "stock_value": np.cumsum(purchases - used),
            "operating_cash": operating,
        }
    )
    table["cumulative_operating_cash"] = table["operating_cash"].cumsum()
    low = int(table["cumulative_operating_cash"].idxmin())
    return WorkingCapital(
        table=table, peak=max(0.0, -float(table["cumulative_operating_cash"].iloc[low])), peak_month=low
    )


# --------------------------------------------------------------------------- hòa vốn, hoàn vốn


def profit_at_volume(plan: finance.BusinessPlan, units_per_month: float) -> float:
    """Monthly profit at a volume: ``units × (price − variable cost) − fixed costs``."""
    units = check_non_negative(units_per_month, "units_per_month", _("Units sold per month"))
    return units * (plan.unit_price - plan.variable_cost_per_unit) - plan.fixed_costs_per_month


def break_even_and_payback(result: finance.PlanResult, unit: str = "kg") -> pd.DataFrame:
    """Hòa vốn and hoàn vốn side by side, each with its definition.

    Use it in the plan's summary: break-even is a *volume* (per month),
    payback is a *time* (in months); a bank asks for both.

    Parameters
    ----------
    result : finance.PlanResult
        The evaluated plan.
    unit : str
        Unit of the product, for the volume.

    Returns
    -------
    pandas.DataFrame
        Two rows with columns ``chi_so`` (the measure), ``gia_tri`` (its
        value in words), ``don_vi`` (units of the value) and ``dinh_nghia``
        (what it means).
    """
    units = result.break_even_units
    payback = result.payback_months
    return pd.DataFrame(
        {
            "chi_so": [_("Break-even volume (hòa vốn)"), _("Payback period (hoàn vốn)")],
            "gia_tri": [
                _("not reached") if units is None else format_number(units, 0),
                _("not reached") if payback is None else format_number(payback, 1),
            ],
            "don_vi": [_("{unit} per month").format(unit=unit), _("months")],
            "dinh_nghia": [
                _("The volume per month at which revenue just covers variable and fixed costs: profit is zero."),
                _("The time until the money earned pays back the money invested at the start."),
            ],
        }
    )


# --------------------------------------------------------------------------- sensitivity


def changed_plan(plan: finance.BusinessPlan, variable: str, change: float) -> finance.BusinessPlan:
    """The plan with one variable changed by a fraction (``costs`` changes both kinds of cost)."""
    labels = _variable_labels()
    if variable not in SENSITIVITY_VARIABLES:
        raise InputError(
            _("Unknown assumption {name}. You can change: {known}.").format(
                name=variable, known=", ".join(SENSITIVITY_VARIABLES)
            ),
            variable,
        )
    factor = 1 + check_range(change, variable, labels[variable], SWITCHING_LOW, SWITCHING_HIGH)
    if variable == "costs":
        return dataclasses.replace(
            plan,
            variable_cost_per_unit=plan.variable_cost_per_unit * factor,
            fixed_costs_per_month=plan.fixed_costs_per_month * factor,
        )
    return dataclasses.replace(plan, **{variable: getattr(plan, variable) * factor})


def _npv(plan: finance.BusinessPlan, appraisal: Appraisal | None, variable: str = "", change: float = 0.0) -> float:
    """The project NPV after tax of a plan, with one variable changed (no IRR: fast enough to bisect)."""
    appraisal = appraisal or Appraisal()
    if variable:
        plan = changed_plan(plan, variable, change)
        if variable == "initial_investment" and appraisal.depreciable_cost is not None:
            # The equipment is part of the investment: it changes with it.
            appraisal = dataclasses.replace(appraisal, depreciable_cost=appraisal.depreciable_cost * (1 + change))
    _base, table = _appraisal_table(plan, appraisal)
    return finance.npv(table["project_cash_flow_after_tax"], plan.discount_rate)


def sensitivity_table(
    plan: finance.BusinessPlan, appraisal: Appraisal | None = None, changes=SENSITIVITY_CHANGES
) -> pd.DataFrame:
    """The plan as written and with each change, and each variable's switching value.

    Parameters
    ----------
    plan : finance.BusinessPlan
    appraisal : Appraisal, optional
        Depreciation and taxes (the NPV is after tax).
    changes : sequence of (variable, change)
        Default: price −10 %, volume −20 %, costs +10 %.

    Returns
    -------
    pandas.DataFrame
        Columns ``thay_doi`` (the change in words), ``bien``, ``muc_thay_doi``,
        ``npv``, ``chenh_lech_npv`` and ``gia_tri_chuyen_doi`` (the switching
        value: the change of that variable that brings the NPV to zero;
        empty if none in −99.9 % … +10,000 %). The first row is the plan as
        written.
    """
    labels = _variable_labels()
    base = _npv(plan, appraisal)
    rows = [(_("As planned"), "", 0.0, base, 0.0, np.nan)]
    for variable, change in changes:
        value = _npv(plan, appraisal, variable, change)
        switching = switching_value(plan, variable, appraisal)
        sign = "+" if change >= 0 else "−"
        text = f"{labels[variable]} {sign}{format_number(abs(change) * 100, 0)}%"
        rows.append((text, variable, change, value, value - base, np.nan if switching is None else switching))
    return pd.DataFrame(
        rows, columns=["thay_doi", "bien", "muc_thay_doi", "npv", "chenh_lech_npv", "gia_tri_chuyen_doi"]
    )


def switching_value(plan: finance.BusinessPlan, variable: str, appraisal: Appraisal | None = None) -> float | None:
    """The change of one variable that brings the project NPV to zero.

    Use it to say how wrong an assumption may be before the plan stops
    paying: "the price may fall by 23 % before the NPV is zero".

    Parameters
    ----------
    plan : finance.BusinessPlan
    variable : {"unit_price", "units_per_month", "costs", "initial_investment"}
    appraisal : Appraisal, optional
        Depreciation and taxes.

    Returns
    -------
    float or None
        The relative change (−0.23 for 23 % less), found by bisection
        between −99.9 % and +10,000 %; ``None`` if the NPV does not cross
        zero in that range (for example when there are no costs to raise).

    Raises
    ------
    InputError
        For an unknown variable.
    """
    changed_plan(plan, variable, 0.0)  # checks the name
    base = _npv(plan, appraisal)
    if base == 0:
        return 0.0
    # Price and volume lower the NPV as they fall; costs and investment as they rise.
    rising = variable in ("costs", "initial_investment")
    low, high = (0.0, SWITCHING_HIGH) if rising else (SWITCHING_LOW, 0.0)
    if base < 0:
        low, high = (SWITCHING_LOW, 0.0) if rising else (0.0, SWITCHING_HIGH)

    def npv_at(change: float) -> float:
        return _npv(plan, appraisal, variable, change)

    if npv_at(low) * npv_at(high) > 0:
        return None
    return finance.bisect_root(npv_at, low, high, steps=80, tolerance=1e-10)
