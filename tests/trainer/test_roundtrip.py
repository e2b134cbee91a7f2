"""The nbgrader round trip on a PostgreSQL gradebook; each assignment's own round trip is in tests/assignments/."""

from nbgrader.api import Gradebook

from ocopkit.trainer.course import assignments, make_working_course

from assignment_support import add_submissions, expected_scores, nbgrader, scored_variants
from conftest import REPO
from pg_support import fresh_database

ASSIGNMENTS = assignments(REPO)


def test_every_assignment_has_its_own_test_module():
    """Each assignment is tested by tests/assignments/test_<name>.py (see tests/assignment_support.py)."""
    missing = [name for name in ASSIGNMENTS if not (REPO / "tests" / "assignments" / f"test_{name}.py").exists()]
    assert not missing, f"assignments without a test module in tests/assignments/: {missing}"


class TestPostgresGradebook:
    """The same round trip with the gradebook on a real PostgreSQL server."""

    @staticmethod
    def course_on(url, folder):
        course = make_working_course(folder, REPO)
        with (course / "nbgrader_config.py").open("a") as config:
            config.write(f"\nc.CourseDirectory.db_url = {url!r}\n")
        nbgrader(course, "generate_assignment", "topic08", "--force")
        expected = expected_scores("topic08")
        variants = scored_variants(expected)
        add_submissions(course, "topic08", variants)
        return course, {v: expected[v]["score"] for v in variants}

    def test_stock_autograde_on_postgres(self, postgres_server, tmp_path):
        url = fresh_database(postgres_server)
        course, expected = self.course_on(url, tmp_path / "course")
        nbgrader(course, "autograde", "topic08", "--force")
        with Gradebook(url) as gradebook:
            assert {s["student"]: s["score"] for s in gradebook.submission_dicts("topic08")} == expected
        assert not (course / "gradebook.db").exists()

    def test_ocop_grade_and_export_on_postgres(self, postgres_server, tmp_path):
        from ocopkit.trainer import cohort, export, sandbox

        from conftest import require

        require(sandbox.unavailable_reason())
        url = fresh_database(postgres_server)
        course, expected = self.course_on(url, tmp_path / "course")
        outcomes = cohort.grade_cohort(course, "topic08", cohort.GradeOptions(workers=2))
        assert {o.participant_id: o.score for o in outcomes} == expected
        rows = {r["participant_id"]: r for r in export.grade_rows(course, "topic08")}
        assert {p: float(rows[p]["score"]) for p in expected} == expected
