"""The trainer's whole cycle on a sample cohort, in a folder git ignores.

Generate the student version of every assignment, register a sample roster,
place sample submissions, grade them with nbgrader, generate feedback, export
grades (CSV and an Excel workbook), write the report and print a short summary.

Every kind of submission a trainer meets is handed in for every topic: right,
partly right, untouched, with a syntax error, with an answer that raises, a
damaged file, and nothing at all. The kinds rotate from topic to topic, as a
real cohort's do, so the report's heatmaps are not stripes; the grading lines
name the kind each participant handed in, so a syntax error does not pass for
an ordinary partial score.
"""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

from ..i18n import _, format_number
from . import cohort, export, grading, roster, sandbox
from .course import Course, make_working_course, repository_root
from .report import course_report
from .workbook import write_xlsx

# The kinds of submission, as tests/submissions/<topic>/ holds them; None: hands in nothing.
KINDS = ("full", "partial", "untouched", "syntax_error", "raises", "broken", None)
# Which example submission each sample participant hands in for the first topic; each topic shifts them by one.
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


def kind_labels() -> dict:
    """What each kind of submission is, as the demo's lines say it."""
    return {
        "full": _("all right"),
        "partial": _("partly right"),
        "untouched": _("handed in untouched"),
        "syntax_error": _("a syntax error in one part"),
        "raises": _("an answer that raises an error"),
        "broken": _("a damaged file"),
        None: _("nothing handed in"),
    }


def sample_plan(people, assignments: list[str]) -> dict[tuple[str, str], str | None]:
    """The sample cohort's submissions: each participant's kind shifts by one from topic to topic."""
    order = list(SAMPLE_SUBMISSIONS.values())
    plan = {}
    for topic, assignment in enumerate(assignments):
        for index, person in enumerate(people):
            first = SAMPLE_SUBMISSIONS.get(person.id, order[index % len(order)])
            plan[(person.id, assignment)] = order[(order.index(first) + topic) % len(order)]
    return plan


def synthetic_plan(people, assignments: list[str], seed: int = 2021) -> dict[tuple[str, str], str | None]:
    """A synthetic cohort's submissions, per participant and topic.

    The first participants hand in one of each kind in every topic (rotated),
    so each kind turns up with its own reason; the others draw a kind with
    weights bent by a steady "ability", as a real cohort has strong and weak
    participants across topics.
    """
    import random

    rng = random.Random(seed)
    kinds, weights = list(SYNTHETIC_MIX), list(SYNTHETIC_MIX.values())
    ability = {person.id: rng.gauss(0, 1) for person in people}
    plan = {}
    for topic, assignment in enumerate(assignments):
        for index, person in enumerate(people):
            if index < len(KINDS):
                plan[(person.id, assignment)] = KINDS[(index + topic) % len(KINDS)]
                continue
            # A strong participant is more often right and less often absent; a weak one the other way.
            bent = [w * (1.6 if k == "full" else 1) ** ability[person.id] for k, w in zip(kinds, weights)]
            bent = [w * (1.4 if k is None else 1) ** -ability[person.id] for k, w in zip(kinds, bent)]
            plan[(person.id, assignment)] = rng.choices(kinds, bent)[0]
    return plan


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


def register_participants(course: Course, people) -> None:
    """Put the roster's people in nbgrader's gradebook and their details in the kit's ledger."""
    gradebook = course.api.gradebook
    try:
        roster.register(people, gradebook)
    finally:
        gradebook.close()
    course.ledger.save_participants(people)


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
    assignments = course.assignments()
    plan = synthetic_plan(people, assignments) if participants else sample_plan(people, assignments)
    register_participants(course, people)
    echo(_("Registered {count} participants.").format(count=len(people)))
    reason = sandbox.unavailable_reason()
    echo(
        _("Grading in the sandbox.")
        if reason is None
        else _(
            "The sandbox is not available ({reason}); the demo grades its own sample submissions without it."
        ).format(reason=reason)
    )
    for assignment in assignments:
        _run_assignment(course, repo / "tests" / "submissions" / assignment, assignment, plan, echo)
    rows = export.grade_rows(course)
    csv_path = export.write_csv(rows, course_dir / "grades.csv")
    export.write_csv(export.item_rows(course), course_dir / "items.csv", export.ITEM_COLUMNS)
    write_xlsx(course, course_dir / "grades.xlsx")
    course_report(course, course_dir / "report.html")
    echo("")
    echo(summary(rows))
    echo("")
    echo(
        _(
            "Outputs are in {folder}: student versions in exercises/, graded notebooks in autograded/, "
            "feedback in feedback/, grades in {csv} and grades.xlsx (per test cell in items.csv), the report in "
            "report.html, the gradebook in gradebook.db."
        ).format(folder=course_dir, csv=csv_path.name)
    )
    return rows


def _run_assignment(course: Course, examples: Path, assignment: str, plan: dict, echo) -> None:
    """Generate, submit, grade and give feedback for one assignment."""
    api = course.api
    result = api.generate_assignment(assignment, force=True, create=True)
    if not result.get("success"):
        raise RuntimeError(grading.failure_reason(result))
    echo(_("Generated the student version of {assignment}.").format(assignment=assignment))
    if not examples.is_dir():
        echo(_("No example submissions for {assignment}; skipped.").format(assignment=assignment))
        return
    for (participant_id, topic), variant in plan.items():
        if topic == assignment and variant:
            place_submission(course.root, examples, assignment, participant_id, variant)
    labels = kind_labels()

    def say(outcome) -> None:
        kind = labels[plan.get((outcome.participant_id, assignment))]
        score = "" if outcome.score is None else f"{outcome.score:g}/{outcome.max_score:g}"
        echo(f"  {outcome.participant_id:<8} {outcome.status:<7} {score:<6} [{kind}] {outcome.reason}".rstrip())

    options = cohort.GradeOptions(unsafe=sandbox.unavailable_reason() is not None, force=True)
    outcomes = cohort.grade_cohort(course, assignment, options, on_outcome=say)
    for outcome in outcomes:
        if outcome.status == "graded":
            api.generate_feedback(assignment, outcome.participant_id)


def summary(rows: list[dict]) -> str:
    """A short summary of the exported rows: counts by status, then one line per topic.

    The whole table is in grades.csv and grades.xlsx; a trainer reads these
    lines at a glance instead of a row per participant and topic.
    """
    from .report import STATUSES, status_words, topic_titles

    words, titles = status_words(), topic_titles()
    counts = {status: sum(r["status"] == status for r in rows) for status in STATUSES}
    lines = [
        _("{count} rows (participants × topics): {statuses}.").format(
            count=len(rows), statuses=", ".join(f"{words[s]} {counts[s]}" for s in STATUSES if counts[s])
        ),
        "",
        "  ".join((f"{_('Topic'):<60}", f"{_('Handed in'):>8}", f"{_('Mean score'):>15}", f"{_('failed'):>10}")),
    ]
    for assignment in sorted({r["assignment"] for r in rows}):
        mine = [r for r in rows if r["assignment"] == assignment]
        handed_in = sum(r["status"] != "missing" for r in mine)
        scored = [r for r in mine if r["score"] != "" and r["max_score"]]
        mean = sum(100 * float(r["score"]) / float(r["max_score"]) for r in scored) / len(scored) if scored else None
        failed = sum(r["status"] == "failed" for r in mine)
        lines.append(
            "  ".join(
                (
                    f"{titles.get(assignment, assignment)[:60]:<60}",
                    f"{handed_in:>4}/{len(mine):<3}",
                    f"{'–' if mean is None else format_number(mean, 0) + ' %':>15}",
                    f"{failed:>10}",
                )
            )
        )
    return "\n".join(lines)
