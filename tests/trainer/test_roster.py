"""Tests of ocopkit.trainer.roster: every bad row reported, nothing half-imported."""

import codecs
import types
import unicodedata

import pytest
from nbgrader.api import Gradebook

from ocopkit.trainer import cli, roster, table_files
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

    def test_latin1_letters_read_as_windows_1258(self, tmp_path):
        # Behaviour changed on purpose: bytes that are not UTF-8 are read as Windows-1258, which
        # writes "ê" and "à" as Latin-1 does.
        found = roster.read_roster_file(write(tmp_path, HEADER + "an,Lê An,Cà Mau,,manager,\n", "latin-1"))
        assert (found.encoding, found.participants[0].name) == ("cp1258", "Lê An")

    def test_neither_utf8_nor_windows_1258(self, tmp_path):
        path = tmp_path / "roster.csv"
        path.write_bytes(HEADER.encode() + b"an,L\x81 An,C\xe0 Mau,,manager,\n")
        with pytest.raises(roster.RosterError, match="UTF-8") as caught:
            roster.read_roster(path)
        assert caught.value.problems[0][0] == 2
        assert "không phải văn bản" in str(caught.value)

    def test_empty_file(self, tmp_path):
        with pytest.raises(roster.RosterError, match="tệp trống"):
            roster.read_roster(write(tmp_path, "\n\n"))


class TestTrainersFiles:
    """Files as trainers' spreadsheets save them, written byte for byte."""

    def test_semicolons_in_windows_1258_with_vietnamese_types(self, tmp_path):
        text = (
            "id;name;province;district;organisation_type;email\r\n"
            "lan;Nguyễn Thị Lan;Hà Tĩnh;Hương Khê;Hợp tác xã;lan@example.vn\r\n"
            "hung;Trần Văn Hùng;Bắc Kạn;;Tổ hợp tác;\r\n"
            "tuyet;Phạm Thị Tuyết;Quảng Ngãi;;Hộ kinh doanh;\r\n"
        )
        data = table_files.encode_cp1258(text)
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")
        assert b"\xde" in data  # the tilde of "Tĩnh" written as a combining mark, as Windows does
        path = tmp_path / "roster.csv"
        path.write_bytes(data)
        found = roster.read_roster_file(path)
        assert (found.encoding, found.delimiter) == ("cp1258", ";")
        people = {p.id: p for p in found.participants}
        assert people["lan"].name == "Nguyễn Thị Lan" and unicodedata.is_normalized("NFC", people["lan"].name)
        assert (people["lan"].province, people["lan"].district) == ("Hà Tĩnh", "Hương Khê")
        assert [p.organisation_type for p in found.participants] == ["cooperative", "cooperative group", "household"]

    @pytest.mark.parametrize("codec, expected", [("utf-16-le", "utf-16-le"), ("utf-16-be", "utf-16-be")])
    def test_utf16_with_bom_and_tabs(self, tmp_path, codec, expected):
        bom = codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE
        text = "id\tname\tprovince\torganisation_type\temail\nan\tLê Văn An\tĐắk Lắk\tDoanh nghiệp\t\n"
        path = tmp_path / "roster.txt"
        path.write_bytes(bom + text.encode(codec))
        found = roster.read_roster_file(path)
        assert (found.encoding, found.delimiter) == (expected, "\t")
        person = found.participants[0]
        assert (person.name, person.province, person.organisation_type) == ("Lê Văn An", "Đắk Lắk", "enterprise")

    def test_utf8_bom_with_commas(self, tmp_path):
        path = write(tmp_path, HEADER + 'hoa,"Hoàng Thị Hoa, HTX Bưởi",Hà Nội,,HTX,\n', "utf-8-sig")
        found = roster.read_roster_file(path)
        assert (found.encoding, found.delimiter) == ("utf-8-sig", ",")
        assert found.participants[0].name == "Hoàng Thị Hoa, HTX Bưởi"

    def test_true_line_numbers_after_blank_lines_and_a_multiline_name(self, tmp_path):
        text = (
            "\n"  # line 1: blank, the header is on line 2
            + HEADER  # 2
            + "an,Lê An,Hà Nội,,manager,\n"  # 3
            + "\n"  # 4
            + 'binh,"Lê\nBình",Atlantis,,manager,\n'  # 5–6
            + "\r\n"  # 7
            + "chi,Chi,Huế,,farmer,\n"  # 8
        )
        with pytest.raises(roster.RosterError) as caught:
            roster.read_roster(write(tmp_path, text))
        assert [line for line, _m in caught.value.problems] == [5, 8]
        assert "dòng 5" in str(caught.value) and "dòng 8" in str(caught.value)

    def test_missing_column_names_the_header_line(self, tmp_path):
        with pytest.raises(roster.RosterError) as caught:
            roster.read_roster(write(tmp_path, "\n\nid;name;province\n"))
        assert caught.value.problems[0][0] == 3 and "organisation_type" in caught.value.problems[0][1]
        assert caught.value.delimiter == ";"


class TestOrganisationTypes:
    @pytest.mark.parametrize(
        "typed, code",
        [
            ("Hợp tác xã", "cooperative"),
            ("hop tac xa", "cooperative"),
            ("HỢP TÁC XÃ", "cooperative"),
            (unicodedata.normalize("NFD", "Hợp tác xã"), "cooperative"),
            ("HTX", "cooperative"),
            ("cooperative", "cooperative"),
            ("Doanh nghiệp", "enterprise"),
            ("ENTERPRISE", "enterprise"),
            ("Tổ hợp tác", "cooperative group"),
            ("to hop tac", "cooperative group"),
            ("Cooperative Group", "cooperative group"),
            ("Hộ kinh doanh", "household"),
            ("hộ gia đình", "household"),
            ("Ho san xuat", "household"),
            ("Cán bộ quản lý", "manager"),
            ("cán bộ", "manager"),
        ],
    )
    def test_vietnamese_and_english_are_stored_as_the_code(self, tmp_path, typed, code):
        path = write(tmp_path, HEADER + f"an,Lê An,Hà Nội,,{typed},\n")
        assert roster.read_roster(path)[0].organisation_type == code

    def test_unknown_type_lists_the_vietnamese_words(self, tmp_path):
        with pytest.raises(roster.RosterError) as caught:
            roster.read_roster(write(tmp_path, HEADER + "an,Lê An,Hà Nội,,nông dân,\n"))
        ((line, message),) = caught.value.problems
        assert line == 2 and "nông dân" in message and "không hợp lệ" in message
        for word in ("hợp tác xã", "doanh nghiệp", "tổ hợp tác", "hộ kinh doanh", "cán bộ quản lý"):
            assert word in message

    def test_unknown_type_in_english(self, tmp_path, english):
        with pytest.raises(roster.RosterError, match="is unknown: write one of"):
            roster.read_roster(write(tmp_path, HEADER + "an,Lê An,Hà Nội,,farmer,\n"))


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

    def test_without_tone_marks(self, tmp_path):
        person = roster.read_roster(write(tmp_path, HEADER + "an,Le An,Ha Tinh,,cooperative,\n"))[0]
        assert (person.province, person.province_2025) == ("Hà Tĩnh", "Hà Tĩnh")

    def test_a_misspelling_gets_the_nearest_province(self, tmp_path):
        with pytest.raises(roster.RosterError) as caught:
            roster.read_roster(write(tmp_path, HEADER + "an,Le An,Ha Tihn,,cooperative,\n"))
        assert "Có phải là “Hà Tĩnh”" in caught.value.problems[0][1]

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


class TestCommand:
    def test_import_says_how_the_file_was_read(self, tmp_path, capsys):
        # A bad row stops the import before the course is opened, so no course is needed here.
        path = tmp_path / "roster.csv"
        path.write_bytes(
            table_files.encode_cp1258("id;name;province;organisation_type;email\nan;Lê An;Huế;nông dân;\n")
        )
        assert cli.cmd_roster_import(types.SimpleNamespace(file=path, course=None)) == 1
        err = capsys.readouterr().err
        assert "Đã đọc tệp theo bảng mã Windows-1258, các cột ngăn cách bằng dấu chấm phẩy (;)." in err
        assert "dòng 2" in err
