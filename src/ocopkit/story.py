"""The OCOP product story: its elements, a story document, gaps and the sub-score.

Use this module to help a cooperative write the "câu chuyện sản phẩm"
(product story) of its OCOP dossier: collect the elements in
:class:`StoryElements`, print a structured draft with
:func:`build_story_markdown` (or a table with :func:`story_to_csv`), list what
to add with :func:`missing_elements` and estimate the points with
:func:`story_subscore`; :func:`assess_story` does both, as the story builder
shows them.

Source of the scoring
---------------------
:func:`story_subscore` follows the 2019 OCOP scoring sheet of Decision
1048/QĐ-TTg (20/08/2019), sheet for the subgroup fresh fruit and vegetables,
part B, criterion "Câu chuyện" (story), as transcribed in a public GitHub SQL
dump "OCOP_DB" (phpMyAdmin, 2020-11-07), recorded in the course's fact sheet
``ocop-facts-with-sources.md`` (line "GitHub SQL dump OCOP_DB"):

=============================  =====  ==================================================
Item                           Max    Levels
=============================  =====  ==================================================
Câu chuyện SP (story)          5      0 none or undocumented; 1 introduction document;
                                      2 documented story with a plot; 3 also on the
                                      label or a leaflet; 4 + website; 5 + images/clips
Trí tuệ/bản sắc địa phương     3      0 same as elsewhere; 1 (no wording in the source);
(local wisdom and identity)           2 own story; 3 own story + local wisdom/identity
Cấu trúc câu chuyện            2      1 simple; 2 all elements
(structure)
=============================  =====  ==================================================

The story therefore weighs 10 of 100 points in the 1048 sheet (also reported
by Báo Hòa Bình, which adds that the story must be true and verifiable).
The 2023 sheet of Decision 148/QĐ-TTg gives the story about 12 of 100 points
(vjs.vietnam.vn, "Xây dựng thương hiệu OCOP gắn với câu chuyện sản phẩm",
Báo Đắk Lắk 19/08/2025), but its item-by-item table is not in our sources,
so only the 2019 sheet is implemented. A council may judge differently:
treat the sub-score as an estimate for practice, not a rating.

See Also
--------
ocopkit.pricing, ocopkit.finance : the other dossier sections.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path

from ocopkit.errors import InputError, check_whole
from ocopkit.i18n import _
from ocopkit.spreadsheet import rows_csv

EVIDENCE_KINDS = ("photo", "video", "certificate", "document")
STORY_FIELDS = ("place", "people", "history", "raw_materials", "process", "uniqueness", "commitments")


class LocalIdentity(IntEnum):
    """Levels of "Trí tuệ/bản sắc địa phương" in the 2019 sheet (0–3 points).

    Level 1 has no wording in our source; we read it as "some local features".
    """

    SAME_AS_ELSEWHERE = 0
    SOME_LOCAL_FEATURES = 1
    OWN_STORY = 2
    OWN_STORY_WITH_LOCAL_WISDOM = 3


def _check_text(value: object, field: str, label: str) -> str:
    """Return the text stripped of spaces, or explain that text is expected."""
    if not isinstance(value, str):
        raise InputError(
            _("{label} must be text, you gave {value}.").format(label=label, value=repr(value)),
            field,
        )
    return value.strip()


def _check_flag(value: object, field: str, label: str) -> bool:
    """Accept only True or False, so that "no" typed as text is not read as yes."""
    if not isinstance(value, bool):
        raise InputError(
            _('The answer to "{label}" must be True (yes) or False (no), you gave {value}.').format(
                label=label, value=repr(value)
            ),
            field,
        )
    return value


@dataclass(frozen=True, kw_only=True)
class Evidence:
    """A proof that backs up the story: a photo, a clip, a certificate, a document.

    Parameters
    ----------
    description : str
        What it shows, e.g. "VietGAP certificate of the longan garden".
    kind : {"photo", "video", "certificate", "document"}
        Default "photo".
    verifiable : bool
        True when a council member could check it (an issuing office, a
        certificate number, a dated archive, a public link). Default False.
    source : str
        Where to check it. Optional.

    Raises
    ------
    InputError
        For an empty description, an unknown kind or a flag that is not
        True/False.
    """

    description: str
    kind: str = "photo"
    verifiable: bool = False
    source: str = ""

    def __post_init__(self):
        text = _check_text(self.description, "evidence", _("Evidence description"))
        if not text:
            raise InputError(_("Describe each piece of evidence in a few words."), "evidence")
        if self.kind not in EVIDENCE_KINDS:
            raise InputError(
                _('Evidence kind must be "photo", "video", "certificate" or "document", you gave "{value}".').format(
                    value=self.kind
                ),
                "evidence",
            )
        _check_flag(self.verifiable, "evidence", _("Verifiable"))
        _check_text(self.source, "evidence", _("Source of the evidence"))


def element_labels() -> dict[str, str]:
    """Return the translated heading of each story element and of the evidence, in story order."""
    return {
        "place": _("Place"),
        "people": _("People"),
        "history": _("History and heritage"),
        "raw_materials": _("Raw materials"),
        "process": _("Process and craft"),
        "uniqueness": _("What makes it unique"),
        "commitments": _("Commitments"),
        "evidence": _("Evidence"),
    }


def evidence_kind_labels() -> dict[str, str]:
    """Return the translated name of each kind of evidence, in :data:`EVIDENCE_KINDS` order."""
    return {"photo": _("Photo"), "video": _("Video clip"), "certificate": _("Certificate"), "document": _("Document")}


@dataclass(frozen=True, kw_only=True)
class StoryElements:
    """The building blocks of an OCOP product story, each in a few sentences.

    Use it as the input of :func:`build_story_markdown`,
    :func:`missing_elements` and :func:`story_subscore`. Leave an element
    empty rather than inventing it: the story must be true.

    Parameters
    ----------
    product : str
        Product name, e.g. "Vải thiều Lục Ngạn".
    place : str
        Where it comes from and what the land, water or climate gives it.
    people : str
        Who makes it: the cooperative, its members, a master craftsman.
    history : str
        History and heritage: since when, which traditions.
    raw_materials : str
        What it is made from and where that is grown or collected.
    process : str
        Process and craft: how it is made and the skills it takes.
    uniqueness : str
        What makes it unique compared with similar products.
    commitments : str
        Promises on quality, food safety, environment, community.
    evidence : sequence of Evidence
        Proofs; plain strings are accepted as unverified photos.

    Raises
    ------
    InputError
        For an element that is not text, or evidence that is not valid.
    """

    product: str = ""
    place: str = ""
    people: str = ""
    history: str = ""
    raw_materials: str = ""
    process: str = ""
    uniqueness: str = ""
    commitments: str = ""
    evidence: tuple[Evidence, ...] = ()

    def __post_init__(self):
        labels = element_labels()
        _check_text(self.product, "product", _("Product name"))
        for name in STORY_FIELDS:
            _check_text(getattr(self, name), name, labels[name])
        if isinstance(self.evidence, (str, Evidence)):
            object.__setattr__(self, "evidence", (self.evidence,))
        # A bare description is the common first attempt: keep it as an unverified photo.
        items = tuple(item if isinstance(item, Evidence) else Evidence(description=item) for item in self.evidence)
        object.__setattr__(self, "evidence", items)


def _missing_fields(elements: StoryElements) -> list[str]:
    """Names of the text elements left empty, plus "evidence" if there is none."""
    missing = [name for name in STORY_FIELDS if not getattr(elements, name).strip()]
    return missing + (["evidence"] if not elements.evidence else [])


def _what_to_add() -> dict[str, str]:
    """For each element, a message saying what to write."""
    return {
        "place": _(
            "Add the place: where the product comes from (commune, district, province) "
            "and what the land, water or climate gives it."
        ),
        "people": _(
            "Add the people: who makes the product (the cooperative, its members, "
            "a master craftsman) and what drives them."
        ),
        "history": _(
            "Add the history and heritage: since when the product has been made "
            "here and which traditions or customs it carries."
        ),
        "raw_materials": _(
            "Add the raw materials: what the product is made from and where they are grown, raised or collected."
        ),
        "process": _("Add the process and craft: how the product is made, step by step, and the skills it takes."),
        "uniqueness": _(
            "Add what makes the product unique: what a buyer cannot find in a similar product from elsewhere."
        ),
        "commitments": _("Add your commitments: to quality, food safety, the environment and the community."),
        "evidence": _("Add evidence that backs up the story: photos, video clips, certificates or documents."),
    }


def missing_elements(elements: StoryElements) -> list[str]:
    """List what the story still lacks, as messages that say what to add.

    Use it before submitting a dossier: councils check that a story is
    complete and true, so every element should be written and the evidence
    checkable.

    Parameters
    ----------
    elements : StoryElements
        The story so far.

    Returns
    -------
    list of str
        One message per missing element (in story order), then one per piece
        of evidence that cannot be verified yet. Empty when nothing is missing.

    See Also
    --------
    story_subscore : how completeness counts in the score.
    """
    advice = _what_to_add()
    messages = [advice[name] for name in _missing_fields(elements)]
    messages += [
        _(
            'The evidence "{description}" cannot be verified yet: say who issued it or '
            "where it can be checked (certificate number, issuing office, link)."
        ).format(description=item.description)
        for item in elements.evidence
        if not item.verifiable
    ]
    return messages


def _evidence_line(item: Evidence) -> str:
    """One Markdown bullet describing a piece of evidence."""
    kinds = evidence_kind_labels()
    status = _("can be verified") if item.verifiable else _("not yet verifiable")
    source = f" ({item.source.strip()})" if item.source.strip() else ""
    return f"- **{kinds[item.kind]}**: {item.description.strip()}{source}: _{status}_"


def build_story_markdown(elements: StoryElements) -> str:
    """Write the product story as a structured Markdown document.

    Use it to produce the story section of the dossier, or a draft to
    rework into a leaflet. Empty elements appear with a note saying what to
    write, so the draft shows its own gaps.

    Parameters
    ----------
    elements : StoryElements
        The story's elements.

    Returns
    -------
    str
        A title, one heading per element (in the current language) and a
        list of evidence marked verifiable or not.

    See Also
    --------
    missing_elements : the same gaps as a list.
    """
    labels, advice = element_labels(), _what_to_add()
    title = _("Product story")
    lines = [f"# {title}: {elements.product.strip()}" if elements.product.strip() else f"# {title}", ""]
    for name in STORY_FIELDS:
        text = getattr(elements, name).strip()
        lines += [f"## {labels[name]}", "", text or f"_{advice[name]}_", ""]
    lines += [f"## {labels['evidence']}", ""]
    lines += [_evidence_line(item) for item in elements.evidence] or [f"_{advice['evidence']}_"]
    return "\n".join(lines).rstrip() + "\n"


def story_to_csv(elements: StoryElements, path: str | Path | None = None) -> str:
    """Export the story as CSV: one row per element, then one per piece of evidence.

    The columns are element, kind, content, verifiable and source, with
    headings in the current language.

    Parameters
    ----------
    elements : StoryElements
        The story's elements.
    path : str or Path, optional
        Also write the file there (UTF-8 with a byte-order mark, see :mod:`ocopkit.spreadsheet`).

    Returns
    -------
    str
        The CSV text: the product name, the seven elements, then the evidence.

    See Also
    --------
    build_story_markdown : the same story as a document.
    """
    labels, kinds = element_labels(), evidence_kind_labels()
    rows = [(_("Product name"), "", elements.product, "", "")]
    rows += [(labels[name], "", getattr(elements, name), "", "") for name in STORY_FIELDS]
    rows += [
        (labels["evidence"], kinds[item.kind], item.description, _("yes") if item.verifiable else _("no"), item.source)
        for item in elements.evidence
    ]
    return rows_csv(rows, [_("Element"), _("Kind"), _("Content"), _("Verifiable"), _("Source")], path)


# --------------------------------------------------------------------------- scoring


@dataclass(frozen=True)
class ScoreItem:
    """One line of the scoring sheet: points, maximum and how to gain more.

    Attributes
    ----------
    name : str
        The item as the sheet names it (translated).
    points, maximum : int
        Points earned and available.
    reason : str
        Why this level was given.
    next_step : str or None
        What would earn the next level; ``None`` at the maximum.
    """

    name: str
    points: int
    maximum: int
    reason: str
    next_step: str | None


@dataclass(frozen=True)
class StorySubscore:
    """The story's points under the 2019 OCOP sheet (out of 10), item by item."""

    items: tuple[ScoreItem, ...]

    @property
    def total(self) -> int:
        """Points earned, 0–10."""
        return sum(item.points for item in self.items)

    @property
    def maximum(self) -> int:
        """Points available: 10."""
        return sum(item.maximum for item in self.items)


def _story_level(written: bool, has_plot: bool, on_label: bool, on_website: bool, has_images: bool) -> int:
    """Level 0–5 of "Câu chuyện SP"; each level needs all the ones below ("+")."""
    steps = (written, has_plot, on_label, on_website, has_images)
    level = 0
    for reached in steps:
        if not reached:
            break
        level += 1
    return level


def _story_item(level: int) -> ScoreItem:
    """Score item for the story itself."""
    reasons = (
        _("No written story yet."),
        _("A written introduction of the product exists."),
        _("A written story with a plot."),
        _("The story is also on the label or a leaflet."),
        _("The story is also on a website."),
        _("The story is also told with images or video clips."),
    )
    steps = (
        _("Write the story down: fill in the story elements."),
        _("Give the story a plot: who, what happened, and why the product is what it is."),
        _("Print the story on the label or on a leaflet."),
        _("Publish the story on a website."),
        _("Tell the story with images or video clips too."),
        None,
    )
    return ScoreItem(_("Product story"), level, 5, reasons[level], steps[level])


def _identity_item(level: int) -> ScoreItem:
    """Score item for local wisdom and identity."""
    reasons = (
        _("The story could be told of the same product anywhere."),
        _("The story shows some local features."),
        _("The story is the product's own."),
        _("The story is the product's own and shows local wisdom and identity."),
    )
    steps = (
        _("Tell what ties the product to your place and its people."),
        _("Make the story your own: your people, your history, your land."),
        _("Show local wisdom and identity: a traditional technique, a custom, a local name."),
        None,
    )
    return ScoreItem(_("Local wisdom and identity"), level, 3, reasons[level], steps[level])


def _structure_item(elements: StoryElements, written: bool) -> ScoreItem:
    """Score item for the structure: 2 only with every element and checkable evidence."""
    name = _("Story structure")
    if not written:
        return ScoreItem(
            name, 0, 2, _("No story to structure yet."), _("Write the story down: fill in the story elements.")
        )
    labels = element_labels()
    gaps = [labels[gap] for gap in _missing_fields(elements)]
    if elements.evidence and not any(item.verifiable for item in elements.evidence):
        gaps.append(_("evidence that can be verified"))
    if not gaps:
        return ScoreItem(name, 2, 2, _("The story has all its elements."), None)
    return ScoreItem(
        name,
        1,
        2,
        _("The story has a simple structure; some elements are missing."),
        _("Add: {elements}.").format(elements=", ".join(gaps)),
    )


def story_subscore(
    elements: StoryElements,
    *,
    has_plot: bool = False,
    on_label: bool = False,
    on_website: bool = False,
    has_images_or_video: bool = False,
    local_identity: int = LocalIdentity.SAME_AS_ELSEWHERE,
) -> StorySubscore:
    """Estimate the story's points under the 2019 OCOP sheet (0–10).

    Use it to show a cooperative where its story stands and which step
    gains the next points. Levels are derived from documented facts, not
    from a judgement of the text:

    * "Câu chuyện SP" (0–5): 1 if any element is written, 2 with a plot,
      3 also on the label or a leaflet, 4 also on a website, 5 also with
      images or clips. Levels build on each other, as the sheet's "+" says:
      a story on a website but not on the label stays at 2.
    * "Trí tuệ/bản sắc địa phương" (0–3): ``local_identity`` as assessed by
      the participant or trainer; 0 while nothing is written.
    * "Cấu trúc câu chuyện" (0–2): 2 when every element is written and at
      least one piece of evidence can be verified, 1 for any other written
      story, 0 while nothing is written.

    Parameters
    ----------
    elements : StoryElements
        The story's elements.
    has_plot : bool
        The written story tells events in order (a beginning, a turn, an
        outcome), not only facts.
    on_label : bool
        The story is printed on the label or a leaflet.
    on_website : bool
        The story is published on a website.
    has_images_or_video : bool
        The story is also told with images or video clips.
    local_identity : int or LocalIdentity
        0–3, see :class:`LocalIdentity`.

    Returns
    -------
    StorySubscore
        ``.total`` out of ``.maximum`` (10), and ``.items`` with the reason
        and next step for each of the three items.

    Raises
    ------
    InputError
        For a flag that is not True/False or an identity level outside 0–3.

    See Also
    --------
    missing_elements : what to add for full structure points.
    """
    flags = {
        "has_plot": (has_plot, _("Has a plot")),
        "on_label": (on_label, _("On the label or a leaflet")),
        "on_website": (on_website, _("On a website")),
        "has_images_or_video": (has_images_or_video, _("Has images or video clips")),
    }
    for field, (value, label) in flags.items():
        _check_flag(value, field, label)
    identity = check_whole(local_identity, "local_identity", _("Local wisdom and identity"), 0, 3)
    written = any(getattr(elements, name).strip() for name in STORY_FIELDS)
    level = _story_level(written, has_plot, on_label, on_website, has_images_or_video)
    return StorySubscore(
        (
            _story_item(level),
            _identity_item(identity if written else 0),
            _structure_item(elements, written),
        )
    )


# --------------------------------------------------------------------------- the whole story


@dataclass(frozen=True)
class StoryResult:
    """A story checked as a whole: what is written, what is missing and its estimated points.

    Attributes
    ----------
    elements : StoryElements
        The story as entered.
    missing : tuple of str
        What to add, as messages (from :func:`missing_elements`).
    subscore : StorySubscore
        Estimated points under the 2019 sheet, out of 10.
    """

    elements: StoryElements
    missing: tuple[str, ...]
    subscore: StorySubscore

    @property
    def written(self) -> int:
        """How many of the eight parts (seven elements and the evidence) are there."""
        return self.total_parts - len(_missing_fields(self.elements))

    @property
    def total_parts(self) -> int:
        """Eight: the seven text elements and the evidence."""
        return len(STORY_FIELDS) + 1


def assess_story(elements: StoryElements, **scoring) -> StoryResult:
    """List what a story lacks and estimate its points, as the story builder shows them.

    Parameters
    ----------
    elements : StoryElements
        The story's elements.
    **scoring
        ``has_plot``, ``on_label``, ``on_website``, ``has_images_or_video``
        and ``local_identity``, as for :func:`story_subscore`.

    Returns
    -------
    StoryResult

    See Also
    --------
    ocopkit.widgets.ProductStoryBuilder : the builder, whose ``.result`` this is.
    """
    return StoryResult(elements, tuple(missing_elements(elements)), story_subscore(elements, **scoring))
