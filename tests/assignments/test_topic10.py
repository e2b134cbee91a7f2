"""Topic 10 (Standardizing community-based tourist attractions and services in OCOP): the assignment ``topic10``."""

from assignment_support import (
    AssignmentChecks,
    assert_hidden_messages_keep_the_answers,
    hidden_tests,
    rubric_text,
    run_solution_cells,
    solution_cells,
)


class TestRoundTrip(AssignmentChecks):
    """The exercises, example submissions and scores of ``topic10`` under stock nbgrader."""

    assignment = "topic10"


class TestRubric:
    """The trainers' rubric of the written part quotes the numbers of the data it is about."""

    @staticmethod
    def _rubric() -> str:
        return rubric_text("topic10", one_line=True)

    @staticmethod
    def _check():
        from ocopkit import cbt, datasets

        return cbt.assess(datasets.load("topic10_site_self_check"))

    @staticmethod
    def _percent(value: float) -> str:
        from ocopkit.i18n import format_number

        return f"{format_number(value, 1)} %"

    def test_it_names_the_cell_and_its_points(self):
        import nbformat

        from conftest import REPO

        notebook = nbformat.read(REPO / "solutions" / "topic10" / "topic10.ipynb", as_version=4)
        cell = "part5_written_answer"
        written = [
            c.metadata["nbgrader"] for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == cell
        ]
        assert len(written) == 1 and written[0]["grade"] and written[0]["solution"]
        text = self._rubric()
        assert f"`{cell}`" in text and f"**{written[0]['points']:g} điểm**" in text

    def test_readiness_of_each_group(self):
        from ocopkit import cbt

        text = self._rubric()
        check = self._check()
        shares = check.by_group.sort_values(ascending=False, kind="stable")
        for code, share in shares.items():
            line = f"| `{code}` | {cbt.get_group(code).label} | {self._percent(share)} |"
            assert line in text, line
        positions = [text.index(f"| `{code}` | {cbt.get_group(code).label}") for code in shares.index]
        assert positions == sorted(positions)  # most ready first
        assert f"Mức sẵn sàng chung: {self._percent(check.overall)}" in text
        most = check.by_group.idxmax()
        assert most == "an_uong" and f"Nhóm sẵn sàng nhất (Phần 2) là `{most}`" in text
        assert f"ăn uống, {self._percent(check.by_group[most])}" in text
        low = check.by_group.min()
        lowest = check.by_group[check.by_group.round(9) == round(low, 9)].index
        assert sorted(lowest) == ["moi_truong", "tham_quan"]
        assert f"(tham quan, môi trường {self._percent(low)})" in text
        assert f"Nhóm tham quan yếu nhất ({self._percent(low)})" in text
        assert f"nhóm hướng dẫn sẵn sàng hơn ({self._percent(check.by_group['huong_dan'])})" in text
        assert f"Bản đã đạt {self._percent(check.overall)}, trên 50" in text
        assert f"Mức sẵn sàng {self._percent(check.overall)} không phải điểm OCOP" in text
        assert f"{self._percent(check.overall)} là phần trăm chỉ số ví dụ" in text

    def test_minimum_requirements_and_the_order(self):
        from ocopkit import datasets

        text = self._rubric()
        check = self._check()
        table = datasets.load("topic10_site_self_check").set_index("ma_chi_so")
        assert not check.minimum_met and "chưa đạt mọi yêu cầu tối thiểu" in text
        words = {3: "ba", 4: "bốn"}
        unmet = check.unmet_minimum
        assert f"còn {words[len(unmet)]} chỉ số mức tối thiểu chưa đạt" in text
        assert f"**{words[len(unmet)]} yêu cầu tối thiểu** chưa đạt" in text
        assert f"còn {words[len(unmet)]} yêu cầu tối thiểu chưa đạt, không phải {words[3]}" in text
        gaps = check.gaps
        first = check.top_gaps(3)
        assert f"ba việc đầu là `{first[0]}`, `{first[1]}`, `{first[2]}`" in text
        assert f"làm đúng ba việc ở Phần 4: {first[0]}, {first[1]} và {first[2]}" in text
        assert f"({first[0]}, {first[1]}, {first[2]})" in text
        for rank, row in gaps.head(len(unmet)).iterrows():
            share = self._percent(row["san_sang_nhom"])
            line = f"| {rank} | {row['ma_chi_so']} | `{row['nhom']}` | {share} | {row['chi_so']} |"
            assert line in text, line
        assert set(gaps.head(len(unmet))["ma_chi_so"]) == set(unmet)
        # the one minimum requirement outside the first three, and what comes after the minimum ones
        (outside,) = set(unmet) - set(first)
        assert outside == "HD2" and gaps.index[gaps["ma_chi_so"] == outside][0] == 4
        assert f"{outside} cũng là yêu cầu tối thiểu, nhưng đứng thứ 4" in text and f"{outside} đứng thứ 4" in text
        assert f"sót {outside}" in text and f"sót một chỉ số (thường là {outside}" in text
        after = gaps.iloc[len(unmet)]
        assert after["muc"] == "trung_binh"
        assert f"(đầu tiên là {after['ma_chi_so']} *{after['chi_so']}*)" in text
        assert f"MT2, MT3, TQ3, {outside}" in text
        # the example answers' indicators are what the table says they are
        for code in ("TQ4", "TQ5"):
            assert table.loc[code, "muc"] == "trung_binh" and code in text
        assert "Đội văn nghệ" in table.loc["TQ4", "chi_so"] and "gian bày bán" in table.loc["TQ5", "chi_so"]
        assert table.loc["HD6", "muc"] == "cao" and "ngoại ngữ" in table.loc["HD6", "chi_so"]
        assert "bình chữa cháy" in table.loc["MT2", "chi_so"] and "tủ thuốc" in table.loc["MT3", "chi_so"]
        assert "niêm yết" in table.loc["TQ3", "chi_so"] and "tập huấn" in table.loc["HD2", "chi_so"]


class TestOcopSheetItem:
    """Part 4's last question: on the OCOP sheet of product set 26, what holds a site's 4★ back."""

    # What the hidden test's message must never say: the answer it checks.
    ANSWERS = {"part4_ocop_sheet_first_fix": ["A.3.5", "Sở hữu trí tuệ"]}

    @staticmethod
    def _score(points):
        from ocopkit import criteria_schemes

        return criteria_schemes.score(points, "26/2026", 26, case=1)

    def test_the_model_answer_is_what_holds_the_next_star_back(self):
        answers = run_solution_cells("topic10", "part4_ocop_sheet_data", "part4_ocop_sheet_answer")
        result = self._score(answers["diem_ban"])
        assert result.band_stars == 4 and result.stars == 3
        assert [code for code, stars, _ in result.unmet] == [answers["viec_cho_4_sao"]]
        assert answers["viec_cho_4_sao"] in answers["LUA_CHON"]
        fixed = dict(answers["diem_ban"], **{answers["viec_cho_4_sao"]: 2})
        assert self._score(fixed).stars == 4

    def test_every_criterion_is_given_and_the_trap_is_real(self):
        from ocopkit import criteria_schemes

        answers = run_solution_cells("topic10", "part4_ocop_sheet_data")
        points = answers["diem_ban"]
        items = criteria_schemes.sheet("26/2026", 26).for_case(1)
        assert set(points) == {item.code for item in items}
        lost = {item.code: item.max_points - points[item.code] for item in items}
        assert max(lost, key=lost.get) == "B.4.1" and sorted(lost.values())[-2] < lost["B.4.1"]
        # B.4.1 at its maximum adds points, but the site stays 3★
        assert self._score(dict(points, **{"B.4.1": 5})).stars == 3
        assert self._score(dict(points, **{"C.14": 4})).stars == 3
        assert 70 <= answers["ket_qua_ban"].total <= 89  # "khong_can" is tempting, and wrong
        assert set(answers["LUA_CHON"]) == {"B.4.1", "A.3.5", "C.14", "khong_can"}

    def test_the_prompt_names_the_decision_and_its_confidence(self):
        from ocopkit import criteria_schemes

        text = solution_cells("topic10")["part4_ocop_sheet_prompt"].source
        info = criteria_schemes.scheme("26/2026")
        assert info.confidence == "M" and "26/2026/QĐ-TTg" in text and "**M**" in text
        assert "chưa đối chiếu với Công báo" in text and "bộ sản phẩm số 26" in text
        assert 'BO_TIEU_CHI = "26/2026"' in solution_cells("topic10")["part4_ocop_sheet_data"].source

    def test_the_table_shows_the_columns_the_prompt_names(self):
        namespace = run_solution_cells("topic10")
        cells = solution_cells("topic10")
        exec(compile(cells["part4_ocop_sheet_data"].source, "data", "exec"), namespace)
        shown = namespace["phieu_ban"].drop(columns=namespace["phieu_ban"].columns[2])
        assert {"Điểm của bản", "Tối thiểu cho 4★"} <= set(shown.columns)
        text = cells["part4_ocop_sheet_prompt"].source
        assert '"Điểm của bản"' in text and '"Tối thiểu cho 4★"' in text

    def test_the_hidden_test_grades_on_the_points_given_in_the_cell(self):
        import ast
        import re

        hidden, names = hidden_tests("topic10", "part4_ocop_sheet_first_fix")
        copy = re.search(r"^_diem = (\{.*?\})$", hidden, re.S | re.M).group(1)
        assert ast.literal_eval(copy) == run_solution_cells("topic10", "part4_ocop_sheet_data")["diem_ban"]
        assert not names & {"san_sang", "ba_viec_truoc", "globals"}  # one slip costs once: not graded on Part 2–4

    def test_the_hidden_message_does_not_give_the_answer(self):
        assert_hidden_messages_keep_the_answers("topic10", self.ANSWERS)
