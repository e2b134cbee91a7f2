"""Tests of ocopkit.ideas: the weighted scoring matrix of product ideas."""

import math

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ocopkit import datasets, ideas
from ocopkit.errors import InputError

EQUAL = dict.fromkeys(ideas.CODES, 1)


def idea(name, nguyen_lieu=3, truyen_thong=3, thi_truong=3, ky_nang=3, von_dau_tu=3, moi_truong=3):
    """One row of a table of ideas; every score 3 unless given."""
    return {
        "ten_y_tuong": name,
        "nguyen_lieu": nguyen_lieu,
        "truyen_thong": truyen_thong,
        "thi_truong": thi_truong,
        "ky_nang": ky_nang,
        "von_dau_tu": von_dau_tu,
        "moi_truong": moi_truong,
    }


@pytest.fixture
def commune():
    return datasets.load("topic02_candidate_ideas")


scores = st.integers(min_value=1, max_value=5)
weights = st.fixed_dictionaries({code: st.integers(min_value=0, max_value=100) for code in ideas.CODES}).filter(
    lambda w: sum(w.values()) > 0
)


class TestCriteria:
    def test_six_criteria_and_only_investment_is_turned_round(self):
        assert ideas.CODES == ("nguyen_lieu", "truyen_thong", "thi_truong", "ky_nang", "von_dau_tu", "moi_truong")
        assert [c.code for c in ideas.CRITERIA if not c.higher_is_better] == ["von_dau_tu"]

    def test_suggested_weights_sum_to_100(self):
        assert sum(ideas.DEFAULT_WEIGHTS.values()) == 100
        assert ideas.criteria_table()["Trọng số gợi ý (%)"].sum() == 100

    def test_labels_follow_the_language(self, english):
        assert ideas.get_criterion("von_dau_tu").label == "Investment needed"
        assert "lower" in set(ideas.criteria_table()["Better when"])

    def test_vietnamese_labels(self):
        assert ideas.get_criterion("truyen_thong").label == "Truyền thống, bản sắc địa phương"

    def test_unknown_criterion_lists_the_known_ones(self):
        with pytest.raises(InputError, match="nguyen_lieu"):
            ideas.get_criterion("gia_ban")


class TestWeights:
    def test_shares_sum_to_one(self):
        shares = ideas.normalise_weights(ideas.DEFAULT_WEIGHTS)
        assert math.isclose(sum(shares.values()), 1)
        assert shares["nguyen_lieu"] == pytest.approx(0.25)

    def test_percentages_fractions_and_series_agree(self):
        as_fractions = {code: value / 100 for code, value in ideas.DEFAULT_WEIGHTS.items()}
        expected = ideas.normalise_weights(ideas.DEFAULT_WEIGHTS)
        assert ideas.normalise_weights(as_fractions) == pytest.approx(expected)
        assert ideas.normalise_weights(pd.Series(ideas.DEFAULT_WEIGHTS)) == pytest.approx(expected)

    def test_negative_weight_names_the_criterion(self):
        with pytest.raises(InputError, match="Nhu cầu thị trường.*số âm") as caught:
            ideas.normalise_weights({**EQUAL, "thi_truong": -5})
        assert caught.value.field == "weight:thi_truong"

    def test_negative_weight_in_english(self, english):
        with pytest.raises(InputError, match="Weight of Market demand cannot be negative"):
            ideas.normalise_weights({**EQUAL, "thi_truong": -5})

    def test_text_weight_is_refused(self):
        with pytest.raises(InputError, match="nhập chữ"):
            ideas.normalise_weights({**EQUAL, "ky_nang": "10%"})

    def test_all_zero_is_refused(self):
        with pytest.raises(InputError, match="đều bằng 0"):
            ideas.normalise_weights(dict.fromkeys(ideas.CODES, 0))

    def test_missing_and_unknown_criteria_are_named(self):
        with pytest.raises(InputError, match="moi_truong"):
            ideas.normalise_weights({code: 1 for code in ideas.CODES if code != "moi_truong"})
        with pytest.raises(InputError, match="'gia_ban'"):
            ideas.normalise_weights({**EQUAL, "gia_ban": 1})

    def test_a_list_is_not_a_set_of_weights(self, english):
        with pytest.raises(InputError, match="The weights must be a dictionary"):
            ideas.normalise_weights([25, 20, 25, 10, 10, 10])


class TestIdeasTable:
    def test_clean_copy_has_names_and_whole_scores(self, commune):
        clean = ideas.check_ideas(commune)
        assert list(clean.columns) == ["ten_y_tuong", *ideas.CODES]
        assert len(clean) == 10

    def test_list_of_rows_and_float_scores_are_accepted(self):
        clean = ideas.check_ideas([idea("Miến dong", nguyen_lieu=4.0)])
        assert clean.loc[0, "nguyen_lieu"] == 4 and isinstance(clean.loc[0, "nguyen_lieu"].item(), int)

    @pytest.mark.parametrize(
        "bad, message",
        [(7, "từ 1 đến 5, bạn đã nhập 7"), (3.5, "số nguyên"), ("bốn", "nhập chữ"), (math.nan, "đang trống")],
    )
    def test_bad_score_names_idea_and_criterion(self, bad, message):
        with pytest.raises(InputError, match=message) as caught:
            ideas.check_ideas([idea("Chè búp khô"), idea("Măng khô", ky_nang=bad)])
        assert '"Măng khô"' in str(caught.value) and "Kỹ năng" in str(caught.value)
        assert caught.value.field == "score:ky_nang"

    def test_bad_score_in_english(self, english):
        with pytest.raises(InputError, match='Score of "Măng khô" on Skills of local people must be between 1 and 5'):
            ideas.check_ideas([idea("Măng khô", ky_nang=0)])

    def test_missing_name_gives_the_row(self):
        with pytest.raises(InputError, match="Dòng 2 chưa có tên"):
            ideas.check_ideas([idea("Chè búp khô"), idea("  ")])

    def test_duplicate_name_is_refused(self):
        with pytest.raises(InputError, match="hai lần"):
            ideas.check_ideas([idea("Chè"), idea("Chè ")])

    def test_missing_column_is_named(self, commune):
        with pytest.raises(InputError, match="thiếu cột von_dau_tu"):
            ideas.check_ideas(commune.drop(columns="von_dau_tu"))

    def test_empty_table_asks_for_an_idea(self):
        with pytest.raises(InputError, match="ít nhất một ý tưởng"):
            ideas.check_ideas(pd.DataFrame(columns=["ten_y_tuong", *ideas.CODES]))

    def test_other_name_column(self):
        clean = ideas.check_ideas([{"ten": "Mật ong", **{c: 2 for c in ideas.CODES}}], name_column="ten")
        assert clean.loc[0, "ten"] == "Mật ong"


class TestScoring:
    def test_investment_is_turned_round(self):
        oriented = ideas.oriented_scores([idea("A", von_dau_tu=5), idea("B", von_dau_tu=1)])
        assert oriented["von_dau_tu"].tolist() == [1, 5]
        assert oriented["nguyen_lieu"].tolist() == [3, 3]

    def test_hand_worked_example(self, commune):
        # Trà hoa vàng: 2, 3, 5, 2, investment 5 → 1, 4 with weights 25/20/25/10/10/10.
        scores = ideas.weighted_scores(commune, ideas.DEFAULT_WEIGHTS)
        assert scores["Trà hoa vàng"] == pytest.approx(0.25 * 2 + 0.2 * 3 + 0.25 * 5 + 0.1 * 2 + 0.1 * 1 + 0.1 * 4)
        assert scores.name == "diem_tong_hop"

    def test_contributions_add_up_to_the_score(self, commune):
        parts = ideas.contributions(commune, ideas.DEFAULT_WEIGHTS)
        assert parts.sum(axis=1).tolist() == pytest.approx(
            ideas.weighted_scores(commune, ideas.DEFAULT_WEIGHTS).tolist()
        )

    @given(st.lists(scores, min_size=6, max_size=6), weights)
    def test_score_stays_on_the_1_to_5_scale(self, values, chosen):
        score = ideas.weighted_scores([idea("X", *values)], chosen).iloc[0]
        assert 1 - 1e-9 <= score <= 5 + 1e-9

    @given(weights, st.integers(min_value=2, max_value=9))
    def test_scaling_all_weights_changes_nothing(self, chosen, factor):
        rows = [idea("A", 5, 1, 4, 2, 3, 5), idea("B", 2, 4, 3, 5, 1, 2)]
        scaled = {code: value * factor for code, value in chosen.items()}
        assert ideas.weighted_scores(rows, scaled).tolist() == pytest.approx(
            ideas.weighted_scores(rows, chosen).tolist()
        )

    def test_best_possible_idea_scores_5(self):
        assert ideas.weighted_scores([idea("X", 5, 5, 5, 5, 1, 5)], ideas.DEFAULT_WEIGHTS).iloc[0] == pytest.approx(5)


class TestRanking:
    def test_commune_leader_with_suggested_weights(self, commune):
        ranking = ideas.rank_ideas(commune)
        assert ranking.leader == "Chè búp khô"
        assert ranking.table["hang"].tolist() == list(range(1, 11))
        assert ranking.table["diem_tong_hop"].is_monotonic_decreasing

    def test_ties_share_a_rank_and_keep_input_order(self):
        rows = [idea("C", nguyen_lieu=2), idea("A"), idea("B"), idea("D", nguyen_lieu=5)]
        table = ideas.rank_ideas(rows, EQUAL).table
        assert table["ten_y_tuong"].tolist() == ["D", "A", "B", "C"]
        assert table["hang"].tolist() == [1, 2, 2, 4]

    def test_float_noise_does_not_split_a_tie(self):
        # Both are worth exactly 3.7, but their float sums differ in the last bits.
        rows = [idea("A", 3, 5, 4), idea("B", 4, 3, 5)]
        chosen = dict(zip(ideas.CODES, [0.1, 0.2, 0.3, 0.15, 0.05, 0.2]))
        raw = ideas.contributions(rows, chosen).sum(axis=1)
        assert raw["A"] != raw["B"] and raw["A"] == pytest.approx(raw["B"])
        table = ideas.rank_ideas(rows, chosen).table
        assert table["hang"].tolist() == [1, 1]
        assert table["ten_y_tuong"].tolist() == ["A", "B"]

    def test_investment_threshold_is_a_ceiling(self):
        rows = [idea("Đắt", von_dau_tu=4), idea("Rẻ", von_dau_tu=2)]
        passing = ideas.meets_thresholds(rows, {"von_dau_tu": 3})
        assert passing.to_dict() == {"Đắt": False, "Rẻ": True}

    def test_other_thresholds_are_minimums(self):
        passing = ideas.meets_thresholds([idea("A", nguyen_lieu=2), idea("B", nguyen_lieu=3)], {"nguyen_lieu": 3})
        assert passing.to_dict() == {"A": False, "B": True}

    def test_best_idea_within_thresholds_and_shortfalls(self, commune):
        ranking = ideas.rank_ideas(commune, thresholds={"nguyen_lieu": 3, "truyen_thong": 3, "von_dau_tu": 2})
        assert (ranking.leader, ranking.best) == ("Chè búp khô", "Măng khô")
        first = ranking.table.iloc[0]
        assert not first["dat_nguong"] and first["chua_dat"] == "Vốn đầu tư"

    def test_no_idea_meets_impossible_thresholds(self, commune):
        assert ideas.rank_ideas(commune, thresholds=dict.fromkeys(["nguyen_lieu", "truyen_thong"], 5)).best is None

    def test_without_thresholds_every_idea_passes(self, commune):
        ranking = ideas.rank_ideas(commune)
        assert ranking.table["dat_nguong"].all() and ranking.best == ranking.leader

    @pytest.mark.parametrize("bad", [0, 6, 2.5, "3"])
    def test_bad_threshold_is_refused(self, bad):
        with pytest.raises(InputError, match="Ngưỡng của tiêu chí"):
            ideas.check_thresholds({"nguyen_lieu": bad})

    def test_weights_are_kept_as_shares(self, commune):
        ranking = ideas.rank_ideas(commune, EQUAL)
        assert ranking.weights == pytest.approx(dict.fromkeys(ideas.CODES, 1 / 6))


class TestThresholdsSet:
    def test_no_limit_is_the_open_end_of_each_criterion(self):
        assert ideas.no_limit("nguyen_lieu") == 1 and ideas.no_limit("von_dau_tu") == 5

    def test_a_threshold_at_its_open_end_is_no_threshold(self):
        given = {"nguyen_lieu": 1, "thi_truong": 4, "von_dau_tu": 5, "ky_nang": 2}
        assert ideas.binding_thresholds(given) == {"thi_truong": 4, "ky_nang": 2}

    def test_open_ends_rank_like_no_thresholds(self, commune):
        open_ends = ideas.binding_thresholds({code: ideas.no_limit(code) for code in ideas.CODES})
        assert open_ends == {} and ideas.rank_ideas(commune, thresholds=open_ends).thresholds == {}

    def test_a_bad_threshold_is_still_refused(self):
        with pytest.raises(InputError):
            ideas.binding_thresholds({"nguyen_lieu": 7})


class TestConclusion:
    def test_the_leader_alone_without_thresholds(self, commune):
        assert ideas.conclusion(ideas.rank_ideas(commune)) == "Đứng đầu: Chè búp khô."

    def test_the_best_idea_within_the_thresholds(self, commune, english):
        ranking = ideas.rank_ideas(commune, thresholds={"nguyen_lieu": 3, "truyen_thong": 3, "von_dau_tu": 2})
        assert ideas.conclusion(ranking) == (
            "First: Chè búp khô, but it does not meet every threshold; the best idea that does: Măng khô."
        )

    def test_no_idea_meets_the_thresholds(self, commune, english):
        ranking = ideas.rank_ideas(commune, thresholds=dict.fromkeys(["nguyen_lieu", "truyen_thong"], 5))
        assert ideas.conclusion(ranking) == "First: Chè búp khô. No idea meets every threshold."


class TestSensitivity:
    def test_one_weight_changes_and_the_others_stay(self, commune):
        table = ideas.weight_sensitivity(commune, "truyen_thong", [0, 20])
        assert list(table.index) == [0, 20] and table.index.name == "trong_so"
        assert table.loc[20].to_dict() == pytest.approx(ideas.weighted_scores(commune, ideas.DEFAULT_WEIGHTS).to_dict())

    def test_leader_changes_when_tradition_does_not_count(self, commune):
        found = ideas.leaders(ideas.weight_sensitivity(commune, "truyen_thong"))
        assert found[0] == "Rau an toàn VietGAP" and found[20] == "Chè búp khô"

    def test_ties_go_to_the_first_idea(self):
        table = ideas.weight_sensitivity([idea("A"), idea("B")], "thi_truong", [0, 10])
        assert ideas.leaders(table).tolist() == ["A", "A"]

    def test_unknown_criterion_is_refused(self, commune):
        with pytest.raises(InputError):
            ideas.weight_sensitivity(commune, "gia_ban")

    def test_zero_for_the_only_weight_is_refused(self, commune):
        only_market = {**dict.fromkeys(ideas.CODES, 0), "thi_truong": 10}
        with pytest.raises(InputError, match="đều bằng 0"):
            ideas.weight_sensitivity(commune, "thi_truong", [0], only_market)
