"""Notebook hygiene and the lesson manifest."""

import re

import nbformat
import pytest

from ocopkit.trainer.manifest import lessons, update_navigation

NAME = re.compile(r"^\d{2}-[a-z0-9-]+\.ipynb$")


def committed_notebooks(repo):
    return sorted(p for folder in ("course", "solutions", "exercises") for p in (repo / folder).rglob("*.ipynb")
                  if ".ipynb_checkpoints" not in p.parts)


class TestClean:
    def test_there_are_notebooks(self, repo):
        assert committed_notebooks(repo)

    def test_no_outputs_no_execution_counts_fixed_kernel(self, repo):
        for path in committed_notebooks(repo):
            notebook = nbformat.read(path, as_version=4)
            nbformat.validate(notebook)
            assert notebook.metadata.kernelspec.name == "python3", path
            for cell in notebook.cells:
                if cell.cell_type == "code":
                    assert not cell.outputs and cell.execution_count is None, f"{path}: {cell.source[:40]}"


class TestManifest:
    def test_lesson_names(self, repo):
        for path in (repo / "course").glob("*.ipynb"):
            assert NAME.match(path.name), path.name

    def test_manifest_lists_every_lesson_once(self, repo):
        listed = [lesson.filename for lesson in lessons(repo)]
        assert sorted(listed) == sorted(p.name for p in (repo / "course").glob("*.ipynb"))
        assert len(set(listed)) == len(listed)

    def test_every_listed_assignment_exists(self, repo):
        for lesson in lessons(repo):
            if lesson.assignment:
                assert (repo / "solutions" / lesson.assignment).is_dir()
                assert (repo / "exercises" / lesson.assignment).is_dir()

    def test_navigation_and_readme_table_are_up_to_date(self, repo):
        assert update_navigation(repo, write=False) == [], "run `make nav` (ocop nav)"

    @pytest.mark.parametrize("folder", ["course"])
    def test_lessons_start_with_objectives_and_end_with_key_points(self, repo, folder):
        for path in (repo / folder).glob("*.ipynb"):
            cells = nbformat.read(path, as_version=4).cells
            assert "Sau bài này, bạn có thể" in cells[1].source, path
            assert cells[-1].source.startswith("## Những điểm chính"), path
