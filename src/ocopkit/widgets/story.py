"""Product story builder: write the story element by element and see what is still missing.

A thin layer over :mod:`ocopkit.story`: the boxes collect the elements and
the evidence, ``story.StoryElements`` checks them, ``story.assess_story``
lists the gaps and estimates the points; the widget shows them with a chart
of the story's completeness.

Examples
--------
>>> from ocopkit.widgets import ProductStoryBuilder
>>> tool = ProductStoryBuilder()
>>> tool.set_inputs({"product": "Vải thiều Lục Ngạn", "place": "Lục Ngạn, Bắc Giang"})
>>> tool.result.subscore.total                                 # doctest: +SKIP
"""

from __future__ import annotations

import html
from pathlib import Path

import ipywidgets as w
from matplotlib.figure import Figure

from .. import story
from ..i18n import _, format_number
from ..story import StoryResult
from .common import text_export
from .inputs import FormTool, LiveChart, caption_html, choice_box, text_box

EVIDENCE_ROWS = 4  # enough for a first dossier; more can be added in the exported document


def _notes(result: StoryResult) -> list[tuple[bool, str]]:
    """For each part of the story: whether it is there, and its label (with a count when written)."""
    labels, notes = story.element_labels(), []
    for name in story.STORY_FIELDS:
        count = len(getattr(result.elements, name).split())
        notes.append((count > 0, _("words: {count}").format(count=format_number(count))))
    evidence = result.elements.evidence
    notes.append(
        (
            bool(evidence),
            _("{count} ({checked} verifiable)").format(
                count=len(evidence), checked=sum(item.verifiable for item in evidence)
            ),
        )
    )
    names = [*story.STORY_FIELDS, "evidence"]
    # Short labels: each character costs drawing time, and colour and ✗ already say "missing".
    return [
        (done, f"✓ {labels[name]} · {note}" if done else f"✗ {labels[name]}")
        for name, (done, note) in zip(names, notes)
    ]


class CompletenessChart(LiveChart):
    """One bar per part of the story: green with its word count when written, pale red when missing.

    Drawn for speed: no axes, one label per bar, and the title as HTML above
    the image (see :func:`~ocopkit.widgets.inputs.caption_html`).
    """

    size = (6.4, 3.0)

    def build(self, result: StoryResult) -> None:
        """Eight bars and their labels, in story order from the top."""
        rows = list(range(len(story.STORY_FIELDS) + 1))[::-1]
        self.bars = self.axes.barh(rows, [1] * len(rows))
        self.notes = [self.axes.text(0.02, row, "", va="center") for row in rows]
        self.axes.set_xlim(0, 1)
        self.axes.set_axis_off()

    def update(self, result: StoryResult) -> Figure:
        """Colour and label each bar."""
        for bar, text, (done, note) in zip(self.bars.patches, self.notes, _notes(result)):
            bar.set_color("#a5d6a7" if done else "#ef9a9a")
            text.set_text(note)
        return self.figure

    def caption_html(self, result: StoryResult) -> str:
        """Title with the totals."""
        return caption_html(
            _("Story completeness: {done} of {total} parts — estimated {points}/{maximum} points").format(
                done=result.written,
                total=result.total_parts,
                points=result.subscore.total,
                maximum=result.subscore.maximum,
            )
        )


def completeness_chart(result: StoryResult) -> Figure:
    """Draw a story's completeness chart once (the widget updates one in place instead)."""
    return CompletenessChart(result).update(result)


class ProductStoryBuilder(FormTool):
    """Write an OCOP product story element by element, with its gaps and estimated points.

    Use it to draft the "câu chuyện sản phẩm" of a dossier: write a few true
    sentences for each element, list the evidence, tick where the story is
    already told, and read what to add next.

    Attributes
    ----------
    result : ocopkit.story.StoryResult
        The latest story: ``.elements``, ``.missing`` and ``.subscore``, as
        :func:`ocopkit.story.assess_story` returns them.
    fields : dict
        The input boxes: one per element, the evidence rows
        (``evidence_1`` … with ``_kind``, ``_verifiable`` and ``_source``),
        the four "where is it told" ticks and ``local_identity``.

    See Also
    --------
    ocopkit.story.assess_story, ocopkit.story.build_story_markdown : the logic.
    """

    tool_name = "ProductStoryBuilder"
    chart_class = CompletenessChart

    def __init__(self):
        fields = self._make_fields()
        super().__init__(fields, self._form(fields), _("product-story"))

    # -- boxes ----------------------------------------------------------------------
    def _make_fields(self) -> dict[str, w.Widget]:
        """One box per element, evidence rows, and the scoring questions."""
        labels = story.element_labels()  # the same headings as the exported document
        fields = {"product": text_box(_("Product name"))}
        fields.update({name: text_box(labels[name], lines=3) for name in story.STORY_FIELDS})
        kinds = [(label, kind) for kind, label in story.evidence_kind_labels().items()]
        for row in range(1, EVIDENCE_ROWS + 1):
            name = f"evidence_{row}"
            fields[name] = text_box(_("Evidence {number}").format(number=row))
            fields[f"{name}_kind"] = choice_box(_("Kind"), kinds, "photo")
            fields[f"{name}_verifiable"] = w.Checkbox(False, description=_("Can be verified"), indent=False)
            fields[f"{name}_source"] = text_box(_("Where to check it"))
        flags = {
            "has_plot": _("Has a plot"),
            "on_label": _("On the label or a leaflet"),
            "on_website": _("On a website"),
            "has_images_or_video": _("Has images or video clips"),
        }
        fields.update({name: w.Checkbox(False, description=text, indent=False) for name, text in flags.items()})
        levels = [
            (_("The story could be told of the same product anywhere."), 0),
            (_("The story shows some local features."), 1),
            (_("The story is the product's own."), 2),
            (_("The story is the product's own and shows local wisdom and identity."), 3),
        ]
        fields["local_identity"] = choice_box(_("Local wisdom and identity"), levels, 0)
        fields["local_identity"].layout.width = "720px"
        return fields

    def _form(self, fields: dict[str, w.Widget]) -> w.Widget:
        """Elements, evidence and "where the story is told" in three sections."""
        elements = w.VBox([fields["product"]] + [fields[name] for name in story.STORY_FIELDS])
        rows = []
        for row in range(1, EVIDENCE_ROWS + 1):
            name = f"evidence_{row}"
            rows.append(
                w.VBox(
                    [
                        fields[name],
                        w.HBox([fields[f"{name}_kind"], fields[f"{name}_verifiable"]]),
                        fields[f"{name}_source"],
                    ]
                )
            )
        hint = w.HTML(
            "<i>"
            + _(
                "A council checks that the story is true: for each piece of "
                "evidence, say who issued it or where it can be checked."
            )
            + "</i>"
        )
        told = w.VBox(
            [fields[name] for name in ("has_plot", "on_label", "on_website", "has_images_or_video", "local_identity")]
        )
        return w.Accordion(
            children=[elements, w.VBox([hint, *rows]), told],
            titles=[_("Story elements"), _("Evidence"), _("Where the story is told")],
            selected_index=0,
        )

    # -- logic ----------------------------------------------------------------------
    def compute(self) -> StoryResult:
        """Read the boxes and check, list and score the story through :mod:`ocopkit.story`."""
        elements = story.StoryElements(
            product=self.text("product"),
            evidence=self._evidence(),
            **{name: self.text(name) for name in story.STORY_FIELDS},
        )
        flags = {
            name: self.fields[name].value for name in ("has_plot", "on_label", "on_website", "has_images_or_video")
        }
        return story.assess_story(elements, local_identity=self.fields["local_identity"].value, **flags)

    def _evidence(self) -> tuple[story.Evidence, ...]:
        """The evidence rows whose description is filled in; empty rows are skipped."""
        found = []
        for row in range(1, EVIDENCE_ROWS + 1):
            name = f"evidence_{row}"
            if self.text(name):
                found.append(
                    story.Evidence(
                        description=self.text(name),
                        kind=self.fields[f"{name}_kind"].value,
                        verifiable=self.fields[f"{name}_verifiable"].value,
                        source=self.text(f"{name}_source"),
                    )
                )
        return tuple(found)

    # -- display ----------------------------------------------------------------------
    def summary_html(self, result: StoryResult) -> str:
        """Estimated points item by item, then what to add."""
        rows = "".join(
            f"<tr><td>{item.name}</td><td><b>{item.points} / {item.maximum}</b></td>"
            f"<td>{item.reason} {item.next_step or ''}</td></tr>"
            for item in result.subscore.items
        )
        todo = "".join(f"<li>{html.escape(text)}</li>" for text in result.missing)  # quotes typed text
        heading = _("Estimated points for the story (2019 sheet): {points} / {maximum}").format(
            points=result.subscore.total, maximum=result.subscore.maximum
        )
        done = _("Nothing is missing.") if not todo else f"{_('Still to add:')}<ul>{todo}</ul>"
        return f"<p><b>{heading}</b></p><table>{rows}</table><p>{done}</p>"

    # -- exports ----------------------------------------------------------------------
    def to_markdown(self, path: str | Path | None = None) -> str:
        """Return the story as a Markdown document; with ``path``, also write it.

        See Also
        --------
        ocopkit.story.build_story_markdown
        """
        text = story.build_story_markdown(self.result.elements)
        return text_export(text, path)

    def to_csv(self, path: str | Path | None = None) -> str:
        """Return the story as CSV, one row per element and per piece of evidence; with ``path``, also write it.

        See Also
        --------
        ocopkit.story.story_to_csv
        """
        return story.story_to_csv(self.result.elements, path)
