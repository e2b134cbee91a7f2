"""`ocop grade` killed half-way, then run again: it picks up where it stopped, grading nothing twice."""

import os
import pwd
import shutil
import signal
import subprocess
import sys
import time

from nbgrader.api import Gradebook

from ocopkit.trainer import ledger, sandbox
from ocopkit.trainer.course import make_working_course

from assignment_support import expected_scores
from conftest import (
    REPO,
    require,
)

VARIANTS = ("full", "partial", "untouched", "syntax_error", "raises")
EXPECTED = {variant: expected_scores("topic08")[variant]["score"] for variant in VARIANTS}


def grade_command(course):
    return [
        sys.executable,
        "-m",
        "ocopkit.trainer.cli",
        "grade",
        "topic08",
        "--course-dir",
        str(course),
        "--workers",
        "1",
    ]


def sandbox_processes(course) -> list[int]:
    """Processes of the sandbox users: kernels, zygotes, bwrap (none may outlive a killed grader).

    The machine-wide tests run one at a time (conftest.MACHINE_WIDE), so any
    such process is this run's.
    """
    uids = [entry.pw_uid for entry in pwd.getpwall() if entry.pw_name.startswith(sandbox.USER_PREFIX)]
    return [pid for uid in uids for pid in sandbox.user_processes(uid)]


def test_a_killed_run_resumes_without_regrading(tmp_path):
    require(sandbox.unavailable_reason())
    course = make_working_course(tmp_path / "course", REPO)
    subprocess.run(
        [sys.executable, "-m", "nbgrader", "generate_assignment", "topic08", "--force"],
        cwd=course,
        check=True,
        capture_output=True,
    )
    for number in range(10):
        variant = VARIANTS[number % len(VARIANTS)]
        shutil.copytree(REPO / "tests/submissions/topic08" / variant, course / "submitted" / f"p{number}" / "topic08")
    first = subprocess.Popen(
        grade_command(course), start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 300
    while len(ledger.gradings(course, "topic08")) < 3 and time.monotonic() < deadline:
        time.sleep(0.2)
    os.killpg(first.pid, signal.SIGKILL)  # as a power cut or `kill -9` would
    first.wait()
    recorded = dict(ledger.gradings(course, "topic08"))
    assert 3 <= len(recorded) < 10
    # The kernels die with the grader: bwrap's --die-with-parent, the workers' parent-death signal, the reaper.
    deadline = time.monotonic() + 10
    while sandbox_processes(course) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert sandbox_processes(course) == []
    again = subprocess.run(grade_command(course), capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr
    assert f"{10 - len(recorded)} " in again.stdout.splitlines()[-1]  # only the rest was graded
    final = ledger.gradings(course, "topic08")
    assert len(final) == 10
    for key, outcome in recorded.items():
        assert final[key] == outcome  # not regraded
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        scores = {s["student"]: s["score"] for s in gradebook.submission_dicts("topic08")}
    assert scores == {f"p{n}": EXPECTED[VARIANTS[n % len(VARIANTS)]] for n in range(10)}
