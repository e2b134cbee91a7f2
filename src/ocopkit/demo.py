"""The trainer's whole cycle on a sample cohort, in a folder git ignores.

Generate the student version of every assignment, register a sample roster,
place sample submissions (right, partly right, blank, broken and others), grade
them with nbgrader, generate feedback, export grades to CSV and print a summary.
"""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

from . import export, grading, ledger, roster
from .course import assignments, make_working_course, nbgrader_api, repository_root
from .i18n import _

# Which example submission each sample participant hands in; None: hands in nothing.
SAMPLE_SUBMISSIONS = {
    "lan": "full", "hung": "partial", "mai": "untouched", "tuan": "syntax_error",
    "hoa": "raises", "duc": "broken", "thu": None,
}


def sample_roster_path() -> Path:
    """Return the sample roster shipped with the package."""
    return Path(str(resources.files("ocopkit") / "sample_roster.csv"))


def place_submission(course_dir: Path, examples: Path, assignment: str, participant_id: str,
                     variant: str) -> None:
    """Copy an example submission into ``submitted/ID/ASSIGNMENT``; ``broken`` is a damaged copy."""
    target = course_dir / "submitted" / participant_id / assignment
    if variant == "broken":
        shutil.copytree(examples / "full", target)
        notebook = next(target.glob("*.ipynb"))
        # Cut the file in half, as an interrupted upload or a full disk would.
        notebook.write_bytes(notebook.read_bytes()[: notebook.stat().st_size // 2])
    else:
        shutil.copytree(examples / variant, target)


def run_demo(workdir: str | Path, echo=print) -> list[dict]:
    """Run the trainer's cycle end to end and return the exported rows.

    Parameters
    ----------
    workdir : path
        Working folder, emptied first (``build/demo`` from ``make demo``).
    echo : callable
        Where progress lines go.
    """
    repo = repository_root()
    course_dir = make_working_course(workdir, repo)
    api = nbgrader_api(course_dir)
    people = roster.read_roster(sample_roster_path())
    gradebook = api.gradebook
    try:
        roster.register(people, gradebook)
    finally:
        gradebook.close()
    ledger.save_participants(course_dir, people)
    echo(_("Registered {count} participants.").format(count=len(people)))
    for assignment in assignments(course_dir):
        _run_assignment(api, course_dir, repo / "tests" / "submissions" / assignment, assignment, echo)
    rows = export.grade_rows(course_dir)
    csv_path = export.write_csv(rows, course_dir / "grades.csv")
    echo("")
    echo(summary_table(rows))
    echo("")
    echo(_("Outputs are in {folder}: student versions in exercises/, graded notebooks in autograded/, "
           "feedback in feedback/, grades in {csv}, the gradebook in gradebook.db.").format(
        folder=course_dir, csv=csv_path.name))
    return rows


def _run_assignment(api, course_dir: Path, examples: Path, assignment: str, echo) -> None:
    """Generate, submit, grade and give feedback for one assignment."""
    result = api.generate_assignment(assignment, force=True, create=True)
    if not result.get("success"):
        raise RuntimeError(grading.failure_reason(result))
    echo(_("Generated the student version of {assignment}.").format(assignment=assignment))
    if not examples.is_dir():
        echo(_("No example submissions for {assignment}; skipped.").format(assignment=assignment))
        return
    for participant_id, variant in SAMPLE_SUBMISSIONS.items():
        if variant:
            place_submission(course_dir, examples, assignment, participant_id, variant)
    outcomes = grading.grade_assignment(course_dir, assignment, progress=lambda o: echo(
        f"  {o.participant_id:<8} {o.status:<7} {o.reason}"))
    for outcome in outcomes:
        if outcome.status == "graded":
            api.generate_feedback(assignment, outcome.participant_id)


def summary_table(rows: list[dict]) -> str:
    """Format export rows as a plain-text table: participant, topic, score, max, status, reason."""
    header = (_("participant"), _("topic"), _("score"), _("max"), _("status"), _("reason"))
    lines = [(r["participant_id"], r["assignment"], r["score"], r["max_score"], r["status"], r["reason"])
             for r in rows]
    widths = [max(len(str(x)) for x in column) for column in zip(header, *lines)]
    widths[-1] = len(header[-1])
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    rule = "  ".join("-" * w for w in widths)
    return "\n".join([fmt.format(*header), rule] + [fmt.format(*map(str, line)) for line in lines])
