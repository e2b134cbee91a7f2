"""Damaged and tampered submissions get a reason a trainer understands: real nbgrader, real kernels, real sandbox.

Issue 11, classes 8 and 9. Each submission below breaks the notebook the way
a hand edit, another editor or an attacker does. Stock nbgrader meets most
of them with a traceback, a silent zero or advice for a course author; the
kit names each before nbgrader runs, accepts what changes nothing the
participant wrote (a byte-order mark), and retries a gradebook that another
program holds locked. The honest participant graded by the same worker keeps
the exact score of a clean run.
"""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ocopkit.i18n import _
from ocopkit.trainer import cli, cohort, grading, ledger, precheck, run_guard, sandbox
from ocopkit.trainer.course import make_working_course

from conftest import (
    REPO,
    require,
)
from hostile_submissions import FULL_SCORE, MAX_SCORE

FULL = REPO / "tests" / "submissions" / "topic08" / "full"
NAME = "topic08.ipynb"


def full_notebook() -> dict:
    return json.loads((FULL / NAME).read_text(encoding="utf-8"))


def grade_ids(data: dict) -> list[str]:
    return [c.get("metadata", {}).get("nbgrader", {}).get("grade_id") for c in data["cells"]]


def cell(data: dict, grade_id: str) -> dict:
    return data["cells"][grade_ids(data).index(grade_id)]


def tampered(change) -> bytes:
    data = full_notebook()
    change(data)
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def deep(levels: int) -> bytes:
    data = full_notebook()
    text = json.dumps(data, ensure_ascii=False)
    nested = "[" * levels + "]" * levels
    return text.replace('"metadata": {', '"metadata": {"sau": ' + nested + ", ", 1).encode("utf-8")


def _flag_off(data):
    cell(data, "part4_points_needed_correct")["metadata"]["nbgrader"]["grade"] = False


def _points_as_text(data):
    cell(data, "part1_star_buoi_correct")["metadata"]["nbgrader"]["points"] = "100"


def _copy_a_test(data):
    data["cells"].append(copy.deepcopy(cell(data, "part1_star_buoi_correct")))


def _delete_a_test(data):
    data["cells"].remove(cell(data, "part2_total_correct"))


def _delete_everything(data):
    data["cells"] = []


def _only_plain_cells(data):
    data["cells"] = [{"cell_type": "markdown", "id": "ghi-chu", "metadata": {}, "source": "Tôi chưa làm."}]


def _points_raised(data):  # nbgrader restores points from the gradebook: graded, with a note
    cell(data, "part1_star_buoi_correct")["metadata"]["nbgrader"]["points"] = 100


# participant -> (bytes of topic08.ipynb, status, what the reason must say)
CASES = {
    "bom": (precheck.BOM + (FULL / NAME).read_bytes(), "graded", None),
    "tat-co": (tampered(_flag_off), "failed", "part4_points_needed_correct"),
    "diem-chu": (tampered(_points_as_text), "failed", 'points: 1 → "100"'),
    "ban-sao": (tampered(_copy_a_test), "failed", "part1_star_buoi_correct ×2"),
    "xoa-test": (tampered(_delete_a_test), "failed", "part2_total_correct"),
    "xoa-het": (
        tampered(_delete_everything),
        "failed",
        _("the notebook {name} has none of the assignment's cells").format(name=NAME),
    ),
    "chi-ghi-chu": (
        tampered(_only_plain_cells),
        "failed",
        _("the notebook {name} has none of the assignment's cells").format(name=NAME),
    ),
    "long-sau": (
        deep(5000),
        "failed",
        _("the notebook {name} is damaged: its data is nested more than {limit} levels deep").format(
            name=NAME, limit=precheck.MAX_DEPTH
        ),
    ),
    "nang-diem": (tampered(_points_raised), "graded", None),
}
LOCKER = """
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], timeout=1)
db.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
db.rollback()
"""
# What stock nbgrader says for these: none of it may reach the trainer.
STOCK_WORDS = (
    "Please see the above traceback",
    "nbgrader update",
    "nbgrader db upgrade",
    "RecursionError",
    "Traceback",
)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """One worker grades an honest participant after every damaged submission."""
    require(sandbox.unavailable_reason())
    course = make_working_course(tmp_path_factory.mktemp("checks") / "course", REPO)
    assert cli.main(["generate", "topic08", "--course-dir", str(course)]) == 0
    submitted = course / "submitted"
    for participant, (raw, _status, _said) in CASES.items():
        (submitted / participant / "topic08").mkdir(parents=True)
        (submitted / participant / "topic08" / NAME).write_bytes(raw)
    shutil.copytree(FULL, submitted / "zz-lan" / "topic08")  # sorted last: after every damaged one
    outcomes = cohort.grade_cohort(course, "topic08", cohort.GradeOptions(workers=1))
    return course, {o.participant_id: o for o in outcomes}


@pytest.mark.slow
class TestNamedBeforeNbgrader:
    @pytest.mark.parametrize("participant", sorted(CASES))
    def test_each_gets_its_status_and_a_clear_reason(self, graded, participant):
        _course, outcomes = graded
        _raw, status, said = CASES[participant]
        outcome = outcomes[participant]
        assert outcome.status == status, outcome
        if said:
            assert said in outcome.reason, outcome.reason
        assert not any(word in (outcome.reason or "") for word in STOCK_WORDS), outcome.reason

    def test_a_byte_order_mark_is_accepted_and_graded_as_written(self, graded):
        _course, outcomes = graded
        assert (outcomes["bom"].score, outcomes["bom"].max_score) == (FULL_SCORE, MAX_SCORE)

    def test_points_changed_by_hand_are_restored_and_noted(self, graded):
        _course, outcomes = graded
        assert (outcomes["nang-diem"].score, outcomes["nang-diem"].max_score) == (FULL_SCORE, MAX_SCORE)
        assert "part1_star_buoi_correct (points)" in outcomes["nang-diem"].reason

    def test_the_honest_participant_after_them_keeps_the_clean_score(self, graded):
        _course, outcomes = graded
        lan = outcomes["zz-lan"]
        assert (lan.status, lan.score, lan.max_score) == ("graded", FULL_SCORE, MAX_SCORE)


class TestChecksAlone:
    """The checks on their own, on the released notebook, without grading."""

    @pytest.fixture
    def release(self, tmp_path_factory):
        folder = tmp_path_factory.mktemp("release")
        shutil.copy(REPO / "exercises" / "topic08" / NAME, folder / NAME)
        return folder

    def check(self, tmp_path, release, raw: bytes) -> precheck.Findings:
        folder = tmp_path / "submission"
        folder.mkdir()
        (folder / NAME).write_bytes(raw)
        precheck.prepare_submission(folder, [NAME])
        return precheck.check_submission(folder, release)

    def test_the_released_notebook_passes(self, tmp_path, release):
        assert self.check(tmp_path, release, (release / NAME).read_bytes()).problems == []

    def test_a_byte_order_mark_is_removed_and_nothing_else_changes(self, tmp_path, release):
        raw = (FULL / NAME).read_bytes()
        assert self.check(tmp_path, release, precheck.BOM + raw).problems == []
        assert (tmp_path / "submission" / NAME).read_bytes() == raw

    def test_json_deeper_than_python_can_parse_is_named_not_a_crash(self, tmp_path, release):
        found = self.check(tmp_path, release, b"[" * 100_000 + b"]" * 100_000)
        assert found.problems and "RecursionError" not in found.problem

    def test_a_key_written_twice_is_noted(self, tmp_path, release):
        raw = (FULL / NAME).read_text(encoding="utf-8").replace('"nbformat": 4,', '"nbformat": 3, "nbformat": 4,', 1)
        found = self.check(tmp_path, release, raw.encode("utf-8"))
        assert found.problems == [] and any("nbformat" in note for note in found.notes)

    def test_many_problems_are_counted_not_all_listed(self, tmp_path, release):
        def break_all(data):
            for each in data["cells"]:
                meta = each.get("metadata", {}).get("nbgrader")
                if meta and meta.get("grade"):
                    meta["grade"] = False

        found = self.check(tmp_path, release, tampered(break_all))
        assert len(found.problems) > precheck.MAX_LISTED
        assert (
            _("{problems}; and {count} more").split("{")[1].split("}")[1].strip("; ") in found.problem
            or str(len(found.problems) - precheck.MAX_LISTED) in found.problem
        )

    def test_a_linked_submission_folder_is_refused(self, tmp_path, release):
        real = tmp_path / "elsewhere"
        real.mkdir()
        shutil.copy(FULL / NAME, real / NAME)
        link = tmp_path / "linked"
        link.symlink_to(real, target_is_directory=True)
        assert precheck.check_submission(link, release).problems


class TestLockedGradebook:
    """Another program holding the gradebook is waited for, then named; it is never the participant's fault."""

    @pytest.fixture
    def course(self, tmp_path):
        require(sandbox.unavailable_reason())
        course = make_working_course(tmp_path / "course", REPO)
        assert cli.main(["generate", "topic08", "--course-dir", str(course)]) == 0
        shutil.copytree(FULL, course / "submitted" / "lan" / "topic08")
        return course

    def hold(self, course: Path, seconds: float) -> subprocess.Popen:
        """Another program (a process of its own, as a database browser is) holds the gradebook for ``seconds``.

        Not a thread of the test: SQLite's locks belong to a process, and the
        grader's workers are forked from this one.
        """
        holder = subprocess.Popen(
            [sys.executable, "-c", LOCKER, str(course / "gradebook.db"), str(seconds)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert holder.stdout.readline().strip() == "locked"
        return holder

    def test_a_lock_released_in_time_is_waited_for(self, course):
        holder = self.hold(course, 8)
        outcomes = cohort.grade_cohort(course, "topic08", cohort.GradeOptions(workers=1, lock_wait=90))
        holder.wait(timeout=60)
        assert [(o.status, o.score) for o in outcomes] == [("graded", FULL_SCORE)]

    def test_a_lock_that_stays_stops_the_run_names_it_and_blames_nobody(self, course, tmp_path):
        holder = self.hold(course, 120)
        try:
            with pytest.raises(run_guard.GradebookLocked) as stopped:
                cohort.grade_cohort(course, "topic08", cohort.GradeOptions(workers=1, lock_wait=6))
        finally:
            holder.kill()
            holder.wait(timeout=60)
        assert str(stopped.value) == grading.locked_gradebook_reason(6)
        assert not any(word in str(stopped.value) for word in STOCK_WORDS)
        assert ledger.gradings(course, "topic08") == {}  # nothing recorded against the participant
        outcomes = cohort.grade_cohort(course, "topic08", cohort.GradeOptions(workers=1))  # the same command again
        assert [(o.status, o.score) for o in outcomes] == [("graded", FULL_SCORE)]
