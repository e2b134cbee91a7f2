"""Written answers at cohort scale: grade them in a spreadsheet instead of nbgrader's formgrader.

The formgrader slows down past about a thousand participants, and a trainer
with a laptop and no connection to the hub still needs to grade. So:

- :func:`export_written`: after autograding, one ``.xlsx`` row per submission
  and manually graded cell (an nbgrader cell with ``grade`` and ``solution``):
  who, which cell, the participant's answer, the maximum, the trainer's rubric
  from ``docs/trainers/``, and empty *points* and *comment* columns. A second
  sheet explains how to fill it. Several trainers may each take a copy and
  fill only their share of the rows.
- :func:`import_scores`: read one or several filled copies, check every row
  against the gradebook, and write the scores and comments through nbgrader's
  own API only when every row is right (as the roster import does).

The model answer is never written: only the rubric file, which is for
trainers. Text that starts like a formula stays text, since the answers are
written by participants.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

from ..i18n import _, format_number
from .course import Course, repository_root

# Excel keeps at most this many characters in a cell; a longer text is cut, with a note.
CELL_LIMIT = 32_767
TOPIC = re.compile(r"^(topic\d\d)")
# Column positions (1-based) of the grading sheet; import reads by position, so headers may be translated.
PARTICIPANT, NAME, ASSIGNMENT, NOTEBOOK, CELL, ANSWER, MAX_POINTS, RUBRIC, POINTS, COMMENT = range(1, 11)
WIDTHS = {PARTICIPANT: 16, NAME: 24, ASSIGNMENT: 12, NOTEBOOK: 12, CELL: 24, ANSWER: 70, MAX_POINTS: 10}
WIDTHS |= {RUBRIC: 50, POINTS: 10, COMMENT: 50}


class ManualGradesError(ValueError):
    """Spreadsheet rows that cannot be imported; ``problems`` lists each as (row, message).

    Row 0 stands for the file itself (one that cannot be read, or a course with nothing to grade).
    """

    def __init__(self, problems: list[tuple[int, str]]):
        self.problems = problems
        lines = [_("row {row}: {message}").format(row=row, message=message) for row, message in problems]
        super().__init__(
            _("The manual grades have {count} problem(s); nothing was written to the gradebook:").format(
                count=len(problems)
            )
            + "\n"
            + "\n".join(lines)
        )


@dataclass(frozen=True)
class ImportResult:
    """What :func:`import_scores` wrote: scores, comments, and the rows left empty."""

    scores: int
    comments: int
    skipped: int


@dataclass(frozen=True)
class _Entry:
    """One filled row of one copy, as read."""

    source: str
    row: int
    participant: str
    assignment: str
    notebook: str
    cell: str
    points: object
    comment: str

    @property
    def key(self) -> tuple[str, str, str]:
        return self.participant, self.notebook, self.cell

    @property
    def where(self) -> str:
        return _("{file}, row {row}").format(file=self.source, row=self.row)


# --------------------------------------------------------------------------- export


def headers() -> list[str]:
    """The column headers of the grading sheet, in the current language."""
    return [
        _("Participant id"),
        _("Name"),
        _("Assignment"),
        _("Notebook"),
        _("Cell"),
        _("Participant's answer"),
        _("Maximum points"),
        _("Rubric"),
        _("Points"),
        _("Comment"),
    ]


def export_written(course: Course | str | Path, assignment: str, path: str | Path) -> Path:
    """Write the written answers of an autograded assignment to an ``.xlsx`` file for trainers.

    Parameters
    ----------
    course : Course or path
        The course directory, opened once by the caller or as a folder.
    assignment : str
        An assignment that ``ocop grade`` has graded.
    path : path
        The ``.xlsx`` file to write (replaced when it exists).

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    ManualGradesError
        When the assignment has no autograded submission yet.
    """
    from openpyxl import Workbook

    course = Course.of(course)
    gradebook = course.api.gradebook
    try:
        cells = _manual_cells(gradebook, assignment)
        rows = _export_rows(course, gradebook, assignment, cells)
    finally:
        gradebook.close()
    if not rows:
        raise ManualGradesError(
            [(0, _("{assignment} has no graded submission yet: run ocop grade first.").format(assignment=assignment))]
        )
    workbook = Workbook()
    _fill_grading_sheet(workbook.active, rows)
    _fill_instructions(workbook.create_sheet(_("Instructions")), assignment, cells)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def _manual_cells(gradebook, assignment: str) -> dict[tuple[str, str], float]:
    """The manually graded cells, (notebook, cell) -> maximum: grade cells that are also solution cells."""
    from nbgrader.api import MissingEntry

    try:
        record = gradebook.find_assignment(assignment)
    except MissingEntry:
        return {}
    cells = {}
    for notebook in record.notebooks:
        solutions = {cell.name for cell in notebook.solution_cells}
        for cell in notebook.grade_cells:
            if cell.name in solutions:
                # 2.0 as 2: a maximum shows as the trainer writes it
                maximum = cell.max_score
                cells[(notebook.name, cell.name)] = int(maximum) if float(maximum).is_integer() else maximum
    return dict(sorted(cells.items()))


def _export_rows(course: Course, gradebook, assignment: str, cells: dict) -> list[list]:
    """One row of values per submission and manually graded cell, by participant id."""
    rubric = rubric_text(assignment)
    rows = []
    for submission in sorted(gradebook.assignment_submissions(assignment), key=lambda s: s.student.id):
        student = submission.student
        name = " ".join(part for part in (student.last_name, student.first_name) if part)
        for (notebook, cell), maximum in cells.items():
            answer = _answer(course, student.id, assignment, notebook, cell)
            rows.append([student.id, name, assignment, notebook, cell, answer, maximum, rubric, None, None])
    return rows


def rubric_text(assignment: str) -> str:
    """The trainers' rubric of an assignment (``docs/trainers/topicNN-*.md``), or a note that there is none.

    Never the model answer of the solutions: that stays in the course's source.
    """
    match = TOPIC.match(assignment)
    try:
        folder = repository_root() / "docs" / "trainers"
    except FileNotFoundError:  # an installed kit without its documents
        folder = None
    files = sorted(folder.glob(f"{match.group(1)}-*.md")) if match and folder else []
    if not files:
        return _(
            "No rubric file for this assignment in docs/trainers/: grade by the task in the notebook and agree "
            "on the criteria between trainers."
        )
    return _fit("\n\n".join(f.read_text(encoding="utf-8") for f in files))


def _answer(course: Course, student: str, assignment: str, notebook: str, cell: str) -> str:
    """The source of a cell as the participant handed it in: the autograded copy, else the submitted one."""
    coursedir = course.api.coursedir
    for step in (coursedir.autograded_directory, coursedir.submitted_directory):
        path = Path(coursedir.format_path(step, student, assignment)) / f"{notebook}.ipynb"
        try:
            content = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        for item in content.get("cells", []):
            if item.get("metadata", {}).get("nbgrader", {}).get("grade_id") == cell:
                source = item.get("source", "")
                return _fit("".join(source) if isinstance(source, list) else str(source))
    return ""


def _fit(text: str) -> str:
    """Text that Excel accepts in a cell: no control characters, at most :data:`CELL_LIMIT` characters."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    if len(text) <= CELL_LIMIT:
        return text
    note = _("[cut here: the full text is in the notebook]")
    return text[: CELL_LIMIT - len(note) - 2] + "\n\n" + note


def _put(sheet, row: int, column: int, value):
    """Write one cell; text always as text, so an answer starting with "=" is never a formula."""
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl makes a str starting with "=" a formula; this undoes it
    return cell


def _fill_grading_sheet(sheet, rows: list[list]) -> None:
    """The sheet trainers fill: bold frozen header, widths, wrapped long text."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    sheet.title = _("Grades")
    for column, title in enumerate(headers(), start=1):
        _put(sheet, 1, column, title).font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(column)].width = WIDTHS[column]
    wrapped = Alignment(wrap_text=True, vertical="top")
    for number, values in enumerate(rows, start=2):
        for column, value in enumerate(values, start=1):
            cell = _put(sheet, number, column, value)
            if column in (ANSWER, RUBRIC, COMMENT):
                cell.alignment = wrapped
    sheet.freeze_panes = "A2"


def _fill_instructions(sheet, assignment: str, cells: dict) -> None:
    """The second sheet: how to fill the first, in the trainer's language."""
    from openpyxl.styles import Alignment, Font

    lines = [
        _("How to grade the written answers of {assignment}").format(assignment=assignment),
        "",
        _("1. On the sheet Grades, each row is one answer of one participant. Read the answer and the rubric."),
        _(
            "2. Write the points in the column Points: a number from 0 to the maximum of the row "
            "(half points are allowed, for example 1.5). Leave it empty for an answer you do not grade."
        ),
        _("3. Write a comment for the participant in the column Comment if you wish; they read it on their page."),
        _("4. Do not change the other columns: they tell the gradebook whose answer each row is."),
        _(
            "5. Several trainers can share the work: each takes a copy of this file and fills only their own "
            "rows. Import all copies together: ocop manual import {assignment} FILE1 FILE2 ..."
        ).format(assignment=assignment),
        _(
            "6. Nothing is written unless every filled row is right; a problem is reported with its row number. "
            "A row graded in two copies must have the same points."
        ),
        "",
        _("Maximum points per cell:"),
    ]
    lines += [
        _("{notebook} / {cell}: {points} points").format(
            notebook=notebook, cell=cell, points=format_number(points, 2, trim=True)
        )
        for (notebook, cell), points in cells.items()
    ]
    for number, line in enumerate(lines, start=1):
        _put(sheet, number, 1, line).alignment = Alignment(wrap_text=True)
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.column_dimensions["A"].width = 110


# --------------------------------------------------------------------------- import


def import_scores(course: Course | str | Path, assignment: str, paths) -> ImportResult:
    """Write the points and comments of filled grading sheets to the gradebook, all or nothing.

    Parameters
    ----------
    course : Course or path
        The course directory; its gradebook is the configured ``db_url`` (SQLite or PostgreSQL).
    assignment : str
        The assignment the sheets were exported for.
    paths : path or list of paths
        One or several filled copies of the file :func:`export_written` wrote.

    Returns
    -------
    ImportResult
        How many scores and comments were written, and how many rows were left empty.

    Raises
    ------
    ManualGradesError
        Listing every bad row (unknown participant or cell, points out of range, a row graded twice
        with different points); nothing is written then.
    """
    paths = [paths] if isinstance(paths, (str, Path)) else list(paths)
    entries, skipped, problems = [], 0, []
    for path in paths:
        read, empty, found = _read_copy(Path(path))
        entries += read
        skipped += empty
        problems += found
    course = Course.of(course)
    gradebook = course.api.gradebook
    try:
        cells = _manual_cells(gradebook, assignment)
        unique, found = _merge(entries)
        problems += found
        problems += [p for entry in unique for p in _check(gradebook, assignment, cells, entry)]
        if problems:
            raise ManualGradesError(sorted(problems, key=lambda p: p[0]))
        return _write(gradebook, assignment, unique, skipped)
    finally:
        gradebook.close()


def _read_copy(path: Path) -> tuple[list[_Entry], int, list[tuple[int, str]]]:
    """The filled rows of one copy, the number of empty rows, and the rows that cannot be read."""
    from openpyxl import load_workbook

    try:
        # Not data_only: a formula in Points is refused instead of read as a cached value that may be stale.
        sheet = load_workbook(path, read_only=True).worksheets[0]
        rows = list(sheet.iter_rows(min_row=2, max_col=COMMENT))
    except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
        return [], 0, [(0, _("{file} cannot be read as an .xlsx file: {error}").format(file=path.name, error=error))]
    entries, empty, problems = [], 0, []
    for number, cells in enumerate(rows, start=2):
        values = [getattr(cell, "value", None) for cell in cells] + [None] * (COMMENT - len(cells))
        if all(_blank(v) for v in values):
            continue  # a row below the data, or one a trainer deleted
        points, comment = values[POINTS - 1], _text(values[COMMENT - 1])
        if _blank(points):
            empty += 1
            if comment:
                problems.append(
                    (number, _("{file}: a comment without points; write the points too.").format(file=path.name))
                )
            continue
        if getattr(cells[POINTS - 1], "data_type", "n") == "f":
            points = _("a formula")
        entries.append(
            _Entry(
                path.name,
                number,
                *(_text(values[c - 1]) for c in (PARTICIPANT, ASSIGNMENT, NOTEBOOK, CELL)),
                points,
                comment,
            )
        )
    return entries, empty, problems


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _merge(entries: list[_Entry]) -> tuple[list[_Entry], list[tuple[int, str]]]:
    """One entry per graded cell; a cell graded twice must agree, or both rows are reported."""
    first: dict[tuple, _Entry] = {}
    problems = []
    for entry in entries:
        earlier = first.setdefault(entry.key, entry)
        if earlier is entry:
            continue
        same_points = _points(earlier.points) == _points(entry.points) and _points(entry.points) is not None
        if not same_points or (earlier.comment and entry.comment and earlier.comment != entry.comment):
            problems.append(
                (
                    entry.row,
                    _(
                        "{participant} / {cell} is graded twice, differently: {first} ({first_points}) and "
                        "{second} ({second_points}); keep one."
                    ).format(
                        participant=entry.participant,
                        cell=entry.cell,
                        first=earlier.where,
                        first_points=earlier.points,
                        second=entry.where,
                        second_points=entry.points,
                    ),
                )
            )
        elif entry.comment and not earlier.comment:
            first[entry.key] = entry  # same points: keep the copy that also has a comment
    return list(first.values()), problems


def _points(value) -> float | None:
    """Points as a number, from a number or a text such as "1,5"; None when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        try:
            value = float(value.strip().replace(",", "."))
        except ValueError:
            return None
    if not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return float(value)


def _check(gradebook, assignment: str, cells: dict, entry: _Entry) -> list[tuple[int, str]]:
    """The problems of one filled row, checked against the gradebook."""
    from nbgrader.api import MissingEntry

    where = entry.source  # the row number is the problem's own
    if entry.assignment != assignment:
        message = _("{where}: the row is for the assignment {found}, not {assignment}.")
        return [(entry.row, message.format(where=where, found=entry.assignment or "-", assignment=assignment))]
    try:
        gradebook.find_submission(assignment, entry.participant)
    except MissingEntry:
        message = _("{where}: no participant {participant} has a graded submission of {assignment}.")
        return [(entry.row, message.format(where=where, participant=entry.participant or "-", assignment=assignment))]
    maximum = cells.get((entry.notebook, entry.cell))
    if maximum is None:
        message = _("{where}: {notebook} / {cell} is not a manually graded cell of {assignment}.")
        return [
            (entry.row, message.format(where=where, notebook=entry.notebook, cell=entry.cell, assignment=assignment))
        ]
    points = _points(entry.points)
    if points is None or not 0 <= points <= maximum:
        message = _("{where}: the points must be a number from 0 to {maximum}, not {points}.")
        return [(entry.row, message.format(where=where, maximum=maximum, points=entry.points))]
    return []


def _write(gradebook, assignment: str, entries: list[_Entry], skipped: int) -> ImportResult:
    """Write checked entries through nbgrader's own API, in one transaction."""
    scores = comments = 0
    try:
        for entry in entries:
            grade = gradebook.find_grade(entry.cell, entry.notebook, assignment, entry.participant)
            grade.manual_score = _points(entry.points)
            grade.needs_manual_grade = False
            scores += 1
            if entry.comment:
                comment = gradebook.find_comment(entry.cell, entry.notebook, assignment, entry.participant)
                comment.manual_comment = entry.comment
                comments += 1
        gradebook.db.commit()
    except Exception:
        gradebook.db.rollback()  # all or nothing, also when the database fails half-way
        raise
    return ImportResult(scores=scores, comments=comments, skipped=skipped)
