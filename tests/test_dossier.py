"""Tests of ocopkit.dossier: the items as data, missing items as sets, certificate dates and who rates."""

import datetime

import pandas as pd
import pytest

from ocopkit import datasets, dossier, programme
from ocopkit.errors import InputError

HS01 = {
    "phieu_dang_ky_moi",
    "gioi_thieu_bo_may",
    "dang_ky_kinh_doanh",
    "nguon_goc_nguyen_lieu",
    "cong_bo_chat_luong",
    "ma_so_ma_vach",
    "cau_chuyen",
}
FOOD_SALE = {"du_dieu_kien_san_xuat", "cong_bo_chat_luong", "ghi_nhan_hang_hoa"}


class TestItems:
    def test_five_mandatory_items_with_two_registration_forms(self):
        mandatory = dossier.codes(dossier.MANDATORY)
        assert len(mandatory) == 6
        assert {"phieu_dang_ky_moi", "phieu_dang_ky_da_co"} <= mandatory
        assert dossier.get_item("phuong_an_kinh_doanh").form == "Biểu số 03"
        assert dossier.get_item("san_pham_mau").requirement == "05 đơn vị sản phẩm"

    def test_evidence_names_the_issue_lists(self):
        evidence = dossier.codes(dossier.EVIDENCE)
        for code in (
            "kiem_nghiem_attp",
            "tem_truy_xuat",
            "ma_so_ma_vach",
            "so_huu_tri_tue",
            "nguon_goc_nguyen_lieu",
            "lien_ket_chuoi",
            "bao_ve_moi_truong",
            "cau_chuyen",
            "giai_thuong",
        ):
            assert code in evidence

    def test_every_row_has_a_source_and_codes_are_unique(self):
        table = datasets.load("ocop_dossier_items")
        assert table["nguon"].notna().all() and table["ma_muc"].is_unique

    def test_evidence_carries_no_invented_condition(self):
        table = datasets.load("ocop_dossier_items").fillna("")
        assert (table[table["loai"] == dossier.EVIDENCE]["dieu_kien"] == "").all()

    def test_criteria_codes_exist_on_the_2019_sheet(self):
        sheet = set(datasets.load("ocop_scoring_sheet_fresh_produce_2019")["item_code"])
        for item in dossier.items():
            assert set(item.criteria) <= sheet, item.code

    def test_names_follow_the_language(self, english):
        assert dossier.get_item("tem_truy_xuat").name == "Traceability stamp"

    def test_unknown_code(self):
        with pytest.raises(InputError, match="ma_muc"):
            dossier.get_item("giay_phep")


class TestChecklist:
    def test_missing_is_a_set_difference(self):
        case = dossier.checklist(1, "hop_tac_xa", dossier.NEW, HS01)
        assert case.missing == case.required - case.submitted
        assert case.missing == {"phuong_an_kinh_doanh", "san_pham_mau", "du_dieu_kien_san_xuat", "ghi_nhan_hang_hoa"}
        assert not case.complete and case.not_needed == frozenset()

    def test_evidence_present_and_missing(self):
        case = dossier.checklist(1, "hop_tac_xa", dossier.NEW, HS01)
        assert case.evidence_present == {"nguon_goc_nguyen_lieu", "ma_so_ma_vach", "cau_chuyen"}
        assert len(case.evidence_missing) == 12

    def test_the_form_follows_the_case(self):
        assert "phieu_dang_ky_moi" in dossier.required_items(1, "hop_tac_xa", dossier.NEW)
        existing = dossier.required_items(1, "hop_tac_xa", dossier.EXISTING)
        assert "phieu_dang_ky_da_co" in existing and "phieu_dang_ky_moi" not in existing

    def test_re_rating_adds_the_report(self):
        required = dossier.required_items(1, "doanh_nghiep", dossier.RE_RATING)
        assert {"bao_cao_danh_gia_lai", "phieu_dang_ky_da_co"} <= required and len(required) == 6 + len(FOOD_SALE)

    def test_tourism_services_hand_in_no_samples(self):
        assert "san_pham_mau" not in dossier.required_items(6, "hop_tac_xa", dossier.EXISTING)

    def test_registration_follows_the_producer(self):
        assert "dang_ky_kinh_doanh" not in dossier.required_items(1, "ho_san_xuat", dossier.NEW)
        open_case = dossier.checklist(4, "to_hop_tac", dossier.NEW)
        assert open_case.to_check == {"dang_ky_kinh_doanh"} and "dang_ky_kinh_doanh" not in open_case.required

    def test_a_form_of_the_other_case_is_not_needed(self):
        case = dossier.checklist(1, "hop_tac_xa", dossier.EXISTING, {"phieu_dang_ky_moi"})
        assert case.not_needed == {"phieu_dang_ky_moi"}

    def test_missing_accepts_any_collection(self):
        assert dossier.missing(["san_pham_mau", "ke_toan"], pd.Series(["ke_toan"])) == {"san_pham_mau"}

    def test_open_questions_say_what_the_sources_leave_out(self):
        notes = dossier.open_questions(dossier.checklist(6, "to_hop_tac", dossier.EXISTING))
        assert any("tổ hợp tác" in note for note in notes) and any("dịch vụ" in note for note in notes)
        assert any("thực phẩm" in note for note in notes)
        assert len(dossier.open_questions(dossier.checklist(1, "hop_tac_xa", dossier.NEW))) == 1

    @pytest.mark.parametrize(
        "args, field",
        [
            ((7, "hop_tac_xa", dossier.NEW), "group"),
            ((1, "htx", dossier.NEW), "producer"),
            ((1, "hop_tac_xa", "moi"), "status"),
        ],
    )
    def test_a_wrong_case_names_the_input(self, args, field):
        with pytest.raises(InputError) as caught:
            dossier.checklist(*args)
        assert caught.value.field == field

    @pytest.mark.parametrize("bad", ["san_pham_mau", ["giay_phep"], 5])
    def test_wrong_documents_are_explained(self, bad):
        with pytest.raises(InputError) as caught:
            dossier.checklist(1, "hop_tac_xa", dossier.NEW, bad)
        assert caught.value.field == "submitted"


class TestCertificateDates:
    def test_expiry_and_notice(self):
        dates = dossier.certificate_dates("2023-05-18")
        assert dates.expiry == pd.Timestamp("2026-05-18") and dates.notice_by == pd.Timestamp("2026-04-18")

    def test_a_day_the_month_lacks(self):
        assert dossier.certificate_dates("29/02/2024").expiry == pd.Timestamp("2027-02-28")

    def test_agrees_with_topic_1(self):
        for day in (datetime.date(2023, 8, 31), datetime.date(2024, 2, 29), datetime.date(2022, 1, 1)):
            assert dossier.certificate_dates(day).expiry.date() == programme.certificate_expiry(day)

    def test_valid_until_the_day_before_expiry(self):
        dates = dossier.certificate_dates("2023-05-18")
        assert dates.is_valid("2026-05-17") and not dates.is_valid("2026-05-18")

    def test_not_a_date(self):
        with pytest.raises(InputError, match="Ngày cấp giấy chứng nhận"):
            dossier.certificate_dates("18.05.2023")


class TestWhoRates:
    @pytest.mark.parametrize(
        "day, scheme",
        [
            ("2020-01-01", "1048/2019"),
            ("2023-02-24", "148/2023"),
            ("2025-07-05", "148/2023"),
            ("2025-07-06", "1489/2025"),
            ("2026-05-22", "26/2026"),
        ],
    )
    def test_the_decision_in_force(self, day, scheme):
        assert dossier.scheme_on(day) == scheme

    def test_before_the_national_criteria(self):
        with pytest.raises(InputError, match="21/08/2019"):
            dossier.scheme_on("2019-01-01")

    @pytest.mark.parametrize(
        "points, scheme, level",
        [
            (64, "148/2023", "huyen"),
            (64, "1489/2025", "tinh"),
            (64, "1048/2019", "tinh"),
            (76, "148/2023", "tinh"),
            (93, "1489/2025", "trung_uong"),
            (49, "1489/2025", None),
        ],
    )
    def test_approving_level(self, points, scheme, level):
        assert dossier.approving_level(points, scheme) == level

    def test_who_rates_on_a_date(self):
        rating = dossier.who_rates(72, "2026-03-31")
        assert (rating.stars, rating.scheme, rating.level) == (4, "1489/2025", "tinh")

    @pytest.mark.parametrize("bad", ["64", 101, None])
    def test_bad_points(self, bad):
        with pytest.raises(InputError):
            dossier.approving_level(bad)

    def test_unknown_scheme(self):
        with pytest.raises(InputError, match="1489/2025"):
            dossier.approving_level(70, "2025")

    def test_labels(self, english):
        assert dossier.level_label("tinh") == "Province People's Committee"
        assert dossier.decision_name("1489/2025") == "1489/QĐ-TTg (2025)"
        assert dossier.decision_name("26/2026") == "26/2026/QĐ-TTg"


class TestPlan:
    def test_dates_days_left_and_in_time(self):
        result = dossier.plan(
            1,
            "hop_tac_xa",
            dossier.RE_RATING,
            issued="2023-05-18",
            deadline="2026-03-31",
            today="2026-01-10",
            points=72,
        )
        assert result.days_to_deadline == 80 and result.in_time is True and result.rating.level == "tinh"

    def test_a_deadline_after_expiry_is_too_late(self):
        result = dossier.plan(
            1, "hop_tac_xa", dossier.RE_RATING, issued="2023-05-18", deadline="2026-06-30", today="2026-01-10"
        )
        assert result.in_time is False

    def test_the_certificate_is_ignored_for_a_new_product(self):
        result = dossier.plan(1, "hop_tac_xa", dossier.NEW, issued="2023-05-18", today="2026-01-10")
        assert result.certificate is None and result.in_time is None and result.rating is None

    def test_re_rating_needs_a_past_certificate_date(self):
        with pytest.raises(InputError, match="ngày cấp"):
            dossier.plan(1, "hop_tac_xa", dossier.RE_RATING, today="2026-01-10")
        with pytest.raises(InputError, match="sau hôm nay"):
            dossier.plan(1, "hop_tac_xa", dossier.RE_RATING, issued="2026-02-01", today="2026-01-10")

    def test_items_table(self):
        table = dossier.items_table({"san_pham_mau", "phieu_dang_ky_moi"})
        assert list(table.iloc[:, 0]) == ["phieu_dang_ky_moi", "san_pham_mau"]


class TestOrderAndCounts:
    def test_codes_in_the_sources_order(self):
        order = [item.code for item in dossier.items()]
        picked = ["san_pham_mau", order[0], "ke_toan"]
        assert dossier.in_file_order(picked) == sorted(picked, key=order.index)
        assert dossier.in_file_order(set(order)) == order

    def test_an_unknown_code_is_named(self):
        with pytest.raises(InputError, match="giay_phep"):
            dossier.in_file_order(["ke_toan", "giay_phep"])

    def test_names_in_the_sources_order(self, english):
        names = dossier.item_names({"tem_truy_xuat", dossier.items()[0].code})
        assert names == [dossier.items()[0].name, "Traceability stamp"]

    def test_present_is_what_is_required_and_handed_in(self):
        case = dossier.checklist(1, "hop_tac_xa", dossier.NEW, HS01)
        assert case.present == case.required & case.submitted
        assert len(case.present) + len(case.missing) == len(case.required)


class TestFoodLegalPrerequisites:
    """For food, self-declaration, food-safety conditions and the label are conditions of sale, not evidence."""

    def test_they_are_conditions_of_sale_with_their_decrees(self):
        items = datasets.load("ocop_dossier_items").set_index("ma_muc")
        assert dossier.codes(dossier.SALE_CONDITION) == FOOD_SALE
        assert not FOOD_SALE & dossier.codes(dossier.EVIDENCE)
        for code in ("cong_bo_chat_luong", "du_dieu_kien_san_xuat"):
            assert (
                "15/2018" in items.loc[code, "nguon"]
                and "không phải minh chứng tùy chọn" in items.loc[code, "ghi_chu_vi"]
            )
        assert (
            "43/2017" in items.loc["ghi_nhan_hang_hoa", "nguon"]
            and "111/2021" in items.loc["ghi_nhan_hang_hoa", "nguon"]
        )

    @pytest.mark.parametrize(
        "group, required, to_check",
        [
            (1, FOOD_SALE, set()),  # food
            (2, FOOD_SALE, set()),  # drinks
            (3, {"ghi_nhan_hang_hoa"}, {"du_dieu_kien_san_xuat", "cong_bo_chat_luong"}),  # herbal: depends
            (4, {"ghi_nhan_hang_hoa"}, set()),  # handicraft
            (6, set(), set()),  # a tourism service has no label
        ],
    )
    def test_they_follow_the_product_group(self, group, required, to_check):
        case = dossier.checklist(group, "hop_tac_xa", dossier.NEW)
        assert case.for_sale == required and case.to_check & FOOD_SALE == to_check
