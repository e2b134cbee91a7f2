"""Topic 3 (Production and business plans for OCOP products): the assignment ``topic03`` and its trainer rubric."""

import math
import re

import nbformat
import pytest

from ocopkit import datasets, finance, pricing

from assignment_support import AssignmentChecks
from conftest import REPO

RUBRIC = REPO / "docs" / "trainers" / "topic03-risk-rubric.md"


class TestRoundTrip(AssignmentChecks):
    """The exercises, example submissions and scores of ``topic03`` under stock nbgrader."""

    assignment = "topic03"


def vn(value: float, decimals: int = 0) -> str:
    """A number as the rubric writes it: ``1.036``, ``30,9``, ``−10.958.134`` (Vietnamese separators)."""
    text = f"{abs(value):,.{decimals}f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return ("−" if value < 0 else "") + text


def figures() -> dict:
    """The figures of the chè búp khô plan, computed from the course data with the kit's functions."""
    product = datasets.load("topic03_products").query("ma_san_pham == 'SP05'").iloc[0]
    costs = datasets.load("topic03_cost_sheets").query("ma_san_pham == 'SP05'")
    season = datasets.load("topic03_seasonality").query("ma_san_pham == 'SP05'").sort_values("thang")
    units, price, investment = product["san_luong_thang"], product["gia_ban"], product["von_dau_tu"]
    variable = costs.query("loai == 'bien_doi'")["so_tien_thang"].sum() / units
    fixed = costs.query("loai == 'co_dinh'")["so_tien_thang"].sum()
    break_even = math.ceil(pricing.break_even_units(fixed, price, variable))
    loan = finance.Loan(principal=150_000_000, annual_rate=0.09, term_months=24)
    instalment = finance.annuity_payment(150_000_000, 0.09 / 12, 24)

    def plan(unit_price, units_scale=1.0, variable_scale=1.0, **more):
        return finance.BusinessPlan(
            units_per_month=units * units_scale,
            unit_price=unit_price,
            variable_cost_per_unit=variable * variable_scale,
            fixed_costs_per_month=fixed,
            start_month=7,
            seasonal_factors=season["he_so_mua_vu"].tolist(),
            **more,
        )

    year = finance.evaluate_plan(plan(price, months=12, loan=loan)).table.iloc[1:]
    cumulative = year["cash_flow"].cumsum().reset_index(drop=True)
    project = finance.evaluate_plan(plan(price, months=36, initial_investment=investment, discount_rate=0.10))
    dropped = finance.evaluate_plan(plan(price * 0.9, months=36, initial_investment=investment, discount_rate=0.10))
    fewer = finance.evaluate_plan(
        plan(price, months=36, initial_investment=investment, discount_rate=0.10, units_scale=0.9)
    )
    dearer = finance.evaluate_plan(
        plan(price, months=36, initial_investment=investment, discount_rate=0.10, variable_scale=1.1)
    )
    lowest = int(cumulative.to_numpy().argmin())
    worst = int(year["cash_flow"].reset_index(drop=True).to_numpy().argmin())
    return {
        "unit_cost": costs["so_tien_thang"].sum() / units,
        "variable": variable,
        "fixed": fixed,
        "margin": price - variable,
        "break_even": break_even,
        "safety": (units - break_even) / units,
        "shortfall_units": units - break_even,
        "instalment": instalment,
        "interest": instalment * 24 - 150_000_000,
        "depreciation": investment / 60,
        "lowest_month": f"{(7 + lowest - 1) % 12 + 1}/{2026 + (7 + lowest - 1) // 12}",
        "worst_month": f"{(7 + worst - 1) % 12 + 1}/{2026 + (7 + worst - 1) // 12}",
        "lowest_cash": float(cumulative.min()),
        "year_end_cash": float(cumulative.iloc[-1]),
        "npv": project.npv,
        "npv_price_drop": dropped.npv,
        "npv_volume_drop": fewer.npv,
        "npv_cost_rise": dearer.npv,
        "margin_price_drop": price * 0.9 - variable,
        "break_even_price_drop": math.ceil(pricing.break_even_units(fixed, price * 0.9, variable)),
        "payback": project.payback_months,
    }


@pytest.fixture(scope="module")
def rubric_text():
    return RUBRIC.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def numbers():
    return figures()


class TestRubric:
    """Every number the trainer rubric of Part 6 quotes is computed from the course data."""

    def test_the_table_of_right_figures_is_computed_from_the_data(self, rubric_text, numbers):
        section = rubric_text.split("## 2.")[1].split("## 3.")[0]
        rows = dict(re.findall(r"^\| ([^|]+?) \| ([^|]+?) \|$", section, re.M))
        assert rows.pop("Con số") == "Giá trị đúng"
        f = numbers
        assert rows == {
            "Giá thành một hộp (Phần 1)": f"{vn(f['unit_cost'])} đ",
            "Chi phí biến đổi một hộp (Phần 1)": f"{vn(f['variable'])} đ",
            "Chi phí cố định một tháng (Phần 1)": f"{vn(f['fixed'])} đ",
            "Lãi góp một hộp (giá bán − chi phí biến đổi)": f"{vn(f['margin'])} đ",
            "Sản lượng hòa vốn (Phần 2)": f"{vn(f['break_even'])} hộp/tháng",
            "Biên an toàn (Phần 2)": f"{vn(100 * f['safety'], 1)}%",
            "Tiền trả góp mỗi tháng (Phần 3)": f"{vn(f['instalment'])} đ",
            "Tổng tiền lãi 24 tháng (Phần 3)": f"{vn(f['interest'])} đ",
            "Khấu hao mỗi tháng (Phần 3)": f"{vn(f['depreciation'])} đ",
            "Tháng có tiền lũy kế thấp nhất (Phần 4)": f["lowest_month"],
            "Tiền lũy kế thấp nhất (Phần 4)": f"{vn(f['lowest_cash'])} đ",
            "Tiền lũy kế cuối tháng 6/2027 (Phần 4)": f"{vn(f['year_end_cash'])} đ",
            "NPV 3 năm (Phần 5)": f"{vn(f['npv'])} đ",
            "NPV 3 năm khi giá thấp hơn 10% (Phần 5)": f"{vn(f['npv_price_drop'])} đ",
            "NPV 3 năm khi sản lượng thấp hơn 10% (Phần 5, bảng `cu_soc`)": f"{vn(f['npv_volume_drop'])} đ",
            "NPV 3 năm khi chi phí biến đổi cao hơn 10% (Phần 5, bảng `cu_soc`)": f"{vn(f['npv_cost_rise'])} đ",
            "Lãi góp một hộp khi giá thấp hơn 10%": f"{vn(f['margin_price_drop'])} đ",
            "Sản lượng hòa vốn khi giá thấp hơn 10%": f"{vn(f['break_even_price_drop'])} hộp/tháng",
            "Thời gian hoàn vốn của dòng tiền dự án": f"{vn(f['payback'], 1)} tháng",
        }

    def test_every_number_in_the_rubric_is_a_figure_an_assumption_or_a_grade(self, rubric_text, numbers):
        f = numbers
        computed = {
            vn(f[k])
            for k in (
                "unit_cost",
                "variable",
                "fixed",
                "margin",
                "break_even",
                "shortfall_units",
                "instalment",
                "interest",
                "depreciation",
                "lowest_cash",
                "year_end_cash",
                "npv",
                "npv_price_drop",
                "npv_volume_drop",
                "npv_cost_rise",
                "margin_price_drop",
                "break_even_price_drop",
            )
        }
        computed |= {vn(f[k] / 1e6) for k in ("lowest_cash", "npv", "npv_price_drop")}  # "gần 11 triệu", "204 triệu"
        computed |= {vn(100 * f["safety"], 1), vn(100 * f["safety"]), vn(f["safety"], 2)}  # 30,9%, 31%, 0,31
        computed |= {vn(f["payback"], 1), vn(f["payback"])}  # 17,3 tháng, 17 tháng
        computed = {c.lstrip("−") for c in computed}
        given = {"1.500", "85.000", "200", "150", "24", "36", "2027"}  # the cell's assumptions (and the plan's end)
        grades = {"1,5", "1.5", "0,5"}  # the grading scale; whole numbers up to 12 are counts, parts and months
        months = {f["lowest_month"], f["worst_month"], "7/2026", "6/2027"}
        dates = re.findall(r"(?<![\w/])\d{1,2}/\d{4}\b", rubric_text)
        assert set(dates) <= months, set(dates) - months
        assert f["lowest_month"] in dates and f["worst_month"] in dates
        rest = re.sub(r"(?<![\w/])\d{1,2}/\d{4}\b", " ", rubric_text)
        quoted = set(re.findall(r"(?<![\w.,])\d+(?:[.,]\d+)*(?![\w])", rest))
        unknown = {n for n in quoted if not (n.isdigit() and int(n) <= 12)} - computed - given - grades
        assert not unknown, f"numbers in the rubric not computed from the data: {sorted(unknown)}"
        for needed in ("28.000", "1.036", "10.958.134", "204.120.933", "193.110.850"):
            assert needed in quoted, needed


SHOCKS = {"giá bán": "unit_price", "sản lượng": "units_per_month", "chi phí biến đổi": "variable_cost_per_unit"}


class TestWhatToSecureFirst:
    """Part 5's judgement: which assumption, 10% worse, hurts the 3-year NPV most, so which to secure first."""

    @pytest.fixture
    def cells(self):
        notebook = nbformat.read(REPO / "solutions" / "topic03" / "topic03.ipynb", as_version=4)
        return {c.metadata["nbgrader"]["grade_id"]: c.source for c in notebook.cells}

    def run(self, cells, *grade_ids, answer=None):
        namespace = {}
        for grade_id in ("setup", "part5_shocks_table", *grade_ids):
            exec(compile(cells[grade_id], grade_id, "exec"), namespace)
        if answer is not None:
            namespace["giu_truoc"] = answer
        return namespace

    def test_the_model_answer_is_the_shock_that_hurts_the_npv_most(self, cells, numbers):
        """The NPVs of ``figures()``, worked out with ``finance`` alone, not with ``business_case.what_if``."""
        shocked = {
            "giá bán": numbers["npv_price_drop"],
            "sản lượng": numbers["npv_volume_drop"],
            "chi phí biến đổi": numbers["npv_cost_rise"],
        }
        namespace = self.run(cells, "part5_choice_answer")
        assert min(shocked, key=shocked.get) == namespace["giu_truoc"]
        table = namespace["cu_soc"]
        assert list(table["npv"].iloc[1:]) == [round(shocked[name] / 1e6, 1) for name in SHOCKS]
        assert table["npv"].iloc[0] == round(numbers["npv"] / 1e6, 1)

    def test_the_cell_and_its_hidden_test_try_the_same_shocks(self, cells):
        changes = (
            "{"
            + ", ".join(f'"{field}": {rate}' for field, rate in zip(SHOCKS.values(), ("-0.10", "-0.10", "0.10")))
            + "}"
        )
        assert changes in cells["part5_shocks_table"]
        assert changes in cells["part5_what_to_secure"].split("### BEGIN HIDDEN TESTS")[1]
        assert "start_month=7" in cells["part5_shocks_table"]
        namespace = self.run(cells, "part5_choice_answer", "part5_what_to_secure")
        assert namespace["_LUA_CHON"] == list(SHOCKS)

    @pytest.mark.parametrize("answer", ["giá bán", " Giá  bán ", "GIÁ BÁN"])
    def test_the_right_choice_passes(self, cells, answer):
        exec(compile(cells["part5_what_to_secure"], "check", "exec"), self.run(cells, answer=answer))

    @pytest.mark.parametrize("answer", ["sản lượng", "chi phí biến đổi", "giá"])
    def test_a_wrong_choice_fails_without_telling_the_answer(self, cells, answer):
        with pytest.raises(AssertionError) as failure:
            exec(compile(cells["part5_what_to_secure"], "check", "exec"), self.run(cells, answer=answer))
        if answer in SHOCKS:
            assert "giá bán" not in str(failure.value).lower()
