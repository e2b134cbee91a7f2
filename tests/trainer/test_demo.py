"""`make demo` end to end: the kit's own commands on the sample cohort, with real nbgrader and kernels."""

import csv
import html
import re
import subprocess
import sys
import tomllib

import nbformat
import pytest

from ocopkit.trainer.course import assignments
from ocopkit.trainer.demo import KINDS, kind_labels

from conftest import REPO


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """Run `ocop demo` once; return its folder and printed output."""
    workdir = tmp_path_factory.mktemp("demo") / "demo"
    done = subprocess.run(
        [sys.executable, "-m", "ocopkit.trainer.cli", "demo", "--workdir", str(workdir)],
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return workdir, done.stdout


def exported(workdir):
    with (workdir / "grades.csv").open(encoding="utf-8-sig", newline="") as handle:
        return {(row["participant_id"], row["assignment"]): row for row in csv.DictReader(handle)}


def sample_kinds():
    """Which kind each sample participant handed in for each topic, as the demo planned it."""
    from ocopkit.trainer import roster
    from ocopkit.trainer.demo import sample_plan, sample_roster_path

    return sample_plan(roster.read_roster(sample_roster_path()), assignments(REPO))


@pytest.mark.parametrize("assignment", assignments(REPO))
def test_every_kind_of_submission_in_every_topic_with_its_score(demo, assignment):
    workdir, output = demo
    expected = tomllib.loads((REPO / "tests" / "submissions" / assignment / "expected.toml").read_text())
    rows = exported(workdir)
    plan = {who: kind for (who, topic), kind in sample_kinds().items() if topic == assignment}
    assert set(plan.values()) == set(KINDS)
    for participant, kind in plan.items():
        row = rows[(participant, assignment)]
        if kind in expected:
            # Graded; a submission with a written answer waits for the trainer, its score so far exported.
            assert row["status"] in ("graded", "awaiting_trainer"), (participant, row)
            assert (row["score"], row["max_score"]) == (str(expected[kind]["score"]), str(expected["max_score"]))
        elif kind == "broken":
            assert row["status"] == "failed" and "JSON" in row["reason"]
        else:
            assert row["status"] == "missing"
        if kind:
            # The grading line names the kind handed in: a syntax error is not passed off as a partial score.
            assert re.search(rf"^  {participant}\s.*\[{re.escape(kind_labels()[kind])}\]", output, re.M), kind
    assert str(workdir) in output.splitlines()[-1]


def test_the_kinds_rotate_so_topics_differ(demo):
    kinds = sample_kinds()
    topics = assignments(REPO)
    assert kinds[("lan", topics[0])] != kinds[("lan", topics[1])]


def test_a_short_summary_instead_of_a_row_per_participant(demo):
    _workdir, output = demo
    tail = output.split("Đã đăng ký")[-1].split("\n\n", 1)[-1]
    summary = tail.strip().split("\n\n")[0:2]
    text = "\n".join(summary)
    assert "dòng (học viên × chủ đề)" in text and "chưa nộp" in text
    assert "Chủ đề 8. Bộ tiêu chí OCOP" in text
    assert len(text.splitlines()) <= len(assignments(REPO)) + 4


def test_the_workbook_is_written(demo):
    from openpyxl import load_workbook

    workdir, _output = demo
    book = load_workbook(workdir / "grades.xlsx", read_only=True)
    assert {"Điểm", "Bảng tổng hợp", "Chấm lỗi", "Chưa nộp"} <= set(book.sheetnames)


def test_export_is_excel_ready_utf8_with_quoting(demo):
    workdir, _output = demo
    raw = (workdir / "grades.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert '"Hoàng Thị Hoa, HTX Bưởi"' in raw.decode("utf-8-sig")
    row = exported(workdir)[("hoa", "topic08")]
    # Grouped by the 34 units since 1 July 2025; the former unit the roster gave is kept beside it.
    assert (row["province"], row["former_province"], row["organisation_type"]) == ("Lào Cai", "Yên Bái", "cooperative")


def hidden_lines(assignment):
    """Code lines found only inside hidden-test regions of the solutions, long enough to be telling.

    Assertion messages are written for participants, and a line that a visible
    check repeats is no secret; what remains must never reach the feedback.
    """
    notebook = nbformat.read(REPO / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)
    hidden, visible = [], set()
    for cell in notebook.cells:
        inside = False
        for line in cell.source.splitlines():
            if "BEGIN HIDDEN TESTS" in line:
                inside = True
            elif "END HIDDEN TESTS" in line:
                inside = False
            elif inside and len(line.strip()) > 12 and not line.strip().startswith(('"', 'f"')):
                hidden.append(line.strip())
            elif not inside:
                visible.add(line.strip())
    return [line for line in hidden if line not in visible]


def visible_text(path):
    text = re.sub(r"<[^>]+>", "", path.read_text(encoding="utf-8"))
    return html.unescape(text)


@pytest.mark.parametrize("assignment", assignments(REPO))
def test_feedback_never_shows_hidden_tests(demo, assignment):
    workdir, _output = demo
    pages = sorted((workdir / "feedback").glob(f"*/{assignment}/*.html"))
    assert len(pages) == 5
    secrets = hidden_lines(assignment)
    assert secrets
    for page in pages:
        text = visible_text(page)
        for secret in secrets:
            code = secret.split(', "')[0]
            # The whole statement, not the start of a longer visible one.
            assert not re.search(re.escape(code) + r"(?![\w.(\[])", text), (page, secret)
        assert "HIDDEN TESTS" not in text


def test_feedback_keeps_the_message_that_says_what_to_fix(demo):
    workdir, _output = demo
    text = visible_text(workdir / "feedback" / "hung" / "topic08" / "topic08.html")
    assert "Lấy ngưỡng đó trừ 59" in text


def test_item_export_lists_graded_participants_only(demo):
    workdir, _output = demo
    with (workdir / "items.csv").open(encoding="utf-8-sig", newline="") as handle:
        items = list(csv.DictReader(handle))
    scored = ("graded", "late", "awaiting_trainer")
    graded = {(r["participant_id"], r["assignment"]) for r in exported(workdir).values() if r["status"] in scored}
    assert items and {(i["participant_id"], i["assignment"]) for i in items} == graded
    who = next(p for (p, topic), kind in sample_kinds().items() if topic == "topic08" and kind == "full")
    full = [
        i for i in items if i["participant_id"] == who and i["assignment"] == "topic08" and i["cell_type"] == "code"
    ]
    assert full and all(i["passed"] == "1" for i in full)


def test_report_is_self_contained_and_names_failures(demo):
    workdir, _output = demo
    page = (workdir / "report.html").read_text(encoding="utf-8")
    assert page.count("data:image/png;base64,") == 3  # two heatmaps and the distributions; items are tables
    assert "http://" not in page and "https://" not in page
    assert "duc" in page and "JSON" in page
