"""`make test` runs the suite on every core; the machine-wide tests must stay in one unit of work.

A test that grades in the sandbox, starts the hub or runs the demo shares the sandbox's Linux users
with every other such test: a sandboxed run kills each process of those users when it ends. Two of
them on two workers would kill each other's kernels. The root ``conftest.py`` lists them.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

# What makes a test file machine-wide: it grades in the sandbox (the sandbox is required, or
# cohort grading or the demo run, which use it when it is there), or it starts the hub.
MACHINE_WIDE_USE = re.compile(
    r"sandbox\.unavailable_reason\(\)|import hub_support|from hub_support|cohort\.grade_cohort"
    r"|\"ocopkit\.trainer\.cli\", \"(demo|grade|hub)\"|cli\.main\(\[\"(demo|grade|hub)\""
    r"|run_cli\(\"grade\"(?![^)]*--unsafe)"  # `ocop grade` without --unsafe grades in the sandbox
)


def _schedule():
    """The root conftest.py, loaded under a name of its own (tests/conftest.py is ``conftest``)."""
    spec = importlib.util.spec_from_file_location("suite_schedule", REPO / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _test_files() -> list[Path]:
    return sorted(path for path in (REPO / "tests").rglob("test_*.py") if path != Path(__file__).resolve())


@pytest.mark.parametrize("path", _test_files(), ids=lambda path: path.relative_to(REPO).as_posix())
def test_a_file_that_uses_machine_wide_state_is_listed(path):
    relative = path.relative_to(REPO).as_posix()
    if MACHINE_WIDE_USE.search(path.read_text(encoding="utf-8")):
        assert _schedule().machine_wide(relative), f"{relative} uses the sandbox or the hub: add it to MACHINE_WIDE"


def test_every_listed_entry_exists():
    for entry in _schedule().MACHINE_WIDE:
        assert (REPO / entry).exists(), f"MACHINE_WIDE names {entry}, which is gone"


def test_make_test_spreads_by_file():
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert "-n auto --dist loadfile" in makefile
