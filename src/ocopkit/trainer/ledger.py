"""The kit's own records beside nbgrader's gradebook: participants' details and grading outcomes.

nbgrader's gradebook has no place for a participant's province or organisation
type, and it keeps a score of 0 when autograding failed. The ledger, a SQLite
file in the course directory, records both, so an export can say ``failed``
with the reason instead of showing a silent zero.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

LEDGER_FILE = "ocop_ledger.sqlite"

SCHEMA = """
CREATE TABLE IF NOT EXISTS participants (
    id TEXT PRIMARY KEY, name TEXT, province TEXT, district TEXT,
    organisation_type TEXT, email TEXT);
CREATE TABLE IF NOT EXISTS gradings (
    assignment TEXT, participant_id TEXT, status TEXT, reason TEXT,
    score REAL, max_score REAL, updated TEXT, fingerprint TEXT,
    PRIMARY KEY (assignment, participant_id));
"""


@dataclass(frozen=True)
class Grading:
    """The outcome of grading one participant's submission of one assignment."""

    assignment: str
    participant_id: str
    status: str
    reason: str
    score: float | None
    max_score: float | None
    fingerprint: str = ""  # hash of the submission graded, so a rerun can skip it


class Ledger:
    """The ledger of one course directory, opened once and shared by every step of a run.

    The connection is made on first use and again in a forked process (a
    SQLite connection must not cross a fork).

    Parameters
    ----------
    course_dir : path
        The course directory; the ledger is its ``ocop_ledger.sqlite``.
    """

    def __init__(self, course_dir: str | Path):
        self.path = Path(course_dir) / LEDGER_FILE
        self._connection: sqlite3.Connection | None = None
        self._pid = 0

    @property
    def connection(self) -> sqlite3.Connection:
        """The open connection of this process (created, with its tables, when needed)."""
        if self._connection is None or self._pid != os.getpid():
            self._connection = sqlite3.connect(self.path, timeout=60)
            self._connection.executescript(SCHEMA)
            self._pid = os.getpid()
        return self._connection

    def close(self) -> None:
        """Close this process's connection; the next use opens it again."""
        if self._connection is not None and self._pid == os.getpid():
            self._connection.close()
        self._connection = None

    def save_participants(self, participants) -> None:
        """Insert or update participants' details in one transaction."""
        with self.connection as connection:
            connection.executemany(
                "INSERT OR REPLACE INTO participants VALUES (?, ?, ?, ?, ?, ?)",
                [(p.id, p.name, p.province, p.district, p.organisation_type, p.email) for p in participants],
            )

    def participants(self) -> dict[str, dict]:
        """Return every participant's details, keyed by id."""
        cursor = self.connection.execute("SELECT * FROM participants ORDER BY id")
        names = [column[0] for column in cursor.description]
        return {row[0]: dict(zip(names, row)) for row in cursor}

    def record(self, grading: Grading) -> None:
        """Record (or replace) the outcome of grading one submission."""
        with self.connection as connection:
            connection.execute(
                "INSERT OR REPLACE INTO gradings VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    grading.assignment,
                    grading.participant_id,
                    grading.status,
                    grading.reason,
                    grading.score,
                    grading.max_score,
                    datetime.now(UTC).isoformat(),
                    grading.fingerprint,
                ),
            )

    def gradings(self, assignment: str | None = None) -> dict[tuple[str, str], Grading]:
        """Return recorded outcomes keyed by (assignment, participant id)."""
        query = "SELECT assignment, participant_id, status, reason, score, max_score, fingerprint FROM gradings"
        args = ()
        if assignment:
            query, args = query + " WHERE assignment = ?", (assignment,)
        return {(row[0], row[1]): Grading(*row) for row in self.connection.execute(query, args)}


# One-call forms for scripts and tests; a run of the kit uses its Course's one Ledger.


def save_participants(course_dir: str | Path, participants) -> None:
    """Insert or update participants' details (opens the ledger for this call)."""
    _once(course_dir, lambda book: book.save_participants(participants))


def participants(course_dir: str | Path) -> dict[str, dict]:
    """Return every participant's details, keyed by id (opens the ledger for this call)."""
    return _once(course_dir, Ledger.participants)


def record(course_dir: str | Path, grading: Grading) -> None:
    """Record the outcome of grading one submission (opens the ledger for this call)."""
    _once(course_dir, lambda book: book.record(grading))


def gradings(course_dir: str | Path, assignment: str | None = None) -> dict[tuple[str, str], Grading]:
    """Return recorded outcomes keyed by (assignment, participant id) (opens the ledger for this call)."""
    return _once(course_dir, lambda book: book.gradings(assignment))


def _once(course_dir, action):
    book = Ledger(course_dir)
    try:
        return action(book)
    finally:
        book.close()
