"""The lessons' tools work in a real JupyterLab page, used the way a participant uses them.

One JupyterLab serves fresh copies of the Topic 3 and Topic 8 lessons. A
headless chromium (Debian's, see ``scripts/install-browser.sh``) opens each
lesson, runs all cells through the Run menu, then changes inputs by typing,
pressing Enter and moving sliders. The result table and the chart (the source
of its ``<img>``) must both change. Each step is saved as a screenshot
under ``build/screenshots/`` (git ignores ``build/``; CI keeps it).

Labels come from ``ocopkit.i18n`` in Vietnamese, the course's language, so
rewording a label does not break these tests.
"""

from __future__ import annotations

import re

import pytest

from ocopkit import criteria_schemes
from ocopkit.i18n import _
from ocopkit.widgets.inputs import parse_number

from browser_support import (
    REPO,
    browser_missing,
    chromium_session,
    open_notebook,
    open_section,
    run_all_cells,
    screenshot,
    start_lab,
    tool_output,
    widget_by_label,
)
from conftest import require

pytestmark = pytest.mark.slow

TOPIC3 = "03-business-plan.ipynb"
TOPIC8 = "08-ocop-criteria.ipynb"
UNIT = "chai"  # the Topic 3 tools count bottles of honey
VIEWPORT = {"width": 1280, "height": 1400}  # tall enough for a whole tool in each screenshot
TIMEOUT = 30_000  # ms for one step, e.g. a tool answering a change
SUMMARY = ".widget-html table"  # a tool's result table (its other HTML holds no table)
CHART = "img.widget-image"


def expect(locator):
    """Playwright's ``expect``, imported only once ``require`` has checked that it exists."""
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """One JupyterLab for the module, serving fresh copies of both lessons."""
    require(browser_missing())
    server = start_lab(tmp_path_factory.mktemp("lab"), [REPO / "course" / TOPIC3, REPO / "course" / TOPIC8])
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser(lab):
    """Debian's headless chromium, shared by the module's pages."""
    yield from chromium_session()


def lesson_page(browser, lab, notebook: str, shots: str):
    """Open a lesson, take a screenshot, run all cells, yield the page, then close it."""
    page = browser.new_page(viewport=VIEWPORT)
    page.set_default_timeout(TIMEOUT)
    open_notebook(page, lab, notebook)
    screenshot(page, f"{shots}/01-opened")
    run_all_cells(page)
    yield page
    page.close()


@pytest.fixture(scope="module")
def topic3(browser, lab):
    """The Topic 3 lesson with all cells run."""
    yield from lesson_page(browser, lab, TOPIC3, "topic03")


@pytest.fixture(scope="module")
def topic8(browser, lab):
    """The Topic 8 lesson with all cells run."""
    yield from lesson_page(browser, lab, TOPIC8, "topic08")


# --------------------------------------------------------------------------- reading the page


def described(label: str, unit: str = "") -> str:
    """A box's description as the tools write it: ``label (unit)``."""
    return f"{label} ({unit})" if unit else label


def wait_rendered(tool) -> None:
    """Wait for a tool's result table and chart: widgets are drawn after their cell has run."""
    tool.locator(SUMMARY).first.wait_for()
    expect(tool.locator(CHART).first).to_have_attribute("src", re.compile(r"^(blob|data):"))


def row_value(tool, label: str) -> str:
    """The value in the tool's result table, on the row whose first cell is ``label``."""
    first_cell = tool.page.locator("td:first-child", has_text=re.compile(f"^{re.escape(label)}$"))
    return tool.locator(SUMMARY).first.locator("tr").filter(has=first_cell).locator("td").nth(1).inner_text().strip()


def amount(text: str) -> float:
    """A number as the page shows it: ``-1.234.567 ₫``, ``15,0%``, ``3``."""
    return parse_number(text, "page", "page")


def change_and_wait(tool, action) -> None:
    """Do ``action`` on the page, then wait until the result table and the chart have both changed."""
    summary, chart = tool.locator(SUMMARY).first, tool.locator(CHART).first
    table, image = summary.inner_text(), chart.get_attribute("src")
    action()
    expect(summary).not_to_have_text(table)
    expect(chart).not_to_have_attribute("src", image)


def type_into(box, text: str) -> None:
    """Replace a text box's content and press Enter, as a participant does."""
    box.fill(text)
    box.press("Enter")


# --------------------------------------------------------------------------- Topic 3


def price_label() -> str:
    """The business plan's price box (labels are read in the test's language, Vietnamese)."""
    return described(_("Unit price"), _("VND/{unit}").format(unit=UNIT))


def markup_label() -> str:
    """The pricing calculator's markup box."""
    return described(_("Markup on cost"), "%")


class TestTopic3BusinessPlan:
    """Topic 3: the pricing calculator and the business plan builder."""

    @pytest.fixture
    def pricing(self, topic3):
        tool = tool_output(topic3, markup_label())
        wait_rendered(tool)
        return tool

    @pytest.fixture
    def plan(self, topic3):
        tool = tool_output(topic3, price_label())
        wait_rendered(tool)
        return tool

    def test_run_all_renders_both_tools(self, topic3, pricing, plan):
        assert pricing.count() == 1 and plan.count() == 1
        screenshot(topic3, "topic03/02-pricing-calculator", element=pricing)
        screenshot(topic3, "topic03/03-business-plan-builder", element=plan)
        # The lesson's worked example is in: a price above the unit cost, an NPV.
        assert amount(row_value(pricing, _("Price per unit"))) > amount(row_value(pricing, _("Total unit cost")))
        assert row_value(plan, _("Net present value (NPV)")).endswith("₫")

    def test_typing_a_markup_and_enter_reprices(self, topic3, pricing):
        open_section(pricing, _("Selling price"))
        box = widget_by_label(pricing, markup_label(), ".widget-text").locator("input")
        expect(box).to_be_enabled()  # the lesson prices by a markup on cost
        cost = amount(row_value(pricing, _("Total unit cost")))
        change_and_wait(pricing, lambda: type_into(box, "15"))
        price = amount(row_value(pricing, _("Price per unit")))
        # 15% on cost, rounded up by less than one step (at most 1.000 đ).
        assert cost * 1.15 - 1 <= price < cost * 1.15 + 1000
        screenshot(topic3, "topic03/04-pricing-after-markup-15", element=pricing)

    def test_lowering_the_price_lowers_the_npv(self, topic3, plan):
        """The lesson's "try it": a price 10% lower (121.500 đ) and the NPV falls."""
        box = widget_by_label(plan, price_label(), ".widget-text").locator("input")
        price, npv = amount(box.input_value()), amount(row_value(plan, _("Net present value (NPV)")))
        lower = f"{price * 0.9:,.0f}".replace(",", ".")  # typed the Vietnamese way: 121.500
        change_and_wait(plan, lambda: type_into(box, lower))
        assert amount(row_value(plan, _("Net present value (NPV)"))) < npv
        screenshot(topic3, "topic03/05-plan-after-price-cut", element=plan)


# --------------------------------------------------------------------------- Topic 8


class TestTopic8SelfAssessment:
    """Topic 8: the OCOP self-assessment on the sheet of a product set, the scheme in force."""

    @pytest.fixture
    def tool(self, topic8):
        # The lesson's tool: the product set first (raw honey), then a level per criterion.
        tool = tool_output(topic8, _("Product set")).first
        wait_rendered(tool)
        return tool

    @staticmethod
    def total(tool) -> float:
        """The total shown on the ``Tổng | 76 / 100`` row."""
        return amount(row_value(tool, _("Total")).split("/")[0])

    @staticmethod
    def shown(select, which: str = "s.selectedIndex") -> str:
        """The text of an option (the chosen one by default); ipywidgets writes its spaces as no-break spaces."""
        return select.evaluate(f"s => s.options[{which}].text").replace("\xa0", " ")

    @staticmethod
    def level(tool, code: str):
        """The drop-down of a criterion's levels, e.g. ``A.1.1``."""
        return widget_by_label(tool, f"{code} ", ".widget-dropdown").locator("select")

    def test_run_all_renders_the_sheet_and_names_the_scheme(self, topic8, tool):
        screenshot(topic8, "topic08/02-self-assessment", element=tool)
        picker = widget_by_label(tool, _("Product set"), ".widget-dropdown").locator("select")
        assert self.shown(picker).startswith("4. Mật ong")
        assert "26/2026/QĐ-TTg" in tool.inner_text() and "Công báo" in tool.inner_text()
        assert tool.locator(".widget-dropdown select").count() > 10
        assert 0 < self.total(tool) <= 100 and "★" in tool.inner_text()

    def test_choosing_a_level_changes_the_total(self, topic8, tool):
        box = self.level(tool, "A.1.1")
        before = self.total(tool)
        low = amount(self.shown(box).split(" ")[0])
        top = amount(self.shown(box, "s.options.length - 1").split(" ")[0])
        change_and_wait(tool, lambda: box.select_option(index=box.evaluate("s => s.options.length - 1")))
        assert self.total(tool) == before + top - low
        screenshot(topic8, "topic08/03-after-choosing-a-level", element=tool)

    def test_the_lessons_try_it_the_story_at_its_top_level(self, topic8, tool):
        """Open part B and give B.5.1 (the product story) its highest level."""
        part_b = re.compile(r"^B\. ")
        open_section(tool, part_b)
        box = self.level(tool, "B.5.1")
        box.wait_for(state="visible")
        before = self.total(tool)
        old = amount(self.shown(box).split(" ")[0])
        change_and_wait(tool, lambda: box.select_option(index=box.evaluate("s => s.options.length - 1")))
        assert self.total(tool) == before + 5 - old
        screenshot(topic8, "topic08/04-part-b-story-at-top", element=tool)

    def test_a_minimum_holds_the_star_back_and_the_tool_says_which(self, topic8, tool):
        """Every criterion at its top, then the chain link (A.1.5) at none: 97 points, but 3★."""
        for section in (re.compile(r"^A\. "), re.compile(r"^B\. "), re.compile(r"^C\. ")):
            open_section(tool, section)
            boxes = tool.locator(".jupyter-widget-Collapse-open .widget-dropdown select")
            for index in range(boxes.count()):
                box = boxes.nth(index)
                last = box.evaluate("s => s.options.length - 1")
                if box.evaluate("s => s.selectedIndex") != last:
                    box.select_option(index=last)
        expect(tool.locator(SUMMARY).first).to_contain_text("100 / 100")
        open_section(tool, re.compile(r"^A\. "))
        change_and_wait(tool, lambda: self.level(tool, "A.1.5").select_option(index=0))
        assert self.total(tool) == 97
        text = tool.inner_text()
        assert "(3★)" in text and "chưa đạt mức tối thiểu" in text and "A.1.5 ít nhất 2 điểm" in text
        screenshot(topic8, "topic08/05-minimum-holds-the-star", element=tool)

    def test_another_product_set_brings_its_own_sheet(self, topic8, tool):
        picker = widget_by_label(tool, _("Product set"), ".widget-dropdown").locator("select")
        labels = [self.shown(picker, str(i)) for i in range(picker.evaluate("s => s.options.length"))]
        tourism = labels.index(criteria_schemes.set_label(26))
        change_and_wait(tool, lambda: picker.select_option(index=tourism))
        expect(widget_by_label(tool, _("Which case"), ".widget-dropdown")).to_be_visible()
        open_section(tool, re.compile(r"^C\. "))
        expect(self.level(tool, "C.8.a")).to_be_visible()
        screenshot(topic8, "topic08/06-tourism-sheet", element=tool)
