"""Export grades to a CSV that Excel opens with Vietnamese intact.

One row per participant and assignment, with ``status`` saying whether the
score is real: ``graded``, ``late``, ``failed`` (with the reason) or
``missing``. Written as UTF-8 with a byte-order mark (Excel needs it for
diacritics) and properly quoted, unlike nbgrader's built-in CSV exporter.
"""

from __future__ import annotations

import csv
from pathlib import Path

from . import ledger
from .course import assignments as course_assignments
from .course import nbgrader_api

COLUMNS = ("participant_id", "name", "province", "organisation_type", "assignment",
           "score", "max_score", "status", "reason")


def _number(value) -> str:
    """Write 7.0 as 7 and keep real fractions."""
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}"


def grade_rows(course_dir: str | Path, assignment: str | None = None) -> list[dict]:
    """Return one row per participant and assignment, from the gradebook and the ledger.

    Parameters
    ----------
    course_dir : path
    assignment : str, optional
        Only this assignment; every assignment of the course by default.
    """
    api = nbgrader_api(course_dir)
    people = ledger.participants(course_dir)
    outcomes = ledger.gradings(course_dir, assignment)
    gradebook = api.gradebook
    try:
        ids = sorted(set(people) | {s.id for s in gradebook.students})
        rows = []
        for name in [assignment] if assignment else course_assignments(course_dir):
            for participant_id in ids:
                rows.append(_row(gradebook, people.get(participant_id, {}), participant_id, name,
                                 outcomes.get((name, participant_id))))
        return rows
    finally:
        gradebook.close()


def _row(gradebook, person: dict, participant_id: str, assignment: str, outcome) -> dict:
    """Build one export row; a score counts only when grading succeeded."""
    row = {"participant_id": participant_id, "name": person.get("name", ""),
           "province": person.get("province", ""),
           "organisation_type": person.get("organisation_type", ""), "assignment": assignment,
           "score": "", "max_score": "", "status": "missing", "reason": ""}
    if outcome is None:
        return row
    row.update(status=outcome.status, reason=outcome.reason,
               score=_number(outcome.score), max_score=_number(outcome.max_score))
    if outcome.status == "graded":
        submission = gradebook.find_submission(assignment, participant_id)
        row.update(score=_number(submission.score), max_score=_number(submission.max_score))
        if submission.total_seconds_late > 0:
            row["status"] = "late"
    return row


def write_csv(rows: list[dict], path: str | Path) -> Path:
    """Write rows as a quoted UTF-8 CSV with a BOM."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, quoting=csv.QUOTE_MINIMAL)
        writer.writeheader()
        writer.writerows(rows)
    return path
