"""Export grades to CSV files that Excel opens with Vietnamese intact.

- :func:`grade_rows`: one row per participant and assignment, with ``status``
  saying whether the score is real: ``graded``, ``late``, ``awaiting_trainer``
  (autograded; the written part still to be graded by hand, so the score is
  not final), ``failed`` (with the reason), ``ungraded`` (handed in, not graded
  yet) or ``missing``, and the participant's province and organisation type.

``province`` is the provincial unit since 1 July 2025 (one of the 34), so
exports group by the current map; ``former_province`` keeps the name of the
former unit (one of the 63) the roster gave, as the 2021 series' records have
it, or is blank when the roster gave a name that only exists since the merger.
- :func:`item_rows`: one row per participant and test cell, for item analysis.

Every participant that any record knows is in :func:`grade_rows`: the roster
(the ledger's participants), the ledger's gradings, nbgrader's gradebook and
the folders under ``submitted/``. A submission rejected before nbgrader ran
(an empty or damaged notebook from someone on no roster) is thus a ``failed``
row with its reason, not an absence.

Scores come from nbgrader's gradebook through its own bulk queries
(``Gradebook.submission_dicts``); a score counts only when the ledger says
grading succeeded. Files are written by :mod:`ocopkit.spreadsheet`: UTF-8 with
a byte-order mark (Excel needs it for diacritics), properly quoted, unlike
nbgrader's built-in CSV exporter, and with no text cell that Excel would run
as a formula. :func:`write_csv` separates cells with commas, or with ``;`` for
Excel set to Vietnamese (a comma-decimal region); :mod:`ocopkit.trainer.workbook`
writes the same rows as an Excel workbook with Vietnamese headings.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from .. import provinces, spreadsheet
from ..i18n import _
from .course import Course

AWAITING = "awaiting_trainer"
COLUMNS = (
    "participant_id",
    "name",
    "province",
    "former_province",
    "organisation_type",
    "assignment",
    "score",
    "max_score",
    "status",
    "reason",
)
ITEM_COLUMNS = (
    "participant_id",
    "province",
    "former_province",
    "organisation_type",
    "assignment",
    "notebook",
    "cell",
    "cell_type",
    "score",
    "max_score",
    "passed",
)


def _number(value):
    """Return a score as a number (7.0 as 7, fractions to two places), or "" when there is none.

    A number, not its text: the CSV writer leaves numbers as they are and
    neutralises text, so even a negative score stays a number in Excel.
    """
    if value is None or value == "":
        return ""
    return int(value) if float(value).is_integer() else round(float(value), 2)


def _late(submission: dict, duedate: datetime | None) -> bool:
    """Return True when a submission came in after the assignment's due date."""
    if duedate is None or not submission.get("timestamp"):
        return False
    stamp = submission["timestamp"]  # nbgrader's dicts hold a datetime; older gradebooks gave text
    return (stamp if isinstance(stamp, datetime) else datetime.fromisoformat(str(stamp))) > duedate


def grade_rows(course: Course | str | Path, assignment: str | None = None) -> list[dict]:
    """Return one row per participant and assignment, from the gradebook and the ledger.

    Parameters
    ----------
    course : Course or path
        The course (opened once by the caller), or its folder.
    assignment : str, optional
        Only this assignment; every assignment of the course by default.
    """
    course = Course.of(course)
    people = course.ledger.participants()
    outcomes = course.ledger.gradings(assignment)
    handed_in = _handed_in(course.api)
    gradebook = course.api.gradebook
    try:
        ids = sorted(known_participants(course, gradebook, handed_in))
        rows = []
        for name in [assignment] if assignment else course.assignments():
            submissions, duedate = _submissions(gradebook, name)
            for participant_id in ids:
                row = _row(
                    people.get(participant_id, {}),
                    participant_id,
                    name,
                    outcomes.get((name, participant_id)),
                    submissions.get(participant_id),
                    duedate,
                )
                if row["status"] == "missing" and name in handed_in.get(participant_id, ()):
                    row.update(status="ungraded", reason=_("handed in, not graded yet: run ocop grade"))
                rows.append(row)
        return rows
    finally:
        gradebook.close()


def known_participants(course: Course | str | Path, gradebook, handed_in: dict[str, set[str]]) -> set[str]:
    """Return every participant id that the roster, the ledger, the gradebook or ``submitted/`` knows.

    Parameters
    ----------
    course : Course or path
    gradebook : nbgrader.api.Gradebook
        Open on the course.
    handed_in : dict
        From :func:`_handed_in`: participant id to the assignments under ``submitted/ID/``.
    """
    book = Course.of(course).ledger
    recorded = {participant for _assignment, participant in book.gradings()}
    return set(book.participants()) | recorded | {s.id for s in gradebook.students} | set(handed_in)


def _handed_in(api) -> dict[str, set[str]]:
    """Return, for each folder ``submitted/ID``, the assignments handed in (``submitted/ID/ASSIGNMENT``)."""
    root = Path(api.coursedir.root) / api.coursedir.submitted_directory
    return {
        person.name: {folder.name for folder in _folders(person)}
        for person in _folders(root)
        if not person.name.startswith(".")
    }


def _folders(folder: Path) -> list[Path]:
    """The sub-folders of a folder; none when it cannot be read (an odd upload must not stop an export)."""
    try:
        return [entry for entry in folder.iterdir() if entry.is_dir()]
    except OSError:
        return []


def _submissions(gradebook, assignment: str) -> tuple[dict, datetime | None]:
    """Return nbgrader's submission dicts keyed by participant, and the due date."""
    from nbgrader.api import MissingEntry

    try:
        duedate = gradebook.find_assignment(assignment).duedate
    except MissingEntry:
        return {}, None
    return {s["student"]: s for s in gradebook.submission_dicts(assignment)}, duedate


def _provinces(person: dict) -> dict:
    """The current unit and the former unit of a participant's province, for an export row."""
    current, former = provinces.current_province(person.get("province", ""), strict=False)
    return {"province": current, "former_province": former}


def _row(person: dict, participant_id: str, assignment: str, outcome, submission, duedate) -> dict:
    """Build one export row; a score counts only when grading succeeded."""
    row = {
        "participant_id": participant_id,
        "name": person.get("name", ""),
        **_provinces(person),
        "organisation_type": person.get("organisation_type", ""),
        "assignment": assignment,
        "score": "",
        "max_score": "",
        "status": "missing",
        "reason": "",
    }
    if outcome is None:
        return row
    row.update(status=outcome.status, reason=outcome.reason)
    if outcome.status == "graded" and submission is not None:
        row.update(score=_number(submission["score"]), max_score=_number(submission["max_score"]))
        late = _late(submission, duedate)
        if submission.get("needs_manual_grade"):
            # The score so far leaves out the written part: say so, rather than pass it off as the final score.
            reason = _("the written part awaits the trainer (ocop manual export / import, or formgrader)")
            row.update(status=AWAITING, reason=_("late; {reason}").format(reason=reason) if late else reason)
        elif late:
            row["status"] = "late"
    return row


def item_rows(course: Course | str | Path, assignment: str | None = None) -> list[dict]:
    """Return one row per graded participant and grade cell: the raw material of item analysis.

    Only submissions the ledger records as graded are included, so a failed
    grading never shows up as a row of zeros.
    """
    from nbgrader.api import Assignment, Grade, GradeCell, Notebook, SubmittedAssignment, SubmittedNotebook

    course = Course.of(course)
    people = course.ledger.participants()
    graded = {key for key, o in course.ledger.gradings(assignment).items() if o.status == "graded"}
    gradebook = course.api.gradebook
    try:
        query = (
            gradebook.db.query(
                SubmittedAssignment.student_id,
                Assignment.name,
                Notebook.name,
                GradeCell.name,
                GradeCell.cell_type,
                Grade.score,
                GradeCell.max_score,
            )
            .join(SubmittedNotebook, SubmittedNotebook.assignment_id == SubmittedAssignment.id)
            .join(Assignment, SubmittedAssignment.assignment_id == Assignment.id)
            .join(Notebook, SubmittedNotebook.notebook_id == Notebook.id)
            .join(Grade, Grade.notebook_id == SubmittedNotebook.id)
            .join(GradeCell, Grade.cell_id == GradeCell.id)
        )
        if assignment:
            query = query.filter(Assignment.name == assignment)
        rows = []
        for student, name, notebook, cell, cell_type, score, max_score in query.order_by(
            Assignment.name, SubmittedAssignment.student_id, Notebook.name, GradeCell.name
        ):
            if (name, student) not in graded:
                continue
            person = people.get(student, {})
            rows.append(
                {
                    "participant_id": student,
                    **_provinces(person),
                    "organisation_type": person.get("organisation_type", ""),
                    "assignment": name,
                    "notebook": notebook,
                    "cell": cell,
                    "cell_type": cell_type,
                    "score": _number(score),
                    "max_score": _number(max_score),
                    "passed": "" if score is None else int(score >= max_score),
                }
            )
        return rows
    finally:
        gradebook.close()


def write_csv(rows: list[dict], path: str | Path, columns=COLUMNS, delimiter: str = ",") -> Path:
    """Write rows as a quoted UTF-8 CSV with a BOM and CRLF line ends, safe from formula injection.

    Parameters
    ----------
    rows : list of dict
        From :func:`grade_rows` or :func:`item_rows`.
    path : str or Path
        The file; its folder is created.
    columns : sequence of str
        The header, machine-readable English names (:data:`COLUMNS` by default).
    delimiter : str
        ``","`` (default); ``";"`` for Excel set to Vietnamese, which splits on
        it, or a tab.

    Raises
    ------
    ValueError
        For any other separator.
    """
    if delimiter not in spreadsheet.DELIMITERS:
        raise ValueError(
            _("The CSV separator must be a comma, a semicolon or a tab, not {delimiter}.").format(
                delimiter=repr(delimiter)
            )
        )
    return spreadsheet.write_csv(path, rows, columns, delimiter=delimiter)
