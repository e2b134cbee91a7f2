"""Tests of the self-assessment widget: set values in Python, read results and messages."""

from ocopkit import criteria
from ocopkit.widgets import OcopSelfAssessment


class TestItemLevel:
    def test_starts_at_the_lowest_points(self):
        tool = OcopSelfAssessment()
        low = sum(item.min_points for item in criteria.scoring_sheet())
        assert tool.result.total == low and tool.result.stars == 1

    def test_moving_a_slider_updates_result_summary_and_chart(self):
        tool = OcopSelfAssessment()
        before_total, before_chart = tool.result.total, tool.chart.value
        tool.sliders["C1.2"].value = 8
        assert tool.result.total == before_total + 8
        assert tool.result.part_totals["C"] >= 8
        assert bytes(tool.chart.value) != bytes(before_chart)
        assert bytes(tool.chart.value).startswith(b"\x89PNG")
        assert f"{tool.result.total} / 100" in tool.summary.value

    def test_full_marks_give_five_stars(self):
        tool = OcopSelfAssessment()
        tool.set_points({item.code: item.max_points for item in criteria.scoring_sheet()})
        assert tool.result.stars == 5 and "★★★★★" in tool.summary.value

    def test_bad_points_show_a_message_and_keep_the_last_result(self):
        tool = OcopSelfAssessment()
        tool.set_points({"A1.1": 3})
        kept = tool.result
        tool.set_points({"A1.1": 9, "Z1": 1})
        assert tool.result == kept
        assert "A1.1" in tool.message.value and "Z1" in tool.message.value

    def test_text_is_refused_in_the_message(self):
        tool = OcopSelfAssessment()
        tool.set_points({"A1.1": "ba"})
        assert "'ba'" in tool.message.value


class TestPartLevel:
    def test_parts_of_the_2023_scheme(self):
        tool = OcopSelfAssessment(level="parts")
        assert {c: s.max for c, s in tool.sliders.items()} == {"A": 40, "B": 25, "C": 35}
        tool.set_points({"A": 35, "B": 20, "C": 30})
        assert (tool.result.total, tool.result.stars) == (85, 4)
        assert "5 " in tool.summary.value  # five more points for 5 stars

    def test_english_labels(self, english):
        tool = OcopSelfAssessment(level="parts")
        assert "Marketability" in tool.sliders["B"].description
        assert "Recognised" in tool.summary.value or "Not yet" in tool.summary.value


class TestSaveLoad:
    def test_round_trip(self, tmp_path):
        tool = OcopSelfAssessment()
        tool.set_points({"A1.1": 2, "C3.1": 5})
        path = tool.save(tmp_path / "tu-cham.json")
        again = OcopSelfAssessment()
        again.load(path)
        assert again.points() == tool.points() and again.result == tool.result

    def test_damaged_file_is_reported(self, tmp_path):
        bad = tmp_path / "bad.json"
        bad.write_text("{not json", encoding="utf-8")
        tool = OcopSelfAssessment()
        tool.load(bad)
        assert "bad.json" in tool.message.value
