"""Tests of Topic 7's benefit-sharing and capacity calculator: set values in Python, read results and messages."""

import json

import pandas as pd
import pytest

from ocopkit import datasets, tourism_coop
from ocopkit.errors import InputError
from ocopkit.i18n import format_money, format_percent
from ocopkit.widgets.tourism_coop import TourismCoopCalculator, coop_chart


@pytest.fixture
def tool():
    return TourismCoopCalculator()


def png(tool):
    return bytes(tool.chart.value)


class TestStart:
    def test_starts_with_the_lesson_example(self, tool):
        sharing = tool.result.sharing
        assert sharing.surplus == 480_000_000 and sharing.community_fund == 48_000_000
        assert tool.result.capacity.max_daily_visitors == 240
        assert len(sharing.table) == 10 and tool.rows == 11
        assert png(tool).startswith(b"\x89PNG") and tool.message.value == ""

    def test_summary_caption_and_dashboard_in_vietnamese(self, tool):
        assert "Quỹ phát triển cộng đồng" in tool.summary.value and "48.000.000 ₫" in tool.summary.value
        assert "Hộ Lý Văn Phúc" in tool.summary.value and "Bảng chỉ số bền vững" in tool.summary.value
        assert "Các tháng dưới điểm hòa vốn: 1, 8, 12." in tool.summary.value
        assert "sức chứa mỗi ngày: 240 khách" in tool.caption.value

    def test_a_bad_starting_table_is_an_error(self):
        members = datasets.load("topic07_members").drop(columns="von_gop")
        with pytest.raises(InputError, match="von_gop"):
            TourismCoopCalculator(members)

    def test_a_months_table_without_the_busiest_day_is_an_error(self):
        with pytest.raises(InputError, match="khach_ngay_cao_nhat"):
            TourismCoopCalculator(months=datasets.load("topic07_monthly").drop(columns="khach_ngay_cao_nhat"))

    def test_the_widget_shows_what_the_logic_computes(self, tool):
        expected = tourism_coop.share_surplus(480_000_000, datasets.load("topic07_members"))
        pd.testing.assert_frame_equal(tool.result.sharing.table, expected.table)

    def test_the_parts_and_their_shares_are_those_of_the_logic(self, tool):
        sharing = tool.result.sharing
        shares = sharing.shares()
        for label, amount in sharing.parts().items():
            assert (
                f"{label} ({format_percent(shares[label], None)})</td><td style='text-align:right'><b>"
                f"{format_money(amount)}</b>" in tool.summary.value
            )

    def test_the_exports_are_those_of_the_logic(self, tool):
        assert tool.to_csv() == tourism_coop.sharing_to_csv(tool.result.sharing)
        assert tool.to_markdown() == tourism_coop.review_to_markdown(tool.result)


class TestLiveUpdates:
    def test_changing_the_surplus_reshares_it(self, tool):
        chart = png(tool)
        tool.fields["surplus"].value = "350.000.000"
        sharing = tool.result.sharing
        assert (sharing.community_fund, sharing.by_patronage, sharing.by_capital) == (
            35_000_000,
            171_500_000,
            73_500_000,
        )
        assert sharing.table["tong_duoc_chia"].sum() == 245_000_000
        assert png(tool) != chart

    def test_changing_the_charter(self, tool):
        tool.set_inputs({"development_fund": "15", "community_fund": "5", "by_patronage": "60"})
        sharing = tool.result.sharing
        assert (sharing.development_fund, sharing.community_fund) == (72_000_000, 24_000_000)
        assert sharing.by_patronage == 230_400_000 and sharing.by_capital == 153_600_000

    def test_editing_a_member_row(self, tool):
        tool.fields["capital_0"].value = "0"
        assert tool.result.sharing.table.loc[0, "theo_von"] == 0

    def test_a_new_household_in_the_blank_row(self, tool):
        tool.set_inputs({"name_10": "Hộ Mới", "capital_10": "5.000.000", "patronage_10": "10.000.000"})
        table = tool.result.sharing.table
        assert len(table) == 11 and table["ho_thanh_vien"].iloc[-1] == "Hộ Mới"
        assert table["tong_duoc_chia"].sum() == tool.result.sharing.to_members

    def test_the_site_and_the_dashboard(self, tool):
        tool.set_inputs({"area": "360"})
        assert tool.result.capacity.max_daily_visitors == 288
        assert tool.result.months_over_capacity == [2]
        tool.fields["correction"].value = "25"
        assert tool.result.capacity.max_daily_visitors == 216
        assert "Sau khi điều chỉnh" in tool.summary.value

    def test_set_members_from_a_table(self, tool):
        tool.set_members(datasets.load("topic07_members").head(3))
        assert list(tool.result.sharing.table["ho_thanh_vien"]) == [
            "Hộ Lý Văn Phúc",
            "Hộ Vàng Thị Mai",
            "Hộ Giàng A Chính",
        ]
        assert tool.fields["name_3"].value == ""

    def test_set_months(self, tool):
        months = datasets.load("topic07_monthly")
        months["doanh_thu"] = months["doanh_thu"] * 2
        tool.set_months(months)
        assert tool.result.months_below_break_even == []


class TestBadInput:
    @pytest.mark.parametrize(
        "name, value, words",
        [
            ("surplus", "nhiều", "Thặng dư đem chia"),
            ("surplus", "-1.000.000", "lỗ"),
            ("community_fund", "85", "100%"),
            ("by_patronage", "170", "Phần của thành viên chia theo giao dịch"),
            ("visit_hours", "9", "dài hơn"),
            ("area", "", "trống"),
        ],
    )
    def test_bad_input_keeps_the_last_result(self, tool, name, value, words):
        kept = tool.result
        tool.fields[name].value = value
        assert tool.result is kept and words in tool.message.value

    def test_the_box_to_fix_is_outlined(self, tool):
        tool.fields["visit_hours"].value = "9"
        assert tool.fields["visit_hours"].layout.border and not tool.fields["area"].layout.border

    def test_figures_without_a_name(self, tool):
        tool.fields["patronage_10"].value = "1.000.000"
        assert "Dòng 11" in tool.message.value

    def test_a_member_named_twice(self, tool):
        tool.fields["name_1"].value = "Hộ Lý Văn Phúc"
        assert "Hộ Lý Văn Phúc" in tool.message.value and "lặp lại" in tool.message.value

    def test_fixing_the_input_clears_the_message(self, tool):
        tool.fields["surplus"].value = "abc"
        tool.fields["surplus"].value = "100.000.000"
        assert tool.message.value == "" and tool.result.sharing.surplus == 100_000_000

    def test_too_many_members_for_the_rows(self, tool):
        many = pd.concat([datasets.load("topic07_members")] * 2, ignore_index=True)
        many["ho_thanh_vien"] = [f"Hộ {i}" for i in range(len(many))]
        tool.set_members(many)
        assert "blank_rows=10" in tool.message.value and len(tool.result.sharing.table) == 10

    def test_a_bad_months_table_is_kept_out(self, tool):
        kept = tool.months
        tool.set_months(datasets.load("topic07_monthly").drop(columns="doanh_thu"))
        assert tool.months is kept and "doanh_thu" in tool.message.value


class TestFiles:
    def test_csv_has_one_row_per_member(self, tool, tmp_path):
        text = tool.to_csv(tmp_path / "chia.csv")
        assert text.splitlines()[0].startswith("Hộ thành viên,Vốn góp")
        assert len(text.splitlines()) == 11
        assert (tmp_path / "chia.csv").read_text(encoding="utf-8-sig") == text

    def test_markdown_has_the_three_sections(self, tool):
        text = tool.to_markdown()
        assert "## Chia thặng dư" in text and "## Sức chứa của điểm tham quan" in text
        assert "| Số tháng dưới điểm hòa vốn | 3 | ≤ 2 | ✗ |" in text

    def test_save_and_load(self, tool, tmp_path):
        tool.fields["surplus"].value = "350.000.000"
        path = tool.save(tmp_path / "htx.json")
        assert json.loads(path.read_text(encoding="utf-8"))["inputs"]["name_0"] == "Hộ Lý Văn Phúc"
        other = TourismCoopCalculator()
        other.load(path)
        assert other.result.sharing.surplus == 350_000_000


class TestEnglish:
    def test_labels_summary_and_messages_in_english(self, english):
        tool = TourismCoopCalculator()
        assert tool.fields["surplus"].description == "Surplus to share (VND)"
        assert "Community development fund" in tool.summary.value and "48,000,000 VND" in tool.summary.value
        assert "Months below break-even: 1, 8, 12." in tool.summary.value
        assert "daily capacity: 240 visitors" in tool.caption.value
        tool.fields["visit_hours"].value = "9"
        assert "longer than the 8 hours" in tool.message.value


def test_the_chart_can_be_drawn_on_its_own(tool):
    figure = coop_chart(tool.result)
    assert len(figure.axes) == 2 and len(figure.axes[1].patches) == 12
