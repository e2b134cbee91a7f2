"""A trainer opens a hostile participant's feedback, and the cohort report, in Chromium: nothing runs.

The feedback comes from ``ocop feedback`` on a topic08 submission graded in the
sandbox (tests/hostile_feedback.py), whose answers carry scripts, event
handlers, ``javascript:`` links, frames, objects, refreshes, CSS tricks,
mutation-XSS markup and rich outputs of every kind. Every payload that ran
would call the test's beacon on 127.0.0.1, change ``document.title``, fill
``window.pwned`` and open a dialog.

First a control: the same graded notebook in nbgrader's stock feedback template,
without the kit's cleaning, must set the payloads off, or the test proves
nothing. Then the kit's page, from a file and over HTTP, must set off none,
make no request but for itself, and still show the scores and Vietnamese text.
Screenshots go to ``build/screenshots/feedback/``.
"""

from __future__ import annotations

import functools
import http.server
import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import pytest

from ocopkit.i18n import _, format_number
from ocopkit.trainer import cli, ledger, sandbox
from ocopkit.trainer.course import make_working_course

import hostile_feedback
from browser_support import browser_missing, chromium_session, screenshot
from conftest import require
from hostile_submissions import FULL_SCORE, MAX_SCORE

pytestmark = pytest.mark.slow

VIEWPORT = {"width": 1280, "height": 1000}
TIMEOUT = 30_000  # ms for a page to load
# Payloads that the control page must set off: one of each way in.
LIVE_IN_CONTROL = {
    "out-html-img",
    "out-html-script",
    "written-img-onerror",
    "written-svg-onload",
    "written-script",
    "out-repr-html",
}  # the written answer's meta refresh leaves before the rest
# Everything in the page that could run code, load from elsewhere or submit, found in the browser's own DOM.
DOM_THREATS = """() => {
    const found = [];
    const urlAttributes = ['href', 'src', 'action', 'formaction', 'data', 'xlink:href', 'poster', 'background'];
    for (const element of document.querySelectorAll('*')) {
        for (const attribute of element.attributes) {
            const value = attribute.value.replace(/[\\u0000-\\u0020]/g, '').toLowerCase();
            if (/^on/i.test(attribute.name) || attribute.name === 'srcdoc') {
                found.push(element.tagName + ' ' + attribute.name);
            } else if (urlAttributes.includes(attribute.name) && /^(javascript|vbscript|data|https?|file):/.test(value)
                       && !(element.tagName === 'IMG' && value.startsWith('data:image/'))
                       && !(element.tagName === 'A' && /^https?:/.test(value))) {
                found.push(element.tagName + ' ' + attribute.name + '=' + value.slice(0, 60));
            }
        }
    }
    const tags = 'script,iframe,frame,object,embed,applet,form,input,button,base,link,meta[http-equiv],svg,math,'
               + 'noscript,template,body style';
    for (const element of document.querySelectorAll(tags)) {
        if (!(element.tagName === 'META' && element.httpEquiv === 'Content-Security-Policy')) {
            found.push(element.outerHTML.slice(0, 80));
        }
    }
    return found;
}"""


@dataclass
class Visit:
    """What happened while a page was open: dialogs, requests, beacon calls, the page's title and globals."""

    page: object
    dialogs: list = field(default_factory=list)
    responses: list = field(default_factory=list)  # what the browser fetched: URLs answered
    blocked: list = field(default_factory=list)  # (URL, why) of requests that never left the browser

    def signs_of_code(self, beacon) -> dict:
        """Every trace a payload leaves, gathered now."""
        title = self.page.title()
        pwned = self.page.evaluate("() => window.pwned || []")
        return {
            "dialogs": self.dialogs,
            "beacon": list(beacon.hits),
            "pwned": pwned,
            "title": title if "pwned" in title else "",
        }


def open_page(browser, url: str, beacon) -> Visit:
    """Open ``url`` as a reader would, recording dialogs and requests from the start."""
    beacon.hits.clear()
    page = browser.new_page(viewport=VIEWPORT)
    page.set_default_timeout(TIMEOUT)
    visit = Visit(page)

    def on_dialog(dialog):
        visit.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("response", lambda response: visit.responses.append(response.url))
    page.on("requestfailed", lambda request: visit.blocked.append((request.url, request.failure)))
    page.goto(url, wait_until="load")
    # Quiet network for half a second: every beacon call a payload made has been sent and answered.
    page.wait_for_load_state("networkidle")
    return visit


def wait_until(condition, timeout: float = 20, message: str = "") -> None:
    """Poll ``condition`` until it is true, or fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(message or "condition not met in time")
        time.sleep(0.1)


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def graded():
    """The hostile submission, graded in the sandbox, with its feedback from ``ocop feedback``."""
    require(browser_missing())
    require(sandbox.unavailable_reason())
    course = hostile_feedback.feedback_course()
    assert course.outcome.status == "graded", course.outcome
    return course


@pytest.fixture(scope="module")
def browser(graded):
    """Debian's headless chromium."""
    yield from chromium_session()


@pytest.fixture(scope="module")
def served(graded):
    """The course's feedback folder over HTTP on 127.0.0.1, as a hub or a trainer's server would serve it."""
    handler = functools.partial(QuietFiles, directory=str(graded.course / "feedback"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


class QuietFiles(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def control_page(graded, tmp_path_factory) -> Path:
    """The same graded notebook in nbgrader's feedback template as stock nbconvert renders it: no cleaning."""
    import nbformat
    import nbgrader
    from nbconvert import HTMLExporter

    formgrader = Path(nbgrader.__file__).parent / "server_extensions" / "formgrader"
    css = formgrader / "static" / "node_modules" / "bootstrap" / "dist" / "css"
    exporter = HTMLExporter(
        template_name="feedback",
        extra_template_basedirs=[str(formgrader / "templates")],
        extra_template_paths=[str(css)],
    )
    resources = {"nbgrader": {"notebook": "topic08", "score": 0, "max_score": 12, "late_penalty": 0}}
    notebook = nbformat.read(graded.autograded, as_version=4)
    for cell in notebook.cells:  # nbgrader's GetGrades would put the scores here
        cell.metadata.get("nbgrader", {}).setdefault("score", 0)
    page, _resources = exporter.from_notebook_node(notebook, resources)
    path = tmp_path_factory.mktemp("control") / "control.html"
    path.write_text(page, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- feedback


def test_control_without_the_kits_cleaning_runs_the_payloads(graded, browser, control_page):
    visit = open_page(browser, control_page.as_uri(), graded.beacon)
    fired = lambda: {hit.rsplit("/", 1)[-1] for hit in graded.beacon.hits if hit.startswith("/js/")}  # noqa: E731
    wait_until(lambda: LIVE_IN_CONTROL <= fired(), message=f"only {sorted(fired())} fired in the control page")
    assert visit.dialogs, "the control's payloads open dialogs"
    visit.page.close()


@pytest.mark.parametrize("how", ["file", "http"])
def test_feedback_page_runs_nothing_and_loads_nothing(graded, browser, served, how):
    url = graded.page.as_uri() if how == "file" else f"{served}/{hostile_feedback.PARTICIPANT}/topic08/topic08.html"
    visit = open_page(browser, url, graded.beacon)
    page = visit.page
    assert visit.signs_of_code(graded.beacon) == {"dialogs": [], "beacon": [], "pwned": [], "title": ""}
    assert page.title() == "topic08"
    assert page.evaluate(DOM_THREATS) == []
    assert page.evaluate("() => document.scripts.length") == 0
    assert [r for r in visit.responses if not r.startswith("data:")] == [url], "the page loads nothing but itself"
    # Bootstrap's icon fonts, named by nbgrader's template, are all the policy had to stop.
    assert all(why == "csp" and "/fonts/glyphicons" in blocked for blocked, why in visit.blocked), visit.blocked
    # A reader moves the pointer over the written answer and clicks its links: still nothing.
    answer = page.locator("div.nbgrader_cell", has_text=hostile_feedback.HONEST_ANSWER)
    answer.hover()
    for link in answer.locator("a[href]:not([href^='http'])").all():
        link.click()
    page.wait_for_load_state("networkidle")
    assert visit.signs_of_code(graded.beacon) == {"dialogs": [], "beacon": [], "pwned": [], "title": ""}
    assert page.url.split("#")[0] == url
    shot = screenshot(page, f"feedback/01-hostile-feedback-{how}", full_page=True)
    screenshot(page, f"feedback/02-written-answer-{how}", element=answer)
    assert shot.stat().st_size > 10_000
    page.close()


def test_feedback_page_shows_the_honest_part(graded, browser):
    from playwright.sync_api import expect

    visit = open_page(browser, graded.page.as_uri(), graded.beacon)
    page = visit.page
    so_far = _("Score: {score} / {maximum} so far").format(
        score=format_number(FULL_SCORE), maximum=format_number(MAX_SCORE)
    )
    expect(page.locator("h4").first).to_contain_text(so_far)
    expect(page.get_by_text(hostile_feedback.HONEST_ANSWER)).to_be_visible()
    expect(page.locator("b", has_text=hostile_feedback.HONEST_OUTPUT)).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("Phần 1 \\(2 điểm\\)"))).to_be_visible()
    removed = _("(removed from the feedback: this output would run code in the browser)")
    expect(page.get_by_text(removed).first).to_be_visible()
    assert page.locator(".panel").count() > 10  # nbgrader's panels (answers, tests) are styled and in place
    page.close()


# --------------------------------------------------------------------------- report


HOSTILE_ID = '<img src=x onerror="{js}">'
HOSTILE_REASON = "</td></tr></table><script>{js}</script><b>lỗi</b>"


@pytest.fixture(scope="module")
def report(graded, tmp_path_factory):
    """``ocop report`` on a course whose ledger holds participant-controlled names, ids and reasons with HTML."""
    beacon = graded.beacon.url
    js = hostile_feedback.run(beacon, "report-id")
    course = make_working_course(tmp_path_factory.mktemp("report") / "course")
    people = [
        SimpleNamespace(
            id="lan",
            name=f"<script>{hostile_feedback.run(beacon, 'report-name')}</script>",
            province="Yên Bái",
            district="",
            organisation_type="cooperative",
            email="",
        )
    ]
    ledger.save_participants(course, people)
    reason = HOSTILE_REASON.format(js=hostile_feedback.run(beacon, "report-reason"))
    for participant in ("lan", HOSTILE_ID.format(js=js), '=HYPERLINK("http://127.0.0.1")'):
        ledger.record(course, ledger.Grading("topic08", participant, "failed", reason, None, None))
    out = course / "report.html"
    assert cli.main(["report", "--out", str(out), "--course-dir", str(course)]) == 0
    return out, js


def test_report_escapes_participants_text(graded, browser, report):
    out, js = report
    visit = open_page(browser, out.as_uri(), graded.beacon)
    page = visit.page
    assert visit.signs_of_code(graded.beacon) == {"dialogs": [], "beacon": [], "pwned": [], "title": ""}
    assert page.evaluate(DOM_THREATS) == []
    failed = page.locator("h2", has_text=_("Failed gradings"))
    table = failed.locator("xpath=following-sibling::table[1]")
    assert table.locator("tbody tr").count() == 3  # the failed list: every row is there, none broken out
    text = table.inner_text()
    assert HOSTILE_ID.format(js=js) in text and "lỗi" in text and "</script>" in text
    screenshot(page, "feedback/03-report-hostile-names", full_page=True)
    page.close()
