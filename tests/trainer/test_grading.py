"""Unit tests of the checks that name a broken submission before nbgrader runs."""

import json
from pathlib import Path

import nbformat
import pytest

from ocopkit.trainer import grading


@pytest.fixture
def notebook(tmp_path):
    return tmp_path / "topic08.ipynb"


class TestNotebookProblem:
    def test_a_good_notebook_has_none(self, notebook):
        nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")]), notebook)
        assert grading.notebook_problem(notebook) is None

    @pytest.mark.parametrize(
        "content, words",
        [
            (None, "thiếu"),
            (b"", "trống"),
            (b"   \n", "trống"),
            (b"\xff\xfe{}", "UTF-8"),
            (b'{"cells": [', "JSON"),
            (json.dumps({"nbformat": 3, "worksheets": []}).encode(), "định dạng 4"),
            (b"[1, 2]", "định dạng 4"),
            (
                json.dumps(
                    {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "nope"}]}
                ).encode(),
                "sai định dạng",
            ),
        ],
    )
    def test_each_fault_is_named(self, notebook, content, words):
        if content is not None:
            notebook.write_bytes(content)
        problem = grading.notebook_problem(notebook)
        assert problem and words in problem and "topic08.ipynb" in problem


class TestFailureReason:
    def test_picks_the_exception_line(self):
        result = {"success": False, "error": "Traceback:\n  File x\nValueError: bad cell\n", "log": ""}
        assert "ValueError: bad cell" in grading.failure_reason(result)

    def test_falls_back_to_error_log_lines(self):
        result = {"success": False, "log": "[INFO] ok\n[ERROR] No notebook found\n"}
        assert "No notebook found" in grading.failure_reason(result)

    def test_a_dead_kernel_is_explained(self):
        result = {"success": False, "error": "nbclient.exceptions.DeadKernelError: Kernel died\n"}
        assert "os._exit" in grading.failure_reason(result)


class TestGradebookLockProbe:
    """nbgrader would wait the URL's timeout (60 s) per statement on a held gradebook: the kit asks first."""

    def test_the_file_of_a_sqlite_url_without_its_options(self):
        assert grading.sqlite_file("sqlite:////srv/c/gradebook.db?timeout=60") == Path("/srv/c/gradebook.db")
        assert grading.sqlite_file("sqlite:///gradebook.db") == Path("gradebook.db")
        assert grading.sqlite_file("sqlite:///:memory:") is None
        assert grading.sqlite_file("postgresql+psycopg://u@127.0.0.1/ocop") is None

    def test_a_held_gradebook_is_reported_locked_and_a_free_one_is_not(self, tmp_path):
        import sqlite3

        path = tmp_path / "gradebook.db"
        sqlite3.connect(path).close()
        url = f"sqlite:///{path}?timeout=60"
        grading.check_gradebook_writable(url)  # free: nothing raised
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
        try:
            with pytest.raises(sqlite3.OperationalError, match="locked") as raised:
                grading.check_gradebook_writable(url)
            assert grading.is_locked(str(raised.value))
        finally:
            holder.rollback()
        grading.check_gradebook_writable(url)
