"""Topic 5 (Building and protecting brands of agricultural products): the assignment ``topic05``."""

from assignment_support import AssignmentChecks, rubric_text


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
