"""Tests of ocopkit.programme and its widget: decisions, cycle, groups, national figures, calculations."""

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ocopkit import datasets, programme
from ocopkit.i18n import format_percent
from ocopkit.programme import ProgrammeError
from ocopkit.widgets.programme import OcopNationalFigures, producers_chart


class TestDecisions:
    def test_the_programme_starts_in_quang_ninh_2013(self):
        first = programme.decisions()[0]
        assert first.date == "2013" and "Quảng Ninh" in first.title_vi

    def test_the_decisions_of_the_brief_are_listed_with_their_dates(self):
        signed = {d.decision: d.date for d in programme.decisions() if d.decision}
        assert signed["490/QĐ-TTg"] == "2018-05-07"
        assert signed["1048/QĐ-TTg"] == "2019-08-21"
        assert signed["919/QĐ-TTg"] == "2022-08-01"
        assert signed["148/QĐ-TTg"] == "2023-02-24"
        assert signed["1489/QĐ-TTg"] == "2025-07-06"

    def test_oldest_first_and_every_row_has_a_source(self):
        dates = [d.date for d in programme.decisions()]
        assert dates == sorted(dates)
        assert all(d.source for d in programme.decisions())

    def test_the_same_dates_as_the_criteria_dataset(self):
        schemes = datasets.load("ocop_schemes").drop_duplicates("decision").set_index("decision")["signed"]
        signed = {d.decision: d.date for d in programme.decisions()}
        assert all(signed[decision] == date for decision, date in schemes.items())

    def test_919_has_both_targets_and_says_how_far_the_country_is(self):
        (row,) = [d for d in programme.decisions() if d.decision == "919/QĐ-TTg"]
        assert "10.000" in row.what_vi and "400–500" in row.what_vi and "126" in row.what_vi

    def test_1489_adapts_the_procedure_and_does_not_abolish_districts(self):
        (row,) = [d for d in programme.decisions() if d.decision == "1489/QĐ-TTg"]
        assert "hai cấp" in row.what_vi and "không phải do quyết định này" in row.what_vi

    def test_2026_is_marked_unverified(self):
        (row,) = [d for d in programme.decisions() if d.decision == "26/2026/QĐ-TTg"]
        assert row.what_vi.startswith("Chưa đối chiếu") and "chưa kiểm tra" in row.source

    def test_text_follows_the_language(self, english):
        assert programme.decisions()[-1].title == "The 2026 criteria and procedure"
        assert programme.decisions()[-2].title == "Rating at two levels"


class TestCycle:
    def test_six_steps_in_order(self):
        assert [s.number for s in programme.cycle_steps()] == [1, 2, 3, 4, 5, 6]

    def test_ideas_come_before_plans_and_rating_before_promotion(self):
        names = [s.name for s in programme.cycle_steps()]
        assert names[1] == "Nhận ý tưởng sản phẩm"
        assert names[4].startswith("Đánh giá") and names[5] == "Xúc tiến thương mại"

    def test_english_names(self, english):
        assert programme.cycle_steps()[0].name == "Awareness and guidance"
        assert "Quảng Ninh" in programme.cycle_steps()[1].timing


class TestProductGroups:
    def test_six_groups_numbered_one_to_six(self):
        assert [g.number for g in programme.product_groups()] == [1, 2, 3, 4, 5, 6]

    def test_names_of_decision_148(self):
        names = [g.name_vi for g in programme.product_groups()]
        assert names[:5] == [
            "Thực phẩm",
            "Đồ uống",
            "Dược liệu và sản phẩm từ dược liệu",
            "Thủ công mỹ nghệ",
            "Sinh vật cảnh",
        ]
        assert names[5].startswith("Dịch vụ du lịch cộng đồng")

    def test_food_has_fresh_raw_and_processed_subgroups(self):
        subgroups = programme.product_group(1).subgroups
        assert len(subgroups) == 8
        assert {s.split(":")[0] for s in subgroups} == {"Tươi sống", "Thô, sơ chế", "Chế biến"}

    def test_beverages_with_and_without_alcohol(self):
        assert programme.product_group(2).subgroups == ("Đồ uống có cồn", "Đồ uống không cồn")

    @pytest.mark.parametrize("bad", [0, 7, "1", True, 1.5, None])
    def test_unknown_group_says_one_to_six(self, bad):
        with pytest.raises(ProgrammeError, match="từ 1 đến 6"):
            programme.product_group(bad)


class TestNationalFigures:
    def test_one_row_per_source_figure_in_date_order(self):
        table = programme.national_products()
        assert table["date"].is_monotonic_increasing
        assert table["ngay_so_lieu"].is_unique

    def test_every_row_has_a_source_url(self):
        urls = programme.national_products()["source_url"]
        assert urls.str.startswith("http").all()

    def test_columns_are_numeric_not_text(self):
        table = datasets.load("ocop_national_products")
        numeric = [c for c in table.columns if c.startswith(("so_", "sp_", "ty_le_")) or c == "nam"]
        assert all(pd.api.types.is_numeric_dtype(table[c]) for c in numeric)
        assert table["xap_xi"].dtype == bool

    def test_shares_are_percentages(self):
        table = datasets.load("ocop_national_products")
        shares = table.filter(like="ty_le_")
        assert ((shares >= 0) & (shares <= 100) | shares.isna()).all().all()

    def test_the_two_end_of_2024_figures_are_both_kept(self):
        so_sp = programme.national_products().set_index("ngay_so_lieu")["so_san_pham"]
        assert (so_sp["2024-12"], so_sp["2024-12-31"]) == (15590, 14642)

    def test_the_series_spans_2019_to_2025(self):
        years = programme.national_products()["nam"]
        assert (years.min(), years.max()) == (2019, 2025)

    def test_producers_shares_never_exceed_100(self):
        table = datasets.load("ocop_national_producers")
        assert (table.filter(like="ty_le_").sum(axis=1) <= 100.0001).all()


class TestStarShares:
    def test_printed_shares_are_kept(self):
        shot = programme.snapshot("2022-12-31")
        assert shot.shares == {"3": 65.5, "4": 33.6, "potential_5": 0.7, "5": 0.2}
        assert shot.basis == "printed" and shot.unexplained == 0

    def test_counts_give_computed_shares(self):
        shot = programme.snapshot("2022-05-31")
        assert shot.basis == "counts"
        assert shot.shares["3"] == round(5047 / 7463 * 100, 2)

    def test_components_that_do_not_sum_are_shown_not_hidden(self):
        shot = programme.snapshot("2019-12")
        assert shot.unexplained == pytest.approx(100 * (1 - 480 / 604), abs=0.05)

    def test_printed_and_computed_shares_mix(self):
        shot = programme.snapshot("2024-12")
        assert shot.basis == "mixed" and shot.shares["5"] == round(79 / 15590 * 100, 2)

    def test_no_breakdown(self):
        shot = programme.snapshot("2020-12-23")
        assert shot.shares == {} and shot.basis == "none"

    def test_more_than_is_flagged(self):
        assert programme.snapshot("2024-06-25").approximate
        assert not programme.snapshot("2024-04-30").approximate

    def test_unknown_date_lists_the_dates(self):
        with pytest.raises(ProgrammeError, match="2022-12-31"):
            programme.snapshot("2030-01-01")


class TestCalculations:
    def test_growth_from_2021_to_2022(self):
        assert programme.growth_pct(5401, 8689) == pytest.approx(60.8776, abs=1e-3)

    def test_a_fall_is_negative(self):
        assert programme.growth_pct(15590, 14642) < 0

    @pytest.mark.parametrize("start, end", [(0, 10), (-5, 10), ("5401", 8689), (5401, None), (True, 3)])
    def test_bad_figures_are_refused(self, start, end):
        with pytest.raises(ProgrammeError):
            programme.growth_pct(start, end)

    def test_message_in_english(self, english):
        with pytest.raises(ProgrammeError, match="whole number of products"):
            programme.products_needed("150", 89)

    def test_products_needed_and_per_round(self):
        assert programme.products_needed(150, 89) == 61
        assert programme.per_round(61, 3) == 21
        assert programme.products_needed(100, 120) == 0

    def test_numpy_whole_numbers_are_accepted(self):
        so_sp = programme.national_products().set_index("ngay_so_lieu")["so_san_pham"]
        assert programme.products_needed(20000, so_sp["2025-07-15"]) == 2600

    @given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=1, max_value=20))
    def test_per_round_is_enough_and_no_more(self, needed, rounds):
        each = programme.per_round(needed, rounds)
        assert each * rounds >= needed
        assert (each - 1) * rounds < needed or each == 0

    def test_zero_rounds_are_refused(self):
        with pytest.raises(ProgrammeError, match="lớn hơn 0"):
            programme.per_round(61, 0)


class TestCertificate:
    @pytest.mark.parametrize(
        "issued, expires",
        [
            (dt.date(2023, 12, 15), dt.date(2026, 12, 15)),
            (dt.date(2024, 2, 29), dt.date(2027, 2, 28)),
            (dt.date(2022, 8, 31), dt.date(2025, 8, 31)),
        ],
    )
    def test_valid_for_36_months(self, issued, expires):
        assert programme.certificate_expiry(issued) == expires

    def test_valid_until_the_day_before_expiry(self):
        issued = dt.date(2023, 12, 15)
        assert programme.is_certificate_valid(issued, dt.date(2026, 12, 14))
        assert not programme.is_certificate_valid(issued, dt.date(2026, 12, 15))

    def test_text_date_is_refused(self):
        with pytest.raises(ProgrammeError, match="datetime.date"):
            programme.certificate_expiry("15/12/2023")


class TestFormatting:
    def test_dates_as_people_write_them(self):
        assert programme.format_as_of("2022-12-31") == "31/12/2022"
        assert programme.format_as_of("2021-12") == "12/2021"

    def test_english_keeps_iso_dates(self, english):
        assert programme.format_as_of("2022-12-31") == "2022-12-31"
        assert programme.star_label("potential_5") == "potential 5★"

    def test_star_labels(self):
        assert [programme.star_label(k) for k, _c, _s in programme.STAR_CLASSES] == ["3★", "4★", "tiềm năng 5★", "5★"]


class TestWidget:
    def test_starts_at_the_latest_figure(self):
        tool = OcopNationalFigures()
        assert tool.result.as_of == programme.as_of_dates()[-1]
        assert bytes(tool.chart.value).startswith(b"\x89PNG")

    def test_moving_the_slider_updates_result_summary_and_chart(self):
        tool = OcopNationalFigures("2021-12")
        before = bytes(tool.chart.value)
        tool.picker.value = "2022-12-31"
        assert tool.result.products == 8689
        assert "8.689" in tool.summary.value and "65,5%" in tool.summary.value
        assert bytes(tool.chart.value) != before

    def test_summary_shows_source_and_note(self):
        tool = OcopNationalFigures("2024-12")
        assert "thuonghieusanpham.vn" in tool.summary.value
        assert "14.642" in tool.summary.value

    def test_more_than_is_said(self):
        tool = OcopNationalFigures("2024-06-25")
        assert "hơn 13.000" in tool.summary.value

    def test_unknown_date_shows_a_message_and_keeps_the_last_result(self):
        tool = OcopNationalFigures("2022-12-31")
        kept = tool.result
        tool.select("31/12/2022")
        assert tool.result == kept
        assert "31/12/2022" in tool.message.value

    def test_english_labels(self, english):
        tool = OcopNationalFigures("2022-12-31")
        assert tool.picker.description == "Date"
        assert "OCOP products rated 3★ and above" in tool.summary.value

    def test_producers_chart_has_one_bar_per_broken_down_date(self):
        table = datasets.load("ocop_national_producers")
        figure = producers_chart(table)
        broken_down = table.filter(like="ty_le_").notna().any(axis=1).sum()
        labels = [t.get_text() for t in figure.axes[0].get_yticklabels()]
        assert len(labels) == broken_down


class TestBreakdown:
    @pytest.mark.parametrize(
        "as_of, breakdown",
        [("2019-12", "partial"), ("2022-12-31", "complete"), ("2021-12", "complete"), ("2024-06-25", "none")],
    )
    def test_how_the_shares_add_up(self, as_of, breakdown):
        assert programme.snapshot(as_of).breakdown == breakdown

    def test_the_shares_total_is_what_is_not_unexplained(self):
        result = programme.snapshot("2019-12")
        assert result.shares_total == pytest.approx(sum(result.shares.values()), abs=0.01)
        assert result.shares_total + result.unexplained == pytest.approx(100)
        assert programme.snapshot("2024-06-25").shares_total == 0

    def test_parts_above_the_total_beyond_rounding(self):
        over = programme.Snapshot("2030", 100, False, {"3": 60.0, "4": 41.0}, "printed", -1.0)
        assert over.breakdown == "over" and over.shares_total == 101
        assert programme.Snapshot("2030", 100, False, {"3": 100.4}, "printed", -0.4).breakdown == "complete"

    def test_the_widget_says_what_the_logic_says(self):
        tool = OcopNationalFigures("2019-12")
        expected = programme.snapshot("2019-12")
        assert tool.result == expected and "Chưa chia theo hạng sao: 20,5%" in tool.summary.value
        for key, share in expected.shares.items():
            assert f"<b>{format_percent(share / 100, 1)}</b>" in tool.summary.value, key


class TestProducerShares:
    @pytest.fixture
    def table(self):
        return datasets.load("ocop_national_producers")

    def test_one_row_per_date_the_sources_break_down_each_adding_to_100(self, table):
        shares = programme.producer_shares(table)
        kinds = list(programme.producer_types())
        assert list(shares.index) == table.dropna(subset=kinds, how="all")["ngay_so_lieu"].tolist()
        assert shares[[*kinds, "khong_ro"]].sum(axis=1).to_numpy() == pytest.approx(100)

    def test_what_the_source_leaves_out(self, table):
        shares = programme.producer_shares(table)
        assert shares.loc["2021-12", "khong_ro"] == pytest.approx(100 - 38.8 - 27.4)
        assert shares.loc["2021-12", "ty_le_ho_kinh_doanh"] == 0

    def test_the_chart_draws_the_logics_shares(self, table):
        shares = programme.producer_shares(table).iloc[::-1]
        bars = producers_chart(table).axes[0].patches
        widths = [bar.get_width() for bar in bars]
        expected = [value for column in shares.columns for value in shares[column]]
        assert widths == pytest.approx(expected)
