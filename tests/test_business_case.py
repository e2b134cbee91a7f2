"""Tests of Topic 3: the cost-sheet data, ocopkit.business_case, and the lesson's two tools set from Python."""

import math

import numpy as np
import pandas as pd
import pytest

from ocopkit import business_case, datasets, finance, pricing
from ocopkit.errors import InputError
from ocopkit.widgets import BusinessPlanBuilder, PricingCalculator

CODES = ["SP01", "SP02", "SP03", "SP04", "SP05"]
LESSON, EXERCISE = "SP01", "SP05"  # the honey of the lesson, the tea of the exercise


def loan(principal=120_000_000):
    """The lesson's loan: 9 % a year over 24 months."""
    return finance.Loan(principal=principal, annual_rate=0.09, term_months=24)


@pytest.fixture(scope="module")
def products():
    return datasets.load("topic03_products")


@pytest.fixture(scope="module")
def costs():
    return datasets.load("topic03_cost_sheets")


@pytest.fixture(scope="module")
def seasons():
    return datasets.load("topic03_seasonality")


def rows(table, code):
    return table[table["ma_san_pham"] == code]


def product(products, code):
    return rows(products, code).iloc[0]


def png(tool):
    return bytes(tool.chart.value)


def pandas_cash_flow(products, costs, seasons, code, instalment):
    """The lesson's 12-month table, step by step in pandas, from July 2026."""
    row, sheet = product(products, code), rows(costs, code)
    units, price = row["san_luong_thang"], row["gia_ban"]
    variable = sheet[sheet["loai"] == "bien_doi"]["so_tien_thang"].sum() / units
    fixed = sheet[sheet["loai"] == "co_dinh"]["so_tien_thang"].sum()
    factors = rows(seasons, code).set_index("thang")["he_so_mua_vu"]
    table = pd.DataFrame({"thang": pd.date_range("2026-07-01", periods=12, freq="MS")})
    table["san_luong"] = units * table["thang"].dt.month.map(factors)
    table["doanh_thu"] = table["san_luong"] * price
    table["chi_phi"] = table["san_luong"] * variable + fixed
    table["dong_tien_thang"] = table["doanh_thu"] - table["chi_phi"] - instalment
    table["tien_luy_ke"] = table["dong_tien_thang"].cumsum()
    return table


class TestData:
    def test_every_product_has_a_cost_sheet_and_twelve_factors(self, products, costs, seasons):
        assert list(products["ma_san_pham"]) == CODES
        for code in CODES:
            assert len(rows(costs, code)) >= 5
            assert sorted(rows(seasons, code)["thang"]) == list(range(1, 13))

    def test_seasonal_factors_average_one(self, seasons):
        for code in CODES:
            assert rows(seasons, code)["he_so_mua_vu"].sum() == pytest.approx(12)

    def test_overheads_are_exactly_the_fixed_costs(self, costs):
        assert ((costs["nhom"] == "chi_phi_chung") == (costs["loai"] == "co_dinh")).all()
        assert set(costs["nhom"]) == set(business_case.CATEGORY_FIELDS)

    def test_variable_amounts_are_whole_dong_per_unit(self, products, costs):
        for code in CODES:
            units = product(products, code)["san_luong_thang"]
            variable = rows(costs, code).query("loai == 'bien_doi'")["so_tien_thang"]
            assert (variable % units == 0).all(), code

    def test_every_price_covers_the_unit_cost(self, products, costs):
        for code in CODES:
            row = product(products, code)
            assert row["gia_ban"] > rows(costs, code)["so_tien_thang"].sum() / row["san_luong_thang"], code

    def test_the_lesson_does_not_give_the_exercise_its_lowest_month(self, products, costs, seasons):
        honey = pandas_cash_flow(products, costs, seasons, LESSON, finance.annuity_payment(120_000_000, 0.09 / 12, 24))
        tea = pandas_cash_flow(products, costs, seasons, EXERCISE, finance.annuity_payment(150_000_000, 0.09 / 12, 24))
        months = [table.loc[table["tien_luy_ke"].idxmin(), "thang"] for table in (honey, tea)]
        assert months[0] != months[1]


class TestCostSheet:
    @pytest.mark.parametrize("code", CODES)
    def test_unit_cost_matches_the_pandas_steps(self, products, costs, code):
        units, sheet_rows = product(products, code)["san_luong_thang"], rows(costs, code)
        cost = pricing.unit_cost(business_case.cost_sheet(sheet_rows, units))
        assert cost.total == pytest.approx(sheet_rows["so_tien_thang"].sum() / units)
        assert cost.variable == pytest.approx(sheet_rows.query("loai == 'bien_doi'")["so_tien_thang"].sum() / units)

    def test_categories_per_unit_and_overheads_per_month(self):
        table = pd.DataFrame(
            {
                "nhom": ["nguyen_lieu", "nguyen_lieu", "nhan_cong", "chi_phi_chung"],
                "so_tien_thang": [1_000_000, 500_000, 300_000, 2_000_000],
            }
        )
        sheet = business_case.cost_sheet(table, 100)
        assert sheet.materials_per_unit == 15_000 and sheet.labour_per_unit == 3000
        assert sheet.overheads_per_period == 2_000_000 and sheet.packaging_per_unit == 0

    def test_an_unknown_category_names_its_row(self):
        table = pd.DataFrame({"nhom": ["nguyen_lieu", "dien"], "so_tien_thang": [1, 2]})
        with pytest.raises(InputError, match='"dien" ở dòng 2'):
            business_case.cost_sheet(table, 10)

    def test_a_missing_column_is_named(self):
        with pytest.raises(InputError, match="so_tien_thang"):
            business_case.cost_sheet(pd.DataFrame({"nhom": ["bao_bi"]}), 10)

    def test_text_for_an_amount_is_refused(self):
        table = pd.DataFrame({"nhom": ["bao_bi"], "so_tien_thang": ["1.000.000"]})
        with pytest.raises(InputError, match="Số tiền ở dòng 1"):
            business_case.cost_sheet(table, 10)

    def test_zero_volume_is_refused(self, costs):
        with pytest.raises(InputError):
            business_case.cost_sheet(rows(costs, LESSON), 0)


class TestSeasonalFactors:
    def test_january_first(self, seasons):
        factors = business_case.seasonal_factors(seasons, LESSON)
        assert len(factors) == 12 and factors[0] == 1.5 and factors[6] == 0.7

    def test_a_missing_month_is_reported(self, seasons):
        with pytest.raises(InputError, match="1 đến 12"):
            business_case.seasonal_factors(seasons[seasons["thang"] != 4], LESSON)

    def test_an_unknown_product_lists_the_known_ones(self, seasons):
        with pytest.raises(InputError, match="SP01, SP02"):
            business_case.seasonal_factors(seasons, "SP09")


class TestBusinessPlan:
    def test_plan_from_the_tables(self):
        plan = business_case.business_plan(EXERCISE, start_month=7, loan=loan(150_000_000))
        assert plan.product == "Chè búp khô (hộp 200 g)"
        assert (plan.units_per_month, plan.unit_price, plan.initial_investment) == (1500, 85_000, 200_000_000)
        assert plan.variable_cost_per_unit == 57_000 and plan.fixed_costs_per_month == 29_000_000
        assert plan.start_month == 7 and plan.loan.principal == 150_000_000

    @pytest.mark.parametrize("code", [LESSON, EXERCISE])
    def test_the_pandas_table_is_the_plans_first_year(self, products, costs, seasons, code):
        principal = 120_000_000 if code == LESSON else 150_000_000
        table = pandas_cash_flow(products, costs, seasons, code, finance.annuity_payment(principal, 0.09 / 12, 24))
        plan = business_case.business_plan(code, start_month=7, loan=loan(principal))
        first_year = finance.evaluate_plan(plan).table.iloc[1:13]
        assert np.allclose(table["dong_tien_thang"], first_year["cash_flow"])
        assert np.allclose(table["doanh_thu"], first_year["revenue"])

    @pytest.mark.parametrize("code", CODES)
    def test_twelve_months_three_times_give_the_36_month_npv(self, products, costs, seasons, code):
        table = pandas_cash_flow(products, costs, seasons, code, 0)
        flows = [-product(products, code)["von_dau_tu"]] + list(table["doanh_thu"] - table["chi_phi"]) * 3
        plan = business_case.business_plan(code, start_month=7, months=36)
        assert finance.npv(flows, 0.10) == pytest.approx(finance.evaluate_plan(plan).npv)

    def test_tables_given_are_used(self, products, costs, seasons):
        cheaper = products.assign(gia_ban=products["gia_ban"] - 1000)
        plan = business_case.business_plan(LESSON, cheaper, costs, seasons)
        assert plan.unit_price == 134_000

    def test_an_unknown_product_is_reported(self):
        with pytest.raises(InputError, match="SP07"):
            business_case.business_plan("SP07")


@pytest.fixture(scope="module")
def plan():
    """The lesson's honey plan."""
    return business_case.business_plan(LESSON, start_month=7, loan=loan())


class TestWhatIf:
    CHANGES = {
        "unit_price": -0.10,
        "units_per_month": -0.20,
        "variable_cost_per_unit": 0.10,
        "fixed_costs_per_month": 0.20,
    }

    def test_first_row_is_the_plan_as_written(self, plan):
        table = business_case.what_if(plan, self.CHANGES)
        assert list(table.columns) == ["thay_doi", "npv", "chenh_lech_npv", "tien_mat_thap_nhat", "thang_hoa_von"]
        assert table.loc[0, "thay_doi"] == "Như phương án" and table.loc[0, "chenh_lech_npv"] == 0
        assert table.loc[0, "npv"] == pytest.approx(finance.evaluate_plan(plan).npv)

    def test_each_change_is_worked_out_alone(self, plan):
        table = business_case.what_if(plan, self.CHANGES).set_index("thay_doi")
        assert list(table.index[1:]) == [
            "Giá bán đơn vị −10%",
            "Sản lượng bán mỗi tháng −20%",
            "Chi phí biến đổi trên mỗi đơn vị +10%",
            "Chi phí cố định mỗi tháng +20%",
        ]
        lower_price = finance.evaluate_plan(finance.BusinessPlan(**{**plan.__dict__, "unit_price": 121_500}))
        assert table.loc["Giá bán đơn vị −10%", "npv"] == pytest.approx(lower_price.npv)
        assert (table["chenh_lech_npv"].iloc[1:] < 0).all()

    def test_the_price_is_the_honeys_main_risk(self, plan):
        table = business_case.what_if(plan, self.CHANGES)
        assert table["npv"].idxmin() == 1
        assert pd.isna(table.loc[1, "thang_hoa_von"])

    def test_labels_follow_the_language(self, plan, english):
        table = business_case.what_if(plan, {"unit_price": 0.05})
        assert list(table["thay_doi"]) == ["As planned", "Unit price +5%"]

    def test_an_unknown_assumption_is_refused(self, plan):
        with pytest.raises(InputError, match="unit_price"):
            business_case.what_if(plan, {"price": -0.1})

    @pytest.mark.parametrize("change", [-1, -1.5, "-10%"])
    def test_a_change_that_cannot_be_is_refused(self, plan, change):
        with pytest.raises(InputError):
            business_case.what_if(plan, {"unit_price": change})


class TestPricingCalculator:
    @pytest.mark.parametrize("code", CODES)
    def test_opens_at_the_products_price(self, products, costs, code):
        row = product(products, code)
        sheet = business_case.cost_sheet(rows(costs, code), row["san_luong_thang"])
        tool = PricingCalculator(unit="chai")
        tool.set_inputs(business_case.pricing_inputs(sheet, product=row["san_pham"], price=row["gia_ban"]))
        assert tool.message.value == ""
        assert tool.result.price == row["gia_ban"]
        assert tool.result.cost.total == pytest.approx(pricing.unit_cost(sheet).total)
        assert tool.result.break_even_units == pytest.approx(
            pricing.break_even_units(sheet.overheads_per_period, row["gia_ban"], pricing.unit_cost(sheet).variable)
        )

    def test_changing_the_markup_changes_price_summary_and_chart(self, products, costs):
        row = product(products, LESSON)
        tool = PricingCalculator(unit="chai")
        tool.set_inputs(
            business_case.pricing_inputs(
                business_case.cost_sheet(rows(costs, LESSON), row["san_luong_thang"]), price=row["gia_ban"]
            )
        )
        chart, summary = png(tool), tool.summary.value
        tool.fields["markup"].value = "15"
        assert tool.result.price == pricing.round_price(126_500 * 1.15, 1000, "up") == 146_000
        assert png(tool) != chart and tool.summary.value != summary

    def test_a_price_below_cost_is_refused(self, costs):
        sheet = business_case.cost_sheet(rows(costs, LESSON), 1000)
        with pytest.raises(InputError, match="không đủ bù"):
            business_case.pricing_inputs(sheet, price=120_000)

    def test_inputs_read_back_in_english(self, costs, english):
        sheet = business_case.cost_sheet(rows(costs, LESSON), 1000)
        values = business_case.pricing_inputs(sheet, price=135_000)
        assert values["overheads_per_period"] == "20,000,000" and values["markup"] == "6.7"
        tool = PricingCalculator(unit="bottle")
        tool.set_inputs(values)
        assert tool.message.value == "" and tool.result.price == 135_000


class TestBusinessPlanBuilder:
    @pytest.mark.parametrize("code", CODES)
    def test_the_tool_works_out_the_same_plan(self, code):
        plan = business_case.business_plan(code, start_month=7, loan=loan())
        tool = BusinessPlanBuilder(unit="hộp")
        tool.set_inputs(business_case.plan_inputs(plan))
        assert tool.message.value == ""
        assert tool.result.plan == plan
        expected = finance.evaluate_plan(plan)
        assert tool.result.npv == pytest.approx(expected.npv)
        assert tool.result.lowest_cash == pytest.approx(expected.lowest_cash)

    @pytest.fixture
    def tool(self):
        tool = BusinessPlanBuilder(unit="chai")
        tool.set_inputs(business_case.plan_inputs(business_case.business_plan(LESSON, start_month=7, loan=loan())))
        return tool

    def test_a_lower_price_typed_in_the_box_lowers_npv_and_redraws(self, tool):
        npv, chart = tool.result.npv, png(tool)
        tool.fields["unit_price"].value = "121.500"
        assert tool.result.plan.unit_price == 121_500
        assert tool.result.npv < 0 < npv
        assert png(tool) != chart

    def test_grace_months_ease_the_first_months(self, tool):
        before = tool.result
        tool.fields["grace_months"].value = "3"
        assert tool.result.plan.loan.grace_months == 3
        assert tool.result.table["cash_flow"].iloc[1] > before.table["cash_flow"].iloc[1]
        assert tool.result.loan_instalment > before.loan_instalment

    def test_starting_before_tet_needs_less_cash(self, tool):
        lowest = tool.result.lowest_cash
        tool.fields["start_month"].value = 11
        assert tool.result.lowest_cash > lowest

    def test_a_plan_without_a_loan_leaves_the_loan_boxes(self):
        plan = business_case.business_plan(EXERCISE)
        values = business_case.plan_inputs(plan)
        assert values["loan_principal"] == "0" and "loan_rate" not in values
        tool = BusinessPlanBuilder()
        tool.set_inputs(values)
        assert tool.result.plan.loan is None
        assert tool.result.npv == pytest.approx(finance.evaluate_plan(plan).npv)

    def test_a_bad_value_keeps_the_last_plan(self, tool):
        kept = tool.result
        tool.fields["unit_price"].value = "một trăm nghìn"
        assert tool.result is kept and "Giá bán đơn vị" in tool.message.value

    def test_seasonal_factors_read_back(self, tool):
        assert tool.fields["seasonal_factors"].value.startswith("1,5; 1,2; 0,8")
        assert tool.result.plan.seasonal_factors == business_case.seasonal_factors(
            datasets.load("topic03_seasonality"), LESSON
        )


def test_lesson_numbers_quoted_in_the_text(products, costs, seasons):
    """The lesson's prose quotes these figures; fail here if the data change under it."""
    row = product(products, LESSON)
    sheet = rows(costs, LESSON)
    variable = sheet.query("loai == 'bien_doi'")["so_tien_thang"].sum() / row["san_luong_thang"]
    fixed = sheet.query("loai == 'co_dinh'")["so_tien_thang"].sum()
    assert (row["gia_ban"], variable, fixed) == (135_000, 106_500, 20_000_000)
    assert math.ceil(fixed / (row["gia_ban"] - variable)) == 702
    honey = pandas_cash_flow(products, costs, seasons, LESSON, finance.annuity_payment(120_000_000, 0.09 / 12, 24))
    assert round(honey["tien_luy_ke"].min() / 1e5) / 10 == -8.2
    assert honey.loc[0, "san_luong"] < 702  # "tháng 7 lỗ"
