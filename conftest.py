"""How `make test` spreads the suite over the cores (pytest-xdist, ``--dist loadfile``).

It sits at the root, not in tests/, because the lessons and solutions that nbval runs are
items too, and a notebook's cells must stay together on one worker: they share one kernel.
"""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent

# Tests that use machine-wide state: the sandbox's Linux users (a run kills every process of
# theirs), the hub's users, /opt and /etc/jupyter. Under pytest-xdist (`make test`) they run in
# one unit, one after another on one worker, while the other workers take everything else,
# a file at a time (a notebook's cells share one kernel, a class its fixtures).
MACHINE_WIDE = (
    "tests/trainer/sandbox/",
    "tests/trainer/hub/",
    "tests/trainer/test_browser_feedback.py",
    "tests/trainer/test_cohort_grading.py",
    "tests/trainer/test_cohort_resume.py",
    "tests/trainer/test_demo.py",
    "tests/trainer/test_export_completeness.py",
    "tests/trainer/test_feedback_sanitised.py",
    "tests/trainer/test_roundtrip.py",
    "tests/trainer/test_shared_grading.py",
    "tests/trainer/test_submission_checks.py",
    "tests/trainer/test_test_isolation.py",
    "tests/trainer/test_workbook.py",
)


def _relative(item) -> str:
    """The item's file, relative to the repository root."""
    return Path(item.path).resolve().relative_to(REPO).as_posix()


def machine_wide(relative_path: str) -> bool:
    """Whether the test file at ``relative_path`` (from the repository root) uses machine-wide state."""
    return relative_path.startswith(MACHINE_WIDE)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """``--dist loadfile`` with one more rule: the machine-wide files are one unit of work."""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class MachineWideScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            return "machine-wide" if machine_wide(path) else path

    # Keep the order of collection, which puts the long machine-wide unit first (below).
    config.option.loadscopereorder = False
    return MachineWideScheduling(config, log)


def pytest_collection_modifyitems(config, items):
    """On xdist's workers, the machine-wide tests first: their unit is the longest, so it starts
    at once and the other workers fill the time around it."""
    if hasattr(config, "workerinput"):
        items.sort(key=lambda item: not machine_wide(_relative(item)))
