"""Review a table of product stories: gaps, unverifiable evidence, look-alike stories and points.

Use this module when a commune or a province reads many stories at once, as a
council does: each row of the table is one story, written in the seven
elements of :class:`ocopkit.story.StoryElements`, with its main evidence and
where the story is already told. :func:`review_stories` lists, for every
story, what is missing and the estimated points of the 2019 OCOP sheet;
:func:`similarity_table` and :func:`look_alike_pairs` find stories that "all
look alike" ("na ná nhau"), the common failure reported by the press
(baodantoc.vn, 01/04/2023); :func:`stock_phrases` points at the words that
make them so.

The table has the columns of the course dataset ``topic04_sample_stories``
(see ``datasets/catalog.toml``).

Examples
--------
>>> from ocopkit import datasets, story_review
>>> stories = datasets.load("topic04_sample_stories")            # doctest: +SKIP
>>> story_review.review_stories(stories)[["ma", "tong_diem"]]     # doctest: +SKIP

See Also
--------
ocopkit.story : one story, its elements and its sub-score.
ocopkit.widgets.ProductStoryBuilder : write one story in boxes.
"""

from __future__ import annotations

import itertools
import math
import re
import unicodedata
from numbers import Integral

import numpy as np
import pandas as pd

from ocopkit import story
from ocopkit.errors import InputError
from ocopkit.i18n import _

# Column of the table -> field of StoryElements, in story order.
ELEMENT_COLUMNS = {
    "vung_dat": "place",
    "con_nguoi": "people",
    "lich_su": "history",
    "nguyen_lieu": "raw_materials",
    "quy_trinh": "process",
    "diem_doc_dao": "uniqueness",
    "cam_ket": "commitments",
}
# Column of the table -> argument of story.story_subscore.
TOLD_COLUMNS = {
    "co_cot_truyen": "has_plot",
    "tren_nhan": "on_label",
    "tren_website": "on_website",
    "co_hinh_anh": "has_images_or_video",
}
EVIDENCE_COLUMNS = ("bang_chung", "loai_bang_chung", "nguon_kiem_chung", "kiem_chung_duoc")
REQUIRED_COLUMNS = ("ma", "san_pham", *ELEMENT_COLUMNS, *EVIDENCE_COLUMNS, *TOLD_COLUMNS, "ban_sac")

# Phrases that fit any product anywhere. Not a rule of the OCOP sheet: the course's own list,
# drawn from stories that "all look alike". Matched without accents, so "sức khỏe" and
# "sức khoẻ" (two ways of placing the tone mark) are the same phrase.  terms: allow
STOCK_PHRASES = (
    "thiên nhiên ưu đãi",
    "khí hậu trong lành",
    "đất đai màu mỡ",
    "cần cù chịu khó",
    "tâm huyết",
    "lâu đời",
    "niềm tự hào",
    "nguyên liệu sạch",
    "chọn lọc kỹ lưỡng",
    "bí quyết gia truyền",
    "công nghệ hiện đại",
    "hương vị đặc trưng",
    "không lẫn với nơi khác",
    "chất lượng cao",
    "an toàn cho sức khỏe",
)


# --------------------------------------------------------------------------- reading rows


def _text(value: object) -> str:
    """A cell as text: empty for a blank cell (NaN or None), stripped otherwise."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return value.strip() if isinstance(value, str) else value


def _flag(value: object) -> object:
    """NumPy's True/False as Python's; anything else unchanged, for the story checks to explain."""
    return bool(value) if isinstance(value, (bool, np.bool_)) else value


def _whole(value: object) -> object:
    """NumPy's whole numbers as Python's; anything else unchanged."""
    return int(value) if isinstance(value, Integral) and not isinstance(value, bool) else value


def check_table(stories: pd.DataFrame) -> pd.DataFrame:
    """Return the table if it has every column a review needs, else say which are missing.

    Raises
    ------
    InputError
        When ``stories`` is not a DataFrame or lacks columns.
    """
    if not isinstance(stories, pd.DataFrame):
        raise InputError(
            _('The stories must be a table (pandas DataFrame), such as datasets.load("topic04_sample_stories").'),
            "stories",
        )
    missing = [name for name in REQUIRED_COLUMNS if name not in stories.columns]
    if missing:
        raise InputError(
            _("The table of stories lacks the columns: {columns}.").format(columns=", ".join(missing)), "stories"
        )
    return stories


def elements_from_row(row: pd.Series) -> story.StoryElements:
    """Turn one row of the table into :class:`ocopkit.story.StoryElements`.

    Blank cells become empty elements; the evidence of the row (if any) keeps
    its kind, where to check it and whether it can be verified.

    Parameters
    ----------
    row : pandas.Series
        One story, e.g. ``stories.iloc[0]``.

    Returns
    -------
    ocopkit.story.StoryElements

    Raises
    ------
    InputError
        When an element is not text or the evidence is not valid; the message
        names the story.
    """
    try:
        evidence = ()
        if _text(row["bang_chung"]):
            evidence = (
                story.Evidence(
                    description=_text(row["bang_chung"]),
                    kind=_text(row["loai_bang_chung"]) or "photo",
                    verifiable=_flag(row["kiem_chung_duoc"]),
                    source=_text(row["nguon_kiem_chung"]),
                ),
            )
        return story.StoryElements(
            product=_text(row["san_pham"]),
            evidence=evidence,
            **{field: _text(row[column]) for column, field in ELEMENT_COLUMNS.items()},
        )
    except InputError as error:
        raise _about_story(row, error) from None


def _about_story(row: pd.Series, error: InputError) -> InputError:
    """The same error, saying which story it is about."""
    return InputError(_("Story {code}: {problem}").format(code=row["ma"], problem=error), error.field)


def subscore_from_row(row: pd.Series) -> story.StorySubscore:
    """Estimate the points of one row's story under the 2019 OCOP sheet (0–10).

    See Also
    --------
    ocopkit.story.story_subscore : the rules.
    """
    elements = elements_from_row(row)
    try:
        return story.story_subscore(
            elements,
            local_identity=_whole(row["ban_sac"]),
            **{arg: _flag(row[column]) for column, arg in TOLD_COLUMNS.items()},
        )
    except InputError as error:
        raise _about_story(row, error) from None


# --------------------------------------------------------------------------- the review


def review_stories(stories: pd.DataFrame) -> pd.DataFrame:
    """Review every story of a table: what is missing, the evidence, stock phrases and points.

    Use it to prepare feedback for many producers at once, or to check the
    answers of the Topic 4 exercise.

    Parameters
    ----------
    stories : pandas.DataFrame
        One story per row, with the columns of ``topic04_sample_stories``.

    Returns
    -------
    pandas.DataFrame
        One row per story, in the table's order and index, with columns
        ``ma``, ``san_pham``; ``so_yeu_to`` (how many of the seven elements
        are written); ``yeu_to_thieu`` (the missing elements, by name, in the
        current language); ``kiem_chung_duoc`` (at least one piece of
        evidence can be verified); ``cum_tu_chung_chung`` (how many stock
        phrases, see :func:`stock_phrases`); ``diem_cau_chuyen`` (0–5),
        ``diem_ban_sac`` (0–3), ``diem_cau_truc`` (0–2) and ``tong_diem``
        (0–10), the points of the three items of the 2019 sheet.

    Raises
    ------
    InputError
        When a column is missing or a story has a value that does not fit.

    See Also
    --------
    look_alike_pairs : stories that are nearly the same.
    """
    check_table(stories)
    labels = story.element_labels()  # the headings of the story document, translated
    rows = []
    for index, row in stories.iterrows():
        elements = elements_from_row(row)
        points = [item.points for item in subscore_from_row(row).items]
        missing = [labels[field] for field in story.STORY_FIELDS if not getattr(elements, field)]
        rows.append(
            {
                "ma": row["ma"],
                "san_pham": row["san_pham"],
                "so_yeu_to": len(story.STORY_FIELDS) - len(missing),
                "yeu_to_thieu": ", ".join(missing),
                "kiem_chung_duoc": any(item.verifiable for item in elements.evidence),
                "cum_tu_chung_chung": len(stock_phrases(story_text(row))),
                "diem_cau_chuyen": points[0],
                "diem_ban_sac": points[1],
                "diem_cau_truc": points[2],
                "tong_diem": sum(points),
            }
        )
    columns = [
        "ma",
        "san_pham",
        "so_yeu_to",
        "yeu_to_thieu",
        "kiem_chung_duoc",
        "cum_tu_chung_chung",
        "diem_cau_chuyen",
        "diem_ban_sac",
        "diem_cau_truc",
        "tong_diem",
    ]
    return pd.DataFrame(rows, index=stories.index, columns=columns)


# --------------------------------------------------------------------------- look-alike stories


def _plain(text: str) -> str:
    """Lower case without accents (đ as d), so that spelling variants of a word match."""
    text = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    return "".join(char for char in text if not unicodedata.combining(char))


def _words(text: str) -> list[str]:
    """The syllables of a text, without accents or punctuation."""
    return re.findall(r"\w+", _plain(text))


def _pairs(text: str) -> set[tuple[str, str]]:
    """Two-syllable phrases of a text: Vietnamese words are mostly one or two syllables."""
    words = _words(text)
    return set(zip(words, words[1:]))


def story_text(row: pd.Series) -> str:
    """The seven elements of a row's story as one text (blank elements left out)."""
    texts = (_text(row[column]) for column in ELEMENT_COLUMNS)
    return " ".join(str(text) for text in texts if text != "")


def stock_phrases(text: str) -> list[str]:
    """List the stock phrases of :data:`STOCK_PHRASES` that a text uses.

    A stock phrase ("thiên nhiên ưu đãi", "hương vị đặc trưng") is not wrong,
    but it proves nothing and fits every product: replace it with a fact only
    your product has (who, where, since when, how many) and its evidence.

    Parameters
    ----------
    text : str
        A story or one of its elements.

    Returns
    -------
    list of str
        The phrases found, in the order of :data:`STOCK_PHRASES`; matching
        ignores accents, capitals and punctuation.
    """
    plain = " " + " ".join(_words(_text(text) or "")) + " "
    return [phrase for phrase in STOCK_PHRASES if f" {' '.join(_words(phrase))} " in plain]


def similarity(text_a: str, text_b: str) -> float:
    """How alike two stories are: the share of their two-syllable phrases they have in common.

    Parameters
    ----------
    text_a, text_b : str
        Two stories.

    Returns
    -------
    float
        From 0 (no phrase in common) to 1 (the same phrases): the Jaccard
        index of their sets of consecutive syllable pairs, ignoring accents,
        capitals and punctuation. Two empty texts give 0.
    """
    pairs_a, pairs_b = _pairs(text_a), _pairs(text_b)
    together = pairs_a | pairs_b
    return len(pairs_a & pairs_b) / len(together) if together else 0.0


def similarity_table(stories: pd.DataFrame) -> pd.DataFrame:
    """How alike every two stories of a table are, in per cent.

    Returns
    -------
    pandas.DataFrame
        A square table indexed and headed by the story codes (``ma``);
        each cell is :func:`similarity` × 100, rounded to a whole number, and
        the diagonal is 100.
    """
    check_table(stories)
    texts = [story_text(row) for _index, row in stories.iterrows()]
    codes = list(stories["ma"])
    values = [[round(100 * similarity(a, b)) for b in texts] for a in texts]
    return pd.DataFrame(values, index=pd.Index(codes, name="ma"), columns=codes)


def look_alike_pairs(stories: pd.DataFrame, threshold: float = 0.4) -> pd.DataFrame:
    """Find the pairs of stories that are nearly the same ("na ná nhau").

    Parameters
    ----------
    stories : pandas.DataFrame
        One story per row, with the columns of ``topic04_sample_stories``.
    threshold : float
        The smallest :func:`similarity` to report, as a share (0.4 = 40 %).

    Returns
    -------
    pandas.DataFrame
        Columns ``ma_1``, ``ma_2`` and ``do_giong`` (similarity in per cent,
        whole number), most alike first.

    Raises
    ------
    InputError
        For a threshold outside 0–1 (such as 40 typed for 40 %).
    """
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not 0 <= threshold <= 1:
        raise InputError(
            _("The threshold is a share between 0 and 1 (0.4 means 40%), you gave {value}.").format(
                value=repr(threshold)
            ),
            "threshold",
        )
    check_table(stories)
    texts = {row["ma"]: story_text(row) for _index, row in stories.iterrows()}
    found = [(a, b, similarity(texts[a], texts[b])) for a, b in itertools.combinations(texts, 2)]
    pairs = pd.DataFrame(
        [(a, b, round(100 * value)) for a, b, value in found if value >= threshold],
        columns=["ma_1", "ma_2", "do_giong"],
    )
    return pairs.sort_values("do_giong", ascending=False, kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------- the widget


def builder_inputs(row: pd.Series) -> dict:
    """The boxes of :class:`ocopkit.widgets.ProductStoryBuilder` for one row's story.

    Use it to open a sample story in the story builder and improve it there:
    ``tool.set_inputs(story_review.builder_inputs(stories.iloc[1]))``. The
    evidence goes in the first evidence row.

    Returns
    -------
    dict
        Values keyed by the builder's field names.
    """
    elements = elements_from_row(row)
    values = {"product": elements.product}
    values.update({field: getattr(elements, field) for field in story.STORY_FIELDS})
    if elements.evidence:
        item = elements.evidence[0]
        values.update(
            {
                "evidence_1": item.description,
                "evidence_1_kind": item.kind,
                "evidence_1_verifiable": item.verifiable,
                "evidence_1_source": item.source,
            }
        )
    else:  # clear the row, in case the tool held another story
        values.update(
            {"evidence_1": "", "evidence_1_kind": "photo", "evidence_1_verifiable": False, "evidence_1_source": ""}
        )
    # Values that do not fit a box are left as they are: the tool then says which box.
    values.update({arg: _flag(row[column]) for column, arg in TOLD_COLUMNS.items()})
    values["local_identity"] = _whole(row["ban_sac"])
    return values
