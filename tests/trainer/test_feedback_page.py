"""The feedback page a participant reads: their language, points per part, messages, never the tests' code.

The example submissions of topic08 (tests/submissions/topic08) are graded for
real (``ocop grade``) and given feedback with ``ocop feedback``; the pages are
read as markup, and the full and the partial one are opened in Chromium for
screenshots in ``build/screenshots/feedback/``. The written answer (Part 5) of
every submission waits for the trainer: the page says so instead of a zero,
and ``ocop feedback`` warns the trainer.
"""

from __future__ import annotations

import contextlib
import io
import re
import shutil

import nbformat
import pytest
from bs4 import BeautifulSoup

from ocopkit import i18n
from ocopkit.i18n import format_number
from ocopkit.trainer import cli
from ocopkit.trainer.course import Course, make_working_course

from assignment_support import expected_scores
from browser_support import browser_missing, chromium_session, screenshot
from conftest import REPO, require
from hostile_submissions import FULL_SCORE, MAX_SCORE, PARTIAL_SCORE

pytestmark = pytest.mark.slow

ASSIGNMENT = "topic08"
SUBMISSIONS = REPO / "tests" / "submissions" / ASSIGNMENT
PARTICIPANTS = ("full", "partial", "raises")
AWAITING_VI = "đang chờ giảng viên chấm"
# Messages of checks that the partial submission fails, all three hidden ones.
PARTIAL_MESSAGES = (
    'Điểm của một phần chưa đúng: hãy cộng cột "diem" của mọi tiêu chí trong phần đó.',
    "Danh sách chưa đúng: chỉ lấy những sản phẩm có tổng điểm từ 50 trở lên (3★ trở lên).",
    "Chưa đúng: 4★ bắt đầu từ bao nhiêu điểm? Lấy ngưỡng đó trừ 59.",
)


def run_cli(*argv: str) -> tuple[int, str]:
    """Run ``ocop`` in this process; its exit code and everything it printed."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = cli.main(list(argv))
    return code, out.getvalue()


def page_path(course, participant):
    return course / "feedback" / participant / ASSIGNMENT / f"{ASSIGNMENT}.html"


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """A course with three example submissions, graded, and each page's text after ``ocop feedback``."""
    course = make_working_course(tmp_path_factory.mktemp("feedback-page") / "course", REPO)
    assert run_cli("generate", ASSIGNMENT, "--course-dir", str(course))[0] == 0
    for participant in PARTICIPANTS:
        folder = course / "submitted" / participant / ASSIGNMENT
        folder.mkdir(parents=True)
        shutil.copy(SUBMISSIONS / participant / f"{ASSIGNMENT}.ipynb", folder)
    # The kit's own example submissions are trusted code: no sandbox needed to grade them.
    code, output = run_cli("grade", ASSIGNMENT, "--unsafe", "--workers", "3", "--course-dir", str(course))
    assert code == 0, output
    code, output = run_cli("feedback", ASSIGNMENT, "--course-dir", str(course))
    assert code == 0, output
    pages = {p: page_path(course, p).read_text(encoding="utf-8") for p in PARTICIPANTS}
    return course, output, pages


def soup_of(graded, participant) -> BeautifulSoup:
    return BeautifulSoup(graded[2][participant], "html.parser")


def part_rows(soup) -> dict[str, str]:
    """The table of parts: "Phần N" -> the text of its points cell."""
    rows = {}
    for row in soup.select("table.ocop-parts tr.ocop-part"):
        title = row.find("th").get_text(" ", strip=True)
        rows[title.split("(")[0].strip()] = row.find("td", class_="ocop-points").get_text(" ", strip=True)
    return rows


def source_lines_of_tests() -> set[str]:
    """Every line of code in the topic08 test cells (visible and hidden), as written in the solutions."""
    notebook = nbformat.read(REPO / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    lines = set()
    for cell in notebook.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("grade") and not meta.get("solution"):
            for line in cell.source.splitlines():
                line = line.strip()
                if line and not line.startswith(("#", '"', "'", ")")):
                    lines.add(line)
    return lines


def test_the_course_configuration_names_the_page_template(repo):
    from ocopkit.trainer.course import load_config
    from ocopkit.trainer.feedback import PAGE_TEMPLATE, TEMPLATES

    assert load_config(repo).FeedbackExporter.template_file == PAGE_TEMPLATE
    assert (TEMPLATES / PAGE_TEMPLATE).is_file()


class TestVietnamesePage:
    def test_header_names_the_participant_the_topic_and_the_score(self, graded):
        soup = soup_of(graded, "full")
        assert soup.html["lang"] == "vi"
        header = soup.find(class_="ocop-header")
        assert header.find("h1").get_text(strip=True) == "Chủ đề 8 — Bài tập: Bộ tiêu chí OCOP và hạng sao"
        assert header.find("b", class_="ocop-participant").get_text() == "full"
        who = header.find(class_="ocop-who").get_text(" ", strip=True)
        assert "Học viên" in who and "Bài tập" in who and ASSIGNMENT in who
        total = header.find("h4", class_="ocop-total").get_text(" ", strip=True)
        assert "Tổng điểm đến nay" in total and f"{FULL_SCORE} / {MAX_SCORE}" in total
        note = header.find(class_="ocop-awaiting-note").get_text(" ", strip=True)
        assert note == f"Còn 2 điểm {AWAITING_VI} (Phần 5)."

    def test_points_per_part(self, graded):
        assert part_rows(soup_of(graded, "full")) == {
            "Phần 1": "2 / 2 điểm",
            "Phần 2": "3 / 3 điểm",
            "Phần 3": "3 / 3 điểm",
            "Phần 4": "3 / 3 điểm",
            "Phần 5": f"{AWAITING_VI} (tối đa 2 điểm)",
        }
        partial = part_rows(soup_of(graded, "partial"))
        assert (partial["Phần 1"], partial["Phần 2"], partial["Phần 3"], partial["Phần 4"]) == (
            "2 / 2 điểm",
            "2 / 3 điểm",
            "2 / 3 điểm",
            "0 / 3 điểm",
        )
        total = soup_of(graded, "partial").find("h4", class_="ocop-total").get_text(" ", strip=True)
        assert f"{PARTIAL_SCORE} / {MAX_SCORE}" in total

    def test_the_written_part_awaits_the_trainer_instead_of_zero(self, graded):
        soup = soup_of(graded, "full")
        written = soup.find("a", attrs={"name": "part5_written_answer"}).find_next("div", class_="panel-heading")
        assert AWAITING_VI in written.get_text() and "0 / 2" not in written.get_text()
        assert "0 / 2" not in soup.find("table", class_="ocop-parts").get_text()

    def test_a_failed_check_shows_its_message(self, graded):
        soup = soup_of(graded, "partial")
        messages = [m.get_text() for m in soup.select("table.ocop-parts .ocop-message")]
        for message in PARTIAL_MESSAGES:
            assert message in messages, messages
        # ... and the check's own panel in the notebook says it too, with its points.
        panel = soup.find("a", attrs={"name": "part4_points_needed_correct"}).find_next("div", class_="nbgrader_cell")
        assert PARTIAL_MESSAGES[2] in panel.get_text() and "0 / 2 điểm" in panel.get_text()
        assert "Kiểm tra: số điểm cần thêm (chưa đạt)" in " ".join(panel.get_text().split())

    def test_the_participants_answers_and_outputs_stay(self, graded):
        soup = soup_of(graded, "partial")
        answer = soup.find("a", attrs={"name": "comment-part1_answer"}).find_next("div", class_="input_area")
        assert "sao_buoi" in answer.get_text()
        # The answer's own output stays: the KeyError of the "raises" submission's Part 2, with its message.
        raised = soup_of(graded, "raises").find("a", attrs={"name": "comment-part2_answer"})
        assert "KeyError" in raised.find_next("div", class_="output_error").get_text()
        written = soup.find("a", attrs={"name": "part5_written_answer"}).find_next("div", class_="rendered_html")
        assert written.get_text(strip=True)

    @pytest.mark.parametrize("participant", PARTICIPANTS)
    def test_no_test_code_visible_or_hidden(self, graded, participant):
        text = graded[2][participant]
        visible = BeautifulSoup(text, "html.parser").get_text()
        for trace in ("assert ", "checks.", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"):
            assert trace not in text, trace
        leaked = [line for line in source_lines_of_tests() if line in visible or line in text]
        assert not leaked, leaked

    def test_security_stays(self, graded):
        soup = soup_of(graded, "partial")
        assert soup.find_all("script") == []
        first = soup.head.find(True)
        assert first.name == "meta" and first["http-equiv"] == "Content-Security-Policy"


class TestTrainer:
    def test_ocop_feedback_warns_while_manual_grading_is_open(self, graded):
        _course, output, _pages = graded
        assert "Cảnh báo: còn 3 bài nộp chưa chấm tay xong: full, partial, raises." in output, output

    def test_english_page(self, graded):
        course = graded[0]
        i18n.set_language("en")  # the autouse fixture sets Vietnamese back
        result = Course(course).api.generate_feedback(ASSIGNMENT, "partial")
        assert result["success"], result.get("log")
        soup = BeautifulSoup(page_path(course, "partial").read_text(encoding="utf-8"), "html.parser")
        assert soup.html["lang"] == "en"
        assert f"Score: {PARTIAL_SCORE} / {MAX_SCORE} so far" in soup.find("h4", class_="ocop-total").get_text()
        rows = part_rows(soup)
        assert rows["Phần 2"] == "2 / 3 points"
        assert rows["Phần 5"] == "awaiting the trainer's grading (up to 2 points)"
        assert "Participant" in soup.find(class_="ocop-who").get_text()

    def test_once_graded_by_hand_the_part_counts(self, graded):
        course = graded[0]
        gradebook = Course(course).api.gradebook
        try:
            grade = gradebook.find_grade("part5_written_answer", ASSIGNMENT, ASSIGNMENT, "raises")
            grade.manual_score = 1.5
            grade.needs_manual_grade = False
            gradebook.db.commit()
        finally:
            gradebook.close()
        code, output = run_cli("feedback", ASSIGNMENT, "--course-dir", str(course))
        assert code == 0 and "còn 2 bài nộp chưa chấm tay xong: full, partial." in output, output
        soup = BeautifulSoup(page_path(course, "raises").read_text(encoding="utf-8"), "html.parser")
        total = soup.find("h4", class_="ocop-total").get_text(" ", strip=True)
        # raises: every part but Part 2 right, and the written part 1.5 of 2
        raises = expected_scores(ASSIGNMENT)["raises"]["score"]
        assert total == f"Tổng điểm: {format_number(raises + 1.5, 1)} / {MAX_SCORE}"
        assert part_rows(soup)["Phần 5"] == "1,5 / 2 điểm"
        assert soup.find(class_="ocop-awaiting-note") is None and AWAITING_VI not in soup.get_text()


# --------------------------------------------------------------------------- what a participant sees


@pytest.fixture(scope="module")
def browser(graded):
    require(browser_missing())
    yield from chromium_session()


@pytest.mark.parametrize("participant", ["full", "partial"])
def test_screenshot_of_the_page(graded, browser, tmp_path, participant):
    from playwright.sync_api import expect

    path = tmp_path / f"{participant}.html"
    path.write_text(graded[2][participant], encoding="utf-8")  # the Vietnamese page, as first generated
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(path.as_uri(), wait_until="load")
    expect(page.locator("h1.ocop-title")).to_contain_text("Chủ đề 8")
    expect(page.locator("table.ocop-parts")).to_contain_text(AWAITING_VI)
    if participant == "partial":
        expect(page.locator("table.ocop-parts .ocop-message").first).to_be_visible()
    assert page.evaluate("() => document.scripts.length") == 0 and dialogs == []
    assert re.search(r"assert |checks\.", page.locator("body").inner_text()) is None
    shot = screenshot(page, f"feedback/10-participant-page-{participant}", full_page=True)
    assert shot.stat().st_size > 10_000
    page.close()
