"""Two machines grade one cohort (``ocop grade --shared``); one is killed midway, nothing is lost or graded twice.

Two copies of the course stand for two machines: each has its own folder,
ledger and sandboxes, and both point at one PostgreSQL gradebook and one
``submitted/`` folder, as the pods of deploy/z2jh/grading-job.yaml do.
"""

import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from ocopkit.trainer import claims, export, ledger, sandbox
from ocopkit.trainer.course import Course, make_working_course

from assignment_support import expected_scores, nbgrader, scored_variants
from conftest import REPO, require
from pg_support import fresh_database

COUNT = 12
OCOP = Path(sys.executable).parent / "ocop"


def variant_of(number: int, variants: list[str]) -> str:
    return variants[number % len(variants)]


def machine(folder: Path, url: str, submitted: Path) -> Path:
    """A course copy whose gradebook and submitted/ are the shared ones."""
    course = make_working_course(folder, REPO)
    with (course / "nbgrader_config.py").open("a") as config:
        config.write(
            f"\nc.CourseDirectory.db_url = {url!r}\nc.CourseDirectory.submitted_directory = {str(submitted)!r}\n"
        )
    nbgrader(course, "generate_assignment", "topic08", "--force")
    return course


def grade(course: Path, **popen):
    command = [str(OCOP), "grade", "topic08", "--shared", "--workers", "1", "--course-dir", str(course)]
    return subprocess.Popen(command, start_new_session=True, text=True, **popen)


def query(url: str, sql: str, args=()):
    import psycopg

    with psycopg.connect(claims.conninfo(url), autocommit=True) as connection:
        return connection.execute(sql, args).fetchall()


def completions_by(url: str, pid: int) -> int:
    import psycopg

    try:
        return query(url, "SELECT count(*) FROM ocop_completions WHERE machine LIKE %s", (f"%:{pid}",))[0][0]
    except psycopg.errors.UndefinedTable:  # no machine has started yet
        return 0


def holds_a_claim(url: str, pid: int) -> bool:
    """Whether the process has a claim's transaction open (its sessions carry its name)."""
    sql = "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE %s AND state = 'idle in transaction'"
    return query(url, sql, (f"%:{pid}",))[0][0] > 0


def wait_for(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting until {what}"
        time.sleep(0.1)


@pytest.fixture
def cohort(postgres_server, tmp_path):
    require(sandbox.unavailable_reason())
    url = fresh_database(postgres_server)
    submitted = tmp_path / "shared" / "submitted"
    expected = expected_scores("topic08")
    variants = scored_variants(expected)
    for number in range(COUNT):
        source = REPO / "tests/submissions/topic08" / variant_of(number, variants)
        shutil.copytree(source, submitted / f"p{number:02d}" / "topic08")
    courses = [machine(tmp_path / name, url, submitted) for name in ("machine-a", "machine-b")]
    scores = {f"p{n:02d}": expected[variant_of(n, variants)]["score"] for n in range(COUNT)}
    return url, courses, scores


def test_two_machines_one_killed_grade_each_submission_once(cohort):
    url, (first, second), expected = cohort
    a = grade(first, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    b = grade(second, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        # Kill A once it has finished a submission and is grading the next one.
        wait_for(lambda: completions_by(url, a.pid) >= 1 and holds_a_claim(url, a.pid), 300, "A held a claim")
        os.killpg(a.pid, signal.SIGKILL)  # as a power cut would: no goodbye to PostgreSQL
        a.wait()
        killed_after = completions_by(url, a.pid)
        out, err = b.communicate(timeout=600)
    finally:
        for process in (a, b):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
    assert b.returncode == 0, err
    done = query(url, "SELECT participant_id, machine FROM ocop_completions WHERE assignment = 'topic08'")
    per_submission = Counter(participant for participant, _machine in done)
    assert per_submission == Counter(dict.fromkeys(expected, 1))  # every submission exactly once, none missing
    by_machine = Counter(name.rsplit(":", 1)[1] for _participant, name in done)
    print(f"{COUNT} submissions, {len(done)} done records; A killed after {killed_after}, by machine {by_machine}")
    assert by_machine[str(a.pid)] == killed_after >= 1 and by_machine[str(b.pid)] >= 1
    assert query(url, "SELECT count(*) FROM ocop_claims WHERE state <> 'done'") == [(0,)]
    with Gradebook(url) as gradebook:
        assert {s["student"]: s["score"] for s in gradebook.submission_dicts("topic08")} == expected
    # B ended with every machine's outcomes in its ledger; A gets them on its next --shared run.
    assert {key[1] for key in ledger.gradings(second, "topic08")} == set(expected)
    again = subprocess.run(
        [str(OCOP), "grade", "topic08", "--shared", "--workers", "1", "--course-dir", str(first)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert again.returncode == 0, again.stderr
    assert query(url, "SELECT count(*) FROM ocop_completions") == [(COUNT,)]  # nothing regraded
    rows = {r["participant_id"]: r for r in export.grade_rows(first, "topic08")}
    assert {p: float(rows[p]["score"]) for p in expected} == expected
    assert {rows[p]["status"] for p in expected} <= {"graded", "awaiting_trainer"}


def test_a_claim_is_skipped_by_others_and_freed_when_its_machine_goes(postgres_server, tmp_path):
    url = fresh_database(postgres_server)
    submitted = tmp_path / "submitted"
    for participant in ("p0", "p1"):
        shutil.copytree(REPO / "tests/submissions/topic08/full", submitted / participant / "topic08")
    course = make_working_course(tmp_path / "course", REPO)
    with (course / "nbgrader_config.py").open("a") as config:
        config.write(f"\nc.CourseDirectory.submitted_directory = {str(submitted)!r}\n")
    api = Course(course).api
    one, two = claims.ClaimBoard(url, "topic08"), claims.ClaimBoard(url, "topic08")
    try:
        assert one.enqueue(api) == two.enqueue(api) == 2  # both machines see both: queued once
        first, second = one.claim(), two.claim()
        assert {first.participant_id, second.participant_id} == {"p0", "p1"}
        assert two.claim() is None  # the other machine's claim is skipped, not waited for
        one.close()  # its machine dies: PostgreSQL rolls its transaction back
        again = two.claim()
        assert (again.participant_id, again.fingerprint) == (first.participant_id, first.fingerprint)
        for claim in (again, second):
            two.finish(claim, ledger.Grading("topic08", claim.participant_id, "graded", "", 10.0, 10.0))
        assert two.pending() == 0 and two.claim() is None
        (submitted / "p1" / "topic08" / "notes.txt").write_text("handed in again")
        assert one_more(url, api) == 1  # the new version of p1 only
        (submitted / "p1" / "topic08" / "notes.txt").write_text("and again")
        assert one_more(url, api) == 1  # the version before it, never graded, is superseded
        book = ledger.Ledger(tmp_path)
        assert two.copy_to(book) == 2 and two.copy_to(book) == 0  # what the ledger has stays
        assert {key[1]: o.score for key, o in book.gradings("topic08").items()} == {"p0": 10.0, "p1": 10.0}
    finally:
        two.close()


def one_more(url: str, api) -> int:
    """What a machine starting now finds pending."""
    board = claims.ClaimBoard(url, "topic08")
    try:
        return board.enqueue(api)
    finally:
        board.close()


def test_shared_needs_a_postgresql_gradebook(tmp_path):
    course = make_working_course(tmp_path / "course", REPO)
    done = subprocess.run(
        [str(OCOP), "grade", "topic08", "--shared", "--course-dir", str(course)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert "PostgreSQL" in done.stderr


def test_shared_refuses_a_regrade_and_an_assignment_the_gradebook_lacks(postgres_server, tmp_path):
    url = fresh_database(postgres_server)
    course = make_working_course(tmp_path / "course", REPO)
    with (course / "nbgrader_config.py").open("a") as config:
        config.write(f"\nc.CourseDirectory.db_url = {url!r}\n")
    command = [str(OCOP), "grade", "topic08", "--shared", "--course-dir", str(course)]
    regrade = subprocess.run([*command, "--force"], capture_output=True, text=True)
    assert regrade.returncode == 2 and "--force" in regrade.stderr
    unreleased = subprocess.run(command, capture_output=True, text=True)
    assert unreleased.returncode == 2 and "generate_assignment topic08" in unreleased.stderr
