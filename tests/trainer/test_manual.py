"""Written answers graded in a spreadsheet: ``ocop manual export`` and ``import``, on SQLite and PostgreSQL.

Three example submissions of topic08 are autograded with nbgrader's own CLI;
the export is read back with openpyxl, two trainers fill split copies, and the
import is checked through nbgrader's Gradebook. Bad rows (points out of range,
an unknown participant, a cell graded twice differently) are refused with
their row numbers, and then nothing at all is written.
"""

from __future__ import annotations

import shutil

import pytest
from nbgrader.api import Gradebook
from openpyxl import load_workbook

from ocopkit.trainer import manual
from ocopkit.trainer.course import Course, make_working_course

from assignment_support import add_submissions, expected_scores, nbgrader
from conftest import REPO
from pg_support import fresh_database

pytestmark = pytest.mark.slow

ASSIGNMENT = "topic08"
CELL = "part5_written_answer"
VARIANTS = ("full", "partial", "raises")
NAMES = {"full": ("Lan", "Nguyễn Thị"), "partial": ("Minh", "Trần Văn")}
HEADERS_VI = [
    "Mã học viên",
    "Họ và tên",
    "Bài tập",
    "Sổ tay (notebook)",
    "Ô",
    "Bài làm của học viên",
    "Điểm tối đa",
    "Thang chấm",
    "Điểm",
    "Nhận xét",
]
# What the two trainers give: participant -> (points, comment).
MARKS = {"full": (2, "=Tốt: chọn đúng nhóm"), "partial": (1.5, "Cần nêu việc cụ thể"), "raises": (0.5, "")}


def build_course(folder, db_url=None):
    """A working course with three topic08 submissions autograded by nbgrader; two participants have names."""
    course = make_working_course(folder, REPO)
    if db_url:
        with (course / "nbgrader_config.py").open("a") as config:
            config.write(f"\nc.CourseDirectory.db_url = {db_url!r}\n")
    nbgrader(course, "generate_assignment", ASSIGNMENT, "--force")
    add_submissions(course, ASSIGNMENT, VARIANTS)
    # The answer of "raises" starts like a formula: the sheet must keep it as text.
    notebook = course / "submitted" / "raises" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    notebook.write_text(
        notebook.read_text(encoding="utf-8").replace('"Tôi chọn nhóm', '"=HYPERLINK(1) Tôi chọn nhóm', 1),
        encoding="utf-8",
    )
    with gradebook_of(course) as gradebook:
        for student, (first, last) in NAMES.items():
            gradebook.update_or_create_student(student, first_name=first, last_name=last)
    nbgrader(course, "autograde", ASSIGNMENT, "--force")
    return course


def gradebook_of(course) -> Gradebook:
    return Gradebook(Course(course).api.coursedir.db_url)


def state(course) -> dict:
    """Per participant: the submission's score, whether it waits for a trainer, and the written cell's comment."""
    with gradebook_of(course) as gradebook:
        found = {}
        for variant in VARIANTS:
            submission = gradebook.find_submission(ASSIGNMENT, variant)
            comment = gradebook.find_comment(CELL, ASSIGNMENT, ASSIGNMENT, variant).manual_comment
            found[variant] = (submission.score, submission.needs_manual_grade, comment)
        return found


def rows_of(path) -> list[list]:
    return [list(row) for row in load_workbook(path).worksheets[0].iter_rows(values_only=True)]


def fill(source, target, marks: dict, *, column_points=9, column_comment=10):
    """A trainer's copy: points and comments written into the rows of the given participants."""
    shutil.copy(source, target)
    workbook = load_workbook(target)
    sheet = workbook.worksheets[0]
    for row in range(2, sheet.max_row + 1):
        participant = sheet.cell(row, 1).value
        if participant in marks:
            points, comment = marks[participant]
            sheet.cell(row, column_points).value = points
            if comment:
                sheet.cell(row, column_comment).value = comment
                sheet.cell(row, column_comment).data_type = "s"
    workbook.save(target)
    return target


def row_number(path, participant) -> int:
    return next(n for n, row in enumerate(rows_of(path), start=1) if row[0] == participant)


def check_refused(course, paths, *expected):
    """The import is refused naming each (row, text) expected, and the gradebook stays as it was."""
    before = state(course)
    with pytest.raises(manual.ManualGradesError) as refused:
        manual.import_scores(course, ASSIGNMENT, paths)
    problems = refused.value.problems
    for row, text in expected:
        assert any(r == row and text in message for r, message in problems), (row, text, problems)
    assert isinstance(refused.value, ValueError) and "chưa ghi gì vào sổ điểm" in str(refused.value)
    assert state(course) == before
    return problems


def check_export(course, path):
    """The exported file, read back: headers, one row per submission, the answers, no solution, no formula."""
    assert manual.export_written(course, ASSIGNMENT, path) == path
    workbook = load_workbook(path)
    sheet, instructions = workbook.worksheets
    rows = rows_of(path)
    assert rows[0] == HEADERS_VI
    assert sheet.freeze_panes == "A2" and sheet.cell(2, 6).alignment.wrap_text
    assert [row[0] for row in rows[1:]] == sorted(VARIANTS)
    by_id = {row[0]: row for row in rows[1:]}
    assert by_id["full"][1] == "Nguyễn Thị Lan" and by_id["raises"][1] in ("", None)
    for variant, row in by_id.items():
        assert row[2:5] == [ASSIGNMENT, ASSIGNMENT, CELL] and row[6] == 2
        assert "Câu chuyện sản phẩm" in row[5], variant
        assert row[7] == manual.rubric_text(ASSIGNMENT)  # the trainers' rubric, never the model answer
        assert row[7].startswith("# Chủ đề 8 — Ghi chú cho giảng viên")
        assert row[8] is None and row[9] is None
    assert by_id["raises"][5].startswith("=HYPERLINK(1)")
    text = "\n".join(str(v) for ws in workbook.worksheets for r in ws.iter_rows(values_only=True) for v in r if v)
    for trace in ("BEGIN SOLUTION", "Ví dụ một câu trả lời tốt", "BEGIN HIDDEN TESTS", "assert ", "checks."):
        assert trace not in text, trace
    formulas = [c.coordinate for ws in workbook.worksheets for r in ws.iter_rows() for c in r if c.data_type == "f"]
    assert formulas == []
    instruction_text = "\n".join(str(r[0]) for r in instructions.iter_rows(values_only=True) if r[0])
    assert instructions.title == "Hướng dẫn" and "bản sao" in instruction_text
    assert f"{ASSIGNMENT} / {CELL}: 2 điểm" in instruction_text


def check_refusals(course, exported, tmp_path):
    """Out-of-range points, an unknown participant and a conflicting double grade: refused, nothing written."""
    full_row, partial_row = row_number(exported, "full"), row_number(exported, "partial")
    too_many = fill(exported, tmp_path / "too-many.xlsx", {"full": (3, "ok"), "partial": (-1, "")})
    check_refused(course, [too_many], (full_row, "từ 0 đến 2"), (partial_row, "từ 0 đến 2"))

    stranger = tmp_path / "stranger.xlsx"
    fill(exported, stranger, {"full": (2, "")})
    workbook = load_workbook(stranger)
    workbook.worksheets[0].cell(partial_row, 1).value = "nobody"
    workbook.worksheets[0].cell(partial_row, 9).value = 1
    workbook.save(stranger)
    check_refused(course, [stranger], (partial_row, "nobody"))

    first = fill(exported, tmp_path / "first.xlsx", {"full": (2, "")})
    second = fill(exported, tmp_path / "second.xlsx", {"full": (1, "")})
    problems = check_refused(course, [first, second], (full_row, "first.xlsx"))
    assert any("second.xlsx" in message and "first.xlsx" in message for _row, message in problems)


def check_round_trip(course, exported, tmp_path):
    """Two trainers split the rows; the import writes every score and comment through nbgrader."""
    before = state(course)
    autograded = expected_scores(ASSIGNMENT)
    assert {v: before[v][:2] for v in VARIANTS} == {v: (autograded[v]["score"], True) for v in VARIANTS}
    first = fill(exported, tmp_path / "trainer-a.xlsx", {k: MARKS[k] for k in ("full", "partial")})
    # The second trainer also graded "partial", with the same points: no conflict.
    second = fill(exported, tmp_path / "trainer-b.xlsx", {"raises": MARKS["raises"], "partial": (1.5, "")})
    result = manual.import_scores(course, ASSIGNMENT, [first, second])
    assert (result.scores, result.comments, result.skipped) == (3, 2, 2)
    after = state(course)
    for variant, (points, comment) in MARKS.items():
        assert after[variant] == (autograded[variant]["score"] + points, False, comment or None), variant
    with gradebook_of(course) as gradebook:
        grade = gradebook.find_grade(CELL, ASSIGNMENT, ASSIGNMENT, "full")
        assert (grade.manual_score, grade.needs_manual_grade, grade.score) == (2, False, 2)


@pytest.fixture(scope="module")
def sqlite_course(tmp_path_factory):
    return build_course(tmp_path_factory.mktemp("manual") / "course")


def test_export_import_round_trip_on_sqlite(sqlite_course, tmp_path):
    exported = tmp_path / "written.xlsx"
    check_export(sqlite_course, exported)
    check_refusals(sqlite_course, exported, tmp_path)
    check_round_trip(sqlite_course, exported, tmp_path)


def test_export_import_round_trip_on_postgres(postgres_server, tmp_path):
    url = fresh_database(postgres_server)
    course = build_course(tmp_path / "course", url)
    assert not (course / "gradebook.db").exists()
    exported = tmp_path / "written.xlsx"
    check_export(course, exported)
    check_refusals(course, exported, tmp_path)
    check_round_trip(course, exported, tmp_path)


def test_rows_left_empty_are_skipped_and_a_lone_comment_is_refused(sqlite_course, tmp_path):
    exported = manual.export_written(sqlite_course, ASSIGNMENT, tmp_path / "written.xlsx")
    result_before = state(sqlite_course)
    workbook = load_workbook(exported)
    workbook.worksheets[0].cell(2, 10).value = "a comment, no points"
    workbook.save(exported)
    check_refused(sqlite_course, exported, (2, "chưa có điểm"))
    assert state(sqlite_course) == result_before


def test_a_file_that_is_not_a_workbook_is_refused(sqlite_course, tmp_path):
    (tmp_path / "notes.xlsx").write_text("not a spreadsheet")
    check_refused(sqlite_course, [tmp_path / "notes.xlsx"], (0, "notes.xlsx"))


def test_an_assignment_not_graded_yet_is_refused(sqlite_course, tmp_path):
    with pytest.raises(manual.ManualGradesError, match="ocop grade"):
        manual.export_written(sqlite_course, "topic04", tmp_path / "none.xlsx")


def test_rubric_comes_from_the_trainers_notes_and_never_from_the_solution():
    text = manual.rubric_text("topic04")
    assert text.startswith("# Chủ đề 4 — Ghi chú cho giảng viên") and "BEGIN SOLUTION" not in text
    assert manual.rubric_text("topic08").startswith("# Chủ đề 8 — Ghi chú cho giảng viên")
    assert "docs/trainers" in manual.rubric_text("topic99")  # no rubric file: a note, never the model answer


def test_points_written_as_text_with_a_comma_are_numbers():
    assert manual._points("1,5") == 1.5 and manual._points(2) == 2.0
    assert manual._points("hai") is None and manual._points(True) is None and manual._points(float("nan")) is None
