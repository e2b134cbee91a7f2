"""BusinessPlanBuilder's depreciation and tax boxes (the logic: tests/test_finance_appraisal.py)."""

import pytest

from ocopkit import finance_appraisal
from ocopkit.i18n import format_money
from ocopkit.widgets import BusinessPlanBuilder


class TestDepreciationAndTaxes:
    def test_opens_with_depreciation_and_no_tax(self):
        tool = BusinessPlanBuilder()
        assert isinstance(tool.appraisal, finance_appraisal.AppraisalResult)
        assert tool.appraisal.table["depreciation"].iloc[1] == pytest.approx(300e6 / 60)
        assert tool.appraisal.table["profit_tax"].sum() == 0
        assert format_money(tool.appraisal.npv) in tool.summary.value

    def test_a_tax_rate_lowers_the_npv_after_tax(self):
        tool = BusinessPlanBuilder()
        before = tool.appraisal.npv
        tool.fields["profit_tax_rate"].value = "20"
        assert tool.message.value == ""
        assert tool.appraisal.npv < before
        assert tool.result.npv == pytest.approx(BusinessPlanBuilder().result.npv)  # the plan before tax is kept

    def test_a_rate_out_of_range_is_refused_and_keeps_the_last_result(self):
        tool = BusinessPlanBuilder()
        kept = tool.appraisal
        tool.fields["revenue_tax_rate"].value = "50"
        assert tool.message.value != "" and tool.appraisal is kept

    def test_sensitivity_table_of_the_current_plan(self):
        table = BusinessPlanBuilder().sensitivity()
        assert list(table["bien"]) == ["", "unit_price", "units_per_month", "costs"]
        assert table["gia_tri_chuyen_doi"].iloc[1:].notna().all()
