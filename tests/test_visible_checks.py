"""No visible check gives the answer away.

A participant reads every visible line of a test cell. ``assert sao_buoi == 4``
tells the answer; a visible check may test type, shape, range and consistency
(with a Vietnamese message), and the value itself belongs in the hidden part
(``### BEGIN HIDDEN TESTS``), which nbgrader strips from the student version.

The rule, checked on the source of every autograded cell of ``solutions/``:
outside the hidden region, no answer (a name the participant assigned, or
that name with an index or attribute) is compared with ``==`` or ``!=`` to a
literal (a number, a text, or a list, tuple, set or dict of literals), nor
found ``in`` a literal list of candidates. Checking that a literal is *in* an
answer (``"tong_diem" in bang.columns``: the column the task names exists) is
shape, and allowed; names that start with ``_`` are the test's own.
"""

from __future__ import annotations

import ast
import re

import nbformat
import pytest

from conftest import REPO

HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS\n.*?### END HIDDEN TESTS\n?", re.S)
ASSIGNMENTS = sorted(p.name for p in (REPO / "solutions").iterdir() if p.is_dir() and p.name.startswith("topic"))
# Assignments whose visible checks still tell answers: issue 16 rewrites them one by one. A name leaves this set
# when its assignment is fixed; test_the_list_of_unfixed_assignments_is_honest fails when one is fixed but still here.
NOT_YET: frozenset[str] = frozenset()


def _is_literal(node: ast.AST) -> bool:
    """A number, a text, a container of them (``-3``, ``(1, 2)``) or a value built of them (``date(2026, 5, 18)``)."""
    if isinstance(node, ast.Call):
        arguments = [*node.args, *(keyword.value for keyword in node.keywords)]
        return bool(arguments) and all(_is_literal(argument) for argument in arguments)
    try:
        ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False
    return not (isinstance(node, ast.Constant) and (node.value is None or isinstance(node.value, bool)))


def _is_answer(node: ast.AST) -> bool:
    """A bare name, ``name[...]`` or ``name.attribute``: what a participant assigned (not the test's ``_name``)."""
    while isinstance(node, (ast.Subscript, ast.Attribute)):
        node = node.value
    return isinstance(node, ast.Name) and not node.id.startswith("_")


def revealing_comparisons(source: str) -> list[str]:
    """The visible comparisons of an answer with a literal in a test cell's source."""
    visible = HIDDEN.sub("", source)
    try:
        tree = ast.parse(visible)
    except SyntaxError:  # a cell that is not Python (a magic): nothing to read
        return []
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Compare):
            continue
        sides = [node.left, *node.comparators]
        for (left, right), operator in zip(zip(sides, sides[1:]), node.ops):
            equal = isinstance(operator, (ast.Eq, ast.NotEq))
            among = isinstance(operator, (ast.In, ast.NotIn))
            if equal and ((_is_answer(left) and _is_literal(right)) or (_is_literal(left) and _is_answer(right))):
                found.append(ast.unparse(node))
            elif among and _is_answer(left) and _is_literal(right):
                found.append(ast.unparse(node))
    return found


def offenders(assignment: str) -> dict[str, list[str]]:
    """Each autograded cell of an assignment whose visible part gives an answer away."""
    notebook = nbformat.read(REPO / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)
    result = {}
    for cell in notebook.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("grade"):
            found = revealing_comparisons(cell.source)
            if found:
                result[meta["grade_id"]] = found
    return result


class TestTheRule:
    @pytest.mark.parametrize(
        "source",
        [
            "assert sao_buoi == 4",
            "assert nhom_nuoc_mam == 1, 'sai'",
            "assert ngay == '2026-05-18'",
            "assert bang['A'] == 32",
            "assert 5 == sao",
            "assert ket_qua.stars != 3",
            "assert lua_chon in ('b', 'c')",
            "assert x == -2.5",
            "assert han == pd.Timestamp('2027-05-18')",
            "assert han == datetime.date(2027, 5, 18)",
        ],
    )
    def test_a_comparison_with_a_literal_is_caught(self, source):
        assert revealing_comparisons(source)

    @pytest.mark.parametrize(
        "source",
        [
            "assert isinstance(sao_buoi, int)",
            "assert 1 <= sao_buoi <= 5",
            "assert len(bang) == 3",
            "assert set(tong) == set(du_lieu['phan'])",
            "assert tong == bang['diem'].sum()",
            "assert x is not None",
            "### BEGIN HIDDEN TESTS\nassert sao_buoi == 4\n### END HIDDEN TESTS\n",
            "assert lua_chon in LUA_CHON",
            "assert 'tong_diem' in bang.columns",
            "assert 'phuong_an' not in minh_chung",
            "assert _bang.loc[_ma, 'muc'] == 'toi_thieu'",
        ],
    )
    def test_type_shape_range_and_consistency_are_allowed(self, source):
        assert revealing_comparisons(source) == []


@pytest.mark.parametrize("assignment", [a for a in ASSIGNMENTS if a not in NOT_YET])
def test_no_visible_check_gives_the_answer(assignment):
    assert offenders(assignment) == {}


def test_the_list_of_unfixed_assignments_is_honest():
    fixed = sorted(a for a in NOT_YET if not offenders(a))
    assert not fixed, f"fixed, take them out of NOT_YET: {fixed}"
