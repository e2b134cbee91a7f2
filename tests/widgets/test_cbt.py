"""Tests of Topic 10's readiness self-check widget: set values in Python, read the result, chart and messages."""

import numpy as np
import pytest

from ocopkit import cbt, datasets
from ocopkit.errors import InputError
from ocopkit.i18n import format_number
from ocopkit.widgets.cbt import CbtReadinessCheck


@pytest.fixture
def tool():
    return CbtReadinessCheck()


def png(tool):
    return bytes(tool.chart.value)


class TestStart:
    def test_starts_from_the_course_dataset(self, tool):
        assert len(tool.checkboxes) == 36 and png(tool).startswith(b"\x89PNG")
        assert tool.result.top_gaps(3) == ("MT2", "MT3", "TQ3")
        assert len(tool.groups.children) == 6
        assert tool.groups.titles[0] == "Sở hữu và quản lý của cộng đồng"

    def test_summary_gaps_and_caption_in_vietnamese(self, tool):
        assert "55,6 %" in tool.summary.value and "Còn 4 yêu cầu tối thiểu chưa đạt" in tool.summary.value
        assert tool.gap_list.value.count("<li>") == 3 and "MT2" in tool.gap_list.value
        assert "Mức sẵn sàng theo nhóm tiêu chí" in tool.caption.value

    def test_a_bad_starting_table_is_an_error(self):
        with pytest.raises(InputError):
            CbtReadinessCheck(datasets.load("topic10_site_self_check").drop(columns="muc"))


class TestLiveUpdates:
    def test_ticking_a_box_changes_result_and_chart(self, tool):
        chart = png(tool)
        tool.checkboxes["MT2"].value = True
        assert tool.result.by_group["moi_truong"] == pytest.approx(50)
        assert tool.result.top_gaps(3) == ("TQ3", "HD2", "MT3")
        assert png(tool) != chart

    def test_closing_every_minimum_gap(self, tool):
        for code in ("HD2", "TQ3", "MT2", "MT3"):
            tool.set_met(code, 1)
        assert tool.result.minimum_met and "Đã đạt mọi yêu cầu tối thiểu" in tool.summary.value

    def test_ticking_everything_leaves_no_gaps(self, tool):
        for box in tool.checkboxes.values():
            box.value = True
        assert tool.result.overall == 100 and "Không còn việc nào" in tool.gap_list.value

    def test_numpy_values_from_a_table_work(self, tool):
        tool.set_met("MT2", np.int64(1))
        assert tool.checkboxes["MT2"].value is True and tool.message.value == ""

    def test_table_reads_the_boxes(self, tool):
        tool.set_met("AU6", True)
        table = tool.table()
        assert table.set_index("ma_chi_so").loc["AU6", "dat"] == 1

    def test_gap_count_lists_more(self, tool):
        tool.gap_count.value = 5
        assert tool.gap_list.value.count("<li>") == 5

    def test_load_another_table(self, tool):
        other = datasets.load("topic10_site_self_check")
        other = other[other["nhom"].isin(["an_uong", "luu_tru", "quan_ly"])]
        tool.load_table(other)
        assert len(tool.checkboxes) == 18 and list(tool.result.by_group.index) == ["quan_ly", "an_uong", "luu_tru"]
        tool.set_met("LT5", True)
        assert tool.result.by_group["luu_tru"] == pytest.approx(500 / 6)


class TestBadInput:
    def test_an_unknown_code_is_reported(self, tool):
        kept = tool.result
        tool.set_met("XX9", True)
        assert tool.result is kept and "XX9" in tool.message.value

    @pytest.mark.parametrize("bad", ["có", 2, None])
    def test_a_bad_value_is_reported_and_changes_nothing(self, tool, bad):
        kept = tool.result
        tool.set_met("MT2", bad)
        assert tool.result is kept and tool.checkboxes["MT2"].value is False
        assert "Chỉ số MT2" in tool.message.value

    def test_a_bad_table_keeps_the_last_result(self, tool):
        kept = tool.result
        bad = datasets.load("topic10_site_self_check").assign(nhom="an_ninh")
        tool.load_table(bad)
        assert tool.result is kept and len(tool.checkboxes) == 36 and "an_ninh" in tool.message.value

    def test_the_next_good_change_clears_the_message(self, tool):
        tool.set_met("XX9", True)
        tool.set_met("MT2", True)
        assert tool.message.value == ""


class TestEnglish:
    def test_labels_summary_and_messages_in_english(self, english):
        tool = CbtReadinessCheck()
        assert tool.groups.titles[3] == "Food and beverage"
        assert "55.6 %" in tool.summary.value and "4 minimum requirement(s) not met yet" in tool.summary.value
        assert "Gaps to close first" in tool.gap_list.value and "minimum" in tool.gap_list.value
        tool.set_met("XX9", True)
        assert "There is no indicator" in tool.message.value


class TestSameAsTheLogic:
    def test_the_widget_shows_what_the_logic_computes(self, tool):
        tool.set_met("MT2", True)
        expected = cbt.assess(tool.table())
        assert tool.result.by_group.equals(expected.by_group) and tool.result.top_gaps(5) == expected.top_gaps(5)
        assert f"{format_number(expected.overall, 1)} %" in tool.summary.value

    def test_the_radar_is_updated_in_place(self, tool):
        painter = tool._painter
        tool.set_met("AU6", True)
        assert tool._painter is painter
        assert list(painter.line.get_ydata()[:-1]) == pytest.approx(list(tool.result.by_group.values))
