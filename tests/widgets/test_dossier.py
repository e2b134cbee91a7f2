"""Tests of Topic 9's dossier checklist: set values in Python, read the result, the lists, the chart and messages."""

import datetime

import pytest

from ocopkit import dossier
from ocopkit.errors import InputError
from ocopkit.widgets.dossier import DossierChecklist

TODAY = "2026-01-10"


@pytest.fixture
def tool():
    return DossierChecklist(group=1, producer="hop_tac_xa", status=dossier.NEW, today=TODAY)


@pytest.fixture
def re_rating():
    return DossierChecklist(
        group=1,
        producer="hop_tac_xa",
        status=dossier.RE_RATING,
        issued="2023-05-18",
        deadline="2026-03-31",
        points=72,
        today=TODAY,
    )


def png(tool):
    return bytes(tool.chart.value)


class TestStart:
    def test_starts_with_a_checklist_counts_and_chart(self, tool):
        assert set(tool.checkboxes) == tool.result.checklist.required | tool.result.checklist.evidence
        # Food (group 1): five documents, then three legal conditions of sale; fifteen pieces of evidence.
        assert "0/8" in tool.counts.value and "0/15" in tool.counts.value
        assert png(tool).startswith(b"\x89PNG")
        assert tool.issued.disabled

    def test_starting_documents_are_ticked(self):
        tool = DossierChecklist(submitted=["phieu_dang_ky_moi", "ke_toan"], today=TODAY)
        assert tool.checkboxes["phieu_dang_ky_moi"].value and tool.checkboxes["ke_toan"].value
        assert tool.submitted() == {"phieu_dang_ky_moi", "ke_toan"}

    def test_re_rating_shows_the_dates_and_who_rates(self, re_rating):
        summary = re_rating.summary.value
        assert "18/05/2026" in summary and "18/04/2026" in summary and "còn 80 ngày" in summary
        assert "UBND cấp tỉnh" in summary and "1489/QĐ-TTg (2025)" in summary
        assert not re_rating.issued.disabled

    def test_a_bad_starting_value_is_an_error(self):
        with pytest.raises(InputError):
            DossierChecklist(producer="htx")
        with pytest.raises(InputError):
            DossierChecklist(status=dossier.RE_RATING, today=TODAY)


class TestLiveUpdates:
    def test_ticking_a_box_changes_what_is_missing(self, tool):
        tool.checkboxes["phuong_an_kinh_doanh"].value = True
        assert "phuong_an_kinh_doanh" not in tool.result.checklist.missing and "1/8" in tool.counts.value

    def test_set_submitted_ticks_the_boxes(self, tool):
        tool.set_submitted(
            ["phieu_dang_ky_moi", "phuong_an_kinh_doanh", "gioi_thieu_bo_may", "dang_ky_kinh_doanh", "san_pham_mau"]
        )
        assert not tool.result.checklist.complete  # the food's conditions of sale are still missing
        tool.set_submitted(sorted(tool.result.checklist.required))
        assert tool.result.checklist.complete and "Đã đủ 8 giấy tờ bắt buộc" in tool.counts.value

    def test_conditions_of_sale_have_their_own_heading(self, tool):
        headings = [child.value for child in tool.mandatory_box.children if isinstance(child, type(tool.counts))]
        assert any("Điều kiện để được bán" in heading for heading in headings)
        tool.group.value = 4  # handicraft: a label, but no food self-declaration
        assert tool.result.checklist.for_sale == {"ghi_nhan_hang_hoa"}

    def test_a_service_needs_no_samples(self, tool):
        tool.group.value = 6
        assert "san_pham_mau" not in tool.checkboxes and "san_pham_mau" not in tool.result.checklist.required

    def test_an_unregistered_group_is_asked_to_check(self, tool):
        tool.producer.value = "to_hop_tac"
        assert tool.result.checklist.to_check == {"dang_ky_kinh_doanh"}
        headings = [child.value for child in tool.mandatory_box.children if isinstance(child, type(tool.counts))]
        assert any("Hỏi UBND xã" in heading for heading in headings)

    def test_ticks_survive_a_change_of_case(self, tool):
        tool.checkboxes["ke_toan"].value = True
        tool.checkboxes["phieu_dang_ky_moi"].value = True
        tool.status.value = dossier.EXISTING
        assert tool.checkboxes["ke_toan"].value and "phieu_dang_ky_moi" not in tool.checkboxes
        assert tool.result.checklist.not_needed == {"phieu_dang_ky_moi"}
        tool.status.value = dossier.NEW
        assert tool.checkboxes["phieu_dang_ky_moi"].value

    def test_moving_the_deadline_redraws_and_says_too_late(self, re_rating):
        chart = png(re_rating)
        re_rating.set_deadline("30/06/2026")
        assert re_rating.result.in_time is False and "sau ngày hết hạn" in re_rating.summary.value
        assert png(re_rating) != chart

    def test_a_passed_deadline(self, tool):
        tool.deadline.value = datetime.date(2026, 1, 1)
        assert "đã qua 9 ngày" in tool.summary.value

    def test_points_change_the_level(self, re_rating):
        re_rating.points.value = 93
        assert re_rating.result.rating.level == "trung_uong" and "Trung ương" in re_rating.summary.value
        re_rating.points.value = 40
        assert re_rating.result.rating.level is None and "chưa được công nhận" in re_rating.summary.value

    def test_set_case_from_python(self, tool):
        tool.set_case(group=4, producer="ho_san_xuat")
        assert (tool.group.value, tool.producer.value) == (4, "ho_san_xuat")
        assert "dang_ky_kinh_doanh" not in tool.result.checklist.required


class TestBadInput:
    def test_unknown_documents_change_nothing(self, tool):
        kept = tool.result
        tool.set_submitted(["giay_phep"])
        assert tool.result is kept and "giay_phep" in tool.message.value

    def test_re_rating_without_a_date_keeps_the_last_result(self, tool):
        kept = tool.result
        tool.status.value = dossier.RE_RATING
        assert tool.result is kept and "ngày cấp" in tool.message.value
        tool.set_issued("18/05/2023")
        assert tool.message.value == "" and tool.result.certificate.expiry.year == 2026

    def test_a_certificate_in_the_future_is_reported(self, re_rating):
        kept = re_rating.result
        re_rating.issued.value = datetime.date(2026, 5, 1)
        assert re_rating.result is kept and "sau hôm nay" in re_rating.message.value

    @pytest.mark.parametrize("bad", ["31/02/2026", "mai", 2026])
    def test_a_bad_date_from_python_changes_nothing(self, re_rating, bad):
        date = re_rating.deadline.value
        re_rating.set_deadline(bad)
        assert re_rating.deadline.value == date and "Hạn nộp hồ sơ" in re_rating.message.value

    def test_a_wrong_case_from_python(self, tool):
        tool.set_case(status="moi")
        assert tool.status.value == dossier.NEW and "moi" in tool.message.value


class TestEnglish:
    def test_labels_lists_and_messages_in_english(self, english):
        tool = DossierChecklist(
            group=1,
            producer="hop_tac_xa",
            status=dossier.RE_RATING,
            issued="2023-05-18",
            deadline="2026-03-31",
            points=72,
            today=TODAY,
        )
        assert tool.group.description == "Product group" and ("Cooperative", "hop_tac_xa") in tool.producer.options
        assert "0 of 9 mandatory documents ready" in tool.counts.value
        assert "expires on 2026-05-18" in tool.summary.value and "Province People" in tool.summary.value
        assert tool.labels["tem_truy_xuat"].value == "Traceability stamp"
        tool.set_deadline("tomorrow")
        assert "Submission deadline must be a date" in tool.message.value


def test_the_widget_shows_what_the_logic_computes(re_rating):
    expected = dossier.plan(
        1, "hop_tac_xa", dossier.RE_RATING, issued="2023-05-18", deadline="2026-03-31", today=TODAY, points=72
    )
    assert re_rating.result == expected


class TestSameAsTheLogic:
    def test_counts_and_lists_follow_the_logic(self, re_rating):
        re_rating.set_submitted(["phieu_dang_ky_da_co", "phuong_an_kinh_doanh", "ke_toan"])
        case = re_rating.result.checklist
        assert f"{len(case.present)}/{len(case.required)}" in re_rating.counts.value
        shown = [code for code in re_rating.checkboxes if code in case.required]
        assert shown == dossier.in_file_order(case.required - case.for_sale) + dossier.in_file_order(case.for_sale)
        assert "; ".join(dossier.item_names(case.missing)) in re_rating.counts.value

    def test_a_missing_certificate_date_outlines_its_box(self, tool):
        tool.status.value = dossier.RE_RATING
        assert tool.issued.layout.border and not tool.status.layout.border
        tool.set_issued("18/05/2023")
        assert not tool.issued.layout.border
