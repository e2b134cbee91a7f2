"""Topic 5 (Building and protecting brands of agricultural products): the assignment ``topic05``."""

from assignment_support import (
    AssignmentChecks,
    assert_hidden_messages_keep_the_answers,
    rubric_text,
    run_solution_cells,
    solution_cells,
)


class TestRoundTrip(AssignmentChecks):
    """The exercises, example submissions and scores of ``topic05`` under stock nbgrader."""

    assignment = "topic05"


class TestRubric:
    """The trainers' rubric of Part 5 quotes the dates and points the data and the kit give."""

    @staticmethod
    def _rubric() -> str:
        return rubric_text("topic05")

    @staticmethod
    def _d08():
        from ocopkit import datasets

        table = datasets.load("topic05_brand_applications").set_index("ma_don")
        return table.loc["D08"]

    def test_the_dates_of_application_d08(self):
        from ocopkit import brands

        row = self._d08()
        assert row["loai_bao_ho"] == "nhan_hieu_tap_the" and row["ten_nhan_hieu"] == "Tỏi tía Núi Đá"
        phases = {p.code: p for p in brands.timeline(row["ngay_nop"], row["loai_bao_ho"]).phases}
        text = self._rubric()
        for day in (
            phases["formal_examination"].start,
            phases["substantive_examination"].end,
            phases["certificate"].end,
        ):
            assert day.strftime("%d/%m/%Y") in text, day

    def test_the_certificate_comes_after_the_evaluation_and_the_latest_filing_date(self):
        import pandas as pd

        from ocopkit import brands

        evaluation = pd.Timestamp("2027-03-15")
        row = self._d08()
        assert not brands.plan(row["loai_bao_ho"], row["ngay_nop"], True, evaluation).ready_for_evaluation
        latest = evaluation - pd.DateOffset(months=brands.SUBSTANTIVE_MONTHS_MARK + 3 + brands.CERTIFICATE_MONTHS)
        assert brands.plan(row["loai_bao_ho"], latest, True, evaluation).ready_for_evaluation
        assert not brands.plan(row["loai_bao_ho"], latest + pd.Timedelta(days=1), True, evaluation).ready_for_evaluation
        text = self._rubric()
        assert evaluation.strftime("%d/%m/%Y") in text and latest.strftime("%d/%m/%Y") in text

    def test_the_mistake_of_counting_nine_months_from_filing(self):
        import pandas as pd

        filed = pd.Timestamp(self._d08()["ngay_nop"])
        wrong = filed + pd.DateOffset(months=9)
        text = self._rubric()
        assert wrong.strftime("%d/%m/%Y") in text
        assert (wrong + pd.DateOffset(months=2)).strftime("%d/%m/%Y") in text

    def test_the_packaging_points_now_and_with_the_certificate(self):
        from ocopkit import brands

        text = self._rubric()
        assert f"A2.2 vẫn là **{brands.packaging_points(True, True, False)} điểm**" in text
        assert f"A2.2 được **{brands.packaging_points(True, True, True)} điểm**" in text

    def test_how_many_applications_are_in_time(self):
        import pandas as pd

        from ocopkit import datasets

        table = datasets.load("topic05_brand_applications")
        in_time = (pd.to_datetime(table["ngay_nop"]) + pd.DateOffset(months=14)) <= pd.Timestamp("2027-03-15")
        assert f"{int(in_time.sum())} trong {len(table)} đơn kịp" in self._rubric()

    def test_the_documents_of_a_collective_mark_with_a_place_name(self):
        from ocopkit import brands

        text = self._rubric().lower()
        own = set(brands.documents("nhan_hieu_tap_the", place_name=True)) - set(brands.documents("nhan_hieu"))
        for document in own:
            assert document.split(":")[0].split(",")[0].lower() in text, document

    def test_it_uses_the_course_terms(self):
        from test_terms import problems

        assert problems(self._rubric()) == []


# What a hidden test's message must never say: the answer it checks.
ANSWERS = {"part3_follow_up_correct": ["D04", "Mật ong Khe Mơ"]}

LOADED = ("setup", "part3_load")  # the cells that load Part 3's table, before the judgement item


class TestFollowUp:
    """The judgement item of Part 3: which application the OCOP officer should chase before the evaluation."""

    EVALUATION = "2027-03-15"

    def test_the_reference_dates_are_the_certificates_of_the_data(self):
        import pandas as pd

        from ocopkit import brands, datasets

        table = datasets.load("topic05_brand_applications").set_index("ma_don")
        candidates = run_solution_cells("topic05", "part3_follow_up_data", first=LOADED)["ung_vien"].set_index("ma_don")
        for code, row in candidates.iterrows():
            filed = table.loc[code]
            assert row["ten_nhan_hieu"] == filed["ten_nhan_hieu"], code
            due = brands.timeline(filed["ngay_nop"], filed["loai_bao_ho"]).certificate_by
            assert row["han_van_bang"] == due == pd.Timestamp(filed["ngay_nop"]) + pd.DateOffset(months=14), code

    def test_the_model_answer_is_the_application_in_time_with_no_day_to_spare(self):
        import pandas as pd

        from ocopkit import brands, datasets

        evaluation = pd.Timestamp(self.EVALUATION)
        table = datasets.load("topic05_brand_applications").set_index("ma_don")
        namespace = run_solution_cells("topic05", "part3_follow_up_data", "part3_follow_up_answer", first=LOADED)
        ready = {
            code: brands.plan(table.loc[code, "loai_bao_ho"], table.loc[code, "ngay_nop"], False, evaluation)
            for code in namespace["ung_vien"]["ma_don"]
        }
        in_time = [code for code, plan in ready.items() if plan.ready_for_evaluation]
        slack = {code: evaluation - ready[code].timeline.certificate_by for code in in_time}
        assert namespace["don_doc_truoc"] == min(slack, key=slack.get)
        assert slack[namespace["don_doc_truoc"]] == pd.Timedelta(0)
        assert len(in_time) == 2, "one candidate with months to spare, one with none, one already late"

    def test_hidden_messages_do_not_give_the_answer_away(self):
        assert_hidden_messages_keep_the_answers("topic05", ANSWERS)

    def test_the_model_answer_of_part_5_on_ordinary_marks_follows_the_lesson(self):
        from ocopkit import brands

        answer = " ".join(solution_cells("topic05")["part5_written_answer"].source.split())
        assert "nhãn hiệu thông thường là đủ" not in answer
        assert "không có khả năng phân biệt" in answer
        # The kit's own note: a place name alone cannot be an ordinary trademark.
        with_place, without = (brands.plan("nhan_hieu", "2026-04-08", place).notes for place in (True, False))
        assert len(with_place) == len(without) + 1
        assert "không có khả năng phân biệt" in rubric_text("topic05", one_line=True)
