"""Tests of ocopkit.trainer.roster: every bad row reported, nothing half-imported."""

import unicodedata

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


class TestProvinces:
    def test_former_and_current_names_are_kept_as_given_and_grouped_by_2025(self, tmp_path):
        path = write(
            tmp_path,
            HEADER
            + "an,Lê An,Sóc Trăng,Mỹ Xuyên,manager,\n"
            + "binh,Lê Bình,Cần Thơ,,manager,\n"
            + "chi,Lê Chi,Huế,,manager,\n",
        )
        people = {p.id: p for p in roster.read_roster(path)}
        assert (people["an"].province, people["an"].province_2025, people["an"].former_province) == (
            "Sóc Trăng",
            "Cần Thơ",
            "Sóc Trăng",
        )
        assert people["an"].district == "Mỹ Xuyên"
        assert people["binh"].province_2025 == "Cần Thơ"
        assert (people["chi"].province_2025, people["chi"].former_province) == ("Huế", "")

    @pytest.mark.parametrize(
        "typed",
        [
            "Thanh Hoá",
            unicodedata.normalize("NFD", "Thanh Hóa"),
            "tỉnh Thanh Hóa",
            "Tỉnh  THANH HOÁ",
            "Thanh Hoa",
        ],
    )
    def test_spellings_are_stored_as_the_dataset_spells_them(self, tmp_path, typed):
        path = write(tmp_path, HEADER + f"an,Lê An,{typed},,manager,\n")
        assert roster.read_roster(path)[0].province == "Thanh Hóa"

    def test_the_2021_names_of_the_old_list_still_work(self, tmp_path):
        path = write(tmp_path, HEADER + "an,Lê An,TP. Hồ Chí Minh,,manager,\nbinh,Bình,Thừa Thiên Huế,,manager,\n")
        people = roster.read_roster(path)
        assert [p.province_2025 for p in people] == ["Thành phố Hồ Chí Minh", "Huế"]
        assert people[1].former_province == "Thừa Thiên Huế"

    def test_district_column_is_optional(self, tmp_path):
        path = write(tmp_path, "id,name,province,organisation_type,email\nan,Lê An,Yên Bái,cooperative,\n")
        person = roster.read_roster(path)[0]
        assert (person.district, person.province_2025) == ("", "Lào Cai")

    def test_unknown_provinces_are_reported_per_row_with_the_nearest_names(self, tmp_path):
        path = write(
            tmp_path,
            HEADER + "an,Lê An,Quảng Nghĩa,,manager,\nbinh,Bình,Yên Bái,,manager,\nchi,Chi,Bắc Cạn,,manager,\n",
        )
        with pytest.raises(roster.RosterError) as caught:
            roster.read_roster(path)
        (line2, first), (line4, second) = caught.value.problems
        assert (line2, line4) == (2, 4)
        assert "“Quảng Nghĩa”" in first and "“Quảng Ngãi”" in first and "Hãy sửa" in first
        assert "“Bắc Kạn”" in second
        assert "nothing was imported" not in str(caught.value)  # the whole message is Vietnamese

    def test_the_lists_of_units(self):
        assert len(roster.PROVINCES) == 63 and len(roster.PROVINCES_2025) == 34


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
