"""A peer's course graded both ways: nbgrader's own quickstart course, stock `nbgrader autograde` and `ocop grade`.

The course is not the kit's (``nbgrader quickstart``: ps1, one notebook of code
and one of written answers only), so nothing in it was written for the kit's
sandbox, forked kernels or checks: the scores must still be nbgrader's own.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from ocopkit.trainer import cohort, sandbox
from ocopkit.trainer.course import Course, quickstart_course

from conftest import require

SUBMISSIONS = 4  # half the solutions, half the released version


def nbgrader(course: Path, *args: str) -> None:
    done = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def scores(course: Path) -> dict[str, float]:
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        return {s["student"]: s["score"] for s in gradebook.submission_dicts("ps1")}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    require(sandbox.unavailable_reason())
    stock = quickstart_course(tmp_path_factory.mktemp("stock"), SUBMISSIONS)
    kit = quickstart_course(tmp_path_factory.mktemp("kit"), SUBMISSIONS)
    nbgrader(stock, "autograde", "ps1", "--force")
    outcomes = cohort.grade_cohort(Course(kit), "ps1", cohort.GradeOptions(workers=2, fork_kernels=True))
    return {"stock": scores(stock), "kit": scores(kit), "outcomes": outcomes}


def test_every_submission_is_graded(graded):
    assert sorted(o.status for o in graded["outcomes"]) == ["graded"] * SUBMISSIONS


def test_scores_are_stock_nbgraders(graded):
    assert graded["kit"] == graded["stock"]
    assert len(set(graded["stock"].values())) == 2  # the solutions and the released version differ
