"""The trainer's whole cycle on a sample cohort, in a folder git ignores.

Generate the student version of every assignment, register a sample roster,
place sample submissions (right, partly right, blank, broken and others), grade
them with nbgrader, generate feedback, export grades to CSV and print a summary.
"""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

from ..i18n import _
from . import cohort, export, grading, roster, sandbox
from .course import Course, make_working_course, repository_root
from .report import course_report

# Which example submission each sample participant hands in; None: hands in nothing.
SAMPLE_SUBMISSIONS = {
    "lan": "full",
    "hung": "partial",
    "mai": "untouched",
    "tuan": "syntax_error",
    "hoa": "raises",
    "duc": "broken",
    "thu": None,
}


# How often each kind of submission turns up in a synthetic cohort (None: nothing handed in).
SYNTHETIC_MIX = {"full": 30, "partial": 30, "untouched": 8, "syntax_error": 6, "raises": 6, "broken": 5, None: 15}
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô")
MIDDLE = ("Văn", "Thị", "Minh", "Hữu", "Thanh", "Ngọc", "Đức", "Thu")
GIVEN = (
    "An",
    "Bình",
    "Chi",
    "Dũng",
    "Giang",
    "Hà",
    "Hải",
    "Hạnh",
    "Hoa",
    "Hùng",
    "Lan",
    "Linh",
    "Mai",
    "Nam",
    "Nga",
    "Phúc",
    "Quang",
    "Sơn",
    "Tâm",
    "Thảo",
    "Trang",
    "Tuấn",
    "Vân",
    "Yến",
)


def synthetic_roster(count: int, path: Path, seed: int = 2021) -> Path:
    """Write a roster of ``count`` invented participants spread over the 63 provinces."""
    import random

    from ..spreadsheet import write_csv

    rng = random.Random(seed)
    # The 63 former names, as 2021 rosters have them: exports and the report group them by the 34 units.
    provinces = sorted(roster.PROVINCES)
    rows = []
    for number in range(1, count + 1):
        name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        rows.append(
            [
                f"hv{number:04d}",
                name,
                provinces[(number - 1) % len(provinces)],
                "",
                rng.choice(roster.ORGANISATION_TYPES),
                f"hv{number:04d}@example.vn",
            ]
        )
    # UTF-8 without a byte-order mark, CRLF line ends: the form this file has always had.
    return write_csv(path, rows, roster.COLUMNS, bom=False)


def synthetic_submissions(people, seed: int = 2021) -> dict:
    """Pick for each participant which kind of submission they hand in, per topic."""
    import random

    rng = random.Random(seed)
    kinds, weights = list(SYNTHETIC_MIX), list(SYNTHETIC_MIX.values())
    return {person.id: rng.choices(kinds, weights)[0] for person in people}


def sample_roster_path() -> Path:
    """Return the sample roster shipped with the package."""
    return Path(str(resources.files("ocopkit.trainer") / "sample_roster.csv"))


def place_submission(course_dir: Path, examples: Path, assignment: str, participant_id: str, variant: str) -> None:
    """Copy an example submission into ``submitted/ID/ASSIGNMENT``; ``broken`` is a damaged copy."""
    target = course_dir / "submitted" / participant_id / assignment
    if variant == "broken":
        shutil.copytree(examples / "full", target)
        notebook = next(target.glob("*.ipynb"))
        # Cut the file in half, as an interrupted upload or a full disk would
        # (between characters, so the damage shows as broken JSON).
        text = notebook.read_text(encoding="utf-8")
        notebook.write_text(text[: len(text) // 2], encoding="utf-8")
    else:
        shutil.copytree(examples / variant, target)


def run_demo(workdir: str | Path, participants: int | None = None, echo=print) -> list[dict]:
    """Run the trainer's cycle end to end and return the exported rows.

    Parameters
    ----------
    workdir : path
        Working folder, emptied first (``build/demo`` from ``make demo``).
    participants : int, optional
        Size of a synthetic cohort; the seven sample participants by default.
    echo : callable
        Where progress lines go.
    """
    repo = repository_root()
    course_dir = make_working_course(workdir, repo)
    course = Course(course_dir)  # one configuration, one nbgrader API, one ledger for the whole run
    roster_path = synthetic_roster(participants, course_dir / "roster.csv") if participants else sample_roster_path()
    people = roster.read_roster(roster_path)
    handed_in = synthetic_submissions(people) if participants else SAMPLE_SUBMISSIONS
    gradebook = course.api.gradebook
    try:
        roster.register(people, gradebook)
    finally:
        gradebook.close()
    course.ledger.save_participants(people)
    echo(_("Registered {count} participants.").format(count=len(people)))
    reason = sandbox.unavailable_reason()
    echo(
        _("Grading in the sandbox.")
        if reason is None
        else _(
            "The sandbox is not available ({reason}); the demo grades its own sample submissions without it."
        ).format(reason=reason)
    )
    for assignment in course.assignments():
        _run_assignment(course, repo / "tests" / "submissions" / assignment, assignment, handed_in, echo)
    rows = export.grade_rows(course)
    csv_path = export.write_csv(rows, course_dir / "grades.csv")
    export.write_csv(export.item_rows(course), course_dir / "items.csv", export.ITEM_COLUMNS)
    course_report(course, course_dir / "report.html")
    echo("")
    echo(summary_table(rows))
    echo("")
    echo(
        _(
            "Outputs are in {folder}: student versions in exercises/, graded notebooks in autograded/, "
            "feedback in feedback/, grades in {csv} (per test cell in items.csv), the report in report.html, "
            "the gradebook in gradebook.db."
        ).format(folder=course_dir, csv=csv_path.name)
    )
    return rows


def _run_assignment(course: Course, examples: Path, assignment: str, handed_in: dict, echo) -> None:
    """Generate, submit, grade and give feedback for one assignment."""
    api = course.api
    result = api.generate_assignment(assignment, force=True, create=True)
    if not result.get("success"):
        raise RuntimeError(grading.failure_reason(result))
    echo(_("Generated the student version of {assignment}.").format(assignment=assignment))
    if not examples.is_dir():
        echo(_("No example submissions for {assignment}; skipped.").format(assignment=assignment))
        return
    for participant_id, variant in handed_in.items():
        if variant:
            place_submission(course.root, examples, assignment, participant_id, variant)
    options = cohort.GradeOptions(unsafe=sandbox.unavailable_reason() is not None, force=True)
    outcomes = cohort.grade_cohort(
        course, assignment, options, on_outcome=lambda o: echo(f"  {o.participant_id:<8} {o.status:<7} {o.reason}")
    )
    for outcome in outcomes:
        if outcome.status == "graded":
            api.generate_feedback(assignment, outcome.participant_id)


def summary_table(rows: list[dict]) -> str:
    """Format export rows as a plain-text table: participant, topic, score, max, status, reason."""
    header = (_("participant"), _("topic"), _("score"), _("max"), _("status"), _("reason"))
    lines = [(r["participant_id"], r["assignment"], r["score"], r["max_score"], r["status"], r["reason"]) for r in rows]
    widths = [max(len(str(x)) for x in column) for column in zip(header, *lines)]
    widths[-1] = len(header[-1])
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    rule = "  ".join("-" * w for w in widths)
    return "\n".join([fmt.format(*header), rule] + [fmt.format(*map(str, line)) for line in lines])
