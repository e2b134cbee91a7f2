"""Topic 2 (Product development tied to local potential and advantages): the assignment ``topic02``."""

from assignment_support import AssignmentChecks, rubric_text


class TestRoundTrip(AssignmentChecks):
    """The exercises, example submissions and scores of ``topic02`` under stock nbgrader."""

    assignment = "topic02"


class TestRubric:
    """The trainers' rubric of Part 5 (``docs/trainers/topic02-*-rubric.md``) agrees with the data it quotes."""

    WEIGHTS = {
        "nguyen_lieu": 0.30,
        "truyen_thong": 0.15,
        "thi_truong": 0.20,
        "ky_nang": 0.15,
        "von_dau_tu": 0.10,
        "moi_truong": 0.10,
    }
    THRESHOLDS = {"nguyen_lieu": 3, "truyen_thong": 3, "von_dau_tu": 2}
    SHORTFALL = {"nguyen_lieu": "nguyên liệu", "truyen_thong": "truyền thống", "von_dau_tu": "vốn đầu tư"}

    @staticmethod
    def _rubric() -> str:
        return rubric_text("topic02")

    @staticmethod
    def _ideas():
        from ocopkit import datasets

        return datasets.load("topic02_candidate_ideas").set_index("ten_y_tuong")

    def _scores(self, capital_weight=0.10):
        from ocopkit import datasets, ideas

        weights = dict(self.WEIGHTS, von_dau_tu=capital_weight)
        return ideas.weighted_scores(datasets.load("topic02_candidate_ideas"), weights)

    def _rows(self) -> dict[str, list[str]]:
        """The table of ideas in the rubric: idea name → its cells."""
        rows = {}
        for line in self._rubric().splitlines():
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if line.startswith("|") and cells[0] in set(self._ideas().index):
                rows[cells[0]] = cells[1:]
        return rows

    def test_the_table_quotes_the_top_five_of_part_2(self):
        assert list(self._rows()) == list(self._scores().sort_values(ascending=False).index[:5])

    def test_every_row_agrees_with_the_data(self):
        from ocopkit.i18n import format_number

        table, part2, part3 = self._ideas(), self._scores(), self._scores(0.30)
        for name, cells in self._rows().items():
            idea = table.loc[name]
            expected = [str(idea[c]) for c in ("nguyen_lieu", "truyen_thong", "thi_truong", "von_dau_tu")]
            expected += [format_number(part2[name], 2), format_number(part3[name], 2)]
            failing = [
                label
                for column, label in self.SHORTFALL.items()
                if (
                    idea[column] > self.THRESHOLDS[column]
                    if column == "von_dau_tu"
                    else idea[column] < self.THRESHOLDS[column]
                )
            ]
            expected.append(f"chưa đạt: {', '.join(failing)}" if failing else "đạt")
            assert cells == expected, name

    def test_the_leaders_it_names(self):
        from ocopkit import datasets, ideas

        data = datasets.load("topic02_candidate_ideas")
        text = " ".join(self._rubric().split())
        assert ideas.rank_ideas(data, self.WEIGHTS).leader == "Chè búp khô"
        assert ideas.rank_ideas(data, dict(self.WEIGHTS, von_dau_tu=0.30)).leader == "Rau an toàn VietGAP"
        assert ideas.rank_ideas(data, self.WEIGHTS, self.THRESHOLDS).best == "Măng khô"
        passing = ideas.meets_thresholds(data, self.THRESHOLDS)
        assert sorted(passing[passing].index) == ["Măng khô", "Mật ong hoa rừng"]
        assert (
            "chè búp khô đứng đầu Phần 2, rau an toàn VietGAP đứng đầu Phần 3, **măng khô** là ý tưởng điểm cao "
            "nhất trong hai ý tưởng đạt cả ba ngưỡng"
        ) in text

    def test_the_other_five_are_below_the_figure_it_gives(self):
        assert "Năm ý tưởng còn lại đều dưới 3,40 ở Phần 2." in self._rubric()
        assert (self._scores().sort_values(ascending=False).iloc[5:] < 3.40).all()

    def test_the_scores_quoted_in_the_examples_and_mistakes(self):
        from ocopkit.i18n import format_number

        part2, part3, text = self._scores(), self._scores(0.30), self._rubric()
        assert f"đạt ngưỡng ({format_number(part2['Măng khô'], 2)})" in text
        assert f"điểm tổng hợp cao nhất ({format_number(part2['Chè búp khô'], 2)})" in text
        assert f"Chọn chè búp khô ({format_number(part2['Chè búp khô'], 2)}, đứng đầu Phần 2)" in text
        assert f"Chọn rau an toàn VietGAP ({format_number(part3['Rau an toàn VietGAP'], 2)}, đứng đầu Phần 3)" in text
        assert (f"từ {format_number(part2['Măng khô'], 2)} lên {format_number(part3['Măng khô'], 2)}") in text
        ideas = self._ideas()
        assert ideas.loc["Măng khô", "thi_truong"] == 3 and "thị trường chỉ là 3" in text
        assert ideas.loc["Chè búp khô", "von_dau_tu"] == 3 and "chè cần vốn 3, vượt ngưỡng 2" in text
        assert ideas.loc["Rau an toàn VietGAP", "truyen_thong"] == 1 and "rau an toàn có truyền thống 1" in text
        assert ideas.loc["Mật ong hoa rừng", "moi_truong"] == 5 and "môi trường 5" in text

    def test_the_scoring_sheet_points(self):
        from ocopkit import datasets

        sheet = datasets.load("ocop_scoring_sheet_fresh_produce_2019").set_index("item_code")
        three = sheet.loc[["A1.1", "A2.1", "B2.2"]]
        assert (three["max_points"] == 3).all() and three["max_points"].sum() == 9
        text = " ".join(self._rubric().split())
        assert "mỗi tiêu chí tối đa 3 điểm, cộng lại 9 điểm trên 100" in text
        assert "3: 75–100%" in three.loc["A1.1", "levels_vi"] and "3 điểm khi 75–100% nguyên liệu" in text

    def test_the_model_answer_is_the_solutions(self):
        import nbformat

        from conftest import REPO

        notebook = nbformat.read(REPO / "solutions" / "topic02" / "topic02.ipynb", as_version=4)
        model = next(
            c.source for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "part5_written_answer"
        )
        model = " ".join(model.split("Ví dụ một câu trả lời tốt: chọn", 1)[1].split("### END SOLUTION")[0].split())
        example = self._rubric().split("**Bài A", 1)[1].split("**Bài B", 1)[0]
        quoted = " ".join(line.lstrip("> ") for line in example.splitlines() if line.startswith(">"))
        assert " ".join(quoted.split()) == "Chọn " + model
