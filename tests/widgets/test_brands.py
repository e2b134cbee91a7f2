"""Tests of Topic 5's brand protection planner: set values in Python, read the plan, chart and messages."""

import datetime

import pandas as pd
import pytest

from ocopkit import brands
from ocopkit.errors import InputError
from ocopkit.widgets.brands import BrandProtectionPlanner


@pytest.fixture
def tool():
    return BrandProtectionPlanner(kind="nhan_hieu", filing_date="2026-01-15")


def png(tool):
    return bytes(tool.chart.value)


class TestStart:
    def test_starts_with_a_plan_chart_and_checklist(self, tool):
        assert tool.result.timeline.decision_due == pd.Timestamp("2027-01-15")
        assert png(tool).startswith(b"\x89PNG")
        assert len(tool.checkboxes) == len(tool.result.documents) == 5
        assert "0/5" in tool.ready_count.value

    def test_without_a_date_it_starts_today(self):
        assert BrandProtectionPlanner().filing.value == datetime.date.today()

    def test_summary_shows_dates_basis_and_renewal(self, tool):
        assert "15/02/2026" in tool.summary.value and "luật định" in tool.summary.value
        assert "15/01/2036" in tool.summary.value and "15/07/2035" in tool.summary.value
        assert "Nhãn hiệu (thông thường)" in tool.about.value

    def test_a_bad_starting_value_is_an_error(self):
        with pytest.raises(InputError):
            BrandProtectionPlanner(kind="thuong_hieu")


class TestLiveUpdates:
    def test_changing_the_kind_changes_dates_documents_and_chart(self, tool):
        chart = png(tool)
        tool.kind.value = "chi_dan_dia_ly"
        assert tool.result.timeline.decision_due == pd.Timestamp("2026-10-15")
        assert tool.result.renewal is None and "vô thời hạn" in tool.summary.value
        assert any("Bản mô tả" in d for d in tool.result.documents) and len(tool.checkboxes) == 5
        assert png(tool) != chart

    def test_picking_a_filing_date_moves_every_step(self, tool):
        tool.filing.value = datetime.date(2026, 3, 1)
        assert tool.result.timeline.phase("publication").end == pd.Timestamp("2026-06-01")

    def test_set_filing_date_accepts_vietnamese_writing(self, tool):
        tool.set_filing_date("01/03/2026")
        assert tool.filing.value == datetime.date(2026, 3, 1)
        assert tool.result.timeline.filing_date == pd.Timestamp("2026-03-01")

    def test_evaluation_date_says_in_time_or_not(self, tool):
        tool.set_evaluation_date("2027-03-15")
        assert tool.result.ready_for_evaluation is True and "Kịp kỳ đánh giá" in tool.summary.value
        tool.set_filing_date("2026-01-16")
        assert tool.result.ready_for_evaluation is False and "Hãy nộp đơn sớm hơn" in tool.summary.value
        tool.set_evaluation_date(None)
        assert tool.result.ready_for_evaluation is None and "đánh giá" not in tool.summary.value

    def test_a_place_name_adds_documents_for_a_collective_mark(self, tool):
        tool.set_kind("nhan_hieu_tap_the")
        tool.place_name.value = True
        assert len(tool.checkboxes) == 8 and any("UBND tỉnh" in d for d in tool.result.documents)

    def test_ticking_documents(self, tool):
        tool.checkboxes[0].value = True
        tool.checkboxes[-1].value = True
        assert tool.documents_ready() == [tool.result.documents[0], tool.result.documents[-1]]
        assert len(tool.documents_missing()) == 3 and "2/5" in tool.ready_count.value
        for box in tool.checkboxes:
            box.value = True
        assert "đủ 5 giấy tờ" in tool.ready_count.value

    def test_ticks_survive_a_change_that_keeps_the_documents(self, tool):
        tool.checkboxes[0].value = True
        tool.set_filing_date("2026-05-05")
        assert tool.checkboxes[0].value is True

    def test_a_new_list_of_documents_starts_unticked(self, tool):
        tool.checkboxes[0].value = True
        tool.set_kind("nhan_hieu_chung_nhan")
        assert not any(box.value for box in tool.checkboxes)


class TestBadInput:
    @pytest.mark.parametrize("bad", ["2026-13-01", "mai", 2026, None])
    def test_a_bad_filing_date_from_python_changes_nothing(self, tool, bad):
        kept, date = tool.result, tool.filing.value
        tool.set_filing_date(bad)
        assert tool.result is kept and tool.filing.value == date
        assert "Ngày nộp đơn" in tool.message.value

    def test_clearing_the_filing_date_keeps_the_last_plan(self, tool):
        kept = tool.result
        tool.filing.value = None
        assert tool.result is kept and "Hãy chọn ngày nộp đơn" in tool.message.value
        tool.filing.value = datetime.date(2026, 2, 2)
        assert tool.message.value == "" and tool.result is not kept

    def test_an_unknown_kind_from_python_is_reported(self, tool):
        tool.set_kind("bang_sang_che")
        assert tool.kind.value == "nhan_hieu" and "bang_sang_che" in tool.message.value

    def test_a_bad_evaluation_date_is_reported(self, tool):
        tool.set_evaluation_date("15.03.2027")
        assert tool.evaluation.value is None and "Ngày đánh giá OCOP" in tool.message.value


class TestEnglish:
    def test_labels_summary_and_messages_in_english(self, english):
        tool = BrandProtectionPlanner(kind="nhan_hieu_tap_the", filing_date="2026-01-15", evaluation_date="2027-03-15")
        assert tool.kind.description == "Kind of protection"
        assert ("Collective mark", "nhan_hieu_tap_the") in tool.kind.options
        assert "In time for the OCOP evaluation on 2027-03-15" in tool.summary.value
        assert "statutory" in tool.summary.value and "Who may apply" in tool.about.value
        tool.set_filing_date("yesterday")
        assert "Filing date must be a date" in tool.message.value


def test_the_widget_shows_what_the_logic_computes(tool):
    expected = brands.plan("nhan_hieu", "2026-01-15")
    assert tool.result.timeline == expected.timeline and tool.result.documents == expected.documents


def test_inputs_and_dates_survive_a_saved_file(tool, tmp_path):
    tool.set_kind("nhan_hieu_tap_the")
    tool.set_evaluation_date("2027-03-15")
    again = BrandProtectionPlanner()
    again.load(tool.save(tmp_path / "nhan-hieu.json"))
    assert again.inputs() == tool.inputs() and again.result == tool.result
    assert again.filing.value == datetime.date(2026, 1, 15)
