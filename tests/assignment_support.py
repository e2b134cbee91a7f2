"""What every assignment's own test module checks: the kit's template, and nbgrader's own CLI.

Each ``tests/assignments/test_<assignment>.py`` subclasses :class:`AssignmentChecks`
and names its assignment. The assignment follows the template of Topic 8
(three to six parts whose points add up, one written answer graded by hand,
a visible check in every graded cell and some hidden ones, nothing of the
solution in the exercise); the exercises are what ``nbgrader generate_assignment``
makes of the solutions; the five example submissions exist; and stock
``nbgrader autograde`` gives them the scores in their ``expected.toml``.
"""

import ast
import json
import re
import shutil
import subprocess
import sys
import tomllib

import nbformat
from nbgrader.api import Gradebook

from conftest import REPO

VARIANTS = ("full", "untouched", "partial", "syntax_error", "raises")
HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.S)
PART = re.compile(r"^## Phần (\d) \((\d+) điểm", re.M)


def grading(cell) -> dict:
    """A cell's nbgrader metadata."""
    return cell.metadata.get("nbgrader", {})


def graded_code_cells(notebook) -> list:
    return [c for c in notebook.cells if grading(c).get("grade") and c.cell_type == "code"]


def nbgrader(course_dir, *args):
    """Run the real nbgrader CLI in a course directory and return its output."""
    done = subprocess.run(
        [sys.executable, "-m", "nbgrader", *args], cwd=course_dir, capture_output=True, text=True, timeout=900
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


def expected_scores(assignment):
    """The scores of an assignment's example submissions, from ``tests/submissions/<name>/expected.toml``."""
    with (REPO / "tests" / "submissions" / assignment / "expected.toml").open("rb") as handle:
        return tomllib.load(handle)


def scored_variants(expected):
    """The example submissions that have an expected score."""
    return [name for name, value in expected.items() if isinstance(value, dict)]


def add_submissions(course, assignment, variants):
    """Copy example submissions into a course's ``submitted/``, one participant per variant."""
    for variant in variants:
        shutil.copytree(
            REPO / "tests" / "submissions" / assignment / variant, course / "submitted" / variant / assignment
        )


def solution_cells(assignment: str) -> dict:
    """The solution notebook's cells by grade id."""
    notebook = nbformat.read(REPO / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)
    return {grading(cell).get("grade_id"): cell for cell in notebook.cells}


def run_solution_cells(assignment: str, *grade_ids: str, first: tuple = ("setup",)) -> dict:
    """Run the solution's cells ``first`` then ``grade_ids`` in one namespace, as a kernel would; return it."""
    cells, namespace = solution_cells(assignment), {}
    for grade_id in (*first, *grade_ids):
        exec(compile(cells[grade_id].source, grade_id, "exec"), namespace)
    return namespace


def hidden_tests(assignment: str, grade_id: str) -> tuple[str, set[str]]:
    """A graded cell's hidden tests, and the names they read."""
    hidden = HIDDEN.search(solution_cells(assignment)[grade_id].source).group(1)
    return hidden, {node.id for node in ast.walk(ast.parse(hidden)) if isinstance(node, ast.Name)}


def assert_hidden_messages_keep_the_answers(assignment: str, answers: dict) -> None:
    """Fail when a hidden test's message says an answer it checks (``answers``: grade id -> texts)."""
    cells = solution_cells(assignment)
    for grade_id, texts in answers.items():
        block = HIDDEN.search(cells[grade_id].source).group(1)
        messages = [node.msg for node in ast.walk(ast.parse(block)) if isinstance(node, ast.Assert) and node.msg]
        said = " ".join(ast.literal_eval(message) for message in messages)
        for text in texts:
            assert text not in said, (grade_id, text)


def rubric_text(assignment: str, *, one_line: bool = False) -> str:
    """The trainers' rubric of an assignment, ``docs/trainers/<assignment>-*-rubric.md``.

    With ``one_line``, lines and the ``>`` of quoted example answers are joined, so a sentence or a
    number that wraps anywhere is still found.
    """
    (path,) = sorted((REPO / "docs" / "trainers").glob(f"{assignment}-*-rubric.md"))
    text = path.read_text(encoding="utf-8")
    return " ".join(re.sub(r"^> ?", "", text, flags=re.M).split()) if one_line else text


def notebooks(folder):
    return {p.name: json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.ipynb"))}


class AssignmentChecks:
    """The checks every assignment passes; a subclass sets ``assignment``.

    The ``course`` fixture (``tests/assignments/conftest.py``) generates that assignment once per class.
    """

    assignment: str

    def notebook(self, folder: str):
        return nbformat.read(REPO / folder / self.assignment / f"{self.assignment}.ipynb", as_version=4)

    def test_three_to_six_parts_whose_points_add_up(self):
        solution = self.notebook("solutions")
        headings = [
            (int(n), int(p)) for c in solution.cells if c.cell_type == "markdown" for n, p in PART.findall(c.source)
        ]
        assert 3 <= len(headings) <= 6
        points = {}
        for cell in solution.cells:
            if grading(cell).get("grade"):
                part = int(re.match(r"part(\d)", grading(cell)["grade_id"]).group(1))
                points[part] = points.get(part, 0) + grading(cell)["points"]
        assert points == dict(headings)

    def test_maximum_matches_the_example_submissions(self):
        solution, expected = self.notebook("solutions"), expected_scores(self.assignment)
        total = sum(grading(c).get("points", 0) for c in solution.cells if grading(c).get("grade"))
        autograded = sum(grading(c)["points"] for c in graded_code_cells(solution))
        assert (total, autograded) == (expected["max_score"], expected["full"]["score"])

    def test_one_manually_graded_written_answer(self):
        written = [c for c in self.notebook("solutions").cells if c.cell_type == "markdown" and grading(c).get("grade")]
        assert len(written) == 1 and grading(written[0])["solution"]

    def test_every_graded_cell_keeps_a_visible_check_and_some_are_hidden(self):
        hidden = 0
        for cell in graded_code_cells(self.notebook("solutions")):
            visible = HIDDEN.sub("", cell.source)
            assert "checks." in visible or "assert" in visible, grading(cell)["grade_id"]
            assert cell.source.splitlines()[0].startswith("# Kiểm tra"), grading(cell)["grade_id"]
            hidden += bool(HIDDEN.search(cell.source))
        assert hidden >= 1

    def test_the_exercise_holds_no_solution_or_hidden_test(self):
        text = "\n".join(c.source for c in self.notebook("exercises").cells)
        assert "BEGIN HIDDEN TESTS" not in text and "BEGIN SOLUTION" not in text

    def test_exercises_are_in_sync_with_solutions(self, course):
        generated = notebooks(course / "exercises" / self.assignment)
        assert generated, "nbgrader generated nothing"
        assert notebooks(REPO / "exercises" / self.assignment) == generated, (
            f"exercises/{self.assignment} differs from what nbgrader generates from solutions/{self.assignment}: "
            f"run `nbgrader generate_assignment {self.assignment} --force` and commit exercises/"
        )

    def test_has_the_five_example_submissions(self):
        expected = expected_scores(self.assignment)
        for variant in VARIANTS:
            assert variant in expected, variant
            assert (REPO / "tests" / "submissions" / self.assignment / variant).is_dir(), variant

    def test_stock_autograde_gives_the_expected_scores(self, course):
        expected = expected_scores(self.assignment)
        variants = scored_variants(expected)
        add_submissions(course, self.assignment, variants)
        nbgrader(course, "autograde", self.assignment, "--force")
        with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
            got = {v: gradebook.find_submission(self.assignment, v).score for v in variants}
            record = gradebook.find_assignment(self.assignment)
            maximum = record.max_score
            autograded = sum(
                cell.max_score
                for notebook in record.notebooks
                for cell in notebook.grade_cells
                if cell.cell_type == "code"
            )
        wanted = {v: expected[v]["score"] for v in variants}
        assert got == wanted, f"nbgrader gave {got}, expected.toml says {wanted}"
        assert maximum == expected["max_score"]
        assert got["full"] == autograded, "the solutions must earn every autograded point"
        assert got["untouched"] == 0, "the untouched exercise must score zero"
