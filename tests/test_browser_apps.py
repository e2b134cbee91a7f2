"""The tools as app pages without code: Voilà in the participant's Lab, in chromium.

One Lab for the module, started as ``make lab`` starts it (the participant
profile enables Voilà). Each tool's page ``/voila/render/course/tools/NAME.ipynb``
must show the tool in Vietnamese and none of the notebook's code; one tool's
save button must write its file beside the app notebook; a lesson's navigation link must
open its app page. Screenshots go to
``build/screenshots/apps/``.
"""

from __future__ import annotations

import html as html_text
import re
import urllib.request

import nbformat
import pytest

from ocopkit.trainer.manifest import APP_URL

from browser_support import REPO, VIEWPORT, browser_missing, chromium_session, open_notebook, screenshot, start_lab
from conftest import require

TOOLS = REPO / "course" / "tools"
APPS = sorted(p.name for p in TOOLS.glob("*.ipynb"))
# Seen in chromium; the others are checked in the page Voilà renders on the server (as fast, no browser).
IN_BROWSER = ["business-plan.ipynb", "idea-scoring.ipynb", "self-assessment.ipynb", "post-harvest.ipynb"]
WIDGETS = ".jupyter-widgets.widget-container, .jupyter-widgets.widget-box"
VIETNAMESE = re.compile(r"\b(và|của|đồng|số|tháng|điểm|sản phẩm)\b", re.IGNORECASE)


def app_path(name: str) -> str:
    return APP_URL.format(app=f"tools/{name}").lstrip("/")


def source_of(name: str) -> str:
    """The code cell of an app notebook, which its page must not show."""
    cells = nbformat.read(TOOLS / name, as_version=4).cells
    return next(cell.source for cell in cells if cell.cell_type == "code")


def title_of(name: str) -> str:
    cells = nbformat.read(TOOLS / name, as_version=4).cells
    return cells[0].source.splitlines()[0].removeprefix("# ")


def code_lines(name: str) -> list[str]:
    """The code's lines worth looking for in a page (the call and the imports, not the nbval marker)."""
    return [line.strip() for line in source_of(name).splitlines() if line.strip() and not line.startswith("#")]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    require(browser_missing())
    server = start_lab(tmp_path_factory.mktemp("apps"), participant_view=True)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser(lab):
    yield from chromium_session()


class TestAppPagesInTheBrowser:
    @pytest.mark.parametrize("name", IN_BROWSER)
    def test_the_page_shows_the_tool_in_vietnamese_and_no_code(self, lab, browser, name):
        page = browser.new_page(viewport=VIEWPORT)
        try:
            page.goto(lab.url(app_path(name)), timeout=90_000)
            tool = page.locator(f".jp-OutputArea-output :is({WIDGETS})").first
            tool.wait_for(timeout=90_000)
            page.wait_for_timeout(1_000)  # charts and tables settle
            screenshot(page, f"apps/{name.removesuffix('.ipynb')}", full_page=True)
            assert page.locator("h1", has_text=title_of(name)).count() == 1
            assert (
                page.locator(".jp-CodeCell .jp-InputArea, .jp-InputPrompt, .jp-InputArea-editor, .cm-editor").count()
                == 0
            )
            text = page.locator("body").inner_text()
            for line in code_lines(name):
                assert line not in text, line
            assert VIETNAMESE.search(tool.inner_text()), "the tool speaks Vietnamese"
            assert "Traceback" not in text
        finally:
            page.close()

    def test_save_writes_the_file_beside_the_app_notebook(self, lab, browser):
        page = browser.new_page(viewport=VIEWPORT)
        try:
            page.goto(lab.url(app_path("pricing.ipynb")), timeout=90_000)
            save = page.locator("button.jupyter-button", has_text="Lưu số liệu").first
            save.wait_for(timeout=90_000)
            name_box = page.locator(".widget-text", has=page.locator("label", has_text="Tên tệp")).locator("input")
            name_box.fill("thu-luu-tu-trang")
            name_box.press("Enter")
            save.click()
            page.get_by_text(re.compile("Đã lưu vào")).first.wait_for(timeout=30_000)
            screenshot(page, "apps/pricing-saved", full_page=True)
            saved = lab.root / "course" / "tools" / "thu-luu-tu-trang.json"
            assert saved.is_file() and saved.stat().st_size > 0
            assert str(saved.resolve()) in page.locator("body").inner_text()
        finally:
            page.close()


class TestAppPagesRenderedOnTheServer:
    """Voilà runs the notebook on the server: its page holds the widgets' models and none of the code."""

    @pytest.mark.parametrize("name", sorted(set(APPS) - set(IN_BROWSER)))
    def test_the_page_holds_the_widgets_and_no_code(self, lab, name):
        with urllib.request.urlopen(lab.url(app_path(name)), timeout=120) as answer:
            assert answer.status == 200
            html = html_text.unescape(answer.read().decode("utf-8"))
        assert title_of(name) in html
        assert "application/vnd.jupyter.widget-view+json" in html and '"model_id"' in html
        for line in code_lines(name):
            assert line not in html, line
        assert "Traceback" not in html


class TestLessonLinks:
    def test_a_lessons_navigation_opens_its_app_page(self, lab, browser):
        page = browser.new_page(viewport=VIEWPORT)
        try:
            open_notebook(page, lab, "course/06-post-harvest.ipynb")
            link = page.locator(".jp-RenderedMarkdown a", has_text=title_of("post-harvest.ipynb")).first
            assert link.get_attribute("href") == "/voila/render/course/tools/post-harvest.ipynb"  # Lab left it as is
            with page.context.expect_page(timeout=30_000) as opened:
                link.click()
            app = opened.value
            app.locator(f".jp-OutputArea-output :is({WIDGETS})").first.wait_for(timeout=90_000)
            assert app.url.startswith(f"{lab.base_url}/voila/render/course/tools/post-harvest.ipynb")
            app.close()
        finally:
            page.close()
