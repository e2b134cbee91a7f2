"""Business plan builder: a monthly plan with its cash flow and break-even point, live.

A thin layer over :mod:`ocopkit.finance`: the boxes collect the assumptions,
``finance.BusinessPlan`` checks them, ``finance.evaluate_plan`` works the plan
out, and the widget shows the key figures and a chart of the cash flow.

Examples
--------
>>> from ocopkit.widgets import BusinessPlanBuilder
>>> tool = BusinessPlanBuilder()                         # a worked example to change
>>> tool.set_inputs({"unit_price": "85.000", "months": "60"})
>>> tool.result.break_even_month                         # doctest: +SKIP
"""

from __future__ import annotations

import re
from pathlib import Path

import ipywidgets as w
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from .. import finance, finance_appraisal
from ..errors import InputError
from ..i18n import _, format_money, format_number
from .common import figures_table, text_export
from .inputs import FormTool, LiveChart, caption_html, choice_box, number_box, parse_number, plain_number, text_box

# A worked example (synthetic figures) so the tool opens with a plan to change.
EXAMPLE = {
    "product": "Miến dong Bình Liêu",
    "units_per_month": 1500,
    "unit_price": 80_000,
    "variable_cost_per_unit": 50_000,
    "fixed_costs_per_month": 20_000_000,
    "months": 36,
    "start_month": 1,
    "growth_rate": 10,
    "growth_period": "year",
    "seasonal_factors": "",
    "initial_investment": 300_000_000,
    "loan_principal": 200_000_000,
    "loan_rate": 9,
    "loan_term": 36,
    "grace_months": 6,
    "discount_rate": 10,
    # Depreciation and taxes: 0 % taxes until the participant enters the rates the tax office gives.
    "useful_life_years": 5,
    "revenue_tax_rate": 0,
    "profit_tax_rate": 0,
}
_MILLION = 1e6


def _millions(value: float, _position) -> str:
    """Tick label in millions of đồng, local style."""
    return format_number(value, 0)


class CashFlowChart(LiveChart):
    """Monthly cash flow (bars), cumulative cash and profit (lines), break-even and payback.

    Drawn for speed: matplotlib's cost here is mostly text and ticks, so the
    title and key are HTML above the image (:meth:`caption_html`), and the
    axes carry only a few ticks; the bars are one ``vlines`` collection
    rather than a rectangle per month.
    """

    size = (6.8, 3.0)

    def build(self, result: finance.PlanResult) -> None:
        """Create empty artists; :meth:`update` fills them."""
        axes = self.axes
        self.bars = axes.vlines([], [], [], colors="#81c784", linewidth=3)
        (self.cash,) = axes.plot([], [], color="#0b5394")
        (self.profit,) = axes.plot([], [], "--", color="#ef6c00")
        axes.axhline(0, color="#555555", linewidth=0.8)
        (self.dot,) = axes.plot([], [], "o", color="black")
        self.break_even = axes.annotate("", (0, 0), xytext=(6, -14), textcoords="offset points")
        self.payback = axes.axvline(0, color="#555555", linestyle=":", linewidth=1)
        self.payback_note = axes.text(0, 0.97, "", transform=axes.get_xaxis_transform(), va="top")
        axes.xaxis.set_major_locator(MaxNLocator(4, integer=True, steps=[1, 2, 3, 6, 10]))
        axes.yaxis.set_major_locator(MaxNLocator(3))
        axes.yaxis.set_major_formatter(FuncFormatter(_millions))
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)

    def caption_html(self, result: finance.PlanResult) -> str:
        """Title and key."""
        return caption_html(
            _("Cash flow and break-even point (million VND, by month)"),
            [
                ("bar", "#81c784", _("Cash flow of the month")),
                ("line", "#0b5394", _("Cumulative cash")),
                ("dashed", "#ef6c00", _("Cumulative profit")),
                ("dotted", "#555555", _("Payback")),
            ],
        )

    def update(self, result: finance.PlanResult) -> Figure:
        """Draw one plan."""
        table = result.table
        months = table["month"].to_numpy()
        flow, cash, profit = (
            table[name].to_numpy() / _MILLION for name in ("cash_flow", "cumulative_cash", "cumulative_profit")
        )
        self.bars.set_segments([((m, 0), (m, value)) for m, value in zip(months, flow)])
        self.bars.set_color(np.where(flow >= 0, "#81c784", "#e57373"))
        self.cash.set_data(months, cash)
        self.profit.set_data(months, profit)
        self._mark_break_even(result.break_even_month, profit)
        self._mark_payback(result.payback_months)
        low = min(flow.min(), cash.min(), profit.min(), 0.0)
        high = max(flow.max(), cash.max(), profit.max(), 0.0)
        margin = (high - low) * 0.08 or 1.0
        self.axes.set_xlim(-1, months[-1] + 1)
        self.axes.set_ylim(low - margin, high + margin)
        return self.figure

    def _mark_break_even(self, month: int | None, profit: np.ndarray) -> None:
        """A dot and a note where cumulative profit reaches zero; hidden if it never does."""
        self.break_even.set_visible(month is not None)
        if month is None:
            self.dot.set_data([], [])
            return
        self.dot.set_data([month], [profit[month]])
        self.break_even.xy = (month, profit[month])
        # Late in the plan, write the note to the left of the dot so it stays inside the chart.
        late = month > 0.6 * (len(profit) - 1)
        self.break_even.set_horizontalalignment("right" if late else "left")
        self.break_even.set_position((-6 if late else 6, -14))
        self.break_even.set_text(_("Break-even: month {month}").format(month=month))

    def _mark_payback(self, months: float | None) -> None:
        """A dotted line when the investment is paid back; hidden if it never is."""
        for artist in (self.payback, self.payback_note):
            artist.set_visible(months is not None)
        if months is not None:
            self.payback.set_xdata([months, months])
            self.payback_note.set_x(months)
            self.payback_note.set_text(" " + _("Payback: {months} months").format(months=format_number(months, 1)))


def cash_flow_chart(result: finance.PlanResult) -> Figure:
    """Draw a plan's cash-flow chart once (the widget updates one in place instead)."""
    return CashFlowChart(result).update(result)


class BusinessPlanBuilder(FormTool):
    """Build a 12–60-month business plan and see its cash flow and break-even point.

    Use it to prepare the "phương án kinh doanh" of an OCOP dossier: change
    the volume, price, costs, investment or loan and the key figures (break-even,
    payback, NPV, IRR) and the cash-flow chart follow.

    Parameters
    ----------
    unit : str
        Unit of sale shown in the labels, e.g. ``"kg"``, ``"hộp"``.

    Attributes
    ----------
    result : ocopkit.finance.PlanResult
        The latest valid plan: ``.table`` month by month and the key figures.
    appraisal : ocopkit.finance_appraisal.AppraisalResult
        The same plan with depreciation and the tax rates entered.
    fields : dict
        The input boxes, keyed by the names of :class:`ocopkit.finance.BusinessPlan`.

    See Also
    --------
    ocopkit.finance.evaluate_plan : the logic.
    ocopkit.finance.plan_to_markdown, ocopkit.finance.plan_to_csv : the exports.
    """

    tool_name = "BusinessPlanBuilder"
    chart_class = CashFlowChart

    def __init__(self, unit: str = "kg"):
        self.unit = unit
        self.appraisal: finance_appraisal.AppraisalResult | None = None
        fields = self._make_fields()
        super().__init__(fields, self._form(fields), _("business-plan"))

    # -- boxes ----------------------------------------------------------------------
    def _labels(self) -> dict[str, str]:
        """Translated name of each number box, as used in messages."""
        return {
            "units_per_month": _("Units sold per month"),
            "unit_price": _("Unit price"),
            "variable_cost_per_unit": _("Variable cost per unit"),
            "fixed_costs_per_month": _("Fixed costs per month"),
            "months": _("Plan length"),
            "growth_rate": _("Growth of sales"),
            "initial_investment": _("Initial investment"),
            "loan_principal": _("Loan amount"),
            "loan_rate": _("Loan interest rate"),
            "loan_term": _("Loan term"),
            "grace_months": _("Grace period"),
            "discount_rate": _("Discount rate"),
            "useful_life_years": _("Useful life of the equipment"),
            "revenue_tax_rate": _("Tax on revenue"),
            "profit_tax_rate": _("Tax on profit"),
        }

    def _make_fields(self) -> dict[str, w.Widget]:
        """Create the boxes, filled with the worked example."""
        labels, unit = self._labels(), self.unit
        units = {
            "units_per_month": _("{unit}/month").format(unit=unit),
            "unit_price": _("VND/{unit}").format(unit=unit),
            "variable_cost_per_unit": _("VND/{unit}").format(unit=unit),
            "fixed_costs_per_month": _("VND/month"),
            "months": _("months"),
            "growth_rate": "%",
            "initial_investment": _("VND"),
            "loan_principal": _("VND"),
            "loan_rate": _("% a year"),
            "loan_term": _("months"),
            "grace_months": _("months"),
            "discount_rate": _("% a year"),
            "useful_life_years": _("years"),
            "revenue_tax_rate": _("% of revenue"),
            "profit_tax_rate": _("% of profit"),
        }
        fields = {"product": text_box(_("Product name"), EXAMPLE["product"])}
        fields.update({name: number_box(labels[name], units[name], plain_number(EXAMPLE[name])) for name in units})
        fields["start_month"] = choice_box(
            _("Starting month"), [(_("Month {month}").format(month=m), m) for m in range(1, 13)], EXAMPLE["start_month"]
        )
        fields["growth_period"] = choice_box(
            _("Growth applies"), [(_("once a year"), "year"), (_("every month"), "month")], EXAMPLE["growth_period"]
        )
        fields["seasonal_factors"] = text_box(
            _("Seasonal factors, January to December"),
            EXAMPLE["seasonal_factors"],
            placeholder="1; 1; 1; 1; 1; 1; 1; 1; 1; 1; 1,5; 2",
        )
        return fields

    def _form(self, fields: dict[str, w.Widget]) -> w.Widget:
        """Group the boxes in three sections, the first one open."""
        groups = [
            (
                _("Sales and costs"),
                [
                    "product",
                    "units_per_month",
                    "unit_price",
                    "variable_cost_per_unit",
                    "fixed_costs_per_month",
                    "months",
                ],
            ),
            (
                _("Investment and loan"),
                ["initial_investment", "loan_principal", "loan_rate", "loan_term", "grace_months", "discount_rate"],
            ),
            (_("Growth and seasons"), ["start_month", "growth_rate", "growth_period", "seasonal_factors"]),
            (_("Depreciation and taxes"), ["useful_life_years", "revenue_tax_rate", "profit_tax_rate"]),
        ]
        hints = {
            1: _("Enter 0 as the loan amount if there is no loan."),
            2: _(
                "Seasonal factors: 12 numbers separated by ; (1 is an ordinary month, "
                "2 sells twice as much, 0 nothing). Leave empty for 1 in every month."
            ),
            3: _(
                "Enter the tax rates that apply to your business (ask the tax office): the tool does not "
                "know them. 0 leaves the tax out. The initial investment is depreciated in equal parts "
                "over the useful life."
            ),
        }
        boxes = []
        for index, (_title, names) in enumerate(groups):
            children = [fields[name] for name in names]
            if index in hints:
                children.append(w.HTML(f"<i>{hints[index]}</i>"))
            boxes.append(w.VBox(children))
        return w.Accordion(children=boxes, titles=[title for title, _names in groups], selected_index=0)

    # -- logic ----------------------------------------------------------------------
    def compute(self) -> finance.PlanResult:
        """Read the boxes, check them through ``finance.BusinessPlan`` and evaluate the plan."""
        labels, number = self._labels(), self.number
        period = self.fields["growth_period"].value
        low, high = (100 * limit for limit in finance.GROWTH_LIMITS[period])
        plan = finance.BusinessPlan(
            product=self.text("product"),
            units_per_month=number("units_per_month", labels["units_per_month"]),
            unit_price=number("unit_price", labels["unit_price"]),
            variable_cost_per_unit=number("variable_cost_per_unit", labels["variable_cost_per_unit"]),
            fixed_costs_per_month=number("fixed_costs_per_month", labels["fixed_costs_per_month"]),
            months=number("months", labels["months"]),
            seasonal_factors=self._seasonal_factors(),
            start_month=self.fields["start_month"].value,
            growth_rate=self.percent("growth_rate", labels["growth_rate"], low, high),
            growth_period=period,
            initial_investment=number("initial_investment", labels["initial_investment"]),
            loan=self._loan(),
            discount_rate=self.percent("discount_rate", labels["discount_rate"], 0, 100 * finance.MAX_DISCOUNT_RATE),
        )
        result = finance.evaluate_plan(plan)
        self._latest_appraisal = finance_appraisal.appraise(plan, self._appraisal_inputs())
        return result

    def _appraisal_inputs(self) -> finance_appraisal.Appraisal:
        """Depreciation and tax rates from their boxes."""
        labels = self._labels()
        return finance_appraisal.Appraisal(
            useful_life_years=self.number("useful_life_years", labels["useful_life_years"]),
            revenue_tax_rate=self.percent(
                "revenue_tax_rate", labels["revenue_tax_rate"], 0, 100 * finance_appraisal.MAX_REVENUE_TAX
            ),
            profit_tax_rate=self.percent(
                "profit_tax_rate", labels["profit_tax_rate"], 0, 100 * finance_appraisal.MAX_PROFIT_TAX
            ),
        )

    def _accept(self, result: finance.PlanResult) -> None:
        """Keep the plan after depreciation and tax with the plan itself."""
        self.appraisal = self._latest_appraisal
        super()._accept(result)

    def sensitivity(self):
        """The sensitivity table of the current plan (price −10 %, volume −20 %, costs +10 %).

        See Also
        --------
        ocopkit.finance_appraisal.sensitivity_table
        """
        return finance_appraisal.sensitivity_table(self.result.plan, self._appraisal_inputs())

    def _loan(self) -> finance.Loan | None:
        """The loan, or ``None`` when the amount is 0 (the other loan boxes are then ignored)."""
        labels = self._labels()
        principal = self.number("loan_principal", labels["loan_principal"])
        if principal == 0:
            return None
        return finance.Loan(
            principal=principal,
            annual_rate=self.percent("loan_rate", labels["loan_rate"], 0, 100 * finance.MAX_LOAN_RATE),
            term_months=self.number("loan_term", labels["loan_term"]),
            grace_months=self.number("grace_months", labels["grace_months"]),
        )

    def _seasonal_factors(self) -> tuple[float, ...]:
        """Read 12 factors separated by ``;`` or spaces; empty means 1 in every month."""
        text = self.fields["seasonal_factors"].value.strip()
        if not text:
            return (1.0,) * 12
        label = _("Seasonal factors, January to December")
        parts = [part for part in re.split(r"[;\s]+", text) if part]
        if len(parts) != 12:
            raise InputError(
                _(
                    "Type 12 seasonal factors, one for each month from January to December, "
                    "separated by ; — you typed {count}."
                ).format(count=len(parts)),
                "seasonal_factors",
            )
        return tuple(parse_number(part, "seasonal_factors", label) for part in parts)

    # -- display ----------------------------------------------------------------------
    def summary_html(self, result: finance.PlanResult) -> str:
        """Key figures as a table, in the same words as the exported section."""
        rows = finance.key_figure_rows(result)  # the dossier's wording
        if result.loan_instalment is not None:
            rows.append((_("Monthly loan instalment after grace"), format_money(result.loan_instalment)))
        after = self._latest_appraisal
        rows.append((_("Depreciation per year"), format_money(after.table["depreciation"].iloc[1:13].sum())))
        rows.append(
            (_("Profit after depreciation and tax, whole plan"), format_money(after.table["profit_after_tax"].sum()))
        )
        rows.append((_("NPV after tax"), format_money(after.npv)))
        return figures_table(rows)

    # -- exports ----------------------------------------------------------------------
    def to_csv(self, path: str | Path | None = None) -> str:
        """Return the month-by-month table as CSV; with ``path``, also write it (UTF-8 with BOM).

        See Also
        --------
        ocopkit.finance.plan_to_csv
        """
        return finance.plan_to_csv(self.result, path)

    def to_markdown(self, path: str | Path | None = None) -> str:
        """Return the business-plan section of the dossier; with ``path``, also write it.

        See Also
        --------
        ocopkit.finance.plan_to_markdown
        """
        text = finance.plan_to_markdown(self.result)
        return text_export(text, path)
