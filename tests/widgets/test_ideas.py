"""Tests of Topic 2's idea-scoring widget: set values in Python, read the ranking, chart and messages."""

import pandas as pd
import pytest

from ocopkit import datasets, ideas
from ocopkit.widgets.ideas import IdeaScoringMatrix

THRESHOLDS = {"nguyen_lieu": 3, "truyen_thong": 3, "von_dau_tu": 2}


@pytest.fixture
def commune():
    return datasets.load("topic02_candidate_ideas")


@pytest.fixture
def tool(commune):
    return IdeaScoringMatrix(commune)


def png(tool):
    return bytes(tool.chart.value)


class TestStart:
    def test_starts_from_four_example_ideas_and_suggested_weights(self):
        tool = IdeaScoringMatrix()
        assert len(tool.result.table) == 4
        assert tool.weights() == ideas.DEFAULT_WEIGHTS
        assert tool.thresholds() == {}
        assert png(tool).startswith(b"\x89PNG")

    def test_a_blank_row_waits_for_a_new_idea(self, tool):
        assert len(tool.rows) == 11 and tool.rows[-1]["name"].value == ""
        assert len(tool.result.table) == 10

    def test_result_matches_the_logic(self, tool, commune):
        expected = ideas.rank_ideas(commune)
        assert tool.result.table["ten_y_tuong"].tolist() == expected.table["ten_y_tuong"].tolist()
        assert "Chè búp khô" in tool.summary.value and "4,45" in tool.summary.value


class TestLiveUpdates:
    def test_a_weight_slider_changes_ranking_shares_and_chart(self, tool):
        chart, shares = png(tool), tool.shares.value
        tool.weight_sliders["truyen_thong"].value = 0
        assert tool.result.leader == "Rau an toàn VietGAP"
        assert tool.result.weights["truyen_thong"] == 0
        assert png(tool) != chart and tool.shares.value != shares

    def test_typing_a_new_idea_adds_it(self, tool):
        row = tool.rows[-1]
        row["name"].value = "Gà đồi"
        for code, value in zip(ideas.CODES, [5, 5, 5, 5, 1, 5]):
            row[code].value = value
        assert tool.result.leader == "Gà đồi"
        assert tool.result.table.iloc[0]["diem_tong_hop"] == pytest.approx(5)

    def test_changing_a_score_box_updates_the_result(self, tool):
        before = tool.result.table.set_index("ten_y_tuong")["diem_tong_hop"]["Măng khô"]
        tool.rows[2]["thi_truong"].value = 5
        after = tool.result.table.set_index("ten_y_tuong")["diem_tong_hop"]["Măng khô"]
        assert after == pytest.approx(before + 0.25 * 2)

    def test_thresholds_pick_the_best_idea_that_meets_them(self, tool):
        tool.set_thresholds(THRESHOLDS)
        assert tool.thresholds() == THRESHOLDS
        assert (tool.result.leader, tool.result.best) == ("Chè búp khô", "Măng khô")
        assert "Măng khô" in tool.summary.value and "chưa đạt mọi ngưỡng" in tool.summary.value

    def test_threshold_slider_at_its_end_means_no_threshold(self, tool):
        tool.threshold_sliders["von_dau_tu"].value = 2
        assert tool.thresholds() == {"von_dau_tu": 2}
        tool.threshold_sliders["von_dau_tu"].value = 5
        assert tool.thresholds() == {} and tool.result.best == tool.result.leader

    def test_set_ideas_replaces_the_rows(self, tool, commune):
        tool.set_ideas(commune.tail(3))
        assert [r["name"].value for r in tool.rows] == [
            "Tinh dầu quế",
            "Trà hoa vàng",
            "Homestay trải nghiệm làm chè",
            "",
        ]
        assert len(tool.result.table) == 3

    def test_add_row(self, tool):
        tool.add_row("Chuối sấy", dict.fromkeys(ideas.CODES, 4))
        assert "Chuối sấy" in set(tool.result.table["ten_y_tuong"])


class TestBadInput:
    def test_a_name_used_twice_is_reported_and_the_result_kept(self, tool):
        kept = tool.result
        tool.rows[-1]["name"].value = "Miến dong"
        assert tool.result is kept
        assert "hai lần" in tool.message.value
        tool.rows[-1]["name"].value = "Miến dong Bắc Kạn"
        assert tool.message.value == "" and tool.result is not kept

    def test_all_weights_zero_is_reported(self, tool):
        kept = tool.result
        tool.set_weights(dict.fromkeys(ideas.CODES, 0))
        assert tool.result is kept and "đều bằng 0" in tool.message.value

    def test_a_bad_score_from_python_changes_nothing(self, tool, commune):
        kept, rows = tool.result, tool.rows
        bad = commune.copy()
        bad.loc[0, "ky_nang"] = 7
        tool.set_ideas(bad)
        assert tool.result is kept and tool.rows is rows
        assert "Chè búp khô" in tool.message.value and "7" in tool.message.value

    @pytest.mark.parametrize("bad", [-5, 120, 12.5, "20"])
    def test_a_bad_weight_from_python_changes_nothing(self, tool, bad):
        before = tool.weights()
        tool.set_weights({"thi_truong": bad})
        assert tool.weights() == before and "Nhu cầu thị trường" in tool.message.value

    def test_a_bad_threshold_from_python_is_reported(self, tool):
        tool.set_thresholds({"nguyen_lieu": 9})
        assert tool.thresholds() == {} and "Ngưỡng" in tool.message.value

    def test_no_named_idea_asks_for_one(self):
        tool = IdeaScoringMatrix(pd.DataFrame([{"ten_y_tuong": "Măng khô", **dict.fromkeys(ideas.CODES, 3)}]))
        kept = tool.result
        tool.rows[0]["name"].value = ""
        assert tool.result is kept and "ít nhất một ý tưởng" in tool.message.value


class TestEnglish:
    def test_labels_summary_and_messages_in_english(self, english, commune):
        tool = IdeaScoringMatrix(commune, thresholds=THRESHOLDS)
        assert tool.weight_sliders["nguyen_lieu"].description == "Raw material availability"
        assert tool.threshold_sliders["von_dau_tu"].description == "Investment needed at most"
        assert "the best idea that does: Măng khô" in tool.summary.value
        tool.set_weights({"ky_nang": -1})
        assert "Weight of Skills of local people" in tool.message.value


class TestSameAsTheLogic:
    def test_the_summary_ends_with_the_logics_conclusion(self, tool, commune):
        tool.set_thresholds(THRESHOLDS)
        expected = ideas.rank_ideas(commune, ideas.DEFAULT_WEIGHTS, THRESHOLDS)
        assert tool.result.table.equals(expected.table)
        assert tool.summary.value.endswith(f"<p>{ideas.conclusion(expected)}</p>")

    def test_sliders_at_their_open_end_are_the_logics_no_limit(self, tool):
        assert {code: slider.value for code, slider in tool.threshold_sliders.items()} == {
            code: ideas.no_limit(code) for code in ideas.CODES
        }

    def test_shares_shown_are_the_logics_shares(self, tool):
        tool.set_weights({"ky_nang": 50})
        shares = ideas.normalise_weights(tool.weights())
        assert tool.result.weights == pytest.approx(shares)
        assert "Kỹ năng 36%" in tool.shares.value  # 50 of 140
