"""Tests of ocopkit.tourism_coop: sharing the surplus in whole đồng, carrying capacity, break-even, dashboard."""

from fractions import Fraction

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ocopkit import datasets, tourism_coop
from ocopkit.errors import InputError
from ocopkit.i18n import format_number, format_percent


@pytest.fixture
def members():
    return datasets.load("topic07_members")


@pytest.fixture
def months():
    return datasets.load("topic07_monthly")


def small_members(capital=(10, 20, 30), patronage=(5, 5, 10)):
    return pd.DataFrame(
        {
            "ho_thanh_vien": [f"Hộ {i}" for i in range(len(capital))],
            "von_gop": list(capital),
            "gia_tri_giao_dich": list(patronage),
        }
    )


amounts = st.integers(min_value=0, max_value=10**12)
weights = st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=30).filter(lambda w: sum(w) > 0)


class TestSplitWhole:
    def test_an_even_split_gives_the_left_over_to_the_first_parts(self):
        assert tourism_coop.split_whole(100, [1, 1, 1]) == [34, 33, 33]

    def test_shares_written_as_decimals_are_exact(self):
        assert tourism_coop.split_whole(245_000_000, [0.7, 0.3]) == [171_500_000, 73_500_000]
        assert tourism_coop.split_whole(10, [0.1, 0.2, 0.7]) == [1, 2, 7]

    def test_the_largest_remainder_gets_the_left_over(self):
        assert tourism_coop.split_whole(10, [1, 2]) == [3, 7]  # 3.33 and 6.67: the 0.67 wins

    def test_zero_weights_get_nothing(self):
        assert tourism_coop.split_whole(99, [0, 3, 0]) == [0, 99, 0]

    @pytest.mark.parametrize("bad", [[0, 0], [-1, 2], ["mot", 1]])
    def test_weights_that_cannot_split_are_explained(self, bad):
        with pytest.raises(InputError):
            tourism_coop.split_whole(10, bad)

    @pytest.mark.parametrize("bad", [-5, 2.5, True])
    def test_only_whole_amounts_are_split(self, bad):
        with pytest.raises(InputError, match="số tiền nguyên"):
            tourism_coop.split_whole(bad, [1, 1])

    @given(amounts, weights)
    def test_parts_always_add_up(self, amount, weights):
        assert sum(tourism_coop.split_whole(amount, weights)) == amount

    @given(amounts, weights)
    def test_each_part_is_within_one_dong_of_its_exact_share(self, amount, weights):
        for part, weight in zip(tourism_coop.split_whole(amount, weights), weights):
            assert abs(part - Fraction(amount * weight, sum(weights))) < 1

    @given(amounts, weights)
    def test_a_larger_weight_never_gets_less(self, amount, weights):
        parts = tourism_coop.split_whole(amount, weights)
        for i, j in zip(range(len(weights)), range(1, len(weights))):
            if weights[i] > weights[j]:
                assert parts[i] >= parts[j]
            elif weights[j] > weights[i]:
                assert parts[j] >= parts[i]


class TestSharingRules:
    def test_the_example_charter(self):
        rules = tourism_coop.SharingRules()
        assert (rules.development_fund, rules.community_fund, rules.by_patronage) == (0.20, 0.10, 0.70)
        assert rules.to_members == pytest.approx(0.70) and rules.by_capital == pytest.approx(0.30)

    def test_a_percentage_typed_as_a_whole_number_is_explained(self):
        with pytest.raises(InputError, match="0.2") as caught:
            tourism_coop.SharingRules(development_fund=20)
        assert caught.value.field == "development_fund"

    def test_funds_cannot_take_more_than_the_surplus(self):
        with pytest.raises(InputError, match="100%") as caught:
            tourism_coop.SharingRules(development_fund=0.6, community_fund=0.5)
        assert caught.value.field == "community_fund"

    def test_text_is_refused(self):
        with pytest.raises(InputError, match="là một số"):
            tourism_coop.SharingRules(by_patronage="70%")


class TestShareSurplus:
    def test_the_exercise_charter(self, members):
        sharing = tourism_coop.share_surplus(350_000_000, members)
        assert (sharing.development_fund, sharing.community_fund) == (70_000_000, 35_000_000)
        assert (sharing.by_patronage, sharing.by_capital) == (171_500_000, 73_500_000)
        assert sharing.to_members == 245_000_000

    def test_every_part_adds_up(self, members):
        sharing = tourism_coop.share_surplus(480_000_000, members)
        table = sharing.table
        assert table["theo_von"].sum() == sharing.by_capital
        assert table["theo_giao_dich"].sum() == sharing.by_patronage
        assert (table["tong_duoc_chia"] == table["theo_von"] + table["theo_giao_dich"]).all()
        assert sum(sharing.parts().values()) == sharing.surplus

    def test_shares_follow_capital_and_patronage(self, members):
        table = tourism_coop.share_surplus(350_000_000, members).table
        exact = 73_500_000 * members["von_gop"] / members["von_gop"].sum()
        assert ((table["theo_von"] - exact).abs() < 1).all()
        exact = 171_500_000 * members["gia_tri_giao_dich"] / members["gia_tri_giao_dich"].sum()
        assert ((table["theo_giao_dich"] - exact).abs() < 1).all()

    def test_whole_dong_and_the_members_order(self, members):
        table = tourism_coop.share_surplus(333_333_333, members).table
        assert list(table["ho_thanh_vien"]) == list(members["ho_thanh_vien"])
        assert table["tong_duoc_chia"].dtype.kind == "i"

    def test_the_parts_are_named_in_the_language(self, members, english):
        parts = tourism_coop.share_surplus(100, members).parts()
        assert list(parts) == [
            "Development fund",
            "Community development fund",
            "To members by patronage",
            "To members by capital",
        ]

    def test_all_by_patronage_needs_no_capital(self):
        table = tourism_coop.share_surplus(
            1000, small_members(capital=(0, 0, 0)), tourism_coop.SharingRules(0, 0, 1)
        ).table
        assert list(table["theo_giao_dich"]) == [250, 250, 500] and list(table["theo_von"]) == [0, 0, 0]

    def test_no_capital_at_all_cannot_be_shared_by_capital(self):
        with pytest.raises(InputError, match="vốn góp bằng 0"):
            tourism_coop.share_surplus(1000, small_members(capital=(0, 0, 0)))

    def test_a_zero_surplus_shares_nothing(self, members):
        assert tourism_coop.share_surplus(0, members).table["tong_duoc_chia"].sum() == 0

    def test_a_loss_is_not_shared(self, members):
        with pytest.raises(InputError, match="lỗ") as caught:
            tourism_coop.share_surplus(-5_000_000, members)
        assert caught.value.field == "surplus"

    def test_the_surplus_is_rounded_to_the_dong(self, members):
        assert tourism_coop.share_surplus(1000.4, members).surplus == 1000

    @settings(deadline=None)  # builds a pandas table per example: slow on a busy machine, never wrong
    @given(
        st.integers(min_value=0, max_value=10**11),
        st.lists(st.tuples(st.integers(0, 10**9), st.integers(1, 10**9)), min_size=1, max_size=12),
        st.integers(0, 50),
        st.integers(0, 50),
        st.integers(0, 100),
    )
    def test_shares_always_add_up_to_the_surplus(self, surplus, figures, development, community, patronage):
        capital = [c + 1 for c, _p in figures]  # somebody has capital, so both parts can be split
        table = small_members(capital, [p for _c, p in figures])
        rules = tourism_coop.SharingRules(development / 100, community / 100, patronage / 100)
        sharing = tourism_coop.share_surplus(surplus, table, rules)
        assert sharing.development_fund + sharing.community_fund + sharing.table["tong_duoc_chia"].sum() == surplus
        assert (sharing.table["tong_duoc_chia"] >= 0).all()


class TestMembersTable:
    def test_a_missing_column_is_named(self, members):
        with pytest.raises(InputError, match="gia_tri_giao_dich"):
            tourism_coop.share_surplus(100, members.drop(columns="gia_tri_giao_dich"))

    def test_not_a_table(self):
        with pytest.raises(InputError, match="pandas DataFrame"):
            tourism_coop.check_members([("Hộ A", 10, 10)])

    def test_a_name_used_twice(self, members):
        members.loc[1, "ho_thanh_vien"] = members.loc[0, "ho_thanh_vien"]
        with pytest.raises(InputError, match="Hộ Lý Văn Phúc"):
            tourism_coop.check_members(members)

    def test_a_member_without_a_name(self, members):
        members.loc[2, "ho_thanh_vien"] = " "
        with pytest.raises(InputError, match="thứ 3"):
            tourism_coop.check_members(members)

    @pytest.mark.parametrize("bad, words", [(-1, "âm"), ("10 triệu", "là một số"), (None, "trống")])
    def test_a_wrong_amount_names_the_member(self, members, bad, words):
        members["von_gop"] = members["von_gop"].astype(object)
        members.loc[3, "von_gop"] = bad
        with pytest.raises(InputError, match="Hộ Tẩn Thị Xuân") as caught:
            tourism_coop.check_members(members)
        assert words in str(caught.value)

    def test_an_empty_table(self, members):
        with pytest.raises(InputError, match="trống"):
            tourism_coop.check_members(members.iloc[0:0])


class TestCarryingCapacity:
    def test_the_lesson_site(self):
        site = tourism_coop.carrying_capacity(300, 5, open_hours=8, visit_hours=2)
        assert (site.at_one_time, site.rotation_factor, site.physical) == (60, 4, 240)
        assert site.max_daily_visitors == 240

    def test_the_exercise_site(self):
        assert tourism_coop.carrying_capacity(480, 4, 9, 1.5).max_daily_visitors == 720

    def test_corrections_each_take_their_share(self):
        site = tourism_coop.carrying_capacity(300, 5, 8, 2, corrections=[0.25, 0.1])
        assert site.corrected == pytest.approx(240 * 0.75 * 0.9)
        assert site.max_daily_visitors == 162

    def test_the_maximum_is_a_whole_number_rounded_down(self):
        assert tourism_coop.carrying_capacity(100, 3, 7, 2).max_daily_visitors == 116  # 116.67

    def test_a_visit_longer_than_the_day(self):
        with pytest.raises(InputError, match="dài hơn") as caught:
            tourism_coop.carrying_capacity(300, 5, 8, 9)
        assert caught.value.field == "visit_hours"

    def test_more_than_a_day_open(self):
        with pytest.raises(InputError, match="24") as caught:
            tourism_coop.carrying_capacity(300, 5, 25, 2)
        assert caught.value.field == "open_hours"

    def test_area_smaller_than_one_visitor(self):
        with pytest.raises(InputError, match="nhỏ hơn"):
            tourism_coop.carrying_capacity(3, 5, 8, 2)

    def test_a_correction_typed_in_per_cent(self):
        with pytest.raises(InputError, match="0.25"):
            tourism_coop.carrying_capacity(300, 5, 8, 2, corrections=[25])

    @pytest.mark.parametrize(
        "field, values",
        [("area", ("300", 5, 8, 2)), ("area_per_visitor", (300, 0, 8, 2)), ("visit_hours", (300, 5, 8, -1))],
    )
    def test_wrong_numbers_name_their_box(self, field, values):
        with pytest.raises(InputError) as caught:
            tourism_coop.carrying_capacity(*values)
        assert caught.value.field == field

    @given(st.floats(1, 10_000), st.floats(0.5, 50), st.floats(1, 24), st.floats(0.25, 24))
    def test_the_maximum_never_exceeds_the_physical_capacity(self, area, per_visitor, hours, visit):
        if per_visitor > area or visit > hours:
            return
        site = tourism_coop.carrying_capacity(area, per_visitor, hours, visit)
        assert 0 <= site.max_daily_visitors <= site.physical + 1e-6
        assert site.max_daily_visitors > site.physical - 1 - 1e-6


class TestMonths:
    def test_months_below_break_even(self, months):
        assert tourism_coop.months_below_break_even(months) == [1, 8, 12]

    def test_results_add_costs_and_keep_columns(self, months):
        table = tourism_coop.monthly_results(months)
        assert (table["chi_phi"] == months["chi_phi_co_dinh"] + months["chi_phi_bien_doi"]).all()
        assert (table["lai_lo"] == months["doanh_thu"] - table["chi_phi"]).all()
        assert list(table.columns[:6]) == list(months.columns) and "chi_phi" not in months.columns

    def test_breaking_even_exactly_is_not_below(self):
        table = pd.DataFrame(
            {"thang": [1, 2], "doanh_thu": [100, 99], "chi_phi_co_dinh": [60, 60], "chi_phi_bien_doi": [40, 40]}
        )
        assert tourism_coop.months_below_break_even(table) == [2]

    def test_calendar_order(self, months):
        assert tourism_coop.months_below_break_even(months.iloc[::-1]) == [1, 8, 12]

    @pytest.mark.parametrize("month", [0, 13, 2.5, "Một"])
    def test_a_wrong_month(self, months, month):
        months["thang"] = months["thang"].astype(object)
        months.loc[0, "thang"] = month
        with pytest.raises(InputError):
            tourism_coop.monthly_results(months)

    def test_a_month_twice(self, months):
        months.loc[1, "thang"] = 1
        with pytest.raises(InputError, match="một dòng"):
            tourism_coop.monthly_results(months)

    def test_a_missing_column(self, months):
        with pytest.raises(InputError, match="chi_phi_bien_doi"):
            tourism_coop.months_below_break_even(months.drop(columns="chi_phi_bien_doi"))

    def test_the_dashboard_needs_the_visitors(self, months):
        assert list(tourism_coop.check_months(months)["lai_lo"]) == list(tourism_coop.monthly_results(months)["lai_lo"])
        with pytest.raises(InputError, match="khach_ngay_cao_nhat"):
            tourism_coop.check_months(months.drop(columns="khach_ngay_cao_nhat"))
        months.loc[4, "so_khach"] = -10
        with pytest.raises(InputError, match="Tháng 5"):
            tourism_coop.check_months(months)

    def test_seasonality_averages_one(self, months):
        season = tourism_coop.seasonality(months)
        assert season.mean() == pytest.approx(1) and season.idxmax() == 9

    def test_break_even_visitors(self):
        assert tourism_coop.break_even_visitors(68_000_000, 92_000, 38_500) == 1272
        assert tourism_coop.break_even_visitors(1000, 30, 20) == 100  # exactly, not 101

    def test_no_margin_never_breaks_even(self):
        with pytest.raises(InputError, match="tăng giá"):
            tourism_coop.break_even_visitors(1000, 50, 50)


class TestDashboard:
    @pytest.fixture
    def indicators(self, months):
        site = tourism_coop.carrying_capacity(300, 5, 8, 2)
        return {item.code: item for item in tourism_coop.sustainability_dashboard(months, site)}

    def test_the_lesson_dashboard(self, indicators):
        assert indicators["loss_months"].value == 3 and not indicators["loss_months"].met
        assert indicators["over_capacity_months"].value == 3
        assert indicators["peak_use"].value == pytest.approx(293 / 240)
        assert indicators["seasonality"].met and indicators["community_fund"].met
        assert indicators["by_patronage"].target_text() == "≥ 50%"

    def test_targets_can_be_changed(self, months):
        site = tourism_coop.carrying_capacity(300, 5, 8, 2)
        loss = tourism_coop.sustainability_dashboard(months, site, targets={"loss_months": 3})[0]
        assert loss.met and loss.target_text() == "≤ 3"

    def test_table_in_english(self, months, english):
        site = tourism_coop.carrying_capacity(300, 5, 8, 2)
        table = tourism_coop.dashboard_table(tourism_coop.sustainability_dashboard(months, site))
        assert list(table.columns) == ["Indicator", "Value", "Target", "Met"]
        assert table.loc["peak_use", "Value"] == "122.1%"

    def test_review_puts_it_together(self, members, months):
        site = tourism_coop.carrying_capacity(300, 5, 8, 2)
        result = tourism_coop.review(480_000_000, members, tourism_coop.SharingRules(), site, months)
        assert result.months_below_break_even == [1, 8, 12]
        assert result.months_over_capacity == [2, 9, 10]
        assert len(result.indicators) == 6


class TestExports:
    @pytest.fixture
    def result(self, members, months):
        site = tourism_coop.carrying_capacity(300, 5, 8, 2)
        return tourism_coop.review(480_000_000, members, tourism_coop.SharingRules(), site, months)

    def test_the_shares_of_the_four_parts(self, result):
        shares = result.sharing.shares()
        assert list(shares) == list(result.sharing.parts())
        assert list(shares.values()) == pytest.approx([0.20, 0.10, 0.49, 0.21]) and sum(shares.values()) == 1

    def test_export_table_and_csv(self, result, tmp_path):
        table = result.sharing.export_table()
        assert list(table.columns) == [
            "Hộ thành viên",
            "Vốn góp",
            "Giao dịch qua hợp tác xã",
            "Theo vốn góp",
            "Theo giao dịch",
            "Tổng cộng",
        ]
        assert table["Tổng cộng"].sum() == result.sharing.to_members
        text = tourism_coop.sharing_to_csv(result.sharing, tmp_path / "chia.csv")
        assert text.splitlines()[0] == ",".join(table.columns) and len(text.splitlines()) == 11
        assert (tmp_path / "chia.csv").read_text(encoding="utf-8-sig") == text

    def test_markdown_has_the_three_sections(self, result):
        text = tourism_coop.review_to_markdown(result)
        assert "## Chia thặng dư" in text and "## Sức chứa của điểm tham quan" in text
        assert "60 khách cùng lúc × hệ số luân chuyển 4 = 240 khách mỗi ngày" in text
        assert "| Số tháng dưới điểm hòa vốn | 3 | ≤ 2 | ✗ |" in text

    def test_a_mark_for_each_indicator(self, result):
        assert [item.mark for item in result.indicators] == ["✓" if item.met else "✗" for item in result.indicators]


class TestFormats:
    """The cooperative's shares and figures, written by ocopkit.i18n (whole shares without decimals)."""

    def test_percent_and_plain_in_vietnamese(self):
        assert format_percent(0.1, None) == "10%" and format_percent(0.125, None) == "12,5%"
        assert format_number(1.5, 2, trim=True) == "1,5" and format_number(240.0, 2, trim=True) == "240"

    def test_in_english(self, english):
        assert format_percent(0.125, None) == "12.5%" and format_number(1250.5, 2, trim=True) == "1,250.5"
