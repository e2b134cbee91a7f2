"""Tests of the participants' tools: set boxes in Python, read results, messages, charts and files."""

import json

import pandas as pd
import pytest

from ocopkit import finance, pricing, story
from ocopkit.errors import InputError
from ocopkit.i18n import _, format_money, set_language
from ocopkit.widgets import (
    BusinessPlanBuilder,
    OcopSelfAssessment,
    PricingCalculator,
    ProductStoryBuilder,
)
from ocopkit.widgets.inputs import parse_number, parse_percent

BOM = "\ufeff".encode()


def chart_bytes(tool) -> bytes:
    """The chart's PNG (``Image.value`` is a memoryview)."""
    return bytes(tool.chart.value)


def assert_refused(tool, cases):
    """Each ``(field, value)`` typed shows a message, outlines the box and keeps the last result."""
    for field, value in cases:
        typed, kept, chart = tool.fields[field].value, tool.result, chart_bytes(tool)
        tool.fields[field].value = value
        assert tool.message.value, f"no message for {field}={value!r}"
        assert tool.result is kept and chart_bytes(tool) == chart
        assert tool.fields[field].layout.border, f"box {field} not outlined"
        tool.fields[field].value = typed
        assert tool.message.value == "" and not tool.fields[field].layout.border


# --------------------------------------------------------------------------- parsing


class TestParseNumber:
    @pytest.mark.parametrize(
        "text, number",
        [
            ("1.250.000", 1_250_000),
            ("1250000", 1_250_000),
            ("12,5", 12.5),
            ("1 250 000 đ", 1_250_000),
            ("25.000₫", 25_000),
            ("1.250.000,5", 1_250_000.5),
            ("1,250,000.5", 1_250_000.5),
            ("0.12", 0.12),
            ("30%", 30),
            ("-5", -5),
            (" 7 ", 7),
            ("25.000 đồng", 25_000),
            ("100 VND", 100),
        ],
    )
    def test_reads_what_participants_type(self, text, number):
        assert parse_number(text, "price", "Giá") == pytest.approx(number)

    @pytest.mark.parametrize("language", ["vi", "en"])
    def test_one_mark_before_three_digits_groups_thousands_in_both_languages(self, language):
        set_language(language)
        assert parse_number("1.250", "x", "x") == parse_number("1,250", "x", "x") == 1250
        assert parse_number("0,125", "x", "x") == parse_number("0.125", "x", "x") == 0.125
        assert parse_number("12,50", "x", "x") == 12.5

    def test_numbers_pass_through(self):
        assert parse_number(25000, "x", "x") == 25000.0

    @pytest.mark.parametrize("text", ["mười", "12a", "1.25.000", "1,2,3", "1,250.000,5", "--5", "."])
    def test_text_gets_a_friendly_message_naming_the_box(self, text):
        with pytest.raises(InputError) as caught:
            parse_number(text, "unit_price", "Giá bán")
        assert caught.value.field == "unit_price"
        assert "Giá bán" in str(caught.value) and "1.250.000" in str(caught.value)

    def test_an_empty_box_says_so(self):
        with pytest.raises(InputError, match="trống"):
            parse_number("  ", "x", "Giá bán")

    def test_percent_becomes_a_fraction(self):
        assert parse_percent("12,5", "rate", "Lãi suất", 0, 50) == pytest.approx(0.125)

    def test_a_margin_of_100_percent_is_refused_in_percent(self):
        with pytest.raises(InputError, match="100%"):
            parse_percent("100", "margin", "Tỷ suất", 0, 100, below_high=True)


# --------------------------------------------------------------------------- business plan


class TestBusinessPlanBuilder:
    def test_opens_with_a_worked_example(self):
        tool = BusinessPlanBuilder()
        assert isinstance(tool.result, finance.PlanResult)
        assert tool.result.plan.months == 36 and tool.result.plan.loan is not None
        assert tool.message.value == "" and chart_bytes(tool).startswith(b"\x89PNG")
        assert "(đồng/kg)" in tool.fields["unit_price"].description

    def test_changing_a_box_updates_result_summary_and_chart(self):
        tool = BusinessPlanBuilder()
        summary, chart = tool.summary.value, chart_bytes(tool)
        tool.fields["unit_price"].value = "90.000"
        assert tool.result.plan.unit_price == 90_000
        assert tool.summary.value != summary and chart_bytes(tool) != chart

    def test_a_sixty_month_plan_with_seasons(self):
        tool = BusinessPlanBuilder()
        tool.set_inputs({"months": "60", "seasonal_factors": "1; 1; 1; 1; 1; 1; 1; 1; 1; 1; 1,5; 2"})
        assert len(tool.result.table) == 61
        assert tool.result.plan.seasonal_factors[-2:] == (1.5, 2.0)

    def test_a_zero_loan_means_no_loan_and_ignores_its_boxes(self):
        tool = BusinessPlanBuilder()
        tool.set_inputs({"loan_principal": "0", "loan_rate": "abc"})
        assert tool.message.value == "" and tool.result.plan.loan is None

    def test_invalid_input_shows_a_message_and_keeps_the_last_result(self):
        assert_refused(
            BusinessPlanBuilder(),
            [
                ("unit_price", "-5"),
                ("units_per_month", "0"),
                ("unit_price", "tám mươi nghìn"),
                ("months", "100"),
                ("months", "24,5"),
                ("loan_rate", "60"),
                ("growth_rate", "500"),
                ("seasonal_factors", "1; 2"),
                ("seasonal_factors", "1;1;1;1;1;1;1;1;1;1;1;mười"),
            ],
        )

    def test_fixing_the_input_clears_the_message(self):
        tool = BusinessPlanBuilder()
        tool.fields["unit_price"].value = "abc"
        tool.fields["unit_price"].value = "85.000"
        assert tool.message.value == "" and not tool.fields["unit_price"].layout.border
        assert tool.result.plan.unit_price == 85_000

    def test_the_summary_shows_the_key_figures_of_the_logic(self):
        tool = BusinessPlanBuilder()
        for label, value in finance.key_figure_rows(tool.result):
            assert f"<td>{label}</td><td style='text-align:right'><b>{value}</b>" in tool.summary.value
        assert format_money(tool.result.loan_instalment) in tool.summary.value

    def test_csv_and_markdown_exports(self, tmp_path):
        tool = BusinessPlanBuilder()
        tool.to_csv(tmp_path / "plan.csv")
        assert (tmp_path / "plan.csv").read_bytes().startswith(BOM)
        table = pd.read_csv(tmp_path / "plan.csv", encoding="utf-8-sig")
        assert len(table) == 37 and "Lợi nhuận" in table.columns
        assert table["Doanh thu"].sum() == pytest.approx(tool.result.total_revenue)
        text = tool.to_markdown(tmp_path / "plan.md")
        assert text.startswith("## Phương án kinh doanh: Miến dong Bình Liêu")
        assert (tmp_path / "plan.md").read_text(encoding="utf-8") == text

    def test_save_and_load_round_trip(self, tmp_path):
        tool = BusinessPlanBuilder()
        tool.set_inputs(
            {
                "product": "Chè Shan tuyết",
                "unit_price": "95.000",
                "start_month": 9,
                "growth_period": "month",
                "growth_rate": "1,5",
            }
        )
        path = tool.save(tmp_path / "ke-hoach.json")
        saved = json.loads(path.read_text(encoding="utf-8"))
        assert "Chè Shan tuyết" in path.read_text(encoding="utf-8")  # not \\u escapes
        assert saved["tool"] == "BusinessPlanBuilder"
        again = BusinessPlanBuilder()
        again.load(path)
        assert again.inputs() == tool.inputs() and again.message.value == ""
        assert again.result.npv == tool.result.npv

    def test_a_damaged_save_file_is_reported(self, tmp_path):
        bad = tmp_path / "hong.json"
        bad.write_text("{not json", encoding="utf-8")
        tool = BusinessPlanBuilder()
        kept = tool.result
        tool.load(bad)
        assert "hong.json" in tool.message.value and tool.result is kept

    def test_a_file_of_another_tool_is_refused(self, tmp_path):
        path = PricingCalculator().save(tmp_path / "gia.json")
        tool = BusinessPlanBuilder()
        tool.load(path)
        assert "PricingCalculator" in tool.message.value

    def test_english(self, english):
        tool = BusinessPlanBuilder()
        assert tool.fields["unit_price"].description == "Unit price (VND/kg)"
        assert "VND" in tool.summary.value
        tool.fields["unit_price"].value = "eighty"
        assert 'Unit price must be a number, you typed "eighty"' in tool.message.value
        assert tool.to_markdown().startswith("## Business plan")


# --------------------------------------------------------------------------- pricing


class TestPricingCalculator:
    def test_cost_plus_markup_rounded_up_and_three_channels(self):
        tool = PricingCalculator()
        sheet = tool.result
        assert sheet.cost.total == 78_000  # 38 + 12 + 9 + 4 thousand + 30 M / 2,000 units
        assert sheet.price == 110_000  # 78,000 × 1.4 = 109,200, rounded up to 1,000
        direct, shops, platform = sheet.channels
        assert direct.consumer_price == 110_000
        assert shops.consumer_price == 173_000  # 110,000 / 0.85 / 0.75 = 172,549 → 173,000
        assert all(split.producer_net >= sheet.price for split in sheet.channels)
        assert sheet.market.market_price == 120_000

    def test_the_sheet_is_what_the_logic_builds_at_rounded_shelf_prices(self):
        tool = PricingCalculator()
        costs = pricing.CostSheet(
            units_per_period=2000,
            materials_per_unit=38_000,
            labour_per_unit=12_000,
            packaging_per_unit=9000,
            overheads_per_period=30_000_000,
            logistics_per_unit=4000,
        )
        price = pricing.round_up(pricing.cost_plus_price(78_000, 0.40), 1000)
        channels = (
            pricing.ResellerChannel(_("Direct sale")),
            pricing.ResellerChannel(_("Shops"), ((_("Distributor"), 0.15), (_("Retailer"), 0.25))),
            pricing.PlatformChannel(_("E-commerce platform"), 0.12, 3000, 15_000),
        )
        expected = pricing.build_price_sheet(
            costs, price, product="Long nhãn sấy Hưng Yên", market_price=120_000, channels=channels, shelf_rounding=1000
        )
        assert tool.result == expected
        for split in expected.channels:
            assert format_money(split.consumer_price) in tool.summary.value

    def test_the_chart_stacks_the_cost_and_profit_of_the_logic(self):
        tool = PricingCalculator()
        sheet = tool.result
        for row, split in enumerate(sheet.channels[::-1]):  # the first channel is drawn on top
            cost, profit = split.cost_and_profit(sheet.cost.total)
            assert tool._painter.bars[_("Unit cost")].patches[row].get_width() == cost
            assert tool._painter.bars[_("Producer's profit")].patches[row].get_width() == profit

    def test_target_margin_without_rounding(self):
        tool = PricingCalculator()
        tool.set_inputs({"method": "margin", "margin": "30", "rounding": 0})
        assert tool.result.price == pytest.approx(78_000 / 0.7)
        assert tool.fields["markup"].disabled and not tool.fields["margin"].disabled

    def test_changing_a_cost_updates_the_chart_and_summary(self):
        tool = PricingCalculator()
        chart, summary = chart_bytes(tool), tool.summary.value
        tool.fields["materials_per_unit"].value = "45.000"
        assert tool.result.cost.materials == 45_000
        assert chart_bytes(tool) != chart and tool.summary.value != summary

    def test_an_empty_market_price_skips_the_market_check(self):
        tool = PricingCalculator()
        tool.fields["market_price"].value = ""
        assert tool.message.value == "" and tool.result.market is None

    def test_invalid_input_shows_a_message_and_keeps_the_last_result(self):
        assert_refused(
            PricingCalculator(),
            [
                ("materials_per_unit", "-1.000"),
                ("units_per_period", "0"),
                ("market_price", "-5"),
                ("market_price", "một trăm"),
                ("fee_rate", "60"),
                ("retailer_margin", "100"),
            ],
        )

    def test_a_margin_of_100_percent_is_explained(self):
        tool = PricingCalculator()
        tool.fields["method"].value = "margin"
        kept = tool.result
        tool.fields["margin"].value = "100"
        assert "100%" in tool.message.value and tool.result is kept

    def test_csv_and_markdown_exports(self, tmp_path):
        tool = PricingCalculator()
        tool.to_csv(tmp_path / "gia.csv")
        assert (tmp_path / "gia.csv").read_bytes().startswith(BOM)
        rows = pd.read_csv(tmp_path / "gia.csv", encoding="utf-8-sig")
        assert list(rows.columns) == ["Phần", "Khoản mục", "Giá trị"]
        assert 173_000 in rows["Giá trị"].tolist()
        text = tool.to_markdown(tmp_path / "gia.md")
        assert "Long nhãn sấy Hưng Yên" in text and "173.000 ₫" in text
        assert text == pricing.price_sheet_to_markdown(tool.result)

    def test_save_and_load_round_trip(self, tmp_path):
        tool = PricingCalculator()
        tool.set_inputs({"method": "margin", "margin": "35", "rounding": 500, "shipping": "20.000"})
        again = PricingCalculator()
        again.load(tool.save(tmp_path / "gia.json"))
        assert again.inputs() == tool.inputs() and again.result.price == tool.result.price
        assert not again.fields["margin"].disabled

    def test_english(self, english):
        tool = PricingCalculator()
        assert tool.fields["materials_per_unit"].description == "Materials per unit (VND/hộp)"
        assert "110,000 VND" in tool.summary.value
        assert tool.to_markdown().startswith("## Price sheet")


# --------------------------------------------------------------------------- story


def lychee_story() -> dict:
    """A few elements of a lychee story from Lục Ngạn (an illustration, not a real dossier)."""
    return {
        "product": "Vải thiều Lục Ngạn",
        "place": "Lục Ngạn, Bắc Giang: đất đồi, sương muối",
        "people": "Hợp tác xã vải thiều",
        "evidence_1": "Giấy chứng nhận VietGAP",
        "evidence_1_kind": "certificate",
        "evidence_1_verifiable": True,
        "evidence_1_source": "Sở Nông nghiệp Bắc Giang",
        "has_plot": True,
    }


class TestProductStoryBuilder:
    def test_starts_empty_with_everything_missing(self):
        tool = ProductStoryBuilder()
        assert tool.result.written == 0 and tool.result.subscore.total == 0
        assert len(tool.result.missing) == 8 and "Cần bổ sung" in tool.summary.value

    def test_writing_elements_updates_result_summary_and_chart(self):
        tool = ProductStoryBuilder()
        chart = chart_bytes(tool)
        tool.set_inputs(lychee_story())
        result = tool.result
        assert result.elements.place.startswith("Lục Ngạn")
        assert result.written == 3 and result.subscore.total == 3
        assert result.elements.evidence[0].kind == "certificate"
        assert "3 / 10" in tool.summary.value and chart_bytes(tool) != chart

    def test_the_result_and_the_csv_are_those_of_the_logic(self):
        tool = ProductStoryBuilder()
        tool.set_inputs({**lychee_story(), "on_website": True, "local_identity": 2})
        elements = tool.result.elements
        assert tool.result == story.assess_story(
            elements, has_plot=True, on_label=False, on_website=True, has_images_or_video=False, local_identity=2
        )
        assert tool.to_csv() == story.story_to_csv(elements)

    def test_empty_evidence_rows_are_skipped(self):
        tool = ProductStoryBuilder()
        tool.set_inputs({"evidence_2": "Ảnh vườn vải", "evidence_2_source": ""})
        assert [item.description for item in tool.result.elements.evidence] == ["Ảnh vườn vải"]

    def test_a_value_that_does_not_fit_is_reported_and_the_story_kept(self):
        tool = ProductStoryBuilder()
        tool.set_inputs(lychee_story())
        kept = tool.result
        tool.set_inputs({"has_plot": "có", "evidence_1_kind": "poster", "colour": "đỏ"})
        message = tool.message.value
        assert "has_plot" in message and "evidence_1_kind" in message and "colour" in message
        assert tool.result == kept

    def test_csv_and_markdown_exports(self, tmp_path):
        tool = ProductStoryBuilder()
        tool.set_inputs(lychee_story())
        tool.to_csv(tmp_path / "cau-chuyen.csv")
        assert (tmp_path / "cau-chuyen.csv").read_bytes().startswith(BOM)
        rows = pd.read_csv(tmp_path / "cau-chuyen.csv", encoding="utf-8-sig", keep_default_na=False)
        assert rows.loc[rows["Yếu tố"] == "Vùng đất", "Nội dung"].item() == lychee_story()["place"]
        evidence = rows[rows["Yếu tố"] == "Minh chứng"].iloc[0]
        assert (evidence["Loại"], evidence["Có thể kiểm chứng"]) == ("Giấy chứng nhận", "có")
        text = tool.to_markdown(tmp_path / "cau-chuyen.md")
        assert text.startswith("# Câu chuyện sản phẩm: Vải thiều Lục Ngạn")
        assert "## Lịch sử và di sản" in text

    def test_save_and_load_round_trip(self, tmp_path):
        tool = ProductStoryBuilder()
        tool.set_inputs({**lychee_story(), "local_identity": 2})
        again = ProductStoryBuilder()
        again.load(tool.save(tmp_path / "cau-chuyen.json"))
        assert again.inputs() == tool.inputs() and again.result == tool.result

    def test_english(self, english):
        tool = ProductStoryBuilder()
        assert tool.fields["place"].description == "Place"
        assert "Still to add" in tool.summary.value
        assert tool.to_markdown().startswith("# Product story")


# --------------------------------------------------------------------------- self-assessment


class TestOcopSelfAssessmentExports:
    def test_markdown_lists_each_criterion_the_parts_the_total_and_the_stars(self):
        tool = OcopSelfAssessment(scheme="1048/2019")
        tool.set_points({"A1.1": 3, "C1.2": 8})
        text = tool.to_markdown()
        assert "| A1.1 | Nguồn nguyên liệu | 3 | 3 |" in text
        assert f"| **Tổng** | **{tool.result.total:.0f}** | **100** |" in text
        assert "★☆☆☆☆ (1★)" in text

    def test_csv_round_trip(self, tmp_path):
        tool = OcopSelfAssessment(scheme="1048/2019")
        tool.set_points({"A1.1": 3, "C1.2": 8})
        tool.to_csv(tmp_path / "tu-cham.csv")
        assert (tmp_path / "tu-cham.csv").read_bytes().startswith(BOM)
        rows = pd.read_csv(tmp_path / "tu-cham.csv", encoding="utf-8-sig", keep_default_na=False)
        criteria_rows = rows[rows["Mã"] != ""]
        assert dict(zip(criteria_rows["Mã"], criteria_rows["Điểm"])) == tool.points()
        totals = dict(zip(rows["Tiêu chí"], rows["Điểm"]))
        assert totals["Tổng"] == tool.result.total and totals["Hạng sao"] == tool.result.stars

    def test_parts_level_exports_the_three_parts(self):
        tool = OcopSelfAssessment(level="parts")
        tool.set_points({"A": 35, "B": 20, "C": 30})
        assert "★★★★☆ (4★)" in tool.to_markdown()
        assert "Tổng phần B,20,25" in tool.to_csv()

    def test_english(self, english):
        tool = OcopSelfAssessment(level="parts")
        assert tool.to_markdown().startswith("## OCOP self-assessment")
        assert "Part,Code,Criterion,Points,Maximum" in tool.to_csv()


# --------------------------------------------------------------------------- file buttons


class TestFileBar:
    def test_buttons_save_reopen_and_export(self, tmp_path, monkeypatch):
        monkeypatch.chdir(tmp_path)
        tool = PricingCalculator()
        tool.files.name.value = "gia-long-nhan"
        tool.files.buttons["save"].click()
        assert (tmp_path / "gia-long-nhan.json").exists() and "Đã lưu" in tool.message.value
        typed = tool.fields["labour_per_unit"].value
        tool.fields["labour_per_unit"].value = "20.000"
        tool.files.buttons["load"].click()
        assert tool.fields["labour_per_unit"].value == typed and "Đã mở" in tool.message.value
        tool.files.buttons["csv"].click()
        tool.files.buttons["md"].click()
        assert (tmp_path / "gia-long-nhan.csv").exists() and (tmp_path / "gia-long-nhan.md").exists()

    def test_opening_a_missing_file_says_so(self, tmp_path, monkeypatch):
        monkeypatch.chdir(tmp_path)
        tool = OcopSelfAssessment(level="parts")
        tool.files.buttons["load"].click()
        assert "tu-cham-diem.json" in tool.message.value
