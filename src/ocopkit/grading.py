"""Autograde submissions with nbgrader, naming every failure instead of hiding it as a zero.

Before nbgrader runs, each submitted notebook is checked for the faults that
stock nbgrader reports only as a traceback or a zero: a missing, empty,
non-UTF-8 or damaged file, or a notebook of the wrong format. Then nbgrader's
own ``autograde`` grades it, and the outcome (``graded`` with the score, or
``failed`` with a reason a trainer understands) goes into the ledger.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat

from . import ledger
from .course import nbgrader_api
from .i18n import _


def expected_notebooks(api, assignment: str) -> list[str]:
    """Return the notebook file names the released assignment contains."""
    release = Path(api.coursedir.format_path(api.coursedir.release_directory, ".", assignment))
    return sorted(p.name for p in release.glob("*.ipynb"))


def submitted_participants(api, assignment: str) -> list[str]:
    """Return the ids of participants with a folder under ``submitted/*/ASSIGNMENT``."""
    submitted = Path(api.coursedir.root) / api.coursedir.submitted_directory
    return sorted(p.parent.name for p in submitted.glob(f"*/{assignment}") if p.is_dir())


def notebook_problem(path: Path) -> str | None:
    """Return why a submitted notebook cannot be graded, or None when it can be read.

    Parameters
    ----------
    path : Path
        The submitted ``.ipynb`` file.
    """
    if not path.exists():
        return _("the notebook {name} is missing from the submission").format(name=path.name)
    raw = path.read_bytes()
    if not raw.strip():
        return _("the notebook {name} is empty (0 bytes of content)").format(name=path.name)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        return _("the notebook {name} is not UTF-8 text (byte {position} is invalid)").format(
            name=path.name, position=error.start)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        return _("the notebook {name} is damaged: not valid JSON at line {line}, column {column}").format(
            name=path.name, line=error.lineno, column=error.colno)
    if not isinstance(data, dict) or data.get("nbformat") != 4:
        return _("the file {name} is not a Jupyter notebook of format 4").format(name=path.name)
    try:
        nbformat.validate(nbformat.from_dict(data))
    except nbformat.ValidationError as error:
        return _("the notebook {name} does not follow the notebook format: {detail}").format(
            name=path.name, detail=str(error).splitlines()[0])
    return None


def failure_reason(result: dict) -> str:
    """Pick the line of nbgrader's error or log that says what went wrong."""
    lines = (result.get("error") or "").strip().splitlines()
    exception = next((line for line in reversed(lines) if line and not line.startswith(" ")), "")
    errors = [line for line in (result.get("log") or "").splitlines() if "[ERROR]" in line]
    detail = exception or (errors[0] if errors else _("nbgrader reported a failure without details"))
    return _("nbgrader could not grade it: {detail}").format(detail=detail.replace("[ERROR] ", ""))


def grade_submission(api, assignment: str, participant_id: str) -> ledger.Grading:
    """Grade one participant's submission and return the named outcome.

    Parameters
    ----------
    api : nbgrader.apps.NbGraderAPI
    assignment : str
    participant_id : str

    Returns
    -------
    ledger.Grading
        ``graded`` with score and maximum, or ``failed`` with the reason.
    """
    folder = Path(api.coursedir.format_path(api.coursedir.submitted_directory, participant_id, assignment))
    for name in expected_notebooks(api, assignment):
        problem = notebook_problem(folder / name)
        if problem:
            return ledger.Grading(assignment, participant_id, "failed", problem, None, None)
    result = api.autograde(assignment, participant_id, force=True, create=True)
    if not result.get("success"):
        return ledger.Grading(assignment, participant_id, "failed", failure_reason(result), None, None)
    gradebook = api.gradebook
    try:
        submission = gradebook.find_submission(assignment, participant_id)
        score, max_score = submission.score, submission.max_score
        manual = submission.needs_manual_grade
    finally:
        gradebook.close()
    reason = _("written answers await a trainer's grading") if manual else ""
    return ledger.Grading(assignment, participant_id, "graded", reason, score, max_score)


def grade_assignment(course_dir: str | Path, assignment: str, progress=None) -> list[ledger.Grading]:
    """Grade every submission of an assignment and record each outcome in the ledger.

    One broken submission never stops the run: it is recorded as ``failed``
    and the next one is graded.

    Parameters
    ----------
    course_dir : path
    assignment : str
    progress : callable, optional
        Called with each outcome as it is recorded.
    """
    api = nbgrader_api(course_dir)
    outcomes = []
    for participant_id in submitted_participants(api, assignment):
        outcome = grade_submission(api, assignment, participant_id)
        ledger.record(course_dir, outcome)
        outcomes.append(outcome)
        if progress:
            progress(outcome)
    return outcomes
