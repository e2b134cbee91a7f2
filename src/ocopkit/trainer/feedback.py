"""Feedback that never reveals hidden tests and never runs a participant's code in the reader's browser.

- :class:`HideHiddenTracebacks`: nbgrader's ``ClearHiddenTests`` removes a
  hidden test's source from the feedback, but the traceback of a failed hidden
  test still quotes the failing line (nbgrader issue 917). This preprocessor
  runs before it and keeps only the error's name and message, which the test
  author writes for the participant ("the total should be 76 points").
- :class:`SanitizeFeedback`: outputs of answer cells (HTML, Markdown, SVG,
  JavaScript, widgets) and raw cells are made inert (:func:`ocopkit.trainer.safe_html.clean`)
  or removed, as are the pieces of cell metadata the page template writes out.
- :class:`FeedbackExporter`: nbgrader's feedback template renders Markdown
  cells (written answers) and trainers' comments with its ``markdown2html``
  filter, after every preprocessor; this exporter cleans what that filter
  returns, removes every ``<script>`` from the page (it needs none) and adds a
  Content-Security-Policy that lets nothing run or load, should anything slip through.

``nbgrader_config.py`` puts all three into ``GenerateFeedback``.
"""

from __future__ import annotations

import base64
import re

from bs4 import BeautifulSoup
from nbconvert.exporters import HTMLExporter
from nbconvert.exporters.html import contextfilter
from nbconvert.filters.markdown_mistune import markdown2html_mistune
from nbconvert.preprocessors import Preprocessor
from traitlets import Bool, Unicode

from ..i18n import _
from .safe_html import clean

# Shown as they are: the template escapes plain text and LaTeX, and images are
# base64 data written into a quoted src attribute.
SAFE_OUTPUT_TYPES = frozenset({"text/plain", "text/latex", "image/png", "image/jpeg", "image/gif", "application/json"})
# The page needs no script, loads nothing from elsewhere, and submits nothing.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; base-uri 'none'; form-action 'none'"
)


class HideHiddenTracebacks(Preprocessor):
    """Strip the traceback of every test cell that holds a hidden test region."""

    # nbconvert preprocessors are off unless enabled; this one must always run.
    enabled = Bool(True).tag(config=True)
    begin_test_delimeter = Unicode("BEGIN HIDDEN TESTS").tag(config=True)

    def preprocess_cell(self, cell, resources, index):
        """Replace each error output's traceback with one line: name and message."""
        if cell.cell_type != "code" or self.begin_test_delimeter not in cell.source:
            return cell, resources
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                message = output.get("evalue") or _("a hidden check did not pass")
                output["traceback"] = [f"{output.get('ename', 'Error')}: {message}"]
        return cell, resources


class SanitizeFeedback(Preprocessor):
    """Make every output, raw cell and template-visible metadata of a feedback notebook inert.

    Markdown cells are left to :class:`FeedbackExporter`: cleaning their
    source as HTML would garble quotes, ``>`` and code in honest Markdown.
    """

    enabled = Bool(True).tag(config=True)

    def preprocess(self, nb, resources):
        """Drop the saved widget state (the participant's code for the browser), then clean each cell."""
        nb.metadata.pop("widgets", None)
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, index):
        """Clean one cell: its nbgrader metadata, a raw cell's source, a code cell's outputs."""
        _safe_nbgrader_metadata(cell.metadata)
        if cell.cell_type == "raw":
            cell.source = clean(cell.source)
        elif cell.cell_type == "code":
            for output in cell.get("outputs", []):
                _safe_output(output)
        return cell, resources


def _safe_nbgrader_metadata(metadata) -> None:
    """Reduce a cell's grade id to a plain name: the template writes it into links and anchors unescaped."""
    nbgrader = metadata.get("nbgrader")
    if isinstance(nbgrader, dict) and "grade_id" in nbgrader:
        nbgrader["grade_id"] = re.sub(r"[^\w.-]", "_", str(nbgrader["grade_id"]))


def _text(value) -> str:
    """An output's text: nbformat may keep it as a list of lines."""
    return "".join(value) if isinstance(value, list) else str(value)


def _safe_output(output) -> None:
    """Clean a rich output in place: HTML cleaned, Markdown and SVG turned into clean HTML, the rest dropped."""
    if output.get("output_type") not in ("display_data", "execute_result"):
        return  # streams and errors are text, escaped by the template
    data = output.get("data", {})
    safe = {key: value for key, value in data.items() if key in SAFE_OUTPUT_TYPES}
    if "text/html" in data:
        safe["text/html"] = clean(_text(data["text/html"]))
    elif "text/markdown" in data:
        safe["text/html"] = clean(markdown2html_mistune(_text(data["text/markdown"])))
    elif "image/svg+xml" in data:
        # As an image, an SVG's scripts and links never run.
        encoded = base64.b64encode(_text(data["image/svg+xml"]).encode("utf-8")).decode("ascii")
        safe["text/html"] = f'<img alt="" src="data:image/svg+xml;base64,{encoded}">'
    if not safe:
        safe["text/plain"] = _("(removed from the feedback: this output would run code in the browser)")
    output["data"] = safe
    output["metadata"] = _safe_metadata(output.get("metadata", {}))
    output.pop("svg_filename", None)  # written into an <img src> by the template


def _image_options(options) -> dict:
    """Keep an image's size (numbers only), alternative text and ``unconfined`` flag.

    The template writes ``width=...`` into the tag unquoted, so a width of
    ``1 onerror=...`` would add an event handler; other keys (``filenames``,
    ``isolated``) become src attributes or an iframe.
    """
    kept = {key: options[key] for key in ("width", "height") if re.fullmatch(r"\d+(\.\d+)?", str(options.get(key, "")))}
    if isinstance(options.get("alt"), str):
        kept["alt"] = options["alt"]  # written quoted and escaped
    if options.get("unconfined") is True:
        kept["unconfined"] = True
    return kept


def _safe_metadata(metadata) -> dict:
    """An output's metadata reduced to image options, at the top level and per MIME type."""
    safe = _image_options(metadata)
    for key, value in metadata.items():
        if isinstance(value, dict) and key in SAFE_OUTPUT_TYPES:
            safe[key] = _image_options(value)
    return safe


class FeedbackExporter(HTMLExporter):
    """nbconvert's HTML exporter with Markdown cleaned after rendering and a page that runs nothing.

    nbgrader configures it as for ``HTMLExporter`` (its feedback template);
    ``sanitize_html`` also makes the classic template leave out JavaScript and
    widget outputs and pass HTML through ``clean_html``, here :func:`clean`.
    """

    sanitize_html = Bool(True, help="Clean HTML in Markdown cells and outputs (always, for feedback).").tag(config=True)

    @contextfilter
    def markdown2html(self, context, source):
        """Render Markdown as nbconvert does (attachments, anchors, code), then clean the HTML."""
        return clean(super().markdown2html(context, source))

    def default_filters(self):
        """nbconvert's filters, with its ``clean_html`` (which escapes headings and paragraphs) replaced."""
        yield from super().default_filters()
        yield ("clean_html", clean)

    def from_notebook_node(self, nb, resources=None, **kw):
        """Render the page, then lock it down: no script at all, and a policy that forbids them."""
        page, resources = super().from_notebook_node(nb, resources, **kw)
        return lock_down(page), resources


def lock_down(page: str) -> str:
    """Remove every ``<script>`` from a rendered page and put a Content-Security-Policy first in its head.

    The only scripts nbgrader's template adds load MathJax from the Internet;
    feedback is read offline and the exercises have no formulas.
    """
    soup = BeautifulSoup(page, features="html.parser")
    for script in soup.find_all("script"):
        script.decompose()
    head = soup.head or soup.new_tag("head")
    if head.parent is None:
        (soup.html or soup).insert(0, head)
    policy = soup.new_tag("meta", attrs={"http-equiv": "Content-Security-Policy", "content": CONTENT_SECURITY_POLICY})
    head.insert(0, policy)
    return str(soup)
