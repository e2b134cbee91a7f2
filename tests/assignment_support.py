"""What every assignment's own test module checks, with nbgrader's own CLI.

Each ``tests/assignments/test_<assignment>.py`` subclasses :class:`AssignmentChecks`
and names its assignment: the exercises are what ``nbgrader generate_assignment``
makes of the solutions, the five example submissions exist, and stock
``nbgrader autograde`` gives them the scores in their ``expected.toml``.
"""

import json
import shutil
import subprocess
import sys
import tomllib

from nbgrader.api import Gradebook

from conftest import REPO

VARIANTS = ("full", "untouched", "partial", "syntax_error", "raises")


def nbgrader(course_dir, *args):
    """Run the real nbgrader CLI in a course directory and return its output."""
    done = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course_dir,
                          capture_output=True, text=True, timeout=900)
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
        shutil.copytree(REPO / "tests" / "submissions" / assignment / variant,
                        course / "submitted" / variant / assignment)


def notebooks(folder):
    return {p.name: json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.ipynb"))}


class AssignmentChecks:
    """The checks every assignment passes; a subclass sets ``assignment``.

    The ``course`` fixture (``tests/assignments/conftest.py``) generates that assignment once per class.
    """

    assignment: str

    def test_exercises_are_in_sync_with_solutions(self, course):
        generated = notebooks(course / "exercises" / self.assignment)
        assert generated, "nbgrader generated nothing"
        assert notebooks(REPO / "exercises" / self.assignment) == generated, (
            f"exercises/{self.assignment} differs from what nbgrader generates from solutions/{self.assignment}: "
            f"run `nbgrader generate_assignment {self.assignment} --force` and commit exercises/")

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
            autograded = sum(cell.max_score for notebook in record.notebooks
                             for cell in notebook.grade_cells if cell.cell_type == "code")
        assert got == {v: expected[v]["score"] for v in variants}
        assert maximum == expected["max_score"]
        assert got["full"] == autograded, "the solutions must earn every autograded point"
        assert got["untouched"] == 0, "the untouched exercise must score zero"
