"""Topic 7 (Methods and tools to build a sustainable tourism cooperative model): the assignment ``topic07``."""

from assignment_support import (
    AssignmentChecks,
    assert_hidden_messages_keep_the_answers,
    rubric_text,
    run_solution_cells,
    solution_cells,
)


class TestRoundTrip(AssignmentChecks):
    """The exercises, example submissions and scores of ``topic07`` under stock nbgrader."""

    assignment = "topic07"


def _vi(value: float, decimals: int = 0) -> str:
    """A number written the Vietnamese way: dots between thousands, a comma before the decimals."""
    return f"{value:,.{decimals}f}".replace(",", " ").replace(".", ",").replace(" ", ".")


class TestRubric:
    """The trainers' rubric of Part 5 quotes the months, visitors and amounts of ``topic07_monthly``."""

    @staticmethod
    def _rubric() -> str:
        return rubric_text("topic07")

    @staticmethod
    def _months():
        from ocopkit import datasets, tourism_coop

        return tourism_coop.monthly_results(datasets.load("topic07_monthly")).set_index("thang")

    @staticmethod
    def _row(text: str, month: str) -> list[str]:
        line = next(line for line in text.splitlines() if line.startswith(f"| {month} "))
        return [cell.strip() for cell in line.strip("|").split("|")]

    def test_the_loss_months(self):
        from ocopkit import datasets, tourism_coop

        losses = tourism_coop.months_below_break_even(datasets.load("topic07_monthly"))
        assert losses == [1, 8, 12]
        assert "Ba tháng dưới điểm hòa vốn (Phần 4): tháng 1, 8 và 12." in self._rubric()

    def test_each_month_of_the_table_is_as_in_the_data(self):
        months, text = self._months(), self._rubric()
        for month in (1, 8, 12, 7, 2, 9, 10):
            row = months.loc[month]
            cells = self._row(text, str(month))
            assert cells[1] == _vi(row["so_khach"]), month
            assert cells[2] == _vi(row["lai_lo"] / 1e6, 1).replace("-", "−") + " triệu", month
            assert cells[3] == _vi(row["khach_ngay_cao_nhat"]), month

    def test_july_and_the_whole_year(self):
        months, text = self._months(), self._rubric()
        assert f"Tháng 7 chỉ lãi {_vi(months.loc[7, 'lai_lo'] / 1e6)} triệu đồng" in text
        assert f"vẫn lãi {_vi(months['lai_lo'].sum() / 1e6, 1)} triệu đồng" in text

    def test_the_break_even_visitors(self):
        from ocopkit import datasets, tourism_coop

        table = datasets.load("topic07_monthly")
        fixed = table["chi_phi_co_dinh"].mode().iloc[0]
        per_visitor = table["doanh_thu"].sum() / table["so_khach"].sum()
        variable = table["chi_phi_bien_doi"].sum() / table["so_khach"].sum()
        visitors = tourism_coop.break_even_visitors(fixed, per_visitor, variable)
        text = self._rubric()
        assert f"Với {_vi(fixed / 1e6)} triệu đồng chi phí cố định" in text
        assert f"cần khoảng {_vi(visitors)} khách để hòa vốn" in text
        assert f"khoảng {_vi(visitors)} khách mỗi tháng, mức hòa vốn" in text

    def test_the_capacity_and_the_months_over_it(self):
        from ocopkit import tourism_coop

        capacity = tourism_coop.carrying_capacity(300, 5, open_hours=8, visit_hours=2).max_daily_visitors
        months = self._months()
        over = months[months["khach_ngay_cao_nhat"] > capacity].index.tolist()
        assert over == [2, 9, 10]
        text = self._rubric()
        assert f"ngày đông nhất của tháng 2, 9 và 10 vượt sức chứa {capacity:g} khách mỗi ngày" in text
        assert f"đã đủ {capacity:g} người mỗi ngày" in text

    def test_the_dashboard_target_for_loss_months(self):
        from ocopkit import tourism_coop

        target = tourism_coop.DEFAULT_TARGETS["loss_months"]
        assert f"không quá {target} tháng dưới điểm hòa vốn" in self._rubric()

    def test_it_uses_the_course_terms(self):
        from test_terms import problems

        assert problems(self._rubric()) == []


# What a hidden test's message must never say: the answer it checks.
ANSWERS = {"part4_choice_correct": ["tet_som", "Đón Tết sớm"]}


class TestProposals:
    """The judgement item of Part 4: which of three proposals for the loss months leaves the most extra profit."""

    @staticmethod
    def _per_visitor():
        from ocopkit import datasets

        table = datasets.load("topic07_monthly")
        visitors = table["so_khach"].sum()
        return table["doanh_thu"].sum() / visitors, table["chi_phi_bien_doi"].sum() / visitors

    def test_the_reference_values_are_the_lessons_rounded_to_the_dong(self):
        revenue, variable = self._per_visitor()
        namespace = run_solution_cells("topic07", "part4_proposals")
        assert namespace["doanh_thu_moi_khach"] == round(revenue)
        assert namespace["bien_doi_moi_khach"] == round(variable)

    def test_the_model_answer_leaves_the_most_extra_profit(self):
        revenue, variable = self._per_visitor()
        namespace = run_solution_cells("topic07", "part4_proposals", "part4_choice_answer")
        table = namespace["phuong_an"].set_index("ma")
        exact = table["khach_them"] * (revenue - variable) - table["chi_phi_them"]
        assert namespace["phuong_an_chon"] == exact.idxmax()
        # Not a trick of rounding, and neither the cheapest proposal nor the one with the most visitors.
        assert (table["lai_them"] - exact).abs().max() < 1_000
        assert exact.idxmax() not in (table["chi_phi_them"].idxmin(), table["khach_them"].idxmax())
        assert (exact > 0).all()

    def test_the_extra_visitors_bring_the_loss_months_to_break_even(self):
        from ocopkit import datasets, tourism_coop

        revenue, variable = self._per_visitor()
        needed = tourism_coop.break_even_visitors(68_000_000, revenue, variable)
        months = datasets.load("topic07_monthly").set_index("thang")["so_khach"]
        extra = (
            run_solution_cells("topic07", "part4_proposals")["phuong_an"].set_index("ma").loc["tet_som", "khach_them"]
        )
        assert months[[12, 1]].sum() < 2 * needed <= months[[12, 1]].sum() + extra

    def test_hidden_messages_do_not_give_the_answer_away(self):
        assert_hidden_messages_keep_the_answers("topic07", ANSWERS)

    def test_the_model_answer_of_part_5_uses_the_lessons_break_even(self):
        import json

        from ocopkit import tourism_coop

        from conftest import REPO

        revenue, variable = self._per_visitor()
        visitors = _vi(tourism_coop.break_even_visitors(68_000_000, revenue, variable))
        answer = " ".join(solution_cells("topic07")["part5_written_answer"].source.split())
        assert f"khoảng {visitors} khách, mức hòa vốn" in answer
        lesson = json.loads((REPO / "course" / "07-tourism-cooperative.ipynb").read_text(encoding="utf-8"))
        assert any(f"cần khoảng {visitors} khách để hòa vốn" in "".join(c["source"]) for c in lesson["cells"])
        assert "1.270" not in answer and "1.270" not in rubric_text("topic07")
