"""Topic 9 (Process, procedures and documents to prove participation): the assignment ``topic09``."""

from assignment_support import (
    AssignmentChecks,
    assert_hidden_messages_keep_the_answers,
    hidden_tests,
    rubric_text,
    run_solution_cells,
    solution_cells,
)


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


class TestReRatingAdvice:
    """Part 1's judgement item: the advice to a tea cooperative whose re-rating dossier aims at 5★."""

    # What the hidden test's message must never say: the answer it checks.
    ANSWERS = {"part1_re_rating_advice": ["bao_cao_danh_gia_lai"]}

    def test_the_model_answer_is_the_one_missing_item(self):
        from ocopkit import dossier

        answers = run_solution_cells("topic09", "part1_re_rating_data", "part1_re_rating_answer")
        case = dossier.checklist(1, "hop_tac_xa", "danh_gia_lai", answers["ho_so_tra"])
        assert case.missing == {answers["loi_khuyen_tra"]} == dossier.codes(dossier.RE_RATING_ITEM)
        assert answers["loi_khuyen_tra"] in answers["LUA_CHON"]

    def test_the_other_choices_are_wrong_for_the_data(self):
        from ocopkit import dossier

        answers = run_solution_cells("topic09", "part1_re_rating_data")
        required = dossier.required_items(1, "hop_tac_xa", "danh_gia_lai")
        assert "phieu_dang_ky_moi" not in required and "phieu_dang_ky_da_co" in answers["ho_so_tra"]
        assert "bang_khen_5_sao" not in dossier.codes()  # no rule asks for awards: they are evidence
        assert dossier.get_item("giai_thuong").kind == dossier.EVIDENCE
        assert required - answers["ho_so_tra"], "nop_ngay would be right"
        assert set(answers["LUA_CHON"]) == {"bao_cao_danh_gia_lai", "phieu_dang_ky_moi", "bang_khen_5_sao", "nop_ngay"}

    def test_no_mandatory_item_depends_on_the_stars(self):
        from ocopkit import dossier

        conditions = {item.condition for item in dossier.items() if item.kind != dossier.EVIDENCE}
        assert conditions <= {"", *dossier.STATUSES, dossier.REGISTERED, dossier.NOT_SERVICE, dossier.FOOD}

    def test_the_dossier_list_of_the_kit_applies_in_march_2026(self):
        from ocopkit import dossier

        assert dossier.scheme_on("2026-03-15") == "1489/2025"
        assert "Tháng 03/2026" in solution_cells("topic09")["part1_re_rating_prompt"].source

    def test_the_hidden_test_grades_on_the_documents_given_in_the_cell(self):
        import ast
        import re

        hidden, names = hidden_tests("topic09", "part1_re_rating_advice")
        copy = re.search(r"^_ho_so_tra = (\{.*?\})$", hidden, re.S | re.M).group(1)
        assert ast.literal_eval(copy) == run_solution_cells("topic09", "part1_re_rating_data")["ho_so_tra"]
        assert not names & {"da_co", "con_thieu", "globals"}  # one slip costs once

    def test_the_hidden_message_does_not_give_the_answer(self):
        assert_hidden_messages_keep_the_answers("topic09", self.ANSWERS)
