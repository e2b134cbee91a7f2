"""Tests of the self-assessment widget: set values in Python, read results and messages."""

import json

from ocopkit import criteria
from ocopkit.spreadsheet import frame_csv
from ocopkit.widgets import OcopSelfAssessment

OLD = "1048/2019"  # the 2019 sheet: one slider per criterion


class TestThe2019Sheet:
    def test_starts_at_the_lowest_points(self):
        tool = OcopSelfAssessment(scheme=OLD)
        low = sum(item.min_points for item in criteria.scoring_sheet())
        assert tool.result.total == low and tool.result.stars == 1

    def test_moving_a_slider_updates_result_summary_and_chart(self):
        tool = OcopSelfAssessment(scheme=OLD)
        before_total, before_chart = tool.result.total, tool.chart.value
        tool.sliders["C1.2"].value = 8
        assert tool.result.total == before_total + 8
        assert tool.result.part_totals["C"] >= 8
        assert bytes(tool.chart.value) != bytes(before_chart)
        assert bytes(tool.chart.value).startswith(b"\x89PNG")
        assert f"{tool.result.total} / 100" in tool.summary.value

    def test_full_marks_give_five_stars(self):
        tool = OcopSelfAssessment(scheme=OLD)
        tool.set_points({item.code: item.max_points for item in criteria.scoring_sheet()})
        assert tool.result.stars == 5 and "★★★★★" in tool.summary.value

    def test_bad_points_show_a_message_and_keep_the_last_result(self):
        tool = OcopSelfAssessment(scheme=OLD)
        tool.set_points({"A1.1": 3})
        kept = tool.result
        tool.set_points({"A1.1": 9, "Z1": 1})
        assert tool.result == kept
        assert "A1.1" in tool.message.value and "Z1" in tool.message.value

    def test_text_is_refused_in_the_message(self):
        tool = OcopSelfAssessment(scheme=OLD)
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
        tool = OcopSelfAssessment(scheme=OLD)
        tool.set_points({"A1.1": 2, "C3.1": 5})
        path = tool.save(tmp_path / "tu-cham.json")
        again = OcopSelfAssessment(scheme=OLD)
        again.load(path)
        assert again.points() == tool.points() and again.result == tool.result

    def test_damaged_file_is_reported(self, tmp_path):
        bad = tmp_path / "bad.json"
        bad.write_text("{not json", encoding="utf-8")
        tool = OcopSelfAssessment(scheme=OLD)
        tool.load(bad)
        assert "bad.json" in tool.message.value


class TestSameAsTheLogic:
    def test_the_csv_is_the_logics_table(self):
        tool = OcopSelfAssessment(scheme=OLD)
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


class TestProductSetFirst:
    """The course's scheme (26/2026): the participant picks the product set, then a level per criterion."""

    def test_the_product_set_comes_first_and_the_scheme_is_named(self):
        tool = OcopSelfAssessment()
        first = tool.picker.box.children
        assert first[1] is tool.picker.set_picker and tool.picker.set_picker.description == "Bộ sản phẩm"
        assert "26/2026/QĐ-TTg" in first[0].value and "Công báo" in first[0].value
        assert [value for _label, value in tool.picker.set_picker.options] == [1, 4, 9, 11, 21, 26]

    def test_another_set_brings_its_own_criteria(self):
        tool = OcopSelfAssessment()
        tool.picker.set_picker.value = 9  # fish sauce: sensory quality has five criteria
        assert "C.6.1" in tool.sliders and tool.fields["C.6.1"] is tool.sliders["C.6.1"]
        before = tool.result.total
        tool.sliders["A.1.1"].value = 3
        assert tool.result.total == before + 2  # from the lowest level, 1 point, to 3

    def test_a_level_is_chosen_by_its_words(self):
        tool = OcopSelfAssessment(product_set=4)
        labels = [label for label, _value in tool.sliders["A.1.1"].options]
        assert labels[0].startswith("1 điểm: Sản phẩm được")

    def test_a_minimum_holds_the_star_back_and_the_summary_says_which(self):
        tool = OcopSelfAssessment(product_set=4)
        tool.set_points({code: box.options[-1][1] for code, box in tool.sliders.items()} | {"A.1.5": 0})
        assert (tool.result.band_stars, tool.result.stars) == (5, 3)
        assert "chưa đạt mức tối thiểu" in tool.summary.value and "A.1.5 ít nhất 2 điểm" in tool.summary.value
        assert "Đã đạt hạng cao nhất" not in tool.summary.value

    def test_the_tourism_sheet_asks_the_case(self):
        tool = OcopSelfAssessment(product_set=1)
        assert tool.picker.case_picker.layout.display == "none"
        tool.set_points({"product_set": 26, "case": 2})
        assert tool.picker.case_picker.layout.display is None
        assert "C.8.b" in tool.sliders and "C.8.a" not in tool.sliders

    def test_the_148_tea_sheet_says_what_it_lacks(self):
        tool = OcopSelfAssessment(scheme="148/2023", product_set=11)
        assert "thiếu 3 điểm ở phần C" in tool.picker.header.value

    def test_points_between_levels_are_refused_in_the_message(self):
        tool = OcopSelfAssessment(product_set=1)
        kept = tool.result
        tool.set_points({"A.1.1": 2.5})
        assert tool.result == kept and "A.1.1" in tool.message.value and "1, 2, 3" in tool.message.value

    def test_a_saved_file_reopens_the_set_and_the_levels(self, tmp_path):
        tool = OcopSelfAssessment()
        tool.set_points({"product_set": 21, "A.1.1": tool.sliders["A.1.1"].options[-1][1]})
        path = tool.save(tmp_path / "tu-cham.json")
        again = OcopSelfAssessment()
        again.load(path)
        assert again.picker.product_set == 21 and again.points() == tool.points() and again.result == tool.result
        assert again.message.value == ""

    def test_exports_name_the_scheme_and_the_set(self):
        tool = OcopSelfAssessment(product_set=4)
        assert "Bộ sản phẩm: 4. Mật ong" in tool.to_markdown()
        assert "Quyết định 26/2026/QĐ-TTg" in tool.to_markdown()
        rows = tool.to_csv().splitlines()
        assert rows[0].endswith(",Bộ tiêu chí") and all(row.endswith("26/2026/QĐ-TTg (22/05/2026)") for row in rows[1:])

    def test_an_unknown_set_says_which_exist(self):
        import pytest

        with pytest.raises(criteria.CriteriaError, match="1, 4, 9, 11, 21, 26"):
            OcopSelfAssessment(product_set=14)


def test_hiding_the_case_hides_no_other_box():
    tool = OcopSelfAssessment(product_set=1)
    assert tool.picker.case_picker.layout.display == "none"
    shown = [tool.picker.set_picker, *tool.sliders.values()]
    assert all(box.layout is not tool.picker.case_picker.layout and box.layout.display != "none" for box in shown)
