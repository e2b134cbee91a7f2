"""Tests of ocopkit.finance (and of the shared input checks in ocopkit.errors)."""

import ast
import pickle
import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import numpy_financial as npf
import pytest
from babel.messages.pofile import read_po
from hypothesis import given, settings
from hypothesis import strategies as st

from ocopkit import errors, finance
from ocopkit.errors import InputError
from ocopkit.finance import (
    BusinessPlan,
    Loan,
    annual_from_monthly,
    annuity_payment,
    break_even_month,
    evaluate_plan,
    irr,
    loan_schedule,
    monthly_from_annual,
    npv,
    payback_period,
    plan_to_csv,
    plan_to_markdown,
)
from ocopkit.i18n import LOCALE_DIR, set_language

FAST = settings(max_examples=40, deadline=None, database=None)


# Every test starts in Vietnamese: tests/conftest.py (vietnamese_by_default).


def honey_plan(**changes) -> BusinessPlan:
    """A mint-honey plan from Hà Giang with realistic figures (synthetic)."""
    values = dict(
        product="Mật ong bạc hà",
        units_per_month=800,
        unit_price=180_000,
        variable_cost_per_unit=95_000,
        fixed_costs_per_month=25_000_000,
        months=36,
        initial_investment=600_000_000,
        discount_rate=0.1,
    )
    values.update(changes)
    return BusinessPlan(**values)


# --------------------------------------------------------------------------- input checks


class TestInputErrors:
    def test_input_error_is_a_value_error_with_field(self):
        error = InputError("message", "unit_price")
        assert isinstance(error, ValueError)
        assert error.field == "unit_price"

    def test_field_survives_pickling(self):
        copy = pickle.loads(pickle.dumps(InputError("message", "unit_price")))
        assert (str(copy), copy.field) == ("message", "unit_price")

    def test_text_is_refused_before_range(self):
        with pytest.raises(InputError, match="25.000") as info:
            errors.check_positive("25.000", "unit_price", "Giá bán")
        assert info.value.field == "unit_price"

    @pytest.mark.parametrize("value", [None, True, [1], float("nan"), float("inf")])
    def test_non_numbers_are_refused(self, value):
        with pytest.raises(InputError):
            errors.check_number(value, "x", "X")

    def test_numpy_numbers_are_accepted(self):
        assert errors.check_positive(np.float64(2.5), "x", "X") == 2.5
        assert errors.check_whole(np.int64(24), "x", "X", 12, 60) == 24

    def test_rate_typed_as_percent_gets_a_suggestion(self):
        with pytest.raises(InputError, match="0.12"):
            errors.check_rate(12, "rate", "Lãi suất", 0.0, 0.5)

    def test_whole_number_required(self):
        with pytest.raises(InputError, match="số nguyên"):
            errors.check_whole(24.5, "months", "Số tháng", 12, 60)

    def test_value_shown_as_typed(self):
        assert errors.show_value(25000.0) == "25000"
        assert errors.show_value(0.12) == "0.12"


# --------------------------------------------------------------------------- rates, NPV, IRR


class TestRates:
    def test_monthly_rate_compounds_to_annual(self):
        assert annual_from_monthly(monthly_from_annual(0.1)) == pytest.approx(0.1)
        assert monthly_from_annual(0.12) == pytest.approx(1.12 ** (1 / 12) - 1)


class TestNpv:
    def test_matches_numpy_financial(self):
        flows = [-600e6, *([30e6] * 36)]
        expected = npf.npv(monthly_from_annual(0.1), flows)
        assert npv(flows, 0.1) == pytest.approx(expected, rel=1e-12)

    def test_month_zero_is_not_discounted(self):
        assert npv([-100.0], 0.3) == -100.0

    def test_rate_typed_as_percent_is_refused(self):
        with pytest.raises(InputError, match="0.1") as info:
            npv([-100, 50, 60], 10)
        assert info.value.field == "discount_rate"

    def test_empty_flows_are_refused(self):
        with pytest.raises(InputError):
            npv([], 0.1)


class TestIrr:
    def test_simple_case(self):
        assert irr([-100, 110]) == pytest.approx(0.1)

    @pytest.mark.parametrize(
        "flows",
        [
            [-600e6, *([30e6] * 36)],
            [-1e6, 2e5, 3e5, -1e5, 4e5, 5e5],
            [-5, 10.5, 1, -8, 1],  # two sign changes: closest root to zero, like npf
            [-1, 2.3, -1.32],  # roots 10 % and 20 %
            [-100, 10, 10],  # a loss: negative IRR
        ],
    )
    def test_matches_numpy_financial(self, flows):
        assert irr(flows) == pytest.approx(npf.irr(flows), abs=1e-9)

    @pytest.mark.parametrize("flows", [[100, 50], [-100, -50], [-100, 50, -100]])
    def test_none_without_sign_change_of_npv(self, flows):
        assert irr(flows) is None

    @FAST
    @given(investment=st.floats(1e5, 1e9), returns=st.lists(st.floats(-1e7, 1e8), min_size=12, max_size=60))
    def test_npv_at_irr_is_zero(self, investment, returns):
        flows = [-investment, *returns]
        rate = irr(flows)
        if rate is not None:
            terms = np.asarray(flows) / (1 + rate) ** np.arange(len(flows))
            assert abs(npf.npv(rate, flows)) <= 1e-9 * np.abs(terms).sum()


class TestPaybackPeriod:
    def test_interpolates_within_the_month(self):
        assert payback_period([-100, 40, 40, 40]) == pytest.approx(2.5)

    def test_none_when_never_recovered(self):
        assert payback_period([-100, 10, 10]) is None

    def test_zero_without_investment(self):
        assert payback_period([0, 10, 10]) == 0.0


class TestBreakEvenMonth:
    def test_first_month_with_cumulative_profit_not_negative(self):
        assert break_even_month([-50, 20, 20, 20]) == 4

    def test_none_when_never_reached(self):
        assert break_even_month([-50, 10]) is None


# --------------------------------------------------------------------------- loan


class TestLoanSchedule:
    def test_matches_numpy_financial(self):
        loan = Loan(principal=400e6, annual_rate=0.09, term_months=36)
        schedule = loan_schedule(loan)
        rate, months = 0.09 / 12, np.arange(1, 37)
        assert schedule["instalment"].iloc[0] == pytest.approx(-npf.pmt(rate, 36, 400e6))
        np.testing.assert_allclose(schedule["interest"], -npf.ipmt(rate, months, 36, 400e6))
        np.testing.assert_allclose(schedule["principal"], -npf.ppmt(rate, months, 36, 400e6))

    def test_grace_months_pay_interest_only(self):
        schedule = loan_schedule(Loan(principal=120e6, annual_rate=0.12, term_months=24, grace_months=6))
        grace = schedule.head(6)
        assert (grace["principal"] == 0).all()
        assert grace["interest"].tolist() == pytest.approx([1.2e6] * 6)
        rest = schedule.iloc[6:]
        assert rest["instalment"].iloc[0] == pytest.approx(annuity_payment(120e6, 0.01, 18))

    def test_zero_rate_repays_equal_parts(self):
        schedule = loan_schedule(Loan(principal=120e6, annual_rate=0, term_months=12))
        assert schedule["principal"].tolist() == pytest.approx([10e6] * 12)

    @FAST
    @given(
        principal=st.floats(1e6, 5e9), rate=st.floats(0, 0.5), term=st.integers(1, 120), grace_share=st.floats(0, 0.99)
    )
    def test_principal_repaid_sums_to_principal(self, principal, rate, term, grace_share):
        loan = Loan(principal=principal, annual_rate=rate, term_months=term, grace_months=int(grace_share * (term - 1)))
        schedule = loan_schedule(loan)
        assert schedule["principal"].sum() == pytest.approx(principal, rel=1e-9)
        assert schedule["closing_balance"].iloc[-1] == pytest.approx(0, abs=1e-6 * principal)

    def test_grace_as_long_as_term_is_refused(self):
        with pytest.raises(InputError) as info:
            Loan(principal=1e6, annual_rate=0.1, term_months=12, grace_months=12)
        assert info.value.field == "grace_months"

    def test_rate_typed_as_percent_is_refused(self):
        with pytest.raises(InputError, match="0.09") as info:
            Loan(principal=1e6, annual_rate=9, term_months=12)
        assert info.value.field == "loan_rate"


# --------------------------------------------------------------------------- plan


class TestBusinessPlanValidation:
    @pytest.mark.parametrize(
        "changes, field",
        [
            ({"months": 11}, "months"),
            ({"months": 61}, "months"),
            ({"months": 24.5}, "months"),
            ({"unit_price": -180_000}, "unit_price"),
            ({"unit_price": "180.000"}, "unit_price"),
            ({"units_per_month": 0}, "units_per_month"),
            ({"units_per_month": -5}, "units_per_month"),
            ({"variable_cost_per_unit": -1}, "variable_cost_per_unit"),
            ({"fixed_costs_per_month": -1}, "fixed_costs_per_month"),
            ({"seasonal_factors": [1.0] * 11}, "seasonal_factors"),
            ({"seasonal_factors": [0.0] * 12}, "seasonal_factors"),
            ({"seasonal_factors": [1.0] * 11 + [-1.0]}, "seasonal_factors"),
            ({"start_month": 13}, "start_month"),
            ({"growth_rate": 0.5, "growth_period": "month"}, "growth_rate"),
            ({"growth_rate": 10}, "growth_rate"),
            ({"growth_period": "week"}, "growth_period"),
            ({"initial_investment": -1}, "initial_investment"),
            ({"discount_rate": 0.8}, "discount_rate"),
            ({"loan": 400_000_000}, "loan"),
        ],
    )
    def test_wrong_input_names_its_field(self, changes, field):
        with pytest.raises(InputError) as info:
            honey_plan(**changes)
        assert info.value.field == field
        assert str(info.value)

    def test_seasonal_message_counts_the_factors(self):
        with pytest.raises(InputError, match="12 số.*11"):
            honey_plan(seasonal_factors=[1.0] * 11)

    def test_seasonal_message_names_the_month(self):
        with pytest.raises(InputError, match="tháng 12"):
            honey_plan(seasonal_factors=[1.0] * 11 + [-1.0])

    def test_message_in_english(self):
        set_language("en")
        with pytest.raises(InputError, match="Plan length in months must be between 12 and 60"):
            honey_plan(months=72)

    def test_message_in_vietnamese(self):
        with pytest.raises(InputError, match="Thời gian kế hoạch .* từ 12 đến 60"):
            honey_plan(months=72)

    def test_seasonal_factors_become_a_tuple(self):
        assert honey_plan(seasonal_factors=[1.0] * 12).seasonal_factors == (1.0,) * 12


class TestEvaluatePlan:
    def test_table_has_month_zero_and_every_month(self):
        table = evaluate_plan(honey_plan()).table
        assert table["month"].tolist() == list(range(37))
        first = table.iloc[0]
        assert first["units"] == 0 and first["investment"] == 600e6
        assert first["project_cash_flow"] == -600e6

    def test_seasonality_follows_calendar_month(self):
        factors = [2.0] + [1.0] * 11
        table = evaluate_plan(honey_plan(seasonal_factors=factors, start_month=11)).table
        assert table["calendar_month"].iloc[1:4].tolist() == [11, 12, 1]
        assert table["units"].iloc[1:4].tolist() == [800, 800, 1600]

    def test_yearly_growth_steps_once_a_year(self):
        units = evaluate_plan(honey_plan(growth_rate=0.1)).table["units"]
        assert units.iloc[12] == pytest.approx(800)
        assert units.iloc[13] == pytest.approx(880)
        assert units.iloc[25] == pytest.approx(968)

    def test_monthly_growth_compounds(self):
        units = evaluate_plan(honey_plan(growth_rate=0.01, growth_period="month")).table["units"]
        assert units.iloc[3] == pytest.approx(800 * 1.01**2)

    def test_profit_and_cash_flow_add_up(self):
        loan = Loan(principal=400e6, annual_rate=0.09, term_months=24, grace_months=3)
        table = evaluate_plan(honey_plan(loan=loan)).table
        profit = table["revenue"] - table["variable_costs"] - table["fixed_costs"] - table["loan_interest"]
        np.testing.assert_allclose(table["profit"], profit)
        cash = table["profit"] - table["loan_principal_repaid"] - table["investment"] + table["loan_received"]
        np.testing.assert_allclose(table["cash_flow"], cash)
        np.testing.assert_allclose(table["cumulative_cash"], cash.cumsum())
        assert table["loan_principal_repaid"].sum() == pytest.approx(400e6)

    def test_loan_longer_than_plan_leaves_a_balance(self):
        loan = Loan(principal=400e6, annual_rate=0.09, term_months=48)
        result = evaluate_plan(honey_plan(months=24, loan=loan))
        repaid = result.table["loan_principal_repaid"].sum()
        assert result.loan_balance_end == pytest.approx(400e6 - repaid)
        assert result.loan_instalment == pytest.approx(-npf.pmt(0.09 / 12, 48, 400e6))

    def test_summary_figures_match_numpy_financial(self):
        result = evaluate_plan(honey_plan())
        flows = result.table["project_cash_flow"].to_numpy()
        assert result.npv == pytest.approx(npf.npv(monthly_from_annual(0.1), flows))
        assert result.irr_monthly == pytest.approx(npf.irr(flows), abs=1e-9)
        assert result.irr_annual == pytest.approx((1 + npf.irr(flows)) ** 12 - 1, rel=1e-8)

    def test_break_even_volume_covers_fixed_costs(self):
        result = evaluate_plan(honey_plan())
        assert result.break_even_units == pytest.approx(25e6 / 85_000)

    def test_no_break_even_when_price_below_variable_cost(self):
        result = evaluate_plan(honey_plan(unit_price=90_000))
        assert result.break_even_units is None
        assert result.break_even_month is None
        assert result.payback_months is None
        assert result.irr_monthly is None

    def test_payback_counts_the_investment_not_the_loan(self):
        loan = Loan(principal=600e6, annual_rate=0.09, term_months=36)
        with_loan = evaluate_plan(honey_plan(loan=loan))
        without = evaluate_plan(honey_plan())
        assert with_loan.payback_months == without.payback_months > 0

    @FAST
    @given(
        units=st.floats(1, 1e5),
        variable=st.floats(1, 5e5),
        fixed=st.floats(0, 1e9),
        months=st.integers(12, 60),
        growth=st.floats(-0.5, 1.0),
        factors=st.lists(st.floats(0.1, 3), min_size=12, max_size=12),
        with_loan=st.booleans(),
    )
    def test_profit_is_zero_at_break_even_price(self, units, variable, fixed, months, growth, factors, with_loan):
        loan = Loan(principal=2e8, annual_rate=0.1, term_months=24) if with_loan else None
        plan = BusinessPlan(
            units_per_month=units,
            unit_price=1000,
            variable_cost_per_unit=variable,
            fixed_costs_per_month=fixed,
            months=months,
            growth_rate=growth,
            seasonal_factors=factors,
            loan=loan,
        )
        price = evaluate_plan(plan).break_even_price
        at_break_even = evaluate_plan(replace(plan, unit_price=price))
        revenue = at_break_even.total_revenue
        assert abs(at_break_even.total_profit) <= 1e-9 * max(revenue, 1.0)

    def test_lowest_cash_is_the_money_needed_up_front(self):
        result = evaluate_plan(honey_plan())
        assert result.lowest_cash == -600e6
        assert result.lowest_cash_month == 0


class TestPlanExport:
    def test_markdown_in_vietnamese(self):
        text = plan_to_markdown(evaluate_plan(honey_plan()))
        assert text.startswith("## Phương án kinh doanh: Mật ong bạc hà")
        assert "### Chỉ tiêu chính" in text
        assert "| Giá bán đơn vị | 180.000 ₫ |" in text
        assert "| Sản lượng hòa vốn | 295 đơn vị mỗi tháng |" in text  # 294.1 rounded up

    def test_markdown_in_english(self):
        set_language("en")
        text = plan_to_markdown(evaluate_plan(honey_plan()))
        assert "### Key figures" in text
        assert "| Unit price | 180,000 VND |" in text
        assert "| 3 |" in text  # one row per plan year

    def test_markdown_says_when_not_reached(self):
        set_language("en")
        text = plan_to_markdown(evaluate_plan(honey_plan(unit_price=90_000)))
        assert "| Payback period | Not reached within the plan |" in text
        assert "None (the cash flow never changes sign)" in text

    def test_key_figures_are_the_markdown_table(self):
        result = evaluate_plan(honey_plan())
        rows = finance.key_figure_rows(result)
        assert rows[0][0] == "Tổng doanh thu" and len(rows) == 9
        text = plan_to_markdown(result)
        assert all(f"| {label} | {value} |" in text for label, value in rows)

    def test_csv_has_translated_headers_and_plain_numbers(self, tmp_path):
        path = tmp_path / "plan.csv"
        text = plan_to_csv(evaluate_plan(honey_plan()), path)
        header, month_zero = text.splitlines()[:2]
        assert header.startswith("Tháng,Tháng trong năm,Sản lượng bán,Doanh thu")
        assert "-600000000.0" in month_zero
        assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM for Excel
        assert len(text.splitlines()) == 38


# --------------------------------------------------------------------------- catalogs


def _msgids(module) -> set[str]:
    """The literal strings a module passes to _()."""
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    return {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "_"
    }


def _read(language: str):
    """One language's tools.po as a babel catalog."""
    with (LOCALE_DIR / language / "LC_MESSAGES" / "tools.po").open("rb") as handle:
        return read_po(handle, locale=language)


def _catalog(language: str) -> dict[str, str]:
    """msgid → msgstr of one language's tools.po."""
    return {message.id: message.string for message in _read(language) if message.id}


class TestCatalog:
    def test_both_languages_have_the_same_msgids(self):
        assert set(_catalog("vi")) == set(_catalog("en"))

    def test_every_vietnamese_msgstr_is_filled_with_the_same_placeholders(self):
        for msgid, msgstr in _catalog("vi").items():
            assert msgstr, msgid
            assert set(re.findall(r"\{\w+\}", msgstr)) == set(re.findall(r"\{\w+\}", msgid)), msgid

    @pytest.mark.parametrize("language", ["vi", "en"])
    def test_translators_tools_find_no_errors(self, language):
        # Babel's checks are what `pybabel compile` reports to translators.
        assert [(message.id, problems) for message, problems in _read(language).check()] == []

    def test_english_msgstr_is_empty_or_the_msgid(self):
        assert all(msgstr in ("", msgid) for msgid, msgstr in _catalog("en").items())

    @pytest.mark.parametrize("module", [errors, finance])
    def test_every_message_is_in_the_catalog(self, module):
        assert _msgids(module) <= set(_catalog("vi"))
