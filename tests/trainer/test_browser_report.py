"""The cohort report as a trainer opens it: a file in Chromium, in Vietnamese, numbers where they belong.

The report is built from a synthetic cohort shaped like the export's rows
(benchmarks/report_build.py makes them: 240 participants over the 63 former
provinces, 11 topics, ten checks each), written to a file and opened from disk,
the way a trainer double-clicks it. Screenshots go to ``build/screenshots/report/``.
"""

from __future__ import annotations

import re
import sys

import pytest

from ocopkit.trainer import report

from browser_support import REPO, browser_missing, chromium_session, screenshot
from conftest import require

pytestmark = pytest.mark.slow

VIEWPORT = {"width": 1280, "height": 1000}


@pytest.fixture(scope="module")
def page_file(tmp_path_factory):
    sys.path.insert(0, str(REPO / "benchmarks"))
    from report_build import synthetic_tables

    grades, items = synthetic_tables(240, 11, 10)
    out = tmp_path_factory.mktemp("report") / "bao-cao.html"
    out.write_text(report.build_report(grades, items, "Báo cáo lớp học OCOP", subtitle="Khóa học: thử"), "utf-8")
    return out


@pytest.fixture(scope="module")
def page(page_file):
    require(browser_missing())
    for browser in chromium_session():
        tab = browser.new_page(viewport=VIEWPORT)
        tab.goto(page_file.as_uri())
        yield tab
        tab.close()


def test_the_page_is_vietnamese_and_names_topics(page):
    assert page.locator("html").get_attribute("lang") == "vi"
    headings = page.locator("h2").all_inner_texts()
    for heading in ("Các chủ đề", "Các tỉnh, thành", "Độ khó từng câu", "Chưa nộp"):
        assert any(h.startswith(heading) for h in headings), (heading, headings)
    topics = page.locator("h2", has_text="Các chủ đề").locator("xpath=following-sibling::table[1]")
    first = topics.locator("tbody tr").first.locator("td").all_inner_texts()
    assert first[0].startswith("Chủ đề 1. ") and re.fullmatch(r"\d+ / 240", first[1]), first
    assert re.fullmatch(r"\d+ %", first[3]) and re.fullmatch(r"0,\d\d", first[4]), first
    screenshot(page, "report/01-top", full_page=False)


def test_every_chart_says_what_it_shows(page):
    for image in page.locator("img").all():
        alt = image.get_attribute("alt")
        assert alt and len(alt) > 30, alt
    assert "34 tỉnh, thành theo 11 chủ đề" in page.locator("img").first.get_attribute("alt")


def test_the_34_units_with_their_numbers(page):
    provinces = page.locator("h2", has_text="Các tỉnh, thành").locator("xpath=following-sibling::table[1]")
    rows = provinces.locator("tbody tr")
    assert rows.count() == 34
    cells = rows.filter(has_text="Lào Cai").first.locator("td").all_inner_texts()
    assert cells[0] == "Lào Cai" and int(cells[1]) > 0 and cells[2].endswith("%")


def test_items_hardest_first_with_a_reliability(page):
    section = page.locator("h3").first
    assert re.search(r"α = 0,\d\d", section.inner_text())
    table = section.locator("xpath=following-sibling::table[1]")
    shares = [int(t.rstrip(" %")) for t in table.locator("tbody tr td:nth-child(3)").all_inner_texts()]
    assert shares == sorted(shares) and len(shares) == 10
    table.scroll_into_view_if_needed()
    screenshot(page, "report/02-items", full_page=False)


def test_the_missing_list_opens_with_names_and_e_mails(page):
    first = page.locator("details").first
    summary = first.locator("summary")
    assert summary.inner_text().startswith("Chủ đề 1. ")
    assert not first.locator("table").is_visible()
    summary.click()
    table = first.locator("table")
    assert table.is_visible()
    header = table.locator("th").all_inner_texts()
    assert header[:2] == ["Học viên", "Họ và tên"] and "Thư điện tử" in header, header
    assert "@example.vn" in table.locator("tbody tr").first.inner_text()
    first.scroll_into_view_if_needed()
    screenshot(page, "report/03-missing-list", full_page=False)
