"""A topic08 submission whose answers carry every way we know to run code in a feedback page, graded for real.

Every payload, if it ran, would leave a trace: it asks the beacon (an HTTP
server of the test on 127.0.0.1) for ``/js/NAME``, sets ``document.title``,
appends NAME to ``window.pwned`` and calls ``alert``. Payloads that load
instead of run (a remote image, a stylesheet, a meta refresh, a form) ask the
beacon for their own path. The answers themselves stay right, so the honest
part of the page (scores, Vietnamese text) can be checked beside them.

:func:`feedback_course` builds and grades the course once per test session
(``ocop generate``, the sandboxed ``cohort.grade_cohort``, then ``ocop feedback``),
shared by tests/trainer/test_feedback_sanitised.py and tests/trainer/test_browser_feedback.py.
"""

from __future__ import annotations

import atexit
import functools
import http.server
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[1]
FULL = REPO / "tests" / "submissions" / "topic08" / "full"
PARTICIPANT = "hacker"
ASSIGNMENT = "topic08"
HONEST_ANSWER = "Tôi chọn nhóm Câu chuyện sản phẩm vì chi phí thấp mà còn nhiều điểm"
HONEST_OUTPUT = "Bưởi Phúc Trạch đạt 4 sao"
# 1x1 transparent PNG
PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="


class Beacon:
    """An HTTP server on 127.0.0.1 that records the path of every request it gets."""

    def __init__(self):
        hits = self.hits = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                hits.append(self.path)
                self.send_response(204)
                self.end_headers()

            do_POST = do_GET

            def log_message(self, *args):  # keep the test output quiet
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def run(beacon: str, name: str) -> str:
    """JavaScript that leaves every trace of having run, under ``name``; no double quotes, so it fits attributes."""
    return (
        f"(new Image).src='{beacon}/js/{name}';document.title='pwned {name}';"
        f"window.pwned=(window.pwned||[]).concat(['{name}']);alert('{name}')"
    )


def markdown_payloads(b: str, prefix: str) -> str:
    """Raw HTML and Markdown tricks for a written answer, each on its own block."""

    def r(name):
        return run(b, f"{prefix}-{name}")

    blocks = [
        f"<script>{r('script')}</script>",
        f'<img src="x" onerror="{r("img-onerror")}">',
        f'<svg onload="{r("svg-onload")}"><circle r="4"></circle></svg>',
        f'<iframe src="javascript:{r("iframe-js")}"></iframe>',
        f"<iframe srcdoc=\"<script>parent.document.title='pwned {prefix}-srcdoc';"
        f"(new Image).src='{b}/js/{prefix}-srcdoc'</script>\"></iframe>",
        f'<object data="javascript:{r("object")}"></object>',
        f'<embed src="javascript:{r("embed")}">',
        f'<meta http-equiv="refresh" content="0;url={b}/refresh/{prefix}">',
        f'<div style="background-image:url({b}/css-url/{prefix})">nền</div>',
        f'<p style="width: expression({r("css-expression")})">biểu thức CSS</p>',
        f"<style>@import url({b}/css-import/{prefix}); body {{ background: url({b}/css-body/{prefix}) }}</style>",
        f'<link rel="stylesheet" href="{b}/css-link/{prefix}">',
        f'<base href="{b}/base/{prefix}/">',
        f'<form action="{b}/form/{prefix}" method="post"><input name="q" value="1"><button>Gửi</button></form>',
        f'<math><mtext><table><mglyph><style><img src=x onerror="{r("mxss-math")}">',
        f'<noscript><p title="</noscript><img src=x onerror=&quot;{r("mxss-noscript")}&quot;>"></p></noscript>',
        f'<img src="{b}/pixel/{prefix}">',
        f'<a href="javascript:{r("html-js-link")}">bấm vào đây</a>',
        f'<a href="jav&#x09;ascript:{r("html-entity-link")}">liên kết</a>',
        '<a href="data:text/html,<script>alert(1)</script>">dữ liệu</a>',
        f'<details open ontoggle="{r("ontoggle")}"><summary>Chi tiết</summary>nội dung</details>',
        f'<input autofocus onfocus="{r("autofocus")}">',
        f'<video><source onerror="{r("video")}"></video>',
        f"[Bấm vào đây](javascript:document.title='pwned-{prefix}-md-link')",
        f"[Liên kết](jav&#x09;ascript:document.title='pwned-{prefix}-md-entity')",
        f"![ảnh]({b}/md-image/{prefix})",
        f'[tiêu đề](https://example.org "\\" onmouseover=\\"document.title=\'pwned-{prefix}-md-title\'")',
    ]
    return "\n\n".join(blocks)


def output_payloads(b: str) -> str:
    """Python for an answer cell: displays that carry scripts as HTML, JavaScript, SVG, Markdown, widgets."""

    def img(name):
        return f'<img src=x onerror="{run(b, name)}">'

    def script(name):
        return f"<script>{run(b, name)}</script>"

    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" onload="{run(b, "out-svg-onload")}">'
        f"{script('out-svg-script')}<circle cx='5' cy='5' r='4'/></svg>"
    )
    iframe = f'<iframe src="javascript:{run(b, "out-iframe")}"></iframe>'
    view = {"model_id": "x", "version_major": 2, "version_minor": 0}
    metadata = {
        "filenames": {"image/png": f"{b}/filenames"},
        "image/png": {"width": f'1" onerror="{run(b, "out-png-width")}'},
    }
    lines = [
        "from IPython.display import HTML, Javascript, SVG, Markdown, display",
        f"display(HTML({'<b>' + HONEST_OUTPUT + '</b>'!r}))",
        f"display(HTML({script('out-html-script')!r}))",
        f"display(HTML({img('out-html-img')!r}))",
        f"display(Javascript({run(b, 'out-javascript')!r}))",
        f"display({{'application/javascript': {run(b, 'out-javascript-only')!r}}}, raw=True)",
        f"display(SVG({svg!r}))",
        f"display(Markdown({img('out-md-img')!r}))",
        f"display({{'text/html': {iframe!r}, 'text/plain': 'iframe'}}, raw=True)",
        f"display(HTML({script('out-isolated')!r}), metadata={{'isolated': True}})",
        f"display({{'image/png': {PNG!r}, 'text/plain': 'png'}}, raw=True, metadata={metadata!r})",
        f"display({{'application/vnd.jupyter.widget-view+json': {view!r}, 'text/html': {img('out-widget')!r}}},"
        " raw=True)",
        f"print({script('out-stream')!r})",
        "import ipywidgets",
        f"display(ipywidgets.HTML({img('out-ipywidget')!r}))",
        "class Trinh:",
        "    def _repr_html_(self):",
        f"        return {img('out-repr-html')!r}",
        "",
    ]
    return "\n".join(lines)


def cell(nb, grade_id):
    """The cell of a notebook with this nbgrader grade id."""
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def hostile_notebook(beacon: str) -> nbformat.NotebookNode:
    """The right answers of topic08 with payloads in the answer cells, the written answer and added cells."""
    nb = nbformat.read(FULL / f"{ASSIGNMENT}.ipynb", as_version=4)
    part1 = cell(nb, "part1_answer")
    part1.source = output_payloads(beacon) + part1.source + "\nTrinh()"
    written = cell(nb, "part5_written_answer")
    written.source += "\n\n" + markdown_payloads(beacon, "written")
    index = nb.cells.index(written) + 1
    added = nbformat.v4.new_markdown_cell(markdown_payloads(beacon, "added"))
    raw_html = f'<script>{run(beacon, "raw-cell")}</script><img src=x onerror="{run(beacon, "raw-img")}">'
    raw = nbformat.v4.new_raw_cell(raw_html, metadata={"raw_mimetype": "text/html", "format": "text/html"})
    tagged = nbformat.v4.new_code_cell(
        "print('ô thêm')", metadata={"tags": [f'"><img src=x onerror="{run(beacon, "cell-tag")}">']}
    )
    nb.cells[index:index] = [added, raw, tagged]
    nb.metadata["widgets"] = {
        "application/vnd.jupyter.widget-state+json": {
            "state": {
                "x": {
                    "model_name": "HTMLModel",
                    "state": {"value": f"</script><script>{run(beacon, 'widget-state')}</script>"},
                }
            },
            "version_major": 2,
            "version_minor": 0,
        }
    }
    return nb


@dataclass
class FeedbackCourse:
    """A graded course with one hostile submission and its feedback page."""

    course: Path
    beacon: Beacon
    page: Path
    outcome: object  # ocopkit.trainer.ledger.Grading

    @property
    def autograded(self) -> Path:
        return self.course / "autograded" / PARTICIPANT / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"


@functools.cache
def feedback_course() -> FeedbackCourse:
    """Build, grade (in the sandbox) and give feedback on the hostile submission; once per session.

    The caller checks ``sandbox.unavailable_reason()`` first.
    """
    from ocopkit.trainer import cli, cohort
    from ocopkit.trainer.course import make_working_course

    beacon = Beacon()
    root = Path(tempfile.mkdtemp(prefix="ocop-hostile-feedback-"))
    atexit.register(shutil.rmtree, root, True)
    root.chmod(0o755)  # the sandbox's users must reach the course, as under pytest's tmp_path
    course = make_working_course(root / "course", REPO)
    assert cli.main(["generate", ASSIGNMENT, "--course-dir", str(course)]) == 0
    folder = course / "submitted" / PARTICIPANT / ASSIGNMENT
    folder.mkdir(parents=True)
    nbformat.write(hostile_notebook(beacon.url), folder / f"{ASSIGNMENT}.ipynb")
    [outcome] = cohort.grade_cohort(course, ASSIGNMENT, cohort.GradeOptions(workers=1))
    assert cli.main(["feedback", ASSIGNMENT, "--course-dir", str(course)]) == 0
    page = course / "feedback" / PARTICIPANT / ASSIGNMENT / f"{ASSIGNMENT}.html"
    return FeedbackCourse(course, beacon, page, outcome)
