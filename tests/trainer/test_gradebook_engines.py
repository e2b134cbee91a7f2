"""Gradebooks of a grading worker share one engine per database, and still see each other's writes."""

from __future__ import annotations

import nbgrader.api
import pytest
from nbgrader.api import Gradebook

from ocopkit.trainer import gradebook_engines


@pytest.fixture
def shared(monkeypatch):
    monkeypatch.setattr(nbgrader.api, "create_engine", nbgrader.api.create_engine)  # undone after the test
    gradebook_engines.share()


def test_one_engine_per_database(shared, tmp_path):
    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    with Gradebook(url) as first:
        engine = first.engine
        first.add_student("p0001")
    with Gradebook(url) as second:
        assert second.engine is engine
        assert [s.id for s in second.students] == ["p0001"]  # the write of the first, after its close
    with Gradebook(f"sqlite:///{tmp_path / 'other.db'}") as other:
        assert other.engine is not engine
        assert other.students == []


def test_a_closed_gradebook_keeps_no_connection_open(shared, tmp_path):
    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    with Gradebook(url) as gradebook:
        gradebook.add_student("p0001")
        engine = gradebook.engine
    assert engine.pool.checkedout() == 0
    assert engine.pool.checkedin() == 0  # dispose() after close: the file can be moved or replaced
