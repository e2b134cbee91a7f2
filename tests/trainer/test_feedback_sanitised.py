"""Feedback pages keep a participant's HTML, JavaScript and Markdown tricks inert.

Three levels: the cleaner (:mod:`ocopkit.trainer.safe_html`) on each known trick and on
honest Markdown; :class:`ocopkit.trainer.feedback.SanitizeFeedback` on outputs of every
kind; then the real thing: a hostile topic08 submission graded in the sandbox
and given feedback with ``ocop feedback`` (tests/hostile_feedback.py). The
page is read here as markup; tests/trainer/test_browser_feedback.py opens it in Chromium.
"""

from __future__ import annotations

import re

import nbformat
import pytest
from bs4 import BeautifulSoup

from ocopkit.i18n import _, format_number
from ocopkit.trainer import feedback
from ocopkit.trainer.course import load_config
from ocopkit.trainer.safe_html import BLANK_IMAGE, clean

import hostile_feedback
from conftest import require
from hostile_submissions import FULL_SCORE, MAX_SCORE

ATTACKS = [
    "<script>alert(1)</script>",
    '<img src="x" onerror="alert(1)">',
    '<svg onload="alert(1)"><circle r="4"/></svg>',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href=" JaVaScRiPt:alert(1)">x</a>',
    '<a href="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;">x</a>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<meta http-equiv="refresh" content="0;url=http://127.0.0.1:9/">',
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<p style="width: expression(alert(1))">x</p>',
    "<style>@import url(http://127.0.0.1:9/x.css)</style>",
    '<link rel="stylesheet" href="http://127.0.0.1:9/x.css">',
    '<base href="http://127.0.0.1:9/">',
    '<form action="http://127.0.0.1:9/"><button formaction="javascript:alert(1)">b</button></form>',
    '<math><mtext><table><mglyph><style><img src=x onerror="alert(1)">',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></p></noscript>',
    '<details open ontoggle="alert(1)"><summary>s</summary></details>',
    '<img src="http://127.0.0.1:9/pixel.png">',
    '<p style="position:fixed;top:0;left:0">12 / 12</p>',
]


def inert(markup: str) -> list[str]:
    """What in a fragment could run, load or submit, as a list of findings (empty when inert)."""
    soup = BeautifulSoup(markup, "html.parser")
    found = [
        tag.name
        for tag in soup.find_all(
            [
                "script",
                "iframe",
                "frame",
                "object",
                "embed",
                "applet",
                "meta",
                "base",
                "link",
                "form",
                "style",
                "svg",
                "math",
                "input",
                "button",
                "noscript",
                "template",
            ]
        )
    ]
    for tag in soup.find_all(True):
        for name, value in tag.attrs.items():
            value = " ".join(value) if isinstance(value, list) else value
            plain = re.sub(r"[\x00-\x20]", "", value).lower()
            if name.startswith("on") or name in ("srcdoc", "formaction", "action"):
                found.append(f"{tag.name} {name}")
            elif (
                name in ("href", "src", "data")
                and re.match(r"(javascript|vbscript|data|https?):", plain)
                and not (tag.name == "img" and plain.startswith("data:image/"))
                and not (tag.name == "a" and plain.startswith(("http:", "https:")))
            ):
                found.append(f"{tag.name} {name}={value[:40]}")
            elif name == "style" and re.search(r"url|expression|position|\\", plain):
                found.append(f"{tag.name} style={value}")
    return found


class TestCleaner:
    @pytest.mark.parametrize("attack", ATTACKS)
    def test_each_trick_comes_out_inert(self, attack):
        assert inert(attack), "the check itself must see the attack"
        assert inert(clean(attack)) == [], clean(attack)

    def test_honest_markdown_html_survives(self):
        honest = (
            '<h2 id="Phần-1">Phần 1<a class="anchor-link" href="#Phần-1">¶</a></h2>'
            "<p>Hạng <b>4★</b>: từ 70 đến 84 điểm; <em>a &lt; b</em></p>"
            '<table border="1" class="dataframe"><thead><tr><th>Sản phẩm</th></tr></thead>'
            '<tbody><tr><td style="text-align: right">Bưởi Phúc Trạch</td></tr></tbody></table>'
            '<div class="highlight"><pre><span class="n">tong_diem</span></pre></div>'
            '<img alt="nhãn" src="data:image/png;base64,iVBORw0KGgo=">'
            '<a href="https://ocop.gov.vn/">ocop.gov.vn</a><blockquote><p>trích</p></blockquote>'
        )
        kept = clean(honest)
        for piece in (
            "<h2",
            'href="#Phần-1"',
            "<b>4★</b>",
            "a &lt; b",
            'class="dataframe"',
            "text-align:right",
            'class="highlight"',
            "data:image/png;base64",
            'href="https://ocop.gov.vn/"',
            "<blockquote>",
        ):
            assert piece in kept, piece


def run_preprocessor(cell):
    """Run SanitizeFeedback on a one-cell notebook and return the cell."""
    nb = nbformat.v4.new_notebook(cells=[cell])
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    nb, _resources = feedback.SanitizeFeedback().preprocess(nb, {})
    assert "widgets" not in nb.metadata
    return nb.cells[0]


def display(data, metadata=None):
    return nbformat.v4.new_output("display_data", data=data, metadata=metadata or {})


class TestSanitizeFeedback:
    def test_html_is_cleaned_and_text_kept(self):
        out = display({"text/html": '<b>Bưởi</b><img src=x onerror="alert(1)">', "text/plain": "x"})
        data = run_preprocessor(nbformat.v4.new_code_cell(outputs=[out])).outputs[0].data
        assert data["text/html"] == f'<b>Bưởi</b><img src="{BLANK_IMAGE}">' and data["text/plain"] == "x"

    def test_markdown_and_svg_become_clean_html(self):
        outs = [
            display({"text/markdown": "**Bưởi** <img src=x onerror=alert(1)> [x](javascript:alert(1))"}),
            display({"image/svg+xml": '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'}),
        ]
        cell = run_preprocessor(nbformat.v4.new_code_cell(outputs=outs))
        markdown, svg = (o.data for o in cell.outputs)
        assert "<strong>Bưởi</strong>" in markdown["text/html"] and not inert(markdown["text/html"])
        assert set(svg) == {"text/html"} and svg["text/html"].startswith('<img alt="" src="data:image/svg+xml;base64,')

    def test_javascript_and_widgets_are_removed_with_a_note(self):
        outs = [
            display({"application/javascript": "alert(1)"}),
            display({"application/vnd.jupyter.widget-view+json": {"model_id": "m"}, "text/plain": "HTML()"}),
        ]
        cell = run_preprocessor(nbformat.v4.new_code_cell(outputs=outs))
        assert cell.outputs[0].data == {
            "text/plain": _("(removed from the feedback: this output would run code in the browser)")
        }
        assert cell.outputs[1].data == {"text/plain": "HTML()"}

    def test_image_metadata_keeps_only_a_numeric_size(self):
        metadata = {
            "filenames": {"image/png": "http://127.0.0.1:9/x.png"},
            "isolated": True,
            "image/png": {"width": "1 onerror=alert(1)", "height": 20, "alt": "nhãn"},
        }
        out = display({"image/png": "iVBORw0KGgo=", "text/plain": "png"}, metadata)
        cell = run_preprocessor(nbformat.v4.new_code_cell(outputs=[out]))
        assert cell.outputs[0].metadata == {"image/png": {"height": 20, "alt": "nhãn"}}

    def test_raw_cells_and_grade_ids(self):
        raw = nbformat.v4.new_raw_cell("<script>alert(1)</script><p>thô</p>", metadata={"raw_mimetype": "text/html"})
        assert run_preprocessor(raw).source == "<p>thô</p>"
        answer = nbformat.v4.new_markdown_cell("x", metadata={"nbgrader": {"grade_id": '"><script>x</script>'}})
        assert run_preprocessor(answer).metadata.nbgrader.grade_id == "___script_x__script_"


def test_course_configuration_adds_the_sanitiser_after_the_hidden_test_steps(repo):
    config = load_config(repo)
    names = [p.__name__ for p in config.GenerateFeedback.preprocessors]
    assert names == [
        "GetGrades",
        "HideHiddenTracebacks",
        "ClearHiddenTests",
        "SanitizeFeedback",
        "CSSHTMLHeaderPreprocessor",
    ]
    assert config.GenerateFeedback.exporter_class is feedback.FeedbackExporter


# --------------------------------------------------------------------------- the real page


@pytest.fixture(scope="module")
def page():
    """The feedback page of the hostile submission, graded in the sandbox, and its parsed form."""
    from ocopkit.trainer import sandbox

    require(sandbox.unavailable_reason())
    graded = hostile_feedback.feedback_course()
    assert graded.outcome.status == "graded", graded.outcome
    text = graded.page.read_text(encoding="utf-8")
    return graded, text, BeautifulSoup(text, "html.parser")


@pytest.mark.slow
class TestRealFeedbackPage:
    def test_the_payloads_reached_the_graded_notebook(self, page):
        """Otherwise a clean page would prove nothing."""
        graded, _text, _soup = page
        notebook = graded.autograded.read_text(encoding="utf-8")
        for trace in (
            "out-html-script",
            "out-javascript-only",
            "out-svg-onload",
            "written-img-onerror",
            "added-mxss-noscript",
            "raw-cell",
            "cell-tag",
            "widget-state",
            "out-png-width",
        ):
            assert trace in notebook, trace

    def test_nothing_in_the_page_can_run_load_or_submit(self, page):
        _graded, _text, soup = page
        body = soup.body
        assert inert(str(body)) == []
        assert soup.find_all("script") == []

    def test_a_policy_forbidding_scripts_comes_first_in_the_head(self, page):
        _graded, _text, soup = page
        first = soup.head.find(True)
        assert first.name == "meta" and first["http-equiv"] == "Content-Security-Policy"
        assert "default-src 'none'" in first["content"] and "script-src" not in first["content"]

    def test_the_honest_page_is_all_there(self, page):
        graded, text, soup = page
        assert graded.outcome.score == FULL_SCORE
        heading = soup.find("h4").get_text()
        so_far = _("Score: {score} / {maximum} so far").format(
            score=format_number(FULL_SCORE), maximum=format_number(MAX_SCORE)
        )
        assert so_far in heading, heading
        visible = soup.get_text()
        assert hostile_feedback.HONEST_ANSWER in visible and hostile_feedback.HONEST_OUTPUT in visible
        assert "Phần 1 (2 điểm): Số sao theo tổng điểm" in visible
        assert _("(removed from the feedback: this output would run code in the browser)") in visible
        assert "<b>" + hostile_feedback.HONEST_OUTPUT + "</b>" in text  # an honest HTML output keeps its markup
        assert soup.find("a", href="#part1_star_buoi_correct"), "the table of contents links the test cells"
