"""Export grades to an Excel workbook (.xlsx) that a trainer reads at a glance.

:func:`write_xlsx` writes four sheets, named and headed in the current
language (Vietnamese by default), statuses as words (those of the report):

- "Scores" (*Điểm*): one row per participant and assignment, the columns of
  :data:`ocopkit.trainer.export.COLUMNS`, scores as numbers;
- "Overview" (*Bảng tổng hợp*): one row per participant, one column per
  assignment (the score, empty when nothing was handed in, the status word
  when grading failed or has not run yet), then the total and the share of the
  maximum;
- "Grading failed" (*Chấm lỗi*): each failed grading with its reason;
- "Not handed in" (*Chưa nộp*): each assignment a participant has not handed
  in, with the e-mail to remind them.

Names, ids and reasons come from participants. In a workbook a cell is a
formula only when it is stored as one, so every text is stored as a string
(``data_type`` ``"s"``) as typed, never as a formula; a text that starts with a
formula character is also marked with Excel's quote prefix, so that editing
the cell keeps it text. Characters that XML cannot hold are dropped.
"""

from __future__ import annotations

import numbers
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

from ..i18n import _
from ..spreadsheet import FORMULA_START
from . import export
from .course import Course
from .report import status_words, topic_label
from .roster import organisation_label

# Column widths, in characters, that keep every sheet readable.
MIN_WIDTH, MAX_WIDTH = 8, 50
# Participant columns the overview and the list of the missing begin with.
PERSON = ("participant_id", "name", "province", "former_province", "organisation_type")


def _headers() -> dict[str, str]:
    """The heading of each column, in the current language."""
    return {
        "participant_id": _("Participant ID"),
        "name": _("Full name"),
        "province": _("Province (since 1 July 2025)"),
        "former_province": _("Former province"),
        "organisation_type": _("Organisation type"),
        "assignment": _("Assignment"),
        "score": _("Score"),
        "max_score": _("Maximum score"),
        "status": _("Status"),
        "reason": _("Reason"),
        "email": _("E-mail"),
        "total": _("Total score"),
        "percent": _("Share of the maximum"),
    }


def write_xlsx(course: Course | str | Path, path: str | Path, assignment: str | None = None) -> Path:
    """Write the grades of a course as an Excel workbook and return its path.

    Parameters
    ----------
    course : Course or path
        The course (opened once by the caller), or its folder.
    path : str or Path
        The ``.xlsx`` file; its folder is created.
    assignment : str, optional
        Only this assignment; every assignment of the course by default.

    Returns
    -------
    Path
        ``path``.
    """
    course = Course.of(course)
    rows = export.grade_rows(course, assignment)
    people = course.ledger.participants()
    names = [assignment] if assignment else course.assignments()
    book = Workbook()
    book.remove(book.active)
    head = _headers()
    _sheet(book, _("Scores"), [head[c] for c in export.COLUMNS], _long(rows))
    wide = [head[c] for c in PERSON] + [topic_label(name) for name in names] + [head["total"], head["percent"]]
    _sheet(book, _("Overview"), wide, _wide(rows, names), percent=True)
    failed = ("participant_id", "name", "assignment", "reason")
    _sheet(book, _("Grading failed"), [head[c] for c in failed], _listed(rows, "failed", failed, people))
    missing = ("participant_id", "name", "province", "organisation_type", "email", "assignment")
    _sheet(book, _("Not handed in"), [head[c] for c in missing], _listed(rows, "missing", missing, people))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def _value(value):
    """A cell's value: ``None`` for an empty one, numbers as they are, anything else its text."""
    if value is None or value == "":
        return None
    return value if isinstance(value, numbers.Number) else str(value)


def _long(rows: list[dict]) -> list[list]:
    """The rows of the long sheet: the export's columns, the status as a word."""
    return [[_shown(r, c) for c in export.COLUMNS] for r in rows]


def _shown(row: dict, column: str):
    """A row's value as the sheet shows it: a status or organisation type as words, the rest as it is."""
    if column == "status":
        return status_words().get(row[column], row[column])
    if column == "organisation_type":
        return organisation_label(row[column])
    return row[column]


def _wide(rows: list[dict], names: list[str]) -> list[list]:
    """The rows of the overview: a participant's columns, a cell per assignment, the total and its share.

    The share is of the sum of the assignments' maximum scores (as far as the
    gradebook knows them), so an assignment not handed in counts as nothing.
    """
    words = status_words()
    maxima = {r["assignment"]: r["max_score"] for r in rows if r["max_score"] != ""}
    possible = sum(maxima.get(name, 0) for name in names)
    by_person: dict[str, dict] = {}
    for row in rows:
        by_person.setdefault(row["participant_id"], {"person": row})[row["assignment"]] = row
    table = []
    for cells in by_person.values():
        scores = [_score_cell(cells.get(name), words) for name in names]
        total = sum(s for s in scores if isinstance(s, numbers.Number))
        share = total / possible if possible else None
        table.append([_shown(cells["person"], c) for c in PERSON] + scores + [total, share])
    return table


def _score_cell(row: dict | None, words: dict[str, str]):
    """One assignment's cell of the overview: the score, the status word when there is none, or empty."""
    if row is None or row["status"] == "missing":
        return None
    if row["score"] != "":
        return row["score"]
    return words.get(row["status"], row["status"])


def _listed(rows: list[dict], status: str, columns: tuple, people: dict) -> list[list]:
    """The rows of one status, in the given columns (``email`` from the roster)."""
    return [
        [people.get(r["participant_id"], {}).get("email", "") if c == "email" else _shown(r, c) for c in columns]
        for r in rows
        if r["status"] == status
    ]


def _sheet(book: Workbook, title: str, headers: list[str], rows: list[list], percent: bool = False) -> None:
    """Add a sheet: a frozen header row with a filter, the rows, and columns as wide as their text."""
    sheet = book.create_sheet(title)
    for number, values in enumerate([headers, *rows], start=1):
        for column, value in enumerate(values, start=1):
            _put(sheet.cell(row=number, column=column), value)
    if percent:
        for (cell,) in sheet.iter_rows(min_row=2, min_col=len(headers), max_col=len(headers)):
            cell.number_format = "0.0%"
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{len(rows) + 1}"
    for column, values in enumerate(zip(headers, *rows), start=1):
        width = max(len(str(v)) for v in values if v is not None) + 2
        sheet.column_dimensions[get_column_letter(column)].width = min(max(width, MIN_WIDTH), MAX_WIDTH)


def _put(cell, value) -> None:
    """Store a value in a cell: a number as a number, text always as a string, never a formula."""
    value = _value(value)
    if not isinstance(value, str):
        cell.value = value
        return
    cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell.data_type = "s"  # openpyxl takes text starting with "=" for a formula; it is a participant's text
    if value.startswith(FORMULA_START):
        cell.quotePrefix = True
