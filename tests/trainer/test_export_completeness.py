"""No failure vanishes: everyone the ledger, the roster, the gradebook or ``submitted/`` knows is in every export.

A participant on no roster whose notebook the kit rejects before nbgrader runs
(an empty file, damaged JSON, no notebook at all) never reaches nbgrader's
gradebook; the ledger alone records the failure. They must still be a
``failed`` row, with the reason, in :func:`ocopkit.trainer.export.grade_rows`,
``ocop export`` and the failed list of ``ocop report``.

Two courses: one graded for real in the sandbox (``cohort.grade_cohort``), one
whose ledger rows are written directly, for the cases grading cannot reach.
"""

from __future__ import annotations

import csv
import html
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest

from ocopkit.i18n import _
from ocopkit.trainer import cli, cohort, export, ledger, sandbox
from ocopkit.trainer.course import assignments, make_working_course, nbgrader_api

from conftest import (
    REPO,
    require,
)
from hostile_submissions import FULL_SCORE

FULL = REPO / "tests" / "submissions" / "topic08" / "full"


def exported(course: Path, tmp_path: Path, *args: str) -> dict:
    """``ocop export`` read back: rows keyed by (participant, assignment)."""
    out = tmp_path / "grades.csv"
    assert cli.main(["export", "--to", str(out), "--course-dir", str(course), *args]) == 0
    with out.open(encoding="utf-8-sig", newline="") as handle:
        return {(row["participant_id"], row["assignment"]): row for row in csv.DictReader(handle)}


def report_text(course: Path, tmp_path: Path) -> str:
    """``ocop report`` of the course, as the text a reader sees (tags out, entities decoded)."""
    out = tmp_path / "report.html"
    assert cli.main(["report", "--out", str(out), "--course-dir", str(course)]) == 0
    return html.unescape(out.read_text(encoding="utf-8"))


def section(page: str, heading: str) -> str:
    """The part of the report after a heading, up to the next one."""
    return page.split(f"<h2>{heading}")[1].split("<h2>")[0]


def failed_list(page: str) -> str:
    """The report's table of failed gradings."""
    return section(page, _("Failed gradings"))


# --------------------------------------------------------------------------- graded for real


REJECTED = {"rong": "empty", "hong": "damaged", "thieu": "no notebook"}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """A course with one participant on the roster and three strangers whose notebooks are rejected."""
    require(sandbox.unavailable_reason())
    course = make_working_course(tmp_path_factory.mktemp("complete") / "course", REPO)
    assert cli.main(["generate", "topic08", "--course-dir", str(course)]) == 0
    ledger.save_participants(
        course,
        [
            SimpleNamespace(
                id="lan",
                name="Nguyễn Thị Lan",
                province="Hà Tĩnh",
                district="",
                organisation_type="cooperative",
                email="",
            )
        ],
    )
    submitted = course / "submitted"
    shutil.copytree(FULL, submitted / "lan" / "topic08")
    for participant in REJECTED:
        (submitted / participant / "topic08").mkdir(parents=True)
    (submitted / "rong" / "topic08" / "topic08.ipynb").write_bytes(b"")
    damaged = (FULL / "topic08.ipynb").read_text(encoding="utf-8")
    (submitted / "hong" / "topic08" / "topic08.ipynb").write_text(damaged[: len(damaged) // 2], encoding="utf-8")
    (submitted / "thieu" / "topic08" / "bai-lam.txt").write_text("quên nộp notebook", encoding="utf-8")
    outcomes = cohort.grade_cohort(course, "topic08", cohort.GradeOptions(workers=1))
    return course, {o.participant_id: o for o in outcomes}


@pytest.mark.slow
class TestRejectedBeforeNbgrader:
    def test_the_ledger_has_them_failed_and_the_gradebook_does_not(self, graded):
        course, outcomes = graded
        assert outcomes["lan"].status == "graded" and outcomes["lan"].score == FULL_SCORE
        assert {p: outcomes[p].status for p in REJECTED} == dict.fromkeys(REJECTED, "failed")
        gradebook = nbgrader_api(course).gradebook
        try:
            assert {student.id for student in gradebook.students} == {"lan"}  # nbgrader never saw the others
        finally:
            gradebook.close()

    def test_grade_rows_name_each_with_its_reason(self, graded):
        course, outcomes = graded
        rows = {r["participant_id"]: r for r in export.grade_rows(course, "topic08")}
        assert set(rows) == {"lan", *REJECTED}
        for participant in REJECTED:
            assert (rows[participant]["status"], rows[participant]["reason"]) == (
                "failed",
                outcomes[participant].reason,
            )
            assert rows[participant]["score"] == ""  # a failure is not a zero
        assert "JSON" in rows["hong"]["reason"] and "topic08.ipynb" in rows["thieu"]["reason"]

    def test_every_assignment_of_the_export_has_a_row_for_each(self, graded, tmp_path):
        course, _outcomes = graded
        rows = exported(course, tmp_path)
        for assignment in assignments(course):
            for participant in ("lan", *REJECTED):
                assert (participant, assignment) in rows, (participant, assignment)
        assert rows[("rong", "topic08")]["status"] == "failed"
        assert rows[("rong", "topic01")]["status"] == "missing"
        only = exported(course, tmp_path, "--assignment", "topic08")
        assert {p for p, _a in only} == {"lan", *REJECTED}

    def test_items_keep_the_graded_only(self, graded, tmp_path):
        course, _outcomes = graded
        out = tmp_path / "items.csv"
        assert cli.main(["export", "--items", "--to", str(out), "--course-dir", str(course)]) == 0
        with out.open(encoding="utf-8-sig", newline="") as handle:
            assert {row["participant_id"] for row in csv.DictReader(handle)} == {"lan"}

    def test_the_report_lists_each_failure_with_its_reason(self, graded, tmp_path):
        course, outcomes = graded
        failures = failed_list(report_text(course, tmp_path))
        for participant in REJECTED:
            assert f"<td>{participant}</td>" in failures and outcomes[participant].reason in failures


# --------------------------------------------------------------------------- ledger only


@pytest.fixture
def recorded(tmp_path):
    """A course whose ledger and folders know participants that nothing else does."""
    course = make_working_course(tmp_path / "course", REPO)
    ledger.save_participants(
        course,
        [
            SimpleNamespace(
                id="lan",
                name="Nguyễn Thị Lan",
                province="Yên Bái",
                district="",
                organisation_type="cooperative",
                email="",
            )
        ],
    )
    ledger.record(course, ledger.Grading("topic08", "khach", "failed", "tệp notebook bị hỏng", None, None))
    ledger.record(course, ledger.Grading("topic01", "cu", "failed", "hết thời gian", None, None))
    (course / "submitted" / "moi" / "topic08").mkdir(parents=True)  # handed in, never graded
    (course / "submitted" / "vang").mkdir(parents=True)  # a folder and nothing in it
    return course


def test_ledger_only_participants_are_in_every_row_set(recorded, tmp_path):
    rows = exported(recorded, tmp_path)
    people = {"lan", "khach", "cu", "moi", "vang"}
    assert {p for p, _a in rows} == people
    assert len(rows) == len(people) * len(assignments(recorded))
    assert (rows[("khach", "topic08")]["status"], rows[("khach", "topic08")]["reason"]) == (
        "failed",
        "tệp notebook bị hỏng",
    )
    assert rows[("cu", "topic01")]["status"] == "failed" and rows[("cu", "topic08")]["status"] == "missing"
    assert rows[("moi", "topic08")]["status"] == "ungraded" and "ocop grade" in rows[("moi", "topic08")]["reason"]
    assert rows[("vang", "topic08")]["status"] == "missing"


def test_report_counts_and_lists_them(recorded, tmp_path):
    page = report_text(recorded, tmp_path)
    assert f"{_('participants')}: 5" in page
    assert f"{_('ungraded')}: 1" in page and f"{_('failed')}: 2" in page
    failures = failed_list(page)
    assert "<td>khach</td>" in failures and "tệp notebook bị hỏng" in failures
    assert "<td>cu</td>" in failures and "hết thời gian" in failures
    assert "<td>moi</td>" in section(page, _("Handed in, not graded yet")) and "<td>moi</td>" not in failures


def test_lateness_reads_nbgraders_datetimes_and_older_text():
    """nbgrader's submission dicts hold a datetime: an assignment with a due date must still export."""
    from datetime import datetime

    due = datetime(2026, 12, 1, 17, 0)
    assert export._late({"timestamp": datetime(2026, 12, 1, 17, 1)}, due)
    assert not export._late({"timestamp": "2026-12-01 16:59:00"}, due)
    assert not export._late({"timestamp": None}, due)
