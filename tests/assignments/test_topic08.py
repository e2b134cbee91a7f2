"""Topic 8 (The OCOP criteria and star ratings): the assignment ``topic08``."""

from assignment_support import AssignmentChecks


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
