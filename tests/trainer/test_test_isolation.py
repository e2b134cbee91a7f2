"""Answer code cannot reach the tests: hooks, transformers, lying objects, patched built-ins.

Each attack gives WRONG Part 1 answers (worth 2 points) and then tries to make
the tests pass anyway, or to see their hidden source. The right answers of
Parts 2–4 stay, so an attack that is held scores 8 of 10, never 10. An honest
participant graded after each attack by the same worker keeps full marks.
Real nbgrader, real kernels, the real sandbox.
"""

from __future__ import annotations

import base64
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from ocopkit.i18n import _
from ocopkit.trainer import answer_transfer, cohort, grading, sandbox
from ocopkit.trainer.course import make_working_course

import hostile_submissions as hostile
from conftest import (
    REPO,
    require,
)

FLAGGED = _("flagged for review: the answer cells {what}").split("{")[0]
WRONG_PART1 = "sao_buoi = 1\nsao_mien = 1\nsao_nuoc_mam = 1\n"
REMOVE_ASSERTS = """
import ast
class _NoAsserts(ast.NodeTransformer):
    def visit_Assert(self, node):
        return ast.Pass()
get_ipython().ast_transformers.append(_NoAsserts())
"""
ATTACKS = {
    "a-events-print-source": """
def _spy(info):
    print('SOURCE-SEEN:', info.raw_cell)
for _event in ('pre_run_cell', 'post_run_cell'):
    get_ipython().events.register(_event, _spy)
get_ipython().events.register('pre_execute', lambda: print('PRE-EXECUTE'))
""",
    "b-ast-remove-asserts": REMOVE_ASSERTS,
    "c-exec-encoded": "exec(__import__('base64').b64decode(%r).decode())\n"  # noqa: UP031
    % base64.b64encode(REMOVE_ASSERTS.encode()).decode(),
    "d-input-transformers": """
get_ipython().input_transformers_cleanup.append(
    lambda lines: ['pass\\n'] if any('assert' in line for line in lines) else lines)
get_ipython().input_transformers_post.append(
    lambda lines: ['pass\\n'] if any('checks.' in line for line in lines) else lines)
""",
    "e-lying-objects": """
class _Yes(int):
    __eq__ = lambda self, other: True
    __ne__ = lambda self, other: False
    __le__ = __ge__ = __lt__ = __gt__ = lambda self, other: True
    __hash__ = int.__hash__
sao_buoi, sao_mien, sao_nuoc_mam = _Yes(1), _Yes(1), _Yes(1)
""",
    "f-shadow-builtins": """
import builtins
isinstance = lambda *args: True
len = lambda *args: 3
abs = lambda *args: 0
builtins.abs = lambda *args: 0
builtins.AssertionError = type('AssertionError', (Exception,), {})
""",
    "g-patch-libraries": """
from ocopkit import checks
checks.of_type = lambda name, value, kind: value
checks.defined = lambda name, namespace: namespace.get(name, 4)
import pandas
pandas.DataFrame.equals = lambda self, other: True
""",
    "h-kernel-handlers": """
_kernel = get_ipython().kernel
_original = _kernel.shell_handlers['execute_request']
async def _always_ok(*args, **kwargs):
    return await _original(*args, **kwargs)
_kernel.shell_handlers['execute_request'] = _always_ok
get_ipython().showtraceback = lambda *args, **kwargs: None
""",
    "i-trace-and-threads": """
import sys, threading, time
def _tracer(frame, event, arg):  # would rewrite a test's locals, if a test ever ran here
    if event == 'line' and '_chi_phi' in frame.f_locals:
        frame.f_locals['_chi_phi'] = None
    if event == 'exception':
        return None
    return _tracer
sys.settrace(_tracer)
def _watch():
    import builtins
    while True:
        builtins.abs = lambda *args: 0
        time.sleep(0.001)
threading.Thread(target=_watch, daemon=True).start()
""",
    "j-fake-output-and-files": """
import glob, os
print('✓ Đúng  All tests passed  Score: 10 / 10')
for path in glob.glob('*') + glob.glob('/ocop/*') + glob.glob('../*'):
    try:
        print('FILE', path, open(path, errors='replace').read()[:2000])
    except OSError:
        pass
""",
}


# Graded right after the most invasive attacks (sorted ids: each follows its attack).
HONEST_AFTER = [
    "d-input-transformers-2-honest",
    "f-shadow-builtins-2-honest",
    "h-kernel-handlers-2-honest",
    "i-trace-and-threads-2-honest",
]


def hidden_test_lines() -> list[str]:
    """Every line between BEGIN and END HIDDEN TESTS in the source of Topic 8."""
    lines = []
    for cell in nbformat.read(REPO / "solutions/topic08/topic08.ipynb", as_version=4).cells:
        for block in re.findall(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", cell.source, re.S):
            lines += [line.strip() for line in block.splitlines() if len(line.strip()) > 12]
    return lines


def write(course: Path, participant: str, code: str | None, forged_cell: bool = False) -> None:
    target = course / "submitted" / participant / "topic08"
    if code is None:
        shutil.copytree(hostile.FULL, target)
        return
    nb = hostile.notebook(hostile.FULL)
    hostile.cell(nb, "part1_answer").source = WRONG_PART1 + code
    if forged_cell:  # a cell that claims to be the assignment's own, to run beside the tests
        forged = nbformat.v4.new_code_cell(
            code,
            metadata={
                "nbgrader": {"locked": True, "grade": False, "solution": False, "schema_version": 3, "task": False}
            },
        )
        nb.cells.insert(1, forged)
    target.mkdir(parents=True)
    nbformat.write(nb, target / "topic08.ipynb")


def all_outputs(course: Path, participant: str, tests: bool = True) -> str:
    """What the cells printed (with ``tests=False``, only cells that are not test cells)."""
    path = course / "autograded" / participant / "topic08" / "topic08.ipynb"
    texts = []
    for cell in nbformat.read(path, as_version=4).cells:
        if not tests and cell.metadata.get("nbgrader", {}).get("grade"):
            continue
        for output in cell.get("outputs", []):
            texts.append(
                output.get("text", "")
                + output.get("evalue", "")
                + "".join(output.get("traceback", []))
                + str(output.get("data", ""))
            )
    return "\n".join(texts)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    require(sandbox.unavailable_reason())
    course = make_working_course(tmp_path_factory.mktemp("tests-apart") / "course", REPO)
    done = subprocess.run(
        [sys.executable, "-m", "nbgrader", "generate_assignment", "topic08", "--force"],
        cwd=course,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    for name, code in ATTACKS.items():
        write(course, f"{name}-1", code)
    for name in HONEST_AFTER:
        write(course, name, None)
    write(course, "k-forged-setup-cell-1", ATTACKS["f-shadow-builtins"], forged_cell=True)
    # One worker: each honest participant is graded right after an attack, by the same worker.
    outcomes = cohort.grade_cohort(course, "topic08", cohort.GradeOptions(workers=1, deadline=180, retries=0))
    feedback = subprocess.run(
        [sys.executable, "-m", "nbgrader", "generate_feedback", "topic08", "--force"],
        cwd=course,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert feedback.returncode == 0, feedback.stderr
    return course, {o.participant_id: o for o in outcomes}


ATTACKERS = [f"{name}-1" for name in ATTACKS] + ["k-forged-setup-cell-1"]


@pytest.mark.parametrize("participant", ATTACKERS)
def test_wrong_answers_earn_nothing_whatever_the_answer_code_does(graded, participant):
    _course, outcomes = graded
    outcome = outcomes[participant]
    # Held: the wrong Part 1 costs its 2 points. An attack that wrecks nbgrader's own run is a named failure.
    assert (
        outcome.score == hostile.FULL_SCORE - 2
        if outcome.status == "graded"
        else (outcome.status == "failed" and outcome.reason)
    ), outcome


@pytest.mark.parametrize("participant", HONEST_AFTER)
def test_the_next_honest_participant_keeps_full_marks(graded, participant):
    _course, outcomes = graded
    assert (outcomes[participant].status, outcomes[participant].score) == ("graded", hostile.FULL_SCORE), outcomes[
        participant
    ]


@pytest.mark.parametrize("participant", ATTACKERS)
def test_no_hidden_test_reaches_outputs_or_feedback(graded, participant):
    course, outcomes = graded
    feedback_file = course / "feedback" / participant / "topic08" / "topic08.html"
    autograded = course / "autograded" / participant / "topic08" / "topic08.ipynb"
    assert feedback_file.exists() or outcomes[participant].status == "failed"
    feedback = feedback_file.read_text(encoding="utf-8") if feedback_file.exists() else ""
    printed = all_outputs(course, participant) if autograded.exists() else ""
    for line in hidden_test_lines():
        assert line not in printed, line
        assert line not in feedback, line


# What each attack did, as the answers kernel saw it run (the source of c- is encoded).
RAN = {
    "a-events-print-source-1": "ipython",
    "b-ast-remove-asserts-1": "ipython",
    "c-exec-encoded-1": "ipython",
    "d-input-transformers-1": "ipython",
    "e-lying-objects-1": "comparison",
    "f-shadow-builtins-1": "builtins",
    "g-patch-libraries-1": "libraries",
    "h-kernel-handlers-1": "ipython",
    "i-trace-and-threads-1": "introspection",
    "k-forged-setup-cell-1": "builtins",
}


@pytest.mark.parametrize("participant", sorted(RAN))
def test_what_the_answer_code_did_is_flagged_for_review(graded, participant):
    _course, outcomes = graded
    outcome = outcomes[participant]
    if outcome.status == "graded":
        assert FLAGGED in outcome.reason and grading.ran_flags()[RAN[participant]] in outcome.reason, outcome.reason


@pytest.mark.parametrize("participant", HONEST_AFTER)
def test_honest_work_is_not_flagged(graded, participant):
    _course, outcomes = graded
    assert FLAGGED not in (outcomes[participant].reason or "")


def test_answer_cells_never_see_a_test_cell(graded):
    course, _outcomes = graded
    printed = all_outputs(course, "a-events-print-source-1", tests=False)
    assert "SOURCE-SEEN" in printed  # the hook ran, on the answer cells
    assert "checks.of_type" not in printed and "Kiểm tra" not in printed


class TestTransfer:
    """The codec carries plain data faithfully and nothing else."""

    def test_plain_values_cross_unchanged(self):
        import numpy as np
        import pandas as pd

        values = {
            "so": 4,
            "ti_le": 0.25,
            "ten": "Bưởi Diễn",
            "ds": ["Mật ong", "Chè"],
            "bang": {"A": 40},
            "np_so": np.int64(100),
            "ngay": pd.Timestamp("2026-12-01"),
            "bang_pd": pd.DataFrame({"thang": pd.date_range("2026-07-01", periods=2, freq="MS"), "tien": [1.5, -2.0]}),
        }
        namespace = {}
        answer_transfer.load(namespace, answer_transfer.checked(answer_transfer.dump(values)))
        pd.testing.assert_frame_equal(namespace.pop("bang_pd"), values.pop("bang_pd"))
        assert namespace == values
        assert all(type(namespace[name]) is type(value) for name, value in values.items())

    def test_objects_with_their_own_behaviour_do_not_cross(self):
        class Liar(str):
            def __eq__(self, other):
                return True

        namespace = {"dap_an": "old"}
        answer_transfer.load(
            namespace,
            answer_transfer.checked(answer_transfer.dump({"dap_an": Liar("x"), "ham": lambda: 1, "ds": [Liar("y")]})),
        )
        assert "ds" not in namespace and "ham" not in namespace
        assert namespace["dap_an"] == "old"  # kept the tests kernel's own value

    def test_a_chart_crosses_as_its_bars_and_texts_only(self):
        import matplotlib
        import pandas as pd
        from matplotlib.axes import Axes

        matplotlib.use("agg")
        chart = pd.Series([3.0, 5.0], index=["Shopee", "Chợ"]).plot.bar(title="Tiền về")

        class LyingAxes(Axes):
            patches = property(lambda self: [None] * 6)

        namespace = {}
        answer_transfer.load(
            namespace,
            answer_transfer.checked(
                answer_transfer.dump({"bieu_do": chart, "gia": LyingAxes(chart.figure, (0, 0, 1, 1))})
            ),
        )
        rebuilt = namespace["bieu_do"]
        assert type(rebuilt) is Axes and rebuilt is not chart and "gia" not in namespace
        assert [bar.get_height() for bar in rebuilt.patches] == [3.0, 5.0]
        assert rebuilt.get_title() == "Tiền về"
        assert [label.get_text() for label in rebuilt.get_xticklabels()] == ["Shopee", "Chợ"]

    def test_a_forged_dump_builds_only_plain_types(self):
        forged = (
            '{"names": ["x", "y"], "values": {"x": {"t": "np", "dtype": "object", "v": {"t": "int", "v": 1}},'
            ' "y": {"t": "series", "dtype": "O; import os", "v": [], "index": {"t": "range", "v": [0, 0, 1],'
            ' "name": {"t": "none"}}, "name": {"t": "none"}}}}'
        )
        namespace = {}
        answer_transfer.load(namespace, answer_transfer.checked(forged))
        assert namespace == {}
        assert answer_transfer.checked("not json") == '{"names": [], "values": {}}'
