"""Tests of ocopkit.finance_appraisal: depreciation, taxes, working capital, hòa vốn/hoàn vốn, sensitivity."""

import ast
import re

import numpy as np
import pytest
from babel.messages.pofile import read_po
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from ocopkit import finance, finance_appraisal
from ocopkit.errors import InputError
from ocopkit.finance import BusinessPlan, evaluate_plan
from ocopkit.finance_appraisal import (
    Appraisal,
    appraise,
    break_even_and_payback,
    changed_plan,
    depreciation_schedule,
    harvest_working_capital,
    profit_at_volume,
    sensitivity_table,
    switching_value,
)
from ocopkit.i18n import LOCALE_DIR

FAST = settings(max_examples=30, deadline=None, database=None)

SEASONS = (0.6, 0.6, 0.8, 1, 1, 1, 1, 1.2, 1.4, 1.4, 1.2, 0.8)


def honey_plan(**changes) -> BusinessPlan:
    """A profitable plan with seasons and an investment (figures giả lập)."""
    values = dict(
        units_per_month=800,
        unit_price=120_000,
        variable_cost_per_unit=70_000,
        fixed_costs_per_month=20e6,
        initial_investment=300e6,
        months=36,
        seasonal_factors=SEASONS,
    )
    values.update(changes)
    return BusinessPlan(**values)


plans = st.builds(
    honey_plan,
    units_per_month=st.floats(100, 5_000),
    unit_price=st.floats(50_000, 300_000),
    variable_cost_per_unit=st.floats(0, 40_000),
    fixed_costs_per_month=st.floats(0, 50e6),
    initial_investment=st.floats(1e6, 800e6),
    months=st.integers(12, 60),
)


class TestDepreciation:
    @FAST
    @given(
        cost=st.floats(0, 1e10),
        salvage_share=st.floats(0, 1),
        life=st.floats(0.1, 50),
    )
    def test_it_sums_to_cost_minus_salvage_over_the_useful_life(self, cost, salvage_share, life):
        salvage = cost * salvage_share
        months = max(1, int(round(life * 12)))
        schedule = depreciation_schedule(cost, life, months, salvage)
        assert schedule.sum() == pytest.approx(cost - salvage, rel=1e-9, abs=1e-6)

    def test_it_is_straight_line_and_stops_after_the_useful_life(self):
        schedule = depreciation_schedule(120e6, 5, 72, salvage=0)
        assert np.allclose(schedule[:60], 2e6)
        assert np.all(schedule[60:] == 0)

    def test_a_shorter_plan_carries_only_its_months(self):
        assert depreciation_schedule(120e6, 5, 36).sum() == pytest.approx(72e6)

    def test_no_useful_life_means_no_depreciation(self):
        assert depreciation_schedule(120e6, 0, 36).sum() == 0

    def test_a_salvage_above_the_cost_is_refused(self):
        with pytest.raises(InputError) as error:
            depreciation_schedule(10e6, 5, 36, salvage=20e6)
        assert error.value.field == "salvage_value"


class TestAppraise:
    def test_without_depreciation_or_tax_it_matches_evaluate_plan(self):
        plan = honey_plan()
        result = appraise(plan)
        assert result.npv == pytest.approx(evaluate_plan(plan).npv)
        assert np.allclose(result.table["cash_flow_after_tax"], result.table["cash_flow"])

    def test_depreciation_lowers_profit_but_not_cash(self):
        plan = honey_plan()
        without = appraise(plan)
        with_it = appraise(plan, Appraisal(useful_life_years=5))
        assert with_it.table["profit_after_tax"].sum() == pytest.approx(
            without.table["profit_after_tax"].sum() - 300e6 * 36 / 60
        )
        assert np.allclose(with_it.table["cash_flow_after_tax"], without.table["cash_flow_after_tax"])

    def test_depreciation_is_added_back_in_the_cash_flow(self):
        result = appraise(honey_plan(), Appraisal(useful_life_years=5, profit_tax_rate=0.2))
        trading = result.table.iloc[1:]
        added_back = trading["profit_after_tax"] + trading["depreciation"] - trading["loan_principal_repaid"]
        assert np.allclose(added_back, trading["cash_flow_after_tax"])

    def test_depreciation_lowers_the_tax_on_profit(self):
        taxed = Appraisal(profit_tax_rate=0.2)
        depreciated = Appraisal(profit_tax_rate=0.2, useful_life_years=5)
        assert appraise(honey_plan(), depreciated).npv > appraise(honey_plan(), taxed).npv

    def test_tax_on_revenue_is_a_share_of_each_month_revenue(self):
        result = appraise(honey_plan(), Appraisal(revenue_tax_rate=0.015))
        assert np.allclose(result.table["revenue_tax"], 0.015 * result.table["revenue"])

    def test_tax_on_profit_is_paid_at_the_end_of_each_year(self):
        result = appraise(honey_plan(), Appraisal(profit_tax_rate=0.2))
        paid = result.table.loc[result.table["profit_tax"] > 0, "month"].tolist()
        assert paid == [12, 24, 36]
        yearly = result.yearly()
        assert np.allclose(yearly["profit_tax"], 0.2 * yearly["profit_before_tax"])

    def test_a_loss_year_pays_no_tax_on_profit(self):
        result = appraise(honey_plan(units_per_month=100), Appraisal(profit_tax_rate=0.2))
        assert result.table["profit_tax"].sum() == 0

    def test_vat_is_a_memo_that_changes_neither_profit_nor_cash(self):
        plain = appraise(honey_plan())
        vat = appraise(honey_plan(), Appraisal(vat_rate=0.1))
        assert vat.table["vat_collected"].sum() == pytest.approx(0.1 * plain.table["revenue"].sum())
        assert vat.npv == pytest.approx(plain.npv)

    def test_a_rate_typed_as_percent_is_refused_with_the_field(self):
        with pytest.raises(InputError) as error:
            Appraisal(profit_tax_rate=20)
        assert error.value.field == "profit_tax_rate"

    def test_equipment_above_the_investment_is_refused(self):
        with pytest.raises(InputError) as error:
            appraise(honey_plan(), Appraisal(useful_life_years=5, depreciable_cost=400e6))
        assert error.value.field == "depreciable_cost"

    def test_a_loan_does_not_change_the_project_npv(self):
        loan = finance.Loan(principal=200e6, annual_rate=0.08, term_months=36)
        appraisal = Appraisal(useful_life_years=5, profit_tax_rate=0.2)
        assert appraise(honey_plan(loan=loan), appraisal).npv == pytest.approx(appraise(honey_plan(), appraisal).npv)

    @FAST
    @given(plan=plans)
    def test_npv_at_the_irr_is_zero(self, plan):
        result = appraise(plan, Appraisal(useful_life_years=5, revenue_tax_rate=0.015))
        assume(result.irr_monthly is not None and result.irr_monthly > -0.9)
        flows = result.table["project_cash_flow_after_tax"].to_numpy()
        discounted = flows / (1 + result.irr_monthly) ** np.arange(len(flows))
        # Relative to the discounted flows' size: at a rate like -69 % a month, month 50 weighs 10^25 times month 0.
        assert discounted.sum() == pytest.approx(0, abs=1e-6 * np.abs(discounted).sum())


class TestWorkingCapital:
    def test_purchases_equal_material_used_and_the_stock_ends_empty(self):
        capital = harvest_working_capital(honey_plan(), 40_000, [9])
        assert capital.table["purchases"].sum() == pytest.approx(capital.table["materials_used"].sum())
        assert capital.table["stock_value"].iloc[-1] == pytest.approx(0, abs=1e-3)
        assert (capital.table["stock_value"] >= -1e-3).all()

    def test_the_peak_follows_the_harvest_not_the_average_month(self):
        capital = harvest_working_capital(honey_plan(initial_investment=0, start_month=9), 40_000, [9])
        # Starting at harvest, the first month buys a whole year's material.
        assert capital.peak_month == 1
        assert capital.table["purchases"].iloc[1] == pytest.approx(40_000 * capital.table["units"].iloc[1:13].sum())
        assert capital.peak > 40_000 * 800

    def test_buying_as_used_needs_no_working_capital_when_profitable(self):
        capital = harvest_working_capital(honey_plan(initial_investment=0), 0, [9])
        assert capital.peak == 0

    def test_two_harvests_need_less_than_one(self):
        plan = honey_plan(initial_investment=0, start_month=3)
        one = harvest_working_capital(plan, 40_000, [3])
        two = harvest_working_capital(plan, 40_000, [3, 9])
        assert two.peak < one.peak

    @FAST
    @given(plan=plans, harvests=st.sets(st.integers(1, 12), min_size=1, max_size=4), share=st.floats(0, 1))
    def test_stock_never_negative_and_ends_empty(self, plan, harvests, share):
        capital = harvest_working_capital(plan, plan.variable_cost_per_unit * share, sorted(harvests))
        stock = capital.table["stock_value"]
        scale = 1 + capital.table["purchases"].sum()
        assert (stock >= -1e-9 * scale).all()
        assert stock.iloc[-1] == pytest.approx(0, abs=1e-9 * scale)

    def test_material_above_the_variable_cost_is_refused(self):
        with pytest.raises(InputError) as error:
            harvest_working_capital(honey_plan(), 90_000, [9])
        assert error.value.field == "material_per_unit"

    def test_a_bad_harvest_month_is_refused(self):
        with pytest.raises(InputError) as error:
            harvest_working_capital(honey_plan(), 40_000, [13])
        assert error.value.field == "harvest_months"


class TestBreakEvenAndPayback:
    @FAST
    @given(plan=plans)
    def test_profit_at_break_even_volume_is_zero(self, plan):
        units = evaluate_plan(plan).break_even_units
        assume(units is not None)
        assert profit_at_volume(plan, units) == pytest.approx(0, abs=1e-6 * (1 + plan.fixed_costs_per_month))

    def test_both_are_shown_with_their_definitions_and_units(self):
        table = break_even_and_payback(evaluate_plan(honey_plan()), unit="hũ")
        assert list(table["chi_so"]) == ["Sản lượng hòa vốn", "Thời gian hoàn vốn"]
        assert list(table["don_vi"]) == ["hũ mỗi tháng", "tháng"]
        assert table["dinh_nghia"].str.len().min() > 40

    def test_not_reached_is_said_in_words(self):
        table = break_even_and_payback(evaluate_plan(honey_plan(unit_price=60_000)))
        assert list(table["gia_tri"]) == ["chưa đạt", "chưa đạt"]


class TestSensitivity:
    def test_the_table_has_the_plan_and_the_three_bank_changes(self):
        table = sensitivity_table(honey_plan())
        assert list(table["bien"]) == ["", "unit_price", "units_per_month", "costs"]
        assert list(table["muc_thay_doi"]) == [0.0, -0.1, -0.2, 0.1]
        assert (table["chenh_lech_npv"].iloc[1:] < 0).all()

    def test_costs_change_both_kinds_of_cost(self):
        changed = changed_plan(honey_plan(), "costs", 0.1)
        assert changed.variable_cost_per_unit == pytest.approx(77_000)
        assert changed.fixed_costs_per_month == pytest.approx(22e6)

    @FAST
    @given(plan=plans, variable=st.sampled_from(finance_appraisal.SENSITIVITY_VARIABLES))
    def test_the_switching_value_applied_gives_an_npv_of_zero(self, plan, variable):
        appraisal = Appraisal(useful_life_years=5, profit_tax_rate=0.2)
        value = switching_value(plan, variable, appraisal)
        assume(value is not None)
        npv = appraise(changed_plan(plan, variable, value), appraisal).npv
        scale = plan.initial_investment + plan.unit_price * plan.units_per_month * plan.months
        assert npv == pytest.approx(0, abs=1e-6 * scale)

    def test_price_switching_value_has_the_textbook_form(self):
        # With no tax the NPV is linear in the price: s = −NPV / PV(revenue).
        plan = honey_plan()
        revenue = evaluate_plan(plan).table["revenue"]
        pv_revenue = finance.npv(revenue, plan.discount_rate)
        assert switching_value(plan, "unit_price") == pytest.approx(-evaluate_plan(plan).npv / pv_revenue, rel=1e-6)

    def test_no_costs_means_no_cost_switching_value(self):
        plan = honey_plan(variable_cost_per_unit=0, fixed_costs_per_month=0)
        assert switching_value(plan, "costs") is None

    def test_an_unknown_variable_is_refused(self):
        with pytest.raises(InputError) as error:
            switching_value(honey_plan(), "weather")
        assert error.value.field == "weather"


def _catalog(language: str) -> dict[str, str]:
    with (LOCALE_DIR / language / "LC_MESSAGES" / "finance_plan.po").open("rb") as handle:
        return {message.id: message.string for message in read_po(handle, locale=language) if message.id}


def _msgids(path) -> set[str]:
    tree = ast.parse(open(path, encoding="utf-8").read())
    return {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and getattr(node.func, "id", "") == "_"
        and node.args
        and isinstance(node.args[0], ast.Constant)
    }


class TestCatalog:
    def test_both_languages_have_the_same_msgids(self):
        assert set(_catalog("vi")) == set(_catalog("en"))

    def test_every_vietnamese_msgstr_keeps_its_placeholders(self):
        for msgid, msgstr in _catalog("vi").items():
            assert msgstr, msgid
            assert set(re.findall(r"\{\w+\}", msgstr)) == set(re.findall(r"\{\w+\}", msgid)), msgid

    def test_every_message_of_the_module_is_translated(self):
        from ocopkit.i18n import gettext

        missing = [m for m in _msgids(finance_appraisal.__file__) if gettext(m) == m and m not in _catalog("vi")]
        assert missing == []
