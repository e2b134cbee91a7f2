"""The schemes by date, the sheets per product set and the star minimums, held to their sources' numbers."""

import pandas as pd
import pytest

from ocopkit import criteria, criteria_schemes
from ocopkit.criteria import CriteriaError

SHEETS = [(code, n) for code in ("148/2023", "26/2026") for n in criteria_schemes.sets_with_sheets(code)]


def top(sheet, case=1):
    """Every criterion at its highest level."""
    return {item.code: item.allowed_points[-1] for item in sheet.for_case(case)}


class TestRegistry:
    @pytest.mark.parametrize(
        "day, expected",
        [
            ("2020-01-01", ["1048/2019"]),
            ("2023-02-24", ["148/2023"]),
            ("2025-07-06", ["1489/2025"]),
            # 26/2026 took effect on 22/05/2026; 148 and 1489 end sixty days later.
            ("2026-06-01", ["26/2026", "1489/2025"]),
            ("2026-07-21", ["26/2026"]),
        ],
    )
    def test_the_schemes_in_force_on_a_day(self, day, expected):
        assert criteria_schemes.schemes_in_force(day) == expected
        assert criteria_schemes.scheme_in_force(day) == expected[0]

    def test_before_the_national_criteria(self):
        with pytest.raises(CriteriaError, match="21/08/2019"):
            criteria_schemes.scheme_in_force("2019-01-01")

    def test_the_2026_scheme_says_it_is_not_verified(self):
        assert criteria_schemes.scheme("26/2026").confidence == "M"
        assert "Công báo" in criteria_schemes.scheme("26/2026").label
        assert "Công báo" not in criteria_schemes.scheme("1048/2019").label

    def test_1489_scores_on_the_sheets_of_148(self):
        assert criteria_schemes.sets_with_sheets("1489/2025") == criteria_schemes.sets_with_sheets("148/2023")
        assert criteria_schemes.sheet("1489/2025", 4).criteria == criteria_schemes.sheet("148/2023", 4).criteria

    def test_each_scheme_says_who_rates_each_star(self):
        for code in ("1048/2019", "148/2023", "1489/2025", "26/2026"):
            assert criteria.rated_by(5, code).startswith("central")
        assert criteria.rated_by(3, "148/2023") == "district"
        assert criteria.rated_by(3, "26/2026").startswith("province")

    def test_the_course_setting_chooses_the_scheme(self, tmp_path, monkeypatch):
        settings = tmp_path / "settings.toml"
        monkeypatch.setattr(criteria_schemes, "SETTINGS_FILE", settings)
        assert criteria_schemes.course_scheme() == criteria_schemes.scheme_in_force()
        settings.write_text('[criteria]\nscheme = "1489/2025"\n', encoding="utf-8")
        assert criteria_schemes.course_scheme() == "1489/2025"
        settings.write_text('[criteria]\nscheme = "2030"\n', encoding="utf-8")
        with pytest.raises(CriteriaError, match="26/2026"):
            criteria_schemes.course_scheme()

    def test_the_shipped_setting_is_the_scheme_in_force(self):
        assert criteria_schemes.course_scheme() == "26/2026"


class TestProductSets:
    def test_six_groups_seventeen_groups_twenty_six_sets(self):
        table = criteria_schemes.product_sets()
        assert list(table.index) == list(range(1, 27))
        assert table["product_group_vi"].nunique() == 6
        assert table[["product_group_vi", "group_vi"]].drop_duplicates().shape[0] == 17

    @pytest.mark.parametrize(
        "number, ministries",
        [
            (1, "Bộ Nông nghiệp và Môi trường"),
            (5, "Bộ Công Thương"),
            (16, "Bộ Y tế"),
            (26, "Bộ Văn hóa, Thể thao và Du lịch; Bộ Nông nghiệp và Môi trường"),
        ],
    )
    def test_lead_ministries_under_26_2026(self, number, ministries):
        assert criteria_schemes.product_sets().loc[number, "lead_ministries_26_2026"] == ministries

    def test_inferred_ministries_say_so(self):
        table = criteria_schemes.product_sets()
        assert set(table.loc[1:7, "ministries_148_confidence"]) == {"H"}
        assert set(table.loc[8:26, "ministries_148_confidence"]) == {"L"}

    def test_the_six_sheets_of_the_course(self):
        assert criteria_schemes.sets_with_sheets("26/2026") == [1, 4, 9, 11, 21, 26]
        assert criteria_schemes.set_label(4) == "4. Mật ong, mật khác và nông sản thực phẩm khác"
        with pytest.raises(CriteriaError, match="1, 4, 9, 11, 21, 26"):
            criteria_schemes.sheet("26/2026", 14)


class TestSheetsAddUp:
    @pytest.mark.parametrize("code, number", SHEETS)
    def test_parts_are_40_25_35(self, code, number):
        sheet = criteria_schemes.sheet(code, number)
        totals = sheet.part_totals()
        if (code, number) == ("148/2023", 11):
            # The 148 tea sheet's transcription misses criteria: said, not filled in.
            assert totals == {"A": 40, "B": 25, "C": 32} and sheet.missing == {"C": 3}
        else:
            assert totals == {"A": 40, "B": 25, "C": 35} and sheet.missing == {}

    @pytest.mark.parametrize("code, number", SHEETS)
    def test_sections_add_up_to_the_parts(self, code, number):
        sheet = criteria_schemes.sheet(code, number)
        by_part = {}
        for item in sheet.for_case(1):
            by_part.setdefault(item.part, set()).add(item.section_vi)
        sections = sheet.section_totals()
        for part, total in sheet.part_totals().items():
            assert sum(sections[name] for name in by_part[part]) == total

    @pytest.mark.parametrize("code, number", SHEETS)
    def test_every_level_fits_its_criterion(self, code, number):
        for item in criteria_schemes.sheet(code, number).criteria:
            assert item.allowed_points and all(0 <= p <= item.max_points for p in item.allowed_points)
            assert item.allowed_points[-1] == item.max_points, item.code

    @pytest.mark.parametrize("code, number", SHEETS)
    def test_full_marks_are_100_and_five_stars(self, code, number):
        sheet = criteria_schemes.sheet(code, number)
        result = criteria_schemes.score(top(sheet), code, number)
        assert result.total == 100 - sum(sheet.missing.values())
        assert result.stars == 5  # the 148 tea sheet tops out at 97, still in the 5★ band
        assert result.unmet == ()

    def test_sections_of_the_148_fish_sauce_sheet(self):
        sections = criteria_schemes.sheet("148/2023", 9).section_totals()
        assert [sections[name] for name in sections][:5] == [18, 10, 12, 13, 12]
        assert sections["6. CHỈ TIÊU CẢM QUAN"] == 16

    def test_the_transcripts_slips_are_counted_at_the_maximum_and_named(self):
        honey = criteria_schemes.sheet("26/2026", 4)
        assert any("C.7" in note and "13" in note for note in honey.notes)
        assert max(next(i for i in honey.criteria if i.code == "C.7").allowed_points) == 3

    def test_a_criterion_without_levels_offers_none_or_all(self):
        bilingual = next(i for i in criteria_schemes.sheet("26/2026", 1).criteria if i.code == "A.2.4")
        assert bilingual.levels == () and bilingual.allowed_points == (0, 1)


class TestTourismCases:
    def test_one_case_counts(self):
        sheet = criteria_schemes.sheet("26/2026", 26)
        assert sheet.has_cases
        codes = {item.code for item in sheet.for_case(2)}
        assert {"C.8.b", "C.9.b", "C.15.b"} <= codes and not codes & {"C.8.a", "C.9.a", "C.15.a"}
        assert sheet.part_totals(1) == sheet.part_totals(2) == {"A": 40, "B": 25, "C": 35}

    def test_points_of_the_other_case_are_refused(self):
        with pytest.raises(CriteriaError, match="C.8.a"):
            criteria_schemes.score({"C.8.a": 3}, "26/2026", 26, case=2)

    def test_the_case_is_1_or_2(self):
        with pytest.raises(CriteriaError):
            criteria_schemes.score({}, "26/2026", 26, case=3)


class TestStarMinimums:
    def test_markers_are_read_as_minimums(self):
        item = next(i for i in criteria_schemes.sheet("26/2026", 4).criteria if i.code == "A.1.5")
        assert (item.minimum_for(3), item.minimum_for(4), item.minimum_for(5)) == (None, 2, 3)

    def test_an_unmet_minimum_lowers_the_star_the_total_would_give(self):
        sheet = criteria_schemes.sheet("26/2026", 4)
        points = top(sheet) | {"A.1.5": 0}
        result = criteria_schemes.score(points, "26/2026", 4)
        assert (result.total, result.band_stars, result.stars) == (97, 5, 3)
        assert result.unmet == (("A.1.5", 4, 2),)
        assert result.points_to_next_star is None

    def test_meeting_the_minimum_gives_the_band_back(self):
        sheet = criteria_schemes.sheet("26/2026", 4)
        result = criteria_schemes.score(top(sheet) | {"A.1.5": 2}, "26/2026", 4)
        assert (result.band_stars, result.stars) == (5, 4)
        assert result.unmet == (("A.1.5", 5, 3),)

    @pytest.mark.parametrize("code, number", SHEETS)
    def test_minimums_never_raise_a_star(self, code, number):
        sheet = criteria_schemes.sheet(code, number)
        for item in sheet.criteria:
            for points in item.allowed_points:
                result = criteria_schemes.score({item.code: points} if item in sheet.for_case(1) else {}, code, number)
                assert result.stars <= result.band_stars

    @pytest.mark.parametrize("code, number", SHEETS)
    def test_the_lowest_levels_are_not_recognised(self, code, number):
        result = criteria_schemes.score({}, code, number)
        assert result.stars == criteria.star_for(result.total) <= 2 and not result.recognised


class TestBadPoints:
    def test_points_between_levels(self):
        with pytest.raises(CriteriaError, match="1, 3, 5"):
            criteria_schemes.score({"A.1.a": 2}, "148/2023", 1)

    @pytest.mark.parametrize("bad", ["3", None, True, float("nan")])
    def test_not_a_number(self, bad):
        with pytest.raises(CriteriaError):
            criteria_schemes.score({"A.1.1": bad}, "26/2026", 1)

    def test_unknown_code(self):
        with pytest.raises(CriteriaError, match="Z.9"):
            criteria_schemes.score({"Z.9": 1}, "26/2026", 1)


def test_the_data_tables_agree_on_the_part_maxima():
    for code in ("148/2023", "26/2026"):
        assert criteria_schemes.part_maxima(code) == {"A": 40, "B": 25, "C": 35}
    assert criteria_schemes.part_maxima("1048/2019") == {"A": 35, "B": 25, "C": 40}
    assert pd.Timestamp(criteria_schemes.scheme("26/2026").in_force_from) == pd.Timestamp("2026-05-22")
