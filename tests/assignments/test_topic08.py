"""Topic 8 (The OCOP criteria and star ratings): the assignment ``topic08``."""

from assignment_support import AssignmentChecks, rubric_text


class TestRoundTrip(AssignmentChecks):
    """The exercises, example submissions and scores of ``topic08`` under stock nbgrader."""

    assignment = "topic08"


class TestModelAnswer:
    """The written part's model answer agrees with the data it is about."""

    @staticmethod
    def _gaps():
        from ocopkit import criteria, datasets

        scores = datasets.load("topic08_self_assessment_pomelo")
        return criteria.gaps_by_group(dict(zip(scores["ma_tieu_chi"], scores["diem"])))

    @staticmethod
    def _model_answer() -> str:
        import nbformat

        from conftest import REPO

        notebook = nbformat.read(REPO / "solutions" / "topic08" / "topic08.ipynb", as_version=4)
        written = "part5_written_answer"
        return next(c.source for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == written)

    def test_it_chooses_the_group_with_most_points_left(self):
        largest = self._gaps().iloc[0]
        answer = self._model_answer()
        chosen = answer.split("chọn nhóm", 1)[1]
        assert chosen.lstrip(' "“').startswith(largest["group"]), (largest["group"], answer)
        assert f"{largest['points']:g}/{largest['max_points']:g}" in answer

    def test_every_group_it_scores_is_scored_as_in_the_data(self):
        answer = self._model_answer()
        for row in self._gaps().itertuples():
            if f'"{row.group}"' in answer:
                assert f"{row.points:g}/{row.max_points:g}" in answer, row.group


class TestRubric:
    """The trainers' rubric of the written part quotes the numbers of the data it is about."""

    @staticmethod
    def _rubric() -> str:
        return rubric_text("topic08", one_line=True)

    @staticmethod
    def _scores() -> dict:
        from ocopkit import datasets

        scores = datasets.load("topic08_self_assessment_pomelo")
        return dict(zip(scores["ma_tieu_chi"], scores["diem"]))

    def test_it_names_the_cell_and_its_points(self):
        import nbformat

        from conftest import REPO

        notebook = nbformat.read(REPO / "solutions" / "topic08" / "topic08.ipynb", as_version=4)
        written = [
            c.metadata["nbgrader"]
            for c in notebook.cells
            if c.metadata.get("nbgrader", {}).get("grade_id") == "part5_written_answer"
        ]
        assert len(written) == 1 and written[0]["grade"] and written[0]["solution"]
        text = self._rubric()
        assert "`part5_written_answer`" in text and f"**{written[0]['points']:g} điểm**" in text

    def test_the_groups_table_is_gaps_by_group(self):
        from ocopkit import criteria

        text = self._rubric()
        gaps = criteria.gaps_by_group(self._scores())
        for row in gaps.itertuples():
            line = f"| {row.group_code} | {row.group} | {row.points:g} | {row.max_points:g} | {row.gap:g} |"
            assert line in text, line
        # the table keeps the order of gaps_by_group: the group with most points left first
        positions = [text.index(f"| {code} | ") for code in gaps["group_code"]]
        assert positions == sorted(positions)

    def test_the_group_with_most_points_left_is_the_one_quoted(self):
        from ocopkit import criteria

        text = self._rubric()
        gaps = criteria.gaps_by_group(self._scores())
        first, second = gaps.iloc[0], gaps.iloc[1]
        assert first["gap"] > second["gap"]
        assert (
            f'nhóm {first["group_code"]} "{first["group"]}" {first["points"]:g}/{first["max_points"]:g} '
            f"(còn {first['gap']:g} điểm)" in text
        )
        assert f'"{second["group"]}" ({second["points"]:g}/{second["max_points"]:g})' in text
        story = gaps.set_index("group_code").loc["B2"]
        assert f'"{story["group"]}" đã {story["points"]:g}/{story["max_points"]:g}' in text
        for row in gaps[gaps["gap"] == 1].itertuples():  # the groups almost full
            assert (
                f'"{row.group}" {row.points:g}/{row.max_points:g}' in text
                or f'"{row.group}" đã {row.points:g}/{row.max_points:g}' in text
            )

    def test_totals_parts_and_stars(self):
        from ocopkit import criteria

        text = self._rubric()
        result = criteria.assess_items(self._scores())
        assert f"Tổng {result.total:g}/100 điểm → {result.stars}★" in text
        band = [b for b in range(101) if criteria.star_for(b) == result.stars]
        assert f"(khoảng {band[0]}–{band[-1]} điểm)" in text
        assert f"cần thêm {result.points_to_next_star:g} điểm để vào khoảng {result.stars + 1}★" in text
        for part, points in result.part_totals.items():
            most = result.part_max[part]
            assert f"{part} {points:g}/{most:g} (còn {most - points:g} điểm)" in text, part
        # part C has most points left; B has the lowest total but loses few
        left = {p: result.part_max[p] - result.part_totals[p] for p in result.part_totals}
        assert max(left, key=left.get) == "C" and min(result.part_totals, key=result.part_totals.get) == "B"
        b, c = result.part_totals["B"], result.part_totals["C"]
        assert (
            f"B được {b:g} nhưng tối đa chỉ {result.part_max['B']:g}, mất {left['B']:g}; "
            f"C được {c:g} nhưng mất {left['C']:g}" in text
        )
        assert f"B được {b:g}/{result.part_max['B']:g}, C được {c:g}/{result.part_max['C']:g}" in text
        assert (
            f"Phần B có tổng thấp nhất ({b:g}) nhưng tối đa chỉ {result.part_max['B']:g}, "
            f"nên chỉ mất {left['B']:g} điểm" in text
        )
        assert f"phần C được {c:g} mà mất {left['C']:g}" in text
        assert f"phần C {c:g}/{result.part_max['C']:g} (còn {left['C']:g} điểm)" in text
        assert f"chỉ được {c:g} trên {result.part_max['C']:g}" in text  # Bài B
        assert f'"chỉ được {b:g} điểm", trong khi B chỉ mất {left["B"]:g} trên {result.part_max["B"]:g}' in text
        # the 2019 sheet's part C maximum, against the 2023 one
        assert result.scheme == "1048/2019"
        c_2023 = criteria.schemes()["148/2023"].parts["C"].max_points
        assert (
            f"phần C tối đa {c_2023:g}) cho bản tự chấm theo phiếu 2019 (phần C tối đa {result.part_max['C']:g})"
            in text
        )

    def test_no_single_group_reaches_five_stars(self):
        from ocopkit import criteria

        text = self._rubric()
        result = criteria.assess_items(self._scores())
        gaps = criteria.gaps_by_group(self._scores())
        best = result.total + gaps["gap"].max()
        assert criteria.star_for(best) == result.stars < 5
        assert (
            f"làm đủ {gaps['gap'].max():g} điểm của nhóm C1 thì sản phẩm được {best:g} điểm, vẫn {result.stars}★"
            in text
        )
        assert f"(tối đa {best:g} điểm)" in text and f"chỉ được {best:g} điểm" in text
        five = min(b for b in range(101) if criteria.star_for(b) == 5)
        assert f"ngưỡng {five} điểm" in text

    def test_criteria_within_groups(self):
        from ocopkit import criteria, datasets

        text = self._rubric()
        sheet = datasets.load("topic08_self_assessment_pomelo").set_index("ma_tieu_chi")
        sheet["con"] = sheet["diem_toi_da"] - sheet["diem"]
        worst = sheet["con"].idxmax()
        assert worst == "C1.2" and (sheet["con"] == sheet["con"].max()).sum() == 1
        row = sheet.loc[worst]
        assert (
            f"{worst} *{row['tieu_chi']}* mới được {row['diem']}/{row['diem_toi_da']} "
            f"(còn {row['con']} điểm, nhiều nhất" in text
        )
        assert f"{worst} *{row['tieu_chi']}* {row['diem']}/{row['diem_toi_da']}" in text
        assert f'"{row["tieu_chi"]}" mới được {row["diem"]}/{row["diem_toi_da"]}' in text  # Bài A
        c1 = sheet[sheet.index.str.startswith("C1.")]
        assert c1["con"].sum() == criteria.gaps_by_group(self._scores()).set_index("group_code").loc["C1", "gap"]
        for code, item in c1[(c1["con"] > 0) & (c1.index != worst)].iterrows():
            assert f"{code} *{item['tieu_chi']}* {item['diem']}/{item['diem_toi_da']}" in text, code
        full = c1[c1["con"] == 0]
        assert list(full.index) == ["C1.1", "C1.5", "C1.7"]
        unique = full.loc["C1.7"]
        assert (
            f"C1.1, C1.5 và C1.7 *{unique['tieu_chi']}* ({unique['diem']}/{unique['diem_toi_da']}) đã đạt tối đa"
            in text
        )
        assert f"*{unique['tieu_chi']}*, đã {unique['diem']}/{unique['diem_toi_da']}" in text
        assert f"*{unique['tieu_chi']}* đã {unique['diem']}/{unique['diem_toi_da']}" in text

    def test_percentages_in_the_common_mistakes(self):
        from ocopkit import criteria
        from ocopkit.i18n import format_number

        text = self._rubric()
        gaps = criteria.gaps_by_group(self._scores())
        share = gaps["points"] / gaps["max_points"] * 100
        lowest = gaps.loc[share.idxmin()]
        assert lowest["group_code"] == "C3"
        pct = format_number(lowest["points"] / lowest["max_points"] * 100, 1, trim=True)
        assert (
            f'"{lowest["group"]}" đạt {lowest["points"]:g}/{lowest["max_points"]:g} ({pct} %), '
            f"thấp nhất theo tỷ lệ, nhưng cả nhóm chỉ còn {lowest['gap']:g} điểm" in text
        )
        assert f"{lowest['group']} {lowest['points']:g}/{lowest['max_points']:g}" in text
        first = gaps.iloc[0]
        pct = format_number(first["points"] / first["max_points"] * 100, 1, trim=True)
        assert f"nhóm C1 đạt {first['points']:g}/{first['max_points']:g} ({pct} %) mà còn {first['gap']:g} điểm" in text
        marketing = gaps.set_index("group_code").loc["B1"]
        assert f'nhóm "{marketing["group"]}" của phần B, còn thiếu {marketing["gap"]:g} điểm' in text
