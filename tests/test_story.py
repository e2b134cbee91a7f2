"""Tests of ocopkit.story."""

import ast
from dataclasses import replace
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from hypothesis import given, settings
from hypothesis import strategies as st

from ocopkit import story
from ocopkit.errors import InputError
from ocopkit.i18n import catalog_files, set_language
from ocopkit.story import (
    Evidence,
    LocalIdentity,
    StoryElements,
    build_story_markdown,
    missing_elements,
    story_subscore,
)

# Every test starts in Vietnamese: tests/conftest.py (vietnamese_by_default).


def lychee_story(**changes) -> StoryElements:
    """A complete story of Lục Ngạn lychee (illustrative wording)."""
    values = dict(
        product="Vải thiều Lục Ngạn",
        place="Huyện Lục Ngạn, tỉnh Bắc Giang: đồi đất feralit, mùa đông lạnh, mùa hè nắng.",
        people="Các hộ thành viên hợp tác xã, nhiều người trồng vải từ đời ông bà.",
        history="Cây vải thiều được đưa về Lục Ngạn từ những năm 1960.",
        raw_materials="Vải tươi từ vườn của thành viên, trồng theo VietGAP.",
        process="Hái sáng sớm, phân loại, đóng thùng trong ngày.",
        uniqueness="Quả nhỏ hạt, cùi dày, vị ngọt đậm.",
        commitments="Không dùng chất bảo quản; truy xuất nguồn gốc từng lô.",
        evidence=(
            Evidence(
                description="Giấy chứng nhận VietGAP",
                kind="certificate",
                verifiable=True,
                source="Sở NN&PTNT Bắc Giang",
            ),
            Evidence(description="Ảnh vườn vải năm 1985"),
        ),
    )
    values.update(changes)
    return StoryElements(**values)


ALL_CHANNELS = dict(has_plot=True, on_label=True, on_website=True, has_images_or_video=True)


class TestEvidence:
    def test_defaults_to_unverified_photo(self):
        item = Evidence(description="Ảnh vườn")
        assert (item.kind, item.verifiable) == ("photo", False)

    @pytest.mark.parametrize(
        "changes",
        [
            {"description": "  "},
            {"kind": "audio"},
            {"verifiable": "yes"},
            {"description": 5},
        ],
    )
    def test_invalid_evidence_is_refused(self, changes):
        values = dict(description="Ảnh vườn")
        values.update(changes)
        with pytest.raises(InputError) as info:
            Evidence(**values)
        assert info.value.field == "evidence"


class TestStoryElements:
    def test_plain_strings_become_unverified_evidence(self):
        elements = StoryElements(product="Vải", evidence=["Ảnh vườn", "Clip thu hoạch"])
        assert all(isinstance(item, Evidence) and not item.verifiable for item in elements.evidence)

    def test_a_single_evidence_is_accepted(self):
        assert len(StoryElements(evidence="Ảnh vườn").evidence) == 1

    def test_element_that_is_not_text_names_its_field(self):
        with pytest.raises(InputError, match="Vùng đất") as info:
            StoryElements(place=1985)
        assert info.value.field == "place"


class TestBuildStoryMarkdown:
    def test_headings_in_vietnamese(self):
        text = build_story_markdown(lychee_story())
        assert text.startswith("# Câu chuyện sản phẩm: Vải thiều Lục Ngạn")
        for heading in (
            "## Vùng đất",
            "## Con người",
            "## Lịch sử và di sản",
            "## Nguyên liệu",
            "## Quy trình và tay nghề",
            "## Điểm độc đáo",
            "## Cam kết",
            "## Minh chứng",
        ):
            assert heading in text

    def test_headings_in_english(self):
        set_language("en")
        text = build_story_markdown(lychee_story())
        assert "## History and heritage" in text
        assert ("- **Certificate**: Giấy chứng nhận VietGAP (Sở NN&PTNT Bắc Giang): _can be verified_") in text
        assert "- **Photo**: Ảnh vườn vải năm 1985: _not yet verifiable_" in text

    def test_empty_element_shows_what_to_write(self):
        text = build_story_markdown(lychee_story(history=""))
        assert "_Hãy bổ sung lịch sử và di sản" in text

    def test_elements_follow_story_order(self):
        text = build_story_markdown(lychee_story())
        assert text.index("## Vùng đất") < text.index("## Cam kết") < text.index("## Minh chứng")


class TestMissingElements:
    def test_complete_story_with_verified_evidence_lacks_nothing(self):
        story_ = lychee_story(evidence=(Evidence(description="VietGAP", verifiable=True),))
        assert missing_elements(story_) == []

    def test_missing_elements_say_what_to_add_in_story_order(self):
        messages = missing_elements(StoryElements(product="Vải", place="Lục Ngạn"))
        assert len(messages) == 7
        assert messages[0].startswith("Hãy bổ sung con người")
        assert messages[-1].startswith("Hãy bổ sung minh chứng")

    def test_unverifiable_evidence_is_reported(self):
        messages = missing_elements(lychee_story())
        assert messages == [
            'Minh chứng "Ảnh vườn vải năm 1985" chưa kiểm chứng được: hãy ghi rõ '
            "ai cấp hoặc có thể kiểm tra ở đâu (số giấy chứng nhận, cơ quan cấp, "
            "đường liên kết)."
        ]

    def test_messages_in_english(self):
        set_language("en")
        assert missing_elements(lychee_story(commitments=" "))[0].startswith("Add your commitments")


class TestStorySubscore:
    def test_empty_story_scores_zero(self):
        score = story_subscore(
            StoryElements(product="Vải"), **ALL_CHANNELS, local_identity=LocalIdentity.OWN_STORY_WITH_LOCAL_WISDOM
        )
        assert score.total == 0
        assert score.maximum == 10

    def test_full_story_scores_ten(self):
        score = story_subscore(lychee_story(), **ALL_CHANNELS, local_identity=3)
        assert [item.points for item in score.items] == [5, 3, 2]
        assert score.total == 10
        assert all(item.next_step is None for item in score.items)

    @pytest.mark.parametrize(
        "flags, level",
        [
            ({}, 1),
            ({"has_plot": True}, 2),
            ({"has_plot": True, "on_label": True}, 3),
            ({"has_plot": True, "on_label": True, "on_website": True}, 4),
            (ALL_CHANNELS, 5),
            ({"has_plot": True, "on_website": True, "has_images_or_video": True}, 2),
            ({"on_label": True}, 1),
        ],
    )
    def test_story_levels_build_on_each_other(self, flags, level):
        assert story_subscore(lychee_story(), **flags).items[0].points == level

    def test_next_step_names_the_missing_level(self):
        item = story_subscore(lychee_story(), has_plot=True, on_website=True).items[0]
        assert item.next_step == "Hãy in câu chuyện lên nhãn hoặc tờ rơi."

    def test_structure_needs_every_element(self):
        item = story_subscore(lychee_story(history="", uniqueness="")).items[2]
        assert item.points == 1
        assert item.next_step == "Cần bổ sung: Lịch sử và di sản, Điểm độc đáo."

    def test_structure_needs_verifiable_evidence(self):
        unverified = lychee_story(evidence=("Ảnh vườn",))
        item = story_subscore(unverified).items[2]
        assert item.points == 1
        assert "minh chứng có thể kiểm chứng" in item.next_step

    def test_identity_level_is_taken_from_input(self):
        score = story_subscore(lychee_story(), local_identity=LocalIdentity.OWN_STORY)
        assert score.items[1].points == 2

    def test_item_names_in_english(self):
        set_language("en")
        names = [item.name for item in story_subscore(lychee_story()).items]
        assert names == ["Product story", "Local wisdom and identity", "Story structure"]

    @pytest.mark.parametrize(
        "options, field",
        [
            ({"has_plot": "yes"}, "has_plot"),
            ({"on_label": 1}, "on_label"),
            ({"local_identity": 4}, "local_identity"),
            ({"local_identity": 1.5}, "local_identity"),
        ],
    )
    def test_wrong_input_names_its_field(self, options, field):
        with pytest.raises(InputError) as info:
            story_subscore(lychee_story(), **options)
        assert info.value.field == field

    @settings(max_examples=60, deadline=None, database=None)
    @given(
        flags=st.fixed_dictionaries({key: st.booleans() for key in ALL_CHANNELS}),
        identity=st.integers(0, 3),
        drop=st.sets(st.sampled_from(story.STORY_FIELDS)),
    )
    def test_score_stays_within_the_sheet(self, flags, identity, drop):
        elements = replace(lychee_story(), **{name: "" for name in drop})
        score = story_subscore(elements, **flags, local_identity=identity)
        assert 0 <= score.total <= 10
        for item in score.items:
            assert 0 <= item.points <= item.maximum
            assert (item.next_step is None) == (item.points == item.maximum)


class TestAssessStory:
    def test_a_complete_story_has_all_eight_parts(self):
        result = story.assess_story(lychee_story(), **ALL_CHANNELS, local_identity=3)
        assert (result.written, result.total_parts) == (8, 8)
        assert result.missing == tuple(missing_elements(lychee_story()))
        assert result.subscore == story_subscore(lychee_story(), **ALL_CHANNELS, local_identity=3)

    def test_gaps_lower_the_parts_written(self):
        result = story.assess_story(lychee_story(place="", history=" ", evidence=()))
        assert result.written == 5 and len(result.missing) == 3 and result.subscore.total == 2


class TestStoryToCsv:
    def test_one_row_per_element_then_per_evidence(self, tmp_path):
        path = tmp_path / "story.csv"
        text = story.story_to_csv(lychee_story(), path)
        lines = text.splitlines()
        assert lines[0] == "Yếu tố,Loại,Nội dung,Có thể kiểm chứng,Nguồn"
        assert lines[1] == "Tên sản phẩm,,Vải thiều Lục Ngạn,,"
        assert len(lines) == 1 + 1 + len(story.STORY_FIELDS) + 2
        assert lines[-2] == "Minh chứng,Giấy chứng nhận,Giấy chứng nhận VietGAP,có,Sở NN&PTNT Bắc Giang"
        assert path.read_bytes().startswith(b"\xef\xbb\xbf") and path.read_text(encoding="utf-8-sig") == text

    def test_typed_text_cannot_become_a_formula(self):
        text = story.story_to_csv(lychee_story(product='=HYPERLINK("http://x")'))
        assert text.splitlines()[1].startswith("Tên sản phẩm,,\"'=HYPERLINK(")

    def test_kinds_are_named_as_in_the_document(self):
        assert list(story.evidence_kind_labels()) == list(story.EVIDENCE_KINDS)
        assert "- **Giấy chứng nhận**: Giấy chứng nhận VietGAP" in build_story_markdown(lychee_story())


class TestCatalog:
    def test_every_message_is_translated(self):
        tree = ast.parse(Path(story.__file__).read_text(encoding="utf-8"))
        msgids = {
            node.args[0].value
            for node in ast.walk(tree)
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "_"
        }
        catalog = {}
        # All the Vietnamese catalogs: story_to_csv's headings are in widgets.po, where the builder had them.
        for path in catalog_files("vi"):
            with path.open("rb") as handle:
                catalog.update({m.id: m.string for m in read_po(handle, locale="vi") if m.id})
        for msgid in msgids:
            assert catalog.get(msgid), msgid
