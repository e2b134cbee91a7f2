"""Topic 9 (Process, procedures and documents to prove participation): the assignment ``topic09``."""

from assignment_support import AssignmentChecks, rubric_text


class TestRoundTrip(AssignmentChecks):
    """The exercises, example submissions and scores of ``topic09`` under stock nbgrader."""

    assignment = "topic09"


class TestRubric:
    """The trainers' rubric of Part 6 quotes the dates, documents and level of dossier ``HS06``."""

    @staticmethod
    def _rubric() -> str:
        return rubric_text("topic09", one_line=True)

    @staticmethod
    def _hs06():
        from ocopkit import datasets

        return datasets.load("topic09_dossiers").set_index("ma_ho_so").loc["HS06"]

    def test_the_certificate_dates(self):
        from ocopkit import dossier

        dates = dossier.certificate_dates(self._hs06()["ngay_cap_giay"])
        text = self._rubric()
        for label, day in (
            ("Cấp giấy chứng nhận", dates.issued),
            ("Thông báo, chậm nhất", dates.notice_by),
            ("Giấy chứng nhận hết hạn", dates.expiry),
        ):
            assert f"| {label} | {day.strftime('%d/%m/%Y')} |" in text, label

    def test_the_deadline_is_after_the_expiry(self):
        import pandas as pd

        from ocopkit import dossier

        hs06 = self._hs06()
        deadline = pd.Timestamp("2026-06-30")
        plan = dossier.plan(
            hs06["nhom"],
            hs06["loai_chu_the"],
            hs06["tinh_trang"],
            issued=hs06["ngay_cap_giay"],
            deadline=deadline,
            today="2026-01-10",
        )
        assert plan.in_time is False
        days = (deadline - plan.certificate.expiry).days
        assert f"ở **sau** ngày hết hạn {days} ngày" in self._rubric()

    def test_the_document_added_for_re_rating(self):
        from ocopkit import dossier

        (added,) = dossier.codes(dossier.RE_RATING_ITEM)
        assert dossier.get_item(added).name in self._rubric()

    def test_what_hs06_still_misses(self):
        from ocopkit import datasets, dossier

        hs06 = self._hs06()
        held = datasets.load("topic09_dossier_documents").query("ma_ho_so == 'HS06'")["ma_muc"]
        case = dossier.checklist(hs06["nhom"], hs06["loai_chu_the"], hs06["tinh_trang"], held)
        text = self._rubric()
        assert "bao_cao_danh_gia_lai" in case.present
        assert f"còn thiếu {len(case.missing)} giấy tờ" in text.replace("hai giấy tờ", "2 giấy tờ")
        for name in dossier.item_names(case.missing):
            assert name in text, name
        assert "kiem_nghiem_attp" in case.evidence_missing
        assert dossier.get_item("kiem_nghiem_attp").name in text

    def test_the_level_that_recognises_it(self):
        from ocopkit import dossier

        points = self._hs06()["diem_tu_cham"]
        rating = dossier.who_rates(points, "2026-06-30")
        assert rating.stars == 4 and rating.level == "tinh"
        assert dossier.approving_level(points, dossier.scheme_on("2025-07-06")) == "tinh"
        assert f"điểm tự chấm của `HS06` là {points:g} ({rating.stars}★" in self._rubric()

    def test_it_uses_the_course_terms(self):
        from test_terms import problems

        assert problems(self._rubric()) == []
