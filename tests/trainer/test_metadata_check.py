"""The kit's quicker CheckCellMetadata accepts and refuses exactly what nbgrader's own does."""

import copy

import nbformat
import pytest
from nbgrader.preprocessors import CheckCellMetadata

from ocopkit.trainer.metadata_check import QuickCheckCellMetadata

from conftest import REPO

EXERCISES = sorted((REPO / "exercises").glob("topic*/topic*.ipynb"))


def damaged(notebook, damage):
    notebook = copy.deepcopy(notebook)
    cell = next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade"))
    damage(cell.metadata.nbgrader)
    return notebook


DAMAGES = {
    "points not a number": lambda meta: meta.update(points="nhiều"),
    "schema too new": lambda meta: meta.update(schema_version=99),
    "schema too old": lambda meta: meta.update(schema_version=1),
    "grade cell without an id": lambda meta: meta.pop("grade_id"),
    "unknown key": lambda meta: meta.update(extra=True),
}


def outcome(preprocessor, notebook) -> str:
    """Return "accepted", or the kind of error raised (nbgrader lets a schema version error through unwrapped)."""
    try:
        preprocessor.preprocess(copy.deepcopy(notebook), {})
    except Exception as error:  # the kind of error is the verdict compared
        return type(error).__name__
    return "accepted"


@pytest.mark.parametrize("path", EXERCISES, ids=lambda p: p.stem)
def test_every_exercise_is_accepted_by_both(path):
    notebook = nbformat.read(path, as_version=4)
    assert outcome(QuickCheckCellMetadata(), notebook) == outcome(CheckCellMetadata(), notebook) == "accepted"


@pytest.mark.parametrize("damage", sorted(DAMAGES))
def test_damaged_metadata_gets_nbgraders_own_verdict(damage):
    notebook = damaged(nbformat.read(EXERCISES[0], as_version=4), DAMAGES[damage])
    verdict = outcome(CheckCellMetadata(), notebook)
    assert verdict != "accepted" and outcome(QuickCheckCellMetadata(), notebook) == verdict
