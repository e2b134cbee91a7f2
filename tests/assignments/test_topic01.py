"""Topic 1 (the OCOP programme): the lesson, the assignment's answers kept hidden, and the kit's template."""

import ast
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
    "part1_groups_others_correct": ["3", "4", "6"],
    "part2_figures_read": ["8689", "8.689"],
    "part2_growth_correct": ["60,8", "60.8", "60,9", "60.9", "61"],
    "part3_rows_with_shares": ["2021-12", "2024-12"],
    "part3_five_star_share": ["0,5", "0.5"],
    "part4_missing_correct": ["61"],
    "part4_per_round_correct": ["21"],
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


class TestRoundTrip(AssignmentChecks):
    """The exercises, example submissions and scores of ``topic01`` under stock nbgrader."""

    assignment = "topic01"
