"""Topic 3 (Production and business plans for OCOP products): the assignment ``topic03`` and its trainer rubric."""

import math
import re

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

    def plan(unit_price, **more):
        return finance.BusinessPlan(
            units_per_month=units,
            unit_price=unit_price,
            variable_cost_per_unit=variable,
            fixed_costs_per_month=fixed,
            start_month=7,
            seasonal_factors=season["he_so_mua_vu"].tolist(),
            **more,
        )

    year = finance.evaluate_plan(plan(price, months=12, loan=loan)).table.iloc[1:]
    cumulative = year["cash_flow"].cumsum().reset_index(drop=True)
    project = finance.evaluate_plan(plan(price, months=36, initial_investment=investment, discount_rate=0.10))
    dropped = finance.evaluate_plan(plan(price * 0.9, months=36, initial_investment=investment, discount_rate=0.10))
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
