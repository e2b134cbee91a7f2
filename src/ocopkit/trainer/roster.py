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

The file may be written as trainers' spreadsheets write it: UTF-8 (with or
without a BOM), UTF-16 or Windows-1258, with commas, semicolons or tabs
between the columns (see :mod:`ocopkit.trainer.table_files`); line numbers are
those a text editor shows, blank lines and multi-line cells included. The
organisation type may be written in Vietnamese (``Hợp tác xã``, ``HTX``,
``hộ kinh doanh``…), with or without tone marks; the English code is stored.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .. import provinces
from ..i18n import _, get_language
from . import table_files

COLUMNS = ("id", "name", "province", "district", "organisation_type", "email")
REQUIRED = ("id", "name", "province", "organisation_type")
# Lower-case ASCII so an id also works as a Linux user name on the hub.
ID_PATTERN = re.compile(r"^[a-z][a-z0-9_-]{1,31}$")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
ORGANISATION_TYPES = ("enterprise", "cooperative", "cooperative group", "household", "manager")
# What trainers write for each type, folded (see _fold_type) → the English code stored and exported.
ORGANISATION_WORDS = {
    "enterprise": (
        "doanh nghiệp",
        "DN",
        "công ty",
        "công ty TNHH",
        "công ty cổ phần",
        "CTCP",
        "doanh nghiệp tư nhân",
        "DNTN",
    ),
    "cooperative": ("hợp tác xã", "HTX"),
    "cooperative group": ("tổ hợp tác", "THT"),
    "household": ("hộ kinh doanh", "hộ gia đình", "hộ sản xuất", "HKD"),
    "manager": ("cán bộ quản lý", "cán bộ"),
}

OPTIONAL_COLUMNS = ("district",)
# The 63 provinces and centrally-run cities of the 2021 training series, and the 34 units since 1 July 2025.
PROVINCES = frozenset(provinces.former_names())
PROVINCES_2025 = frozenset(provinces.current_names())


class RosterError(ValueError):
    """A roster with bad rows; ``problems`` lists each as (line, message).

    ``encoding`` and ``delimiter`` tell how the file was read (``""`` when it could not be).
    """

    def __init__(self, problems: list[tuple[int, str]], *, encoding: str = "", delimiter: str = ""):
        self.problems, self.encoding, self.delimiter = problems, encoding, delimiter
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


@dataclass(frozen=True)
class RosterFile:
    """A roster read and checked, with how its file was written.

    Attributes
    ----------
    participants : list of Participant
    encoding : str
        The codec found, e.g. ``utf-8-sig`` or ``cp1258`` (see :func:`table_files.encoding_label`).
    delimiter : str
        ``,``, ``;`` or a tab.
    """

    participants: list[Participant]
    encoding: str
    delimiter: str


def _fold_type(text: str) -> str:
    """Lower-case ASCII words, so 'Hợp tác xã', 'hop tac xa' and 'HỢP  TÁC-XÃ' compare equal."""
    text = unicodedata.normalize("NFD", text).replace("đ", "d").replace("Đ", "d")
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


_TYPE_INDEX = {
    _fold_type(word): code for code in ORGANISATION_TYPES for word in (code, *ORGANISATION_WORDS.get(code, ()))
}


def organisation_type(text: str) -> str:
    """Return the English code for an organisation type written in English or Vietnamese.

    Parameters
    ----------
    text : str
        E.g. ``"Hợp tác xã"``, ``"hop tac xa"``, ``"HTX"`` or ``"cooperative"``.

    Returns
    -------
    str
        One of :data:`ORGANISATION_TYPES`, or ``""`` for an unknown type.
    """
    return _TYPE_INDEX.get(_fold_type(text), "")


def organisation_label(code: str) -> str:
    """An organisation type as a trainer reads it: ``"cooperative"`` → ``"Hợp tác xã"`` (the code in English).

    Exports keep the code, which sorts and filters the same in every language; sheets and pages show this.
    """
    if get_language() == "en" or code not in ORGANISATION_WORDS:
        return code
    first = ORGANISATION_WORDS[code][0]
    return first[0].upper() + first[1:]


def _type_problem(value: str) -> str:
    """The message for an unknown organisation type, naming the Vietnamese words accepted."""
    words = ", ".join(f"“{words[0]}”" for words in ORGANISATION_WORDS.values())
    return _("organisation_type {value!r} is unknown: write one of {words} (or the codes {codes})").format(
        value=value, words=words, codes=", ".join(ORGANISATION_TYPES)
    )


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
    if row.get("organisation_type"):
        code = organisation_type(row["organisation_type"])
        if code:
            row["organisation_type"] = code
        else:
            problems.append(_type_problem(row["organisation_type"]))
    if row.get("email") and not EMAIL_PATTERN.match(row["email"]):
        problems.append(_("email {email!r} is not an e-mail address").format(email=row["email"]))
    return problems


def read_roster(path: str | Path) -> list[Participant]:
    """Read and check a roster file; see :func:`read_roster_file`.

    Parameters
    ----------
    path : path

    Returns
    -------
    list of Participant
    """
    return read_roster_file(path).participants


def _header_problem(header: tuple[str, ...], line: int) -> tuple[int, str] | None:
    """The problem of a header without a required column, or ``None``."""
    missing = [c for c in COLUMNS if c not in header and c not in OPTIONAL_COLUMNS]
    if not missing:
        return None
    return line, _("the header lacks the column(s): {columns}").format(columns=", ".join(missing))


def read_roster_file(path: str | Path) -> RosterFile:
    """Read and check a roster file, saying how it was written.

    Parameters
    ----------
    path : path
        A table with the header ``id, name, province, district,
        organisation_type, email`` (the ``district`` column may be left out
        and may be empty), in UTF-8 (with or without a BOM), UTF-16 with a BOM
        or Windows-1258, separated by commas, semicolons or tabs.

    Returns
    -------
    RosterFile
        ``province`` spelt as in ``datasets/provinces_2025.csv`` (the former or
        current name the roster gave), ``organisation_type`` as its English code.

    Raises
    ------
    RosterError
        Listing every bad row with its line number; no partial result.
    """
    try:
        table = table_files.read_table(path, COLUMNS)
    except table_files.TableFileError as error:
        raise RosterError([(error.line, error.message)]) from None
    found = {"encoding": table.encoding, "delimiter": table.delimiter}
    header = tuple(cell.casefold() for cell in table.header)  # "ID" or "Name" from a spreadsheet is fine
    problem = _header_problem(header, table.header_line)
    if problem:
        raise RosterError([problem], **found)
    participants, problems, seen = [], [], set()
    for record in table.rows:
        # Cells beyond the header are dropped, as csv.DictReader did; missing ones are empty.
        row = {key: value.strip() for key, value in zip(header, record.cells) if key}
        row_problems = _row_problems(row, seen)
        problems += [(record.line, message) for message in row_problems]
        seen.add(row.get("id", ""))
        if not row_problems:
            participants.append(Participant(**{c: row.get(c, "") for c in COLUMNS}))
    if problems:
        raise RosterError(problems, **found)
    return RosterFile(participants, **found)


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
