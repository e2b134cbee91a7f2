"""The package's layers, read from the source: no import circles, and nothing runs back up.

``ocopkit`` has three layers: the participant side (the domain modules and
``widgets/``), the shared floor below it (``i18n``, ``datasets``, ``errors``,
``checks``, ``spreadsheet``, ``dates``) and the trainer side, ``ocopkit.trainer``.
Every import is counted, also those inside functions, since a lazy import is
still a dependency.
"""

import ast
from pathlib import Path

import pytest

from ocopkit.trainer.manifest import shared_floor

from conftest import REPO

PACKAGE = REPO / "src" / "ocopkit"
# The shared floor is named once, in course/manifest.toml.
SHARED_FLOOR = {f"ocopkit.{name}" for name in shared_floor(REPO)}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _absolute(node: ast.ImportFrom, name: str, path: Path) -> str:
    """The absolute module a relative ``from`` import names."""
    if not node.level:
        return node.module or ""
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    base = package[: len(package) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


def imported_modules(path: Path) -> set[str]:
    """The ``ocopkit`` modules a file imports, at any depth of its code."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            target = _absolute(node, node.module, path)
            # "from . import grading" names a module; "from .course import owner_name" a name in one.
            submodules = {f"{target}.{alias.name}" for alias in node.names} & MODULES.keys()
            found.update(submodules or {target})
    return {name for name in found if name in MODULES}


GRAPH = {name: imported_modules(path) - {name} for name, path in MODULES.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), i.e. the import circles."""
    index, low, stack, on_stack, found, counter = {}, {}, [], set(), [], [0]

    def visit(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def side(name: str) -> str:
    if name.startswith("ocopkit.trainer"):
        return "trainer"
    return "shared" if name in SHARED_FLOOR or name == "ocopkit" else "participant"


def test_the_shared_floor_exists():
    assert SHARED_FLOOR and SHARED_FLOOR <= MODULES.keys()


def test_the_parser_sees_the_imports_it_must():
    # A check that reads nothing passes everything: make sure known edges are seen.
    assert "ocopkit.trainer.grading" in GRAPH["ocopkit.trainer.cohort"]
    assert "ocopkit.i18n" in GRAPH["ocopkit.finance"]
    assert "ocopkit.finance" in GRAPH["ocopkit.widgets.business_plan"]


def test_no_import_circles():
    assert cycles(GRAPH) == []


def test_cycle_finder_finds_a_circle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


@pytest.mark.parametrize("layer", ["participant", "shared"])
def test_nothing_below_the_trainer_imports_it(layer):
    upward = {
        name: sorted(n for n in imports if side(n) == "trainer")
        for name, imports in GRAPH.items()
        if side(name) == layer
    }
    assert {name: found for name, found in upward.items() if found} == {}


def test_the_shared_floor_imports_only_itself():
    upward = {name: sorted(n for n in GRAPH[name] if side(n) != "shared") for name in SHARED_FLOOR}
    assert {name: found for name, found in upward.items() if found} == {}


def test_domain_logic_imports_no_widget():
    domain = [name for name in GRAPH if side(name) == "participant" and not name.startswith("ocopkit.widgets")]
    assert {
        name: sorted(GRAPH[name]) for name in domain if any(n.startswith("ocopkit.widgets") for n in GRAPH[name])
    } == {}
