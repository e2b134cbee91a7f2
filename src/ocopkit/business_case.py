"""From a cooperative's cost sheet to its business plan: the steps of Topic 3 on the course's tables.

The course's cost sheets (dataset ``topic03_cost_sheets``) list what one
product costs in an ordinary month, item by item, each marked variable
(``bien_doi``: grows with every unit) or fixed (``co_dinh``: the same whatever
the volume). This module turns those rows into the inputs of
:mod:`ocopkit.pricing` and :mod:`ocopkit.finance`, fills the two tools with
them, and asks "what if" of a plan, so that a lesson never holds logic a test
cannot reach.

Examples
--------
>>> from ocopkit import business_case, finance
>>> plan = business_case.business_plan("SP01", start_month=7)
>>> round(finance.evaluate_plan(plan).break_even_units)
702

See Also
--------
ocopkit.pricing.unit_cost, ocopkit.finance.evaluate_plan : the logic used.
ocopkit.widgets.PricingCalculator, ocopkit.widgets.BusinessPlanBuilder : the tools filled here.
"""

from __future__ import annotations

import dataclasses
import math

import pandas as pd

from . import datasets, finance, pricing
from .errors import InputError, check_number, check_positive
from .i18n import _, format_number

PRODUCTS, COSTS, SEASONS = "topic03_products", "topic03_cost_sheets", "topic03_seasonality"
VARIABLE, FIXED = "bien_doi", "co_dinh"
# Cost category of the sheets → field of pricing.CostSheet. Overheads are per
# month, the others per unit.
CATEGORY_FIELDS = {
    "nguyen_lieu": "materials_per_unit",
    "nhan_cong": "labour_per_unit",
    "bao_bi": "packaging_per_unit",
    "van_chuyen": "logistics_per_unit",
    "chi_phi_chung": "overheads_per_period",
}
OVERHEADS = "chi_phi_chung"
# Assumptions of a plan that what_if may change, with their labels.
WHAT_IF_FIELDS = (
    "unit_price",
    "units_per_month",
    "variable_cost_per_unit",
    "fixed_costs_per_month",
    "initial_investment",
)


def _labels() -> dict[str, str]:
    """Translated name of each assumption what_if may change."""
    return {
        "unit_price": _("Unit price"),
        "units_per_month": _("Units sold per month"),
        "variable_cost_per_unit": _("Variable cost per unit"),
        "fixed_costs_per_month": _("Fixed costs per month"),
        "initial_investment": _("Initial investment"),
    }


def _require_columns(table: pd.DataFrame, needed: list[str]) -> None:
    """Say which columns a table lacks, if any."""
    missing = [column for column in needed if column not in table.columns]
    if missing:
        raise InputError(
            _("The table lacks the column(s) {columns}. It needs: {needed}.").format(
                columns=", ".join(missing), needed=", ".join(needed)
            ),
            "table",
        )


def _rows_of(table: pd.DataFrame, code: str) -> pd.DataFrame:
    """The rows of one product, or say which products exist."""
    _require_columns(table, ["ma_san_pham"])
    rows = table[table["ma_san_pham"] == code]
    if rows.empty:
        known = ", ".join(sorted(table["ma_san_pham"].astype(str).unique()))
        raise InputError(
            _("There is no product {code} in the table. The products are: {known}.").format(code=code, known=known),
            "ma_san_pham",
        )
    return rows


# --------------------------------------------------------------------------- cost sheet


def cost_sheet(costs: pd.DataFrame, units_per_month: float) -> pricing.CostSheet:
    """Turn the cost rows of one product into a :class:`ocopkit.pricing.CostSheet`.

    Use it to go from the cooperative's own list of costs to the unit cost:
    ``pricing.unit_cost(cost_sheet(rows, units))``.

    Parameters
    ----------
    costs : pandas.DataFrame
        The rows of one product, with columns ``nhom`` (cost category, one of
        :data:`CATEGORY_FIELDS`) and ``so_tien_thang`` (đồng spent in an
        ordinary month).
    units_per_month : float
        Units made and sold in that month (> 0).

    Returns
    -------
    pricing.CostSheet
        Variable categories divided by the volume (per unit); overheads kept
        per month.

    Raises
    ------
    InputError
        For a missing column, an unknown category, an amount that is not a
        number, or a volume that is not above zero.
    """
    _require_columns(costs, ["nhom", "so_tien_thang"])
    units = check_positive(units_per_month, "units_per_period", _("Units per period"))
    totals = dict.fromkeys(CATEGORY_FIELDS.values(), 0.0)
    for row, (category, amount) in enumerate(zip(costs["nhom"], costs["so_tien_thang"]), start=1):
        if category not in CATEGORY_FIELDS:
            raise InputError(
                _('Unknown cost category "{value}" in row {row}. The categories are: {known}.').format(
                    value=category, row=row, known=", ".join(CATEGORY_FIELDS)
                ),
                "nhom",
            )
        label = _("Amount in row {row}").format(row=row)
        totals[CATEGORY_FIELDS[category]] += check_number(amount, "so_tien_thang", label)
    per_unit = {field: total if field == "overheads_per_period" else total / units for field, total in totals.items()}
    return pricing.CostSheet(units_per_period=units, **per_unit)


def seasonal_factors(seasons: pd.DataFrame, code: str) -> tuple[float, ...]:
    """The twelve seasonal factors of one product, January first.

    Parameters
    ----------
    seasons : pandas.DataFrame
        Columns ``ma_san_pham``, ``thang`` (1–12) and ``he_so_mua_vu``.
    code : str
        The product's code, e.g. ``"SP01"``.

    Returns
    -------
    tuple of 12 float

    Raises
    ------
    InputError
        For an unknown product, or months missing or repeated.
    """
    _require_columns(seasons, ["ma_san_pham", "thang", "he_so_mua_vu"])
    rows = _rows_of(seasons, code)
    if sorted(rows["thang"].tolist()) != list(range(1, 13)):
        raise InputError(
            _(
                "The seasonal factors of {code} need one row for each month from 1 to 12; "
                "the table has months {months}."
            ).format(code=code, months=", ".join(str(m) for m in sorted(rows["thang"].tolist()))),
            "thang",
        )
    return tuple(float(f) for f in rows.sort_values("thang")["he_so_mua_vu"])


def business_plan(
    code: str,
    products: pd.DataFrame | None = None,
    costs: pd.DataFrame | None = None,
    seasons: pd.DataFrame | None = None,
    *,
    months: int = 36,
    start_month: int = 1,
    growth_rate: float = 0.0,
    loan: finance.Loan | None = None,
    discount_rate: float = 0.1,
) -> finance.BusinessPlan:
    """Build the business plan of one product of the course's tables.

    Use it to check a plan worked out step by step with pandas, or to fill
    :class:`~ocopkit.widgets.BusinessPlanBuilder` with :func:`plan_inputs`.

    Parameters
    ----------
    code : str
        The product's code, e.g. ``"SP01"``.
    products, costs, seasons : pandas.DataFrame, optional
        The three tables; by default the course datasets ``topic03_products``,
        ``topic03_cost_sheets`` and ``topic03_seasonality``.
    months, start_month, growth_rate, loan, discount_rate
        As in :class:`ocopkit.finance.BusinessPlan`.

    Returns
    -------
    finance.BusinessPlan
        Volume and price from the products table; variable cost per unit and
        fixed costs per month from the cost sheet; the product's seasonal
        factors; its investment.

    Raises
    ------
    InputError
        For an unknown product or an invalid table or assumption.
    """
    products = datasets.load(PRODUCTS) if products is None else products
    costs = datasets.load(COSTS) if costs is None else costs
    seasons = datasets.load(SEASONS) if seasons is None else seasons
    _require_columns(products, ["ma_san_pham", "san_pham", "don_vi", "san_luong_thang", "gia_ban", "von_dau_tu"])
    row = _rows_of(products, code).iloc[0]
    sheet = cost_sheet(_rows_of(costs, code), row["san_luong_thang"])
    return finance.BusinessPlan(
        product=f"{row['san_pham']} ({row['don_vi']})",
        units_per_month=float(row["san_luong_thang"]),
        unit_price=float(row["gia_ban"]),
        variable_cost_per_unit=pricing.unit_cost(sheet).variable,
        fixed_costs_per_month=sheet.overheads_per_period,
        months=months,
        seasonal_factors=seasonal_factors(seasons, code),
        start_month=start_month,
        growth_rate=growth_rate,
        initial_investment=float(row["von_dau_tu"]),
        loan=loan,
        discount_rate=discount_rate,
    )


# --------------------------------------------------------------------------- what if


def what_if(plan: finance.BusinessPlan, changes: dict[str, float]) -> pd.DataFrame:
    """Work a plan out again with one assumption changed at a time.

    Use it to find a plan's main risk: the assumption whose likely change
    hurts the NPV and the cash most.

    Parameters
    ----------
    plan : finance.BusinessPlan
        The plan as written.
    changes : dict
        Assumption → relative change, e.g. ``{"unit_price": -0.1}`` for a
        price 10 % lower. Assumptions: ``unit_price``, ``units_per_month``,
        ``variable_cost_per_unit``, ``fixed_costs_per_month``,
        ``initial_investment``.

    Returns
    -------
    pandas.DataFrame
        One row for the plan as written, then one per change, with columns
        ``thay_doi`` (what changed, in words), ``npv``, ``chenh_lech_npv``
        (NPV minus the plan's), ``tien_mat_thap_nhat`` (lowest cumulative
        cash) and ``thang_hoa_von`` (break-even month, empty if never).

    Raises
    ------
    InputError
        For an unknown assumption, or a change of −100 % or less.
    """
    labels = _labels()
    results = [(_("As planned"), finance.evaluate_plan(plan))]
    for field, change in changes.items():
        if field not in WHAT_IF_FIELDS:
            raise InputError(
                _("Unknown assumption {name}. You can change: {known}.").format(
                    name=field, known=", ".join(WHAT_IF_FIELDS)
                ),
                field,
            )
        rate = check_number(change, field, labels[field])
        if rate <= -1:
            raise InputError(
                _(
                    "A change of {value} would make {label} zero or less: give a change above -1 (-0.2 is 20% less)."
                ).format(value=format_number(rate, 2), label=labels[field]),
                field,
            )
        changed = dataclasses.replace(plan, **{field: getattr(plan, field) * (1 + rate)})
        sign = "+" if rate >= 0 else "−"
        text = f"{labels[field]} {sign}{format_number(abs(rate) * 100, 0)}%"
        results.append((text, finance.evaluate_plan(changed)))
    base = results[0][1].npv
    return pd.DataFrame(
        {
            "thay_doi": [text for text, _result in results],
            "npv": [result.npv for _text, result in results],
            "chenh_lech_npv": [result.npv - base for _text, result in results],
            "tien_mat_thap_nhat": [result.lowest_cash for _text, result in results],
            "thang_hoa_von": pd.array([result.break_even_month for _text, result in results], dtype="Int64"),
        }
    )


# --------------------------------------------------------------------------- tools


def _box(value: float, decimals: int = 2) -> str:
    """A number as a tool's box shows it (``84.000``, ``1,5``), in the current language."""
    return format_number(value, decimals, trim=True)


def pricing_inputs(sheet: pricing.CostSheet, *, product: str = "", price: float | None = None) -> dict[str, object]:
    """What to put in :class:`~ocopkit.widgets.PricingCalculator` for a cost sheet.

    Parameters
    ----------
    sheet : pricing.CostSheet
        From :func:`cost_sheet`.
    product : str
        Name shown in the tool.
    price : float, optional
        The cooperative's current price, a whole number of thousand đồng. The
        tool then opens on the markup that gives this price: the markup is cut
        to one decimal and the tool rounds the price up to 1,000 đồng, which
        brings it back to ``price`` exactly.

    Returns
    -------
    dict
        For ``tool.set_inputs(...)``.

    Raises
    ------
    InputError
        For a price that is not above the unit cost.
    """
    values = {
        "product": product,
        "units_per_period": _box(sheet.units_per_period),
        **{field: _box(getattr(sheet, field)) for field in CATEGORY_FIELDS.values()},
    }
    if price is not None:
        cost = pricing.unit_cost(sheet).total
        if check_positive(price, "price", _("Selling price")) <= cost:
            raise InputError(
                _("The price {price} does not cover the unit cost {cost}.").format(
                    price=format_number(price), cost=format_number(cost)
                ),
                "price",
            )
        markup = math.floor(round((price / cost - 1) * 1000, 6)) / 10
        values.update(method="markup", markup=_box(markup, 1), rounding=1000)
    return values


def plan_inputs(plan: finance.BusinessPlan) -> dict[str, object]:
    """What to put in :class:`~ocopkit.widgets.BusinessPlanBuilder` for a plan.

    Parameters
    ----------
    plan : finance.BusinessPlan
        For example from :func:`business_plan`.

    Returns
    -------
    dict
        For ``tool.set_inputs(...)``: amounts as the boxes show them, rates in
        per cent, the seasonal factors separated by ``;``.
    """
    loan = plan.loan
    values = {
        "product": plan.product,
        "units_per_month": _box(plan.units_per_month),
        "unit_price": _box(plan.unit_price),
        "variable_cost_per_unit": _box(plan.variable_cost_per_unit),
        "fixed_costs_per_month": _box(plan.fixed_costs_per_month),
        "months": _box(plan.months),
        "start_month": plan.start_month,
        "growth_rate": _box(plan.growth_rate * 100),
        "growth_period": plan.growth_period,
        "seasonal_factors": "; ".join(_box(f) for f in plan.seasonal_factors),
        "initial_investment": _box(plan.initial_investment),
        "loan_principal": _box(loan.principal if loan else 0),
        "discount_rate": _box(plan.discount_rate * 100),
    }
    if loan is not None:
        values.update(
            loan_rate=_box(loan.annual_rate * 100),
            loan_term=_box(loan.term_months),
            grace_months=_box(loan.grace_months),
        )
    return values
