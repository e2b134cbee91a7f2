"""Tests of Topic 6's post-harvest loss calculator: set values in Python, read the result, chart and messages."""

import json

import pytest

from ocopkit import postharvest
from ocopkit.errors import InputError
from ocopkit.i18n import format_percent
from ocopkit.widgets.postharvest import PostHarvestLossCalculator, stage_loss_chart


@pytest.fixture
def tool():
    return PostHarvestLossCalculator("TL")


def png(tool):
    return bytes(tool.chart.value)


def row_of(tool, name):
    """The row number of a stage by its name."""
    return [tool.fields[f"name_{row}"].value for row in range(tool.rows)].index(name)


class TestStart:
    def test_opens_with_the_example_chain_and_its_first_intervention(self, tool):
        chain = postharvest.example_chain("TL")
        assert [s.name for s in tool.result.before.stages] == [s.name for s in chain.stages]
        assert tool.result.intervention.name == chain.interventions[0].name
        assert tool.fields["new_rate"].value == "2,5" and tool.fields["investment"].value == "25.500.000"
        assert png(tool).startswith(b"\x89PNG") and tool.message.value == ""

    def test_the_widget_shows_what_the_logic_computes(self, tool):
        chain = postharvest.example_chain("TL")
        expected = postharvest.assess_intervention(chain.harvest, chain.stages, chain.price, chain.interventions[0])
        assert tool.result.before.delivered == pytest.approx(expected.before.delivered)
        assert tool.result.kg_saved == pytest.approx(expected.kg_saved)
        assert tool.result.payback_years == pytest.approx(expected.payback_years)

    def test_the_summary_names_the_share_of_the_worst_stage_as_the_logic_gives_it(self, tool):
        chain = tool.result.before
        assert format_percent(chain.share_of_losses(chain.worst_stage)) in tool.summary.value

    def test_the_exports_are_those_of_the_logic(self, tool):
        assert tool.to_csv() == postharvest.losses_to_csv(tool.result)
        assert tool.to_markdown() == postharvest.losses_to_markdown(tool.result, "Thanh long ruột đỏ")

    def test_summary_shows_losses_value_and_payback(self, tool):
        summary = tool.summary.value
        assert "35.714 kg" in summary and "28,6%" in summary and "Bảo quản" in summary
        assert "7 tháng" in summary and "hoàn vốn trong 5 năm sử dụng" in summary
        assert "Sọt nhựa" in tool.caption.value

    def test_a_blank_row_waits_for_a_new_stage(self, tool):
        assert tool.rows == 7 and tool.fields["name_6"].value == ""
        assert len(tool.result.before.stages) == 6

    def test_an_unknown_example_chain_is_an_error(self):
        with pytest.raises(InputError, match="XOAI"):
            PostHarvestLossCalculator("XOAI")

    def test_every_example_chain_opens(self):
        for code in ("VAI", "RAU", "LUA"):
            assert PostHarvestLossCalculator(code).message.value == ""


class TestLiveUpdates:
    def test_changing_a_rate_updates_result_summary_and_chart(self, tool):
        chart, delivered = png(tool), tool.result.before.delivered
        tool.fields[f"rate_{row_of(tool, 'Bảo quản')}"].value = "3"
        assert tool.result.before.stage("Bảo quản").loss_rate == pytest.approx(0.03)
        assert tool.result.before.delivered > delivered
        assert png(tool) != chart and "3,0%" in tool.summary.value

    def test_the_chart_is_updated_in_place(self, tool):
        painter = tool._painter
        tool.fields["price"].value = "30.000"
        assert tool._painter is painter
        tool.fields["name_6"].value = "Chợ đầu mối"
        tool.fields["rate_6"].value = "2"
        assert tool._painter is not painter and len(tool.result.before.stages) == 7

    def test_choosing_a_preset_fills_its_boxes(self, tool):
        tool.fields["measure"].value = 2
        assert tool.result.intervention.name == "Kho lạnh nhỏ 30 m³"
        assert tool.fields["stage"].value == row_of(tool, "Bảo quản")
        assert tool.fields["investment"].value == "320.000.000"
        assert tool.result.pays_back_within_life is False and "không hoàn vốn" in tool.summary.value

    def test_choose_intervention_by_name(self, tool):
        tool.choose_intervention("Kho lạnh lớn 100 m³")
        assert tool.result.payback_years is None and "không bao giờ" in tool.summary.value

    def test_my_own_intervention_keeps_what_is_typed(self, tool):
        tool.fields["measure"].value = -1
        tool.set_inputs({"stage": row_of(tool, "Thu hoạch"), "new_rate": "1", "investment": "2.000.000"})
        assert tool.result.intervention.name == "Biện pháp của tôi"
        assert tool.result.intervention.stage == "Thu hoạch" and tool.result.intervention.new_rate == 0.01

    def test_renaming_a_stage_renames_it_in_the_intervention_list(self, tool):
        row = tool.fields["stage"].value
        tool.fields[f"name_{row}"].value = "Chở ra chợ"
        assert tool.fields["stage"].value == row and tool.fields["stage"].label == "Chở ra chợ"
        assert tool.result.intervention.stage == "Chở ra chợ"

    def test_set_stages_from_python(self, tool):
        tool.set_stages({"Thu hoạch": 0.02, "Vận chuyển": 0.10})
        assert [s.name for s in tool.result.before.stages] == ["Thu hoạch", "Vận chuyển"]
        assert tool.result.intervention.stage == "Vận chuyển" and tool.fields["rate_1"].value == "10"
        assert tool.fields["name_2"].value == ""

    def test_empty_optional_life_gives_no_verdict(self, tool):
        tool.fields["life"].value = ""
        assert tool.result.intervention.life_years is None and "sử dụng" not in tool.summary.value


class TestBadInput:
    @pytest.mark.parametrize(
        "box, value, words",
        [
            ("rate_3", "120", "từ 0% đến 90%"),
            ("rate_3", "bảy", "phải là một số"),
            ("harvest", "0", "lớn hơn 0"),
            ("new_rate", "9", "cao hơn hiện nay"),
            ("investment", "-5", "âm"),
        ],
    )
    def test_a_message_and_the_last_result_kept(self, tool, box, value, words):
        kept = tool.result
        tool.fields[box].value = value
        assert tool.result is kept and words in tool.message.value

    def test_the_box_to_fix_is_outlined_and_cleared_when_fixed(self, tool):
        tool.fields["rate_3"].value = "abc"
        assert tool.fields["rate_3"].layout.border and not tool.fields["rate_2"].layout.border
        tool.fields["rate_3"].value = "7,5"
        assert tool.message.value == "" and not tool.fields["rate_3"].layout.border

    def test_a_rate_without_a_name(self, tool):
        tool.fields["rate_6"].value = "3"
        assert "Dòng 7 có tỷ lệ tổn thất nhưng chưa có tên công đoạn" in tool.message.value

    def test_the_intervention_on_a_row_without_a_name(self, tool):
        tool.fields["stage"].value = 6
        assert "dòng 7" in tool.message.value and tool.fields["stage"].label == "Dòng 7 (chưa có tên)"

    def test_two_stages_with_one_name(self, tool):
        tool.fields["name_1"].value = "Thu hoạch"
        assert "cùng tên 'Thu hoạch'" in tool.message.value

    def test_too_many_stages_from_python_change_nothing(self, tool):
        kept = tool.result
        tool.set_stages({f"công đoạn {n}": 0.01 for n in range(9)})
        assert tool.result is kept and "blank_rows=3" in tool.message.value

    def test_a_wrong_rate_from_python_changes_nothing(self, tool):
        kept = tool.result
        tool.set_stages({"Thu hoạch": 5})
        assert tool.result is kept and "0.05" in tool.message.value

    def test_an_unknown_preset_is_reported(self, tool):
        tool.choose_intervention("Máy bay")
        assert "Máy bay" in tool.message.value and tool.fields["measure"].value == 0


class TestFiles:
    def test_csv_and_markdown_exports(self, tool, tmp_path):
        text = tool.to_csv(tmp_path / "ton_that.csv")
        assert text.splitlines()[0].startswith("Công đoạn,Tỷ lệ tổn thất,kg đầu vào")
        assert (tmp_path / "ton_that.csv").read_bytes().startswith(b"\xef\xbb\xbf")
        markdown = tool.to_markdown(tmp_path / "ton_that.md")
        assert markdown.startswith("## Tổn thất sau thu hoạch: Thanh long ruột đỏ")
        assert "| Bảo quản | 9,5% |" in markdown and "Hoàn vốn: 7 tháng" in markdown

    def test_save_and_load_round_trip(self, tool, tmp_path):
        tool.fields["rate_3"].value = "6"
        tool.fields["measure"].value = 1
        path = tool.save(tmp_path / "ton_that.json")
        assert json.loads(path.read_text(encoding="utf-8"))["tool"] == "PostHarvestLossCalculator"
        other = PostHarvestLossCalculator("TL")
        other.load(path)
        assert other.fields["rate_3"].value == "6" and other.fields["measure"].value == 1
        assert other.result.kg_saved == pytest.approx(tool.result.kg_saved)


class TestEnglish:
    def test_labels_summary_and_messages_in_english(self, english):
        tool = PostHarvestLossCalculator("VAI")
        assert tool.fields["harvest"].description == "Harvest per year (kg)"
        assert "Reaches the buyer" in tool.summary.value and "More kg reaching the buyer" in tool.summary.value
        assert tool._painter.labels[0].get_text() == "Thu hoạch: 36.0 million VND" and "now" in tool.caption.value
        tool.fields["rate_0"].value = "95"
        assert "must be between 0% and 90%" in tool.message.value
        assert tool.to_markdown().startswith("## Post-harvest losses: Vải thiều")


def test_chart_function_draws_a_figure():
    chain = postharvest.example_chain("LUA")
    result = postharvest.assess_intervention(chain.harvest, chain.stages, chain.price, chain.interventions[0])
    figure = stage_loss_chart(result)
    labels = [text.get_text() for text in figure.axes[0].texts]
    assert labels[0].startswith("Cắt và gom lúa:") and "triệu ₫" in labels[0]
