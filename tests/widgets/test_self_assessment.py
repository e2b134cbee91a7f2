"""Tests of the self-assessment widget: set values in Python, read results and messages."""

import json

from ocopkit import criteria
from ocopkit.spreadsheet import frame_csv
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


class TestSameAsTheLogic:
    def test_the_csv_is_the_logics_table(self):
        tool = OcopSelfAssessment()
        tool.set_points({"A1.1": 3, "C1.2": 8})
        expected = criteria.assess_items(tool.points(), tool.sheet)
        assert tool.result == expected
        assert tool.to_csv() == frame_csv(criteria.assessment_table(expected, tool.sheet))
        assert tool.sheet_rows() == criteria.sheet_rows(expected, tool.sheet)

    def test_parts_level_csv(self):
        tool = OcopSelfAssessment(level="parts")
        tool.set_points({"A": 35, "B": 20, "C": 30})
        assert tool.to_csv() == frame_csv(criteria.assessment_table(criteria.assess_parts(tool.points())))


class TestSavedFiles:
    def test_a_saved_file_names_the_tool(self, tmp_path):
        tool = OcopSelfAssessment(level="parts")
        tool.set_points({"A": 30, "B": 20, "C": 25})
        data = json.loads(tool.save(tmp_path / "tu-cham.json").read_text(encoding="utf-8"))
        assert data == {"tool": "self_assessment", "version": 1, "inputs": {"A": 30, "B": 20, "C": 25}}

    def test_a_file_saved_before_the_tools_shared_a_base_still_opens(self, tmp_path):
        old = tmp_path / "cu.json"
        old.write_text(
            json.dumps({"level": "parts", "scheme": "148/2023", "sheet": "x", "points": {"A": 30, "B": 20, "C": 25}}),
            encoding="utf-8",
        )
        tool = OcopSelfAssessment(level="parts")
        tool.load(old)
        assert tool.result.total == 75 and tool.message.value == ""

    def test_a_file_of_another_tool_is_refused(self, tmp_path):
        other = tmp_path / "gia.json"
        other.write_text(json.dumps({"tool": "pricing", "version": 1, "inputs": {"A": 3}}), encoding="utf-8")
        tool = OcopSelfAssessment(level="parts")
        tool.load(other)
        assert tool.result.total == 0 and "pricing" in tool.message.value
