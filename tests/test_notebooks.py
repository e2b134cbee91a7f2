"""Notebook hygiene and the lesson manifest."""

import ast
import re

import nbformat
import pytest

import ocopkit.widgets
from ocopkit.trainer.manifest import (
    CRITERIA_GROUPS,
    CRITERIA_PARTS,
    PARTS_LESSON,
    PARTS_MARKER,
    lessons,
    navigation_markdown,
    parts_table,
    shared_floor,
    update_navigation,
)

NAME = re.compile(r"^\d{2}-[a-z0-9-]+\.ipynb$")


def committed_notebooks(repo):
    return sorted(
        p
        for folder in ("course", "solutions", "exercises")
        for p in (repo / folder).rglob("*.ipynb")
        if ".ipynb_checkpoints" not in p.parts
    )


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


def domain_modules(repo):
    """The participant side's modules: every ``src/ocopkit/*.py`` but the package and its shared floor."""
    floor = set(shared_floor(repo))
    return {p.stem for p in (repo / "src" / "ocopkit").glob("*.py")} - floor - {"__init__"}


def imported(path):
    """The ``ocopkit`` modules a notebook's code imports, and the names it imports from ``ocopkit.widgets``."""
    modules, widget_names = set(), set()
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type != "code":
            continue
        for node in ast.walk(ast.parse(cell.source)):
            if isinstance(node, ast.Import):
                modules |= {a.name.split(".")[1] for a in node.names if a.name.startswith("ocopkit.")}
            elif isinstance(node, ast.ImportFrom) and node.module == "ocopkit":
                modules |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("ocopkit."):
                modules.add(node.module.split(".")[1])
                if node.module.split(".")[1] == "widgets":
                    widget_names |= {a.name for a in node.names}
    return modules, widget_names


class TestManifest:
    """The manifest orders the lessons and says where each topic lives; every domain module has a topic."""

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

    def test_named_files_exist(self, repo):
        for lesson in lessons(repo):
            for module in lesson.modules:
                assert (repo / "src" / "ocopkit" / f"{module}.py").is_file(), (lesson.filename, module)
            for test in lesson.tests:
                assert (repo / test).is_file() and test.startswith("tests/"), (lesson.filename, test)
        for module in shared_floor(repo):
            assert (repo / "src" / "ocopkit" / f"{module}.py").is_file(), module

    def test_named_widgets_are_importable(self, repo):
        for lesson in lessons(repo):
            for name in lesson.widgets:
                assert name in ocopkit.widgets.__all__ and isinstance(getattr(ocopkit.widgets, name), type), name

    def test_modules_and_widgets_are_those_the_notebooks_import(self, repo):
        for lesson in lessons(repo):
            modules, widget_names = imported(repo / "course" / lesson.filename)
            if lesson.assignment:
                modules |= imported(repo / "solutions" / lesson.assignment / f"{lesson.assignment}.ipynb")[0]
            assert set(lesson.modules) == modules & domain_modules(repo), lesson.filename
            assert set(lesson.widgets) == widget_names & set(ocopkit.widgets.__all__), lesson.filename

    def test_tests_cover_what_the_topic_names(self, repo):
        for lesson in lessons(repo):
            expected = {f"tests/test_{module}.py" for module in lesson.modules}
            if lesson.assignment:
                expected.add(f"tests/assignments/test_{lesson.assignment}.py")
            assert expected <= set(lesson.tests), lesson.filename
            texts = [(repo / test).read_text(encoding="utf-8") for test in lesson.tests]
            for name in lesson.widgets:
                assert any(re.search(rf"\b{name}\b", text) for text in texts), (lesson.filename, name)

    def test_every_topic_names_known_parts_and_criteria(self, repo):
        for lesson in lessons(repo):
            if not lesson.topic:
                continue
            assert lesson.parts, f"{lesson.filename}: say which parts (A, B, C) of the criteria it strengthens"
            assert list(lesson.parts) == sorted(set(lesson.parts)), lesson.filename
            assert set(lesson.parts) <= set(CRITERIA_PARTS), lesson.filename
            assert len(set(lesson.criteria)) == len(lesson.criteria), lesson.filename
            for code in lesson.criteria:
                assert code in CRITERIA_GROUPS, (lesson.filename, code)
                assert code[0] in lesson.parts, f"{lesson.filename}: {code} is in part {code[0]}, not in parts"

    def test_the_series_covers_every_part_and_group(self, repo):
        every = lessons(repo)
        assert {part for lesson in every for part in lesson.parts} == set(CRITERIA_PARTS)
        assert {code for lesson in every for code in lesson.criteria} == set(CRITERIA_GROUPS)

    def test_navigation_says_which_parts_a_lesson_strengthens(self, repo):
        every = lessons(repo)
        for index, lesson in enumerate(every):
            text = navigation_markdown(every, index)
            if not lesson.parts:
                assert "củng cố" not in text
                continue
            assert "**Chủ đề này củng cố**" in text, lesson.filename
            for part in lesson.parts:
                assert f"phần {part} – {CRITERIA_PARTS[part]}" in text, (lesson.filename, part)
            for code in lesson.criteria:
                assert CRITERIA_GROUPS[code] in text, (lesson.filename, code)

    def test_lesson_01_shows_the_parts_table_from_the_manifest(self, repo):
        every = lessons(repo)
        (lesson,) = [lesson for lesson in every if lesson.topic == PARTS_LESSON]
        cells = nbformat.read(repo / "course" / lesson.filename, as_version=4).cells
        tables = [c.source for c in cells if c.cell_type == "markdown" and c.source.startswith(PARTS_MARKER)]
        assert tables == [parts_table(every)], "run `make nav` (ocop nav)"
        for other in every:
            if other.parts:
                assert f"({other.filename})" in tables[0], other.filename

    def test_nothing_is_orphaned(self, repo):
        every = lessons(repo)
        assert {m for lesson in every for m in lesson.modules} == domain_modules(repo)
        assert {w for lesson in every for w in lesson.widgets} == set(ocopkit.widgets.__all__)
        named_tests = {t for lesson in every for t in lesson.tests}
        for folder in ("assignments", "widgets"):
            for path in (repo / "tests" / folder).glob("test_*.py"):
                assert path.relative_to(repo).as_posix() in named_tests, f"no topic names {path.name}"

    def test_named_apps_exist_and_every_app_is_named(self, repo):
        named = {app for lesson in lessons(repo) for app in lesson.apps}
        for app in named:
            assert app.startswith("tools/") and (repo / "course" / app).is_file(), app
        assert named == {f"tools/{p.name}" for p in (repo / "course" / "tools").glob("*.ipynb")}

    def test_apps_are_a_title_and_one_tool_of_their_lesson(self, repo):
        for lesson in lessons(repo):
            for app in lesson.apps:
                cells = nbformat.read(repo / "course" / app, as_version=4).cells
                assert [c.cell_type for c in cells] == ["markdown", "code"], app
                assert cells[0].source.startswith("# "), app
                last = ast.parse(cells[1].source).body[-1]  # the tool shown: a call of one of the lesson's widgets
                assert isinstance(last, ast.Expr) and isinstance(last.value, ast.Call), app
                assert getattr(last.value.func, "id", None) in lesson.widgets, app

    def test_navigation_links_each_app_page(self, repo):
        for lesson in lessons(repo):
            navigation = nbformat.read(repo / "course" / lesson.filename, as_version=4).cells[0].source
            for app in lesson.apps:
                assert f"](/voila/render/course/{app})" in navigation, (lesson.filename, app)

    @pytest.mark.parametrize("folder", ["course"])
    def test_lessons_start_with_objectives_and_end_with_key_points(self, repo, folder):
        for path in (repo / folder).glob("*.ipynb"):
            cells = nbformat.read(path, as_version=4).cells
            assert "Sau bài này, bạn có thể" in cells[1].source, path
            assert cells[-1].source.startswith("## Những điểm chính"), path
