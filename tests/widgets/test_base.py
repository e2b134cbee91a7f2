"""Tests of the base every tool shares: refresh, messages, holding, the chart painter, files and tables."""

import datetime
import json

import ipywidgets as w
import pytest
from matplotlib.figure import Figure

from ocopkit.errors import InputError
from ocopkit.i18n import set_language
from ocopkit.widgets import (
    BrandProtectionPlanner,
    CbtReadinessCheck,
    DossierChecklist,
    IdeaScoringMatrix,
    OcopNationalFigures,
    OcopSelfAssessment,
    PricingCalculator,
)
from ocopkit.widgets.base import FileBar, Tool
from ocopkit.widgets.common import LiveChart, figures_table, html_table
from ocopkit.widgets.inputs import FormTool, parse_number


class CountChart(LiveChart):
    """One bar whose height is the result; counts how often it is built."""

    built = 0

    def shape_of(self, result):
        return result >= 100  # another shape past 100: the chart is built again

    def build(self, result):
        CountChart.built += 1
        (self.bar,) = self.axes.bar([0], [0])

    def update(self, result):
        self.bar.set_height(result)
        return self.figure

    def caption_html(self, result):
        return f"<b>{result}</b>"


class OddError(ValueError):
    """An error of some logic that is not an InputError but says what to fix."""


class Doubler(Tool):
    """A small tool: a number box, a date picker and a tick box; the result is twice the number."""

    tool_name = "doubler"
    chart_class = CountChart
    input_errors = (InputError, OddError)

    def __init__(self, file_stem=None):
        self.computed = 0
        fields = {"x": w.Text("2"), "day": w.DatePicker(value=datetime.date(2026, 1, 15)), "tick": w.Checkbox()}
        super().__init__(w.VBox(list(fields.values())), fields=fields, file_stem=file_stem)
        self.refresh()

    def compute(self):
        self.computed += 1
        number = parse_number(self.fields["x"].value, "x", "Số")
        if number == 7:
            raise OddError("7 is not allowed")
        if number == 13:
            raise ValueError("unlucky")
        return 2 * number

    def summary_html(self, result):
        return f"<p>{result:g}</p>"


@pytest.fixture
def tool():
    return Doubler()


class TestRefresh:
    def test_a_valid_result_is_kept_summarised_and_drawn(self, tool):
        assert tool.result == 4 and tool.summary.value == "<p>4</p>" and tool.message.value == ""
        assert bytes(tool.chart.value).startswith(b"\x89PNG") and tool.caption.value == "<b>4.0</b>"

    def test_a_change_recomputes(self, tool):
        tool.fields["x"].value = "5"
        assert tool.result == 10 and tool.summary.value == "<p>10</p>"

    def test_bad_input_says_what_to_fix_outlines_the_box_and_keeps_the_result(self, tool):
        tool.fields["x"].value = "mười"
        assert tool.result == 4 and "Số" in tool.message.value and tool.fields["x"].layout.border
        tool.fields["x"].value = "3"
        assert tool.result == 6 and tool.message.value == "" and not tool.fields["x"].layout.border

    def test_other_errors_of_the_logic_are_shown_as_they_are(self, tool):
        tool.fields["x"].value = "7"
        assert tool.result == 4 and "7 is not allowed" in tool.message.value

    def test_an_unforeseen_value_error_is_a_message_not_a_traceback(self, tool):
        tool.fields["x"].value = "13"
        assert tool.result == 4 and "unlucky" in tool.message.value


class TestHold:
    def test_changes_inside_a_hold_recompute_once_afterwards(self, tool):
        before = tool.computed
        with tool._hold():
            tool.fields["x"].value = "8"
            tool.fields["tick"].value = True
            with tool._hold():  # nested holds end with the outer one
                tool.fields["x"].value = "9"
            assert tool._holding and tool.computed == before
        assert not tool._holding
        tool.refresh()
        assert tool.computed == before + 1 and tool.result == 18

    def test_set_inputs_recomputes_once(self, tool):
        before = tool.computed
        tool.set_inputs({"x": "21", "tick": True})
        assert tool.computed == before + 1 and tool.result == 42


class TestChart:
    def test_the_painter_is_reused_while_the_result_fits(self, tool):
        painter, built = tool._painter, CountChart.built
        tool.fields["x"].value = "10"
        assert tool._painter is painter and CountChart.built == built

    def test_another_shape_or_language_builds_it_again(self, tool):
        painter = tool._painter
        tool.fields["x"].value = "60"
        assert tool._painter is not painter
        painter = tool._painter
        set_language("en")
        tool.refresh()
        assert tool._painter is not painter

    def test_a_figure_drawn_anew_has_no_caption(self):
        class Fresh(Doubler):
            def chart_figure(self, result):
                figure = Figure()
                figure.subplots().bar([0], [result])
                return figure

        fresh = Fresh()
        assert fresh._painter is None and fresh.caption.value == ""
        assert bytes(fresh.chart.value).startswith(b"\x89PNG")


class TestInputsAndFiles:
    def test_inputs_can_be_written_as_json(self, tool):
        assert tool.inputs() == {"x": "2", "day": "2026-01-15", "tick": False}

    def test_save_and_load_round_trip_with_a_date(self, tool, tmp_path):
        tool.set_inputs({"x": "6", "day": "2027-03-01", "tick": True})
        path = tool.save(tmp_path / "doubler.json")
        assert json.loads(path.read_text(encoding="utf-8"))["tool"] == "doubler"
        again = Doubler()
        again.load(path)
        assert again.inputs() == tool.inputs() and again.result == 12
        assert again.fields["day"].value == datetime.date(2027, 3, 1)

    def test_unknown_names_and_values_that_do_not_fit_are_reported(self, tool):
        tool.set_inputs({"x": "4", "tick": "yes", "day": "mai", "y": 1})
        assert tool.result == 8 and not tool.fields["tick"].value
        assert "'yes'" in tool.message.value and "'mai'" in tool.message.value and "y" in tool.message.value

    def test_a_file_of_another_tool_is_refused(self, tool, tmp_path):
        path = tmp_path / "gia.json"
        path.write_text(json.dumps({"tool": "pricing", "version": 1, "inputs": {"x": "9"}}), encoding="utf-8")
        tool.load(path)
        assert tool.result == 4 and "pricing" in tool.message.value

    def test_a_missing_or_damaged_file_is_reported(self, tool, tmp_path):
        tool.load(tmp_path / "none.json")
        assert "none.json" in tool.message.value
        (tmp_path / "bad.json").write_text("[1, 2]", encoding="utf-8")
        tool.load(tmp_path / "bad.json")
        assert "bad.json" in tool.message.value and tool.result == 4

    def test_file_buttons_only_with_a_file_stem(self, tool):
        assert tool.files is None and tool.children[-1] is tool.chart
        with_files = Doubler(file_stem="gap-doi")
        assert isinstance(with_files.files, FileBar) and with_files.children[-1] is with_files.files


class TestEveryToolIsATool:
    @pytest.mark.parametrize(
        "make",
        [
            BrandProtectionPlanner,
            CbtReadinessCheck,
            DossierChecklist,
            IdeaScoringMatrix,
            OcopNationalFigures,
            OcopSelfAssessment,
            PricingCalculator,
        ],
    )
    def test_one_base(self, make):
        tool = make()
        assert isinstance(tool, Tool) and tool.result is not None and tool.message.value == ""
        assert bytes(tool.chart.value).startswith(b"\x89PNG")

    def test_form_tools_keep_their_interface(self):
        tool = PricingCalculator()
        assert isinstance(tool, FormTool)
        for name in (
            "compute",
            "summary_html",
            "chart_figure",
            "to_csv",
            "to_markdown",
            "number",
            "percent",
            "text",
            "refresh",
            "inputs",
            "set_inputs",
            "save",
            "load",
        ):
            assert callable(getattr(tool, name)), name
        assert issubclass(tool.chart_class, LiveChart)
        assert tool.children[-1] is tool.files and tool.children[3] is tool.caption

    def test_a_brand_date_box_is_outlined(self):
        tool = BrandProtectionPlanner(filing_date="2026-01-15")
        tool.filing.value = None
        assert tool.filing.layout.border and "ngày nộp đơn" in tool.message.value
        tool.filing.value = datetime.date(2026, 2, 2)
        assert not tool.filing.layout.border


class TestTables:
    def test_html_table_escapes_every_cell(self):
        table = html_table(["Tên", "Điểm"], [("<b>Gà</b> & co", 4)])
        assert table == (
            "<table><tr><th>Tên</th><th>Điểm</th></tr>"
            "<tr><td>&lt;b&gt;Gà&lt;/b&gt; &amp; co</td><td>4</td></tr></table>"
        )

    def test_html_table_bold_rows(self):
        table = html_table(["a"], [("x",), ("y",)], bold_rows={1})
        assert "<tr><td>x</td></tr><tr style='font-weight:bold'><td>y</td></tr>" in table

    def test_figures_table_right_aligns_values_in_bold(self):
        assert figures_table([("Tổng", "76 / 100")]) == (
            "<table><tr><td>Tổng</td><td style='text-align:right'><b>76 / 100</b></td></tr></table>"
        )


def test_plain_number_keeps_the_zeros_of_whole_numbers():
    from ocopkit.widgets.inputs import plain_number

    assert [plain_number(100.4, 0), plain_number(12.5), plain_number(1250000.0), plain_number(240.0, 2)] == [
        "100",
        "12,5",
        "1.250.000",
        "240",
    ]
