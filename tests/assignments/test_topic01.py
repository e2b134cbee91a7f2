"""Topic 1 (the OCOP programme): the lesson, the assignment's answers kept hidden, and the kit's template."""

import ast
import datetime as dt
import re

import nbformat
import pytest

from ocopkit import datasets, programme
from ocopkit.trainer.manifest import NAV_MARKER, lessons

from assignment_support import AssignmentChecks

HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.S)
PART = re.compile(r"^## Phần (\d) \((\d+) điểm", re.M)
# What a hidden test's message must never say: the answer it checks.
ANSWERS = {
    "part1_group_fish_sauce_correct": ["1"],
    "part1_groups_others_correct": ["3", "4", "6"],
    "part2_figures_read": ["8689", "8.689", "5401", "5.401"],
    "part2_growth_correct": ["60,8", "60.8", "60,9", "60.9", "61"],
    "part3_rows_with_shares": ["2021-12", "2024-12"],
    "part3_five_star_share": ["0,5", "0.5"],
    "part4_missing_correct": ["61"],
    "part4_per_round_correct": ["21"],
    "part4_renewal_choice": ["A", "Mật ong"],
}


def read(repo, path):
    return nbformat.read(repo / path, as_version=4)


def grading(cell):
    return cell.metadata.get("nbgrader", {})


@pytest.fixture
def lesson(repo):
    cells = read(repo, "course/01-ocop-basics.ipynb").cells
    return [c for c in cells if NAV_MARKER not in c.source]


@pytest.fixture
def solution(repo):
    return read(repo, "solutions/topic01/topic01.ipynb")


def graded_code_cells(notebook):
    return [c for c in notebook.cells if grading(c).get("grade") and c.cell_type == "code"]


class TestLesson:
    def test_listed_in_the_manifest_with_its_assignment(self, repo):
        entry = {lesson.topic: lesson for lesson in lessons(repo)}[1]
        assert (entry.filename, entry.assignment) == ("01-ocop-basics.ipynb", "topic01")

    def test_objectives_first_and_key_points_last(self, lesson):
        assert "**Sau bài này, bạn có thể:**" in lesson[0].source
        assert lesson[-1].source.startswith("## Những điểm chính")
        assert any(c.source.startswith("## Nguồn") for c in lesson)

    def test_one_key_point_per_objective(self, lesson):
        objectives = re.findall(r"^\d\. ", lesson[0].source.split("Sau bài này")[1], re.M)
        key_points = re.findall(r"^\d\. ", lesson[-1].source, re.M)
        assert len(objectives) == len(key_points) == 5

    def test_every_dataset_is_described_before_it_is_loaded(self, lesson):
        source = "\n".join(c.source for c in lesson if c.cell_type == "code")
        for name in re.findall(r'datasets\.load\("(\w+)"\)', source):
            assert source.find(f'datasets.describe("{name}")') < source.find(f'datasets.load("{name}")'), name
        assert source.find('describe("ocop_national_products")') < source.find("national_products()")

    def test_widget_cells_ignore_their_output(self, lesson):
        for cell in lesson:
            if "OcopNationalFigures(" in cell.source or "Image(" in cell.source:
                assert cell.source.startswith("# NBVAL_IGNORE_OUTPUT"), cell.source[:60]


class TestAssignment:
    def test_hidden_messages_do_not_give_the_answer_away(self, solution):
        for cell in graded_code_cells(solution):
            block = HIDDEN.search(cell.source)
            if not block:
                continue
            messages = [node.msg for node in ast.walk(ast.parse(block.group(1))) if isinstance(node, ast.Assert)]
            text = " ".join(ast.literal_eval(m) for m in messages if m is not None)
            for answer in ANSWERS[grading(cell)["grade_id"]]:
                assert not re.search(rf"(?<![\d.,]){re.escape(answer)}(?![\d])", text), (
                    grading(cell)["grade_id"],
                    answer,
                )

    def test_the_exercise_does_not_hold_the_answer(self, repo):
        exercise = read(repo, "exercises/topic01/topic01.ipynb")
        assert "math.ceil(con_thieu / 3)" not in "\n".join(c.source for c in exercise.cells)


class TestSolutionMatchesTheLogic:
    @pytest.fixture
    def answers(self, solution):
        """Run the setup, data and answer cells of the solution (no kernel needed)."""
        namespace = {}
        for cell in solution.cells:
            grade_id = grading(cell).get("grade_id", "")
            if cell.cell_type == "code" and (grade_id in ("setup", "part2_load") or grade_id.endswith("_answer")):
                exec(compile(cell.source, grade_id, "exec"), namespace)
        return namespace

    def test_product_groups_are_groups_of_decision_148(self, answers):
        for name in ("nhom_nuoc_mam", "nhom_cao_ca_gai_leo", "nhom_den_may_tre", "nhom_ecohost"):
            programme.product_group(answers[name])

    def test_growth(self, answers):
        assert answers["tang_truong"] == pytest.approx(programme.growth_pct(5401, 8689))

    def test_estimates_use_every_row_with_a_three_star_share(self, answers):
        table = datasets.load("ocop_national_products")
        assert len(answers["co_ty_le"]) == table["ty_le_3_sao"].notna().sum()

    def test_five_star_share_matches_the_snapshot(self, answers):
        assert round(answers["ty_le_5_sao_2024"], 2) == programme.snapshot("2024-12").shares["5"]

    def test_products_per_round(self, answers):
        needed = programme.products_needed(150, 89)
        assert (answers["con_thieu"], answers["moi_dot"]) == (needed, programme.per_round(needed, 3))


class TestRenewalDecision:
    """Part 4's judgement: which product of the commune's (synthetic) table must be re-evaluated this round."""

    ROUND, NEXT_ROUND = dt.date(2026, 7, 1), dt.date(2027, 7, 1)

    @pytest.fixture
    def cells(self, solution):
        return {grading(c)["grade_id"]: c.source for c in solution.cells}

    def run(self, cells, *grade_ids, answer=None):
        namespace = {}
        for grade_id in ("setup", "part4_renewal_table", *grade_ids):
            exec(compile(cells[grade_id], grade_id, "exec"), namespace)
        if answer is not None:
            namespace["danh_gia_lai_ngay"] = answer
        return namespace

    def test_the_model_answer_is_the_only_certificate_that_lapses_before_the_next_round(self, cells):
        namespace = self.run(cells, "part4_renewal_answer")
        table = namespace["san_pham_xa"]
        assert all(programme.is_certificate_valid(day, self.ROUND) for day in table["ngay_cong_nhan"])
        lapsing = [
            row.ma
            for row in table.itertuples()
            if not programme.is_certificate_valid(row.ngay_cong_nhan, self.NEXT_ROUND)
        ]
        assert lapsing == [namespace["danh_gia_lai_ngay"]]
        assert list(table["het_han"]) == [programme.certificate_expiry(day) for day in table["ngay_cong_nhan"]]

    def test_the_hidden_test_grades_on_the_table_the_cell_gives(self, cells):
        namespace = self.run(cells, "part4_renewal_answer", "part4_renewal_choice")
        table = namespace["san_pham_xa"]
        assert namespace["_ngay_cong_nhan"] == dict(zip(table["ma"], table["ngay_cong_nhan"], strict=True))

    @pytest.mark.parametrize("answer", ["A", " a "])
    def test_the_right_code_passes(self, cells, answer):
        exec(compile(cells["part4_renewal_choice"], "check", "exec"), self.run(cells, answer=answer))

    @pytest.mark.parametrize("answer", ["B", "C", "D"])
    def test_a_wrong_code_fails_without_telling_the_answer(self, cells, answer):
        with pytest.raises(AssertionError) as failure:
            exec(compile(cells["part4_renewal_choice"], "check", "exec"), self.run(cells, answer=answer))
        assert "Mật ong" not in str(failure.value)


class TestRoundTrip(AssignmentChecks):
    """The exercises, example submissions and scores of ``topic01`` under stock nbgrader."""

    assignment = "topic01"


class TestRubric:
    """The trainers' rubric of Part 5 (``docs/trainers/topic01-*-rubric.md``) agrees with the data and the lesson."""

    @pytest.fixture
    def rubric(self, repo):
        (path,) = sorted((repo / "docs" / "trainers").glob("topic01-*-rubric.md"))
        return path.read_text(encoding="utf-8")

    @pytest.fixture
    def benefits(self, repo):
        """The lesson's cell on what certification brings."""
        cells = read(repo, "course/01-ocop-basics.ipynb").cells
        return next(c.source for c in cells if c.source.startswith("**Chứng nhận mang lại gì?**"))

    def test_the_growth_of_part_2(self, rubric):
        from ocopkit.i18n import format_number

        so_sp = datasets.load("ocop_national_products").set_index("ngay_so_lieu")["so_san_pham"]
        before, after = so_sp["2021-12"], so_sp["2022-12-31"]
        assert f"{format_number(before)} sản phẩm cuối 2021" in rubric
        assert f"{format_number(after)} cuối 2022" in rubric or f"{format_number(after)} sản phẩm cuối 2022" in rubric
        growth = format_number(programme.growth_pct(before, after), 1)
        assert f"tăng {growth}%" in rubric
        assert f"{format_number(so_sp['2024-12'])} sản phẩm cuối 2024" in rubric

    def test_the_steps_it_names_are_the_steps_of_the_cycle(self, rubric):
        steps = {step.number: step.name for step in programme.cycle_steps()}
        text = " ".join(rubric.split())
        assert f"Bước 1, *{steps[1]}*, là việc của cơ quan OCOP" in text
        assert f"**bắt đầu tham gia ở bước 2**, *{steps[2]}*" in text
        assert f"Bước 5, *{steps[5]}*" in text

    def test_the_certificate_example_expires_after_36_months(self, rubric):
        import datetime as dt

        expiry = programme.certificate_expiry(dt.date(2023, 12, 15))
        assert f"giấy ký ngày 15/12/2023 hết hạn ngày {expiry:%d/%m/%Y}" in rubric

    @pytest.mark.parametrize("figure", ["30%", "46% chủ thể", "17%", "34%", "8 triệu đồng", "10 triệu đồng"])
    def test_the_benefit_figures_are_the_lessons(self, rubric, benefits, figure):
        assert f"**{figure}**" in rubric
        assert figure in benefits.replace("*", "")

    def test_the_source_of_the_benefits_is_the_lessons(self, rubric, benefits):
        assert "Hội đồng đánh giá sản phẩm OCOP quốc gia (25/06/2024; en.nhanongmientay.com)" in benefits
        assert "Hội đồng đánh giá sản phẩm OCOP quốc gia (25/06/2024; en.nhanongmientay.com)" in " ".join(
            rubric.split()
        )

    def test_the_model_answer_is_the_solutions(self, rubric, solution):
        model = next(c.source for c in solution.cells if grading(c).get("grade_id") == "part5_written_answer")
        model = " ".join(model.split("Ví dụ một câu trả lời tốt:", 1)[1].split("### END SOLUTION")[0].split())
        example = rubric.split("**Bài A", 1)[1].split("**Bài B", 1)[0]
        quoted = " ".join(line.lstrip("> ") for line in example.splitlines() if line.startswith(">"))
        assert " ".join(quoted.split()) == model
