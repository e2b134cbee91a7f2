"""Tests of Topic 4: reviewing a table of stories, the sample stories, and the lesson's story builder."""

import pytest

from ocopkit import datasets, story_review
from ocopkit.errors import InputError
from ocopkit.widgets import ProductStoryBuilder

# Points of each sample story under the 2019 sheet, worked out by hand from the rules of ocopkit.story:
# B2.1 (steps: written, plot, label, website, images) + B2.2 (ban_sac) + B2.3 (2 with all seven
# elements and verifiable evidence, else 1).
EXPECTED_POINTS = {
    "CC01": (5, 3, 2),  # everything
    "CC02": (1, 1, 1),  # on the label and with images, but no plot: stops at step 1
    "CC03": (5, 3, 1),  # full story, only an unverifiable photo
    "CC04": (3, 2, 1),  # no website: stops at step 3; no commitments
    "CC05": (1, 0, 2),  # stock phrases, yet all seven elements and a verifiable test report
    "CC06": (1, 0, 1),
    "CC07": (1, 0, 1),
    "CC08": (1, 1, 1),  # a first draft of three elements
}


@pytest.fixture
def stories():
    return datasets.load("topic04_sample_stories")


def story_row(stories, code):
    return stories.set_index("ma", drop=False).loc[code]


def png(tool):
    return bytes(tool.chart.value)


class TestElementsFromRow:
    def test_blank_cells_become_empty_elements(self, stories):
        elements = story_review.elements_from_row(story_row(stories, "CC02"))
        assert elements.product == "Vải thiều"
        assert (elements.history, elements.uniqueness) == ("", "")
        assert elements.place.startswith("Vườn vải")

    def test_evidence_keeps_its_kind_source_and_verifiability(self, stories):
        (item,) = story_review.elements_from_row(story_row(stories, "CC01")).evidence
        assert (item.kind, item.verifiable) == ("certificate", True)
        assert "ngày cấp" in item.source

    def test_a_story_without_evidence_has_none(self, stories):
        assert story_review.elements_from_row(story_row(stories, "CC06")).evidence == ()

    def test_a_value_that_does_not_fit_names_the_story(self, stories):
        stories.loc[0, "ban_sac"] = 5
        with pytest.raises(InputError, match="Câu chuyện CC01: Trí tuệ, bản sắc địa phương") as info:
            story_review.subscore_from_row(stories.iloc[0])
        assert info.value.field == "local_identity"

    def test_a_flag_typed_as_text_is_refused(self, stories):
        stories["co_cot_truyen"] = stories["co_cot_truyen"].astype(object)
        stories.loc[1, "co_cot_truyen"] = "có"
        with pytest.raises(InputError, match="CC02.*Có cốt truyện"):
            story_review.review_stories(stories)


class TestReviewStories:
    def test_points_follow_the_2019_sheet(self, stories):
        review = story_review.review_stories(stories).set_index("ma")
        got = {
            code: tuple(review.loc[code, ["diem_cau_chuyen", "diem_ban_sac", "diem_cau_truc"]]) for code in review.index
        }
        assert got == EXPECTED_POINTS
        assert (review["tong_diem"] == review[["diem_cau_chuyen", "diem_ban_sac", "diem_cau_truc"]].sum(axis=1)).all()

    def test_agrees_with_the_pandas_steps_of_the_exercise(self, stories):
        review = story_review.review_stories(stories)
        columns = list(story_review.ELEMENT_COLUMNS)
        assert (review["so_yeu_to"] == stories[columns].notna().sum(axis=1)).all()
        assert (review["kiem_chung_duoc"] == stories["kiem_chung_duoc"]).all()

    def test_names_the_missing_elements_in_the_current_language(self, stories, english):
        review = story_review.review_stories(stories).set_index("ma")
        assert review.loc["CC02", "yeu_to_thieu"] == "History and heritage, What makes it unique"
        assert review.loc["CC01", "yeu_to_thieu"] == ""

    def test_names_the_missing_elements_in_vietnamese(self, stories):
        review = story_review.review_stories(stories).set_index("ma")
        assert review.loc["CC04", "yeu_to_thieu"] == "Cam kết"

    def test_keeps_the_rows_and_index_of_a_filtered_table(self, stories):
        some = stories[stories["tren_website"]]
        assert list(story_review.review_stories(some).index) == list(some.index)

    def test_a_missing_column_is_named(self, stories):
        with pytest.raises(InputError, match="ban_sac"):
            story_review.review_stories(stories.drop(columns="ban_sac"))

    def test_something_that_is_not_a_table_is_explained(self, english):
        with pytest.raises(InputError, match="must be a table"):
            story_review.review_stories([{"ma": "CC01"}])


class TestLookAlikeStories:
    def test_similarity_runs_from_zero_to_one_and_is_symmetric(self):
        a, b = "Gà chạy đồi nên thịt săn.", "Chè sao bằng chảo gang."
        assert story_review.similarity(a, a) == 1
        assert story_review.similarity(a, b) == 0
        assert story_review.similarity(a, a + " " + b) == story_review.similarity(a + " " + b, a)
        assert story_review.similarity("", "") == 0

    def test_similarity_ignores_accents_capitals_punctuation_and_tone_placement(self):
        assert story_review.similarity("An toàn cho sức khoẻ!", "an toàn cho sức khỏe") == 1

    def test_only_the_stock_stories_look_alike(self, stories):
        pairs = story_review.look_alike_pairs(stories, threshold=0.4)
        assert {frozenset(pair) for pair in zip(pairs["ma_1"], pairs["ma_2"])} == {
            frozenset({"CC05", "CC06"}),
            frozenset({"CC05", "CC07"}),
            frozenset({"CC06", "CC07"}),
        }
        assert list(pairs["do_giong"]) == sorted(pairs["do_giong"], reverse=True)

    def test_similarity_table_is_square_symmetric_with_100_on_the_diagonal(self, stories):
        table = story_review.similarity_table(stories)
        assert list(table.index) == list(table.columns) == list(stories["ma"])
        assert (table.values == table.values.T).all()
        assert set(table.values.diagonal()) == {100}
        own = ["CC01", "CC02", "CC03", "CC04", "CC08"]
        assert table.loc[own, own].where(table.loc[own, own] < 100).max().max() <= 5

    @pytest.mark.parametrize("bad", [40, -0.1, "0.4", True])
    def test_a_threshold_that_is_not_a_share_is_refused(self, stories, bad):
        with pytest.raises(InputError, match="0.4") as info:
            story_review.look_alike_pairs(stories, threshold=bad)
        assert info.value.field == "threshold"

    def test_stock_phrases_in_list_order_whatever_the_tone_placement(self):
        text = "Sản phẩm chất lượng cao, an toàn cho sức khỏe, được thiên nhiên ưu đãi."
        assert story_review.stock_phrases(text) == ["thiên nhiên ưu đãi", "chất lượng cao", "an toàn cho sức khỏe"]

    def test_stock_phrases_match_whole_words_only(self):
        assert story_review.stock_phrases("Sức khoẻ của người trồng") == []
        assert story_review.stock_phrases(float("nan")) == []

    def test_stories_told_from_their_own_facts_use_no_stock_phrase(self, stories):
        review = story_review.review_stories(stories).set_index("ma")
        assert (review.loc[["CC01", "CC02", "CC03", "CC04", "CC08"], "cum_tu_chung_chung"] == 0).all()
        assert (review.loc[["CC05", "CC06", "CC07"], "cum_tu_chung_chung"] >= 10).all()


class TestSampleStories:
    """What the lesson and the exercise say about the sample stories holds for the data."""

    def test_the_stories_are_marked_as_invented(self):
        entry = datasets.catalog()["topic04_sample_stories"]
        assert entry["synthetic"] is True and "invented" in entry["source"]

    def test_verifiable_evidence_says_where_to_check_it(self, stories):
        verifiable = stories["kiem_chung_duoc"]
        assert stories.loc[verifiable, "nguon_kiem_chung"].notna().all()
        assert stories.loc[~verifiable, "nguon_kiem_chung"].isna().all()
        assert stories.loc[stories["bang_chung"].isna(), "kiem_chung_duoc"].eq(False).all()

    def test_the_stock_stories_fill_every_element_but_have_no_identity(self, stories):
        stock = stories[stories["ma"].isin(["CC05", "CC06", "CC07"])]
        assert stock[list(story_review.ELEMENT_COLUMNS)].notna().all().all()
        assert (stock["ban_sac"] == 0).all()

    def test_the_exercise_answers(self, stories):
        review = story_review.review_stories(stories)
        assert review[review["so_yeu_to"] < 7]["ma"].tolist() == ["CC02", "CC04", "CC08"]
        assert review[~review["kiem_chung_duoc"]]["ma"].tolist() == ["CC02", "CC03", "CC06", "CC07", "CC08"]
        assert review.set_index("ma").loc["CC04", "tong_diem"] == 6


class TestLessonStoryBuilder:
    """The lesson opens a sample story in ProductStoryBuilder and improves it there."""

    def test_a_sample_story_opens_with_its_points(self, stories):
        tool = ProductStoryBuilder()
        tool.set_inputs(story_review.builder_inputs(story_row(stories, "CC02")))
        assert tool.message.value == ""
        assert tool.result.elements == story_review.elements_from_row(story_row(stories, "CC02"))
        assert tool.result.subscore.total == 3 and "3 / 10" in tool.summary.value

    def test_writing_the_missing_elements_raises_the_points(self, stories):
        tool = ProductStoryBuilder()
        tool.set_inputs(story_review.builder_inputs(story_row(stories, "CC02")))
        chart = png(tool)
        tool.fields["history"].value = "Ông bà trồng những cây vải đầu tiên của vườn (giả định)."
        tool.fields["uniqueness"].value = "Vải được hái đúng ngày chín, không dùng thuốc giữ màu."
        assert tool.result.written == 8 and png(tool) != chart
        tool.fields["evidence_1_source"].value = "Ảnh có ngày chụp, lưu ở hợp tác xã"
        tool.fields["evidence_1_verifiable"].value = True
        tool.fields["has_plot"].value = True
        assert [item.points for item in tool.result.subscore.items] == [3, 1, 2]
        assert "6 / 10" in tool.summary.value

    def test_a_website_without_the_label_gains_nothing(self, stories):
        tool = ProductStoryBuilder()
        tool.set_inputs(story_review.builder_inputs(story_row(stories, "CC04")))
        assert tool.result.subscore.total == 6
        tool.fields["on_website"].value = True
        assert tool.result.subscore.items[0].points == 5
        tool.fields["on_label"].value = False
        assert tool.result.subscore.items[0].points == 2

    def test_opening_another_story_clears_the_evidence(self, stories):
        tool = ProductStoryBuilder()
        tool.set_inputs(story_review.builder_inputs(story_row(stories, "CC01")))
        tool.set_inputs(story_review.builder_inputs(story_row(stories, "CC06")))
        assert tool.result.elements.evidence == ()
        assert tool.result.subscore.total == 2

    def test_a_value_that_does_not_fit_is_reported_and_its_box_kept(self, stories):
        tool = ProductStoryBuilder()
        tool.set_inputs(story_review.builder_inputs(story_row(stories, "CC01")))
        bad = story_row(stories, "CC03").copy()
        bad["ban_sac"] = 7
        tool.set_inputs(story_review.builder_inputs(bad))
        assert "local_identity" in tool.message.value
        assert tool.fields["local_identity"].value == 3
        assert tool.result.elements.product == "Chè Shan tuyết"


def test_builder_inputs_are_plain_python_values(stories):
    values = story_review.builder_inputs(story_row(stories, "CC01"))
    assert all(
        type(values[name]) is bool
        for name in ("has_plot", "on_label", "on_website", "has_images_or_video", "evidence_1_verifiable")
    )
    assert type(values["local_identity"]) is int
