"""Tests of ocopkit.trainer.roster: every bad row reported, nothing half-imported."""

import pytest
from nbgrader.api import Gradebook

from ocopkit.trainer import roster
from ocopkit.trainer.demo import sample_roster_path

HEADER = "id,name,province,district,organisation_type,email\n"


def write(tmp_path, text, encoding="utf-8"):
    path = tmp_path / "roster.csv"
    path.write_bytes(text.encode(encoding))
    return path


class TestRead:
    def test_sample_roster_keeps_diacritics_and_commas(self):
        people = {p.id: p for p in roster.read_roster(sample_roster_path())}
        assert people["hoa"].name == "Hoàng Thị Hoa, HTX Bưởi"
        assert people["lan"].first_and_last_name == ("Lan", "Nguyễn Thị")

    def test_excel_bom_is_accepted(self, tmp_path):
        path = write(tmp_path, HEADER + "an,Lê An,Hà Nội,,manager,\n", "utf-8-sig")
        assert roster.read_roster(path)[0].id == "an"

    def test_every_bad_row_is_reported_with_its_line(self, tmp_path):
        path = write(
            tmp_path,
            HEADER
            + "an,Lê An,Hà Nội,,manager,\n"
            + "an,Lê An Hai,Hà Nội,,manager,\n"
            + "Bad Id,Tên,Hà Nội,,manager,\n"
            + "binh,Bình,Atlantis,,manager,\n"
            + "chi,,Huế,,farmer,chi@\n",
        )
        with pytest.raises(roster.RosterError) as caught:
            roster.read_roster(path)
        lines = sorted({line for line, _m in caught.value.problems})
        assert lines == [3, 4, 5, 6]
        text = str(caught.value)
        assert "dòng 3" in text and "Atlantis" in text and "farmer" in text and "chi@" in text

    def test_missing_column(self, tmp_path):
        with pytest.raises(roster.RosterError, match="email"):
            roster.read_roster(write(tmp_path, "id,name,province,district,organisation_type\n"))

    def test_not_utf8(self, tmp_path):
        with pytest.raises(roster.RosterError, match="UTF-8"):
            roster.read_roster(write(tmp_path, HEADER + "an,Lê An,Cà Mau,,manager,\n", "latin-1"))


class TestRegister:
    def test_adds_to_nbgraders_gradebook(self, tmp_path):
        people = roster.read_roster(sample_roster_path())
        with Gradebook(f"sqlite:///{tmp_path / 'gb.db'}") as gradebook:
            assert roster.register(people, gradebook) == len(people)
            student = gradebook.find_student("hoa")
            assert (student.first_name, student.last_name) == ("Bưởi", "Hoàng Thị Hoa, HTX")

    def test_nothing_half_imported_on_error(self, tmp_path):
        people = roster.read_roster(sample_roster_path())
        broken = people[:2] + [roster.Participant(None, "x", "Huế", "", "manager", "")]
        with Gradebook(f"sqlite:///{tmp_path / 'gb.db'}") as gradebook:
            with pytest.raises(Exception):
                roster.register(broken, gradebook)
            assert gradebook.students == []
