"""Tests of ocopkit.brands: kinds of protection, statutory dates, renewal, documents and advice."""

import datetime

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ocopkit import brands, datasets
from ocopkit.errors import InputError

MARKS = ("nhan_hieu", "nhan_hieu_tap_the", "nhan_hieu_chung_nhan")
dates = st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2090, 12, 31))


def day(text):
    return pd.Timestamp(text)


class TestKinds:
    def test_four_kinds_and_only_the_gi_is_not_a_mark(self):
        assert brands.CODES == ("nhan_hieu", "nhan_hieu_tap_the", "nhan_hieu_chung_nhan", "chi_dan_dia_ly")
        assert [p.code for p in brands.PROTECTION_TYPES if not p.is_mark] == ["chi_dan_dia_ly"]

    def test_marks_last_ten_years_and_a_gi_has_no_fixed_term(self):
        assert {brands.get_protection(c).term_years for c in MARKS} == {10}
        assert brands.get_protection("chi_dan_dia_ly").term_years is None
        assert "vô thời hạn" in brands.get_protection("chi_dan_dia_ly").term

    def test_vietnamese_texts(self):
        collective = brands.get_protection("nhan_hieu_tap_the")
        assert collective.label == "Nhãn hiệu tập thể"
        assert "thành viên" in collective.protects and "Bưởi Hoài Ân" in collective.example

    def test_english_texts(self, english):
        assert brands.get_protection("chi_dan_dia_ly").label == "Geographical indication"
        assert "State" in brands.get_protection("chi_dan_dia_ly").who_may_apply
        assert list(brands.protection_table().columns)[:2] == ["Kind", "What it protects"]

    def test_table_has_one_row_per_kind(self):
        table = brands.protection_table()
        assert list(table.index) == list(brands.CODES)
        assert table.loc["nhan_hieu_chung_nhan", "Loại"] == "Nhãn hiệu chứng nhận"

    def test_unknown_kind_lists_the_codes(self):
        with pytest.raises(InputError, match="nhan_hieu_tap_the") as caught:
            brands.get_protection("thuong_hieu")
        assert caught.value.field == "kind"


class TestDates:
    @pytest.mark.parametrize(
        "given",
        [
            "2025-03-14",
            "14/03/2025",
            datetime.date(2025, 3, 14),
            datetime.datetime(2025, 3, 14, 9, 30),
            pd.Timestamp("2025-03-14"),
        ],
    )
    def test_ways_to_write_a_date(self, given):
        assert brands.to_date(given) == day("2025-03-14")

    @pytest.mark.parametrize("bad", ["14-03-2025", "2025-14-03", "", None, 20250314, True, pd.NaT])
    def test_what_is_not_a_date_says_how_to_write_one(self, bad):
        with pytest.raises(InputError, match="2025-03-14") as caught:
            brands.to_date(bad, "filing_date", "Ngày nộp đơn")
        assert caught.value.field == "filing_date"

    def test_a_typing_slip_in_the_year_is_caught(self):
        with pytest.raises(InputError, match="năm 205"):
            brands.to_date("0205-03-14")

    def test_month_end_moves_to_the_last_day(self):
        assert brands.add_months(day("2025-01-31"), 1) == day("2025-02-28")
        assert brands.add_months(day("2024-01-31"), 1) == day("2024-02-29")

    def test_format_follows_the_language(self):
        assert brands.format_date(day("2025-03-04")) == "04/03/2025"
        assert brands.format_date(None) == "—"

    def test_format_in_english(self, english):
        assert brands.format_date(day("2025-03-04")) == "2025-03-04"


class TestTimeline:
    def test_a_trademark_filed_on_14_march_2025(self):
        steps = brands.timeline("2025-03-14", "nhan_hieu")
        assert steps.phase("formal_examination").end == day("2025-04-14")
        assert steps.phase("publication").end == day("2025-06-14")  # 2 months after acceptance, not filing
        assert steps.decision_due == day("2026-03-14")
        assert steps.certificate_by == day("2026-05-14")
        assert (steps.phase("typical_result").start, steps.phase("typical_result").end) == (
            day("2026-01-14"),
            day("2026-03-14"),
        )

    def test_a_gi_has_six_months_of_substantive_examination_and_no_typical_steps(self):
        steps = brands.timeline("2025-03-14", "chi_dan_dia_ly")
        assert steps.decision_due == day("2025-12-14")
        assert steps.certificate_by is None and steps.phase("typical_result") is None
        assert [p.code for p in steps.phases] == ["formal_examination", "publication", "substantive_examination"]

    def test_each_step_starts_where_the_previous_ends(self):
        statutory = [p for p in brands.timeline("2025-08-31").phases if p.basis == brands.STATUTORY]
        assert all(a.end == b.start for a, b in zip(statutory, statutory[1:]))

    def test_steps_chain_month_by_month_at_a_month_end(self):
        # 31/08 + 1 month = 30/09; + 2 = 30/11; + 9 = 30/08: chained, not 31/08 + 12 months.
        assert brands.timeline("2024-08-31").decision_due == day("2025-08-30")

    def test_bases_are_marked(self):
        steps = brands.timeline("2025-03-14")
        assert {p.code: p.basis for p in steps.phases} == {
            "formal_examination": "statutory",
            "publication": "statutory",
            "substantive_examination": "statutory",
            "typical_result": "typical",
            "certificate": "typical",
        }

    def test_table(self):
        table = brands.timeline("2025-03-14").table()
        assert list(table.columns) == ["giai_doan", "mo_ta", "bat_dau", "ket_thuc", "can_cu"]
        assert table["can_cu"].tolist()[:3] == ["luật định"] * 3
        assert table.loc[2, "mo_ta"].startswith("Thẩm định nội dung")

    @given(dates, st.sampled_from(MARKS))
    def test_a_mark_is_decided_within_a_year_by_statute(self, filed, kind):
        steps = brands.timeline(filed, kind)
        assert steps.filing_date < steps.decision_due <= pd.Timestamp(filed) + pd.DateOffset(months=12)
        assert steps.decision_due >= pd.Timestamp(filed) + pd.DateOffset(months=12) - pd.Timedelta(days=3)

    def test_matches_pandas_on_a_column_of_dates(self):
        filings = pd.to_datetime(datasets.load("topic05_brand_applications")["ngay_nop"])
        expected = [brands.timeline(d).decision_due for d in filings]
        assert (filings + pd.DateOffset(months=12)).tolist() == expected

    def test_bad_kind_or_date_is_refused(self):
        with pytest.raises(InputError):
            brands.timeline("2025-03-14", "bang_sang_che")
        with pytest.raises(InputError, match="Ngày nộp đơn"):
            brands.timeline("ngày mai")


class TestRenewal:
    def test_counts_from_the_filing_date(self):
        renewal = brands.renewal_dates("2016-05-20")
        assert (renewal.expiry, renewal.window_opens, renewal.late_deadline) == (
            day("2026-05-20"),
            day("2025-11-20"),
            day("2026-11-20"),
        )

    def test_later_terms_add_ten_years_each(self):
        assert brands.renewal_dates("2016-05-20", term=3).expiry == day("2046-05-20")

    def test_29_february(self):
        assert brands.renewal_dates("2016-02-29").expiry == day("2026-02-28")

    @pytest.mark.parametrize("bad", [0, 11, 1.5, "2", True])
    def test_bad_term(self, bad):
        with pytest.raises(InputError, match="Kỳ hiệu lực"):
            brands.renewal_dates("2016-05-20", bad)


class TestDocuments:
    def test_a_trademark(self):
        docs = brands.documents("nhan_hieu")
        assert docs[0] == "Tờ khai đăng ký nhãn hiệu" and "Chứng từ nộp phí, lệ phí" in docs
        assert not any("Quy chế" in d for d in docs)

    def test_collective_and_certification_marks_need_their_regulation(self):
        assert any("Quy chế sử dụng nhãn hiệu tập thể" in d for d in brands.documents("nhan_hieu_tap_the"))
        assert any("Quy chế sử dụng nhãn hiệu chứng nhận" in d for d in brands.documents("nhan_hieu_chung_nhan"))

    def test_a_place_name_adds_the_province_permission_and_a_map(self):
        plain, named = brands.documents("nhan_hieu_tap_the"), brands.documents("nhan_hieu_tap_the", True)
        assert len(named) == len(plain) + 2 and any("UBND tỉnh" in d for d in named)
        assert brands.documents("nhan_hieu", True) == brands.documents("nhan_hieu")

    def test_a_gi_has_its_description_and_map(self):
        docs = brands.documents("chi_dan_dia_ly")
        assert any("Bản mô tả" in d for d in docs) and any("Bản đồ" in d for d in docs)

    def test_english(self, english):
        assert brands.documents("nhan_hieu")[0] == "Registration form for a mark"


class TestSuggestion:
    @pytest.mark.parametrize(
        "answers, expected",
        [
            ({}, "nhan_hieu"),
            ({"for_members": True}, "nhan_hieu_tap_the"),
            ({"certifies_others": True}, "nhan_hieu_chung_nhan"),
            ({"quality_from_place": True}, "chi_dan_dia_ly"),
            ({"certifies_others": True, "for_members": True}, "nhan_hieu_chung_nhan"),
            ({"quality_from_place": True, "for_members": True}, "chi_dan_dia_ly"),
        ],
    )
    def test_rules_in_order(self, answers, expected):
        assert brands.suggest_protection(**answers).kind.code == expected

    def test_the_reason_is_given(self):
        assert "tập thể" in brands.suggest_protection(for_members=True).reason

    def test_an_answer_must_be_true_or_false(self):
        with pytest.raises(InputError, match="for_members"):
            brands.suggest_protection(for_members="có")


class TestPackagingPoints:
    @pytest.mark.parametrize(
        "answers, points",
        [
            ((False, False, False), 0),
            ((True, False, False), 1),
            ((True, True, False), 2),
            ((True, True, True), 3),
            ((True, False, True), 1),  # a protected mark without traceability stays at level 1
            ((False, True, True), 0),
        ],
    )
    def test_levels_build_on_each_other(self, answers, points):
        assert brands.packaging_points(*answers) == points

    def test_matches_the_scoring_sheet(self):
        sheet = datasets.load("ocop_scoring_sheet_fresh_produce_2019").set_index("item_code")
        assert (sheet.loc["A2.2", "min_points"], sheet.loc["A2.2", "max_points"]) == (0, 3)
        assert "bảo hộ" in sheet.loc["A2.2", "levels_vi"]

    def test_refuses_text(self):
        with pytest.raises(InputError, match="protected_mark"):
            brands.packaging_points(True, True, "có")


class TestPlan:
    def test_a_collective_mark_in_time_for_the_evaluation(self):
        plan = brands.plan("nhan_hieu_tap_the", "2026-01-15", place_name=True, evaluation_date="15/03/2027")
        assert plan.ready_for_evaluation is True
        assert plan.renewal.expiry == day("2036-01-15")
        assert len(plan.documents) == 8

    def test_one_day_late(self):
        assert brands.plan("nhan_hieu", "2026-01-16", evaluation_date="2027-03-15").ready_for_evaluation is False

    def test_without_an_evaluation_date(self):
        plan = brands.plan("nhan_hieu", "2026-01-16")
        assert plan.ready_for_evaluation is None and plan.evaluation_date is None

    def test_a_gi_has_no_renewal_and_a_note_on_a2_2(self):
        plan = brands.plan("chi_dan_dia_ly", "2026-01-16", evaluation_date="2027-03-15")
        assert plan.renewal is None and plan.ready_for_evaluation is None
        assert any("A2.2" in note for note in plan.notes)

    def test_a_place_name_in_an_ordinary_trademark_is_flagged(self):
        assert any("địa danh" in note for note in brands.plan("nhan_hieu", "2026-01-16", True).notes)
        assert not any("địa danh" in note for note in brands.plan("nhan_hieu", "2026-01-16").notes)

    def test_bad_evaluation_date(self):
        with pytest.raises(InputError, match="Ngày đánh giá OCOP") as caught:
            brands.plan("nhan_hieu", "2026-01-16", evaluation_date="15.03.2027")
        assert caught.value.field == "evaluation_date"
