"""Tests of ocopkit.provinces: the 63 former units and the 34 since 1 July 2025, in every spelling."""

import csv
import unicodedata

import pytest

from ocopkit import datasets, provinces

# The 23 merged units and what formed them, typed from shared/domain/criteria-2023-2026/README.md §5.1,
# independently of the CSV, so a wrong row in the dataset fails here.
MERGED = {
    "Tuyên Quang": {"Hà Giang", "Tuyên Quang"},
    "Lào Cai": {"Yên Bái", "Lào Cai"},
    "Thái Nguyên": {"Bắc Kạn", "Thái Nguyên"},
    "Phú Thọ": {"Vĩnh Phúc", "Hòa Bình", "Phú Thọ"},
    "Bắc Ninh": {"Bắc Giang", "Bắc Ninh"},
    "Hưng Yên": {"Thái Bình", "Hưng Yên"},
    "Hải Phòng": {"Hải Dương", "Hải Phòng"},
    "Ninh Bình": {"Hà Nam", "Nam Định", "Ninh Bình"},
    "Quảng Trị": {"Quảng Bình", "Quảng Trị"},
    "Đà Nẵng": {"Quảng Nam", "Đà Nẵng"},
    "Quảng Ngãi": {"Kon Tum", "Quảng Ngãi"},
    "Gia Lai": {"Bình Định", "Gia Lai"},
    "Khánh Hòa": {"Ninh Thuận", "Khánh Hòa"},
    "Lâm Đồng": {"Đắk Nông", "Bình Thuận", "Lâm Đồng"},
    "Đắk Lắk": {"Phú Yên", "Đắk Lắk"},
    "Thành phố Hồ Chí Minh": {"Bình Dương", "Bà Rịa - Vũng Tàu", "Thành phố Hồ Chí Minh"},
    "Đồng Nai": {"Bình Phước", "Đồng Nai"},
    "Tây Ninh": {"Long An", "Tây Ninh"},
    "Cần Thơ": {"Sóc Trăng", "Hậu Giang", "Cần Thơ"},
    "Vĩnh Long": {"Bến Tre", "Trà Vinh", "Vĩnh Long"},
    "Đồng Tháp": {"Tiền Giang", "Đồng Tháp"},
    "Cà Mau": {"Bạc Liêu", "Cà Mau"},
    "An Giang": {"Kiên Giang", "An Giang"},
}
UNCHANGED = {
    "Hà Nội",
    "Lai Châu",
    "Điện Biên",
    "Sơn La",
    "Lạng Sơn",
    "Quảng Ninh",
    "Thanh Hóa",
    "Nghệ An",
    "Hà Tĩnh",
    "Cao Bằng",
}
CITIES = {"Hà Nội", "Huế", "Hải Phòng", "Đà Nẵng", "Thành phố Hồ Chí Minh", "Cần Thơ"}
EXPECTED = {former: current for current, formers in MERGED.items() for former in formers}
EXPECTED.update({name: name for name in UNCHANGED} | {"Thừa Thiên Huế": "Huế"})

TONES = "\u0300\u0301\u0303\u0309\u0323"  # huyền, sắc, ngã, hỏi, nặng


def other_placement(name: str) -> str:
    """Move each tone mark of 'oa', 'oe', 'uy' to the other vowel: Hóa ↔ Hoá, Hòa ↔ Hoà."""
    chars = list(unicodedata.normalize("NFD", name))
    out, i = [], 0
    while i < len(chars):
        a = chars[i]
        if a.lower() in "ou" and i + 2 < len(chars) and chars[i + 1] in TONES and chars[i + 2].lower() in "aey":
            out += [a, chars[i + 2], chars[i + 1]]  # Hóa → Hoá
            i += 3
        elif a.lower() in "ou" and i + 2 < len(chars) and chars[i + 1].lower() in "aey" and chars[i + 2] in TONES:
            out += [a, chars[i + 2], chars[i + 1]]  # Hoá → Hóa
            i += 3
        else:
            out.append(a)
            i += 1
    return unicodedata.normalize("NFC", "".join(out))


def spellings(name: str) -> list[str]:
    """NFC, NFD, and the other tone-mark placement in NFC and NFD."""
    other = other_placement(name)
    forms = [unicodedata.normalize(form, text) for text in (name, other) for form in ("NFC", "NFD")]
    return list(dict.fromkeys(forms))


class TestDataset:
    def test_63_former_units_and_34_current(self):
        assert len(provinces.former_names()) == len(set(provinces.former_names())) == 63
        assert len(provinces.current_names()) == 34

    def test_every_former_unit_maps_as_the_notes_say(self):
        assert {row.former: row.current for row in provinces.table()} == EXPECTED

    def test_six_cities_and_eleven_unchanged(self):
        kinds = {row.current: row.current_type for row in provinces.table()}
        assert {name for name, kind in kinds.items() if kind == "thành phố"} == CITIES
        kept = {row.former for row in provinces.table() if row.change == "giu_nguyen"}
        assert kept == UNCHANGED | {"Thừa Thiên Huế"}

    def test_every_row_has_a_source_and_a_confidence(self):
        with datasets.path("provinces_2025").open(encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        assert all(row["nguon"] for row in rows)
        assert {row["do_tin_cay"] for row in rows} <= {"H", "M-H", "M"}

    def test_the_spellings_are_nfc(self):
        for name in (*provinces.former_names(), *provinces.current_names()):
            assert unicodedata.is_normalized("NFC", name), name

    def test_no_two_names_fold_to_the_same_key(self):
        names = set(provinces.former_names()) | set(provinces.current_names())
        assert len({provinces._fold(name) for name in names}) == len(names)


class TestTonePlacementHelper:
    def test_swaps_both_ways(self):
        assert other_placement("Thanh Hóa") == "Thanh Hoá"
        assert other_placement("Thanh Hoá") == "Thanh Hóa"
        assert other_placement("Hòa Bình") == "Hoà Bình"


class TestFormerNames:
    @pytest.mark.parametrize("former", sorted(EXPECTED))
    def test_every_spelling_maps_to_the_current_unit(self, former):
        for spelling in spellings(former):
            assert provinces.current_province(spelling) == (EXPECTED[former], former), ascii(spelling)
            assert provinces.lookup(spelling).name == former


class TestCurrentNames:
    @pytest.mark.parametrize("current", sorted(set(EXPECTED.values())))
    def test_every_spelling_maps_to_itself(self, current):
        for spelling in spellings(current):
            assert provinces.current_province(spelling)[0] == current, ascii(spelling)

    def test_hue_is_the_only_current_name_that_was_no_former_unit(self):
        assert provinces.current_province("Huế") == ("Huế", "")
        only_current = set(provinces.current_names()) - set(provinces.former_names())
        assert only_current == {"Huế"}

    def test_former_units_of_a_current_unit(self):
        assert set(provinces.former_units_of("Cần Thơ")) == {"Sóc Trăng", "Hậu Giang", "Cần Thơ"}
        assert provinces.former_units_of("Quảng Ninh") == ("Quảng Ninh",)


class TestOtherSpellings:
    @pytest.mark.parametrize(
        "text, expected",
        [
            ("TP. Hồ Chí Minh", ("Thành phố Hồ Chí Minh", "Thành phố Hồ Chí Minh")),
            ("TP.HCM", ("Thành phố Hồ Chí Minh", "Thành phố Hồ Chí Minh")),
            ("Tỉnh Yên Bái", ("Lào Cai", "Yên Bái")),
            ("thành phố Cần Thơ", ("Cần Thơ", "Cần Thơ")),
            ("  bà rịa – vũng tàu ", ("Thành phố Hồ Chí Minh", "Bà Rịa - Vũng Tàu")),
            ("Bà Rịa Vũng Tàu", ("Thành phố Hồ Chí Minh", "Bà Rịa - Vũng Tàu")),
            ("Thừa Thiên - Huế", ("Huế", "Thừa Thiên Huế")),
            ("Đăk Lăk", ("Đắk Lắk", "Đắk Lắk")),
            ("Soc Trang", ("Cần Thơ", "Sóc Trăng")),
            ("HA NOI", ("Hà Nội", "Hà Nội")),
            ("Thanh Hoá", ("Thanh Hóa", "Thanh Hóa")),
            ("Tỉnh Khánh Hoà", ("Khánh Hòa", "Khánh Hòa")),
            ("Hoà Bình", ("Phú Thọ", "Hòa Bình")),
            (unicodedata.normalize("NFD", "Tỉnh Thanh Hoá"), ("Thanh Hóa", "Thanh Hóa")),
            ("TP Huế", ("Huế", "")),
            ("Thành phố Huế", ("Huế", "")),
            ("Hồ Chí Minh", ("Thành phố Hồ Chí Minh", "Thành phố Hồ Chí Minh")),
            ("Thái Nguyễn", ("Thái Nguyên", "Thái Nguyên")),  # a wrong tone mark on an unambiguous name
        ],
    )
    def test_is_recognised(self, text, expected):
        assert provinces.current_province(text) == expected


class TestUnknownNames:
    @pytest.mark.parametrize(
        "text, nearest",
        [
            ("Quảng Nghĩa", "Quảng Ngãi"),
            ("Hà Giangg", "Hà Giang"),
            ("Vinh Phuoc", "Vĩnh Phúc"),
            ("Bắc Cạn", "Bắc Kạn"),
        ],
    )
    def test_message_is_vietnamese_with_the_nearest_name(self, text, nearest):
        with pytest.raises(provinces.UnknownProvince) as caught:
            provinces.lookup(text)
        message = str(caught.value)
        assert caught.value.suggestion == nearest
        assert f"“{text}”" in message and f"“{nearest}”" in message
        assert "Không có tỉnh, thành phố" in message and "Hãy sửa" in message

    def test_several_close_names_are_offered(self):
        with pytest.raises(provinces.UnknownProvince) as caught:
            provinces.lookup("Quảng Nghĩa")
        assert {"Quảng Ngãi", "Quảng Nam"} <= set(caught.value.suggestions)

    def test_a_name_far_from_any_says_where_the_names_are(self):
        with pytest.raises(provinces.UnknownProvince) as caught:
            provinces.lookup("Atlantis")
        assert caught.value.suggestions == ()
        assert "datasets/provinces_2025.csv" in str(caught.value)

    def test_an_empty_name_says_what_to_write(self):
        with pytest.raises(provinces.UnknownProvince, match="Chưa ghi tỉnh"):
            provinces.lookup("  ")

    def test_message_in_english(self, english):
        with pytest.raises(provinces.UnknownProvince, match="Did you mean “Quảng Ngãi”"):
            provinces.lookup("Quảng Nghĩa")

    def test_an_unknown_name_is_an_error_only_when_strict(self):
        with pytest.raises(provinces.UnknownProvince):
            provinces.current_province("Atlantis")
        assert provinces.current_province("Atlantis", strict=False) == ("Atlantis", "")
        assert provinces.current_province("", strict=False) == ("", "")

    def test_an_error_is_a_value_error(self):
        assert issubclass(provinces.UnknownProvince, ValueError)


class TestLabel:
    def test_a_merged_former_province_says_where_it_is_now(self):
        assert provinces.label("Sóc Trăng") == "Sóc Trăng (tỉnh cũ, nay thuộc thành phố Cần Thơ)"
        assert provinces.label("Yen Bai") == "Yên Bái (tỉnh cũ, nay thuộc tỉnh Lào Cai)"

    def test_an_unchanged_or_current_name_is_left_alone(self):
        assert provinces.label("Thanh Hoá") == "Thanh Hóa"
        assert provinces.label("Cần Thơ") == "Cần Thơ"


class TestUnnotedFormerProvinces:
    def test_lists_former_names_without_their_note_in_text_order(self):
        text = "Bưởi Hoà Bình, nước mắm Phú Yên và chè Yên Bái."
        assert provinces.unnoted_former_provinces(text) == ["Hòa Bình", "Phú Yên", "Yên Bái"]

    def test_a_noted_name_is_not_listed(self):
        text = f"Chè {provinces.label('Yên Bái')} và gạo {provinces.label('Sóc Trăng')}."
        assert provinces.unnoted_former_provinces(text) == []

    def test_a_name_noted_once_is_fine_unless_every_mention_must_be(self):
        text = "Yên Bái (tỉnh cũ, nay thuộc tỉnh Lào Cai) có chè Suối Giàng; chè Yên Bái nổi tiếng."
        assert provinces.unnoted_former_provinces(text) == []
        assert provinces.unnoted_former_provinces(text, every_mention=True) == ["Yên Bái"]

    def test_current_units_are_never_listed(self):
        assert provinces.unnoted_former_provinces("Cần Thơ, Lào Cai, Huế, Thanh Hóa, Hà Nội") == []

    def test_nfd_case_dashes_and_tone_styles(self):
        text = unicodedata.normalize("NFD", "BÀ RỊA–VŨNG TÀU và hoà bình; Thừa Thiên Huế")
        assert provinces.unnoted_former_provinces(text) == ["Bà Rịa - Vũng Tàu", "Hòa Bình", "Thừa Thiên Huế"]

    def test_a_longer_word_is_no_mention(self):
        assert provinces.unnoted_former_provinces("Long Anh, Hà Namh") == []

    @pytest.mark.parametrize("former", provinces.gone_names())
    def test_every_former_name_is_found_and_its_label_silences_it(self, former):
        assert provinces.unnoted_former_provinces(f"Sản phẩm của {former}.") == [former]
        assert provinces.unnoted_former_provinces(f"Sản phẩm của {provinces.label(former)}.") == []

    def test_thirty_former_names_are_gone_from_the_map(self):
        assert len(provinces.gone_names()) == 30 and "Thừa Thiên Huế" in provinces.gone_names()
