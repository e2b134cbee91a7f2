"""Exports and the report group by the 34 provincial units since 1 July 2025 and keep the former name.

A roster imported with ``ocop roster import`` may give a former (63-unit) or a
current (34-unit) name in any spelling; ``grades.csv`` and ``items.csv`` carry
the current unit in ``province`` and the former unit as the roster gave it in
``former_province``, and the report's tables follow the current map.
"""

from __future__ import annotations

import csv
import html
import re
import unicodedata

import pytest

from ocopkit.i18n import _
from ocopkit.trainer import cli, export, ledger
from ocopkit.trainer.course import make_working_course

from conftest import REPO

ROSTER = (
    "id,name,province,organisation_type,email\n"  # no district column: there is no district level since 2025
    "lan,Nguyễn Thị Lan,Yên Bái,cooperative,\n"
    "mai,Trần Thị Mai,tỉnh Lào Cai,cooperative,\n"
    "hoa,Lê Thị Hoa,Thanh Hoá,enterprise,\n"
    f"binh,Phạm Văn Bình,{unicodedata.normalize('NFD', 'Sóc Trăng')},household,\n"
    "chi,Đỗ Minh Chi,TP. Hồ Chí Minh,manager,\n"
    "an,Vũ An,Huế,manager,\n"
)


@pytest.fixture
def course(tmp_path):
    """A course whose roster was imported with old and new names, and two ledger-only failures."""
    course = make_working_course(tmp_path / "course", REPO)
    roster_file = tmp_path / "roster.csv"
    roster_file.write_text(ROSTER, encoding="utf-8")
    assert cli.main(["roster", "import", str(roster_file), "--course-dir", str(course)]) == 0
    ledger.record(course, ledger.Grading("topic08", "lan", "failed", "tệp notebook bị hỏng", None, None))
    ledger.record(course, ledger.Grading("topic08", "binh", "failed", "hết thời gian", None, None))
    return course


def exported(course, tmp_path):
    out = tmp_path / "grades.csv"
    assert cli.main(["export", "--to", str(out), "--course-dir", str(course), "--assignment", "topic08"]) == 0
    with out.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        return reader.fieldnames, {row["participant_id"]: row for row in reader}


class TestGradesCsv:
    def test_columns_put_the_former_name_beside_the_current_unit(self, course, tmp_path):
        header, _rows = exported(course, tmp_path)
        assert header == list(export.COLUMNS)
        assert header[header.index("province") + 1] == "former_province"
        assert "former_province" in export.ITEM_COLUMNS

    def test_current_unit_and_former_name_of_each(self, course, tmp_path):
        _header, rows = exported(course, tmp_path)
        assert {p: (r["province"], r["former_province"]) for p, r in rows.items()} == {
            "lan": ("Lào Cai", "Yên Bái"),
            "mai": ("Lào Cai", "Lào Cai"),
            "hoa": ("Thanh Hóa", "Thanh Hóa"),
            "binh": ("Cần Thơ", "Sóc Trăng"),
            "chi": ("Thành phố Hồ Chí Minh", "Thành phố Hồ Chí Minh"),
            "an": ("Huế", ""),
        }

    def test_the_ledger_keeps_the_name_as_given(self, course):
        people = ledger.participants(course)
        assert people["lan"]["province"] == "Yên Bái" and people["binh"]["province"] == "Sóc Trăng"
        assert people["lan"]["district"] == ""

    def test_a_province_the_map_does_not_know_is_kept_not_lost(self):
        row = export._row({"province": "Atlantis"}, "x", "topic08", None, None, None)
        assert (row["province"], row["former_province"]) == ("Atlantis", "")


class TestRosterImport:
    def test_bad_names_are_reported_per_row_and_nothing_is_imported(self, tmp_path, capsys):
        course = make_working_course(tmp_path / "course", REPO)
        roster_file = tmp_path / "roster.csv"
        roster_file.write_text(ROSTER + "x1,Xa,Quảng Nghĩa,manager,\nx2,Xb,Atlantis,manager,\n", encoding="utf-8")
        assert cli.main(["roster", "import", str(roster_file), "--course-dir", str(course)]) != 0
        output = capsys.readouterr()
        text = output.out + output.err
        assert "dòng 8" in text and "“Quảng Ngãi”" in text and "dòng 9" in text and "Atlantis" in text
        assert ledger.participants(course) == {}


class TestReport:
    def test_failed_list_shows_both_names(self, course, tmp_path):
        out = tmp_path / "report.html"
        assert cli.main(["report", "--out", str(out), "--course-dir", str(course)]) == 0
        page = html.unescape(out.read_text(encoding="utf-8"))
        failed = page.split(f"<h2>{_('Failed gradings')}")[1].split("<h2>")[0]
        # Id, name, then the current unit and the former one.
        assert re.search(r"<td>lan</td><td>[^<]+</td><td>Lào Cai</td><td>Yên Bái</td>", failed)
        assert "<td>binh</td><td>Phạm Văn Bình</td><td>Cần Thơ</td><td>Sóc Trăng</td>" in failed
        assert f"{_('failed')}: 2" in page
