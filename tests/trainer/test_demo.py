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
from ocopkit.trainer.demo import SAMPLE_SUBMISSIONS

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


@pytest.mark.parametrize("assignment", assignments(REPO))
def test_summary_table_shows_expected_scores_and_statuses(demo, assignment):
    workdir, output = demo
    expected = tomllib.loads((REPO / "tests" / "submissions" / assignment / "expected.toml").read_text())
    rows = exported(workdir)
    for participant, variant in SAMPLE_SUBMISSIONS.items():
        row = rows[(participant, assignment)]
        if variant in expected:
            assert (row["status"], row["score"], row["max_score"]) == (
                "graded",
                str(expected[variant]["score"]),
                str(expected["max_score"]),
            ), participant
        assert re.search(rf"^{participant}\s+{assignment}\s", output, re.M), participant
    assert rows[("duc", assignment)]["status"] == "failed"
    assert "JSON" in rows[("duc", assignment)]["reason"]
    assert rows[("thu", assignment)]["status"] == "missing"
    assert str(workdir) in output.splitlines()[-1]


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
    graded = {(r["participant_id"], r["assignment"]) for r in exported(workdir).values() if r["status"] == "graded"}
    assert items and {(i["participant_id"], i["assignment"]) for i in items} == graded
    full = [
        i for i in items if i["participant_id"] == "lan" and i["assignment"] == "topic08" and i["cell_type"] == "code"
    ]
    assert all(i["passed"] == "1" for i in full) and len(full) == 9


def test_report_is_self_contained_and_names_failures(demo):
    workdir, _output = demo
    page = (workdir / "report.html").read_text(encoding="utf-8")
    assert page.count("data:image/png;base64,") == 4  # two heatmaps, distributions, item difficulty
    assert "http://" not in page and "https://" not in page
    assert "duc" in page and "JSON" in page
