"""The Excel workbook of grades (``workbook.write_xlsx``) and the CSV's separator (``export.write_csv``).

A trainer with Excel set to Vietnamese opens the workbook and reads it at a
glance: Vietnamese sheet names and headings, statuses as words, scores as
numbers, one row per participant in the overview, and the lists of failed
gradings and of assignments not handed in. Every file is read back with
openpyxl: a participant's text is never a formula, whatever it starts with.

Two courses: one graded for real in the sandbox (``cohort.grade_cohort``), one
whose ledger rows are written directly (no sandbox needed).
"""

from __future__ import annotations

import csv
import shutil
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook

from ocopkit.i18n import _
from ocopkit.trainer import cli, cohort, export, ledger, report, sandbox, workbook
from ocopkit.trainer.course import assignments, make_working_course

from conftest import REPO, require
from hostile_submissions import FULL_SCORE, MAX_SCORE

FULL = REPO / "tests" / "submissions" / "topic08" / "full"
# The participant's columns, first in the long sheet and in the overview.
PERSON_HEADER = (
    "Mã học viên",
    "Họ và tên",
    "Tỉnh, thành phố (từ 01/07/2025)",
    "Tỉnh, thành phố cũ",
    "Loại hình tổ chức",
)
# Names a participant could type that a spreadsheet would run as formulas.
HOSTILE = ['=HYPERLINK("http://x","y")', "+1", "-2+3", "@SUM(A1)", "\t=1+1"]
SHEETS = ["Điểm", "Bảng tổng hợp", "Chấm lỗi", "Chưa nộp"]


def person(id, name, province="Hà Tĩnh", email=""):
    """A roster row as ``ledger.save_participants`` takes it."""
    return SimpleNamespace(
        id=id, name=name, province=province, district="", organisation_type="cooperative", email=email
    )


def table(sheet) -> list[list]:
    """A sheet's values, row by row (the header first)."""
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def records(sheet) -> list[dict]:
    """A sheet's rows keyed by its header."""
    header, *rows = table(sheet)
    return [dict(zip(header, row)) for row in rows]


def no_formula(book) -> None:
    """No cell of any sheet is stored as a formula."""
    formulas = [c.coordinate for sheet in book for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    assert not formulas, formulas


# --------------------------------------------------------------------------- graded for real


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """A course with one full submission, one empty notebook (failed) and roster names that look like formulas."""
    require(sandbox.unavailable_reason())
    course = make_working_course(tmp_path_factory.mktemp("workbook") / "course", REPO)
    assert cli.main(["generate", "topic08", "--course-dir", str(course)]) == 0
    roster = [person("lan", "Nguyễn Thị Lan", "Yên Bái", "lan@example.vn"), person("rong", "Trần Văn Rỗng")]
    roster += [person(f"hv{i}", name, email=f"hv{i}@example.vn") for i, name in enumerate(HOSTILE)]
    ledger.save_participants(course, roster)
    submitted = course / "submitted"
    shutil.copytree(FULL, submitted / "lan" / "topic08")
    (submitted / "rong" / "topic08").mkdir(parents=True)
    (submitted / "rong" / "topic08" / "topic08.ipynb").write_bytes(b"")
    outcomes = cohort.grade_cohort(course, "topic08", cohort.GradeOptions(workers=1))
    path = workbook.write_xlsx(course, tmp_path_factory.mktemp("out") / "sub" / "diem.xlsx")
    return course, {o.participant_id: o for o in outcomes}, load_workbook(path)


@pytest.mark.slow
class TestGradedCourse:
    def test_sheet_names_are_vietnamese(self, graded):
        _course, _outcomes, book = graded
        assert book.sheetnames == SHEETS

    def test_long_sheet_has_vietnamese_headers_and_numbers(self, graded):
        course, _outcomes, book = graded
        sheet = book["Điểm"]
        header = table(sheet)[0]
        assert header == [
            *PERSON_HEADER,
            "Bài tập",
            "Điểm",
            "Điểm tối đa",
            "Trạng thái",
            "Lý do",
        ]
        assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref.startswith("A1:J")
        assert sheet.column_dimensions["B"].width >= len("Nguyễn Thị Lan")
        rows = {(r["Mã học viên"], r["Bài tập"]): r for r in records(sheet)}
        assert len(rows) == len(export.grade_rows(course))
        lan = rows[("lan", "topic08")]
        # Autograded; its written part waits for a trainer, so the score is not final yet.
        assert (lan["Điểm"], lan["Điểm tối đa"], lan["Trạng thái"]) == (
            FULL_SCORE,
            MAX_SCORE,
            "đang chờ giảng viên chấm",
        )
        assert isinstance(lan["Điểm"], (int, float)) and not isinstance(lan["Điểm"], bool)
        assert (lan["Tỉnh, thành phố (từ 01/07/2025)"], lan["Tỉnh, thành phố cũ"]) == ("Lào Cai", "Yên Bái")
        assert rows[("rong", "topic08")]["Trạng thái"] == "chấm lỗi" and rows[("rong", "topic08")]["Lý do"]
        assert rows[("rong", "topic08")]["Điểm"] is None  # a failure is not a zero
        assert rows[("lan", "topic01")]["Trạng thái"] == "chưa nộp"

    def test_overview_has_a_row_per_participant_and_a_column_per_assignment(self, graded):
        course, _outcomes, book = graded
        header, *rows = table(book["Bảng tổng hợp"])
        names = assignments(course)
        assert header == [
            *PERSON_HEADER,
            *(report.topic_label(name) for name in names),
            "Tổng điểm",
            "Tỷ lệ so với điểm tối đa",
        ]
        by_id = {row[0]: dict(zip(header, row)) for row in rows}
        assert set(by_id) == {"lan", "rong", *(f"hv{i}" for i in range(len(HOSTILE)))}
        lan, rong = by_id["lan"], by_id["rong"]
        assert lan["Chủ đề 8"] == FULL_SCORE and lan["Chủ đề 1"] is None
        assert lan["Tổng điểm"] == FULL_SCORE and lan["Tỷ lệ so với điểm tối đa"] == pytest.approx(
            FULL_SCORE / MAX_SCORE
        )
        assert rong["Chủ đề 8"] == "chấm lỗi" and rong["Tổng điểm"] == 0
        percent = book["Bảng tổng hợp"].cell(row=2, column=len(header))
        assert percent.number_format == "0.0%" and percent.data_type == "n"

    def test_failed_and_missing_lists(self, graded):
        course, outcomes, book = graded
        failed = table(book["Chấm lỗi"])
        assert failed == [
            ["Mã học viên", "Họ và tên", "Bài tập", "Lý do"],
            ["rong", "Trần Văn Rỗng", "topic08", outcomes["rong"].reason],
        ]
        missing = records(book["Chưa nộp"])
        assert list(missing[0]) == [
            "Mã học viên",
            "Họ và tên",
            "Tỉnh, thành phố (từ 01/07/2025)",
            "Loại hình tổ chức",
            "Thư điện tử",
            "Bài tập",
        ]
        keys = {(r["Mã học viên"], r["Bài tập"]) for r in missing}
        assert ("lan", "topic08") not in keys and ("rong", "topic08") not in keys
        assert ("lan", "topic01") in keys and ("hv0", "topic08") in keys
        assert len(keys) == len(missing) == 7 * len(assignments(course)) - 2
        hv0 = next(r for r in missing if r["Mã học viên"] == "hv0")
        assert (hv0["Họ và tên"], hv0["Thư điện tử"]) == (HOSTILE[0], "hv0@example.vn")

    def test_names_that_look_like_formulas_are_text(self, graded):
        _course, _outcomes, book = graded
        no_formula(book)
        for sheet in (book["Điểm"], book["Bảng tổng hợp"], book["Chưa nộp"]):
            cells = {c.value: c for row in sheet.iter_rows() for c in row if c.value in HOSTILE}
            assert set(cells) == set(HOSTILE), sheet.title
            assert all(c.data_type == "s" for c in cells.values())

    def test_one_assignment(self, graded, tmp_path):
        course, _outcomes, _book = graded
        book = load_workbook(workbook.write_xlsx(course, tmp_path / "topic08.xlsx", assignment="topic08"))
        assert {r["Bài tập"] for r in records(book["Điểm"])} == {"topic08"}
        assert table(book["Bảng tổng hợp"])[0][5:] == ["Chủ đề 8", "Tổng điểm", "Tỷ lệ so với điểm tối đa"]
        assert len(table(book["Chưa nộp"])) == 1 + len(HOSTILE)


# --------------------------------------------------------------------------- ledger only


@pytest.fixture
def recorded(tmp_path):
    """A course whose ledger has hostile names, ids and reasons, and no grading at all."""
    course = make_working_course(tmp_path / "course", REPO)
    ledger.save_participants(course, [person(name, name, email=name) for name in HOSTILE])
    ledger.record(course, ledger.Grading("topic08", HOSTILE[0], "failed", "-tệp hỏng", None, None))
    ledger.record(course, ledger.Grading("topic08", "=1+1", "failed", "@hết giờ", None, None))
    (course / "submitted" / "moi\x01" / "topic08").mkdir(parents=True)  # handed in, not graded; XML cannot hold \x01
    return course


def test_hostile_ids_names_and_reasons_are_plain_text(recorded, tmp_path):
    book = load_workbook(workbook.write_xlsx(recorded, tmp_path / "diem.xlsx"))
    assert book.sheetnames == SHEETS
    no_formula(book)
    failed = table(book["Chấm lỗi"])[1:]
    assert sorted(failed) == sorted(
        [[HOSTILE[0], HOSTILE[0], "topic08", "-tệp hỏng"], ["=1+1", None, "topic08", "@hết giờ"]]
    )
    texts = [c for sheet in book for row in sheet.iter_rows(min_row=2) for c in row if isinstance(c.value, str)]
    hostile = [c for c in texts if c.value.startswith(("=", "+", "-", "@", "\t"))]
    assert {c.value for c in hostile} >= {*HOSTILE, "=1+1", "-tệp hỏng", "@hết giờ"}
    assert all(c.data_type == "s" and c.quotePrefix for c in hostile)
    overview = {row[0]: row for row in table(book["Bảng tổng hợp"])[1:]}
    assert overview["moi"][5 + assignments(recorded).index("topic08")] == "chưa chấm"
    assert all(row[-1] is None for row in overview.values())  # nothing graded: no share of a maximum of 0


def test_english_headings(recorded, tmp_path, english):
    book = load_workbook(workbook.write_xlsx(recorded, tmp_path / "grades.xlsx"))
    assert book.sheetnames == ["Scores", "Overview", "Grading failed", "Not handed in"]
    assert table(book["Scores"])[0][:2] == ["Participant ID", "Full name"]
    assert {r["Status"] for r in records(book["Scores"])} == {_("failed"), _("missing"), _("ungraded")}


# --------------------------------------------------------------------------- the CSV's separator


def csv_rows() -> list[dict]:
    """Export rows with separators, quotes, hostile text, and negative and fractional numbers."""
    return [
        {
            "participant_id": f"hv{i}",
            "name": name,
            "province": "Lào Cai",
            "former_province": "Yên Bái",
            "organisation_type": "cooperative",
            "assignment": "topic08",
            "score": score,
            "max_score": 12,
            "status": "graded",
            "reason": 'nói "được"; xong',
        }
        for i, (name, score) in enumerate(zip([*HOSTILE, "Hoàng Thị Hoa, HTX Bưởi", "Lê\tVăn"], [7, -2, 10.25] * 3))
    ]


def read(path, delimiter):
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle, delimiter=delimiter))


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_semicolon_and_tab_read_back_as_the_comma_file(tmp_path, delimiter):
    rows = csv_rows()
    comma = read(export.write_csv(rows, tmp_path / "comma.csv"), ",")
    other = export.write_csv(rows, tmp_path / "other.csv", delimiter=delimiter)
    raw = other.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and raw.count(b"\r\n") == len(rows) + 1
    assert read(other, delimiter) == comma
    assert comma[0] == list(export.COLUMNS) and comma[1][6] == "7" and comma[2][6] == "-2"
    assert raw.decode("utf-8-sig").splitlines()[0] == delimiter.join(export.COLUMNS)


def test_the_comma_default_is_unchanged_byte_for_byte(tmp_path):
    rows = csv_rows()
    default = export.write_csv(rows, tmp_path / "a.csv").read_bytes()
    assert export.write_csv(rows, tmp_path / "b.csv", delimiter=",").read_bytes() == default
    lines = default.decode("utf-8-sig").split("\r\n")
    assert lines[0] == ",".join(export.COLUMNS)
    assert lines[1] == (
        'hv0,"\'=HYPERLINK(""http://x"",""y"")",Lào Cai,Yên Bái,cooperative,topic08,7,12,graded,"nói ""được""; xong"'
    )
    assert (
        lines[6]
        == 'hv5,"Hoàng Thị Hoa, HTX Bưởi",Lào Cai,Yên Bái,cooperative,topic08,10.25,12,graded,"nói ""được""; xong"'
    )


@pytest.mark.parametrize("delimiter", ["|", "", ",,", " "])
def test_other_separators_are_refused(tmp_path, delimiter):
    with pytest.raises(ValueError, match="CSV"):
        export.write_csv(csv_rows(), tmp_path / "x.csv", delimiter=delimiter)
    assert not (tmp_path / "x.csv").exists()
