"""Every written part of every assignment has a trainer rubric in ``docs/trainers/``.

Trainers grading 2,400 written answers of one topic, often several trainers
splitting a cohort (``ocop manual export``), must grade alike. Each rubric is a
Vietnamese page named ``topicNN-<what>-rubric.md`` that names the cell it is
for and its points, gives the levels with their points, an example answer at
each level, and the common mistakes. ``ocop manual export`` copies it beside
every answer; these checks keep every one complete.
"""

from __future__ import annotations

import re

import nbformat
import pytest

from conftest import REPO

TRAINERS = REPO / "docs" / "trainers"
ASSIGNMENTS = sorted(p.name for p in (REPO / "solutions").iterdir() if p.is_dir() and p.name.startswith("topic"))


def written_cells(assignment: str) -> list[tuple[str, float]]:
    """The manually graded cells of an assignment: (grade id, points)."""
    notebook = nbformat.read(REPO / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)
    found = []
    for cell in notebook.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade") and meta.get("solution"):
            found.append((meta["grade_id"], meta["points"]))
    return found


def rubric(assignment: str) -> str:
    files = sorted(TRAINERS.glob(f"{assignment}-*-rubric.md"))
    assert len(files) == 1, f"{assignment}: one rubric file docs/trainers/{assignment}-<what>-rubric.md, found {files}"
    return files[0].read_text(encoding="utf-8")


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_each_written_part_has_a_complete_rubric(assignment):
    text = rubric(assignment)
    for grade_id, points in written_cells(assignment):
        assert f"`{grade_id}`" in text, f"{assignment}: the rubric names the cell it grades, `{grade_id}`"
        assert re.search(rf"\*\*{points:g} điểm\*\*", text), f"{assignment}: the rubric says the part is worth {points}"
    headings = re.findall(r"^#+ .*$", text, re.M)
    assert any("Bài mẫu" in h for h in headings), f"{assignment}: a section of example answers (“Bài mẫu …”)"
    assert any("Lỗi thường gặp" in h for h in headings), f"{assignment}: a section of common mistakes"
    examples = re.findall(r"^\*\*Bài [A-ZĐ]\b", text, re.M)
    assert len(examples) >= 3, f"{assignment}: an example answer at each level (at least three: **Bài A …**)"
    assert "|" in text and re.search(r"\|\s*-{3,}", text), f"{assignment}: the levels as a table"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_rubric_is_for_trainers_and_in_vietnamese(assignment):
    text = rubric(assignment)
    assert text.startswith(f"# Chủ đề {int(assignment[-2:])} ")
    assert "giảng viên" in text
