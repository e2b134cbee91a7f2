"""Tests of ocopkit.criteria: parts, star bands, rating levels and scoring sheets."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ocopkit import criteria
from ocopkit.criteria import CriteriaError


class TestSchemes:
    def test_current_scheme_parts_are_40_25_35(self):
        parts = criteria.get_scheme("148/2023").parts
        assert {code: p.max_points for code, p in parts.items()} == {"A": 40, "B": 25, "C": 35}

    def test_2019_scheme_parts_are_35_25_40(self):
        parts = criteria.get_scheme("1048/2019").parts
        assert {code: p.max_points for code, p in parts.items()} == {"A": 35, "B": 25, "C": 40}

    def test_unknown_scheme_names_the_known_ones(self):
        with pytest.raises(CriteriaError, match="148/2023"):
            criteria.get_scheme("2030")

    def test_part_names_follow_the_language(self, english):
        assert criteria.get_scheme().parts["B"].name == "Marketability"


class TestStars:
    @pytest.mark.parametrize(
        "points, stars",
        [
            (0, 1),
            (29, 1),
            (29.99, 1),
            (30, 2),
            (49, 2),
            (49.5, 2),
            (50, 3),
            (69, 3),
            (70, 4),
            (75.27, 4),
            (89, 4),
            (89.99, 4),
            (90, 5),
            (100, 5),
        ],
    )
    def test_band_edges(self, points, stars):
        assert criteria.star_for(points) == stars

    @pytest.mark.parametrize("points, recognised", [(49, False), (50, True), (90, True), (10, False)])
    def test_only_three_stars_and_above_are_recognised(self, points, recognised):
        assert criteria.is_recognised(points) is recognised

    @pytest.mark.parametrize("bad", [-1, 100.5, "72", None, True, math.nan])
    def test_bad_totals_are_refused_with_a_message(self, bad):
        with pytest.raises(CriteriaError):
            criteria.star_for(bad)

    def test_message_says_what_is_wrong_in_vietnamese(self):
        with pytest.raises(CriteriaError, match="từ 0 đến 100"):
            criteria.star_for(120)

    def test_message_in_english(self, english):
        with pytest.raises(CriteriaError, match="between 0 and 100"):
            criteria.star_for(120)

    @pytest.mark.parametrize("points, needed", [(63, 7), (59, 11), (0, 30), (89, 1), (75.5, 14.5), (90, None)])
    def test_points_to_next_star(self, points, needed):
        assert criteria.points_to_next_star(points) == needed

    @given(st.floats(min_value=0, max_value=100), st.floats(min_value=0, max_value=100))
    def test_more_points_never_earn_fewer_stars(self, a, b):
        low, high = sorted((a, b))
        assert criteria.star_for(low) <= criteria.star_for(high)

    @given(st.floats(min_value=0, max_value=89.99))
    def test_adding_the_points_needed_reaches_the_next_star(self, points):
        needed = criteria.points_to_next_star(points)
        assert criteria.star_for(min(100, points + needed + 1e-9)) == criteria.star_for(points) + 1


class TestRatingLevels:
    def test_decision_148_district_rates_three_stars(self):
        assert criteria.rated_by(3, "148/2023") == "district"

    def test_decision_1489_province_rates_three_and_four_stars(self):
        assert criteria.rated_by(3, "1489/2025").startswith("province")
        assert criteria.rated_by(4, "1489/2025") == "province"
        assert criteria.rated_by(5, "1489/2025").startswith("central")

    def test_unrecognised_bands_are_rated_by_nobody(self):
        assert criteria.rated_by(2) == ""

    @pytest.mark.parametrize("bad", [0, 6, 2.5, True])
    def test_bad_star_rating(self, bad):
        with pytest.raises(CriteriaError):
            criteria.band_for(bad)


class TestAssessParts:
    def test_total_and_stars(self):
        result = criteria.assess_parts({"A": 32, "B": 18, "C": 25})
        assert (result.total, result.stars, result.recognised, result.points_to_next_star) == (75, 4, True, 15)

    def test_part_over_its_maximum_names_part_and_maximum(self):
        with pytest.raises(CriteriaError, match="tối đa là 40"):
            criteria.assess_parts({"A": 41, "B": 10, "C": 10})

    def test_the_2019_scheme_allows_40_in_part_c(self):
        assert criteria.assess_parts({"A": 30, "B": 20, "C": 40}, "1048/2019").total == 90

    def test_unknown_and_missing_parts(self):
        with pytest.raises(CriteriaError, match="D"):
            criteria.assess_parts({"A": 1, "B": 1, "C": 1, "D": 1})
        with pytest.raises(CriteriaError, match="C"):
            criteria.assess_parts({"A": 1, "B": 1})

    def test_negative_and_text_points(self):
        with pytest.raises(CriteriaError):
            criteria.assess_parts({"A": -1, "B": 1, "C": 1})
        with pytest.raises(CriteriaError, match="'mười'"):
            criteria.assess_parts({"A": "mười", "B": 1, "C": 1})


class TestScoringSheet:
    def test_sheet_parts_add_up_to_the_2019_maxima(self):
        totals = {}
        for item in criteria.scoring_sheet():
            totals[item.part] = totals.get(item.part, 0) + item.max_points
        assert totals == {"A": 35, "B": 25, "C": 40}

    def test_assess_items_sums_parts(self):
        result = criteria.assess_items({"A1.1": 3, "B2.1": 5, "C1.2": 8})
        minimum = {p: sum(i.min_points for i in criteria.scoring_sheet() if i.part == p) for p in "ABC"}
        assert result.part_totals == {"A": minimum["A"] + 2, "B": minimum["B"] + 5, "C": minimum["C"] + 8}
        assert result.scheme == "1048/2019"

    def test_unknown_item_is_named(self):
        with pytest.raises(CriteriaError, match="Z9"):
            criteria.assess_items({"Z9": 1})

    def test_points_outside_an_items_range(self):
        with pytest.raises(CriteriaError, match="A1.1"):
            criteria.assess_items({"A1.1": 4})

    def test_full_marks_are_five_stars(self):
        best = {item.code: item.max_points for item in criteria.scoring_sheet()}
        assert criteria.assess_items(best).total == 100


SHEET = "ocop_scoring_sheet_fresh_produce_2019"


class TestSheetAsATable:
    def test_the_sheet_belongs_to_the_2019_scheme(self):
        assert criteria.sheet_scheme(SHEET) == criteria.PREVIOUS_SCHEME

    def test_one_row_per_criterion_with_whole_points(self):
        result = criteria.assess_items({"A1.1": 3, "C1.2": 8})
        rows = criteria.sheet_rows(result, SHEET)
        assert [row[1] for row in rows] == [item.code for item in criteria.scoring_sheet(SHEET)]
        first = rows[0]
        assert first[:2] == ("A", "A1.1") and first[3:] == (3, 3) and isinstance(first[3], int)

    def test_without_a_sheet_one_row_per_part(self):
        rows = criteria.sheet_rows(criteria.assess_parts({"A": 35, "B": 20, "C": 30}))
        assert [(row[0], row[3], row[4]) for row in rows] == [("A", 35, 40), ("B", 20, 25), ("C", 30, 35)]

    def test_the_table_ends_with_the_part_totals_the_total_and_the_stars(self):
        result = criteria.assess_parts({"A": 35, "B": 20, "C": 30})
        table = criteria.assessment_table(result)
        assert list(table.columns) == ["Phần", "Mã", "Tiêu chí", "Điểm", "Tối đa", "Bộ tiêu chí"]
        assert table["Điểm"].tolist() == [35, 20, 30, 85, 4] and table["Tối đa"].tolist() == [40, 25, 35, 100, 5]
        # Every row names the decision, so a range copied out of the sheet still says which rules scored it.
        assert set(table["Bộ tiêu chí"]) == {"26/2026/QĐ-TTg (22/05/2026)"}

    def test_item_level_table_lists_every_criterion_first(self):
        result = criteria.assess_items({"A1.1": 3})
        table = criteria.assessment_table(result, SHEET)
        assert len(table) == len(criteria.scoring_sheet(SHEET)) + 5
        assert table.iloc[-2]["Điểm"] == result.total

    def test_english_headers(self, english):
        table = criteria.assessment_table(criteria.assess_parts({"A": 1, "B": 1, "C": 1}))
        assert list(table.columns) == ["Part", "Code", "Criterion", "Points", "Maximum", "Scheme"]


def test_gaps_by_group_put_the_largest_gap_first():
    from ocopkit import criteria

    points = {item.code: item.max_points for item in criteria.scoring_sheet()}
    points["C1.2"] = 3  # colour and ripeness: 5 points short
    gaps = criteria.gaps_by_group(points)
    assert gaps.iloc[0]["group_code"] == "C1" and gaps.iloc[0]["gap"] == 5
    assert (gaps.iloc[1:]["gap"] == 0).all()
    assert gaps["max_points"].sum() == 100
