"""What a participant sees in JupyterLab, started as ``make lab`` starts it (the participant profile).

One Lab (``browser_support.start_lab``, which takes its command line, settings
and environment from ``ocopkit.trainer.lab_profile`` as ``make lab`` does)
serves copies of ``course/`` and ``exercises/``. A headless chromium checks:
code and its output in Vietnamese drawn with the web font the server itself
serves (not a font of this machine); menus in Vietnamese; none of the
trainer's nbgrader tools; no ``solutions/``; and a lesson's chart after Run All
(kernels get no ``MPLBACKEND=Agg``). Screenshots go to
``build/screenshots/participant/``.
"""

from __future__ import annotations

import re

import nbformat
import pytest

from ocopkit.i18n import _

from browser_support import (
    REPO,
    browser_missing,
    chromium_session,
    lab_label,
    open_notebook,
    run_all_cells,
    screenshot,
    start_lab,
)
from conftest import require

pytestmark = pytest.mark.slow

FAMILY = "JetBrains Mono"  # deploy/participant/custom/custom.css
VIETNAMESE = "Tiếng Việt: ế ấ ề ợ ữ ặ, Đặc sản Ninh Thuận"
FONT_CHECK = "course/phong-chu.ipynb"
# A notebook of the participant's own that imports nothing of the kit, with a beginner's error.
OWN_NOTEBOOK = "course/bai-cua-toi.ipynb"
MISSING_QUOTE = 'gia_ban = "15000'
QUOTE_HINT = "A quote is missing: text must start and end with the same quote, e.g. \"Nước mắm\" or 'Nước mắm'."
TOPIC11 = "course/11-digital-conversion.ipynb"
WRONG_ANSWERS = "exercises/topic08/bai-lam-sai.ipynb"
TRAINER_TOOLS = re.compile(r"Formgrader|Create Assignment|Course List", re.I)
VIEWPORT = {"width": 1280, "height": 900}
TIMEOUT = 30_000


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """One Lab for the module, serving what ``make lab`` serves, plus a notebook of Vietnamese code."""
    require(browser_missing())
    server = start_lab(tmp_path_factory.mktemp("participant"), participant_view=True)
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(f"# {VIETNAMESE}\nprint({VIETNAMESE!r})")]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nbformat.write(notebook, server.root / FONT_CHECK)
    own = nbformat.v4.new_notebook(metadata=notebook.metadata)
    own.cells = [nbformat.v4.new_code_cell(MISSING_QUOTE)]
    nbformat.write(own, server.root / OWN_NOTEBOOK)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser(lab):
    yield from chromium_session()


@pytest.fixture
def page(browser):
    page = browser.new_page(viewport=VIEWPORT)
    page.set_default_timeout(TIMEOUT)
    yield page
    page.close()


def font_family(page, selector: str) -> str:
    return page.locator(selector).first.evaluate("node => getComputedStyle(node).fontFamily")


def test_vietnamese_code_and_output_use_the_served_font(page, lab):
    fonts = []
    page.on("response", lambda r: fonts.append((r.url, r.status)) if r.url.endswith(".woff2") else None)
    open_notebook(page, lab, FONT_CHECK)
    run_all_cells(page)
    output = page.locator(".jp-OutputArea-output pre", has_text=VIETNAMESE)
    output.wait_for()
    page.evaluate("document.fonts.ready.then(() => true)")
    for selector in (".jp-InputArea-editor .cm-content", ".jp-OutputArea-output pre"):
        assert re.match(rf"""["']?{FAMILY}["']?,""", font_family(page, selector)), selector
    assert page.evaluate(f"document.fonts.check('16px \"{FAMILY}\"', {VIETNAMESE!r})")
    loaded = {url.rsplit("/", 1)[-1]: status for url, status in fonts if "/custom/fonts/" in url}
    assert loaded.get("jetbrains-mono-vietnamese-400-normal.woff2") == 200, fonts
    assert loaded.get("jetbrains-mono-latin-400-normal.woff2") == 200, fonts
    screenshot(page, "participant/01-vietnamese-code-and-output")


def test_menus_are_vietnamese_without_trainer_tools(page, lab):
    page.goto(lab.url("lab/workspaces/menus?reset"))
    page.locator(".jp-Launcher").first.wait_for()  # every plugin has started
    nbgrader = page.locator(".lm-MenuBar-itemLabel", has_text=re.compile("^Nbgrader$", re.I))
    nbgrader.wait_for()  # Assignment List stays; the trainer's entries must not be there
    labels = page.locator(".lm-MenuBar-itemLabel").all_inner_texts()
    assert "Tệp" in labels and "File" not in labels, labels
    nbgrader.click()
    page.locator(".lm-Menu-itemLabel").first.wait_for()
    items = page.locator(".lm-Menu-itemLabel").all_inner_texts()
    screenshot(page, "participant/02-nbgrader-menu")
    page.keyboard.press("Escape")
    assert not [item for item in items if TRAINER_TOOLS.search(item)], items
    # Nor the Create Assignment side panel: no side bar tab names a trainer tool.
    tabs = page.evaluate(
        "[...document.querySelectorAll('.jp-SideBar .lm-TabBar-tab')].map(t => t.title + ' ' + t.textContent)"
    )
    assert tabs and not [tab for tab in tabs if TRAINER_TOOLS.search(tab)], tabs
    # One setting away: Settings > Language lists English.
    page.locator(".lm-MenuBar-itemLabel", has_text=lab_label("Settings")).click()
    page.locator(".lm-Menu-itemLabel", has_text=lab_label("Language")).click()  # opens the submenu
    page.locator(".lm-Menu-itemLabel", has_text=re.compile("^English")).first.wait_for()
    screenshot(page, "participant/03-language-menu")
    page.keyboard.press("Escape")


def test_file_browser_lists_course_and_exercises_only(page, lab):
    page.goto(lab.url("lab/workspaces/files/tree?reset"))
    names = page.locator(".jp-DirListing-item .jp-DirListing-itemText")
    names.first.wait_for()
    page.wait_for_function("document.querySelectorAll('.jp-DirListing-item').length >= 2")
    assert sorted(names.all_inner_texts()) == ["course", "exercises"]
    screenshot(page, "participant/04-file-browser")


def test_topic11_chart_shows_after_run_all(page, lab):
    open_notebook(page, lab, TOPIC11)
    run_all_cells(page, timeout=90_000)
    # The bar chart of money in by channel (pandas .plot.bar), not the QR code image above it.
    cell = page.locator(".jp-CodeCell").filter(has=page.locator(".cm-content", has_text=".plot.bar("))
    chart = cell.locator(".jp-RenderedImage img").first
    chart.wait_for()
    assert chart.evaluate("img => img.naturalWidth") > 100
    screenshot(page, "participant/05-topic11-chart", element=chart)


def test_a_wrong_answer_in_topic08_shows_the_message_not_a_traceback(page, lab):
    # Right answers up to Part 4, whose answer a visible check refuses (points needed counted backwards), opened
    # where a participant keeps the exercise. Run All stops there: the parts before show their ticks.
    wrong = nbformat.read(REPO / "tests" / "submissions" / "topic08" / "full" / "topic08.ipynb", as_version=4)
    answer = next(c for c in wrong.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "part4_answer")
    answer.source = "diem_can_them = 59 - 70"
    nbformat.write(wrong, lab.root / WRONG_ANSWERS)
    open_notebook(page, lab, WRONG_ANSWERS)
    run_all_cells(page, timeout=90_000)
    failed = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    failed.first.wait_for()
    texts = failed.all_inner_texts()
    assert any(_("Not right yet") in text for text in texts), texts
    outputs = " ".join(page.locator(".jp-OutputArea-output").all_inner_texts())
    assert "Traceback" not in outputs and "checks.py" not in outputs
    assert "✓ " + _("Correct") in outputs  # the checks the answers pass say so
    screenshot(page, "participant/06-topic08-wrong-answer", element=failed.first)


def test_a_beginners_error_in_any_notebook_gets_a_vietnamese_hint(page, lab):
    # The kernel loads the hints from the profile (kernel_startup.py), not from an import of the kit.
    open_notebook(page, lab, OWN_NOTEBOOK)
    run_all_cells(page, timeout=60_000)
    hint = page.locator(".ocop-hint")
    hint.first.wait_for()
    assert _(QUOTE_HINT) in hint.first.inner_text()
    assert "Thiếu dấu nháy" in hint.first.inner_text()  # Vietnamese, whatever the catalog says in English
    screenshot(page, "participant/07-own-notebook-beginner-hint", element=page.locator(".jp-Cell").first)
