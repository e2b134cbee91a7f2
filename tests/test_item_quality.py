"""The synthetic cohort of benchmarks/item_quality.py changes answer cells only (nothing is graded here)."""

import importlib.util

import nbformat
import numpy as np
import pytest

from conftest import REPO, SUBMISSIONS

TOPICS = sorted(p.name for p in SUBMISSIONS.iterdir() if (p / "full").is_dir())


@pytest.fixture(scope="module")
def item_quality():
    """The benchmark script, loaded as a module (benchmarks/ is no package)."""
    spec = importlib.util.spec_from_file_location("item_quality", REPO / "benchmarks" / "item_quality.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def examples(topic):
    """The example submissions a synthetic participant is composed from."""
    kinds = ("full", "partial", "one_slip", "untouched")
    return {kind: nbformat.read(SUBMISSIONS / topic / kind / f"{topic}.ipynb", as_version=4) for kind in kinds}


@pytest.mark.parametrize("topic", TOPICS)
def test_composition_keeps_every_other_cell_as_released(item_quality, topic):
    exercise = nbformat.read(REPO / "exercises" / topic / f"{topic}.ipynb", as_version=4)
    sources = item_quality.answer_sources(exercise, examples(topic))
    plan = item_quality.simulate(sources, 8, np.random.default_rng(0))
    for participant in plan.index:
        composed = item_quality.compose(exercise, sources, plan.loc[participant].to_dict())
        assert len(composed.cells) == len(exercise.cells)
        for cell, released in zip(composed.cells, exercise.cells):
            assert cell.metadata == released.metadata and cell.cell_type == released.cell_type
            if item_quality.is_answer(released):
                key = item_quality.cell_key(released)
                assert cell.source == sources[key][plan.loc[participant, key]]
            else:
                assert cell.source == released.source


@pytest.mark.parametrize("topic", TOPICS)
def test_every_wrong_answer_differs_from_the_right_one(item_quality, topic):
    exercise = nbformat.read(REPO / "exercises" / topic / f"{topic}.ipynb", as_version=4)
    for cell, kinds in item_quality.answer_sources(exercise, examples(topic)).items():
        assert len(kinds) >= 2, cell
        assert all(source != kinds["full"] for kind, source in kinds.items() if kind != "full"), cell
