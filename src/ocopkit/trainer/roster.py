"""Participants of a cohort: read and check a roster CSV, then register it in nbgrader.

A roster has one row per participant with the columns ``id, name, province,
organisation_type, email`` and, optionally, ``district`` (there is no district
level since 1 July 2025; rosters of the 2021 series still have one, and it is
kept). The province may be one of the 63 former units or of the 34 units since
1 July 2025, in any spelling :func:`ocopkit.provinces.lookup` accepts; it is
stored as the dataset spells the name given, so the former name of a 2021
record is kept, and :attr:`Participant.province_2025` gives the current unit to
group by. Every bad row is reported with its line number, and nothing is
registered unless the whole file is right.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from .. import provinces
from ..i18n import _

COLUMNS = ("id", "name", "province", "district", "organisation_type", "email")
REQUIRED = ("id", "name", "province", "organisation_type")
# Lower-case ASCII so an id also works as a Linux user name on the hub.
ID_PATTERN = re.compile(r"^[a-z][a-z0-9_-]{1,31}$")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
ORGANISATION_TYPES = ("enterprise", "cooperative", "cooperative group", "household", "manager")

OPTIONAL_COLUMNS = ("district",)
# The 63 provinces and centrally-run cities of the 2021 training series, and the 34 units since 1 July 2025.
PROVINCES = frozenset(provinces.former_names())
PROVINCES_2025 = frozenset(provinces.current_names())


class RosterError(ValueError):
    """A roster with bad rows; ``problems`` lists each as (line, message)."""

    def __init__(self, problems: list[tuple[int, str]]):
        self.problems = problems
        lines = [_("line {line}: {message}").format(line=line, message=message) for line, message in problems]
        super().__init__(
            _("The roster has {count} problem(s); nothing was imported:").format(count=len(problems))
            + "\n"
            + "\n".join(lines)
        )


@dataclass(frozen=True)
class Participant:
    """One participant of a cohort."""

    id: str
    name: str
    province: str
    district: str
    organisation_type: str
    email: str

    @property
    def province_2025(self) -> str:
        """The provincial unit since 1 July 2025 that the participant's province belongs to."""
        return provinces.current_province(self.province, strict=False)[0]

    @property
    def former_province(self) -> str:
        """The former unit (before 1 July 2025) named in the roster, or ``""`` for a current-only name."""
        return provinces.current_province(self.province, strict=False)[1]

    @property
    def first_and_last_name(self) -> tuple[str, str]:
        """Split a Vietnamese full name for nbgrader: given name last, as in 'Nguyễn Thị Lan'."""
        family, _space, given = self.name.strip().rpartition(" ")
        return given, family


def _row_problems(row: dict, seen: set[str]) -> list[str]:
    """Return every problem of one roster row."""
    problems = [_("the field {field} is empty").format(field=f) for f in REQUIRED if not row.get(f)]
    ident = row.get("id") or ""
    if ident and not ID_PATTERN.match(ident):
        problems.append(
            _("id {id!r} must be 2–32 lower-case letters, digits, - or _, starting with a letter").format(id=ident)
        )
    if ident in seen:
        problems.append(_("id {id!r} appears twice").format(id=ident))
    if row.get("province"):
        try:
            row["province"] = provinces.lookup(row["province"]).name
        except provinces.UnknownProvince as error:
            problems.append(str(error))
    if row.get("organisation_type") and row["organisation_type"] not in ORGANISATION_TYPES:
        problems.append(
            _("organisation_type {value!r} must be one of: {choices}").format(
                value=row["organisation_type"], choices=", ".join(ORGANISATION_TYPES)
            )
        )
    if row.get("email") and not EMAIL_PATTERN.match(row["email"]):
        problems.append(_("email {email!r} is not an e-mail address").format(email=row["email"]))
    return problems


def read_roster(path: str | Path) -> list[Participant]:
    """Read and check a roster CSV (UTF-8, with or without a BOM).

    Parameters
    ----------
    path : path
        CSV with the header ``id,name,province,district,organisation_type,email``;
        the ``district`` column may be left out (and may be empty).

    Returns
    -------
    list of Participant
        ``province`` spelt as in ``datasets/provinces_2025.csv`` (the former or
        current name the roster gave).

    Raises
    ------
    RosterError
        Listing every bad row with its line number; no partial result.
    """
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise RosterError([(1, _("the file is not UTF-8 text; save it as 'CSV UTF-8' and try again"))]) from None
    reader = csv.DictReader(text.splitlines())
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or []) and c not in OPTIONAL_COLUMNS]
    if missing:
        raise RosterError([(1, _("the header lacks the column(s): {columns}").format(columns=", ".join(missing)))])
    participants, problems, seen = [], [], set()
    for line, row in enumerate(reader, start=2):
        row = {key: (value or "").strip() for key, value in row.items() if key}
        row_problems = _row_problems(row, seen)
        problems += [(line, message) for message in row_problems]
        seen.add(row.get("id", ""))
        if not row_problems:
            participants.append(Participant(**{c: row.get(c, "") for c in COLUMNS}))
    if problems:
        raise RosterError(problems)
    return participants


def register(participants: list[Participant], gradebook) -> int:
    """Add or update participants in nbgrader's gradebook, all or nothing.

    Parameters
    ----------
    participants : list of Participant
    gradebook : nbgrader.api.Gradebook

    Returns
    -------
    int
        How many participants were registered.
    """
    from nbgrader.api import Student

    session = gradebook.db
    try:
        for person in participants:
            first, last = person.first_and_last_name
            student = session.query(Student).filter(Student.id == person.id).one_or_none()
            if student is None:
                student = Student(id=person.id)
                session.add(student)
            student.first_name, student.last_name = first, last
            student.email = person.email or None
        session.commit()
    except Exception:
        session.rollback()
        raise
    return len(participants)
