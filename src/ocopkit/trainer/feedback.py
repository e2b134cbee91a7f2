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
  It also renders the page a participant can read: ``templates/feedback_page.html.j2``
  extends nbgrader's feedback template and shows, in the participant's language,
  the points of each part (:func:`page_summary`), the message of each failed
  check instead of the test's code, and the parts that await the trainer.

``nbgrader_config.py`` puts all three into ``GenerateFeedback``.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field
from pathlib import Path

from bs4 import BeautifulSoup
from jinja2 import FileSystemLoader
from nbconvert.exporters import HTMLExporter
from nbconvert.exporters.html import contextfilter
from nbconvert.filters.markdown_mistune import markdown2html_mistune
from nbconvert.preprocessors import Preprocessor
from traitlets import Bool, Unicode, default

from ..i18n import _, format_number, get_language
from .safe_html import clean

# Shown as they are: the template escapes plain text and LaTeX, and images are
# base64 data written into a quoted src attribute.
SAFE_OUTPUT_TYPES = frozenset({"text/plain", "text/latex", "image/png", "image/jpeg", "image/gif", "application/json"})
# The page needs no script, loads nothing from elsewhere, and submits nothing.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; base-uri 'none'; form-action 'none'"
)
# The page template, beside report.html.j2; it extends nbgrader's ``feedback/index.html.j2``.
TEMPLATES = Path(__file__).parent / "templates"
PAGE_TEMPLATE = "feedback_page.html.j2"
# "## Phần 2 (3 điểm): ..." heads a part; its grade cells are named part2_...
PART_HEADING = re.compile(r"^#{1,3}\s*((?:Phần|Part)\s+(\d+)\b.*?)\s*$", re.MULTILINE | re.IGNORECASE)
PART_ID = re.compile(r"^part(\d+)_")
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


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


# --------------------------------------------------------------------------- the participant's page


@dataclass
class Check:
    """One graded cell as the page shows it: what it checks, its points, and why it failed."""

    grade_id: str
    description: str
    score: float
    points: float
    kind: str  # "test" (a test cell), "written" or "answer" (a graded answer, Markdown or code)
    awaiting: bool = False  # nbgrader's needs_manual_grade: the trainer has not graded it yet
    message: str = ""  # the failed check's own message, never its code

    @property
    def passed(self) -> bool:
        """Full points: nothing to fix."""
        return not self.awaiting and self.score >= self.points


@dataclass
class Part:
    """A part of the exercise ("Phần 2 (3 điểm): ..."), with its graded cells."""

    number: int | None
    title: str
    checks: list[Check] = field(default_factory=list)

    @property
    def score(self) -> float:
        """Points earned so far (cells awaiting the trainer count nothing yet)."""
        return sum(check.score for check in self.checks if not check.awaiting)

    @property
    def maximum(self) -> float:
        return sum(check.points for check in self.checks)

    @property
    def awaiting(self) -> float:
        """Points still to be given by the trainer."""
        return sum(check.points for check in self.checks if check.awaiting)

    @property
    def short_title(self) -> str:
        """ "Phần 5" of "Phần 5 (2 điểm, giảng viên chấm): ..."."""
        return re.split(r"[(:]", self.title, maxsplit=1)[0].strip() or self.title


def points(value) -> str:
    """A score as people write it in the page's language: ``10``, ``2,5`` in Vietnamese (``2.5`` in English)."""
    return format_number(float(value or 0), 2, trim=True)


def check_message(cell) -> str:
    """What a failed check tells the participant: its error's message, without the traceback's code."""
    for output in reversed(cell.get("outputs", [])):
        if output.get("output_type") == "error":
            message = ANSI.sub("", str(output.get("evalue") or "")).strip()
            return message or _("This check did not pass.")
    return _("This check did not pass.")


def _description(cell, number: int) -> str:
    """A test cell's one-line description (its first comment), or "Check N"."""
    first = cell.source.lstrip().split("\n", 1)[0] if cell.cell_type == "code" else ""
    text = first.lstrip("#").strip() if first.startswith("#") else ""
    if text and not text.upper().startswith("BEGIN"):
        # The page puts its own "Check:" before it; "# Kiểm tra: ..." would say it twice.
        return re.sub(r"^(Kiểm tra|Check|Test)\s*:\s*", "", text, flags=re.IGNORECASE) or text
    return _("Check {number}").format(number=number)


def _awaiting_ids(info: dict) -> set[str] | None:
    """Grade cells of this submission that nbgrader marks as needing a manual grade, or None without a gradebook."""
    if not info.get("db_url"):
        return None
    from nbgrader.api import Gradebook

    with Gradebook(info["db_url"]) as gradebook:
        notebook = gradebook.find_submission_notebook(info["notebook"], info["assignment"], info["student"])
        return {_plain_id(grade.name) for grade in notebook.grades if grade.needs_manual_grade}


def _plain_id(grade_id) -> str:
    return re.sub(r"[^\w.-]", "_", str(grade_id))


def _title(nb) -> str:
    """The exercise's title: the first level-one heading of the notebook."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            match = re.search(r"^#\s+(.+)$", cell.source, re.MULTILINE)
            if match:
                return match.group(1).strip()
    return ""


def page_summary(nb, resources) -> dict:
    """Everything the page template shows above the notebook, in the participant's language.

    Parts come from the notebook's "## Phần N (P điểm)" headings; a grade cell
    belongs to part N by its name (``partN_...``), else to the part it follows.
    A cell nbgrader marks as needing a manual grade is shown as awaiting the
    trainer, not as zero. Scores come from nbgrader's ``GetGrades``.
    """
    info = resources.get("nbgrader", {})
    awaiting_ids = _awaiting_ids(info)
    parts: dict[int | None, Part] = {}
    current = None
    checks = {}
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for match in PART_HEADING.finditer(cell.source):
                current = int(match.group(2))
                parts.setdefault(current, Part(current, match.group(1).strip()))
        nbgrader = cell.metadata.get("nbgrader", {})
        if not nbgrader.get("grade"):
            continue
        grade_id = str(nbgrader.get("grade_id", ""))
        named = PART_ID.match(grade_id)
        number = int(named.group(1)) if named else current
        part = parts.setdefault(number, Part(number, _("Part {number}").format(number=number) if number else ""))
        score = nbgrader.get("score")
        awaiting = score is None if awaiting_ids is None else grade_id in awaiting_ids
        kind = "test" if not nbgrader.get("solution") else ("written" if cell.cell_type == "markdown" else "answer")
        check = Check(
            grade_id=grade_id,
            description=_description(cell, len(part.checks) + 1) if kind == "test" else _("Your answer"),
            score=float(score or 0),
            points=float(nbgrader.get("points") or 0),
            kind=kind,
            awaiting=awaiting,
        )
        if not check.passed and not awaiting and kind == "test":
            check.message = check_message(cell)
        part.checks.append(check)
        checks[grade_id] = check
    if None in parts:
        parts[None].title = _("Other checks")
    ordered = [part for part in parts.values() if part.checks]
    waiting = [part for part in ordered if part.awaiting]
    score, maximum = points(info.get("score")), points(info.get("max_score"))
    if waiting:
        total = _("Score: {score} / {maximum} so far").format(score=score, maximum=maximum)
        note = _("{points} more points are awaiting the trainer's grading ({parts}).").format(
            points=points(sum(part.awaiting for part in waiting)),
            parts=", ".join(part.short_title for part in waiting),
        )
    else:
        total, note = _("Score: {score} / {maximum}").format(score=score, maximum=maximum), ""
    late = float(info.get("late_penalty") or 0)
    return {
        "language": get_language(),
        "title": _title(nb) or str(info.get("notebook", "")),
        "participant": str(info.get("student", "")),
        "assignment": str(info.get("assignment", "")),
        "total": total,
        "awaiting_note": note,
        "late_note": _("Late submission: {points} points taken off.").format(points=points(late)) if late else "",
        "parts": ordered,
        "checks": checks,
        "points": points,
        "text": {
            "participant": _("Participant"),
            "exercise": _("Exercise"),
            "parts": _("Points per part"),
            "part": _("Part"),
            "part_points": _("Points"),
            "checks": _("Checks"),
            "score": _("{score} / {maximum} points"),
            "awaiting": _("awaiting the trainer's grading"),
            "up_to": _("up to {maximum} points"),
            "passed": _("passed"),
            "failed": _("not passed"),
            "answer": _("Your answer"),
            "check": _("Check"),
            "comment": _("Trainer's comment:"),
            "top": _("(Top)"),
            "intro": _(
                "Below the table: your answers as they were graded, and after each answer the checks with their "
                "result. A check that did not pass tells you what to look at again."
            ),
        },
    }


class FeedbackExporter(HTMLExporter):
    """nbconvert's HTML exporter with Markdown cleaned after rendering and a page that runs nothing.

    nbgrader configures it as for ``HTMLExporter`` (its feedback template, which
    :data:`PAGE_TEMPLATE` extends; set ``FeedbackExporter.template_file`` to
    ``index.html.j2`` for nbgrader's own page); ``sanitize_html`` also makes the
    classic template leave out JavaScript and widget outputs and pass HTML
    through ``clean_html``, here :func:`clean`.
    """

    sanitize_html = Bool(True, help="Clean HTML in Markdown cells and outputs (always, for feedback).").tag(config=True)

    @default("template_file")
    def _default_template_file(self):
        return PAGE_TEMPLATE

    @default("extra_loaders")
    def _default_extra_loaders(self):
        # Searched before nbgrader's template folders, which nbgrader's GenerateFeedback sets.
        return [FileSystemLoader(str(TEMPLATES))]

    def _preprocess(self, nb, resources):
        """Run the preprocessors (grades, hidden tests, cleaning), then add the page's summary."""
        nb, resources = super()._preprocess(nb, resources)
        if self.template_file == PAGE_TEMPLATE:
            resources["ocop_feedback"] = page_summary(nb, resources)
        return nb, resources

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
