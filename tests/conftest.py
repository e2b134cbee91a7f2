"""Shared fixtures. Notebooks in tests/submissions are data, not tests."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SUBMISSIONS = REPO / "tests" / "submissions"

# Example submissions are graded by the round-trip tests, not run by nbval.
collect_ignore_glob = ["submissions/*"]

from pg_support import postgres_server  # noqa: E402,F401  (a fixture for every test module)

# nbgrader shells out to alembic: the test environment's scripts come first.
os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")


@pytest.fixture
def repo() -> Path:
    """The repository root."""
    return REPO


@pytest.fixture(autouse=True)
def vietnamese_by_default():
    """Every test starts in Vietnamese and leaves the language as it found it."""
    from ocopkit import i18n

    i18n.set_language("vi")
    yield
    i18n.set_language("vi")


@pytest.fixture
def english():
    """Switch messages to English for one test."""
    from ocopkit import i18n

    i18n.set_language("en")
    yield


def require(condition_reason):
    """Skip a test that needs a system part, saying why; under CI such a skip is a failure."""
    if condition_reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must provide this: {condition_reason}")
        pytest.skip(condition_reason)
