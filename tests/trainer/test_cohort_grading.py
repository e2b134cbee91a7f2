"""`ocop grade` on a cohort with hostile and broken submissions: real nbgrader, real kernels, real sandbox.

One run grades right and partly right submissions beside every attack in
tests/hostile_submissions.py. Each attack must end as a named outcome, and
nobody else's grade may change.
"""

import os
import socket
import subprocess
import sys
import threading

import nbformat
import pytest
from nbgrader.api import Gradebook

from ocopkit.i18n import _
from ocopkit.trainer import cohort, ledger, sandbox
from ocopkit.trainer.course import make_working_course

import assignment_support
import hostile_submissions as hostile
from conftest import (
    REPO,
    require,
)

HONEST = {"lan": "full", "hung": "partial", "mai": "untouched", "tuan": "syntax_error"}
HONEST_SCORES = {who: assignment_support.expected_scores("topic08")[kind]["score"] for who, kind in HONEST.items()}
SECRET_ENV = "postgresql://trainer:MAT-KHAU@db/ocop"
FLAGGED = _("flagged for review: the answer cells {what}").split("{")[0]


class Listener:
    """A TCP server on the host's loopback that records any connection from a sandbox."""

    def __init__(self):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.connections = 0
        self.server.settimeout(0.5)
        self.running = True
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        while self.running:
            try:
                connection, _address = self.server.accept()
                self.connections += 1
                connection.close()
            except OSError:
                pass

    def close(self):
        self.running = False
        self.thread.join()
        self.server.close()


def nbgrader(course_dir, *args):
    done = subprocess.run(
        [sys.executable, "-m", "nbgrader", *args], cwd=course_dir, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Grade the whole hostile cohort once, in the sandbox, with a 5 s cell limit."""
    require(sandbox.unavailable_reason())
    course = make_working_course(tmp_path_factory.mktemp("cohort") / "course", REPO)
    with (course / "nbgrader_config.py").open("a") as config:
        config.write("\nc.Execute.timeout = 5\n")
    nbgrader(course, "generate_assignment", "topic08", "--force")
    submitted = course / "submitted"
    for participant, variant in HONEST.items():
        hostile.shutil.copytree(REPO / "tests/submissions/topic08" / variant, submitted / participant / "topic08")
    (submitted / "lan" / "topic08" / "bi-mat.txt").write_text("BI-MAT-CUA-LAN")
    os.environ["OCOP_TEST_SECRET"] = SECRET_ENV  # the grader's environment must not reach the sandbox
    listener = Listener()
    secret = course / "gradebook.db"
    for name in hostile.ATTACKS:
        hostile.write_attack(submitted / name.replace("_", "-") / "topic08", name, listener.port)
    hostile.write_tampered_tests(submitted / "tampered-tests" / "topic08")
    hostile.write_shadow_modules(submitted / "shadow-modules" / "topic08")
    for name in hostile.BROKEN:
        hostile.write_broken(submitted / name.replace("_", "-") / "topic08", name, secret)
    options = cohort.GradeOptions(workers=2, deadline=60, retries=1)
    outcomes = cohort.grade_cohort(course, "topic08", options)
    listener.close()
    return course, {o.participant_id: o for o in outcomes}, listener


def printed(course, participant):
    """Everything the participant's cells printed while graded."""
    path = course / "autograded" / participant / "topic08" / "topic08.ipynb"
    cells = nbformat.read(path, as_version=4).cells
    return "".join(output.get("text", "") for cell in cells if cell.cell_type == "code" for output in cell.outputs)


class TestHonestParticipants:
    def test_scores_are_unchanged_by_the_attacks(self, graded):
        course, outcomes, _listener = graded
        with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
            for participant, score in HONEST_SCORES.items():
                assert outcomes[participant].status == "graded"
                assert gradebook.find_submission("topic08", participant).score == score, participant

    def test_every_submission_has_a_named_outcome(self, graded):
        course, outcomes, _listener = graded
        expected = set(HONEST) | {n.replace("_", "-") for n in (*hostile.ATTACKS, *hostile.BROKEN)}
        assert set(outcomes) == expected | {"tampered-tests", "shadow-modules"}
        for outcome in outcomes.values():
            assert outcome.status in ("graded", "failed")
            assert outcome.status == "graded" or outcome.reason, outcome


class TestContainedAttacks:
    @pytest.mark.parametrize("name", ["memory_bomb", "file_bomb"])
    def test_limits_stop_the_cell_not_the_grading(self, graded, name):
        _course, outcomes, _listener = graded
        outcome = outcomes[name.replace("_", "-")]
        assert (outcome.status, outcome.score) == ("graded", hostile.FULL_SCORE - 2)

    def test_infinite_loop_is_stopped_and_named(self, graded):
        _course, outcomes, _listener = graded
        outcome = outcomes["infinite-loop"]
        assert (outcome.status, outcome.score) == ("graded", hostile.FULL_SCORE - 2)
        assert "part1_answer" in outcome.reason

    def test_no_network(self, graded):
        course, outcomes, listener = graded
        assert listener.connections == 0
        assert "no network:" in printed(course, "network") and "CONNECTED" not in printed(course, "network")
        assert outcomes["network"].score == hostile.FULL_SCORE and FLAGGED in outcomes["network"].reason

    def test_cannot_read_other_work_solutions_or_gradebook(self, graded):
        course, outcomes, _listener = graded
        text = printed(course, "read-others")
        for secret in ("BI-MAT-CUA-LAN", "SQLite format", "BEGIN SOLUTION", "c.CourseDirectory", SECRET_ENV):
            assert secret not in text, secret
        assert outcomes["read-others"].score == hostile.FULL_SCORE

    def test_cannot_write_the_gradebook(self, graded):
        course, outcomes, _listener = graded
        with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
            assert gradebook.find_submission("topic08", "lan").score == hostile.FULL_SCORE
        assert outcomes["write-gradebook"].score == hostile.FULL_SCORE

    def test_tampered_tests_are_restored(self, graded):
        _course, outcomes, _listener = graded
        # Parts 1 and 4 are wrong (2 points each); the emptied tests come back, with their real points.
        tampered = outcomes["tampered-tests"]
        assert (tampered.score, tampered.max_score) == (hostile.FULL_SCORE - 4, hostile.MAX_SCORE)

    def test_files_in_the_submission_cannot_shadow_modules(self, graded):
        _course, outcomes, _listener = graded
        assert (outcomes["shadow-modules"].status, outcomes["shadow-modules"].score) == ("graded", hostile.FULL_SCORE)

    def test_monkeypatching_is_flagged_for_review(self, graded):
        _course, outcomes, _listener = graded
        assert FLAGGED in outcomes["monkeypatch"].reason
        assert _("redefine Python built-ins") in outcomes["monkeypatch"].reason


class TestNamedFailures:
    @pytest.mark.parametrize(
        "name, token",
        [
            ("os_exit", "os._exit"),
            ("big_output", "MB"),
            ("ignore_interrupt", ""),
            ("kill_everything", ""),
            ("corrupt_json", "JSON"),
            ("empty_notebook", "topic08.ipynb"),
            ("missing_notebook", "topic08.ipynb"),
            ("not_utf8", "UTF-8"),
            ("old_format", "4"),
            ("symlink_notebook", "topic08.ipynb"),
            ("symlink_extra", "du-lieu.db"),
            ("fifo", "ong"),
        ],
    )
    def test_failure_with_reason(self, graded, name, token):
        _course, outcomes, _listener = graded
        outcome = outcomes[name.replace("_", "-")]
        assert outcome.status == "failed", outcome
        assert outcome.reason and token in outcome.reason, outcome.reason

    def test_fork_bomb_ends_with_an_outcome(self, graded):
        _course, outcomes, _listener = graded
        outcome = outcomes["fork-bomb"]
        assert outcome.status == "failed" or outcome.score <= hostile.FULL_SCORE - 2


class TestResume:
    def test_a_rerun_grades_nothing_new(self, graded):
        course, _outcomes, _listener = graded
        assert cohort.grade_cohort(course, "topic08", cohort.GradeOptions(workers=2, deadline=60)) == []

    def test_a_changed_submission_is_regraded(self, graded):
        course, _outcomes, _listener = graded
        notebook_path = course / "submitted" / "hung" / "topic08" / "topic08.ipynb"
        full = REPO / "tests/submissions/topic08/full/topic08.ipynb"
        notebook_path.write_bytes(full.read_bytes())
        outcomes = cohort.grade_cohort(course, "topic08", cohort.GradeOptions(workers=2, deadline=60))
        assert [(o.participant_id, o.score) for o in outcomes] == [("hung", hostile.FULL_SCORE)]
        assert ledger.gradings(course, "topic08")[("topic08", "hung")].score == hostile.FULL_SCORE
